"""Agent progress: one person's eight competency areas over time, for their coach.

What a coach asks on a Monday: where is this agent against the team targets, what has
improved since they started, how far is the next certification, are they on track on
their training path, what should they play next, and do the commitments they made in
debriefs show in the scenes that followed?

Certification, the training path and the next card come from ``facilitation.progress``
(the same figures ``roleplay progress`` prints), computed as of the report's end date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import func, select

from ..clock import utc
from ..errors import NotFound, WorkbenchError
from ..library import Library
from ..privacy import redact
from ..progress import (
    AreaProgress,
    CompetencyPoint,
    PathStatus,
    Recommendation,
    WeekStatus,
    area_progress,
    load_training_paths,
    path_status,
    recommend_next,
)
from ..rubrics import Rubric
from ..store import Database
from ..store.queries import counted, latest_score_ids
from ..store.roster import matching_people
from ..store.schema import competency_scores, debrief, enrolments, people, scores
from ..vocabulary import COMPETENCIES, DEFAULT_RUBRIC, DIFFICULTIES
from . import display
from .debrief import NO_SCORES, cached_library, chart_text, open_store, show_notice, when
from .frames import PASS_MARK
from .params import check_refusal, parse_day

PRE_POST = 5  # improvement compares the first five scenes in an area with the last five
FOLLOW_UP = 5  # a commitment is looked for in the next five scenes that score its area
RECOMMENDATIONS = 3
TARGET_DASH = {"color": display.TARGET_COLOUR, "dash": "dash", "width": 1.5}

# Words that tie a commitment, as people write it, to the competency area it works on.
# Each phrase counts 2 when it names the area outright, else 1; "policy" is shared by
# billing and compliance and counts a half for each (the rubric's order breaks a tie).
AREA_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "customer-empathy": (("empath", "feeling", "emotion"),
                         ("feel", "acknowledg", "validat", "reflect", "situation back", "their shoes",
                          "listen")),
    "technical-troubleshooting": (("diagnos", "troubleshoot", "root cause"),
                                  ("already tried", "hypothes", "technical", "reproduc", "error", "fix",
                                   "one test", "evidence")),
    "de-escalation": (("de-escalat", "deescalat", "temperature", "calm"),
                      ("heated", "angry", "choices", "own what went wrong", "apolog", "tone", "control")),
    "billing-knowledge": (("billing", "invoice", "charge", "prorat"),
                          ("refund", "price", "plan change", "renewal")),
    "communication-clarity": (("bottom line", "jargon", "clarity"),
                              ("plain", "short", "concise", "clear", "every reply", "wall of text",
                               "shorter")),
    "product-knowledge": (("feature", "product"),
                          ("achieve", "recommend", "goal", "capabilit", "roadmap")),
    "compliance-awareness": (("compliance", "boundary", "privacy", "gdpr"),
                             ("data", "legal", "right team", "hand over", "handover", "consent")),
    "first-contact-resolution": (("who does what", "first contact", "resolv"),
                                 ("by when", "closing", "close with", "follow-up", "follow up",
                                  "anything else", "confirm")),
}
SHARED_WORDS = {"policy": ("billing-knowledge", "compliance-awareness")}


def commitment_area(text: str, rubric: Rubric | None = None) -> str | None:
    """The competency area a commitment works on, by the words it uses (None: no area named)."""
    lowered = text.lower()
    order = [a.id for a in rubric.competencies] if rubric else list(COMPETENCIES)

    def hits(phrase: str) -> int:
        return len(re.findall(rf"\b{re.escape(phrase)}", lowered))

    score = {area: 2 * sum(hits(w) for w in strong) + sum(hits(w) for w in weak)
             for area, (strong, weak) in AREA_WORDS.items()}
    for word, areas in SHARED_WORDS.items():
        for area in areas:
            score[area] += 0.5 * hits(word)
    best = max(order, key=lambda a: (score.get(a, 0), -order.index(a)))
    return best if score.get(best, 0) > 0 else None


# -- reading one person -----------------------------------------------------------------------

@dataclass(frozen=True)
class PersonReport:
    person: str
    name: str
    team: str | None
    rubric: Rubric
    scenes: pd.DataFrame  # every scored scene they played up to ``until``: scene_id, card, overall, scored_at
    points: pd.DataFrame  # competency points up to ``until``: scene_id, card_id, competency, score, scored_at
    commitments: pd.DataFrame  # scene_id, text, at, reference (when that scene was scored)
    since: datetime | None
    until: datetime | None  # exclusive
    as_of: datetime  # the training path's "now": the end of the period, or today
    areas: list[AreaProgress]  # as of ``until``
    path: PathStatus | None
    recommendations: list[Recommendation]
    library: Library

    @property
    def in_period(self) -> pd.DataFrame:
        return _bounded(self.scenes, self.since, None)

    @property
    def points_in_period(self) -> pd.DataFrame:
        return _bounded(self.points, self.since, None)

    @property
    def period_label(self) -> str:
        if self.since is None and self.until is None:
            return "all scenes"
        start = f"{self.since:%d %b %Y}" if self.since else "the first scene"
        end = f"{self.until - timedelta(days=1):%d %b %Y}" if self.until else "the latest"
        return f"{start} – {end}"


def _bounded(frame: pd.DataFrame, since: datetime | None, until: datetime | None) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if since is not None:
        keep &= frame["scored_at"] >= pd.Timestamp(since)
    if until is not None:
        keep &= frame["scored_at"] < pd.Timestamp(until)
    return frame[keep]


def find_person(db: Database, person: str = "") -> str:
    """A person's id from their id or name (any case); empty: whoever has the most scored scenes."""
    with db.read() as conn:
        if not person:
            row = conn.execute(select(competency_scores.c.person_id)
                               .where(counted(competency_scores.c.scene_id))
                               .group_by(competency_scores.c.person_id)
                               .order_by(func.count(func.distinct(competency_scores.c.scene_id)).desc(),
                                         competency_scores.c.person_id).limit(1)).first()
            if row is None:
                raise NotFound(NO_SCORES)
            return row.person_id
        found = matching_people(conn, person)
        if not found:
            raise NotFound(f"no person {person!r} in {db.display_url}: give a person's id or full name")
        return found[0][0]


def person_report(db: Database, person: str = "", since: str = "", until: str = "",
                  library: Library | None = None, now: datetime | None = None) -> PersonReport:
    """Everything the progress report shows for one person; ``since``/``until`` are dates
    (2026-11-01); the end date is inclusive, and certification is as of it."""
    person_id = find_person(db, person)
    start = parse_day("since", since) if since else None
    end = parse_day("until", until) + timedelta(days=1) if until else None
    library = library or cached_library()
    with db.read() as conn:
        who = conn.execute(select(people).where(people.c.id == person_id)).one()
        points = _frame(conn.execute(_upto(select(
            competency_scores.c.scene_id, competency_scores.c.card_id, competency_scores.c.competency,
            competency_scores.c.score, competency_scores.c.scored_at)
            .where(competency_scores.c.person_id == person_id, counted(competency_scores.c.scene_id))
            .order_by(competency_scores.c.scored_at, competency_scores.c.score_id),
            competency_scores.c.scored_at, end)))
        latest = latest_score_ids(scores.c.person_id == person_id, counted(scores.c.scene_id))
        scenes = _frame(conn.execute(_upto(select(scores.c.scene_id, scores.c.card_id, scores.c.overall,
                                                  scores.c.scored_at)
                                           .where(scores.c.id.in_(latest.scalar_subquery()))
                                           .order_by(scores.c.scored_at), scores.c.scored_at, end)))
        scored = select(scores.c.scene_id, func.max(scores.c.scored_at).label("reference")).group_by(
            scores.c.scene_id).subquery()
        commitments = _frame(conn.execute(_upto(
            select(debrief.c.scene_id, debrief.c.text, debrief.c.at, scored.c.reference)
            .outerjoin(scored, scored.c.scene_id == debrief.c.scene_id)
            .where(debrief.c.person_id == person_id, debrief.c.layer == "commitment")
            .order_by(debrief.c.at, debrief.c.id), debrief.c.at, end)))
        enrolment = conn.execute(select(enrolments).where(enrolments.c.person_id == person_id)
                                 .order_by(enrolments.c.started_at.desc()).limit(1)).first()
    if scenes.empty:
        raise NotFound(f"{who.name} ({person_id}) has no scored training scenes"
                       + (" up to that date" if end else "") + ": play a scene as the agent first")
    rubric = library.rubric(DEFAULT_RUBRIC)
    cards = {cid: c.title for cid, c in library.cards.items()}
    scenes["card"] = scenes["card_id"].map(cards).fillna(scenes["card_id"])
    scenes["difficulty"] = scenes["card_id"].map({cid: c.difficulty for cid, c in library.cards.items()})
    if len(commitments):
        commitments["reference"] = commitments["reference"].fillna(commitments["at"])
    history = [CompetencyPoint(r.scene_id, r.card_id, r.competency, int(r.score), r.scored_at.to_pydatetime())
               for r in points.itertuples()]
    now = now or datetime.now(timezone.utc)
    as_of = min(end, now) if end else now
    path = None
    if enrolment is not None:
        plans = load_training_paths()
        if enrolment.path_id in plans:
            played = sorted(scenes["scored_at"].dt.to_pydatetime())
            path = path_status(plans[enrolment.path_id], played, utc(enrolment.started_at), as_of)
    return PersonReport(
        person=person_id, name=who.name, team=who.team, rubric=rubric, scenes=scenes, points=points,
        commitments=commitments, since=start, until=end, as_of=as_of, areas=area_progress(history, rubric),
        path=path, recommendations=recommendations(history, library, rubric, path), library=library)


def _upto(query: Any, column: Any, end: datetime | None) -> Any:
    return query.where(column < end) if end is not None else query


def _frame(result: Any) -> pd.DataFrame:
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for column in ("scored_at", "at", "reference"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def recommendations(points: Sequence[CompetencyPoint], library: Library, rubric: Rubric,
                    path: PathStatus | None, count: int = RECOMMENDATIONS) -> list[Recommendation]:
    """``recommend_next`` asked ``count`` times: each time without the areas and cards already
    picked, so the list works the weakest areas one card each (then more cards for them)."""
    week = path.week if path and path.current_week <= len(path.weeks) else None
    focus = list(week.focus) if week and week.focus else list(COMPETENCIES)
    difficulties = list(week.difficulties) if week else list(DIFFICULTIES)
    cards = list(library.cards.values())
    out: list[Recommendation] = []
    while len(out) < count:
        picked_areas = {r.competency for r in out}
        open_areas = [a for a in focus if a not in picked_areas] or focus
        bound = WeekStatus(week.week if week else 0, 0, 0, difficulties, open_areas)
        unpicked = [c for c in cards if c.id not in {r.card_id for r in out}]
        pick = recommend_next(points, unpicked, rubric, bound)
        if pick is None:
            break
        out.append(pick)
    return out


# -- tables --------------------------------------------------------------------------------

def area_names(rubric: Rubric) -> dict[str, str]:
    return {a.id: a.name for a in rubric.competencies}


def overview_tiles(r: PersonReport) -> dict[str, tuple[str, str | None]]:
    shown = r.in_period
    certified = [a for a in r.areas if a.certified]
    closest = next_certification(r)
    tiles = {
        "Scenes scored": (str(len(shown)), r.period_label),
        "Average score": (f"{shown['overall'].mean():.0f} / 100" if len(shown) else "–",
                          f"{(shown['overall'] >= PASS_MARK).mean():.0%} passed (pass mark {PASS_MARK})"
                          if len(shown) else None),
        "Certified areas": (f"{len(certified)} of {len(r.areas)}",
                            ", ".join(a.name for a in certified) or "none yet"),
    }
    if closest is not None:
        tiles["Next certification"] = (closest.name, distance(closest))
    if r.path is not None:
        tiles["Training path"] = (f"{r.path.done} of {r.path.target} scenes",
                                  f"{r.path.title}: {'on track' if r.path.on_track else 'behind'} "
                                  f"({r.path.expected_by_now} expected by now)")
    return tiles


def recent_scenes(r: PersonReport, count: int = 5) -> pd.DataFrame:
    latest = r.in_period.tail(count).iloc[::-1]
    return pd.DataFrame({"date": latest["scored_at"].map(when), "card": latest["card"],
                         "difficulty": latest["difficulty"], "score (0–100)": latest["overall"],
                         "passed": (latest["overall"] >= PASS_MARK).map({True: "yes", False: "no"})})


def recent_vs_target(r: PersonReport) -> pd.DataFrame:
    return pd.DataFrame([{"area": a.name, "scenes": a.scenes, "recent average": a.recent_average,
                          "team target": a.team_target,
                          "gap to target": None if a.recent_average is None
                          else a.recent_average - a.team_target,
                          "trend (last 5 vs 5 before)": a.trend} for a in r.areas])


def improvement(r: PersonReport, span: int = PRE_POST) -> pd.DataFrame:
    """Per area, the first ``span`` scenes of the period against its last ``span`` (fewer
    when an area has fewer than twice that many: half of them each side)."""
    names = area_names(r.rubric)
    rows = []
    shown = r.points_in_period
    for area, name in names.items():
        values = shown.loc[shown["competency"] == area, "score"].tolist()
        n = min(span, len(values) // 2)
        if n == 0:
            rows.append({"area": name, "scenes": len(values), "compared": "–", "first": None, "last": None,
                         "change": None})
            continue
        first, last = sum(values[:n]) / n, sum(values[-n:]) / n
        rows.append({"area": name, "scenes": len(values), "compared": f"first {n} vs last {n}",
                     "first": round(first, 1), "last": round(last, 1), "change": round(last - first, 1)})
    return pd.DataFrame(rows, columns=["area", "scenes", "compared", "first", "last", "change"])


def distance(a: AreaProgress) -> str:
    """How far an area is from certification, in scenes and points."""
    if a.certified:
        return f"certified {a.certified_at:%d %b %Y}"
    parts = []
    if a.scenes_to_certify:
        parts.append(f"{a.scenes_to_certify} more scene{'s' if a.scenes_to_certify != 1 else ''}")
    if a.points_to_certify:
        parts.append(f"+{a.points_to_certify:g} points on the {a.window}-scene average")
    return " and ".join(parts) or "at the threshold"


def next_certification(r: PersonReport) -> AreaProgress | None:
    """The uncertified area closest to certifying: fewest scenes to go, then fewest points."""
    open_areas = [a for a in r.areas if not a.certified]
    if not open_areas:
        return None
    return min(open_areas, key=lambda a: (a.scenes_to_certify, a.points_to_certify,
                                          -(a.recent_average or 0)))


def certification_table(r: PersonReport) -> pd.DataFrame:
    return pd.DataFrame([{"area": a.name, "scenes": a.scenes,
                          f"average of last {a.window}": a.recent_average,
                          "certified": "yes" if a.certified else "no",
                          "to certify": distance(a)} for a in r.areas])


def path_table(r: PersonReport) -> pd.DataFrame:
    if r.path is None:
        return pd.DataFrame()
    names = area_names(r.rubric)
    return pd.DataFrame([{"week": w.week, "scenes played": w.done, "target": w.target,
                          "difficulty": ", ".join(w.difficulties),
                          "focus": ", ".join(names.get(f, f) for f in w.focus) or "the weakest areas",
                          "": "◀ this week" if w.week == r.path.current_week else ""}
                         for w in r.path.weeks])


def path_caption(path: PathStatus) -> str:
    weeks = len(path.weeks)
    when_ = (f"week {path.current_week} of {weeks}" if path.current_week <= weeks
             else f"all {weeks} weeks are over")
    state = "on track" if path.on_track else "behind"
    return (f"{path.title} since {path.started:%d %b %Y}: {when_}; {path.done} of {path.target} scenes "
            f"played, {path.expected_by_now} expected by now ({state})")


def recommendation_table(r: PersonReport) -> pd.DataFrame:
    names = area_names(r.rubric)
    return pd.DataFrame([{"card": rec.title, "difficulty": rec.difficulty,
                          "works on": names.get(rec.competency, rec.competency), "why": rec.reason}
                         for rec in r.recommendations])


def commitment_follow_up(r: PersonReport, follow_up: int = FOLLOW_UP, before: int = PRE_POST) -> pd.DataFrame:
    """Each commitment (newest first) with the area it targets and whether the scenes after it
    show it: a later scene shows it when its score in that area beats the average of the
    last ``before`` scenes up to the commitment."""
    names = area_names(r.rubric)
    rows = []
    made = r.commitments
    if r.since is not None and len(made):
        made = made[made["at"] >= pd.Timestamp(r.since)]
    for c in made.itertuples():
        area = commitment_area(c.text, r.rubric)
        row = {"date": f"{c.at:%d %b %Y}", "commitment": redact(c.text), "area": names.get(area, "–"),
               "before": None, "after": None, "shown": "–"}
        if area is not None:
            scored = r.points[r.points["competency"] == area]
            earlier = scored[scored["scored_at"] <= c.reference]["score"].tail(before)
            later = scored[scored["scored_at"] > c.reference]["score"].head(follow_up)
            row["before"] = round(earlier.mean(), 1) if len(earlier) else None
            row["after"] = round(later.mean(), 1) if len(later) else None
            row["shown"] = _shown(earlier, later, names[area])
        else:
            row["shown"] = "no competency area recognised in the wording"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["date", "commitment", "area", "before", "after", "shown"])
    frame = frame.rename(columns={"before": "average before", "after": "average after"})
    return frame.iloc[::-1].reset_index(drop=True)


def _shown(earlier: pd.Series, later: pd.Series, area: str) -> str:
    if later.empty:
        return f"not yet: no later scene has scored {area}"
    if earlier.empty:
        return f"{len(later)} later scene(s); no earlier score to compare with"
    kept = int((later > earlier.mean()).sum())
    return f"shown in {kept} of {len(later)} later scene{'s' if len(later) != 1 else ''}"


# -- figures -------------------------------------------------------------------------------

def areas_figure(r: PersonReport) -> go.Figure:
    """Small multiples: each area's score per scene over time, its running average and the team target."""
    from plotly.subplots import make_subplots

    areas = r.rubric.competencies
    cols, rows = 2, (len(areas) + 1) // 2
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[a.name for a in areas], shared_xaxes=True,
                        vertical_spacing=0.07, horizontal_spacing=0.08)
    shown = r.points_in_period
    for i, area in enumerate(areas):
        row, col = i // cols + 1, i % cols + 1
        part = shown[shown["competency"] == area.id]
        first = i == 0
        if part.empty:
            fig.add_annotation(text="not played in this period", showarrow=False, row=row, col=col,
                               xref="x domain", yref="y domain", x=0.5, y=0.5,
                               font={"color": display.TARGET_COLOUR})
        dates = _iso(part["scored_at"])
        fig.add_trace(go.Scatter(x=dates, y=part["score"], mode="markers",
                                 name="Score in a scene",
                                 marker={"size": 6, "color": display.COLOURS[0], "opacity": 0.45},
                                 legendgroup="score", showlegend=first,
                                 hovertemplate="%{x|%d %b}: %{y}<extra>" + area.name + "</extra>"),
                      row=row, col=col)
        running = part["score"].rolling(5, min_periods=1).mean().round(1)
        fig.add_trace(go.Scatter(x=dates, y=running, mode="lines",
                                 name="Average of the last 5 scenes",
                                 line={"color": display.COLOURS[0], "width": 2.5}, legendgroup="average",
                                 showlegend=first, hoverinfo="skip"), row=row, col=col)
        if len(shown):
            span = _iso(shown["scored_at"].iloc[[0, -1]])
            fig.add_trace(go.Scatter(x=span, y=[area.team_target] * 2, mode="lines",
                                     name="Team target", line=TARGET_DASH, legendgroup="target",
                                     showlegend=first,
                                     hovertemplate=f"target {area.team_target}<extra></extra>"),
                          row=row, col=col)
    fig.update_yaxes(range=[0, 105], dtick=25)
    display.finish_figure(fig, f"{chart_text(r.name)}: the eight competency areas over time", "Date",
                          "Score (0–100)", height=170 * rows + 120)
    fig.update_layout(legend={"orientation": "h", "y": -0.1, "yanchor": "top", "x": 0},
                      margin={"t": 80, "b": 110})
    for i in range(len(areas)):  # axis titles once, on the outer edge
        axis = "" if i == 0 else str(i + 1)
        if i % cols:
            fig.layout[f"yaxis{axis}"].title.text = None
        if i < len(areas) - cols:
            fig.layout[f"xaxis{axis}"].title.text = None
    return fig


def _iso(stamps: pd.Series) -> list[str]:
    """Dates as ISO text: plotly reads them as dates, and the bundle stays plain JSON."""
    return stamps.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()


def target_figure(r: PersonReport) -> go.Figure:
    """Recent average per area (last ten scenes) against the team target."""
    frame = recent_vs_target(r).iloc[::-1]
    frame["area"] = [a if pd.notna(v) else f"{a} (not played)"
                     for a, v in zip(frame["area"], frame["recent average"], strict=True)]
    colours = [display.COLOURS[1] if (v or 0) >= t else display.COLOURS[2]
               for v, t in zip(frame["recent average"], frame["team target"], strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame["recent average"], y=frame["area"], orientation="h", name="Recent average",
                         marker={"color": colours}, text=frame["recent average"].map(
                             lambda v: "" if pd.isna(v) else f"{v:.0f}"),
                         textposition="outside", hovertemplate="%{y}: %{x:.1f}<extra>recent average</extra>"))
    fig.add_trace(go.Scatter(x=frame["team target"], y=frame["area"], mode="markers", name="Team target",
                             marker={"symbol": "line-ns", "size": 22, "line": {"width": 3,
                                                                               "color": "#111827"}},
                             hovertemplate="%{y}: target %{x}<extra></extra>"))
    threshold = r.areas[0].threshold if r.areas else 85
    fig.add_vline(x=threshold, line={"color": display.TARGET_COLOUR, "dash": "dot"},
                  annotation_text=f"certification {threshold}", annotation_position="top")
    fig.update_xaxes(range=[0, 105])
    window = r.areas[0].window if r.areas else 10
    return display.finish_figure(fig, f"Recent average (last {window} scenes per area) against the team "
                                 "target", "Score (0–100)", "Competency area", height=360)


def improvement_figure(r: PersonReport) -> go.Figure | None:
    frame = improvement(r).dropna(subset=["first"]).iloc[::-1]
    if frame.empty:
        return None
    fig = go.Figure()
    for row in frame.itertuples():
        colour = display.COLOURS[1] if row.change >= 0 else display.COLOURS[5]
        fig.add_trace(go.Scatter(x=[row.first, row.last], y=[row.area] * 2, mode="lines",
                                 line={"color": colour, "width": 3}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=frame["first"], y=frame["area"], mode="markers", name="First scenes",
                             marker={"size": 11, "color": "#9ca3af"}, customdata=frame["compared"],
                             hovertemplate="%{y}: %{x:.1f}<extra>%{customdata}</extra>"))
    fig.add_trace(go.Scatter(x=frame["last"], y=frame["area"], mode="markers", name="Last scenes",
                             marker={"size": 11, "color": display.COLOURS[0]}, customdata=frame["compared"],
                             hovertemplate="%{y}: %{x:.1f}<extra>%{customdata}</extra>"))
    fig.update_xaxes(range=[0, 105])
    return display.finish_figure(fig, f"First scenes against last scenes, per area (up to {PRE_POST} each)",
                                 "Average score (0–100)", "Competency area", height=340)


# -- the report, as the notebook shows it ---------------------------------------------------

def load(p: Mapping[str, Any]) -> PersonReport | None:
    """The report for the notebook's parameters; an unknown person or an empty store is one line."""
    try:
        check_refusal(p)
        report = person_report(open_store(p.get("db", "")), p.get("person", ""), p.get("since", ""),
                               p.get("until", ""))
    except WorkbenchError as exc:
        display.show_refusal(str(exc))
        return None
    display.heading(report.name, 2, f"{'Team ' + report.team + ' · ' if report.team else ''}"
                                    f"{report.period_label} · {len(report.in_period)} scored scene(s) · "
                                    f"as of {report.as_of - timedelta(microseconds=1):%d %b %Y}")
    return report


def show_overview(r: PersonReport | None) -> None:
    if r is None:
        return
    display.show_tiles(overview_tiles(r))
    display.show_table(recent_scenes(r), caption="Latest scenes", formats={"score (0–100)": "{:.0f}"})


def show_areas(r: PersonReport | None) -> None:
    if r is None:
        return
    display.heading("Competency areas over time", 2,
                    "Each dot is one scene's score in the area; the line is the average of the last five; "
                    "the dashed line is the team target. Below, bars are green at or above the target.")
    display.show_figure(areas_figure(r))
    display.show_figure(target_figure(r))
    display.show_table(recent_vs_target(r), formats={"recent average": "{:.1f}", "gap to target": "{:+.1f}",
                                                     "trend (last 5 vs 5 before)": "{:+.1f}"})


def show_improvement(r: PersonReport | None) -> None:
    if r is None:
        return
    display.heading("What has improved", 2, f"The first scenes in each area against the latest ones "
                                            f"(up to {PRE_POST} each), in {r.period_label}.")
    fig = improvement_figure(r)
    if fig is None:
        show_notice("Not enough scenes yet to compare first and last: two or more per area are needed.")
        return
    display.show_figure(fig)
    display.show_table(improvement(r), formats={"first": "{:.1f}", "last": "{:.1f}", "change": "{:+.1f}"})


def show_certification(r: PersonReport | None) -> None:
    if r is None:
        return
    a = r.areas[0] if r.areas else None
    display.heading("Certification", 2, a and f"An area is certified once the average of {a.window} "
                                              f"consecutive scenes reaches {a.threshold}.")
    display.show_table(certification_table(r), formats={f"average of last {a.window}": "{:.1f}" if a else ""})


def show_next(r: PersonReport | None) -> None:
    if r is None:
        return
    display.heading("What to play next", 2)
    if r.path is not None:
        display.show_table(path_table(r), caption=path_caption(r.path))
    else:
        show_notice(f"{r.name} is not on a training path.")
    display.show_table(recommendation_table(r), caption="Recommended cards",
                       empty="No card fits: every matching card was played recently.")


def show_commitments(r: PersonReport | None) -> None:
    if r is None:
        return
    display.heading("Commitments and follow-through", 2,
                    f"Each commitment from a debrief, the area it works on, and the next {FOLLOW_UP} scenes "
                    f"that scored that area: a scene shows it when it beats the average of the "
                    f"{PRE_POST} scenes before the commitment.")
    follow = commitment_follow_up(r)
    kept = follow["shown"].str.extract(r"shown in (\d+) of (\d+)").dropna().astype(int)
    if len(kept):
        show_notice(f"{len(kept)} commitment(s) followed by scenes in their area: shown in "
                    f"{kept[0].sum()} of {kept[1].sum()} later scenes ({kept[0].sum() / kept[1].sum():.0%}).")
    display.show_table(follow, formats={"average before": "{:.1f}", "average after": "{:.1f}"},
                       empty="No commitments recorded in debriefs yet.")
