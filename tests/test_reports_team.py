"""The team dashboard and the monthly summary, as a support lead reads them.

Most tests build frames in memory (a known team, a planted pattern) and call the pure
functions; one builds a store scene by scene through the façade to check counts and
hours end to end; the notebook tests execute both reports with papermill.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from jupyter_client.session import json_packer
from plotly.utils import PlotlyJSONEncoder

from facilitation import Library
from facilitation.clock import FakeClock
from facilitation.progress import CompetencyPoint, area_progress
from facilitation.reporting import display, insights, team_pages
from facilitation.reporting import team as team_report
from facilitation.reporting.frames import ATTEMPT_COLUMNS, PASS_MARK, Frames
from facilitation.reporting.params import Period
from facilitation.workbench import Workbench

ROOT = Path(__file__).resolve().parents[1]
END = datetime(2026, 11, 1, tzinfo=timezone.utc)
MONTH = Period(END - timedelta(days=30), END)
MARKUP = "<script>alert('x')</script> & <b>Bo</b>"
KIND_LINES = ["I'm so sorry, that sounds really stressful. Let me look into it right now.",
              "Here is what happened and what I can do: option one or option two. Which suits you?",
              "I'll email you the confirmation by 5pm today, and you can reply to me directly."]


# -- frames in memory -------------------------------------------------------------------

def synthetic_frames(library: Library, *, scenes: int = 600, agents: int = 12, days: int = 60,
                     seed: int = 1, plant: tuple[str, str, float] | None = None,
                     names: dict[int, str] | None = None) -> Frames:
    """A team's scored scenes over ``days`` ending at END, with realistic cards and scores.

    ``plant`` = (persona, area, points): that area scores lower with that customer.
    """
    rng = np.random.default_rng(seed)
    cards = list(library.cards.values())
    ids = [f"p{i:03d}" for i in range(agents)]
    named = [(names or {}).get(i, f"Trainee {i:02d}") for i in range(agents)]
    people = pd.DataFrame({"id": ids, "name": named,
                           "team": "Billing", "created_at": pd.Timestamp(END - timedelta(days=days + 30))})
    card, agent = rng.integers(len(cards), size=scenes), rng.integers(agents, size=scenes)
    ago = pd.to_timedelta(np.sort(rng.uniform(0.001, days, scenes))[::-1], unit="D")
    stamps = (pd.Timestamp(END) - ago).floor("s")
    minutes, observers = rng.uniform(3, 9, scenes).round(1), rng.integers(0, 3, size=scenes)
    facts = pd.DataFrame([(c.id, c.title, c.category, c.difficulty, c.persona, c.channel) for c in cards],
                         columns=["card_id", "title", "category", "difficulty", "persona", "channel"])
    attempts = facts.iloc[card].reset_index(drop=True).assign(
        scene_id=[f"s{i:05d}" for i in range(scenes)], session_id="sess", session="Practice", team="Billing",
        facilitator="coach", agent=np.array(ids)[agent], agent_name=people["name"].to_numpy()[agent],
        engine="embedded", scored_at=stamps, ended_at=stamps,
        started_at=stamps - pd.to_timedelta(minutes, unit="m"), minutes=minutes, outcome="resolved",
        success_met=1, success_total=2, missed=rng.poisson(1.0, scenes), observers=observers, overtime=False,
        reply_seconds=rng.uniform(4, 20, scenes).round(1))
    areas = pd.DataFrame([(c.id, cr.competency) for c in cards for cr in c.criteria],
                         columns=["card_id", "competency"]).drop_duplicates()
    points = attempts[["scene_id", "agent", "card_id", "scored_at", "persona"]].merge(areas, on="card_id")
    skill = rng.normal(70, 6, agents)
    score = skill[pd.Index(ids).get_indexer(points["agent"])] + rng.normal(0, 9, len(points))
    if plant:
        persona, area, points_lower = plant
        score -= np.where((points["persona"] == persona) & (points["competency"] == area), points_lower, 0)
    points["score"] = score.clip(0, 100).round().astype(int)
    overall = points.groupby("scene_id")["score"].mean().round()
    attempts["overall"] = attempts["scene_id"].map(overall).fillna(60).astype(int)
    attempts["passed"] = attempts["overall"] >= PASS_MARK
    competency = points.rename(columns={"agent": "person_id"})[
        ["scene_id", "person_id", "card_id", "competency", "score", "scored_at"]]
    watchers = [attempts.loc[observers > k, ["scene_id"]].assign(
        person_id=np.array(ids)[(agent[observers > k] + k + 1) % agents], role="observer") for k in (0, 1)]
    roles = pd.concat([attempts[["scene_id"]].assign(person_id=attempts["agent"], role="agent"), *watchers],
                      ignore_index=True)
    empty = pd.DataFrame(columns=["person_id", "path_id", "started_at"])
    return Frames(people, pd.DataFrame(columns=["id", "title", "facilitator", "team"]),
                  attempts[ATTEMPT_COLUMNS], competency, roles,
                  pd.DataFrame(columns=["scene_id", "person_id", "layer", "text", "at"]), empty,
                  None, END, None)


@pytest.fixture(scope="module")
def frames(library: Library) -> Frames:
    return synthetic_frames(library)


@pytest.fixture(scope="module")
def dash(frames: Frames, library: Library) -> team_report.TeamDashboard:
    return team_report.team_dashboard(frames, MONTH, 12, library=library)


def _html(parts: list) -> str:
    return "\n".join(display.figure_bundle(p)["text/html"] if isinstance(p, go.Figure) else p for p in parts)


# -- participation ------------------------------------------------------------------------

def test_the_target_line_scales_with_the_length_of_the_period(frames: Frames, library: Library) -> None:
    fortnight = Period(END - timedelta(days=15), END)
    for period, expected in ((MONTH, 12), (fortnight, 6)):
        dash = team_report.team_dashboard(frames, period, 12, library=library)
        line = next(t for t in dash.figures["participation"].data if t.type == "scatter")
        assert list(line.x) == [expected, expected]
        assert line.name == f"Target: {expected} scenes in {period.days} days"
        assert set(dash.people["target"]) == {expected}
    fig = dash.figures["participation"]
    assert fig.layout.xaxis.title.text == "Scenes completed (count)"


def test_headline_compares_this_period_with_the_one_before(dash: team_report.TeamDashboard,
                                                           frames: Frames) -> None:
    this = frames.attempts[frames.attempts["scored_at"] >= pd.Timestamp(MONTH.since)]
    before = frames.attempts[frames.attempts["scored_at"] < pd.Timestamp(MONTH.since)]
    row = dash.headline.set_index("metric").loc["Scenes completed"]
    assert (row["this period"], row["previous period"]) == (len(this), len(before))
    assert row["change"] == len(this) - len(before)
    assert dash.people["scenes"].sum() == len(this)


# -- skills -------------------------------------------------------------------------------------

def test_certification_reads_history_exactly_as_the_progress_report_does(frames: Frames,
                                                                       library: Library) -> None:
    rubric = library.rubric("support-core")
    competency = frames.competency.copy()
    strong = competency["person_id"].isin(["p003", "p007"])  # two trainees who do certify
    competency.loc[strong, "score"] = (competency.loc[strong, "score"] + 22).clip(upper=100)
    table = team_report.certifications(competency, rubric).set_index(["person", "competency"])
    assert table["certified"].sum() > 0
    for person, points in competency.groupby("person_id"):
        expected = area_progress([CompetencyPoint(r.scene_id, r.card_id, r.competency, int(r.score),
                                                  r.scored_at.to_pydatetime()) for r in points.itertuples()],
                                 rubric)
        for area in expected:
            if area.scenes:
                row = table.loc[(person, area.competency)]
                assert (row["scenes"], row["recent_average"], row["certified"]) == (
                    area.scenes, area.recent_average, area.certified)
                if area.certified:
                    assert row["certified_at"] == pd.Timestamp(area.certified_at)


# -- scenarios ------------------------------------------------------------------------------

def test_a_card_nobody_passes_tops_hardest_to_pass_only_once_it_has_the_minimum_attempts(
        frames: Frames, library: Library) -> None:
    card = "activity-history-past-retention"
    this = frames.attempts[(frames.attempts["scored_at"] >= pd.Timestamp(MONTH.since))]
    others = frames.attempts[frames.attempts["card_id"] != card]
    for attempts_of_card, on_top in ((team_report.MIN_ATTEMPTS - 1, False), (team_report.MIN_ATTEMPTS, True)):
        failing = this[this["card_id"] != card].head(attempts_of_card).assign(
            card_id=card, title="The History That's Gone", overall=20, passed=False)
        attempts = pd.concat([others[~others["scene_id"].isin(failing["scene_id"])], failing])
        dash = team_report.team_dashboard(replace(frames, attempts=attempts), MONTH, 12, library=library)
        assert (dash.hardest.iloc[0]["card_id"] == card) is on_top
        assert (card in set(dash.hardest["card_id"])) is on_top
        if on_top:
            assert dash.hardest.iloc[0]["pass_rate"] == 0
            assert "0% of 5" in _html(team_pages.scenarios_parts(dash))


# -- new hires ----------------------------------------------------------------------------

def test_a_new_hire_behind_the_paths_weekly_targets_is_flagged(frames: Frames, library: Library) -> None:
    # Two weeks into the path: 10 scenes expected. p000 played plenty, p001 played two.
    started = pd.Timestamp(END - timedelta(days=14))
    enrolments = pd.DataFrame({"person_id": ["p000", "p001", "p002"], "path_id": "new-hire",
                               "started_at": [started, started, pd.Timestamp(END - timedelta(days=3))]})
    attempts = frames.attempts[(frames.attempts["agent"] != "p001") |
                               (frames.attempts["scored_at"] < started)]
    late = frames.attempts[frames.attempts["agent"] == "p001"].tail(2).assign(
        scored_at=[started + timedelta(days=1), started + timedelta(days=2)])
    attempts = pd.concat([attempts[~attempts["scene_id"].isin(late["scene_id"])], late])
    busy = attempts.index[(attempts["scored_at"] >= started) & (attempts["agent"] != "p001")][:12]
    attempts.loc[busy, "agent"] = "p000"
    dash = team_report.team_dashboard(replace(frames, attempts=attempts, enrolments=enrolments), MONTH, 12,
                                      library=library)
    ramp = dash.ramp.set_index("person")
    assert ramp.loc["p001", "status"] == "behind by 8" and ramp.loc["p001", "done"] == 2
    assert ramp.loc["p000", "status"] == "on track"
    assert dash.ramp.iloc[0]["person"] == "p001"  # behind first
    weeks = dash.ramp_weeks[dash.ramp_weeks["person"] == "p001"]
    assert list(weeks["target"]) == [5, 5, 5] and list(weeks["done"]) == [2, 0, 0]  # week 3 starts now
    page = _html(team_pages.ramp_parts(dash))
    assert "Needs attention: Trainee 01." in page
    assert any("Trainee 01 is behind on the new-hire path" in r for r in dash.recommendations)
    assert dash.figures["ramp"].layout.xaxis.title.text == "Week of training"
    assert dash.ramp_weeks[dash.ramp_weeks["person"] == "p002"]["week"].tolist() == [1]
    for fig in dash.figures.values():  # the weeks p002 has not reached yet stay blank, not NaN
        json_packer(display.figure_bundle(fig))  # what the kernel does to every display


# -- coaching insights ------------------------------------------------------------------------

def test_an_insight_appears_for_a_planted_pattern_and_not_when_there_is_none(library: Library) -> None:
    planted = synthetic_frames(library, scenes=900, plant=("busy-executive", "customer-empathy", 20))
    dash = team_report.team_dashboard(planted, MONTH, 12, library=library)
    first = dash.patterns.iloc[0]
    assert (first["competency"], first["kind"], first["value"]) == ("customer-empathy", "persona",
                                                                   "busy-executive")
    assert first["sentence"].startswith("Customer empathy averages ")
    assert "when the customer is a busy executive vs " in first["sentence"]
    assert f"(n={first['n_with']} scenes" in first["sentence"]
    assert first["mean_without"] - first["mean_with"] > 15
    assert "Customer empathy averages" in _html(team_pages.coaching_parts(dash))

    plain = synthetic_frames(library, scenes=900)
    patterns = insights.coaching_patterns(_this_month(plain.attempts), _this_month(plain.competency),
                                          library.rubric("support-core"), library.personas)
    assert patterns.empty


def _this_month(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["scored_at"] >= pd.Timestamp(MONTH.since)]


def test_the_focus_is_the_area_furthest_below_target_with_cards_that_train_it(library: Library) -> None:
    planted = synthetic_frames(library, scenes=900, plant=("busy-executive", "customer-empathy", 45))
    competency = planted.competency.copy()
    competency.loc[competency["competency"] == "compliance-awareness", "score"] = 95  # near its target of 90
    dash = team_report.team_dashboard(replace(planted, competency=competency), MONTH, 12, library=library)
    weakest = dash.areas.sort_values("gap").iloc[0]
    assert dash.focus is not None and dash.focus.area == weakest["area"] == "Customer empathy"
    assert dash.focus.pattern and "busy executive" in dash.focus.pattern
    cards = [library.card(c) for c in dash.focus.cards["card_id"]]
    assert cards and all(any(cr.competency == "customer-empathy" for cr in c.criteria) for c in cards)
    assert cards[0].persona == "busy-executive"  # the pattern's customer first


# -- the monthly summary ---------------------------------------------------------------------

def test_the_monthly_summarys_recommendations_name_the_weakest_area(dash: team_report.TeamDashboard) -> None:
    weakest = dash.areas.sort_values("gap").iloc[0]["area"]
    assert 3 <= len(dash.recommendations) <= 5
    assert weakest in dash.recommendations[0]
    page = _html(team_pages.summary_recommendations_parts(dash))
    assert "<ol" in page and weakest in page
    header = _html(team_pages.summary_header_parts(dash))
    assert "@media print" in header and "size: A4 portrait" in header
    assert "Certifications" in header and "Training hours" in header


# -- escaping and empty periods ----------------------------------------------------------------

def test_names_with_markup_stay_escaped(library: Library) -> None:
    frames = synthetic_frames(library, names={0: MARKUP})
    started = pd.Timestamp(END - timedelta(days=14))
    frames = replace(frames, enrolments=pd.DataFrame({"person_id": ["p000"], "path_id": "new-hire",
                                                      "started_at": [started]}))
    dash = team_report.team_dashboard(frames, MONTH, 40, library=library)
    sections = (team_pages.participation_parts, team_pages.performers_parts, team_pages.ramp_parts,
                team_pages.summary_participation_parts, team_pages.summary_ramp_parts,
                team_pages.summary_recommendations_parts)
    page = "\n".join(_html(section(dash)) for section in sections)
    assert MARKUP not in page and "<script>alert" not in page and "<b>Bo" not in page
    assert "&lt;script&gt;alert(" in page
    figures = json.dumps([f.to_plotly_json() for f in dash.figures.values()], cls=PlotlyJSONEncoder)
    assert "<script>" not in figures and "&lt;script&gt;" in figures


def test_an_empty_period_gives_one_line_not_a_traceback(frames: Frames, library: Library,
                                                        tmp_path: Path) -> None:
    quiet = Period(END + timedelta(days=30), END + timedelta(days=60))
    dash = team_report.team_dashboard(frames, quiet, 12, library=library)
    assert dash.message == ("No scored scenes between 01 Dec 2026 and 30 Dec 2026: load demo data with "
                            "`roleplay demo-data`")
    assert team_pages.participation_parts(dash) == [] and team_pages.coaching_parts(dash) == []
    assert "No scored scenes between" in _html(team_pages.header_parts(dash))
    # A store that was never written, and one with a schema and nothing in it.
    never = team_report.load_dashboard(f"sqlite:///{tmp_path / 'never.db'}", library=library)
    assert never.message and never.message.startswith("No scored scenes between")
    wb = Workbench.open(f"sqlite:///{tmp_path / 'empty.db'}", library=library)
    wb.close()
    empty = team_report.load_dashboard(f"sqlite:///{tmp_path / 'empty.db'}", team="Billing", library=library)
    assert empty.message and "for team Billing" in empty.message


def test_every_figure_has_a_title_and_axis_titles_with_units(dash: team_report.TeamDashboard) -> None:
    axes = {name: (f.layout.title.text, f.layout.xaxis.title.text, f.layout.yaxis.title.text)
            for name, f in dash.figures.items()}
    assert all(title and x and y for title, x, y in axes.values())
    assert axes["areas"][1] == "Average score (0–100)"
    assert axes["weekly"][2] == "Scenes completed (count)"
    assert axes["hardest"][1] == "Pass rate (%)"


# -- a store built scene by scene ----------------------------------------------------------------

def play(wb: Workbench, clock: FakeClock, card: str, agent: str, observers: tuple[str, ...] = (),
         minutes: float = 5.0, team: str | None = None, lines: list[str] = KIND_LINES) -> str:
    """One scene through the façade, ``minutes`` long from start to end."""
    session = wb.create_session(f"Practice: {card}", "coach", [agent, *observers], team=team)
    roles = {agent: "agent", **{o: "observer" for o in observers}}
    scene = wb.create_scene(session.id, card, seed=3, roles=roles)
    wb.start(scene.id, by="coach")
    wb.skip(scene.id, by="coach")
    for _ in wb.customer_turn(scene.id):
        pass
    for line in lines:
        wb.post_message(scene.id, "agent", line, author=agent)
        for _ in wb.customer_turn(scene.id):
            pass
        state = wb.customer_state(scene.id)
        if state is not None and state.ended:
            break
    clock.advance(minutes * 60)
    wb.skip(scene.id, by="coach")
    wb.skip(scene.id, by="coach")
    wb.end(scene.id, by="coach")
    clock.advance(3600)
    return scene.id


def test_participation_counts_and_hours_match_a_hand_built_store(tmp_path: Path, library: Library) -> None:
    clock = FakeClock(datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc))
    url = f"sqlite:///{tmp_path / 'hand.db'}"
    wb = Workbench.open(url, library=library, clock=clock)
    for person, name in (("ana", "Ana Ruiz"), ("ben", "Ben Ito"), ("cy", "Cy Park")):
        wb.add_person(name, person, team="Billing")
    card = "activity-history-past-retention"
    play(wb, clock, card, "ana", ("ben", "cy"), minutes=6, team="Billing")
    play(wb, clock, card, "ben", ("ana",), minutes=4, team="Billing")
    play(wb, clock, card, "ana", (), minutes=5, team="Billing")
    wb.close()
    dash = team_report.load_dashboard(url, team="Billing", library=library)
    people = dash.people.set_index("person")
    assert people["scenes"].to_dict() == {"ana": 2, "ben": 1}
    assert people.loc["ana", "observed"] == 1 and people.loc["ben", "observed"] == 1
    # Hours: 6 min for 3 people + 4 min for 2 + 5 min for 1 = 31 person-minutes.
    headline = dash.headline.set_index("metric")["this period"]
    assert headline["Training hours (h)"] == pytest.approx(31 / 60)
    assert people.loc["ana", "hours"] == pytest.approx((6 + 4 + 5) / 60)
    assert people.loc["ben", "hours"] == pytest.approx((6 + 4) / 60)
    assert headline["Active trainees"] == 2
    assert dash.period.label == "06 Sep 2026 – 05 Oct 2026"  # the 30 days ending with the latest score
    assert people.loc["ana", "name"] == "Ana Ruiz"


# -- the notebooks ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_store(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Iterator[str]:
    """Two teams' scenes, a trainee whose name is markup, and a new hire behind on the path."""
    clock = FakeClock(datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc))
    url = f"sqlite:///{tmp_path_factory.mktemp('team') / 'team.db'}"
    wb = Workbench.open(url, library=library, clock=clock)
    for person, name, team in (("ana", "Ana Ruiz", "Billing"), ("bo", MARKUP, "Billing"),
                               ("cy", "Cy Park", "Billing"), ("dee", "Dee Moss", "Technical")):
        wb.add_person(name, person, team=team)
    wb.enrol("cy", "new-hire", datetime(2026, 10, 1, tzinfo=timezone.utc))
    cards = ("activity-history-past-retention", "annual-renewal-new-list-price")
    for i in range(10):
        agent = ("ana", "bo", "ana", "cy", "bo")[i % 5]
        play(wb, clock, cards[i % 2], agent, ("dee",) if i % 3 == 0 else (), minutes=4 + i % 3,
             team="Billing", lines=KIND_LINES if i % 2 else KIND_LINES[1:])
    play(wb, clock, cards[0], "dee", (), team="Technical")
    wb.close()
    yield url


def _execute(name: str, tmp_path: Path, parameters: dict) -> list[dict]:
    import papermill

    out = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(str(ROOT / "reports" / f"{name}.ipynb"), str(out), parameters=parameters,
                               kernel_name="python3", progress_bar=False, cwd=str(ROOT))
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    return outputs


def _text(outputs: list[dict]) -> str:
    return "\n".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)


def _figure_titles(outputs: list[dict]) -> list[str]:
    return [o["data"][display.PLOTLY_MIME]["layout"]["title"]["text"] for o in outputs
            if display.PLOTLY_MIME in o.get("data", {})]


def test_the_team_dashboard_notebook_shows_every_section(report_store: str, tmp_path: Path) -> None:
    outputs = _execute("team_dashboard", tmp_path, {"db": report_store, "team": "Billing"})
    page = _text(outputs)
    for heading in ("Participation", "Skill proficiency by area", "Top performers and improvement",
                    "Scenarios", "New-hire ramp", "Coaching insights", "Recommended focus for next month"):
        assert f">{heading}</h" in page
    titles = _figure_titles(outputs)
    assert any(t.startswith("Scenes completed per trainee") for t in titles)
    assert "Team average by competency area vs target (orange: below target)" in titles
    assert any(t.startswith("New-hire path: scenes done per week") for t in titles)
    assert "Team Billing · " in page
    assert "Dee Moss" not in page  # another team
    assert MARKUP not in page and "&lt;script&gt;" in page


def test_the_monthly_summary_notebook_is_one_printable_page(report_store: str, tmp_path: Path) -> None:
    outputs = _execute("monthly_summary", tmp_path, {"db": report_store, "monthly_target": 8})
    page = _text(outputs)
    for heading in ("Participation", "Skill development", "New-hire ramp", "Recommendations for next month"):
        assert f">{heading}</h" in page
    assert "@media print" in page and "rp-tiles" in page
    titles = _figure_titles(outputs)
    assert "Scenes completed per week" in titles and len(titles) == 2
    widths = [o["data"][display.PLOTLY_MIME]["layout"].get("width") for o in outputs
              if display.PLOTLY_MIME in o.get("data", {})]
    assert widths == [team_pages.PAGE_WIDTH] * 2  # fits A4 portrait


def test_the_dashboard_on_an_empty_store_says_so_in_one_line(tmp_path: Path) -> None:
    outputs = _execute("team_dashboard", tmp_path, {"db": f"sqlite:///{tmp_path / 'empty.db'}"})
    page = _text(outputs)
    assert "No scored scenes between" in page and "roleplay demo-data" in page
    assert not _figure_titles(outputs)


def test_a_name_with_quotes_shows_its_quotes_on_the_charts(library: Library) -> None:
    """Chart labels showed `Bob &quot;Tiny&quot; Smith`: plotly draws the entity as typed."""
    frames = synthetic_frames(library, names={0: 'Bob "Tiny" Smith'})
    dash = team_report.team_dashboard(frames, MONTH, 40, library=library)
    figures = json.dumps([f.to_plotly_json() for f in dash.figures.values()], cls=PlotlyJSONEncoder)
    assert "&quot;" not in figures and '"Tiny"' in figures.replace('\\"', '"')
