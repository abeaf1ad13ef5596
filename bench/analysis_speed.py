"""Analyser speed: cold start (a new process to the first analysis) and batch throughput on one core.

    python bench/analysis_speed.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "analysis-dev.jsonl"
SAMPLE = [
    ("That sounds really frustrating. Can you tell me what happened after the upgrade?", "agent"),
    ("I can refund the fee or credit next month's invoice. Which would you prefer?", "agent"),
    ("This is the third time I've called and still nothing works!", "customer"),
]
COLD = """
import time, sys
t = time.perf_counter()
from facilitation.analysis import Analyser
Analyser().analyse("That sounds really frustrating.", "agent")
Analyser().analyse("Still no reply!", "customer")
print(time.perf_counter() - t)
"""


def main() -> None:
    colds = sorted(float(subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True,
                                        check=True).stdout) for _ in range(5))
    print(f"cold start (import + first analyses): median {colds[2] * 1000:.0f} ms, "
          f"worst {colds[-1] * 1000:.0f} ms")

    from facilitation.analysis import Analyser

    if DATA.exists():
        items = [(row["text"], row["role"]) for row in map(json.loads, DATA.open(encoding="utf-8"))]
    else:
        items = SAMPLE * 2000
    analyser = Analyser()
    analyser.analyse_many(items[:200])  # warm
    started = time.process_time()
    analyser.analyse_many(items)
    cpu = time.process_time() - started
    words = sum(len(t.split()) for t, _ in items) / len(items)
    print(f"batch: {len(items)} messages (mean {words:.0f} words) in {cpu:.2f} s CPU "
          f"= {len(items) / cpu:,.0f} messages/s on one core")


if __name__ == "__main__":
    main()
