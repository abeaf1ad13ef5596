"""The store never loses a committed word: killed writers, a dead facilitator, 30 observers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.store import prepare_scene, run_load
from facilitation.store import Database, StoreError
from facilitation.store.schema import SCHEMA_VERSION, meta
from facilitation.workbench import Workbench

ROOT = Path(__file__).resolve().parents[1]

WRITER = """
import sys
from facilitation.store import Database
from facilitation.workbench import Workbench
wb = Workbench(Database(sys.argv[1]))
i = 0
while True:
    note = wb.add_note(sys.argv[2], "ben", "note", text=f"note {i}")  # ana plays the agent
    print(note.id, flush=True)  # printed only after the commit returned
    i += 1
"""

FACILITATOR = """
import json, sys
from facilitation.workbench import Workbench
wb = Workbench.open(sys.argv[1])
session = wb.create_session("Crash drill", "fran", ["ana", "ben"])
scene = wb.create_scene(session.id, "frustrated-billing-customer", seed=5)
wb.start(scene.id)
state = wb.skip(scene.id)
for text in ["Why was I charged $1,400?", "That must have been a shock.", "It was!"]:
    wb.post_message(scene.id, "customer" if text != "That must have been a shock." else "agent", text)
print(json.dumps({"scene": scene.id, "deadline": state.deadline.isoformat()}), flush=True)
import time
time.sleep(600)
"""


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_sigkill_mid_write_leaves_every_committed_note(store_url: str) -> None:
    scene = prepare_scene(store_url, ["ben"])
    writer = _spawn(WRITER, store_url, scene)
    committed: list[int] = []
    assert writer.stdout is not None
    started = time.monotonic()
    while len(committed) < 300 and time.monotonic() - started < 60:
        committed.append(int(writer.stdout.readline()))
    os.kill(writer.pid, signal.SIGKILL)  # mid-stream: the next write is in flight
    writer.wait()

    wb = Workbench(Database(store_url))
    stored = {n.id for n in wb.notes(scene)}
    wb.close()
    assert set(committed) <= stored
    assert len(stored) >= len(committed)
    if store_url.startswith("sqlite"):
        path = store_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_facilitator_dies_mid_act_and_a_new_process_carries_on(store_url: str) -> None:
    facilitator = _spawn(FACILITATOR, store_url)
    assert facilitator.stdout is not None
    started = json.loads(facilitator.stdout.readline())
    time.sleep(1.0)
    os.kill(facilitator.pid, signal.SIGKILL)
    facilitator.wait()

    wb = Workbench.open(store_url)
    try:
        state = wb.scene_state(started["scene"])
        assert state.phase == "act"
        assert state.deadline is not None and state.deadline.isoformat() == started["deadline"]
        assert state.remaining is not None and 110 < state.remaining < 119.5
        assert [m.text for m in wb.transcript(state.id)] == [
            "Why was I charged $1,400?", "That must have been a shock.", "It was!"]
        wb.post_message(state.id, "agent", "Let me explain the seats.")  # the scene goes on
    finally:
        wb.close()


def test_thirty_observers_writing_every_100ms_lose_nothing(store_url: str) -> None:
    """The issue's load: 30 processes, one note each every 100 ms, for 20 s."""
    result = run_load(store_url, processes=30, interval=0.1, duration=20.0)
    assert result.errors == []  # no "database is locked" reaches a caller
    assert result.attempted == 30 * 200
    assert result.stored == result.attempted


def test_a_store_from_a_newer_workbench_is_refused_untouched(store_url: str) -> None:
    db = Database(store_url)
    db.init()
    with db.write() as conn:
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value="99"))
    refused = f"newer workbench \\(schema 99\\); this one reads up to {SCHEMA_VERSION}"
    with pytest.raises(StoreError, match=refused):
        db.init()
    assert db.schema_version() == 99
    db.close()


def test_an_older_store_is_upgraded_in_place(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitation.store import database, schema

    db = Database(store_url)
    db.init()
    ran: list[int] = []
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, SCHEMA_VERSION, lambda conn: ran.append(SCHEMA_VERSION))
    assert db.init() == SCHEMA_VERSION + 1
    assert ran == [SCHEMA_VERSION]
    assert db.schema_version() == SCHEMA_VERSION + 1
    db.close()


def test_a_bad_store_url_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Database("not a url")
    with pytest.raises(StoreError, match="in-memory"):
        Database("sqlite://")


def test_sqlite_durability_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    for setting, expected in (("full", 2), ("normal", 1)):
        monkeypatch.setenv("ROLEPLAY_SQLITE_SYNC", setting)
        db = Database(url)
        db.init()
        with db.write() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == expected
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.close()
    monkeypatch.setenv("ROLEPLAY_SQLITE_SYNC", "off")
    with pytest.raises(StoreError, match="use full or normal"):
        Database(url)


@pytest.mark.parametrize(("observer", "reason"), [
    ("", "observer is empty"), ("   ", "observer is empty"), ("ben\0", "holds a control character"),
    ("b" * 60_000, "observer is 60000 characters; the limit is 120"),
])
def test_an_observer_name_that_is_not_a_line_of_text_is_refused(tmp_path, observer: str, reason: str) -> None:
    from facilitation.scenebase import InvalidInput
    from facilitation.workbench import Workbench

    wb = Workbench.open(f"sqlite:///{tmp_path / 'w.db'}")
    session = wb.create_session("Practice", "fran", ["ana"])
    scene = wb.create_scene(session.id, "frustrated-billing-customer", roles={"ana": "agent"}).id
    with pytest.raises(InvalidInput, match=reason):
        wb.add_note(scene, observer, "note", text="Warm opening")
    with pytest.raises(InvalidInput, match="person is 100000 characters"):
        wb.join(session.code, "p" * 100_000)
    assert wb.notes(scene) == [] and wb.session(session.id).participants == ["ana"]
    wb.close()
