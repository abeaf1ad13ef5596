"""What the façade hands to front ends: plain, immutable records with ``to_dict()``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


def plain(value: Any) -> Any:
    """Records, datetimes and containers as JSON-ready data."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class Record:
    def to_dict(self) -> dict[str, Any]:
        return plain(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class SessionInfo(Record):
    id: str
    code: str
    title: str
    facilitator: str
    team: str | None
    participants: list[str]
    created_at: datetime
    ended_at: datetime | None = None
    purpose: str = "training"  # vocabulary.SESSION_PURPOSES


@dataclass(frozen=True)
class Message(Record):
    id: int
    index: int
    branch: str
    speaker: str
    text: str
    at: datetime
    author: str | None = None
    pause_ms: int | None = None


@dataclass(frozen=True)
class Note(Record):
    id: int
    observer: str
    kind: str
    at: datetime
    item: str | None = None
    message_id: int | None = None
    text: str | None = None
    value: float | None = None
    retracts: int | None = None


@dataclass(frozen=True)
class Event(Record):
    id: int
    kind: str
    at: datetime
    by: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class DebriefEntry(Record):
    id: int
    person: str
    layer: str
    text: str
    at: datetime
    scene_id: str | None = None


@dataclass(frozen=True)
class Branch(Record):
    id: str
    parent: str | None
    fork_index: int
    reason: str
    created_at: datetime


def lineage(forks: Mapping[str, tuple[str | None, int]], branch_id: str) -> list[tuple[str, int | None]]:
    """The branches whose lines ``branch_id`` shows, oldest first, each with the first index it
    does NOT lend (None: all its lines). ``forks`` maps a branch to (parent, fork index).

    An ancestor lends only up to the earliest fork below it: a rewind to line 4 inside a retry
    of line 6 shows lines 0 to 3 and the new line, never the first attempt's lines 4 and 5.
    """
    out: list[tuple[str, int | None]] = []
    limit: int | None = None
    current: str | None = branch_id
    while current is not None and current in forks:
        out.append((current, limit))
        parent, fork = forks[current]
        limit = fork if limit is None else min(limit, fork)
        current = parent
    return out[::-1]


@dataclass(frozen=True)
class SceneState(Record):
    """Everything a view needs to draw a scene right now, at one version."""

    id: str
    session_id: str
    ordinal: int
    card_id: str
    seed: int
    engine: str
    intensity: str
    phase: str
    phase_started_at: datetime | None
    deadline: datetime | None
    remaining: float | None  # seconds, computed for ``server_now``
    paused: bool
    paused_by: str | None
    overtime: bool
    branch: str | None
    version: int
    server_now: datetime
    durations: dict[str, int]
    values: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Changes(Record):
    """What a poller missed since the version it last saw."""

    version: int
    messages: list[Message]
    notes: list[Note]
    events: list[Event]
    debrief: list[DebriefEntry]
    branches: list[Branch]

    @property
    def empty(self) -> bool:
        return not (self.messages or self.notes or self.events or self.debrief or self.branches)
