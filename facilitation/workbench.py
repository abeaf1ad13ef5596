"""The façade every front end uses: the CLI, the widgets and the report notebooks.

A ``Workbench`` opens a store and runs sessions and scenes on it. Every method that
changes something is one durable transaction that bumps the scene's version, so other
processes can poll ``scene_version`` cheaply and fetch ``changes_since`` that version.
Bad input raises a ``WorkbenchError`` subclass with a reason and changes nothing.
"""

from __future__ import annotations

import random
import re
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from .cards import DrawnCard
from .clock import Clock, SystemClock, utc
from .errors import NotFound, WorkbenchError
from .library import Library
from .phases import PhaseMachine, PhaseState
from .records import (
    Branch,
    Changes,
    DebriefEntry,
    Event,
    Message,
    Note,
    SceneState,
    SessionInfo,
    plain,
)
from .roles import AGENT, ROLES, rotate
from .store import Database
from .store import queries as q
from .store.schema import (
    branches,
    debrief,
    events,
    messages,
    notes,
    people,
    scene_roles,
    scenes,
    session_people,
    sessions,
)
from .vocabulary import INTENSITIES

SPEAKERS = ("agent", "customer")
NOTE_KINDS = ("tick", "quote", "marker", "timer", "note")
DEBRIEF_LAYERS = ("feeling", "strength", "adjustment", "commitment")
NUDGE_KINDS = ("cue", "goal", "environment")
MAX_TEXT = 4000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room
TALKING_PHASES = ("act", "rewind")

T = TypeVar("T")


class InvalidInput(WorkbenchError):
    """A request the workbench refuses; nothing was stored."""


def _text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is empty")
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{what} is {len(value)} characters; the limit is {MAX_TEXT}")
    return value


def _one_of(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or "person"


class Workbench:
    def __init__(self, db: Database, library: Library | None = None, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self._library = library

    @classmethod
    def open(cls, url: str | None = None, *, library: Library | None = None,
             clock: Clock | None = None) -> Workbench:
        """Open (creating or upgrading) the store at ``url`` or $ROLEPLAY_DB."""
        db = Database(url)
        db.init()
        return cls(db, library, clock)

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = Library.load()
        return self._library

    def close(self) -> None:
        self.db.close()

    # -- people and sessions ---------------------------------------------------------

    def add_person(self, name: str, person_id: str | None = None, team: str | None = None) -> str:
        """Register a person (idempotent by id); return the id."""
        person_id = person_id or _slug(_text(name, "name"))
        with self.db.write() as conn:
            self._ensure_person(conn, person_id, name, team)
        return person_id

    def _ensure_person(self, conn: Connection, person_id: str, name: str | None = None,
                       team: str | None = None) -> None:
        if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
            conn.execute(insert(people).values(id=person_id, name=name or person_id, team=team,
                                               created_at=self.clock.now()))

    def create_session(self, title: str, facilitator: str, participants: Sequence[str] = (),
                       team: str | None = None) -> SessionInfo:
        """A group session with a short join code observers type or get in a link."""
        _text(title, "session title")
        session_id = uuid.uuid4().hex
        now = self.clock.now()
        with self.db.write() as conn:
            for person in (facilitator, *participants):
                self._ensure_person(conn, person, team=team)
            code = self._free_code(conn)
            conn.execute(insert(sessions).values(id=session_id, code=code, title=title,
                                                 facilitator=facilitator, team=team, created_at=now))
            for position, person in enumerate(dict.fromkeys(participants)):
                conn.execute(insert(session_people).values(session_id=session_id, person_id=person,
                                                           position=position, joined_at=now))
        return self.session(session_id)

    def _free_code(self, conn: Connection) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
            if conn.execute(select(sessions.c.id).where(sessions.c.code == code)).first() is None:
                return code

    def session(self, id_or_code: str) -> SessionInfo:
        """A session by id or by join code (any case)."""
        with self.db.read() as conn:
            row = conn.execute(select(sessions).where(
                (sessions.c.id == id_or_code) | (sessions.c.code == id_or_code.upper()))).first()
            if row is None:
                raise NotFound(f"no session with id or code {id_or_code!r}")
            members = conn.execute(select(session_people.c.person_id).where(
                session_people.c.session_id == row.id).order_by(session_people.c.position)).scalars()
            return SessionInfo(id=row.id, code=row.code, title=row.title, facilitator=row.facilitator,
                               team=row.team, participants=list(members), created_at=utc(row.created_at),
                               ended_at=utc(row.ended_at) if row.ended_at else None)

    def join(self, code: str, person: str) -> SessionInfo:
        """Add a participant to a session by its code (joining twice changes nothing)."""
        info = self.session(code)
        if person not in info.participants:
            with self.db.write() as conn:
                self._ensure_person(conn, person)
                conn.execute(insert(session_people).values(
                    session_id=info.id, person_id=person, position=len(info.participants),
                    joined_at=self.clock.now()))
        return self.session(info.id)

    # -- scenes ----------------------------------------------------------------------

    def create_scene(self, session_id: str, card_id: str, *, seed: int | None = None,
                     engine: str = "scripted", intensity: str = "standard",
                     roles: Mapping[str, str] | None = None) -> SceneState:
        """Add the next scene of a session; roles rotate from the previous scene unless given."""
        card = self.library.card(card_id)
        _one_of(intensity, INTENSITIES, "intensity")
        info = self.session(session_id)
        seed = random.randrange(1_000_000) if seed is None else seed
        drawn = card.draw(seed, today=self.clock.now().date())
        scene_id, branch_id, now = uuid.uuid4().hex, uuid.uuid4().hex, self.clock.now()
        with self.db.write() as conn:
            previous = conn.execute(select(scenes.c.id, scenes.c.ordinal).where(
                scenes.c.session_id == info.id).order_by(scenes.c.ordinal.desc())).first()
            if roles is None:
                before = self._roles(conn, previous.id) if previous else None
                roles = rotate(info.participants, before, human_customer=engine == "human")
            for person, role in roles.items():
                _one_of(role, ROLES, "role")
                self._ensure_person(conn, person)
            conn.execute(insert(scenes).values(
                id=scene_id, session_id=info.id, ordinal=(previous.ordinal + 1) if previous else 1,
                card_id=card.id, seed=seed, engine=engine, intensity=intensity, drawn=drawn.values,
                durations=card.phases.model_dump(), phase="ready", overtime_noted=False,
                branch_id=branch_id, version=1, created_at=now, updated_at=now))
            conn.execute(insert(branches).values(id=branch_id, scene_id=scene_id, parent_id=None,
                                                 fork_index=0, reason="first", created_at=now, version=1))
            for person, role in roles.items():
                conn.execute(insert(scene_roles).values(scene_id=scene_id, person_id=person, role=role))
        return self.scene_state(scene_id)

    def drawn_card(self, scene_id: str) -> DrawnCard:
        """The scene's card as its attempt met it (the same draw as when it was created)."""
        with self.db.read() as conn:
            row = conn.execute(select(scenes.c.card_id, scenes.c.seed, scenes.c.drawn)
                               .where(scenes.c.id == scene_id)).first()
        if row is None:
            raise NotFound(f"no scene {scene_id!r}")
        return self.library.card(row.card_id).with_values(dict(row.drawn), row.seed)

    def _roles(self, conn: Connection, scene_id: str) -> dict[str, str]:
        rows = conn.execute(select(scene_roles).where(scene_roles.c.scene_id == scene_id))
        return {row.person_id: row.role for row in rows}

    def scenes(self, session_id: str) -> list[SceneState]:
        with self.db.read() as conn:
            ids = conn.execute(select(scenes.c.id).where(scenes.c.session_id == session_id)
                               .order_by(scenes.c.ordinal)).scalars().all()
        return [self.scene_state(i) for i in ids]

    def scene_version(self, scene_id: str) -> int:
        """The scene's version: poll this (one indexed read) and fetch only on change."""
        with self.db.read() as conn:
            version = conn.execute(select(scenes.c.version).where(scenes.c.id == scene_id)).scalar()
        if version is None:
            raise NotFound(f"no scene {scene_id!r}")
        return version

    def scene_state(self, scene_id: str) -> SceneState:
        with self.db.read() as conn:
            row = conn.execute(select(scenes).where(scenes.c.id == scene_id)).first()
            if row is None:
                raise NotFound(f"no scene {scene_id!r}")
            return self._state(row, self._roles(conn, scene_id))

    def _state(self, row: Row, roles: dict[str, str]) -> SceneState:
        phase = _phase_state(row)
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

    def _transition(self, scene_id: str, move: str, actor: str | None = None, **kwargs: Any) -> SceneState:
        def change(conn: Connection, row: Row, version: int) -> None:
            machine = PhaseMachine(_durations(conn, scene_id))
            now = self.clock.now()
            result = getattr(machine, move)(_phase_state(row), now, **kwargs)
            if result is None:  # a tick with nothing to note
                return
            state, payload = result
            conn.execute(update(scenes).where(scenes.c.id == scene_id).values(
                phase=state.phase, phase_started_at=state.started_at, deadline=state.deadline,
                remaining=state.remaining, paused_by=state.paused_by,
                overtime_noted=state.overtime_noted))
            self._record_event(conn, scene_id, version, payload.pop("kind"), payload, actor)

        self._write(scene_id, change)
        return self.scene_state(scene_id)

    def start(self, scene_id: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "start", by)

    def skip(self, scene_id: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "skip", by)

    def goto(self, scene_id: str, phase: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "goto", by, phase=phase)

    def pause(self, scene_id: str, by: str | None = None, reason: str = "facilitator") -> SceneState:
        """Pause the clock. ``reason="consent"``: a participant's pause, never penalised."""
        return self._transition(scene_id, "pause", by, by=by, reason=reason)

    def resume(self, scene_id: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "resume", by)

    def extend(self, scene_id: str, seconds: float, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "extend", by, seconds=seconds)

    def end(self, scene_id: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "end", by)

    def tick(self, scene_id: str) -> SceneState:
        """Note overtime once a deadline has passed; writes nothing when there is nothing to note."""
        with self.db.read() as conn:
            row = conn.execute(select(scenes).where(scenes.c.id == scene_id)).first()
        if row is None:
            raise NotFound(f"no scene {scene_id!r}")
        if PhaseMachine(dict(row.durations)).tick(_phase_state(row), self.clock.now()) is None:
            return self.scene_state(scene_id)
        return self._transition(scene_id, "tick")

    def set_intensity(self, scene_id: str, intensity: str, by: str | None = None) -> SceneState:
        _one_of(intensity, INTENSITIES, "intensity")

        def change(conn: Connection, row: Row, version: int) -> None:
            conn.execute(update(scenes).where(scenes.c.id == scene_id).values(intensity=intensity))
            self._record_event(conn, scene_id, version, "intensity",
                               {"from": row.intensity, "to": intensity}, by)

        self._write(scene_id, change)
        return self.scene_state(scene_id)

    # -- conversation ----------------------------------------------------------------

    def post_message(self, scene_id: str, speaker: str, text: str, *, author: str | None = None,
                     pause_ms: int | None = None) -> Message:
        """Append a line to the scene's current branch (during act or rewind)."""
        _one_of(speaker, SPEAKERS, "speaker")
        _text(text, "message")

        def change(conn: Connection, row: Row, version: int) -> Message:
            if row.phase not in TALKING_PHASES:
                raise InvalidInput(f"messages are taken during act and rewind; the scene is in {row.phase}")
            index = len(q.transcript(conn, scene_id, row.branch_id))
            now = self.clock.now()
            result = conn.execute(insert(messages), {
                "scene_id": scene_id, "branch_id": row.branch_id, "idx": index, "speaker": speaker,
                "text": text, "author": author, "pause_ms": pause_ms, "at": now, "version": version})
            return Message(id=result.inserted_primary_key[0], index=index, branch=row.branch_id,
                           speaker=speaker, text=text, at=now, author=author, pause_ms=pause_ms)

        return self._write(scene_id, change)

    def transcript(self, scene_id: str, branch: str | None = None) -> list[Message]:
        """The conversation on ``branch`` (default: the scene's current branch)."""
        with self.db.read() as conn:
            current = select(scenes.c.branch_id).where(scenes.c.id == scene_id)
            branch = branch or conn.execute(current).scalar()
            if branch is None:
                raise NotFound(f"no scene {scene_id!r}")
            return q.transcript(conn, scene_id, branch)

    def branches(self, scene_id: str) -> list[Branch]:
        with self.db.read() as conn:
            return list(q.all_branches(conn, scene_id).values())

    def rewind(self, scene_id: str, message_id: int, by: str | None = None) -> Branch:
        """Retry an agent line: a new branch starts at that message; the original is kept."""

        def change(conn: Connection, row: Row, version: int) -> Branch:
            if row.phase not in TALKING_PHASES:
                raise InvalidInput(f"rewind during act or rewind; the scene is in {row.phase}")
            line = next((m for m in q.transcript(conn, scene_id, row.branch_id) if m.id == message_id), None)
            if line is None or line.speaker != AGENT:
                raise InvalidInput(f"message {message_id} is not an agent line of this scene's conversation")
            return self._fork(conn, row, version, line.index, "rewind", by, message_id=message_id)

        return self._write(scene_id, change)

    def restart_act(self, scene_id: str, by: str | None = None) -> Branch:
        """Start the act again from the first line; the abandoned attempt is kept."""

        def change(conn: Connection, row: Row, version: int) -> Branch:
            branch = self._fork(conn, row, version, 0, "restart", by)
            machine = PhaseMachine(_durations(conn, scene_id))
            state, _ = machine.goto(_phase_state(row), "act", self.clock.now())
            conn.execute(update(scenes).where(scenes.c.id == scene_id).values(
                phase=state.phase, phase_started_at=state.started_at, deadline=state.deadline,
                remaining=None, paused_by=None, overtime_noted=False))
            self._record_event(conn, scene_id, version, "goto", {"from": row.phase, "to": "act"}, by)
            return branch

        return self._write(scene_id, change)

    def _fork(self, conn: Connection, row: Row, version: int, index: int, reason: str,
              by: str | None, **payload: Any) -> Branch:
        now = self.clock.now()
        branch = Branch(id=uuid.uuid4().hex, parent=row.branch_id, fork_index=index, reason=reason,
                        created_at=now)
        conn.execute(insert(branches).values(id=branch.id, scene_id=row.id, parent_id=branch.parent,
                                             fork_index=index, reason=reason, created_at=now,
                                             version=version))
        conn.execute(update(scenes).where(scenes.c.id == row.id).values(branch_id=branch.id))
        self._record_event(conn, row.id, version, reason, {
            "branch": branch.id, "parent": branch.parent, "index": index, **payload}, by)
        return branch

    # -- facilitator's nudges ---------------------------------------------------------

    def nudge(self, scene_id: str, kind: str, text: str, by: str | None = None) -> Event:
        """Drop a cue card, swap the customer's goal or change the environment, now."""
        _one_of(kind, NUDGE_KINDS, "nudge kind")
        _text(text, "nudge")

        def change(conn: Connection, row: Row, version: int) -> Event:
            if row.phase in ("ready", "ended"):
                raise InvalidInput(f"nudges go into a running scene; this one is {row.phase}")
            return self._record_event(conn, scene_id, version, "nudge",
                                      {"type": kind, "text": text, "phase": row.phase}, by)

        return self._write(scene_id, change)

    # -- observers' notes -------------------------------------------------------------

    def add_note(self, scene_id: str, observer: str, kind: str, *, item: str | None = None,
                 message_id: int | None = None, text: str | None = None,
                 value: float | None = None) -> Note:
        """Store one observation the moment it is made."""
        _one_of(kind, NOTE_KINDS, "note kind")
        if text is not None:
            _text(text, "note")
        if kind in ("quote", "note") and text is None:
            raise InvalidInput(f"a {kind} needs its text")
        if kind == "timer" and (value is None or value < 0):
            raise InvalidInput("a timer note needs the pause in milliseconds")

        def change(conn: Connection, row: Row, version: int) -> Note:
            if message_id is not None and conn.execute(select(messages.c.id).where(
                    messages.c.id == message_id, messages.c.scene_id == scene_id)).first() is None:
                raise InvalidInput(f"message {message_id} is not part of this scene")
            now = self.clock.now()
            result = conn.execute(insert(notes), {
                "scene_id": scene_id, "observer": observer, "kind": kind, "item": item,
                "message_id": message_id, "text": text, "value": value, "retracts": None, "at": now,
                "version": version})
            return Note(id=result.inserted_primary_key[0], observer=observer, kind=kind, at=now,
                        item=item, message_id=message_id, text=text, value=value)

        return self._write(scene_id, change)

    def delete_note(self, scene_id: str, note_id: int, by: str) -> Note:
        """Retract a note: a tombstone is added; the note itself stays in the history."""

        def change(conn: Connection, row: Row, version: int) -> Note:
            target = conn.execute(select(notes).where(notes.c.id == note_id,
                                                      notes.c.scene_id == scene_id)).first()
            if target is None or target.retracts is not None:
                raise InvalidInput(f"note {note_id} is not a note of this scene")
            now = self.clock.now()
            result = conn.execute(insert(notes).values(
                scene_id=scene_id, observer=by, kind=target.kind, retracts=note_id, at=now,
                version=version))
            return Note(id=result.inserted_primary_key[0], observer=by, kind=target.kind, at=now,
                        retracts=note_id)

        return self._write(scene_id, change)

    def notes(self, scene_id: str) -> list[Note]:
        """The scene's notes that stand (retracted ones left out)."""
        with self.db.read() as conn:
            return q.live_notes(conn, scene_id)

    # -- debrief ----------------------------------------------------------------------

    def add_debrief(self, scene_id: str, person: str, layer: str, text: str) -> DebriefEntry:
        """Feelings first, then strengths and one adjustment, then one commitment each."""
        _one_of(layer, DEBRIEF_LAYERS, "debrief layer")
        _text(text, "debrief entry")

        def change(conn: Connection, row: Row, version: int) -> DebriefEntry:
            self._ensure_person(conn, person)
            now = self.clock.now()
            result = conn.execute(insert(debrief).values(scene_id=scene_id, person_id=person,
                                                         layer=layer, text=text, at=now, version=version))
            return DebriefEntry(id=result.inserted_primary_key[0], person=person, layer=layer, text=text,
                                at=now, scene_id=scene_id)

        return self._write(scene_id, change)

    def commitments(self, person: str) -> list[DebriefEntry]:
        """A person's commitments, oldest first, for follow-up in later scenes."""
        with self.db.read() as conn:
            rows = conn.execute(select(debrief).where(debrief.c.person_id == person,
                                                      debrief.c.layer == "commitment")
                                .order_by(debrief.c.at, debrief.c.id))
            return [q.debrief_entry(r) for r in rows]

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

    def scene_record(self, scene_id: str) -> dict[str, Any]:
        """The whole stored scene as plain data (what `roleplay scene run` prints)."""
        state = self.scene_state(scene_id)
        with self.db.read() as conn:
            every_message = [q.message(r) for r in conn.execute(
                select(messages).where(messages.c.scene_id == scene_id).order_by(messages.c.id))]
            scene_events = q.scene_events(conn, scene_id)
            record = {
                "scene": {"id": state.id, "session": state.session_id, "ordinal": state.ordinal,
                          "card": state.card_id, "seed": state.seed, "engine": state.engine,
                          "intensity": state.intensity, "values": state.values, "roles": state.roles},
                "state": {"phase": state.phase, "remaining": state.remaining, "paused": state.paused,
                          "overtime": state.overtime, "branch": state.branch, "version": state.version},
                "phases": q.phase_history(scene_events),
                "branches": [b.to_dict() for b in q.all_branches(conn, scene_id).values()],
                "messages": [{"index": m.index, "branch": m.branch, "speaker": m.speaker, "text": m.text,
                              "at": m.at, "id": m.id, "pause_ms": m.pause_ms} for m in every_message],
                "transcript": [m.id for m in q.transcript(conn, scene_id, state.branch or "")],
                "nudges": [{"type": e.payload["type"], "text": e.payload["text"], "phase": e.payload["phase"],
                            "at": e.at, "by": e.by} for e in scene_events if e.kind == "nudge"],
                "notes": [n.to_dict() for n in q.live_notes(conn, scene_id)],
                "debrief": [d.to_dict() for d in q.scene_debrief(conn, scene_id)],
                "events": [e.to_dict() for e in scene_events],
            }
        return plain(record)


# Every write starts here: bump the version (locking the scene row on PostgreSQL) and read
# the scene back in the same statement. Built once: this is the hot path under load.
_BUMP_VERSION = (
    update(scenes).where(scenes.c.id == bindparam("scene"))
    .values(version=scenes.c.version + 1, updated_at=bindparam("now"))
    .returning(*(c for c in scenes.c if c.name not in ("drawn", "durations")))
)


def _durations(conn: Connection, scene_id: str) -> dict[str, int]:
    return dict(conn.execute(select(scenes.c.durations).where(scenes.c.id == scene_id)).scalar_one())


def _phase_state(row: Row) -> PhaseState:
    return PhaseState(
        phase=row.phase,
        started_at=utc(row.phase_started_at) if row.phase_started_at else None,
        deadline=utc(row.deadline) if row.deadline else None,
        remaining=row.remaining, paused_by=row.paused_by, overtime_noted=bool(row.overtime_noted))

