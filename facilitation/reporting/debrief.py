"""The session debrief: one scene, or every scene of a session, as the room played it.

For each scene: who played it and how it went, the transcript of the scored attempt with
the earlier attempts a rewind or restart replaced, the customer's mood turn by turn, the
score card with its evidence, the moments worth replaying, lines to try, what the
observers ticked and quoted beside what the scorer read, and the commitments made.

Only the scenes asked for are read (a handful of small queries each), so the report
costs little more than starting its kernel. Everything a participant typed is redacted
(``facilitation.privacy.redact``) and shown as text, never as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Connection, case, func, select

from ..clock import utc
from ..errors import NotFound, WorkbenchError
from ..library import Library, library_dir, yaml_files
from ..personas import load_personas
from ..privacy import redact
from ..records import Branch, Message, lineage
from ..rubrics import Rubric
from ..store import Database, upgraded
from ..store import queries as q
from ..store.schema import events, messages, people, scene_roles, scenes, scores, sessions
from ..vocabulary import DEFAULT_RUBRIC
from . import display
from .frames import PASS_MARK
from .params import check_refusal

NO_SCORES = "No scored scenes yet: play a scene or load demo data with `roleplay demo-data`."
LAYERS = {"feeling": "How it felt", "strength": "Strength", "adjustment": "Adjustment",
          "commitment": "Commitment"}
REASONS = {"rewind": "rewind", "restart": "restart of the act"}
SCORED = "Scored attempt"
MOOD_FORMAT = {"mood after": "{:+.2f}"}
NOTE_COLUMNS = ["observer", "kind", "note or quote", "on message", "the message", "at"]


# -- shared by the coaching reports ---------------------------------------------------------

def open_store(url: str = "") -> Database:
    """The store a report reads: ``url``, else $ROLEPLAY_DB, else the default file. An empty or
    older store is set up first, so it reads as one without scenes, never as "no such table"."""
    return upgraded(Database(url or None))


def chart_text(text: str) -> str:
    """Text a person typed (a name), safe in a chart: plotly reads a few HTML tags in titles,
    labels and legends, so markup is escaped and shows as typed."""
    return html.escape(str(text), quote=False)


def notice_html(text: str) -> str:
    return f'<p class="rp-notice" style="color:#374151;font-weight:600">{html.escape(text)}</p>'


def show_notice(text: str) -> None:
    """One plain line instead of a section: an empty store, an unknown person or scene."""
    display.show_html(notice_html(text))


def signed(value: float, digits: int = 1) -> str:
    """A mood or change with its sign, and a real minus sign (U+2212) rather than a hyphen."""
    return f"{value:+.{digits}f}".replace("-", "−")


def when(at: datetime | pd.Timestamp | None) -> str:
    return "–" if at is None or pd.isna(at) else f"{pd.Timestamp(at):%a %d %b %Y, %H:%M} UTC"


_LOADED: dict[str, Any] = {}


def cached_library() -> Library:
    """The whole library, read again only when one of its files changes (a batch of reports in
    one kernel reads it once)."""
    folders = [library_dir("card"), library_dir("rubric")]
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in yaml_files(folders))
    if _LOADED.get("stamp") != stamp:
        _LOADED.update(stamp=stamp, library=Library.load())
    return _LOADED["library"]


def light_library(card_ids: Iterable[str]) -> Library:
    """The rubrics and just the named cards (a full load reads every card in the library)."""
    lib = Library(personas=load_personas()[0])
    lib.add_files(yaml_files([library_dir("rubric")]), "rubric")
    paths = [library_dir("card") / f"{cid}.yaml" for cid in set(card_ids)]
    if not all(p.is_file() for p in paths):
        return cached_library()  # a card saved under another file name
    lib.add_files(paths, "card")
    return lib


# -- one scene, read ---------------------------------------------------------------------

@dataclass(frozen=True)
class SceneDebrief:
    """One scene as the debrief shows it; ``card`` is the stored score card (None: unscored)."""

    facts: dict[str, Any]
    transcript: pd.DataFrame  # the scored attempt: number, speaker, text, mood, coach's note
    earlier: list[tuple[str, pd.DataFrame]]  # earlier attempts: (where it forked, its lines)
    mood: pd.DataFrame  # attempt, turn, mood, message
    card: dict[str, Any] | None
    notes: pd.DataFrame
    agreements: pd.DataFrame
    debrief: pd.DataFrame
    rubric: Rubric | None = None
    names: dict[str, str] = field(default_factory=dict)


def find_scenes(db: Database, scene: str = "", session: str = "") -> list[str]:
    """The scenes a debrief covers: one scene (id or a unique start of it), every scene of a
    session (id or join code), or else the latest scored scene."""
    with db.read() as conn:
        if scene:
            found = conn.execute(select(scenes.c.id).where(scenes.c.id.startswith(scene.strip().lower()))
                                 .limit(2)).scalars().all()
            if len(found) != 1:
                raise NotFound(f"no scene {scene!r} in {db.display_url}" if not found else
                               f"{scene!r} starts more than one scene id: give more of it")
            return list(found)
        if session:
            row = conn.execute(select(sessions.c.id).where(
                (sessions.c.id == session) | (sessions.c.code == session.strip().upper()))).first()
            if row is None:
                raise NotFound(f"no session with id or join code {session!r} in {db.display_url}")
            found = conn.execute(select(scenes.c.id).where(scenes.c.session_id == row.id)
                                 .order_by(scenes.c.ordinal)).scalars().all()
            if not found:
                raise NotFound(f"session {session!r} has no scenes yet")
            return list(found)
        latest = conn.execute(select(scores.c.scene_id).limit(1)
                              .order_by(scores.c.scored_at.desc(), scores.c.id.desc())).scalar()
    if latest is None:
        raise NotFound(NO_SCORES)
    return [latest]


def scene_debrief(db: Database, scene_id: str, library: Library | None = None) -> SceneDebrief:
    """Read one scene for its debrief (about ten small queries)."""
    with db.read() as conn:
        row = conn.execute(select(scenes, sessions.c.title.label("session_title"), sessions.c.code,
                                  sessions.c.facilitator)
                           .join(sessions, sessions.c.id == scenes.c.session_id)
                           .where(scenes.c.id == scene_id)).first()
        if row is None:
            raise NotFound(f"no scene {scene_id!r} in {db.display_url}")
        score = conn.execute(select(scores.c.branch_id, scores.c.card, scores.c.overall, scores.c.scored_at)
                             .where(scores.c.scene_id == scene_id)
                             .order_by(scores.c.id.desc()).limit(1)).first()
        branch_map = q.all_branches(conn, scene_id)
        lines = [q.message(r) for r in conn.execute(select(messages).where(messages.c.scene_id == scene_id)
                                                     .order_by(messages.c.id))]
        customer = {p["message_id"]: p["state"] for p in conn.execute(
            select(events.c.payload).where(events.c.scene_id == scene_id, events.c.kind == "customer")
            .order_by(events.c.id)).scalars()}
        started, ended = conn.execute(select(
            func.min(case((events.c.kind == "start", events.c.at))),
            func.max(case((events.c.kind == "end", events.c.at)))).where(events.c.scene_id == scene_id)).one()
        notes = q.live_notes(conn, scene_id)
        roles = dict(conn.execute(select(scene_roles.c.person_id, scene_roles.c.role)
                                  .where(scene_roles.c.scene_id == scene_id)).all())
        entries = q.scene_debrief(conn, scene_id)
        names = _names(conn, {*roles, *(n.observer for n in notes), *(d.person for d in entries),
                              row.facilitator})
    card = score.card if score is not None else None
    library = library or light_library([row.card_id])
    scenario = library.cards.get(row.card_id)
    rubric_id = card["rubric_id"] if card else scenario.rubric if scenario else DEFAULT_RUBRIC
    rubric = library.rubrics.get(rubric_id)
    branch_id = score.branch_id if score is not None else row.branch_id
    shown = _transcript(branch_map, lines, branch_id)
    agent = (card or {}).get("agent") or next((p for p, r in roles.items() if r == "agent"), None)
    observers = sorted({p for p, r in roles.items() if r == "observer"} | {n.observer for n in notes},
                       key=lambda p: names.get(p, p))
    last_customer = next((customer.get(m.id) for m in reversed(shown) if m.speaker == "customer"), None)
    facts = {
        "scene_id": scene_id, "ordinal": row.ordinal, "session_id": row.session_id,
        "session": row.session_title, "code": row.code, "facilitator": names.get(row.facilitator),
        "card_id": row.card_id, "title": scenario.title if scenario else row.card_id,
        "skill": scenario.skill if scenario else None, "engine": row.engine,
        "agent": agent, "agent_name": names.get(agent, agent) if agent else None,
        "observers": [names.get(o, o) for o in observers],
        "date": utc(score.scored_at) if score is not None else utc(started or row.created_at),
        "minutes": round((utc(ended) - utc(started)).total_seconds() / 60, 1) if started and ended else None,
        "overall": score.overall if score is not None else None,
        "passed": (score.overall >= PASS_MARK) if score is not None else None,
        "outcome": (last_customer or {}).get("outcome") or ("unresolved" if last_customer else "–"),
        "rewinds": sum(b.reason == "rewind" for b in branch_map.values()),
        "restarts": sum(b.reason == "restart" for b in branch_map.values()),
        "messages": len(shown),
    }
    return SceneDebrief(
        facts=facts, transcript=_transcript_frame(shown, customer, card, branch_map, branch_id),
        earlier=_earlier_attempts(branch_map, lines, shown, customer),
        mood=_mood(branch_map, lines, shown, customer), card=card,
        notes=_notes_frame(notes, lines, shown, names, rubric),
        # only observers who took notes were watching: a seat nobody opened is no "not ticked"
        agreements=_agreement_frame(card, notes, [o for o in observers if o in {n.observer for n in notes}],
                                    names, rubric),
        debrief=pd.DataFrame([{"layer": d.layer, "person": names.get(d.person, d.person),
                               "text": redact(d.text), "at": d.at} for d in entries],
                             columns=["layer", "person", "text", "at"]),
        rubric=rubric, names=names)


def _names(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = [i for i in ids if i]
    return dict(conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(wanted))).all())


def _lineage(branch_map: Mapping[str, Branch], branch_id: str) -> list[tuple[str, int | None]]:
    return lineage({b.id: (b.parent, b.fork_index) for b in branch_map.values()}, branch_id)


def _transcript(branch_map: Mapping[str, Branch], lines: Sequence[Message], branch_id: str) -> list[Message]:
    """What ``branch_id`` shows: inherited lines up to each fork, then its own (as the store reads it)."""
    out: list[Message] = []
    for bid, stop in _lineage(branch_map, branch_id):
        out += sorted((m for m in lines if m.branch == bid and (stop is None or m.index < stop)),
                      key=lambda m: m.index)
    return out


def _transcript_frame(shown: Sequence[Message], customer: Mapping[int, dict], card: dict | None,
                      branch_map: Mapping[str, Branch], branch_id: str) -> pd.DataFrame:
    coach: dict[int, list[str]] = {}
    for h in (card or {}).get("highlights", []):
        coach.setdefault(h["message"], []).append(("✓ " if h["kind"] == "highlight" else "⚠ ") + h["text"])
    for m in (card or {}).get("missed", []):
        if m.get("message"):
            coach.setdefault(m["message"], []).append("✗ missed the customer's feeling")
    for bid, _stop in _lineage(branch_map, branch_id)[1:]:
        b = branch_map[bid]
        retried = f"↺ retried from here ({REASONS.get(b.reason, b.reason)})"
        coach.setdefault(b.fork_index + 1, []).insert(0, retried)
    rows = [{"#": m.index + 1, "speaker": m.speaker, "message": redact(m.text),
             "mood after": customer.get(m.id, {}).get("mood") if m.speaker == "customer" else None,
             "coach's note": "; ".join(coach.get(m.index + 1, []))} for m in shown]
    return pd.DataFrame(rows, columns=["#", "speaker", "message", "mood after", "coach's note"])


def _replaced(branch_map: Mapping[str, Branch], lines: Sequence[Message], shown: Sequence[Message]
              ) -> list[tuple[str, str, str, list[Message]]]:
    """Each branch with lines the scored attempt does not show: (branch, label, short label, lines)."""
    kept = {m.id for m in shown}
    ordered = sorted(branch_map.values(), key=lambda b: b.created_at)
    children = {b.parent: b for b in ordered}
    out = []
    for branch in ordered:
        hidden = sorted((m for m in lines if m.branch == branch.id and m.id not in kept),
                        key=lambda m: m.index)
        if not hidden:
            continue
        child = children.get(branch.id)
        if child is not None:
            how = REASONS.get(child.reason, child.reason)
            label = (f"Earlier attempt, replaced from message {child.fork_index + 1} by a {how} "
                     f"at {child.created_at:%H:%M:%S} UTC")
            short = f"Before the {how} at message {child.fork_index + 1}"
        else:
            label = short = f"Abandoned attempt ({REASONS.get(branch.reason, branch.reason)})"
        out.append((branch.id, label, short, hidden))
    return out


def _earlier_attempts(branch_map: Mapping[str, Branch], lines: Sequence[Message], shown: Sequence[Message],
                      customer: Mapping[int, dict]) -> list[tuple[str, pd.DataFrame]]:
    """Lines the scored attempt does not show, grouped by the attempt they were said in."""
    return [(label, pd.DataFrame([{"#": m.index + 1, "speaker": m.speaker, "message": redact(m.text),
                                   "mood after": customer.get(m.id, {}).get("mood")
                                   if m.speaker == "customer" else None} for m in hidden],
                                 columns=["#", "speaker", "message", "mood after"]))
            for _bid, label, _short, hidden in _replaced(branch_map, lines, shown)]


def _mood(branch_map: Mapping[str, Branch], lines: Sequence[Message], shown: Sequence[Message],
          customer: Mapping[int, dict]) -> pd.DataFrame:
    """The customer's mood after each of its turns: the scored attempt, then each earlier one."""
    attempts = [(SCORED, shown)] + [(short, _transcript(branch_map, lines, bid))
                                    for bid, _label, short, _hidden in _replaced(branch_map, lines, shown)]
    rows = []
    for label, transcript in attempts:
        customer_lines = [m for m in transcript if m.speaker == "customer"]
        rows += [{"attempt": label, "turn": turn, "mood": customer[m.id]["mood"], "message": m.index + 1}
                 for turn, m in enumerate(customer_lines, start=1) if m.id in customer]
    return pd.DataFrame(rows, columns=["attempt", "turn", "mood", "message"])


def _read(agreement: Mapping[str, Any]) -> str:
    found = agreement["analyser_messages"]
    if not agreement["analyser"]:
        return "not read"
    return f"read at message{'s' if len(found) > 1 else ''} {', '.join(map(str, found))}"


def _item_labels(rubric: Rubric | None) -> dict[str, str]:
    return {i.id: i.label for i in rubric.checklist} if rubric else {}


def _notes_frame(notes: Sequence[Any], lines: Sequence[Message], shown: Sequence[Message],
                 names: Mapping[str, str], rubric: Rubric | None) -> pd.DataFrame:
    number = {m.id: m.index + 1 for m in lines}
    said = {m.id: m.text for m in lines}
    kept = {m.id for m in shown}
    labels = _item_labels(rubric)
    rows = []
    for n in notes:
        if n.kind == "timer":
            what = f"pause of {n.value / 1000:.1f} s" if n.value is not None else ""
        else:
            what = n.text or ""
        on = said.get(n.message_id) if n.message_id else None
        where = ""
        if n.message_id in number:
            where = f"#{number[n.message_id]}" + ("" if n.message_id in kept else " (earlier attempt)")
        rows.append({"observer": names.get(n.observer, n.observer), "kind": labels.get(n.item or "", n.kind),
                     "note or quote": redact(what), "on message": where,
                     "the message": redact(on) if on and n.kind != "quote" else "", "at": f"{n.at:%H:%M:%S}"})
    return pd.DataFrame(rows, columns=NOTE_COLUMNS)


def _agreement_frame(card: dict | None, notes: Sequence[Any], observers: Sequence[str],
                     names: Mapping[str, str], rubric: Rubric | None) -> pd.DataFrame:
    """Per tick item: what the scorer read and what each observer ticked, and whether they agree."""
    if rubric is None:
        return pd.DataFrame()
    analyser = {a["item"]: a for a in (card or {}).get("agreements", [])}
    ticks = {(n.observer, n.item) for n in notes if n.kind == "tick"}
    rows = []
    for item in rubric.checklist:
        if item.kind != "tick":
            continue
        read = analyser.get(item.id)
        row = {"checklist item": item.label, "scorer": "–" if read is None else _read(read)}
        seen = {o: (o, item.id) in ticks for o in observers}
        for o in observers:
            row[names.get(o, o)] = "ticked" if seen[o] else "not ticked"
        off = [names.get(o, o) for o, v in seen.items() if read is not None and v != read["analyser"]]
        if read is None or not observers:
            row["agree?"] = "–"
        elif not off:
            row["agree?"] = "yes"
        elif read["analyser"]:
            row["agree?"] = f"no: not ticked by {', '.join(off)}"
        else:
            row["agree?"] = f"no: ticked by {', '.join(off)}, not read by the scorer"
        rows.append(row)
    return pd.DataFrame(rows)


# -- tables and the chart ------------------------------------------------------------------

def header_table(d: SceneDebrief) -> pd.DataFrame:
    f = d.facts
    return pd.DataFrame([{
        "card": f["title"], "skill practised": f["skill"] or "–", "agent": f["agent_name"] or "–",
        "observers": ", ".join(f["observers"]) or "none", "date": when(f["date"]),
        "session": f"{f['session']} (code {f['code']}), scene {f['ordinal']}",
        "facilitator": f["facilitator"] or "–", "customer": f["engine"]}])


def header_tiles(d: SceneDebrief) -> dict[str, tuple[str, str | None]]:
    f = d.facts
    if f["overall"] is None:
        score = ("not scored", "the scene has not ended, or the agent never spoke")
    else:
        verdict = "passed" if f["passed"] else "not passed"
        score = (f"{f['overall']} / 100", f"{verdict} (pass mark {PASS_MARK})")
    moods = d.mood[d.mood["attempt"] == SCORED]["mood"]
    tiles = {"Overall score": score, "Customer outcome": (str(f["outcome"]), None)}
    if len(moods):
        tiles["Customer mood"] = (f"{signed(moods.iloc[0], 2)} → {signed(moods.iloc[-1], 2)}",
                                  "first → last turn (−1 to +1)")
    retries = f["rewinds"] + f["restarts"]
    note = f"{retries} retr{'y' if retries == 1 else 'ies'} (rewind or restart)"
    if f["minutes"] is not None:
        note += f", {f['minutes']:g} min"
    tiles["Messages"] = (str(f["messages"]), note)
    return tiles


def mood_figure(d: SceneDebrief) -> go.Figure | None:
    """Customer mood after each customer turn; earlier attempts dashed. None: no mood recorded."""
    if d.mood.empty:
        return None
    fig = go.Figure()
    for i, (label, part) in enumerate(d.mood.groupby("attempt", sort=False)):
        scored = label == SCORED
        fig.add_trace(go.Scatter(
            x=part["turn"], y=part["mood"], name=label, mode="lines+markers",
            line={"width": 3 if scored else 2, "dash": "solid" if scored else "dash",
                  "color": display.COLOURS[0] if scored else display.COLOURS[(i + 1) % len(display.COLOURS)]},
            customdata=part["message"],
            hovertemplate="turn %{x}: mood %{y:+.2f}<br>message %{customdata}<extra>" + label + "</extra>"))
    fig.add_hline(y=0, line={"color": display.TARGET_COLOUR, "width": 1, "dash": "dot"})
    fig.update_yaxes(range=[-1.05, 1.05], zeroline=False)
    fig.update_xaxes(dtick=1)
    title = chart_text(f"Customer mood, scene {d.facts['ordinal']}: {d.facts['title']}")
    return display.finish_figure(fig, title,
                                 "Customer turn (number)", "Customer mood (−1 to +1)", height=320)


def criteria_table(d: SceneDebrief) -> pd.DataFrame:
    rows = [{"criterion": c["name"], "area": _area_name(d, c["competency"]), "weight (%)": c["weight"],
             "score (0–100)": c["score"], "level": f"{c['level']} · {c['level_label']}",
             "indicators met": f"{len(c['met'])} of {len(c['met']) + len(c['not_met'])}",
             "how it adds up": c["arithmetic"]} for c in (d.card or {}).get("criteria", [])]
    return pd.DataFrame(rows)


OUTCOME_WORDS = {"resolved": "resolved: the customer was satisfied", "escalated": "escalated by the customer",
                 "abandoned": "abandoned: the customer left"}


def outcome_line(d: SceneDebrief) -> str | None:
    """How the scene ended and where the customer's sentiment went (None: an older score card)."""
    card = d.card or {}
    if "outcome" not in card:
        return None
    ended = OUTCOME_WORDS.get(card["outcome"], "the clock ran out before the customer settled")
    path = card.get("trajectory") or []
    mood = (f"; customer sentiment {path[0]['sentiment']:+.2f} at message {path[0]['message']} → "
            f"{path[-1]['sentiment']:+.2f} at message {path[-1]['message']}") if len(path) >= 2 else ""
    return f"Outcome: {ended}{mood}."


def success_table(d: SceneDebrief) -> pd.DataFrame:
    rows = [{"": "✓" if s["met"] else "✗", "success criterion": s["text"],
             "message": s["messages"][0] if s["messages"] else "–", "what the scorer found": s.get("why", "")}
            for s in (d.card or {}).get("success", [])]
    return pd.DataFrame(rows, columns=["", "success criterion", "message", "what the scorer found"])


def facts_table(d: SceneDebrief) -> pd.DataFrame:
    """The card's facts the agent conveyed, and every statement that contradicted one."""
    card = d.card or {}
    rows = [{"message": f["message"], "": "conveyed", "the agent said": redact(f["quote"]),
             "the card's fact": f["statement"]} for f in card.get("facts", [])]
    rows += [{"message": c["message"], "": "contradicted", "the agent said": redact(c["quote"]),
              "the card's fact": c.get("expected") or "no card fact says so"}
             for c in card.get("contradictions", [])]
    rows.sort(key=lambda r: r["message"])
    return pd.DataFrame(rows, columns=["message", "", "the agent said", "the card's fact"])


def evidence_table(d: SceneDebrief) -> pd.DataFrame:
    """Each piece of evidence once, with the criteria it counted in, in transcript order."""
    found: dict[tuple, list[str]] = {}
    for c in (d.card or {}).get("criteria", []):
        for e in c["evidence"]:
            key = (e["message"] or 0, e["counts"], e["source"], e["quote"], e["why"])
            found.setdefault(key, []).append(c["name"])
    rows = [{"message": number or "–", "counts": counts, "quote": redact(quote),
             "seen by": _source(source, d.names), "why": redact(why), "criteria": ", ".join(criteria)}
            for (number, counts, source, quote, why), criteria in sorted(found.items(), key=_in_order)]
    return pd.DataFrame(rows, columns=["message", "counts", "quote", "seen by", "why", "criteria"])


def _in_order(item: tuple[tuple, list[str]]) -> tuple:
    return item[0][:3]


def _source(source: str, names: Mapping[str, str]) -> str:
    who = source.removeprefix("observer ")
    return "scorer" if source == "analyser" else f"observer {names.get(who, who)}"


def moments_table(d: SceneDebrief) -> pd.DataFrame:
    rows = [{"message": h["message"], "": "highlight" if h["kind"] == "highlight" else "watch out",
             "moment": h["text"], "quote": redact(h["quote"])} for h in (d.card or {}).get("highlights", [])]
    return pd.DataFrame(rows, columns=["message", "", "moment", "quote"])


def missed_table(d: SceneDebrief) -> pd.DataFrame:
    rows = [{"reply": m["message"] or "–", "what was missed": m["text"],
             "the customer had said": redact(m["customer_quote"]) or "–"}
            for m in (d.card or {}).get("missed", [])]
    return pd.DataFrame(rows, columns=["reply", "what was missed", "the customer had said"])


def alternatives_table(d: SceneDebrief) -> pd.DataFrame:
    rows = [{"at message": a["message"] or "anywhere", "instead of": redact(a["instead_of"] or "") or "–",
             "try": a["behaviour"].replace("_", " "), "line to try": redact(a["line"]), "from": a["source"]}
            for a in (d.card or {}).get("alternatives", [])]
    return pd.DataFrame(rows, columns=["at message", "instead of", "try", "line to try", "from"])


def commitments_table(d: SceneDebrief) -> pd.DataFrame:
    found = d.debrief[d.debrief["layer"] == "commitment"]
    return found[["person", "text"]].rename(columns={"text": "commitment"}).reset_index(drop=True)


def debrief_board(d: SceneDebrief) -> pd.DataFrame:
    """The other debrief layers (feelings, strengths, adjustments), in the order they were said."""
    found = d.debrief[d.debrief["layer"] != "commitment"].copy()
    found["layer"] = found["layer"].map(LAYERS).fillna(found["layer"])
    return found[["layer", "person", "text"]].rename(columns={"text": "said"}).reset_index(drop=True)


def _area_name(d: SceneDebrief, competency: str) -> str:
    if d.rubric is None:
        return competency
    return next((a.name for a in d.rubric.competencies if a.id == competency), competency)


def session_summary(debriefs: Sequence[SceneDebrief]) -> pd.DataFrame:
    rows = [{"scene": d.facts["ordinal"], "card": d.facts["title"], "agent": d.facts["agent_name"] or "–",
             "score (0–100)": d.facts["overall"],
             "passed": "–" if d.facts["passed"] is None else ("yes" if d.facts["passed"] else "no"),
             "outcome": d.facts["outcome"], "retries": d.facts["rewinds"] + d.facts["restarts"],
             "observers": len(d.facts["observers"]),
             "commitments": int((d.debrief["layer"] == "commitment").sum()),
             "date": f"{d.facts['date']:%d %b %H:%M}"} for d in debriefs]
    return pd.DataFrame(rows)


# -- the report, as the notebook shows it ---------------------------------------------------------

@dataclass(frozen=True)
class DebriefReport:
    scenes: list[SceneDebrief]
    session: str | None = None  # the session's title when the report covers a whole session


def build(db: Database, scene: str = "", session: str = "") -> DebriefReport:
    ids = find_scenes(db, scene, session)
    with db.read() as conn:
        card_ids = conn.execute(select(scenes.c.card_id).where(scenes.c.id.in_(ids))).scalars().all()
    library = light_library(card_ids)
    found = [scene_debrief(db, i, library) for i in ids]
    played = [d for d in found if d.facts["messages"]] or found
    return DebriefReport(played, found[0].facts["session"] if session else None)


def load(p: Mapping[str, Any]) -> DebriefReport:
    """The report for the notebook's parameters; a store with nothing to show says so in one line."""
    try:
        check_refusal(p)
        report = build(open_store(p.get("db", "")), p.get("scene", ""), p.get("session", ""))
    except WorkbenchError as exc:
        display.show_refusal(str(exc))
        return DebriefReport([])
    if report.session:
        display.heading(f"Session: {report.session}", 2,
                        f"{len(report.scenes)} scene(s) played, join code {report.scenes[0].facts['code']}")
    return report


def show_summary(report: DebriefReport) -> None:
    """For a whole session: its scenes at a glance, before each scene in turn."""
    if report.session and report.scenes:
        display.heading("Scenes in this session", 2)
        display.show_table(session_summary(report.scenes), formats={"score (0–100)": "{:.0f}"})


def show_scenes(report: DebriefReport) -> None:
    for d in report.scenes:
        show_scene(d)


def show_scene(d: SceneDebrief) -> None:
    f = d.facts
    display.heading(f"Scene {f['ordinal']}: {f['title']} — {f['agent_name'] or 'no agent'}", 2)
    display.show_tiles(header_tiles(d))
    display.show_table(header_table(d))
    show_transcript(d)
    show_mood(d)
    show_score_card(d)
    show_moments(d)
    show_observers(d)
    show_commitments(d)


def show_transcript(d: SceneDebrief) -> None:
    display.heading("Transcript", 3, "The scored attempt; lines replaced by a rewind or restart follow it. "
                    "Mood: the customer's mood after the line, from −1 (furious) to +1 (delighted).")
    display.show_table(d.transcript, formats=MOOD_FORMAT, empty="Nothing was said in this scene.")
    for label, frame in d.earlier:
        display.show_table(frame, caption=label, formats=MOOD_FORMAT)


def show_mood(d: SceneDebrief) -> None:
    display.heading("Customer mood", 3)
    fig = mood_figure(d)
    if fig is None:
        show_notice("No mood recorded: a person played the customer, or the customer never spoke.")
    else:
        display.show_figure(fig)


def show_score_card(d: SceneDebrief) -> None:
    versions = None if d.card is None else (
        f"Scorer {d.card['scorer_version']}, rubric {d.card['rubric_id']} {d.card['rubric_version']}. "
        "Every point traces back to the evidence below.")
    display.heading("Score card", 3, versions)
    if d.card is None:
        show_notice("This scene has no score card yet: it is scored when it ends and the agent has spoken.")
        return
    line = outcome_line(d)
    if line is not None:
        show_notice(line)
        display.show_table(success_table(d), caption="Success criteria")
        display.show_table(facts_table(d), caption="The card's facts",
                           empty="The agent conveyed none of the card's facts.")
    display.show_table(criteria_table(d))
    display.show_table(evidence_table(d), caption="Evidence",
                       empty="No evidence: nothing counted for or against.")


def show_moments(d: SceneDebrief) -> None:
    if d.card is None:
        return
    display.heading("Moments to replay", 3)
    display.show_table(moments_table(d), caption="Highlighted moments and watch-outs",
                       empty="No highlighted moments.")
    display.show_table(missed_table(d), caption="Missed opportunities", empty="No missed opportunities.")
    display.show_table(alternatives_table(d), caption="Lines to try", empty="No alternative lines suggested.")


def show_observers(d: SceneDebrief) -> None:
    display.heading("What the observers saw", 3,
                    "Each checklist item as the observers ticked it beside what the scorer read.")
    display.show_table(d.agreements, caption="Observers and scorer, item by item",
                       empty="No checklist items to compare.")
    display.show_table(d.notes, caption="Quotes and notes", empty="The observers left no notes.")


def show_commitments(d: SceneDebrief) -> None:
    display.heading("Commitments", 3)
    display.show_table(commitments_table(d), empty="No commitments were recorded in the debrief.")
    board = debrief_board(d)
    if len(board):
        display.show_table(board, caption="The rest of the debrief")
