"""Reading a scene back: rows into records, branches into transcripts, events into phases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select, func, select, true
from sqlalchemy.sql import ColumnElement

from ..clock import utc
from ..records import Branch, DebriefEntry, Event, Message, Note, lineage
from ..vocabulary import COUNTED_PURPOSE, PHASES
from .schema import branches, debrief, events, messages, notes, scenes, scores, sessions

PHASE_MOVES = ("start", "skip", "goto", "end")


def _at(value: Any) -> Any:
    return utc(value) if value is not None else None


def message(row: Row) -> Message:
    return Message(id=row.id, index=row.idx, branch=row.branch_id, speaker=row.speaker, text=row.text,
                   at=_at(row.at), author=row.author, pause_ms=row.pause_ms)


def note(row: Row) -> Note:
    return Note(id=row.id, observer=row.observer, kind=row.kind, at=_at(row.at), item=row.item,
                message_id=row.message_id, text=row.text, value=row.value, retracts=row.retracts)


def event(row: Row) -> Event:
    return Event(id=row.id, kind=row.kind, at=_at(row.at), by=row.by, payload=dict(row.payload))


def debrief_entry(row: Row) -> DebriefEntry:
    return DebriefEntry(id=row.id, person=row.person_id, layer=row.layer, text=row.text,
                        at=_at(row.at), scene_id=row.scene_id)


def branch(row: Row) -> Branch:
    return Branch(id=row.id, parent=row.parent_id, fork_index=row.fork_index, reason=row.reason,
                  created_at=_at(row.created_at))


def counted(scene_id: Any, include_practice: bool = False) -> ColumnElement[bool]:
    """The condition that ``scene_id`` is a scene of a training session: what progress,
    reports and exports count (practice runs and the demo session only when asked for)."""
    if include_practice:
        return true()
    training = (select(scenes.c.id).join(sessions, sessions.c.id == scenes.c.session_id)
                .where(sessions.c.purpose == COUNTED_PURPOSE))
    return scene_id.in_(training)



def latest_score_ids(*conditions: ColumnElement[bool]) -> Select[Any]:
    """The id of each scene's latest score card, among the scores ``conditions`` keep: scoring
    a scene again supersedes what counts, and the earlier cards stay in ``scores``."""
    return select(func.max(scores.c.id)).where(*conditions).group_by(scores.c.scene_id)


def since(conn: Connection, table: Any, scene_id: str, version: int) -> list[Row]:
    query = select(table).where(table.c.scene_id == scene_id, table.c.version > version)
    return list(conn.execute(query.order_by(table.c.version)))


def all_branches(conn: Connection, scene_id: str) -> dict[str, Branch]:
    rows = conn.execute(select(branches).where(branches.c.scene_id == scene_id)
                        .order_by(branches.c.created_at, branches.c.version))
    return {row.id: branch(row) for row in rows}


def next_index(conn: Connection, branch_id: str) -> int:
    """Where the branch's next line goes: after its own last line, else at its fork."""
    last = conn.execute(select(func.max(messages.c.idx)).where(messages.c.branch_id == branch_id)).scalar()
    if last is not None:
        return last + 1
    return conn.execute(select(branches.c.fork_index).where(branches.c.id == branch_id)).scalar_one()


def transcript(conn: Connection, scene_id: str, branch_id: str) -> list[Message]:
    """The conversation as the given branch sees it: inherited lines, then its own."""
    known = all_branches(conn, scene_id)
    forks = {b.id: (b.parent, b.fork_index) for b in known.values()}
    out: list[Message] = []
    for bid, stop in lineage(forks, branch_id):
        query = select(messages).where(messages.c.branch_id == bid)
        if stop is not None:
            query = query.where(messages.c.idx < stop)
        out += [message(row) for row in conn.execute(query.order_by(messages.c.idx))]
    return out


def live_notes(conn: Connection, scene_id: str) -> list[Note]:
    """Notes not retracted by a later tombstone."""
    rows = [note(r) for r in conn.execute(select(notes).where(notes.c.scene_id == scene_id)
                                          .order_by(notes.c.id))]
    retracted = {n.retracts for n in rows if n.retracts is not None}
    return [n for n in rows if n.retracts is None and n.id not in retracted]


def phase_history(scene_events: list[Event]) -> list[dict[str, Any]]:
    """Each phase entered, with when it started and ended, from the recorded moves."""
    out: list[dict[str, Any]] = []
    for ev in scene_events:
        if ev.kind not in PHASE_MOVES:
            continue
        if out and out[-1]["ended_at"] is None:
            out[-1]["ended_at"] = ev.at
        if ev.payload.get("to") in PHASES:
            out.append({"phase": ev.payload["to"], "started_at": ev.at, "ended_at": None})
    return out


def scene_events(conn: Connection, scene_id: str) -> list[Event]:
    return [event(r) for r in conn.execute(select(events).where(events.c.scene_id == scene_id)
                                           .order_by(events.c.id))]


def scene_debrief(conn: Connection, scene_id: str) -> list[DebriefEntry]:
    return [debrief_entry(r) for r in conn.execute(
        select(debrief).where(debrief.c.scene_id == scene_id).order_by(debrief.c.id))]
