"""Many observers writing at once: notes/s and write latency against one store.

Default load (the issue's): 30 processes, each writing one observer note every 100 ms
for 20 s into one SQLite file. Prints notes/s, p50/p99/max latency, and whether every
note arrived. ``--url`` points it at PostgreSQL; ``--sync normal`` measures SQLite with
``ROLEPLAY_SQLITE_SYNC=normal``.

    python bench/store.py [--processes 30] [--interval 0.1] [--duration 20] [--url URL]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from facilitation.clock import FakeClock
from facilitation.library import Library
from facilitation.store import Database
from facilitation.workbench import Workbench


@dataclass
class LoadResult:
    attempted: int
    stored: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def _observer(url: str, scene_id: str, name: str, interval: float, offset: float, duration: float,
              ready: Any, start_at: Any, results: Any) -> None:
    wb = Workbench(Database(url))
    wb.scene_version(scene_id)  # connected and warm before the clock starts
    ready.wait()
    latencies: list[float] = []
    errors: list[str] = []
    for k in range(round(duration / interval)):
        due = start_at.value + offset + k * interval
        time.sleep(max(0.0, due - time.time()))
        began = time.perf_counter()
        try:
            wb.add_note(scene_id, name, "note", text=f"{name} at {due:.1f}")
        except Exception as exc:  # the figure to report is exactly what reaches a caller
            errors.append(f"{type(exc).__name__}: {exc}")
        latencies.append(time.perf_counter() - began)
    wb.close()
    results.put((latencies, errors))


def prepare_scene(url: str, observers: list[str]) -> str:
    """A running scene to write notes into, the ``observers`` in its session."""
    wb = Workbench.open(url, library=Library.load(), clock=FakeClock())
    session = wb.create_session("Load", "fran", ["ana", *observers])
    scene = wb.create_scene(session.id, "frustrated-billing-customer", seed=1).id
    wb.start(scene)
    wb.skip(scene)
    wb.close()
    return scene


def run_load(url: str, processes: int = 30, interval: float = 0.1, duration: float = 20.0) -> LoadResult:
    observers = [f"observer-{i}" for i in range(processes)]
    scene = prepare_scene(url, observers)
    ctx = mp.get_context("spawn")
    ready, start_at, queue = ctx.Barrier(processes + 1), ctx.Value("d", 0.0), ctx.Queue()
    # Observers click when they click, not in lock-step: spread their phases over one interval.
    workers = [
        ctx.Process(target=_observer, args=(url, scene, observers[i], interval,
                                            interval * i / processes, duration, ready, start_at, queue))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    start_at.value = time.time() + 0.5
    ready.wait(timeout=120)
    results = [queue.get(timeout=duration + 120) for _ in workers]
    for worker in workers:
        worker.join()
    result = LoadResult(attempted=0, stored=0, seconds=duration)
    for latencies, errors in results:
        result.latencies += latencies
        result.errors += errors
    result.attempted = len(result.latencies)
    wb = Workbench(Database(url))
    result.stored = len(wb.notes(scene))
    wb.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--url", help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--sync", choices=("full", "normal"), default="full",
                        help="SQLite synchronous setting (ROLEPLAY_SQLITE_SYNC)")
    args = parser.parse_args()
    os.environ["ROLEPLAY_SQLITE_SYNC"] = args.sync  # inherited by the observer processes
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/bench.db"
        r = run_load(url, args.processes, args.interval, args.duration)
    ms = [x * 1000 for x in r.latencies]
    sync = f" (synchronous={args.sync})" if url.startswith("sqlite") else ""
    print(f"store: {url.split('://')[0]}{sync}; "
          f"{args.processes} processes x 1 note / {args.interval * 1000:.0f} ms x {args.duration:.0f} s")
    print(f"notes written: {r.attempted}, stored: {r.stored}, errors: {len(r.errors)}"
          f"{' (' + r.errors[0] + ')' if r.errors else ''}")
    print(f"throughput: {r.stored / r.seconds:.0f} notes/s")
    print(f"latency: p50 {r.percentile(50) * 1000:.1f} ms, p99 {r.percentile(99) * 1000:.1f} ms, "
          f"max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms")


if __name__ == "__main__":
    main()
