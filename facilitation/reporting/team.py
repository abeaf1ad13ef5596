"""The team dashboard: participation, skills by area, top performers, scenarios and the
new-hire ramp for one team (or all) over one period, against the period before it.

``team_dashboard(frames, period, monthly_target)`` computes everything in one pass over
frames held in memory (groupby and merge, never a loop over scenes), so a dashboard
over ten thousand scenes stays well under a few seconds. Coaching patterns, next month's
focus and the recommendations live in ``insights``; the sections the notebooks show (the
dashboard's and the printable monthly page's) in ``team_pages``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..errors import NotFound, WorkbenchError
from ..library import Library
from ..progress import TrainingPath, load_training_paths, path_status
from ..rubrics import Rubric
from ..store import Database, upgraded
from ..vocabulary import DEFAULT_RUBRIC
from . import display, insights
from .frames import PASS_MARK, Frames, load_frames
from .params import DEFAULT_DAYS, Period, check_refusal, parse_day
from .params import period as report_period

NEW_HIRE_PATH = "new-hire"
DAYS_PER_MONTH = 30  # the monthly target is per 30 days, scaled to the period's length
MIN_SCENES = 5  # top performers: at least this many scenes in the period
MIN_THIRD = 2  # most improved: at least this many scenes in the first and in the last third
MIN_ATTEMPTS = 5  # a card needs this many attempts before it can be called hard to pass
TOP = 5
WHOLE_TEAM = "Whole team"
BEHIND, ON_TARGET = "#ea580c", "#2563eb"


@dataclass(frozen=True)
class TeamDashboard:
    """Everything the team dashboard and the monthly summary show, computed once."""

    period: Period
    team: str | None
    monthly_target: int
    message: str | None = None  # one line instead of the dashboard when there is nothing to show
    refused: bool = False  # the message was already shown as the report's refusal
    threshold: int = 85  # certification: the average over the last ``window`` scenes in an area
    window: int = 10
    headline: pd.DataFrame = field(default_factory=pd.DataFrame)
    people: pd.DataFrame = field(default_factory=pd.DataFrame)
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    certified: pd.DataFrame = field(default_factory=pd.DataFrame)
    top: pd.DataFrame = field(default_factory=pd.DataFrame)
    improved: pd.DataFrame = field(default_factory=pd.DataFrame)
    improvement: pd.DataFrame = field(default_factory=pd.DataFrame)
    cards: pd.DataFrame = field(default_factory=pd.DataFrame)
    hardest: pd.DataFrame = field(default_factory=pd.DataFrame)
    ramp: pd.DataFrame = field(default_factory=pd.DataFrame)
    ramp_weeks: pd.DataFrame = field(default_factory=pd.DataFrame)
    weekly: pd.DataFrame = field(default_factory=pd.DataFrame)
    patterns: pd.DataFrame = field(default_factory=pd.DataFrame)
    focus: insights.Focus | None = None
    recommendations: list[str] = field(default_factory=list)
    figures: dict[str, go.Figure] = field(default_factory=dict)

    @property
    def target(self) -> float:
        """The per-person target for this period: the monthly target scaled to its length."""
        return per_person_target(self.monthly_target, self.period)

    @property
    def scope(self) -> str:
        """"Team Billing" or "All teams", as the page's first words."""
        return f"Team {self.team}" if self.team else "All teams"


# -- loading -------------------------------------------------------------------------

def load(p: Mapping[str, Any], *, library: Library | None = None) -> TeamDashboard:
    """The dashboard for a report's resolved parameters (``db``, ``team``, ``since``, ``until``,
    ``monthly_target``)."""
    try:
        check_refusal(p)
        return load_dashboard(p.get("db", ""), p.get("team", ""), p.get("since", ""), p.get("until", ""),
                              int(p.get("monthly_target", 12)), library=library)
    except WorkbenchError as error:  # a bad date, an unknown team: one line, never a cell's traceback
        display.show_refusal(str(error))
        return TeamDashboard(_period_without_scores("", ""), None, 12, message=str(error), refused=True)


def load_dashboard(db: str = "", team: str = "", since: str = "", until: str = "",
                   monthly_target: int = 12, *, library: Library | None = None) -> TeamDashboard:
    """Open the store, read it once (all history up to the period's end) and compute."""
    library = library or Library.load()
    store = Database(db or None)
    try:
        if store.schema_version() is None:
            return empty_dashboard(_period_without_scores(since, until), team or None, monthly_target)
        period = report_period(upgraded(store), since, until)
        team = known_team(store, team) if team else ""
        frames = load_frames(store, until=period.until, team=team or None, library=library)
    finally:
        store.close()
    return team_dashboard(frames, period, monthly_target, library=library)


def known_team(store: Database, team: str) -> str:
    """The team as the store spells it (any case); an unknown one is refused with the known ones."""
    from sqlalchemy import select, union

    from ..store.schema import people, sessions

    with store.read() as conn:
        names = conn.execute(union(select(sessions.c.team), select(people.c.team))).scalars().all()
    known = sorted({n for n in names if n})
    if not known:  # nothing to tell it from: the dashboard says there is nothing to show
        return team
    found = next((n for n in known if n.lower() == team.strip().lower()), None)
    if found is None:
        raise NotFound(f"no team {team!r} in this store; its teams are {', '.join(known) or 'none yet'}")
    return found


def _period_without_scores(since: str, until: str) -> Period:
    end = (parse_day("until", until) + timedelta(days=1) if until else
           datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1))
    return Period(parse_day("since", since) if since else end - timedelta(days=DEFAULT_DAYS), end)


def empty_dashboard(period: Period, team: str | None, monthly_target: int) -> TeamDashboard:
    where = f" for team {team}" if team else ""
    last = period.until - timedelta(days=1)
    return TeamDashboard(period, team, monthly_target, message=(
        f"No scored scenes{where} between {period.since:%d %b %Y} and {last:%d %b %Y}: "
        "load demo data with `roleplay demo-data`"))


# -- the whole dashboard -----------------------------------------------------------

def team_dashboard(frames: Frames, period: Period, monthly_target: int = 12, *,
                   library: Library | None = None) -> TeamDashboard:
    """Every table and figure of the team dashboard and the monthly summary.

    ``frames`` should reach back before the period: the previous period of the same
    length gives the deltas, and certification reads all the competency history held.
    """
    library = library or Library.load()
    rubric = library.rubric(DEFAULT_RUBRIC)
    previous = period.previous()
    attempts, competency = frames.attempts, frames.competency
    cur, prev = _within(attempts, period), _within(attempts, previous)
    if cur.empty:
        return empty_dashboard(period, frames.team, monthly_target)
    cur_c, prev_c = _within(competency, period), _within(competency, previous)
    names = _names(frames.people, pd.concat([attempts["agent"], frames.roles["person_id"]]
                                            if len(frames.roles) else [attempts["agent"]]))
    certified = certifications(competency, rubric)
    path = load_training_paths().get(NEW_HIRE_PATH)
    ramp, ramp_weeks = new_hire_ramp(attempts, frames.enrolments, names, period, path)
    people = participation(cur, prev, frames.roles, names, period, monthly_target, ramp)
    certified = certified[certified["person"].isin(people["person"])]  # today's trainees only
    areas = skill_areas(cur_c, prev_c, certified, rubric, period)
    cards = card_usage(cur, {p.id: p.name for p in library.personas.values()})
    hardest = hardest_cards(cards)
    patterns = insights.coaching_patterns(cur, cur_c, rubric, library.personas)
    focus = insights.recommended_focus(areas, patterns, cards, library)
    patterns = insights.headline_patterns(patterns)
    dash = TeamDashboard(
        period=period, team=frames.team, monthly_target=monthly_target,
        threshold=rubric.certification.threshold, window=rubric.certification.window,
        headline=headline(cur, prev, certified, period), people=people, areas=areas,
        certified=certified, top=top_performers(cur, names), improved=most_improved(cur, names, period),
        improvement=area_improvement(cur_c, names, rubric, period), cards=cards, hardest=hardest,
        ramp=ramp, ramp_weeks=ramp_weeks, weekly=weekly_scenes(cur, period),
        patterns=patterns, focus=focus)
    figures = {"participation": participation_figure(dash), "weekly": weekly_figure(dash),
               "areas": areas_figure(dash), "improvement": improvement_figure(dash),
               "hardest": hardest_figure(dash), "ramp": ramp_figure(dash)}
    return replace(dash, figures=figures, recommendations=insights.recommendations(dash))


def _within(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    stamps = frame["scored_at"]
    return frame[(stamps >= pd.Timestamp(period.since)) & (stamps < pd.Timestamp(period.until))]


def _names(people: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """Display name per person id; a name two people share gets the id after it."""
    known = people.set_index("id")["name"] if len(people) else pd.Series(dtype=object)
    unique_ids = pd.Index(ids.dropna().unique()).union(known.index)
    named = pd.Series(unique_ids, index=unique_ids).map(known).fillna(pd.Series(unique_ids, index=unique_ids))
    shared = named.duplicated(keep=False)
    named[shared] = named[shared] + " (" + named.index[shared].astype(str) + ")"
    return named


def per_person_target(monthly_target: int, period: Period) -> float:
    return round(monthly_target * period.days / DAYS_PER_MONTH, 1)


def training_hours(attempts: pd.DataFrame) -> float:
    """Scene minutes times the people in the scene (the agent and the observers), in hours."""
    return float((attempts["minutes"].fillna(0) * (1 + attempts["observers"])).sum() / 60)


# -- participation ---------------------------------------------------------------------

def headline(cur: pd.DataFrame, prev: pd.DataFrame, certified: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The headline figures for this period and the one before, with the change."""
    previous = period.previous()

    def figures(frame: pd.DataFrame, span: Period) -> list[float | None]:
        stamps = certified["certified_at"]
        certs = int(((stamps >= pd.Timestamp(span.since)) & (stamps < pd.Timestamp(span.until))).sum()) \
            if len(certified) else 0
        return [frame["agent"].nunique(), len(frame), training_hours(frame),
                frame["passed"].mean() * 100 if len(frame) else None,
                frame["overall"].mean() if len(frame) else None, certs]

    table = pd.DataFrame({"metric": ["Active trainees", "Scenes completed", "Training hours (h)",
                                     "Pass rate (%)", "Average score (0–100)", "Certifications"],
                          "this period": figures(cur, period), "previous period": figures(prev, previous)})
    table["change"] = table["this period"] - table["previous period"]
    return table


def participation(cur: pd.DataFrame, prev: pd.DataFrame, roles: pd.DataFrame, names: pd.Series,
                  period: Period, monthly_target: int, ramp: pd.DataFrame) -> pd.DataFrame:
    """One row per trainee: scenes played against the target, scenes observed, hours, scores.

    Trainees are everyone who played the agent in this period or the one before, or is
    on the new-hire path: someone who stopped shows up with a zero.
    """
    agent_seats = cur[["scene_id", "agent"]].rename(columns={"agent": "person"})
    observer_seats = (roles.loc[(roles["role"] == "observer") & roles["scene_id"].isin(cur["scene_id"]),
                                ["scene_id", "person_id"]].rename(columns={"person_id": "person"})
                      if len(roles) else agent_seats.iloc[:0])
    seats = pd.concat([agent_seats, observer_seats]).drop_duplicates()
    seats["minutes"] = seats["scene_id"].map(cur.set_index("scene_id")["minutes"]).fillna(0)
    played = cur.groupby("agent").agg(scenes=("scene_id", "size"), average=("overall", "mean"),
                                      pass_rate=("passed", "mean"))
    who = (pd.Index(cur["agent"].dropna().unique()).union(prev["agent"].dropna().unique())
           .union(ramp["person"] if len(ramp) else []))
    table = pd.DataFrame(index=who.rename("person")).join(played)
    table["scenes"] = table["scenes"].fillna(0).astype(int)
    table["previous"] = prev.groupby("agent").size().reindex(table.index).fillna(0).astype(int)
    table["observed"] = observer_seats.groupby("person").size().reindex(table.index).fillna(0).astype(int)
    table["hours"] = (seats.groupby("person")["minutes"].sum() / 60).reindex(table.index).fillna(0.0)
    table["pass_rate"] = table["pass_rate"] * 100
    target = per_person_target(monthly_target, period)
    table["target"] = target
    table["of_target"] = table["scenes"] / target * 100 if target else None
    table["name"] = table.index.map(names)
    table = table.reset_index().sort_values(["scenes", "name"], ascending=[False, True], kind="stable")
    return table[["person", "name", "scenes", "previous", "target", "of_target", "observed", "hours",
                  "average", "pass_rate"]].reset_index(drop=True)


def weekly_scenes(cur: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Scenes and active trainees per week of the period (weeks counted from its first day)."""
    week = ((cur["scored_at"] - pd.Timestamp(period.since)) // pd.Timedelta(days=7)).astype(int) + 1
    table = cur.groupby(week).agg(scenes=("scene_id", "size"), trainees=("agent", "nunique"))
    weeks = range(1, -(-period.days // 7) + 1)
    table = table.reindex(weeks, fill_value=0).rename_axis("week").reset_index()
    table["starts"] = [period.since + timedelta(weeks=w - 1) for w in table["week"]]
    table["days"] = [min(7, period.days - 7 * (w - 1)) for w in table["week"]]
    return table


# -- skills -----------------------------------------------------------------------------

def certifications(competency: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Per person and area: scenes, recent average and certification, read exactly as
    ``progress.area_progress`` reads one person's points (a test holds the two together).

    Certified once some run of ``window`` consecutive scenes in the area averages the
    threshold or more; vectorised with running sums, so ten thousand scenes take
    milliseconds rather than a Python loop per window.
    """
    threshold, window = rubric.certification.threshold, rubric.certification.window
    columns = ["person", "competency", "scenes", "recent_average", "certified", "certified_at"]
    points = competency[competency["competency"].isin([a.id for a in rubric.competencies])]
    if points.empty:
        return pd.DataFrame(columns=columns)
    ordered = points.sort_values(["person_id", "competency", "scored_at"], kind="stable")
    keys = [ordered["person_id"], ordered["competency"]]
    total = ordered["score"].astype("int64").groupby(keys).cumsum()
    before = total.groupby(keys).shift(window, fill_value=0)
    position = ordered.groupby(keys).cumcount()
    # The mean of a full window reaches the threshold: compared in whole points, exactly.
    passing = (position >= window - 1) & (total - before >= threshold * window)
    groups = ordered.assign(total=total, before=before, position=position).groupby(
        ["person_id", "competency"], sort=False)
    last = groups.tail(1).set_index(["person_id", "competency"])
    recent = (last["total"] - last["before"]) / (last["position"] + 1).clip(upper=window)
    first_pass = ordered[passing].groupby(["person_id", "competency"])["scored_at"].min()
    table = pd.DataFrame({"scenes": last["position"] + 1, "recent_average": recent.round(1)})
    table["certified_at"] = first_pass.reindex(table.index)
    table["certified"] = table["certified_at"].notna()
    return table.rename_axis(["person", "competency"]).reset_index()[columns]


def skill_areas(cur_c: pd.DataFrame, prev_c: pd.DataFrame, certified: pd.DataFrame, rubric: Rubric,
                period: Period) -> pd.DataFrame:
    """Per competency area: the team's average this period and the one before, against its target."""
    now = cur_c.groupby("competency").agg(average=("score", "mean"), scores=("score", "size"),
                                          agents=("person_id", "nunique"))
    before = prev_c.groupby("competency")["score"].mean().rename("previous")
    third = _third(cur_c["scored_at"], period)
    thirds = cur_c.groupby(["competency", third])["score"].mean().unstack()
    table = pd.DataFrame({"competency": [a.id for a in rubric.competencies],
                          "area": [a.name for a in rubric.competencies],
                          "target": [a.team_target for a in rubric.competencies]}).set_index("competency")
    table = table.join(now).join(before)
    table["change"] = table["average"] - table["previous"]
    table["gap"] = table["average"] - table["target"]
    table["first_third"] = thirds.get(1, pd.Series(dtype=float)).reindex(table.index)
    table["last_third"] = thirds.get(3, pd.Series(dtype=float)).reindex(table.index)
    held = certified[certified["certified"].astype(bool)] if len(certified) else certified
    table["certified"] = held.groupby("competency").size().reindex(table.index).fillna(0).astype(int) \
        if len(held) else 0
    table["scores"] = table["scores"].fillna(0).astype(int)
    table["agents"] = table["agents"].fillna(0).astype(int)
    return table.reset_index()


def _third(stamps: pd.Series, period: Period) -> pd.Series:
    """1, 2 or 3: which third of the period each stamp falls in."""
    share = (stamps - pd.Timestamp(period.since)) / (pd.Timestamp(period.until) - pd.Timestamp(period.since))
    return (share * 3).clip(0, 2.999).astype(int).rename("third") + 1


# -- performers and improvement -----------------------------------------------------------

def top_performers(cur: pd.DataFrame, names: pd.Series, *, min_scenes: int = MIN_SCENES,
                   top: int = TOP) -> pd.DataFrame:
    """The highest average overall scores this period among trainees with enough scenes."""
    table = cur.groupby("agent").agg(scenes=("scene_id", "size"), average=("overall", "mean"),
                                     pass_rate=("passed", "mean"))
    table = table[table["scenes"] >= min_scenes].copy()
    table["pass_rate"] *= 100
    table["name"] = table.index.map(names)
    table = table.rename_axis("person").reset_index()
    return table.sort_values(["average", "scenes"], ascending=[False, False]).head(top)[
        ["person", "name", "scenes", "average", "pass_rate"]].reset_index(drop=True)


def most_improved(cur: pd.DataFrame, names: pd.Series, period: Period, *, min_scenes: int = MIN_THIRD,
                  top: int = TOP) -> pd.DataFrame:
    """The largest rise in average score from the period's first third to its last third."""
    third = _third(cur["scored_at"], period)
    stats = cur.groupby(["agent", third])["overall"].agg(["mean", "size"]).unstack()
    columns = ["person", "name", "first", "last", "change", "scenes"]
    if 1 not in stats["mean"] or 3 not in stats["mean"]:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame({"first": stats["mean"][1], "last": stats["mean"][3],
                          "scenes": stats["size"].sum(axis=1).astype(int)})
    enough = (stats["size"][1] >= min_scenes) & (stats["size"][3] >= min_scenes)
    table = table[enough]
    table["change"] = table["last"] - table["first"]
    table = table[table["change"] > 0]
    table["name"] = table.index.map(names)
    table = table.rename_axis("person").reset_index()
    return table.sort_values("change", ascending=False).head(top)[columns].reset_index(drop=True)


def area_improvement(cur_c: pd.DataFrame, names: pd.Series, rubric: Rubric, period: Period, *,
                     min_scores: int = MIN_THIRD) -> pd.DataFrame:
    """Per trainee and area: the average in the period's first third and in its last third."""
    third = _third(cur_c["scored_at"], period)
    stats = cur_c.groupby(["person_id", "competency", third])["score"].agg(["mean", "size"]).unstack()
    columns = ["person", "name", "competency", "area", "first", "last", "change", "scenes"]
    if stats.empty or 1 not in stats["mean"] or 3 not in stats["mean"]:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame({"first": stats["mean"][1], "last": stats["mean"][3],
                          "scenes": stats["size"].fillna(0).sum(axis=1).astype(int)})
    table = table[(stats["size"][1] >= min_scores) & (stats["size"][3] >= min_scores)]
    table["change"] = table["last"] - table["first"]
    table = table.rename_axis(["person", "competency"]).reset_index()
    table["name"] = table["person"].map(names)
    table["area"] = table["competency"].map({a.id: a.name for a in rubric.competencies})
    return table[columns]


# -- scenarios ----------------------------------------------------------------------------

def card_usage(cur: pd.DataFrame, customers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per scenario card this period: attempts, passes, pass rate and average score;
    ``customers`` names each persona id ("busy-executive" → "Busy executive")."""
    table = cur.groupby("card_id").agg(title=("title", "first"), difficulty=("difficulty", "first"),
                                       persona=("persona", "first"), scenes=("scene_id", "size"),
                                       passed=("passed", "sum"), average=("overall", "mean"))
    table["passed"] = table["passed"].astype(int)
    table["pass_rate"] = table["passed"] / table["scenes"] * 100
    table["customer"] = table["persona"].map(lambda p: (customers or {}).get(p, p))
    table = table.reset_index().sort_values(["scenes", "card_id"], ascending=[False, True])
    return table.reset_index(drop=True)


def hardest_cards(cards: pd.DataFrame, *, min_attempts: int = MIN_ATTEMPTS, top: int = 8) -> pd.DataFrame:
    """The lowest pass rates among cards attempted at least ``min_attempts`` times."""
    enough = cards[cards["scenes"] >= min_attempts]
    return enough.sort_values(["pass_rate", "scenes", "average"], ascending=[True, False, True]).head(
        top).reset_index(drop=True)


# -- new-hire ramp -------------------------------------------------------------------------

def new_hire_ramp(attempts: pd.DataFrame, enrolments: pd.DataFrame, names: pd.Series, period: Period,
                  path: TrainingPath | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everyone on the new-hire path during the period: done against the path's weekly targets.

    Returns one row per hire (behind first) and one row per hire and week.
    """
    columns = ["person", "name", "started", "week", "done", "expected", "target", "short", "status"]
    weeks_columns = ["person", "name", "week", "target", "expected", "done", "current"]
    if path is None or enrolments.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=weeks_columns)
    length = timedelta(weeks=len(path.weeks))
    hires = enrolments[(enrolments["path_id"] == path.id)
                       & (enrolments["started_at"] < pd.Timestamp(period.until))
                       & (enrolments["started_at"] + length > pd.Timestamp(period.since))]
    played = attempts[attempts["agent"].isin(hires["person_id"])].groupby("agent")["scored_at"]
    stamps = {person: list(group.dt.to_pydatetime()) for person, group in played}
    rows, weeks = [], []
    for person, started in zip(hires["person_id"], hires["started_at"].dt.to_pydatetime(), strict=True):
        status = path_status(path, stamps.get(person, []), started, period.until)
        short = max(0, status.expected_by_now - status.done)
        finished = status.current_week > len(path.weeks)
        rows.append((person, names.get(person, person), started, "finished" if finished else
                     f"{status.current_week} of {len(path.weeks)}", status.done, status.expected_by_now,
                     status.target, short, "on track" if status.on_track else f"behind by {short}"))
        # The current week is expected pro rata (what path_status counts as expected by now).
        so_far = status.expected_by_now - sum(w.target for w in status.weeks[:status.current_week - 1])
        weeks += [(person, names.get(person, person), w.week, w.target,
                   so_far if w.week == status.current_week else w.target, w.done,
                   w.week == status.current_week) for w in status.weeks if w.week <= status.current_week]
    ramp = pd.DataFrame(rows, columns=columns).sort_values(["short", "name"], ascending=[False, True])
    return ramp.reset_index(drop=True), pd.DataFrame(weeks, columns=weeks_columns)


# -- figures ----------------------------------------------------------------------------

def _label(text: str) -> str:
    """A name as a chart label: plotly reads labels as HTML (so < and & are escaped), but
    draws &quot; as typed, so quotes stay quotes."""
    return html.escape(text, quote=False)


def participation_figure(dash: TeamDashboard) -> go.Figure:
    """Scenes per trainee as bars, the period's per-person target as a line."""
    people = dash.people
    labels = people["name"].map(_label)
    below = people["scenes"] < dash.target
    fig = go.Figure()
    for mask, name, colour in ((~below, "At or above target", ON_TARGET), (below, "Below target", BEHIND)):
        fig.add_bar(y=labels[mask], x=people.loc[mask, "scenes"], orientation="h", name=name,
                    marker_color=colour, customdata=people.loc[mask, ["hours", "observed"]],
                    hovertemplate="%{y}: %{x} scenes, %{customdata[0]:.1f} h incl. %{customdata[1]} "
                                  "observed<extra></extra>")
    fig.add_scatter(x=[dash.target, dash.target], y=[labels.iloc[0], labels.iloc[-1]], mode="lines",
                    line={"color": display.TARGET_COLOUR, "dash": "dash", "width": 2},
                    name=f"Target: {dash.target:g} scenes in {dash.period.days} days", hoverinfo="skip")
    fig.update_yaxes(categoryorder="array", categoryarray=list(labels[::-1]), automargin=True)
    display.finish_figure(fig, f"Scenes completed per trainee, {dash.period.label}",
                          "Scenes completed (count)", "Trainee", height=max(260, 16 * len(people) + 160))
    fig.update_layout(barmode="overlay", bargap=0.25, margin={"t": 84},
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom"})
    return fig


def weekly_figure(dash: TeamDashboard) -> go.Figure:
    weekly = dash.weekly
    labels = [f"Week {w}<br>{s:%d %b}" + (f" ({d} days)" if d < 7 else "")
              for w, s, d in zip(weekly["week"], weekly["starts"], weekly["days"], strict=True)]
    fig = go.Figure(go.Bar(x=labels, y=weekly["scenes"], marker_color=ON_TARGET, name="Scenes",
                           text=weekly["scenes"], textposition="outside", cliponaxis=False,
                           customdata=weekly["trainees"],
                           hovertemplate="%{x}: %{y} scenes by %{customdata} trainees<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")
    return display.finish_figure(fig, "Scenes completed per week", "Week of the period (first day)",
                                 "Scenes completed (count)", height=280)


def areas_figure(dash: TeamDashboard) -> go.Figure:
    """Team average per area this period, the period before, and the area's target."""
    areas = dash.areas
    fig = go.Figure()
    fig.add_bar(y=areas["area"], x=areas["average"].round(1), orientation="h", name="This period",
                marker_color=[BEHIND if g < 0 else ON_TARGET for g in areas["gap"].fillna(0)],
                text=areas["average"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}"), textposition="inside",
                hovertemplate="%{y}: %{x:.1f} this period<extra></extra>")
    if areas["previous"].notna().any():
        fig.add_scatter(y=areas["area"], x=areas["previous"].round(1), mode="markers", name="Previous period",
                        marker={"symbol": "circle-open", "size": 10, "color": "#111827",
                                "line": {"width": 2}},
                        hovertemplate="%{y}: %{x:.1f} the period before<extra></extra>")
    fig.add_scatter(y=areas["area"], x=areas["target"], mode="markers", name="Team target",
                    marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#111827"}},
                    hovertemplate="%{y}: target %{x}<extra></extra>")
    fig.update_xaxes(range=[0, 100], dtick=20)
    fig.update_yaxes(autorange="reversed", automargin=True)
    display.finish_figure(fig, "Team average by competency area vs target (orange: below target)",
                          "Average score (0–100)", "Competency area", height=400)
    fig.update_layout(margin={"r": 36}, legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1,
                                                 "yanchor": "bottom"})
    return fig


def improvement_figure(dash: TeamDashboard) -> go.Figure:
    """Change per trainee and area from the period's first third to its last."""
    change = dash.improvement.pivot_table(index="name", columns="area", values="change")
    order = [a for a in dash.areas["area"] if a in change.columns]
    change = change.reindex(columns=order)
    change = change.loc[change.mean(axis=1).sort_values(ascending=False).index]
    team = (dash.areas.set_index("area")["last_third"] - dash.areas.set_index("area")["first_third"])
    change = pd.concat([team.reindex(change.columns).to_frame(WHOLE_TEAM).T, change])
    text = change.map(lambda v: "" if pd.isna(v) else f"{v:+.0f}")
    labels = [f"<b>{n}</b>" if n == WHOLE_TEAM else _label(n) for n in change.index]
    fig = go.Figure(go.Heatmap(
        z=change.to_numpy(), x=[a.replace(" ", "<br>", 1) for a in change.columns], y=labels,
        text=text.to_numpy(), texttemplate="%{text}", zmid=0, zmin=-30, zmax=30,
        colorscale=[[0, "#dc2626"], [0.5, "#f9fafb"], [1, "#16a34a"]],
        colorbar={"title": {"text": "Change (points)"}},
        hovertemplate="%{y}, %{x}: %{z:+.1f} points<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    height = max(300, 20 * len(change) + 190)
    return display.finish_figure(fig, "Improvement by area: last third of the period vs the first third "
                                 f"(at least {MIN_THIRD} scores in each)", "Competency area", "Trainee",
                                 height=height)


def hardest_figure(dash: TeamDashboard) -> go.Figure:
    hardest = dash.hardest
    labels = hardest["title"].map(_label)
    fig = go.Figure(go.Bar(
        y=labels, x=hardest["pass_rate"].round(0), orientation="h", marker_color=BEHIND,
        text=[f"{p:.0f}% of {n}" for p, n in zip(hardest["pass_rate"], hardest["scenes"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.0f}% passed<extra></extra>"))
    fig.update_xaxes(range=[0, 110])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return display.finish_figure(fig, f"Hardest cards to pass (at least {MIN_ATTEMPTS} attempts, pass mark "
                                 f"{PASS_MARK})", "Pass rate (%)", "Scenario card",
                                 height=max(220, 30 * len(hardest) + 120))


def ramp_figure(dash: TeamDashboard) -> go.Figure:
    """Each new hire's scenes per week of their path against what was due (the current week pro rata)."""
    weeks = dash.ramp_weeks.copy()
    weeks["label"] = [f"{done}/{target}" + (" so far" if current else "") for done, target, current
                      in zip(weeks["done"], weeks["target"], weeks["current"], strict=True)]
    weeks["share"] = (weeks["done"] / weeks["expected"].where(weeks["expected"] > 0)).fillna(1).clip(upper=1)
    order = [n for n in dash.ramp["name"] if n in set(weeks["name"])]
    share = weeks.pivot(index="name", columns="week", values="share").reindex(order)
    text = weeks.pivot(index="name", columns="week", values="label").reindex(order).fillna("")
    fig = go.Figure(go.Heatmap(
        z=share.to_numpy(), x=[f"Week {w}" for w in share.columns],
        y=[_label(n) for n in share.index],
        text=text.to_numpy(), texttemplate="%{text}", zmin=0, zmax=1,
        colorscale=[[0, "#fb923c"], [0.99, "#fef3c7"], [1, "#bfdbfe"]], showscale=False,
        hovertemplate="%{y}, %{x}: %{text} scenes<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return display.finish_figure(fig, "New-hire path: scenes done per week vs the week's target "
                                 "(blue: met; orange: behind)",
                                 "Week of training", "New hire", height=max(240, 28 * len(share) + 140))
