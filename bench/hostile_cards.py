"""How long and how much memory refusing hostile card files takes, beside a normal load.

    python bench/hostile_cards.py

Each hostile file is loaded in a fresh process beside the shipped library; the figures are
the wall time of Library.load and the process's peak memory (ru_maxrss)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_hostile_cards import HOSTILE_TEXT  # noqa: E402

PROBE = """
import resource, sys, time
from facilitation import Library
start = time.perf_counter()
lib = Library.load(cards_dir=sys.argv[1])
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(lib.cards)} cards, {len(lib.errors)} refused, {took * 1000:.0f} ms, peak {peak:.0f} MB")
"""


def main() -> None:
    shipped = ROOT / "scenario_cards"
    cases = {"(none: the shipped library)": None, **{k: v[0] for k, v in HOSTILE_TEXT.items()},
             "alias bomb under an unknown key": "schema_version: 2\nmood:\n" + "".join(
                 f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'ha'}]\n" for i in range(9)),
             "fifo": "FIFO", "/dev/zero": "ZERO"}
    for name, text in cases.items():
        with tempfile.TemporaryDirectory() as folder:
            for card in shipped.glob("*.yaml"):
                os.symlink(card, Path(folder) / card.name)
            if text == "FIFO":
                os.mkfifo(Path(folder) / "x.yaml")
            elif text == "ZERO":
                os.symlink("/dev/zero", Path(folder) / "x.yaml")
            elif text is not None:
                (Path(folder) / "x.yaml").write_text(text, encoding="utf-8")
            out = subprocess.run([sys.executable, "-c", PROBE, folder], capture_output=True, text=True,
                                 timeout=300, cwd=ROOT)
            print(f"{name:<34} {out.stdout.strip() or out.stderr.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
