"""Shared parts of the browser tests: a real Voilà server started as `roleplay serve` starts it,
and headless Debian Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from facilitation.serve import (
    ServeOptions,
    served_folder,
    shut_down,
    voila_command,
    voila_environment,
    wait_for_port,
)

CHROMIUM = Path(os.environ.get("ROLEPLAY_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(os.environ.get("ROLEPLAY_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))


def need_browser() -> None:
    """Skip, saying why, where Chromium or Playwright is missing (CI installs both)."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests need the playwright package (pip install -e '.[test]')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    options: ServeOptions
    db: str
    process: subprocess.Popen[bytes]

    def url(self, page: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        base = f"http://127.0.0.1:{self.options.port}/voila/render/{page}.ipynb"
        return f"{base}?{query}" if query else base


def start_server(db: str, log: Path, **options: object) -> Iterator[Server]:
    settings = ServeOptions(port=free_port(), db=db, **options)  # type: ignore[arg-type]
    with served_folder() as root:
        with log.open("wb") as out:
            process = subprocess.Popen(voila_command(settings, root), env=voila_environment(settings),
                                       stdout=out, stderr=subprocess.STDOUT)
        try:
            if not wait_for_port(settings.port, timeout=90):
                raise RuntimeError(f"Voilà did not start; see {log}")
            yield Server(settings, db, process)
        finally:
            shut_down(process)


def chromium_path() -> str:
    return str(CHROMIUM) if CHROMIUM.exists() else str(shutil.which("chromium"))
