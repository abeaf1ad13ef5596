"""What observers record during a scene, and what the room says in the debrief."""

from __future__ import annotations

from sqlalchemy import Connection, Row, insert, select

from .records import DebriefEntry, Note
from .roles import AGENT, CUSTOMER
from .scenebase import InvalidInput, SceneBase, check_one_of, check_person, check_text
from .store import queries as q
from .store.schema import debrief, messages, notes, session_people, sessions

NOTE_KINDS = ("tick", "quote", "marker", "timer", "note")
DEBRIEF_LAYERS = ("feeling", "strength", "adjustment", "commitment")


class Observations(SceneBase):
    # -- observers' notes -------------------------------------------------------------

    def add_note(self, scene_id: str, observer: str, kind: str, *, item: str | None = None,
                 message_id: int | None = None, text: str | None = None,
                 value: float | None = None) -> Note:
        """Store one observation the moment it is made."""
        check_one_of(kind, NOTE_KINDS, "note kind")
        check_person(observer, "observer")
        if text is not None:
            check_text(text, "note")
        if kind in ("quote", "note") and text is None:
            raise InvalidInput(f"a {kind} needs its text")
        if kind == "timer" and (value is None or value < 0):
            raise InvalidInput("a timer note needs the pause in milliseconds")

        def change(conn: Connection, row: Row, version: int) -> Note:
            self._check_observer(conn, row, observer)
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

    def _check_observer(self, conn: Connection, scene: Row, person: str) -> None:
        """Notes feed the debrief and the observers' calibration, so they come only from the
        room: people who joined the session and play no part in this scene."""
        facilitator = conn.execute(select(sessions.c.facilitator).where(
            sessions.c.id == scene.session_id)).scalar()
        if person == facilitator:
            raise InvalidInput(f"{person!r} facilitates this session: observers' notes come from the "
                               "participants watching the scene")
        if conn.execute(select(session_people.c.person_id).where(
                session_people.c.session_id == scene.session_id,
                session_people.c.person_id == person)).first() is None:
            raise InvalidInput(f"{person!r} has not joined this session: join it from the observer page "
                               "first")
        role = self._roles(conn, scene.id).get(person)
        if role in (AGENT, CUSTOMER):
            raise InvalidInput(f"{person!r} plays the {role} in this scene: the others in the room "
                               "observe it")

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
        check_one_of(layer, DEBRIEF_LAYERS, "debrief layer")
        check_text(text, "debrief entry")

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
