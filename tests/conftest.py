from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitation import Library

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.load()


def roleplay(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``roleplay`` console script as a user would."""
    script = Path(sys.executable).with_name("roleplay")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "facilitation.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(autouse=True)
def _quiet_library_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="facilitation")
