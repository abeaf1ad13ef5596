"""Who is in the store and which sessions it holds: the reads behind `roleplay people list`,
`roleplay session list|show` and the facilitator's session page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from ..clock import utc
from ..records import Record
from ..vocabulary import COUNTED_PURPOSE
from .queries import counted, latest_score_ids
from .schema import enrolments, people, scene_roles, scenes, scores, session_people, sessions


@dataclass(frozen=True)
class PersonRow(Record):
    id: str
    name: str
    team: str | None
    sessions: int  # sessions they are a participant of
    scenes_played: int  # scored training scenes as the agent
    path: str | None  # the training path they are on, if any


@dataclass(frozen=True)
class SessionRow(Record):
    id: str
    code: str
    title: str
    facilitator: str  # their name
    team: str | None
    purpose: str
    participants: int
    scenes: int
    created_at: datetime


@dataclass(frozen=True)
class SceneRow(Record):
    ordinal: int
    scene_id: str
    card_id: str
    engine: str
    phase: str
    agent: str | None  # the agent's name
    overall: int | None  # the latest score


def matching_people(conn: Connection, name_or_id: str) -> list[tuple[str, str]]:
    """(id, name) of the person with that id, else of everyone with that name (any case)."""
    wanted = name_or_id.strip()
    by_id = conn.execute(select(people.c.id, people.c.name).where(people.c.id == wanted)).all()
    if by_id:
        return [tuple(r) for r in by_id]
    return [tuple(r) for r in conn.execute(select(people.c.id, people.c.name)
                                           .where(func.lower(people.c.name) == wanted.lower())
                                           .order_by(people.c.id))]


def people_rows(conn: Connection, team: str | None = None) -> list[PersonRow]:
    in_sessions = dict(conn.execute(select(session_people.c.person_id, func.count())
                                    .group_by(session_people.c.person_id)).all())
    latest = latest_score_ids()
    played = dict(conn.execute(select(scores.c.person_id, func.count())
                               .where(scores.c.id.in_(latest), counted(scores.c.scene_id))
                               .group_by(scores.c.person_id)).all())
    paths = dict(conn.execute(select(enrolments.c.person_id, enrolments.c.path_id)
                              .order_by(enrolments.c.started_at)).all())
    query = select(people).order_by(func.lower(people.c.name), people.c.id)
    if team:
        query = query.where(people.c.team == team)
    return [PersonRow(r.id, r.name, r.team, in_sessions.get(r.id, 0), played.get(r.id, 0), paths.get(r.id))
            for r in conn.execute(query)]


def session_rows(conn: Connection, *, every_purpose: bool = False) -> list[SessionRow]:
    """Sessions, newest first: training only unless ``every_purpose``."""
    members = dict(conn.execute(select(session_people.c.session_id, func.count())
                                .group_by(session_people.c.session_id)).all())
    scene_counts = dict(conn.execute(select(scenes.c.session_id, func.count())
                                     .group_by(scenes.c.session_id)).all())
    query = (select(sessions, people.c.name.label("facilitator_name"))
             .join(people, people.c.id == sessions.c.facilitator)
             .order_by(sessions.c.created_at.desc(), sessions.c.code))
    if not every_purpose:
        query = query.where(sessions.c.purpose == COUNTED_PURPOSE)
    return [SessionRow(r.id, r.code, r.title, r.facilitator_name, r.team, r.purpose, members.get(r.id, 0),
                       scene_counts.get(r.id, 0), utc(r.created_at)) for r in conn.execute(query)]


def session_scenes(conn: Connection, session_id: str) -> list[SceneRow]:
    latest = latest_score_ids()
    overall = dict(conn.execute(select(scores.c.scene_id, scores.c.overall)
                                .join(scenes, scenes.c.id == scores.c.scene_id)
                                .where(scores.c.id.in_(latest), scenes.c.session_id == session_id)).all())
    agents = dict(conn.execute(select(scene_roles.c.scene_id, people.c.name)
                               .join(people, people.c.id == scene_roles.c.person_id)
                               .join(scenes, scenes.c.id == scene_roles.c.scene_id)
                               .where(scenes.c.session_id == session_id,
                                      scene_roles.c.role == "agent")).all())
    rows = conn.execute(select(scenes.c.id, scenes.c.ordinal, scenes.c.card_id, scenes.c.engine,
                               scenes.c.phase)
                        .where(scenes.c.session_id == session_id).order_by(scenes.c.ordinal))
    return [SceneRow(r.ordinal, r.id, r.card_id, r.engine, r.phase, agents.get(r.id), overall.get(r.id))
            for r in rows]
