"""A report's parameters: the notebook's ``parameters`` cell, then papermill's injected
values, then (under Voilà) the page's URL query, each overriding the one before.

Values arrive as text from a URL or the command line; each is read as the type of the
parameter's default, and a value that cannot be read is refused with the parameter named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..errors import BadParameter, PageRefused, WorkbenchError

if TYPE_CHECKING:  # the store loads when a period is read, not when parameters are checked
    from ..store import Database

DEFAULT_DAYS = 30


# Set by the server or the command line only: a URL naming a store could make a GET create
# files, or add tables to an unrelated SQLite file.
NOT_FROM_URL = frozenset({"db"})


def resolve(values: Mapping[str, Any], query: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``values`` as the notebook holds them, with URL ``query`` values of the same names on top
    (except NOT_FROM_URL)."""
    out = dict(values)
    for name, text in (query or {}).items():
        if name in out and name not in NOT_FROM_URL:
            out[name] = coerce(name, text, values[name])
    return out


# Where page_parameters keeps why the page cannot be made: the report's load shows it as
# its one line, in the same place as an unknown team or a bad date.
REFUSAL = "refusal"


def page_parameters(values: Mapping[str, Any], read_query: Callable[[], Mapping[str, str]]
                    ) -> dict[str, Any]:
    """``resolve`` with the query ``read_query`` gives; its refusal (no facilitator's key, a
    number that is not one) is kept under ``REFUSAL`` instead of raised in the notebook's
    first cell, where a page could only show Voilà's "error when executing cell"."""
    try:
        return resolve(values, read_query())
    except WorkbenchError as refused:
        return {**values, REFUSAL: str(refused)}


def check_refusal(p: Mapping[str, Any]) -> None:
    """Raise the refusal ``page_parameters`` kept, if any."""
    if REFUSAL in p:
        raise PageRefused(p[REFUSAL])


def coerce(name: str, text: Any, default: Any) -> Any:
    if not isinstance(text, str) or default is None or isinstance(default, str):
        return text
    try:
        if isinstance(default, bool):
            if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError
            return text.lower() in ("1", "true", "yes")
        return type(default)(text)
    except ValueError:
        kind = {int: "a whole number", float: "a number", bool: "yes or no"}.get(type(default), "valid")
        raise BadParameter(f"parameter {name}: {text!r} is not {kind}") from None


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime  # exclusive

    @property
    def label(self) -> str:
        last = self.until - timedelta(days=1)
        return f"{self.since:%d %b %Y} – {last:%d %b %Y}"

    @property
    def days(self) -> int:
        return max(1, round((self.until - self.since) / timedelta(days=1)))

    def previous(self) -> Period:
        return Period(self.since - (self.until - self.since), self.since)


def parse_day(name: str, text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise BadParameter(f"parameter {name}: {text!r} is not a date like 2026-11-01") from None


def period(db: Database, since: str = "", until: str = "", days: int = DEFAULT_DAYS) -> Period:
    """The reporting period: given dates, else ``days`` ending with the day of the latest score
    (so a dashboard opened on an old store still shows its last month, not an empty one)."""
    import pandas as pd
    from sqlalchemy import func, select

    from ..store.queries import counted
    from ..store.schema import scores

    end = parse_day("until", until) + timedelta(days=1) if until else None
    start = parse_day("since", since) if since else None
    if end is None:
        with db.read() as conn:
            latest = conn.execute(select(func.max(scores.c.scored_at))
                                  .where(counted(scores.c.scene_id))).scalar()
        last = pd.Timestamp(latest).tz_localize("UTC") if latest is not None and pd.Timestamp(
            latest).tzinfo is None else (pd.Timestamp(latest) if latest is not None else None)
        day = (last.to_pydatetime() if last is not None else datetime.now(timezone.utc))
        end = day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    if start is None:
        start = end - timedelta(days=days)
    if start >= end:
        raise BadParameter(f"parameter since: {start:%Y-%m-%d} is not before until {end:%Y-%m-%d}")
    return Period(start, end)
