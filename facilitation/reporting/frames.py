"""The store as pandas DataFrames: a few bulk reads every report starts from.

One query per table, never one per scene, so a team dashboard over ten thousand
scenes stays a matter of a second. Scene-level facts that live in JSON (the latest
score card, the customer's final state) are reduced to plain columns here, once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from ..library import Library
from ..scoring import PASS_MARK
from ..store import Database
from ..store.queries import counted, latest_score_ids
from ..store.schema import (
    competency_scores,
    debrief,
    enrolments,
    events,
    messages,
    people,
    scene_roles,
    scenes,
    scores,
    sessions,
)


@dataclass(frozen=True)
class Frames:
    """Every report's raw material, read in one go for a period and team: training sessions'
    scenes only (practice runs and the demo session are not counted).

    ``attempts``: one row per scored scene (its latest score), with the card, the agent,
    the session, timing (with ``overtime`` and the agent's mean pause before a reply,
    ``reply_seconds``) and the customer's outcome. ``competency``: one row per scored
    scene and competency area. ``people``, ``roles``, ``debrief`` and ``enrolments`` as
    stored. ``since``/``until`` bound ``attempts`` and ``competency``; earlier history
    is left to the functions that need it (``history``).
    """

    people: pd.DataFrame
    sessions: pd.DataFrame
    attempts: pd.DataFrame
    competency: pd.DataFrame
    roles: pd.DataFrame
    debrief: pd.DataFrame
    enrolments: pd.DataFrame
    since: datetime | None
    until: datetime | None
    team: str | None


ATTEMPT_COLUMNS = ["scene_id", "session_id", "session", "team", "facilitator", "agent", "agent_name",
                   "card_id", "title", "category", "difficulty", "persona", "channel", "engine",
                   "started_at", "ended_at", "minutes", "scored_at", "overall", "passed", "outcome",
                   "success_met", "success_total", "missed", "observers", "overtime", "reply_seconds"]


def load_frames(db: Database, *, since: datetime | None = None, until: datetime | None = None,
                team: str | None = None, library: Library | None = None) -> Frames:
    """Read the store into frames; ``team`` keeps only that team's people and sessions."""
    library = library or Library.load()
    with db.read() as conn:
        people_df = _frame(conn, select(people))
        sessions_df = _frame(conn, select(sessions))
        roles_df = _frame(conn, select(scene_roles))
        attempts = _attempts(conn, since, until)
        competency = _frame(conn, _bounded(select(competency_scores.c.scene_id, competency_scores.c.person_id,
                                                  competency_scores.c.card_id, competency_scores.c.competency,
                                                  competency_scores.c.score, competency_scores.c.scored_at)
                                           .where(counted(competency_scores.c.scene_id)),
                                           competency_scores.c.scored_at, since, until))
        debrief_df = _frame(conn, select(debrief.c.scene_id, debrief.c.person_id, debrief.c.layer,
                                         debrief.c.text, debrief.c.at))
        enrolments_df = _frame(conn, select(enrolments))
    attempts = _with_people_and_cards(attempts, people_df, sessions_df, roles_df, library)
    if team:
        attempts = attempts[attempts["team"] == team]
        members = set(people_df.loc[people_df["team"] == team, "id"])
        people_df = people_df[people_df["team"] == team]
        sessions_df = sessions_df[sessions_df["team"] == team]
        competency = competency[competency["person_id"].isin(members)]
        enrolments_df = enrolments_df[enrolments_df["person_id"].isin(members)]
    return Frames(people_df.reset_index(drop=True), sessions_df.reset_index(drop=True),
                  attempts.reset_index(drop=True), competency.reset_index(drop=True), roles_df, debrief_df,
                  enrolments_df.reset_index(drop=True), since, until, team)


def _frame(conn: Connection, query: Any) -> pd.DataFrame:
    result = conn.execute(query)
    # Plain tuples: pandas probes each SQLAlchemy Row for namedtuple fields, which is slow.
    frame = pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))
    for column in frame.columns:  # SQLite hands back naive datetimes: every stamp is UTC
        values = frame[column]
        if str(values.dtype).startswith("datetime64") or (
                values.dtype == object and len(frame) and isinstance(values.iloc[0], datetime)):
            frame[column] = pd.to_datetime(values, utc=True)
    return frame


def _bounded(query: Any, column: Any, since: datetime | None, until: datetime | None) -> Any:
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


def _attempts(conn: Connection, since: datetime | None, until: datetime | None) -> pd.DataFrame:
    latest = latest_score_ids().scalar_subquery()
    query = _bounded(select(scores.c.scene_id, scores.c.person_id.label("agent"), scores.c.overall,
                            scores.c.scored_at, scores.c.card["success"].label("success"),
                            scores.c.card["missed"].label("missed_list"), scenes.c.session_id,
                            scenes.c.card_id, scenes.c.engine, scenes.c.overtime_noted.label("overtime"))
                     .join(scenes, scenes.c.id == scores.c.scene_id)
                     .where(scores.c.id.in_(latest), counted(scores.c.scene_id)),
                     scores.c.scored_at, since, until)
    frame = _frame(conn, query)
    timing = _frame(conn, select(events.c.scene_id, events.c.kind, func.min(events.c.at).label("first"),
                                 func.max(events.c.at).label("last"))
                    .where(events.c.kind.in_(("start", "end")))
                    .group_by(events.c.scene_id, events.c.kind))
    last_customer = select(func.max(events.c.id)).where(events.c.kind == "customer").group_by(
        events.c.scene_id).scalar_subquery()
    # Only the parts of the JSON a report needs (the whole score card is large to decode).
    outcomes = dict(conn.execute(select(events.c.scene_id, events.c.payload[("state", "outcome")].as_string())
                                 .where(and_(events.c.id.in_(last_customer)))).all())
    # The agent's pause before each reply, as the chat measured it: how fast they answered.
    replies = _frame(conn, select(messages.c.scene_id, func.avg(messages.c.pause_ms).label("pause"))
                     .where(messages.c.speaker == "agent", messages.c.pause_ms.isnot(None))
                     .group_by(messages.c.scene_id))
    return _attempt_columns(frame, timing, outcomes, replies)


def _attempt_columns(frame: pd.DataFrame, timing: pd.DataFrame,
                     outcomes: dict[str, str | None], replies: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[c for c in ATTEMPT_COLUMNS if c not in ("agent_name", "title")])
    success = [_json_list(c) for c in frame.pop("success")]
    frame["success_met"] = [sum(s["met"] for s in checks) for checks in success]
    frame["success_total"] = [len(checks) for checks in success]
    frame["missed"] = [len(_json_list(m)) for m in frame.pop("missed_list")]
    started = timing[timing["kind"] == "start"].set_index("scene_id")["first"]
    ended = timing[timing["kind"] == "end"].set_index("scene_id")["last"]
    frame["started_at"] = frame["scene_id"].map(started)
    frame["ended_at"] = frame["scene_id"].map(ended)
    frame["minutes"] = ((frame["ended_at"] - frame["started_at"]).dt.total_seconds() / 60).round(1)
    # No outcome: the act ended before the customer resolved, escalated or abandoned it.
    frame["outcome"] = frame["scene_id"].map(outcomes).fillna("unresolved")
    frame["passed"] = frame["overall"] >= PASS_MARK
    frame["overtime"] = frame["overtime"].astype(bool)
    frame["reply_seconds"] = (frame["scene_id"].map(replies.set_index("scene_id")["pause"]).astype(float)
                              / 1000).round(1)
    return frame


def _json_list(value: Any) -> list:
    if isinstance(value, str):
        value = json.loads(value)
    return value or []


def _with_people_and_cards(attempts: pd.DataFrame, people_df: pd.DataFrame, sessions_df: pd.DataFrame,
                           roles_df: pd.DataFrame, library: Library) -> pd.DataFrame:
    names = people_df.set_index("id")["name"] if len(people_df) else pd.Series(dtype=object)
    session_by_id = sessions_df.set_index("id") if len(sessions_df) else None
    attempts["agent_name"] = attempts["agent"].map(names)
    if session_by_id is not None:
        attempts["session"] = attempts["session_id"].map(session_by_id["title"])
        attempts["facilitator"] = attempts["session_id"].map(session_by_id["facilitator"])
        # A scene belongs to its session's team, else to its agent's team.
        agent_team = people_df.set_index("id")["team"]
        attempts["team"] = attempts["session_id"].map(session_by_id["team"]).fillna(
            attempts["agent"].map(agent_team))
    else:
        attempts["session"] = attempts["facilitator"] = attempts["team"] = None
    observers = roles_df[roles_df["role"] == "observer"].groupby("scene_id").size() if len(roles_df) else {}
    attempts["observers"] = attempts["scene_id"].map(observers).fillna(0).astype(int)
    card_facts = {cid: (c.title, c.category, c.difficulty, c.persona, c.channel)
                  for cid, c in library.cards.items()}
    for i, column in enumerate(("title", "category", "difficulty", "persona", "channel")):
        attempts[column] = attempts["card_id"].map(
            lambda cid, i=i: card_facts.get(cid, (cid, None, None, None, None))[i])
    return attempts[ATTEMPT_COLUMNS].sort_values("scored_at", kind="stable")
