"""Report rendering speed, in one run:

    python bench/reports.py [--workers 2] [--big 10000] [--cache DIR]

1. the floor: a bare kernel start plus the debrief report's imports;
2. one session debrief rendered to offline HTML (aim: at most 1.3 times the floor);
3. a batch of agent-progress reports, one per trainee of a 42-agent month, through
   ``roleplay report agent_progress --each person`` (aim: at most 20 s on 2 cores);
4. the team dashboard computed over a 10,000-scene store (aim: at most 3 s).

The demo stores are built once with ``roleplay demo-data`` and kept in the cache folder.
Floor and render each run in a fresh Python process, three times; medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLEPLAY = str(Path(sys.executable).with_name("roleplay"))
RUNS = 3

FLOOR = """
import time, json, sys
t = time.perf_counter()
from facilitation.reporting.kernel import ReportKernel
k = ReportKernel()
k.ready(warm_up=False)
k._run_code(sys.argv[1])
print(json.dumps(time.perf_counter() - t))
k.shutdown()
"""
# Timed until the report's files are written; shutting the kernel down afterwards (about
# 0.1 s) is not part of it, as the floor does not include it either. The whole command's
# wall time, shutdown included, is printed beside it.
RENDER = """
import time, json, sys
from pathlib import Path
t = time.perf_counter()
from facilitation.reporting import kernel
from facilitation.reporting.render import ReportJob, render_one
written = []
shutdown = kernel.ReportKernel.shutdown
kernel.ReportKernel.shutdown = lambda self: (written.append(time.perf_counter()), shutdown(self))
r = render_one(ReportJob("session_debrief", {"db": sys.argv[1]}, Path(sys.argv[2]) / "debrief"))
assert r.error is None, r.error
print(json.dumps(written[0] - t))
"""


def store(cache: Path, agents: int, scenes: int) -> str:
    path = cache / f"demo-{agents}x{scenes}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([ROLEPLAY, "demo-data", "--db", url, "--agents", str(agents), "--scenes", str(scenes),
                        "--quiet"], check=True, stdout=subprocess.DEVNULL)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s (kept for later runs)")
    return url


def report_imports(name: str) -> str:
    """The import lines of a report notebook's code cells, as the kernel runs them."""
    import nbformat

    nb = nbformat.read(ROOT / "reports" / f"{name}.ipynb", as_version=4)
    return "\n".join(line for cell in nb.cells if cell.cell_type == "code"
                     for line in cell.source.splitlines() if line.startswith(("import ", "from ")))


def timed_python(code: str, *args: str) -> float:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1]))


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--big", type=int, default=10_000, help="scenes in the dashboard's store")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "roleplay-bench")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    month = store(args.cache, 42, 1234)
    big = store(args.cache, 120, args.big)  # a larger organisation: 120 trainees
    print(f"machine: {os.cpu_count()} cores\n")

    imports = report_imports("session_debrief")
    floor = statistics.median(timed_python(FLOOR, imports) for _ in range(RUNS))
    print(f"floor (kernel start + debrief imports):  {floor:.2f} s")
    with tempfile.TemporaryDirectory() as out:
        render = statistics.median(timed_python(RENDER, month, out) for _ in range(RUNS))
        command = statistics.median(wall([ROLEPLAY, "report", "session_debrief", "--db", month, "--out", out])
                                    for _ in range(RUNS))
    print(f"one session debrief to offline HTML:     {render:.2f} s = {render / floor:.2f} × floor "
          "(aim ≤ 1.3)")
    print(f"  the whole `roleplay report session_debrief` command, Python start and kernel shutdown "
          f"included: {command:.2f} s")

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([ROLEPLAY, "report", "agent_progress", "--each", "person", "--db", month, "--out", out,
                        "--workers", str(args.workers)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        batch = time.perf_counter() - started
        written = len(list(Path(out).rglob("*.html")))
    print(f"{written} agent-progress reports, {args.workers} workers: {batch:.1f} s "
          f"({batch / max(written, 1):.2f} s each; aim ≤ 20 s)")

    from facilitation import Library
    from facilitation.reporting.team import load_dashboard

    library = Library.load()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        dash = load_dashboard(big, library=library)
        timings.append(time.perf_counter() - started)
    print(f"team dashboard over {args.big:,} stored scenes ({dash.period.label}; read + compute): "
          f"median {statistics.median(timings):.2f} s, first {timings[0]:.2f} s (aim ≤ 3 s)")


if __name__ == "__main__":
    main()
