from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from facilitation import Library
from facilitation.clock import FakeClock
from facilitation.workbench import Workbench

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

# Agent lines for frustrated-billing-customer: an attempt a coach would praise, and a poor one.
GOOD = [
    "Seeing a bill double with no warning is alarming, I'm so sorry it landed like that.",
    "Can you tell me what changed on your team over the last month?",
    "Here's what happened: seats were added last month, so this invoice covers twice as many seats.",
    "I can email you a breakdown for finance, switch on seat alerts, or both. Which would help most?",
    "I'll send the breakdown to your inbox in the next ten minutes and turn on the alerts today.",
]
POOR = [
    "You should have checked the seat count before the invoice went out.",
    "It is our policy that seats are billed for the whole month.",
    "Anything else?",
]


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.load()


@contextmanager
def store_held_open(url: str) -> Iterator[None]:
    """Another program with the store open while the block runs, as a served page has it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from facilitation.workbench import Workbench; "
         "Workbench.open(sys.argv[1]).person_names(['someone']); print('open', flush=True); time.sleep(120)",
         url], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        yield
    finally:
        holder.kill()
        holder.wait()


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


PG_URL = os.environ.get("ROLEPLAY_TEST_POSTGRES_URL")
PG_SKIP = ("PostgreSQL store tests need a server: set ROLEPLAY_TEST_POSTGRES_URL "
           "(`bash .ci/postgres.sh` starts one on 127.0.0.1 and prints the URL)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store: a SQLite file, or a schema of its own on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    from sqlalchemy import create_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wb(store_url: str, clock: FakeClock, library: Library) -> Iterator[Workbench]:
    workbench = Workbench.open(store_url, library=library, clock=clock)
    yield workbench
    workbench.close()


# -- a small demo month, for the reports and the dashboards ------------------------------

def build_small_demo(path: Path, *, agents: int = 8, scenes: int = 120, seed: int = 7) -> str:
    """A demo store at ``path`` (a month ending today, played by ``roleplay demo-data``); its URL."""
    from facilitation.demodata import build_demo_data

    url = f"sqlite:///{path}"
    build_demo_data(url, agents=agents, scenes=scenes, seed=seed, progress=False)
    return url


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The SQLite URL of a small demo store (8 agents, 120 scenes, seed 7), built once per run."""
    return build_small_demo(tmp_path_factory.mktemp("demo") / "demo.db")
