"""`roleplay demo-data`: a realistic month of team training in an empty store.

Nothing is drawn at random after the fact: trainees with habits and a learning curve
(``demopeople``) play every scene through the façade against the embedded customer,
observers tick what they see, the room debriefs and ``end`` scores the scene
(``demoplay``), on a fake clock that walks through the 30 days before ``until``.

A SQLite target is built in a scratch file beside it, with relaxed durability, and moved
into place only once complete, so a half-built demo store never sits at the target path;
a PostgreSQL store is written directly. A store that already holds scenes is refused: demo
data never mixes with real sessions. Teams are independent, so a large build plays them
in parallel processes on the one scratch store (SQLite queues its writers).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from queue import Empty
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no POSIX locks to look at
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from .clock import FakeClock
from .demopeople import COACHES, COMMITMENTS, TEAMS, Commitment, slug, trainees
from .demoplay import DAYS, NEW_HIRE_PATH, TeamPlan, play_team
from .library import Library
from .records import Record
from .scenebase import InvalidInput
from .store import Database
from .store.database import default_url
from .store.schema import debrief, messages, notes, people, scenes, sessions
from .workbench import Workbench

__all__ = ["COMMITMENTS", "Commitment", "DemoSummary", "build_demo_data"]

REFRESHER_PATH = "refresher"
MAX_AGENTS = 500
PARALLEL_FROM = 300  # scenes: below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class DemoSummary(Record):
    """What `roleplay demo-data` built, counted in the store."""

    store: str
    people: int
    agents: int
    new_hires: int
    teams: int
    sessions: int
    scenes: int
    messages: int
    notes: int
    debrief: int
    since: datetime
    until: datetime

    def text(self) -> str:
        return "\n".join([
            f"{_n(self.agents, 'trainee')} ({_n(self.new_hires, 'new hire')}) in {_n(self.teams, 'team')}, "
            f"{_n(self.scenes, 'scene')} in {_n(self.sessions, 'session')} between {self.since.date()} "
            f"and {self.until.date()}",
            f"{_n(self.messages, 'message')}, {_n(self.notes, 'observer note')} and "
            f"{_n(self.debrief, 'debrief entry', 'debrief entries')} in {self.store}",
            f"open the dashboards with `roleplay serve --db {self.store}`"])


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def build_demo_data(url: str | None, *, agents: int = 42, scenes: int = 1234, seed: int = 0,
                    progress: bool = True, until: datetime | None = None,
                    workers: int | None = None) -> DemoSummary:
    """Fill an empty store with the 30 days of training before ``until`` (default: today, UTC).

    The same ``seed`` and ``until`` give the same people, sessions, scenes, conversations,
    notes and scores (the façade's random ids and join codes aside). ``workers``: processes
    playing teams at once (default: one per team for a large build on two cores or more).
    """
    if not 3 <= agents <= MAX_AGENTS or scenes < 1:
        raise InvalidInput(f"demo data needs 3 to {MAX_AGENTS} agents and at least 1 scene")
    url = url or default_url()
    until = _midnight(until or datetime.now(timezone.utc))
    since = until - timedelta(days=DAYS)
    library = Library.load()
    with _staged(url) as staging:
        plans = _register_people(staging, library, agents, scenes, seed, since)
        if workers is None:
            workers = len(plans) if scenes >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else 1
        _play(staging, library, plans, scenes, progress, workers)
        return _summary(staging, url, plans, since, until)


def _register_people(url: str, library: Library, agents: int, scenes: int, seed: int,
                     since: datetime) -> list[TeamPlan]:
    """People, teams and enrolments in the store; one plan per team with its share of the scenes."""
    rng = random.Random(f"demo-data:{seed}")
    teams = list(TEAMS)[:1 if agents < 6 else 2 if agents < 12 else 3]
    people_ = trainees(rng, agents, teams, since)
    cards = sorted(library.cards)
    ranked = rng.sample(cards, len(cards))  # the coaches' favourites: a few cards get most of the play
    popularity = {card: 1 / (rank + 1) ** 0.9 for rank, card in enumerate(ranked)}
    db = Database(url, synchronous="normal", file_lock=False)
    try:
        db.init()
        wb = Workbench(db, library, FakeClock(since))
        for team in teams:
            wb.add_person(COACHES[team], slug(COACHES[team]), team)
        for t in people_:
            wb.add_person(t.name, t.id, t.team)
            if t.started is not None:
                wb.enrol(t.id, NEW_HIRE_PATH, t.started)
            if t.refresher is not None:
                wb.enrol(t.id, REFRESHER_PATH, t.refresher)
    finally:
        db.close()
    members = {team: [t for t in people_ if t.team == team] for team in teams}
    shares = _shares(scenes, [len(members[team]) for team in teams])
    return [TeamPlan(team, slug(COACHES[team]), members[team], share, f"demo-data:{seed}:{team}", since,
                     popularity) for team, share in zip(teams, shares, strict=True) if share]


def _shares(total: int, sizes: list[int]) -> list[int]:
    """``total`` split in proportion to ``sizes`` (largest remainders get the odd ones)."""
    exact = [total * s / sum(sizes) for s in sizes]
    shares = [int(x) for x in exact]
    for i in sorted(range(len(sizes)), key=lambda i: shares[i] - exact[i])[:total - sum(shares)]:
        shares[i] += 1
    return shares


# -- playing the teams: here, or one worker process per team ----------------------------

def _play(url: str, library: Library, plans: list[TeamPlan], total: int, progress: bool,
          workers: int) -> None:
    from tqdm import tqdm

    with tqdm(total=total, file=sys.stderr, disable=not progress, unit="scene", desc="demo data") as bar:
        if workers <= 1:
            for plan in plans:
                _play_plan(url, plan, bar.update, library)
            return
        context = multiprocessing.get_context("spawn")  # no fork: the parent holds engines and threads
        done = context.Queue()
        with ProcessPoolExecutor(min(workers, len(plans)), mp_context=context,
                                 initializer=_worker_started, initargs=(done, os.getpid())) as pool:
            futures = [pool.submit(_play_in_worker, url, plan) for plan in plans]
            while not all(f.done() for f in futures):
                with suppress(Empty):
                    bar.update(done.get(timeout=0.2))
            for future in futures:
                future.result()  # a worker's error, raised here
        bar.update(total - bar.n)


def _play_plan(url: str, plan: TeamPlan, tick: Callable[[int], Any], library: Library | None = None) -> None:
    # The file lock queues writers when several teams play into one scratch store at once.
    db = Database(url, synchronous="normal")
    wb = Workbench(db, library or Library.load(), FakeClock(plan.since))
    try:
        play_team(wb, plan, tick)
    finally:
        wb.close()


_progress: Any = None  # in a worker process: the queue the parent reads progress from
PARENT_CHECK_SECONDS = 0.2


def _worker_started(queue: Any, parent: int) -> None:
    global _progress
    _progress = queue
    # the parent's pid as it gave it: a worker still starting when the parent was killed
    # would read its new parent (init) from os.getppid() and never notice
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A killed build's workers stop too: played on, they reopened its scratch file after the
    next build had removed it, and left it behind again."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _play_in_worker(url: str, plan: TeamPlan) -> None:
    _play_plan(url, plan, _progress.put)


# -- the store: refuse a used one, build beside it, move into place ---------------------

def _scene_count(url: str) -> int:
    """Scenes already in the store at ``url`` (0 for a file that does not exist yet)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return 0
    db = Database(url, file_lock=False)
    try:
        if db.schema_version() is None:
            return 0
        with db.read() as conn:
            return conn.execute(select(func.count()).select_from(scenes)).scalar_one()
    finally:
        db.close()


def _refuse_used(url: str) -> None:
    found = _scene_count(url)
    if found:
        raise InvalidInput(f"{make_url(url).render_as_string(hide_password=True)} already holds {found} "
                           "scenes; demo data goes into an empty store (pick another with --db)")


@contextmanager
def _staged(url: str) -> Iterator[str]:
    """Where to build: a scratch SQLite file beside the target, moved into place only once
    complete (a half-built store never sits at the target path); a server store directly.

    A target another program has open is refused, and one written to during the build is
    never replaced: the built store is kept beside it instead, and the error says where."""
    _refuse_used(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        yield url
        return
    target = Path(parsed.database or "")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_builds(target)
    _refuse_open(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=BUILDING, dir=target.parent)
    os.close(fd)
    scratch = Path(name)
    try:
        before = _contents(target)
        if before is not None:  # an empty store someone made (people, enrolments): keep what it has
            _copy_sqlite(target, scratch)
            shutil.copymode(target, scratch)
        else:  # as SQLite would have created it, not mkstemp's owner-only mode
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(scratch, 0o666 & ~umask)
        yield parsed.set(database=str(scratch)).render_as_string(hide_password=False)
        _settle(scratch)
        with _writers_held(target):  # no workbench writes between the last look and the move
            if _contents(target) != before or _open_elsewhere(target):
                kept = _kept_beside(scratch, target)
                raise InvalidInput(
                    f"{target} was opened or changed by another program while the demo data was "
                    f"built, so it was left as it is; the demo store is {kept} (use --db sqlite:///{kept})")
            if target.exists():
                _settle(target)
            os.replace(scratch, target)
            for suffix in ("-wal", "-shm"):  # the old file's, emptied by _settle
                Path(f"{target}{suffix}").unlink(missing_ok=True)
    finally:
        for leftover in (scratch, *(Path(f"{scratch}{end}") for end in ("-wal", "-shm", ".lock"))):
            leftover.unlink(missing_ok=True)


BUILDING = ".demo-building"
_SHM_DMS_BYTE = 128  # SQLite (unix) holds a shared lock here for as long as a connection is open


def _open_elsewhere(target: Path) -> bool:
    """Whether another program has the SQLite store open (`roleplay serve`, a notebook): the
    test SQLite itself makes to find the last connection, a lock on its -shm file."""
    if fcntl is None:
        return False
    shm_file = Path(f"{target}-shm")
    if not shm_file.exists():
        return False
    with shm_file.open("r+b") as shm:
        try:
            fcntl.lockf(shm, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(shm, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
    return False


def _refuse_open(target: Path) -> None:
    if _open_elsewhere(target):
        raise InvalidInput(f"{target} is open in another program (a running `roleplay serve` or "
                           "notebook); stop it first, or build the demo data into another --db")


@contextmanager
def _writers_held(target: Path) -> Iterator[None]:
    """Hold the lock every workbench writer of ``target`` takes (see Database.write)."""
    if fcntl is None:
        yield
        return
    fd = os.open(f"{target}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _contents(target: Path) -> str | None:
    """A digest of every row of the store at ``target`` (None: no file), to see a change."""
    if not target.exists():
        return None
    conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def _kept_beside(scratch: Path, target: Path) -> Path:
    kept = target.with_name(f"{target.stem}-demo{target.suffix or '.db'}")
    n = 1
    while kept.exists():
        n += 1
        kept = target.with_name(f"{target.stem}-demo-{n}{target.suffix or '.db'}")
    os.replace(scratch, kept)
    return kept


def _remove_dead_builds(target: Path) -> None:
    """Scratch files of builds that were killed (named with their process id)."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[^.]+{re.escape(BUILDING)}")
    for leftover in target.parent.glob(f".{target.name}.*{BUILDING}*"):
        found = pattern.match(leftover.name)
        if found and not _alive(int(found.group(1))):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _copy_sqlite(source: Path, dest: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file itself, so the file alone is the whole store."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _summary(url: str, shown: str, plans: list[TeamPlan], since: datetime, until: datetime) -> DemoSummary:
    db = Database(url, file_lock=False)
    try:
        with db.read() as conn:
            def count(table: Any) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar_one()

            counts = {t.name: count(t) for t in (people, sessions, scenes, messages, notes, debrief)}
    finally:
        db.close()
    trained = [t for plan in plans for t in plan.trainees]
    return DemoSummary(
        store=make_url(shown).render_as_string(hide_password=True), people=counts["people"],
        agents=len(trained), new_hires=sum(t.new_hire for t in trained), teams=len(plans),
        sessions=counts["sessions"], scenes=counts["scenes"], messages=counts["messages"],
        notes=counts["notes"], debrief=counts["debrief"], since=since, until=until)


# -- small helpers ----------------------------------------------------------------------

def _midnight(when: datetime) -> datetime:
    when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    return when.replace(hour=0, minute=0, second=0, microsecond=0)
