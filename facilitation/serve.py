"""`roleplay serve`: the room's pages on Voilà, set up for a live session.

Voilà runs as a child process (the core never imports it). The command line is built
here so that tests and the benchmark start exactly what a facilitator starts:

- bound to 127.0.0.1 unless ``--lan``; on the network an access token is required, and
  pages that run a session or change the library also need the facilitator's key;
- preheated kernels (a pool per notebook), so a page opens in seconds, not ten;
- idle kernels culled, so fifty page loads do not leave fifty kernels behind;
- tracebacks never sent to viewers.

The served folder holds the room's pages and, under ``reports/``, the report notebooks
(their URL query maps onto each notebook's parameters cell). It is a folder of links
made at start, so nothing else in the checkout is reachable through Voilà.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .library import library_dir, shipped_dir

NOTEBOOKS = ("facilitator", "observer", "customer", "projector", "library")
DEFAULT_PORT = 8866
CULL_IDLE_SECONDS = 120  # a closed page's kernel goes this long after its last activity
CULL_INTERVAL_SECONDS = 30
SHUTDOWN_SECONDS = 20  # how long Voilà may take to shut its kernels down before it is killed


def notebooks_dir() -> Path:
    return shipped_dir("notebooks")


@contextmanager
def served_folder() -> Iterator[Path]:
    """A temporary folder of links: the pages at its top, the reports under ``reports/``."""
    root = Path(tempfile.mkdtemp(prefix="roleplay-pages-"))
    try:
        for page in sorted(notebooks_dir().glob("*.ipynb")):
            (root / page.name).symlink_to(page)
        (root / "reports").mkdir()
        for report in sorted(shipped_dir("reports").glob("*.ipynb")):
            if not report.name.startswith("_"):
                (root / "reports" / report.name).symlink_to(report)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


KERNEL_MB = 160  # a room page's kernel, measured by bench/voila_load.py --memory (110 to 167 MB)


def default_max_kernels() -> int:
    """As many kernels as half the machine's memory holds, and never fewer than the pools
    (one kernel per notebook) plus a room of 24."""
    import psutil

    half = psutil.virtual_memory().total // 2 // (KERNEL_MB * 2**20)
    return max(int(half), len(NOTEBOOKS) + len(REPORT_PAGES) + 24)


# A room of 24 observers with the facilitator's, projector's and customer's pages, and a few
# reloads: one session's pages may hold this many kernels, or two thirds of the cap if more.
ROOM_PAGES = 30


def default_max_session_kernels(max_kernels: int) -> int:
    return max(ROOM_PAGES, max_kernels * 2 // 3)


@dataclass
class ServeOptions:
    port: int = DEFAULT_PORT
    lan: bool = False
    pool_size: int = 1
    cull_idle: int = CULL_IDLE_SECONDS
    cull_interval: int = CULL_INTERVAL_SECONDS
    db: str | None = None
    max_kernels: int = field(default_factory=lambda: default_max_kernels())
    max_session_kernels: int | None = None  # None: default_max_session_kernels(max_kernels)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    facilitator_key: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    def __post_init__(self) -> None:
        if self.max_session_kernels is None:
            self.max_session_kernels = default_max_session_kernels(self.max_kernels)

    @property
    def ip(self) -> str:
        return "0.0.0.0" if self.lan else "127.0.0.1"


def voila_command(options: ServeOptions, root: Path | None = None) -> list[str]:
    """The Voilà command line for ``options``, serving ``root`` (see ``served_folder``)."""
    command = [
        sys.executable, "-m", "voila", str(root or notebooks_dir()), "--no-browser",
        f"--port={options.port}", f"--Voila.ip={options.ip}",
        f"--preheat_kernel={options.pool_size > 0}", f"--pool_size={max(options.pool_size, 0)}",
        f"--MappingKernelManager.cull_idle_timeout={options.cull_idle}",
        f"--MappingKernelManager.cull_interval={options.cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.show_tracebacks=False",
        "--Voila.port_retries=0",  # a taken port is an error, never the next port along
        # every page load is a kernel until it is culled: cap them, or reloads fill the memory
        "--VoilaConfiguration.multi_kernel_manager_class=widgets.voila_kernels.CappedKernelManager",
        f"--CappedKernelManager.max_kernels={options.max_kernels}",
        f"--CappedKernelManager.max_session_kernels={options.max_session_kernels}",
        f"--template={TEMPLATE}",  # the lab template without its CDN stylesheets
    ]
    # A token on a shared network; on loopback the machine's own user is the only viewer, so
    # only a request addressed to a loopback name is served: Voilà allows any Host, which lets
    # a web page that rebinds its own name to 127.0.0.1 read the reports (DNS rebinding).
    if options.lan:
        command.append(f"--Voila.token={options.token}")
    else:
        command += ["--Voila.token=", f"--Voila.tornado_settings={LOOPBACK_ONLY!r}"]
    return command


# jupyter_server's own Host check (JupyterHandler.check_host), which Voilà switches off:
# a Host must be a loopback address or one of these names.
LOOPBACK_ONLY = {"allow_remote_access": False, "local_hostnames": ["localhost"]}


def voila_environment(options: ServeOptions) -> dict[str, str]:
    """The environment the kernels inherit: the store, the library, and the facilitator's key."""
    env = dict(os.environ)
    # Voilà finds the room's template in data/voila/templates (JUPYTER_PATH entries come first).
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), env.get("JUPYTER_PATH")) if p)
    if options.db:
        env["ROLEPLAY_DB"] = options.db
    env.setdefault("ROLEPLAY_CARDS", str(library_dir("card")))
    # Where the room's pages are, for the projector's QR code (kernels cannot see the URL).
    env["ROLEPLAY_ROOM_URL"] = page_urls(options, None)["facilitator"].split("/facilitator.ipynb")[0]
    if options.lan:
        env["ROLEPLAY_ROOM_TOKEN"] = options.token
        env["ROLEPLAY_FACILITATOR_KEY"] = options.facilitator_key
    else:
        env.pop("ROLEPLAY_ROOM_TOKEN", None)
        env.pop("ROLEPLAY_FACILITATOR_KEY", None)
    return env


def page_urls(options: ServeOptions, session_code: str | None, host: str | None = None) -> dict[str, str]:
    """Where each person in the room goes; observers' links carry no facilitator key."""
    host = host or (_lan_address() if options.lan else "127.0.0.1")
    base = f"http://{host}:{options.port}/voila/render"
    token = f"&token={options.token}" if options.lan else ""
    key = f"&key={options.facilitator_key}" if options.lan else ""
    library = f"{base}/library.ipynb" + (f"?key={options.facilitator_key}{token}" if key else "")
    if session_code is None:  # the front desk: the sessions, and a form to set one up
        desk = f"{key}{token}".replace("&", "?", 1)
        return {"facilitator": f"{base}/facilitator.ipynb{desk}", "library": library}
    code = session_code
    return {
        "facilitator": f"{base}/facilitator.ipynb?session={code}{key}{token}",
        "projector": f"{base}/projector.ipynb?session={code}{token}",
        "observer": f"{base}/observer.ipynb?session={code}&name=YOURNAME{token}",
        "customer": f"{base}/customer.ipynb?session={code}&name=YOURNAME{token}",
        "library": library,
    }


REPORT_PAGES = ("team_dashboard", "monthly_summary", "agent_progress", "session_debrief", "calibration")


def report_urls(options: ServeOptions, host: str | None = None) -> dict[str, str]:
    """The live dashboards; on a shared network they need the facilitator's key, as the
    library does: they show everyone's scores."""
    host = host or (_lan_address() if options.lan else "127.0.0.1")
    base = f"http://{host}:{options.port}/voila/render/reports"
    query = f"?key={options.facilitator_key}&token={options.token}" if options.lan else ""
    return {name: f"{base}/{name}.ipynb{query}" for name in REPORT_PAGES}


def _lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return socket.gethostname()


TEMPLATE = "roleplay"
TEMPLATE_ROOT = Path(__file__).resolve().parent / "data"  # holds voila/templates/roleplay

DEMO_PEOPLE = ("ana", "ben", "cy")
DEMO_CARD = "frustrated-billing-customer"


def demo_session(db: str | None) -> str:
    """The store's demo session, ready to run on the embedded customer; its join code.

    Every start reuses the one demo session (its scenes are the demo's, never counted in
    progress, reports or exports) and adds a fresh scene only when the last one has ended."""
    from .workbench import Workbench

    wb = Workbench.open(db)
    try:
        info = wb.demo_session() or wb.create_session("Demo session", "facilitator", DEMO_PEOPLE,
                                                      team="Demo", purpose="demo")
        scenes = wb.scenes(info.id)
        if not scenes or scenes[-1].phase == "ended":
            wb.create_scene(info.id, DEMO_CARD, engine="embedded")
        return info.code
    finally:
        wb.close()


def no_session_text(options: ServeOptions) -> str:
    """What to do when no session was named: the store's latest sessions, and how to make one."""
    from .roster import sessions
    from .workbench import Workbench

    wb = Workbench.open(options.db)
    try:
        found = sessions(wb)[:5]
    finally:
        wb.close()
    lines = ["No session chosen: the facilitator page lists the sessions and sets up a new one."]
    if found:
        lines.append("Latest sessions (roleplay serve --session CODE prints everyone's links):")
        lines += [f"  {s.code}  {s.title} ({s.participants} people, {s.scenes} scenes)" for s in found]
    else:
        lines.append('Or: roleplay session create "Tuesday practice" --facilitator "Your Name" '
                     '--people "Ana Lopez" "Ben Okafor", then roleplay serve --session CODE.')
    return "\n".join(lines)


def wait_for_port(port: int, timeout: float = 60.0) -> bool:
    """True once something listens on 127.0.0.1:``port``."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def run(options: ServeOptions, *, demo: bool = False, session: str | None = None) -> int:
    """Start Voilà, print where each person goes, and serve until Ctrl-C or SIGTERM."""
    code = demo_session(options.db) if demo else session
    with stop_on_signals(), served_folder() as root:
        return _serve(options, root, code, demo)


class Stopped(Exception):
    """SIGTERM or SIGINT arrived: shut down as Ctrl-C does."""


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM (a service manager, ``kill``) and SIGINT into ``Stopped``, so the server
    and its kernels are shut down and the served folder removed, whichever way it is stopped."""
    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def port_taken(options: ServeOptions) -> bool:
    """Whether something already listens on the port (an orphaned server, another program):
    the links printed would lead to it, not to this server."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is not taken
        try:
            probe.bind((options.ip, options.port))
        except OSError:
            return True
    return False


def _serve(options: ServeOptions, root: Path, code: str | None, demo: bool) -> int:
    if port_taken(options):
        print(f"roleplay: error: port {options.port} is already in use (an earlier `roleplay serve` "
              f"still running?); stop it, or choose another with --port", file=sys.stderr)
        return 1
    process = subprocess.Popen(voila_command(options, root), env=voila_environment(options))
    try:
        if not wait_for_port(options.port) or process.poll() is not None:
            print(f"roleplay: error: Voilà did not start on port {options.port}", file=sys.stderr)
            return 1
        print(f"\nRoleplay Workbench is serving on {options.ip}:{options.port} (Ctrl-C stops it), "
              f"up to {options.max_kernels} pages at once, {options.max_session_kernels} for one session.")
        if demo:
            print(f"A demo session is ready: code {code}, customer: embedded (offline).")
        if code is None:
            print(no_session_text(options))
        for page, url in page_urls(options, code).items():
            print(f"  {page:<12} {url}")
        print("Reports for coaches (add ?team=…, ?person=…, ?since=YYYY-MM-DD to the link):")
        for name, url in report_urls(options).items():
            print(f"  {name:<16} {url}")
        if options.lan:
            print("Give observers their link only: the facilitator, library and report links carry your key.")
        return process.wait()
    except (Stopped, KeyboardInterrupt):
        print("\nStopping: shutting the pages' kernels down.", flush=True)
        return 0
    finally:
        shut_down(process)


def shut_down(process: subprocess.Popen[bytes], grace: float = SHUTDOWN_SECONDS) -> None:
    """Stop Voilà as its own SIGTERM handler expects (it shuts its kernels down), then end any
    kernel it left behind: kernels run in sessions of their own, so a signal to Voilà's group
    would not reach them."""
    import psutil

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    alive = [c for c in children if c.is_running()]
    for child in alive:
        with suppress(psutil.NoSuchProcess):
            child.terminate()
    _, stuck = psutil.wait_procs(alive, timeout=5)
    for child in stuck:
        with suppress(psutil.NoSuchProcess):
            child.kill()
