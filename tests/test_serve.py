"""`roleplay serve`: what it starts, where it listens, and who may open which page."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from facilitation.serve import (
    ServeOptions,
    no_session_text,
    page_urls,
    voila_command,
    voila_environment,
    wait_for_port,
)
from facilitation.workbench import Workbench

from .browser import FLAGS, chromium_path, free_port, need_browser, start_server
from .conftest import ROOT, roleplay


def test_by_default_the_pages_listen_on_loopback_preheated_and_culled() -> None:
    command = " ".join(voila_command(ServeOptions(port=9001)))
    for flag in ("--Voila.ip=127.0.0.1", "--port=9001", "--preheat_kernel=True", "--pool_size=1",
                 "--MappingKernelManager.cull_idle_timeout=120", "--MappingKernelManager.cull_interval=30",
                 "--VoilaConfiguration.show_tracebacks=False"):
        assert flag in command
    assert "ROLEPLAY_FACILITATOR_KEY" not in voila_environment(ServeOptions())


def test_on_the_network_every_link_needs_the_token_and_only_the_facilitators_carry_the_key() -> None:
    options = ServeOptions(lan=True, token="tok", facilitator_key="key")
    assert "--Voila.ip=0.0.0.0" in voila_command(options) and "--Voila.token=tok" in voila_command(options)
    assert voila_environment(options)["ROLEPLAY_FACILITATOR_KEY"] == "key"
    urls = page_urls(options, "K7Q2", host="10.0.0.5")
    assert all("token=tok" in url for url in urls.values())
    assert "key=key" in urls["facilitator"] and "key=key" in urls["library"]
    assert not any("key=key" in urls[page] for page in ("observer", "customer", "projector"))


def test_serve_without_a_session_sends_the_facilitator_to_the_front_desk(tmp_path: Path) -> None:
    options = ServeOptions(lan=True, token="tok", facilitator_key="key", db=f"sqlite:///{tmp_path / 'r.db'}")
    urls = page_urls(options, None, host="10.0.0.5")
    assert urls["facilitator"] == "http://10.0.0.5:8866/voila/render/facilitator.ipynb?key=key&token=tok"
    assert set(urls) == {"facilitator", "library"} and not any("CODE" in u for u in urls.values())
    fresh = no_session_text(options)
    assert "sets up a new one" in fresh and "roleplay session create" in fresh
    wb = Workbench.open(options.db)
    info = wb.create_session("Tuesday practice", "fran", ["ana", "ben"])
    wb.close()
    assert f"  {info.code}  Tuesday practice (2 people, 0 scenes)" in no_session_text(options)


def test_a_lan_server_refuses_a_page_without_the_token(tmp_path: Path) -> None:
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'lan.db'}", tmp_path / "voila.log", lan=True,
                               pool_size=0, token="right-token"):
        url = f"http://127.0.0.1:{server.options.port}/voila/render/observer.ipynb?session=K7Q2"
        with urllib.request.urlopen(url, timeout=30) as refused:  # sent to the login form instead
            assert "/login" in refused.geturl()
        with urllib.request.urlopen(f"{url}&token=right-token", timeout=60) as page:
            assert page.status == 200 and "/voila/render/observer.ipynb" in page.geturl()


def test_a_report_opened_on_a_lan_without_the_key_is_one_clear_line(tmp_path: Path) -> None:
    """It showed Voilà's "There was an error when executing cell" with a traceback."""
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'lan.db'}", tmp_path / "voila.log", lan=True,
                               pool_size=0, token="tok", facilitator_key="fkey"):
        base = f"http://127.0.0.1:{server.options.port}/voila/render/reports/team_dashboard.ipynb?token=tok"
        refused = _cell_outputs(base)
        assert [o.get("output_type") for o in refused if o.get("output_type") == "error"] == []
        shown = [o["data"]["text/html"] for o in refused if "text/html" in o.get("data", {})]
        assert any('class="rp-refusal"' in h and "This page is for the facilitator" in h for h in shown)
        assert "This page is for the facilitator" not in json.dumps(_cell_outputs(f"{base}&key=fkey"))


def _cell_outputs(url: str) -> list[dict[str, Any]]:
    """The outputs Voilà rendered into the page, as the browser's scripts will draw them."""
    with urllib.request.urlopen(url, timeout=90) as page:
        body = page.read().decode()
    found = re.findall(r'<script type="application/vnd.voila.cell-output\+json">(.*?)</script>', body, re.S)
    assert found, "the page holds its outputs"
    return [json.loads(output) for output in found]


MALFORMED_COMMS = [
    {"target_name": "jupyter.widget", "comm_id": "c1", "data": {"state": {"_model_name": "NoSuchModel"}}},
    {"target_name": "jupyter.widget", "comm_id": "c2", "data": {}},
    {"target_name": "no-such-target", "comm_id": "c3", "data": {}},
]


def test_a_malformed_widget_message_gets_one_line_back_not_the_servers_traceback(tmp_path: Path) -> None:
    """A comm_open the widgets cannot read sent back a traceback naming the server's files."""
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'room.db'}", tmp_path / "voila.log", pool_size=0):
        port = server.options.port
        page = _get(f"http://127.0.0.1:{port}/voila/render/projector.ipynb", f"127.0.0.1:{port}")
        kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page[1])
        assert kernel, "the page names its kernel"
        channels = f"ws://127.0.0.1:{port}/api/kernels/{kernel.group(1)}/channels"
        replies = _send_comms(channels, MALFORMED_COMMS)
        said = "".join(m["content"]["text"] for m in replies if m["header"]["msg_type"] == "stream")
        assert said.count("\n") == 3  # one line each
        assert "Exception opening comm with target: jupyter.widget (ValueError)" in said
        assert "Traceback" not in said and "site-packages" not in said and str(ROOT) not in said
        assert sum(m["header"]["msg_type"] == "comm_close" for m in replies) == 3  # refused, kernel lives


def _send_comms(url: str, contents: list[dict[str, Any]], listen: float = 4.0) -> list[dict[str, Any]]:
    """Send comm_open messages over a kernel's websocket; the messages that come back."""
    from tornado import gen, ioloop, websocket

    def message(content: dict[str, Any]) -> str:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": "comm_open", "username": "probe",
                  "session": "probe", "version": "5.3", "date": ""}
        return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                           "channel": "shell", "buffers": []})

    async def talk() -> list[dict[str, Any]]:
        ws = await websocket.websocket_connect(url)
        for content in contents:
            await ws.write_message(message(content))
        got, end = [], time.monotonic() + listen
        while time.monotonic() < end:
            try:
                raw = await gen.with_timeout(timedelta(seconds=0.5), ws.read_message())
            except gen.TimeoutError:
                continue
            if raw is None:
                break
            if isinstance(raw, str):
                got.append(json.loads(raw))
        ws.close()
        return got

    return ioloop.IOLoop().run_sync(talk)


def test_a_loopback_server_answers_only_requests_addressed_to_a_loopback_name(tmp_path: Path) -> None:
    """A web page that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own Host:
    it must get neither reports, nor the file tree, nor a kernel's websocket."""
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'room.db'}", tmp_path / "voila.log", pool_size=0):
        port = server.options.port
        base = f"http://127.0.0.1:{port}"
        page = _get(f"{base}/voila/render/projector.ipynb", f"127.0.0.1:{port}")
        assert page[0] == 200
        kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page[1])
        assert kernel, "the page names its kernel"
        for path in ("/voila/render/reports/team_dashboard.ipynb", "/voila/tree", "/voila/api/contents",
                     f"/api/kernels/{kernel.group(1)}/channels"):
            assert _get(base + path, f"rebound.example:{port}", websocket=True)[0] == 403, path
        for host in (f"localhost:{port}", f"[::1]:{port}"):
            assert _get(f"{base}/voila/tree", host)[0] == 200, host
        # the store is the server's: a report's URL cannot point it at another file
        elsewhere = tmp_path / "made-by-a-url" / "other.db"
        report = _get(f"{base}/voila/render/reports/team_dashboard.ipynb?db=sqlite:///{elsewhere}",
                      f"127.0.0.1:{port}")
        assert report[0] == 200 and not elsewhere.parent.exists()


def test_serve_on_a_taken_port_fails_instead_of_printing_links_to_another_server(tmp_path: Path) -> None:
    """An orphaned server kept the port: the links a new serve printed led to the old one."""
    port = free_port()
    with socket.socket() as orphan:
        orphan.bind(("127.0.0.1", port))
        orphan.listen()
        proc = roleplay("serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'room.db'}")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"roleplay: error: port {port} is already in use (an earlier "
                                   "`roleplay serve` still running?); stop it, or choose another with --port")
    assert "http://" not in proc.stdout
    assert "--Voila.port_retries=0" in voila_command(ServeOptions(port=port))


def test_page_loads_beyond_the_kernel_cap_are_refused_with_a_reason_and_room_comes_back(
        tmp_path: Path) -> None:
    """12 loads of an observer page once added 12 kernels (1.8 GB) in 19 s, with no limit."""
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'room.db'}", tmp_path / "voila.log", pool_size=0,
                               max_kernels=2, cull_idle=4, cull_interval=2):
        url = f"http://127.0.0.1:{server.options.port}/voila/render/projector.ipynb"
        host = f"127.0.0.1:{server.options.port}"
        assert [_get(url, host)[0] for _ in range(2)] == [200, 200]
        refused = [_get(url, host) for _ in range(3)]
        assert [code for code, _ in refused] == [503] * 3
        assert "has 2 pages open, its limit: close pages nobody is using" in refused[0][1]
        assert _kernels(server.process.pid) == 2
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _kernels(server.process.pid):
            time.sleep(1)  # the closed pages' kernels are culled
        assert _get(url, host)[0] == 200


def test_the_refusal_at_the_cap_says_why_and_what_to_do() -> None:
    from widgets.voila_kernels import full_message

    assert full_message(40) == ("The room's server has 40 pages open, its limit: close pages nobody "
                                "is using (an idle page closes by itself after two minutes) and reload "
                                "this one.")
    options = ServeOptions()
    assert options.max_kernels >= 10 + 24  # the pools and a room of 24, on any machine
    assert 30 <= (options.max_session_kernels or 0) <= options.max_kernels  # a room fits, not all rooms


def test_closing_a_page_gives_its_kernel_back_at_once(tmp_path: Path) -> None:
    """The page's unload shutdown got a 403 (no _xsrf cookie): every closed tab kept its
    kernel, memory and a place under the cap until culled minutes later."""
    need_browser()
    from playwright.sync_api import sync_playwright

    for server in start_server(f"sqlite:///{tmp_path / 'room.db'}", tmp_path / "voila.log", pool_size=0):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.options.port}/voila/render/projector.ipynb")
            page.get_by_text("This link has no session").wait_for(timeout=60_000)  # the page ran
            log = tmp_path / "voila.log"
            deadline = time.monotonic() + 30  # the page's widgets joined its kernel: it will say goodbye
            while time.monotonic() < deadline and "Connecting to kernel" not in log.read_text():
                time.sleep(0.1)
            assert _kernels(server.process.pid) == 1
            page.goto("about:blank")  # leaving the page, as closing its tab does
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _kernels(server.process.pid):
                time.sleep(0.2)
            assert _kernels(server.process.pid) == 0
            browser.close()
        assert "403 POST /voila/api/shutdown" not in (tmp_path / "voila.log").read_text()


@pytest.mark.parametrize("pool_size", [0, 1])
def test_one_sessions_pages_are_capped_so_the_other_rooms_still_open(tmp_path: Path, pool_size: int) -> None:
    """The server's cap alone let one session's link, reloaded, take every kernel."""
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'room.db'}", tmp_path / "voila.log",
                               pool_size=pool_size, max_kernels=12, max_session_kernels=2):
        host = f"127.0.0.1:{server.options.port}"
        page = f"http://{host}/voila/render/projector.ipynb?session="
        assert [_get(page + "K7Q2", host)[0] for _ in range(2)] == [200, 200]  # pooled or started
        refused = _get(page + "k7q2", host)  # the same code, as typed
        assert refused[0] == 503 and "This session has 2 pages open, its limit" in refused[1]
        assert _get(page + "B4XY", host)[0] == 200  # another room's page opens


def _kernels(voila_pid: int) -> int:
    import psutil

    def is_kernel(process: psutil.Process) -> bool:
        try:
            return "ipykernel" in " ".join(process.cmdline())
        except (psutil.ZombieProcess, psutil.NoSuchProcess):  # a culled kernel on its way out
            return False

    return sum(map(is_kernel, psutil.Process(voila_pid).children(recursive=True)))


def _get(url: str, host: str, *, websocket: bool = False) -> tuple[int, str]:
    headers = {"Host": host}
    if websocket:
        headers |= {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": f"http://{host}"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as reply:
            return reply.status, reply.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode("utf-8", "replace")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_by_a_signal_ends_voila_and_its_kernels_and_removes_the_served_folder(
        tmp_path: Path, stop: signal.Signals) -> None:
    """A service manager's SIGTERM (or `kill -INT`) stops the room's server as Ctrl-C does:
    exit 0, no Voilà or kernel process left running, no served folder left in the temp dir."""
    pytest.importorskip("voila")
    psutil = pytest.importorskip("psutil")
    port, temp = free_port(), tmp_path / "tmp"
    temp.mkdir()
    serve = subprocess.Popen(
        [sys.executable, "-m", "facilitation.cli", "serve", "--port", str(port), "--pool-size", "1",
         "--db", f"sqlite:///{tmp_path / 'serve.db'}"],
        env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        assert wait_for_port(port, timeout=90), "Voilà did not start"
        assert list(temp.glob("roleplay-pages-*")), "the served folder is made in the temp dir"
        deadline, kernels = time.monotonic() + 90, []
        while time.monotonic() < deadline and not kernels:  # the preheated kernels start
            kernels = [p for p in psutil.Process(serve.pid).children(recursive=True)
                       if "ipykernel" in " ".join(p.cmdline())]
            time.sleep(0.5)
        assert kernels, "no preheated kernel started"
        family = psutil.Process(serve.pid).children(recursive=True)
        serve.send_signal(stop)
        assert serve.wait(timeout=60) == 0, serve.stdout.read().decode() if serve.stdout else ""
        _, alive = psutil.wait_procs(family, timeout=10)
        assert not alive, f"left running: {[p.cmdline() for p in alive]}"
        assert not list(temp.glob("roleplay-pages-*")), "the served folder was left behind"
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
