"""The façade every front end uses: the CLI, the widgets and the report notebooks.

A ``Workbench`` opens a store and runs sessions and scenes on it: people and join
codes, scenes with their timed phases (here), the conversation and its rewinds
(``conversation``), observers' notes and the debrief (``observations``). Every method
that changes something is one durable transaction that bumps the scene's version.
"""

from __future__ import annotations

import random
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from .clock import Clock, utc
from .coaching import Coaching
from .conversation import Conversation
from .customer_turns import CustomerTurns
from .customers import is_simulated
from .errors import NotFound
from .library import Library
from .observations import Observations
from .phases import PhaseMachine
from .realism import Realism
from .records import SceneState, SessionInfo, plain
from .roles import ROLES, rotate
from .scenebase import (
    MAX_TEXT,
    InvalidInput,
    check_one_of,
    check_text,
    phase_state_of,
    save_phase,
    scene_durations,
)
from .store import Database
from .store import queries as q
from .store.schema import (
    branches,
    messages,
    notes,
    people,
    scene_roles,
    scenes,
    scores,
    session_people,
    sessions,
)
from .vocabulary import COUNTED_PURPOSE, INTENSITIES, SESSION_PURPOSES

__all__ = ["MAX_TEXT", "InvalidInput", "Workbench"]

SCORED_PHASES = ("debrief", "ended")  # the room discusses the score card from the debrief on
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or "person"


class Workbench(Conversation, Observations, Coaching, CustomerTurns, Realism):
    @classmethod
    def open(cls, url: str | None = None, *, library: Library | None = None,
             clock: Clock | None = None) -> Workbench:
        """Open (creating or upgrading) the store at ``url`` or $ROLEPLAY_DB."""
        db = Database(url)
        db.init()
        return cls(db, library, clock)

    # -- people and sessions ---------------------------------------------------------

    def add_person(self, name: str, person_id: str | None = None, team: str | None = None) -> str:
        """Register a person (idempotent by id); return the id."""
        person_id = person_id or _slug(check_text(name, "name"))
        with self.db.write() as conn:
            self._ensure_person(conn, person_id, name, team)
        return person_id

    def person_name(self, person_id: str) -> str:
        """How the room knows a person (their id when the store has no name for them)."""
        return self.person_names([person_id])[person_id]

    def person_names(self, person_ids: Iterable[str]) -> dict[str, str]:
        """Each id's name, read in one query (an id the store has no name for stands for itself)."""
        wanted = set(person_ids)
        with self.db.read() as conn:
            rows = conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(wanted)))
            found = dict(rows.all())
        return {p: found.get(p) or p for p in wanted}

    def create_session(self, title: str, facilitator: str, participants: Sequence[str] = (),
                       team: str | None = None, purpose: str = COUNTED_PURPOSE) -> SessionInfo:
        """A group session with a short join code observers type or get in a link; a session
        whose ``purpose`` is not training is kept out of progress, reports and exports."""
        check_text(title, "session title")
        check_one_of(purpose, SESSION_PURPOSES, "session purpose")
        session_id = uuid.uuid4().hex
        now = self.clock.now()
        with self.db.write() as conn:
            for person in (facilitator, *participants):
                self._ensure_person(conn, person, team=team)
            code = self._free_code(conn)
            conn.execute(insert(sessions).values(id=session_id, code=code, title=title,
                                                 facilitator=facilitator, team=team, created_at=now,
                                                 purpose=purpose))
            for position, person in enumerate(dict.fromkeys(participants)):
                conn.execute(insert(session_people).values(session_id=session_id, person_id=person,
                                                           position=position, joined_at=now))
        return self.session(session_id)

    def demo_session(self) -> SessionInfo | None:
        """The session `make demo` serves, if this store has one (the latest)."""
        with self.db.read() as conn:
            found = conn.execute(select(sessions.c.id).where(sessions.c.purpose == "demo")
                                 .order_by(sessions.c.created_at.desc()).limit(1)).scalar()
        return self.session(found) if found else None

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
                               ended_at=utc(row.ended_at) if row.ended_at else None, purpose=row.purpose)

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
                     engine: str = "embedded", intensity: str = "standard",
                     roles: Mapping[str, str] | None = None) -> SceneState:
        """Add the next scene of a session; roles rotate from the previous scene unless given."""
        card = self.library.card(card_id)
        check_one_of(intensity, INTENSITIES, "intensity")
        self.ready_engine(engine)
        info = self.session(session_id)
        seed = random.randrange(1_000_000) if seed is None else seed
        drawn = card.draw(seed, today=self.clock.now().date())
        scene_id, branch_id, now = uuid.uuid4().hex, uuid.uuid4().hex, self.clock.now()
        with self.db.write() as conn:
            previous = conn.execute(select(scenes.c.id, scenes.c.ordinal).where(
                scenes.c.session_id == info.id).order_by(scenes.c.ordinal.desc())).first()
            if roles is None:
                before = self._roles(conn, previous.id) if previous else None
                roles = rotate(info.participants, before, human_customer=not is_simulated(engine))
            for person, role in roles.items():
                check_one_of(role, ROLES, "role")
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

    def scenes(self, session_id: str) -> list[SceneState]:
        with self.db.read() as conn:
            ids = conn.execute(select(scenes.c.id).where(scenes.c.session_id == session_id)
                               .order_by(scenes.c.ordinal)).scalars().all()
        return [self.scene_state(i) for i in ids]

    def _transition(self, scene_id: str, move: str, actor: str | None = None, **kwargs: Any) -> SceneState:
        def change(conn: Connection, row: Row, version: int) -> None:
            machine = PhaseMachine(scene_durations(conn, scene_id))
            now = self.clock.now()
            result = getattr(machine, move)(phase_state_of(row), now, **kwargs)
            if result is None:  # a tick with nothing to note
                return
            state, payload = result
            save_phase(conn, scene_id, state)
            self._record_event(conn, scene_id, version, payload.pop("kind"), payload, actor)

        self._write(scene_id, change)
        return self.scene_state(scene_id)

    def start(self, scene_id: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "start", by)

    def skip(self, scene_id: str, by: str | None = None) -> SceneState:
        """Move on to the next phase; the debrief starts with the score card, and skipping past
        the debrief ends (and scores again, with the observers' late notes) the scene."""
        state = self._transition(scene_id, "skip", by)
        return self._scored(state) if state.phase in SCORED_PHASES else state

    def goto(self, scene_id: str, phase: str, by: str | None = None) -> SceneState:
        state = self._transition(scene_id, "goto", by, phase=phase)
        return self._scored(state) if state.phase in SCORED_PHASES else state

    def pause(self, scene_id: str, by: str | None = None, reason: str = "facilitator") -> SceneState:
        """Pause the clock. ``reason="consent"``: a participant's pause, never penalised."""
        return self._transition(scene_id, "pause", by, by=by, reason=reason)

    def resume(self, scene_id: str, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "resume", by)

    def extend(self, scene_id: str, seconds: float, by: str | None = None) -> SceneState:
        return self._transition(scene_id, "extend", by, seconds=seconds)

    def end(self, scene_id: str, by: str | None = None) -> SceneState:
        """End the scene and store its score card, so progress follows every scene played."""
        return self._scored(self._transition(scene_id, "end", by))

    def _scored(self, ended: SceneState) -> SceneState:
        """A scene in debrief or ended with its score card stored (when the agent spoke), as the
        room now sees it. Ending a scene scored at the debrief's start scores it again only if
        a line or a note came in since."""
        if self._score_is_current(ended) or self._score_if_spoken(ended.id) is None:
            return ended
        return self.scene_state(ended.id)

    def _score_is_current(self, state: SceneState) -> bool:
        with self.db.read() as conn:
            scored = conn.execute(select(scores.c.version, scores.c.branch_id).where(
                scores.c.scene_id == state.id).order_by(scores.c.id.desc()).limit(1)).first()
            if scored is None or scored.branch_id != state.branch:
                return False
            later = [conn.execute(select(func.max(t.c.version)).where(t.c.scene_id == state.id)).scalar() or 0
                     for t in (messages, notes)]
        return max(later) <= scored.version

    def tick(self, scene_id: str) -> SceneState:
        """Note overtime once a deadline has passed; writes nothing when there is nothing to note."""
        with self.db.read() as conn:
            row = conn.execute(select(scenes).where(scenes.c.id == scene_id)).first()
        if row is None:
            raise NotFound(f"no scene {scene_id!r}")
        if PhaseMachine(dict(row.durations)).tick(phase_state_of(row), self.clock.now()) is None:
            return self.scene_state(scene_id)
        return self._transition(scene_id, "tick")

    def set_intensity(self, scene_id: str, intensity: str, by: str | None = None) -> SceneState:
        check_one_of(intensity, INTENSITIES, "intensity")

        def change(conn: Connection, row: Row, version: int) -> None:
            conn.execute(update(scenes).where(scenes.c.id == scene_id).values(intensity=intensity))
            self._record_event(conn, scene_id, version, "intensity",
                               {"from": row.intensity, "to": intensity}, by)

        self._write(scene_id, change)
        return self.scene_state(scene_id)

    def scene_record(self, scene_id: str) -> dict[str, Any]:
        """The whole stored scene as plain data (what `roleplay scene run` prints)."""
        state = self.scene_state(scene_id)
        purpose = self.session(state.session_id).purpose
        with self.db.read() as conn:
            every_message = [q.message(r) for r in conn.execute(
                select(messages).where(messages.c.scene_id == scene_id).order_by(messages.c.id))]
            scene_events = q.scene_events(conn, scene_id)
            record = {
                "scene": {"id": state.id, "session": state.session_id, "ordinal": state.ordinal,
                          "card": state.card_id, "seed": state.seed, "engine": state.engine,
                          "intensity": state.intensity, "values": state.values, "roles": state.roles,
                          "purpose": purpose},
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
        record["score"] = self.score_card(scene_id)
        return plain(record)


# Every write starts here: bump the version (locking the scene row on PostgreSQL) and read
