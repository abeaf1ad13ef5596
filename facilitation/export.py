"""Scored attempts out to a learning-management system: a CSV table or xAPI statements.

An *attempt* is one scene with its latest score card. ``attempts`` reads them in chunks,
one query per table and chunk (never one per attempt), in one consistent snapshot; the CSV
and xAPI writers stream what it yields. Every transcript and evidence quote that leaves
the store goes through ``privacy.redact`` first.

An attempt passes when its overall score reaches ``PASS_MARK`` (70, the rubric's level 4,
"competent and consistent"). xAPI statements follow xAPI 1.0.3: one registration per
attempt, and per attempt ``attempted`` (at the scene's start), ``completed`` (at its end)
and ``passed`` or ``failed`` (when scored). Ids are name-based UUIDs (uuid5) of the base
IRI, the scene and its score, so exporting twice gives the same statements, and an LRS
that has them already answers 409 instead of storing duplicates.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from .clock import utc
from .privacy import FORGOTTEN, redact
from .records import lineage
from .scenebase import InvalidInput
from .scoring import PASS_MARK
from .store import queries as q
from .store.queries import PHASE_MOVES
from .store.schema import branches, events, messages, notes, people, scene_roles, scenes, scores, sessions
from .vocabulary import COMPETENCIES

if TYPE_CHECKING:
    from .workbench import Workbench

__all__ = ["BASE_VARIABLE", "DEFAULT_BASE", "KINDS", "PASS_MARK", "Attempt", "attempts", "csv_columns",
           "export_store", "statements"]

KINDS = ("csv", "xapi")
DEFAULT_BASE = "https://roleplay-workbench.example/xapi"
BASE_VARIABLE = "ROLEPLAY_XAPI_BASE"
CHUNK = 500  # attempts read per round of queries
VERBS = ("attempted", "completed", "passed", "failed")
ADL_VERB = "http://adlnet.gov/expapi/verbs/"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
PLATFORM = "Roleplay Workbench"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team: str | None = None


@dataclass(frozen=True)
class Attempt:
    """One scored scene, with everything an LMS row or an xAPI statement needs."""

    scene_id: str
    score_id: int
    session_id: str
    session_title: str
    session_team: str | None
    facilitator: Person | None
    agent: Person | None
    observers: tuple[Person, ...]
    card_id: str
    rubric_id: str
    rubric_version: str
    overall: int
    card: dict[str, Any]  # the stored score card
    started_at: datetime
    ended_at: datetime
    scored_at: datetime
    outcome: str | None  # resolved, escalated, abandoned; None when the customer had not ended it
    transcript: tuple[tuple[str, str], ...]  # (speaker, text) of the scored branch, unredacted

    @property
    def passed(self) -> bool:
        return self.overall >= PASS_MARK

    @property
    def seconds(self) -> float:
        return max((self.ended_at - self.started_at).total_seconds(), 0.0)

    def competencies(self) -> dict[str, int]:
        """Each competency area's score (weighted when two criteria share one)."""
        totals: dict[str, list[int]] = {}
        for c in self.card.get("criteria", []):
            pair = totals.setdefault(c["competency"], [0, 0])
            pair[0] += c["score"] * c["weight"]
            pair[1] += c["weight"]
        return {area: round(s / w) for area, (s, w) in totals.items() if w}


# -- reading attempts ------------------------------------------------------------------

def attempts(wb: Workbench, since: date | None = None, until: date | None = None, *,
             include_practice: bool = False) -> Iterator[Attempt]:
    """Every training scene's latest score as an ``Attempt``, oldest scene first;
    ``since``/``until`` (inclusive, UTC days) keep the scenes created in that window, and
    ``include_practice`` adds headless runs and the demo session."""
    latest = q.latest_score_ids()
    query = (select(scores.c.id).join(scenes, scenes.c.id == scores.c.scene_id)
             .where(scores.c.id.in_(latest), q.counted(scores.c.scene_id, include_practice))
             .order_by(scenes.c.created_at, scenes.c.id))
    if since is not None:
        query = query.where(scenes.c.created_at >= datetime.combine(since, time(), timezone.utc))
    if until is not None:
        query = query.where(scenes.c.created_at < datetime.combine(until + timedelta(days=1), time(),
                                                                   timezone.utc))
    with wb.db.read() as conn:
        score_ids = list(conn.execute(query).scalars())
        everyone = {r.id: Person(r.id, r.name, r.team) for r in conn.execute(select(people))}
        for start in range(0, len(score_ids), CHUNK):
            yield from _chunk(conn, score_ids[start:start + CHUNK], everyone)


def _chunk(conn: Connection, score_ids: Sequence[int], everyone: dict[str, Person]) -> Iterator[Attempt]:
    rows = {r.id: r for r in conn.execute(select(scores).where(scores.c.id.in_(score_ids)))}
    ids = [r.scene_id for r in rows.values()]
    scene_rows = {r.id: r for r in conn.execute(select(scenes).where(scenes.c.id.in_(ids)))}
    session_ids = {r.session_id for r in scene_rows.values()}
    session_rows = {r.id: r for r in conn.execute(select(sessions).where(sessions.c.id.in_(session_ids)))}
    roles = _grouped(conn, scene_roles, ids)
    scene_notes = _grouped(conn, notes, ids, order=notes.c.id)
    scene_events = _grouped(conn, events, ids, order=events.c.id,
                            where=events.c.kind.in_((*PHASE_MOVES, "customer")))
    scene_branches = _grouped(conn, branches, ids)
    scene_messages = _grouped(conn, messages, ids, order=messages.c.idx)

    def person(person_id: str | None) -> Person | None:
        if person_id is None:
            return None
        return everyone.get(person_id) or Person(person_id, person_id)

    for score_id in score_ids:
        row = rows[score_id]
        scene, session = scene_rows[row.scene_id], session_rows[scene_rows[row.scene_id].session_id]
        cast = {r.person_id: r.role for r in roles.get(row.scene_id, [])}
        agent = row.person_id or next((p for p, role in cast.items() if role == "agent"), None)
        watching = {p for p, role in cast.items() if role == "observer"}
        watching |= {n.observer for n in _live(scene_notes.get(row.scene_id, []))}
        watching -= {agent, FORGOTTEN}
        lines = _transcript(scene_branches.get(row.scene_id, []), scene_messages.get(row.scene_id, []),
                            row.branch_id)
        started, ended = _span(scene_events.get(row.scene_id, []), utc(scene.created_at), utc(row.scored_at))
        yield Attempt(
            scene_id=row.scene_id, score_id=row.id, session_id=session.id, session_title=session.title,
            session_team=session.team,
            facilitator=person(session.facilitator) if session.facilitator != FORGOTTEN else None,
            agent=person(agent), observers=tuple(p for p in map(person, sorted(watching)) if p),
            card_id=row.card_id, rubric_id=row.rubric_id, rubric_version=row.rubric_version,
            overall=row.overall, card=row.card, started_at=started, ended_at=ended,
            scored_at=utc(row.scored_at), outcome=_outcome(scene_events.get(row.scene_id, []), lines),
            transcript=tuple((m.speaker, m.text) for m in lines))


def _grouped(conn: Connection, table: Any, scene_ids: list[str], *, order: Any = None,
             where: Any = None) -> dict[str, list[Any]]:
    """One query for a chunk of scenes, its rows grouped by scene."""
    query = select(table).where(table.c.scene_id.in_(scene_ids))
    if where is not None:
        query = query.where(where)
    if order is not None:
        query = query.order_by(order)
    out: dict[str, list[Any]] = {}
    for r in conn.execute(query):
        out.setdefault(r.scene_id, []).append(r)
    return out


def _live(rows: list[Any]) -> list[Any]:
    retracted = {r.retracts for r in rows if r.retracts is not None}
    return [r for r in rows if r.retracts is None and r.id not in retracted]


def _transcript(branch_rows: list[Any], message_rows: list[Any], branch_id: str) -> list[Any]:
    """The branch's conversation: inherited lines up to each fork, then its own."""
    by_branch: dict[str, list[Any]] = {}
    for m in message_rows:
        by_branch.setdefault(m.branch_id, []).append(m)
    out: list[Any] = []
    for bid, stop in lineage({b.id: (b.parent_id, b.fork_index) for b in branch_rows}, branch_id):
        out += [m for m in by_branch.get(bid, []) if stop is None or m.idx < stop]
    return out


def _span(event_rows: list[Any], created: datetime, scored: datetime) -> tuple[datetime, datetime]:
    """When the scene started (its first phase move) and ended (its move to ``ended``)."""
    moves = [e for e in event_rows if e.kind in PHASE_MOVES]
    started = utc(moves[0].at) if moves else created
    ending = [e for e in moves if e.payload.get("to") == "ended"]
    ended = utc(ending[-1].at) if ending else utc(moves[-1].at) if moves else scored
    return started, max(ended, started)


def _outcome(event_rows: list[Any], lines: list[Any]) -> str | None:
    """The outcome the customer's last state on the scored branch records."""
    shown = {m.id for m in lines}
    said = [e for e in event_rows if e.kind == "customer" and e.payload.get("message_id") in shown]
    return said[-1].payload.get("state", {}).get("outcome") if said else None


# -- CSV ---------------------------------------------------------------------------------

def csv_columns() -> list[str]:
    return ["attempt", "session", "date", "agent_id", "agent_name", "team", "card_id", "card_title",
            "category", "difficulty", "rubric_id", "rubric_version", "overall", "passed", "outcome",
            *COMPETENCIES, "observers", "transcript"]


def csv_row(attempt: Attempt, wb: Workbench) -> list[Any]:
    card = wb.library.cards.get(attempt.card_id)
    areas = attempt.competencies()
    agent = attempt.agent
    team = (agent.team if agent else None) or attempt.session_team or ""
    return [attempt.scene_id, attempt.session_title, attempt.started_at.date().isoformat(),
            exported_id(agent.id) if agent else "", redact(agent.name) if agent else "", team,
            attempt.card_id,
            card.title if card else "", card.category if card else "", card.difficulty if card else "",
            attempt.rubric_id, attempt.rubric_version, attempt.overall, str(attempt.passed).lower(),
            attempt.outcome or "", *(areas.get(a, "") for a in COMPETENCIES), len(attempt.observers),
            "\n".join(f"{speaker}: {redact(text)}" for speaker, text in attempt.transcript)]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``=cmd|…``) starts with a
    quote instead, the OWASP advice: names, titles and lines are typed by people."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def write_csv(wb: Workbench, stream: IO[str], found: Iterator[Attempt]) -> str:
    writer = csv.writer(stream)
    writer.writerow(csv_columns())
    rows = 0
    for attempt in found:
        writer.writerow([spreadsheet_safe(cell) for cell in csv_row(attempt, wb)])
        rows += 1
    return f"{_count(rows, 'row')} (one per scored attempt)"


# -- xAPI --------------------------------------------------------------------------------

def statements(attempt: Attempt, wb: Workbench, base: str) -> list[dict[str, Any]]:
    """The attempt's three statements: attempted, completed, then passed or failed."""
    if attempt.agent is None:
        raise InvalidInput(f"scene {attempt.scene_id} has no agent: an xAPI statement needs an actor")
    space = uuid.uuid5(uuid.NAMESPACE_URL, base)
    registration = str(uuid.uuid5(space, f"attempt/{attempt.scene_id}"))
    actor, activity = _agent(attempt.agent, base), _card_activity(attempt, wb, base)
    context = _context(attempt, wb, base, registration)
    result = _result(attempt, base)
    verdict = "passed" if attempt.passed else "failed"
    plan = (("attempted", f"{attempt.scene_id}/attempted", attempt.started_at, None),
            ("completed", f"{attempt.scene_id}/{attempt.score_id}/completed", attempt.ended_at, result),
            # a scene scored when its debrief began is judged no earlier than it was completed
            (verdict, f"{attempt.scene_id}/{attempt.score_id}/{verdict}",
             max(attempt.scored_at, attempt.ended_at), result))
    out = []
    for verb, key, at, outcome in plan:
        statement = {"id": str(uuid.uuid5(space, key)), "actor": actor,
                     "verb": {"id": ADL_VERB + verb, "display": {"en-US": verb}}, "object": activity}
        if outcome is not None:
            statement["result"] = outcome
        statement |= {"context": context, "timestamp": _stamp(at), "version": "1.0.3"}
        out.append(statement)
    return out


def _agent(person: Person, base: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": redact(person.name),
            "account": {"homePage": base, "name": exported_id(person.id)}}


def exported_id(person_id: str) -> str:
    """A person's id as exports show it: an id that is an email address (``--agent
    ana.silva@acme.com``) becomes a stable pseudonym, the same on every export."""
    if "@" not in person_id or redact(person_id) == person_id:
        return person_id
    return "person-" + hashlib.sha256(person_id.encode()).hexdigest()[:16]


def _card_activity(attempt: Attempt, wb: Workbench, base: str) -> dict[str, Any]:
    card = wb.library.cards.get(attempt.card_id)
    definition: dict[str, Any] = {"name": {"en-US": card.title if card else attempt.card_id},
                                  "type": SIMULATION}
    if card is not None:
        definition["description"] = {"en-US": card.skill}
        definition["extensions"] = {f"{base}/extensions/category": card.category,
                                    f"{base}/extensions/difficulty": card.difficulty,
                                    f"{base}/extensions/channel": card.channel}
    return {"objectType": "Activity", "id": f"{base}/cards/{attempt.card_id}", "definition": definition}


def _context(attempt: Attempt, wb: Workbench, base: str, registration: str) -> dict[str, Any]:
    rubric = wb.library.rubrics.get(attempt.rubric_id)
    context: dict[str, Any] = {"registration": registration}
    if attempt.facilitator is not None:
        context["instructor"] = _agent(attempt.facilitator, base)
    if attempt.observers:
        context["team"] = {"objectType": "Group", "member": [_agent(p, base) for p in attempt.observers]}
    session = {"objectType": "Activity", "id": f"{base}/sessions/{attempt.session_id}",
               "definition": {"name": {"en-US": attempt.session_title}, "type": MEETING}}
    title = f"{rubric.title if rubric else attempt.rubric_id} ({attempt.rubric_version})"
    rubric_iri = f"{base}/rubrics/{attempt.rubric_id}/{attempt.rubric_version}"
    category = {"objectType": "Activity", "id": rubric_iri, "definition": {"name": {"en-US": title}}}
    context["contextActivities"] = {"parent": [session], "category": [category]}
    return context | {"platform": PLATFORM, "language": "en-US"}


def _result(attempt: Attempt, base: str) -> dict[str, Any]:
    criteria = [{"name": c["name"], "competency": c["competency"], "weight": c["weight"], "score": c["score"],
                 "level": c["level"],
                 "evidence": [{"behaviour": e["behaviour"], "counts": e["counts"], "source": e["source"],
                               "message": e["message"], "quote": redact(e["quote"])}
                              for e in c.get("evidence", [])]}
                for c in attempt.card.get("criteria", [])]
    extensions: dict[str, Any] = {f"{base}/extensions/criteria": criteria,
                                  f"{base}/extensions/competencies": attempt.competencies(),
                                  f"{base}/extensions/scorer-version": attempt.card.get("scorer_version")}
    if attempt.outcome is not None:
        extensions[f"{base}/extensions/outcome"] = attempt.outcome
    score = {"scaled": round(attempt.overall / 100, 4), "raw": attempt.overall, "min": 0, "max": 100}
    return {"score": score, "success": attempt.passed, "completion": True,
            "duration": iso_duration(attempt.seconds), "extensions": extensions}


def iso_duration(seconds: float) -> str:
    """An ISO 8601 duration to the hundredth of a second, as xAPI asks: ``PT4M30S``."""
    hundredths = round(seconds * 100)
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, fraction = divmod(rest, 100)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if whole or fraction or text == "PT":
        text += f"{whole}.{fraction:02d}".rstrip("0").rstrip(".") + "S"
    return text


def _stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_xapi(wb: Workbench, stream: IO[str], found: Iterator[Attempt], base: str) -> str:
    """A JSON array of statements (the body of a POST to an LRS's /statements), streamed."""
    count = done = skipped = 0
    stream.write("[")
    for attempt in found:
        if attempt.agent is None:  # no one to say "attempted": an xAPI statement needs an actor
            skipped += 1
            continue
        for statement in statements(attempt, wb, base):
            stream.write(",\n" if count else "\n")
            stream.write(json.dumps(statement, ensure_ascii=False))
            count += 1
        done += 1
    stream.write("\n]\n")
    without = f" ({skipped} without an agent left out)" if skipped else ""
    return f"{_count(count, 'statement')} for {_count(done, 'attempt')}{without}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# -- the command ---------------------------------------------------------------------------

def export_store(wb: Workbench, kind: str, out: str | None, *, base: str | None = None,
                 since: date | None = None, until: date | None = None, include_practice: bool = False) -> str:
    """Write every scored training attempt (``include_practice``: and the practice and demo
    runs) as ``kind`` (csv or xapi) to ``out`` (None: standard output); return one line
    saying what was written where."""
    if kind not in KINDS:
        raise InvalidInput(f"export kind {kind!r} is not one of {', '.join(KINDS)}")
    base = (base or os.environ.get(BASE_VARIABLE) or DEFAULT_BASE).rstrip("/")
    if "://" not in base or any(c.isspace() for c in base):
        raise InvalidInput(f"xAPI base {base!r} is not an absolute IRI such as {DEFAULT_BASE}")
    if since and until and since > until:
        raise InvalidInput(f"--since {since} is after --until {until}")
    found = attempts(wb, since, until, include_practice=include_practice)
    with _target(out) as stream:
        what = write_csv(wb, stream, found) if kind == "csv" else write_xapi(wb, stream, found, base)
    return f"wrote {what} to {out or 'standard output'}"


@contextmanager
def _target(out: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears whole or not at all."""
    if out is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(out)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(partial, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
