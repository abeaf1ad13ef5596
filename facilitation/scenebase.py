"""The store-backed core that every part of the façade writes through.

Every change is one durable transaction that bumps the scene's version (``_write``),
so other processes can poll ``scene_version`` cheaply and fetch ``changes_since`` that
version. Bad input raises ``InvalidInput`` with a reason and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from .cards import DrawnCard
from .clock import Clock, SystemClock, utc
from .errors import InvalidInput, NotFound
from .library import Library
from .phases import PhaseState
from .records import Changes, Event, SceneState
from .store import Database
from .store import queries as q
from .store.schema import branches, debrief, events, messages, notes, people, scene_roles, scenes

MAX_TEXT = 4000
T = TypeVar("T")


def check_text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    """Refuse empty or oversized text, naming what it was."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is empty")
    if len(value) > limit:
        raise InvalidInput(f"{what} is {len(value)} characters; the limit is {limit}")
    return value


MAX_NAME = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_person(value: str, what: str = "person") -> str:
    """A person's id or name: a line of ordinary text (a NUL, a line break or 60,000
    characters would end up on every page and report that shows it)."""
    check_text(value, what, MAX_NAME)
    if _CONTROL.search(value):
        raise InvalidInput(f"{what} {value[:40]!r} holds a control character")
    return value


def check_one_of(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value


class SceneBase:
    """A store, a clock and the library: what every part of the façade shares."""

    def __init__(self, db: Database, library: Library | None = None, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self._library = library

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = Library.load()
        return self._library

    def close(self) -> None:
        self.db.close()

    def _ensure_person(self, conn: Connection, person_id: str, name: str | None = None,
                       team: str | None = None) -> None:
        check_person(person_id)
        if name is not None:
            check_person(name, "name")
        if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
            conn.execute(insert(people).values(id=person_id, name=name or person_id, team=team,
                                               created_at=self.clock.now()))

    def _roles(self, conn: Connection, scene_id: str) -> dict[str, str]:
        rows = conn.execute(select(scene_roles).where(scene_roles.c.scene_id == scene_id))
        return {row.person_id: row.role for row in rows}

    def scene_version(self, scene_id: str) -> int:
        """The scene's version: poll this (one indexed read) and fetch only on change."""
        with self.db.read() as conn:
            version = conn.execute(select(scenes.c.version).where(scenes.c.id == scene_id)).scalar()
        if version is None:
            raise NotFound(f"no scene {scene_id!r}")
        return version

    def drawn_card(self, scene_id: str) -> DrawnCard:
        """The scene's card as its attempt met it (the same draw as when it was created)."""
        with self.db.read() as conn:
            row = conn.execute(select(scenes.c.card_id, scenes.c.seed, scenes.c.drawn)
                               .where(scenes.c.id == scene_id)).first()
        if row is None:
            raise NotFound(f"no scene {scene_id!r}")
        return self._drawn(row.card_id, row.drawn, row.seed)

    def _drawn(self, card_id: str, values: dict[str, str], seed: int | None) -> DrawnCard:
        """A card with a scene's stored values: the attempt's draw, never a new one."""
        return self.library.card(card_id).with_values(dict(values), seed)

    def scene_state(self, scene_id: str) -> SceneState:
        with self.db.read() as conn:
            row = conn.execute(select(scenes).where(scenes.c.id == scene_id)).first()
            if row is None:
                raise NotFound(f"no scene {scene_id!r}")
            return self._state(row, self._roles(conn, scene_id))

    def _state(self, row: Row, roles: dict[str, str]) -> SceneState:
        phase = phase_state_of(row)
        now = self.clock.now()
        return SceneState(
            id=row.id, session_id=row.session_id, ordinal=row.ordinal, card_id=row.card_id,
            seed=row.seed, engine=row.engine, intensity=row.intensity, phase=phase.phase,
            phase_started_at=phase.started_at, deadline=phase.deadline,
            remaining=phase.remaining_at(now), paused=phase.paused, paused_by=phase.paused_by,
            overtime=phase.overtime(now), branch=row.branch_id, version=row.version,
            server_now=now, durations=dict(row.durations), values=dict(row.drawn), roles=roles)

    # -- the write path: one transaction per change, each bumping the scene version ---

    def _write(self, scene_id: str, change: Callable[[Connection, Row, int], T]) -> T:
        with self.db.write() as conn:
            row = conn.execute(_BUMP_VERSION, {"scene": scene_id, "now": self.clock.now()}).first()
            if row is None:
                raise NotFound(f"no scene {scene_id!r}")
            return change(conn, row, row.version)

    def _record_event(self, conn: Connection, scene_id: str, version: int, kind: str,
                      payload: dict[str, Any], by: str | None = None) -> Event:
        now = self.clock.now()
        result = conn.execute(insert(events), {"scene_id": scene_id, "kind": kind, "by": by,
                                               "payload": payload, "at": now, "version": version})
        return Event(id=result.inserted_primary_key[0], kind=kind, at=now, by=by, payload=payload)

    # -- sync and export ----------------------------------------------------------------

    def changes_since(self, scene_id: str, version: int) -> Changes:
        """Everything written to the scene after ``version``, in one consistent read."""
        with self.db.read() as conn:
            current = conn.execute(select(scenes.c.version).where(scenes.c.id == scene_id)).scalar()
            if current is None:
                raise NotFound(f"no scene {scene_id!r}")
            return Changes(
                version=current,
                messages=[q.message(r) for r in q.since(conn, messages, scene_id, version)],
                notes=[q.note(r) for r in q.since(conn, notes, scene_id, version)],
                events=[q.event(r) for r in q.since(conn, events, scene_id, version)],
                debrief=[q.debrief_entry(r) for r in q.since(conn, debrief, scene_id, version)],
                branches=[q.branch(r) for r in q.since(conn, branches, scene_id, version)],
            )


_BUMP_VERSION = (
    update(scenes).where(scenes.c.id == bindparam("scene"))
    .values(version=scenes.c.version + 1, updated_at=bindparam("now"))
    .returning(*(c for c in scenes.c if c.name not in ("drawn", "durations")))
)


def scene_durations(conn: Connection, scene_id: str) -> dict[str, int]:
    return dict(conn.execute(select(scenes.c.durations).where(scenes.c.id == scene_id)).scalar_one())


def save_phase(conn: Connection, scene_id: str, state: PhaseState) -> None:
    """Store a scene's live phase: the one part of a scene that changes in place."""
    conn.execute(update(scenes).where(scenes.c.id == scene_id).values(
        phase=state.phase, phase_started_at=state.started_at, deadline=state.deadline,
        remaining=state.remaining, paused_by=state.paused_by, overtime_noted=state.overtime_noted))


def phase_state_of(row: Row) -> PhaseState:
    return PhaseState(
        phase=row.phase,
        started_at=utc(row.phase_started_at) if row.phase_started_at else None,
        deadline=utc(row.deadline) if row.deadline else None,
        remaining=row.remaining, paused_by=row.paused_by, overtime_noted=bool(row.overtime_noted))
