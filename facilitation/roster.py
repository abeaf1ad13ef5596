"""Setting a room up without Python: people by the names a facilitator knows them by, and
sessions made, listed and shown (the CLI's `people` and `session` commands and the
facilitator's session page share these)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import NotFound
from .records import Record, SessionInfo
from .scenebase import InvalidInput, check_text
from .store.roster import (
    PersonRow,
    SceneRow,
    SessionRow,
    matching_people,
    people_rows,
    session_rows,
    session_scenes,
)
from .workbench import Workbench

__all__ = ["PersonRow", "SceneRow", "SessionDetail", "SessionRow", "add_person", "known_or_given", "people",
           "person_id", "session_detail", "sessions", "set_up_session"]


@dataclass(frozen=True)
class SessionDetail(Record):
    session: SessionInfo
    names: dict[str, str]  # person id → name, for the facilitator and every participant
    scenes: list[SceneRow]


def _found(wb: Workbench, name_or_id: str) -> str | None:
    """The id of the one person with that id or name (any case), None for nobody; a name two
    people share is refused with both ids, so the wrong person is never picked."""
    with wb.db.read() as conn:
        found = matching_people(conn, name_or_id)
    if len(found) > 1:
        ids = ", ".join(i for i, _ in found)
        raise InvalidInput(f"{len(found)} people are called {name_or_id.strip()!r} ({ids}): give the id")
    return found[0][0] if found else None


def person_id(wb: Workbench, name_or_id: str) -> str:
    """The id of the person with that id or name (see ``_found``); nobody is refused."""
    found = _found(wb, check_text(name_or_id, "person"))
    if found is None:
        raise NotFound(f"no person {name_or_id!r}: add them with "
                       f"`roleplay people add \"{name_or_id.strip()}\"`")
    return found


def known_or_given(wb: Workbench, name_or_id: str) -> str:
    """The id of the one person with that id or name; else the text itself, as an id."""
    return _found(wb, name_or_id) or name_or_id


def add_person(wb: Workbench, name: str, *, team: str | None = None, person: str | None = None
               ) -> tuple[str, bool]:
    """Add someone by name (and team); return their id and whether they are new. Someone
    already here by that name (or id) is found, not added twice."""
    found = _found(wb, person or name)
    if found is not None:
        return found, False
    return wb.add_person(check_text(name, "name").strip(), person, team=team), True


def set_up_session(wb: Workbench, title: str, facilitator: str, participants: Sequence[str] = (),
                   team: str | None = None) -> SessionInfo:
    """A training session for people named as the facilitator knows them; anyone not yet in
    the store is added (on ``team``)."""
    if not participants:
        raise InvalidInput("a session needs its participants: name at least one")
    lead = add_person(wb, facilitator)[0]  # a coach is often of another team than the room
    who = [add_person(wb, name, team=team)[0] for name in participants]
    return wb.create_session(title, lead, list(dict.fromkeys(who)), team=team or None)


def people(wb: Workbench, team: str | None = None) -> list[PersonRow]:
    with wb.db.read() as conn:
        return people_rows(conn, team)


def sessions(wb: Workbench, *, every_purpose: bool = False) -> list[SessionRow]:
    with wb.db.read() as conn:
        return session_rows(conn, every_purpose=every_purpose)


def session_detail(wb: Workbench, code: str) -> SessionDetail:
    info = wb.session(code)
    with wb.db.read() as conn:
        scenes = session_scenes(conn, info.id)
    names = wb.person_names((info.facilitator, *info.participants))
    return SessionDetail(info, {p: names[p] for p in (info.facilitator, *info.participants)}, scenes)
