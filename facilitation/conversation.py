"""The conversation of a scene: messages, rewind branches, and the facilitator's nudges."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from .errors import NotFound
from .phases import PhaseMachine
from .records import Branch, Event, Message
from .roles import AGENT, CUSTOMER
from .scenebase import (
    InvalidInput,
    SceneBase,
    check_one_of,
    check_text,
    phase_state_of,
    save_phase,
    scene_durations,
)
from .store import queries as q
from .store.schema import branches, messages, scenes

SPEAKERS = ("agent", "customer")
NUDGE_KINDS = ("cue", "goal", "environment")
TALKING_PHASES = ("act", "rewind")


class Conversation(SceneBase):
    # -- conversation ----------------------------------------------------------------

    def post_message(self, scene_id: str, speaker: str, text: str, *, author: str | None = None,
                     pause_ms: int | None = None) -> Message:
        """Append a line to the scene's current branch (during act or rewind)."""
        check_one_of(speaker, SPEAKERS, "speaker")
        check_text(text, "message")

        def change(conn: Connection, row: Row, version: int) -> Message:
            if row.phase not in TALKING_PHASES:
                raise InvalidInput(f"messages are taken during act and rewind; the scene is in {row.phase}")
            if speaker == CUSTOMER and author is not None and not author.startswith("engine:"):
                self._check_plays_customer(conn, scene_id, author)
            index = q.next_index(conn, row.branch_id)
            now = self.clock.now()
            result = conn.execute(insert(messages), {
                "scene_id": scene_id, "branch_id": row.branch_id, "idx": index, "speaker": speaker,
                "text": text, "author": author, "pause_ms": pause_ms, "at": now, "version": version})
            return Message(id=result.inserted_primary_key[0], index=index, branch=row.branch_id,
                           speaker=speaker, text=text, at=now, author=author, pause_ms=pause_ms)

        return self._write(scene_id, change)

    def _check_plays_customer(self, conn: Connection, scene_id: str, author: str) -> None:
        """A person posts customer lines only in a scene where they were cast as the customer:
        on a shared network anyone can open the customer link under their own name."""
        cast = [p for p, role in self._roles(conn, scene_id).items() if role == CUSTOMER]
        if cast and author not in cast:
            raise InvalidInput(f"{author} does not play the customer in this scene ({cast[0]} does)")

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
            machine = PhaseMachine(scene_durations(conn, scene_id))
            state, payload = machine.goto(phase_state_of(row), self.clock.now(), "act")
            save_phase(conn, scene_id, state)
            self._record_event(conn, scene_id, version, payload.pop("kind"), payload, by)
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
        check_one_of(kind, NUDGE_KINDS, "nudge kind")
        check_text(text, "nudge")

        def change(conn: Connection, row: Row, version: int) -> Event:
            if row.phase in ("ready", "ended"):
                raise InvalidInput(f"nudges go into a running scene; this one is {row.phase}")
            return self._record_event(conn, scene_id, version, "nudge",
                                      {"type": kind, "text": text, "phase": row.phase}, by)

        return self._write(scene_id, change)
