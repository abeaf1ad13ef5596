"""How fast the library is ready: what a facilitator waits for at every `roleplay` command.

Prints the time to import the core, to load and validate the whole library, to draw a
card, and the wall time of `roleplay cards list` as a new process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    started = time.perf_counter()
    from facilitation import Library

    imported = time.perf_counter() - started

    loads = []
    for _ in range(5):
        t = time.perf_counter()
        lib = Library.load()
        loads.append(time.perf_counter() - t)
    card = lib.card("frustrated-billing-customer")
    t = time.perf_counter()
    for seed in range(200):
        card.draw(seed)
    draw = (time.perf_counter() - t) / 200

    script = Path(sys.executable).with_name("roleplay")
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(script), "cards", "list"], check=True, capture_output=True)
        walls.append(time.perf_counter() - t)

    print(f"cards: {len(lib.cards)}, rubrics: {len(lib.rubrics)}, personas: {len(lib.personas)}")
    print(f"import facilitation:          {_ms(imported)}")
    print(f"load + validate library:      {_ms(statistics.median(loads))} (median of 5)"
          f" = {_ms(statistics.median(loads) / max(len(lib.cards), 1))} per card")
    print(f"draw one attempt:             {_ms(draw)}")
    print(f"`roleplay cards list` (wall): {_ms(statistics.median(walls))} (median of 5)")


if __name__ == "__main__":
    main()
