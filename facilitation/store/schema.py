"""The store's tables (SQLAlchemy Core) and the migrations between schema versions.

Append-only in spirit: messages, notes, events and debrief entries are inserted and
never updated. A rewind adds a branch; deleting a note inserts a tombstone that
retracts it. Only a scene's live state (its phase and deadline) and its ``version``
change in place; every row a write adds carries the scene version of that write, so a
poller can ask for "everything after version N".
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

SCHEMA_VERSION = 3

# Migrations from version N to N+1, keyed by N. Each runs inside the write transaction
# that stamps the new version, so a crash leaves the old version intact.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}  # filled in at the end of this module

metadata = MetaData()
Stamp = DateTime(timezone=True)

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

people = Table(
    "people", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("team", String(200)),
    Column("created_at", Stamp, nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(32), primary_key=True),
    Column("code", String(8), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("facilitator", String(64), ForeignKey("people.id"), nullable=False),
    Column("team", String(200)),
    Column("created_at", Stamp, nullable=False),
    Column("ended_at", Stamp),
    # training (counted in progress, reports and exports), practice (a headless `scene run`)
    # or demo (the session `make demo` serves): see vocabulary.SESSION_PURPOSES
    Column("purpose", String(16), nullable=False, server_default="training"),
)

session_people = Table(
    "session_people", metadata,
    Column("session_id", String(32), ForeignKey("sessions.id"), primary_key=True),
    Column("person_id", String(64), ForeignKey("people.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("joined_at", Stamp, nullable=False),
)

scenes = Table(
    "scenes", metadata,
    Column("id", String(32), primary_key=True),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("card_id", String(80), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("engine", String(40), nullable=False),
    Column("intensity", String(16), nullable=False),
    Column("drawn", JSON, nullable=False),
    Column("durations", JSON, nullable=False),
    Column("phase", String(16), nullable=False),
    Column("phase_started_at", Stamp),
    Column("deadline", Stamp),
    Column("remaining", Float),
    Column("paused_by", String(64)),
    Column("overtime_noted", Boolean, nullable=False, default=False),
    Column("branch_id", String(32)),
    Column("version", Integer, nullable=False, default=0),
    Column("created_at", Stamp, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    UniqueConstraint("session_id", "ordinal"),
)

scene_roles = Table(
    "scene_roles", metadata,
    Column("scene_id", String(32), ForeignKey("scenes.id"), primary_key=True),
    Column("person_id", String(64), ForeignKey("people.id"), primary_key=True),
    Column("role", String(16), nullable=False),
)

branches = Table(
    "branches", metadata,
    Column("id", String(32), primary_key=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("parent_id", String(32), ForeignKey("branches.id")),
    Column("fork_index", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("version", Integer, nullable=False),
)

messages = Table(
    "messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("branch_id", String(32), ForeignKey("branches.id"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("speaker", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(64)),
    Column("pause_ms", Integer),
    Column("at", Stamp, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("branch_id", "idx"),
)

notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("observer", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("item", String(64)),
    Column("message_id", Integer, ForeignKey("messages.id")),
    Column("text", Text),
    Column("value", Float),
    Column("retracts", Integer, ForeignKey("notes.id")),
    Column("at", Stamp, nullable=False),
    Column("version", Integer, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("by", String(64)),
    Column("payload", JSON, nullable=False),
    Column("at", Stamp, nullable=False),
    Column("version", Integer, nullable=False),
)

debrief = Table(
    "debrief", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("layer", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", Stamp, nullable=False),
    Column("version", Integer, nullable=False),
)

for _table in (messages, notes, events, debrief, branches):
    Index(f"ix_{_table.name}_scene_version", _table.c.scene_id, _table.c.version)
Index("ix_debrief_person", debrief.c.person_id, debrief.c.layer)

# Scores: every scoring of a scene is kept (rescoring after a late observer note adds a
# row); ``competency_scores`` is the index progress reads, holding only each scene's
# latest score per competency area.
scores = Table(
    "scores", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("branch_id", String(32), ForeignKey("branches.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id")),
    Column("card_id", String(80), nullable=False),
    Column("rubric_id", String(80), nullable=False),
    Column("rubric_version", String(32), nullable=False),
    Column("scorer_version", String(32), nullable=False),
    Column("overall", Integer, nullable=False),
    Column("card", JSON, nullable=False),
    Column("scored_at", Stamp, nullable=False),
    Column("version", Integer, nullable=False),
)

competency_scores = Table(
    "competency_scores", metadata,
    Column("score_id", Integer, ForeignKey("scores.id"), primary_key=True),
    Column("competency", String(40), primary_key=True),
    Column("scene_id", String(32), ForeignKey("scenes.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("card_id", String(80), nullable=False),
    Column("score", Integer, nullable=False),
    Column("scored_at", Stamp, nullable=False),
)
# A person on a training path (new-hire onboarding, refresher) since a date.
enrolments = Table(
    "enrolments", metadata,
    Column("person_id", String(64), ForeignKey("people.id"), primary_key=True),
    Column("path_id", String(80), primary_key=True),
    Column("started_at", Stamp, nullable=False),
)
Index("ix_scores_scene", scores.c.scene_id, scores.c.id)
Index("ix_competency_scores_person", competency_scores.c.person_id, competency_scores.c.competency,
      competency_scores.c.scored_at)
Index("ix_competency_scores_scene", competency_scores.c.scene_id)


def _add_scores(conn: Connection) -> None:
    scores.create(conn)
    competency_scores.create(conn)
    enrolments.create(conn)


MIGRATIONS[1] = _add_scores


def _add_session_purpose(conn: Connection) -> None:
    """Sessions say what they are for; the runs older versions made outside training are
    recognised by the titles those versions gave them."""
    conn.execute(text("ALTER TABLE sessions ADD COLUMN purpose VARCHAR(16) NOT NULL DEFAULT 'training'"))
    conn.execute(sessions.update().where(sessions.c.title.like("Headless run: %")).values(purpose="practice"))
    conn.execute(sessions.update().where(sessions.c.title == "Demo session", sessions.c.team == "Demo")
                 .values(purpose="demo"))


MIGRATIONS[2] = _add_session_purpose
