"""Voilà page loads in Chromium: time to an interactive observer view, and kernels left behind.

    python bench/voila_load.py [--loads 50] [--timed 10]
    python bench/voila_load.py --memory


Starts `roleplay serve` as a facilitator would (preheated pool, idle culling; culling set
short here so the run ends in minutes), opens the observer page in headless Debian
Chromium, and prints the time from navigation to a clickable checklist. Then it loads the
page ``--loads`` times, closes every tab, waits one culling interval and counts the
kernels still alive (the aim: back to the pool size).

``--memory`` opens each page kind once on a server without a pool and prints the memory
(RSS) of the kernel behind it against the floor: a bare ipykernel with ipywidgets imported,
the least any widget page costs (the aim: at most 1.5 times the floor). Report pages are also
set against a kernel that has pandas and one plotly figure loaded, the least a report holds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitation.workbench import Workbench
from tests.browser import FLAGS, chromium_path, start_server

NOTEBOOKS = 10  # the five room pages and the five reports: Voilà preheats one pool for each


def kernels(voila_pid: int) -> int:
    return len(kernel_pids(voila_pid))


def bench_store(folder: str) -> tuple[str, str]:
    """A store in ``folder`` with one session and one scene to open pages on: (URL, join code)."""
    db = f"sqlite:///{folder}/bench.db"
    wb = Workbench.open(db)
    info = wb.create_session("Bench", "fran", ["ana", "ben"])
    wb.create_scene(info.id, "frustrated-billing-customer", seed=1)
    wb.close()
    return db, info.code


def sync_latency(browser: object, url: str, db: str, session_code: str) -> float:
    """Seconds from a message being stored (another kernel's write) to its text on the page."""
    wb = Workbench.open(db)
    scene = wb.scenes(wb.session(session_code).id)[-1].id
    if wb.scene_state(scene).phase == "ready":
        wb.start(scene)
        wb.skip(scene)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    page.locator(".rp-tick-acknowledgment").wait_for(state="visible", timeout=60_000)
    delays = []
    for i in range(5):
        text = f"sync probe {i} {time.time()}"
        stored = time.perf_counter()
        wb.post_message(scene, "agent", text)
        page.get_by_text(text).wait_for(timeout=30_000)
        delays.append(time.perf_counter() - stored)
    page.close()
    wb.close()
    return statistics.median(delays)


PAGES = {"facilitator": ".rp-start", "observer": ".rp-tick-acknowledgment", "projector": ".rp-countdown",
         "customer": ".rp-phases", "library": ".widget-dropdown", "reports/team_dashboard": ".rp-as-typed"}


def kernel_pids(voila_pid: int) -> set[int]:
    import psutil

    return {c.pid for c in psutil.Process(voila_pid).children(recursive=True)
            if "ipykernel" in " ".join(c.cmdline())}


FLOOR = "import ipywidgets; display(ipywidgets.Button(description='x'))"
# What a report page cannot go under either: the frames and figures the product card names.
REPORT_FLOOR = FLOOR + ("\nimport pandas, plotly.graph_objects as go\n"
                        "display(go.Figure(go.Bar(x=pandas.Series([1, 2]), y=[3, 4])))")


def floor_mb(code: str = FLOOR) -> float:
    """The RSS of a running kernel that has run ``code``: by default it has shown one ipywidgets
    button, what no widget page can go under."""
    import psutil
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive(code, timeout=60, output_hook=lambda _msg: None)
        return psutil.Process(manager.provisioner.process.pid).memory_info().rss / 2**20
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def page_memory() -> None:
    import psutil
    from playwright.sync_api import sync_playwright

    floor, report_floor = floor_mb(), floor_mb(REPORT_FLOOR)
    print(f"floor: a running kernel that has shown one ipywidgets button holds {floor:.0f} MB; "
          f"with pandas and one plotly figure too (the least a report page holds) {report_floor:.0f} MB")
    with tempfile.TemporaryDirectory() as folder:
        db, code = bench_store(folder)
        served = start_server(db, Path(folder) / "voila.log", pool_size=0)
        server = next(served)
        query = {"facilitator": {"session": code}, "observer": {"session": code, "name": "ben"},
                 "projector": {"session": code}, "customer": {"session": code, "name": "ana"}}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
            for name, ready in PAGES.items():
                before = kernel_pids(server.process.pid)
                page = browser.new_page()
                page.goto(server.url(name, **query.get(name, {})))
                page.locator(ready).first.wait_for(state="attached", timeout=120_000)
                time.sleep(2)  # the page's first polls and imports settle
                new = kernel_pids(server.process.pid) - before
                rss = sum(psutil.Process(k).memory_info().rss for k in new) / 2**20
                against = (f"  = {rss / report_floor:.2f} × the report floor"
                           if name.startswith("reports/") else "")
                print(f"{name:<24} kernel {rss:5.0f} MB  = {rss / floor:.2f} × the floor{against}")
                page.close()
            browser.close()
        next(served, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=50)
    parser.add_argument("--timed", type=int, default=10, help="loads timed one at a time")
    parser.add_argument("--pool-size", type=int, default=1)
    parser.add_argument("--memory", action="store_true", help="each page's kernel memory against the floor")
    args = parser.parse_args()
    if args.memory:
        page_memory()
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        db, code = bench_store(folder)
        served = start_server(db, Path(folder) / "voila.log", pool_size=args.pool_size, cull_idle=10,
                              cull_interval=5)
        server = next(served)
        time.sleep(8)  # let the pools fill, as they would before a session starts
        url = server.url("observer", session=code, name="ben")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
            times = []
            for _ in range(args.timed):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(url)
                page.locator(".rp-tick-acknowledgment").wait_for(state="visible", timeout=60_000)
                times.append(time.perf_counter() - started)
                page.close()
                time.sleep(1.5)  # the pool refills (Voilà's fill delay is 1 s)
            median, best, worst = statistics.median(times), min(times), max(times)
            print(f"time to an interactive observer view over {len(times)} loads: "
                  f"median {median:.2f} s, best {best:.2f} s, worst {worst:.2f} s")
            latency = sync_latency(browser, url, db, code)
            print(f"a stored message reaches an open observer page in {latency:.2f} s (median of 5)")
            for _ in range(args.loads - args.timed):
                page = browser.new_page()
                page.goto(url)
                page.locator(".rp-tick-acknowledgment").wait_for(state="visible", timeout=120_000)
                page.close()
            peak = kernels(server.process.pid)
            browser.close()
        time.sleep(10 + 5 + 5)  # idle timeout + one culling interval + slack
        left = kernels(server.process.pid)
        print(f"kernels after {args.loads} page loads: {peak} just after the last tab closed, "
              f"{left} after one culling interval (pool: {args.pool_size} per notebook × {NOTEBOOKS} "
              f"notebooks = {args.pool_size * NOTEBOOKS})")
        next(served, None)


if __name__ == "__main__":
    main()
