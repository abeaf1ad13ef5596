"""The coaching reports — session debrief, agent progress, observer calibration — as a coach
reads them: agreement statistics against textbook examples, a rewound scene shown with its
earlier attempt, commitments followed into later scenes, typed markup and personal data kept
out of the page, clear one-line answers for an unknown person or an empty store, and each
notebook executed with papermill.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat
import pytest

from facilitation import Library
from facilitation.clock import FakeClock
from facilitation.errors import NotFound
from facilitation.reporting import calibration, debrief, display
from facilitation.reporting import person as progress
from facilitation.store import Database
from facilitation.workbench import Workbench

ROOT = Path(__file__).resolve().parents[1]
PLOTLY = display.PLOTLY_MIME
CARD = "frustrated-billing-customer"
COLD = ["The charge is correct: you added seats, so the bill went up.",
        "That is how billing works for added seats."]
WARM = ["I can hear how alarming a bill twice what you budgeted is, and I'm sorry it caught you out.",
        "So what I'm hearing is the charge doubled without warning and you need it explained today.",
        "I'll email you a written breakdown by 5pm today that you can forward to your finance lead."]
MARKUP = "<script>alert('x')</script><b>bold</b>"
PII_EMAIL, PII_CARD = "ana.agent@example.com", "4111 1111 1111 1111"
COMMITMENT = "Name the customer's feeling before explaining the policy"


# -- a small store, played scene by scene ------------------------------------------------------

@dataclass(frozen=True)
class Room:
    url: str
    code: str
    rewound: str  # the scene with a rewind, PII and markup
    scenes: list[str]


def _play(wb: Workbench, session: str, lines: list[str], ticks: dict[str, list[str]], *,
          retry: str | None = None, commitment: str | None = None) -> str:
    """One scene: ana plays the agent, obi and oda observe and tick ``ticks`` (observer → items)."""
    roles = {"ana": "agent", "obi": "observer", "oda": "observer"}
    scene = wb.create_scene(session, CARD, seed=3, roles=roles)
    wb.start(scene.id)
    wb.skip(scene.id)
    for _ in wb.customer_turn(scene.id):
        pass
    said = []
    for line in lines:
        said.append(wb.post_message(scene.id, "agent", line, author="ana"))
        if not wb.customer_state(scene.id).ended:  # a customer who has walked out says no more
            for _ in wb.customer_turn(scene.id):
                pass
        wb.clock.advance(20)
    if retry is not None:  # rewind the first agent line and say it another way
        wb.rewind(scene.id, said[0].id)
        said[0] = wb.post_message(scene.id, "agent", retry, author="ana")
        for _ in wb.customer_turn(scene.id):
            pass
    for observer, items in ticks.items():
        for item in items:
            wb.add_note(scene.id, observer, "tick", item=item, message_id=said[0].id)
        wb.add_note(scene.id, observer, "quote", message_id=said[0].id, text=f"{said[0].text[:40]}")
    wb.skip(scene.id)
    wb.skip(scene.id)
    if commitment:
        wb.add_debrief(scene.id, "ana", "commitment", commitment)
        wb.add_debrief(scene.id, "obi", "strength", "Stayed calm")
    wb.end(scene.id)
    wb.clock.advance(24 * 3600)
    return scene.id


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    url = f"sqlite:///{tmp_path_factory.mktemp('coach') / 'room.db'}"
    wb = Workbench.open(url, library=Library.load(), clock=FakeClock())
    for pid, name in (("ana", "Ana Agent"), ("obi", "Obi Observer"), ("oda", "Oda Observer"),
                      ("fran", "Fran")):
        wb.add_person(name, pid, team="Blue")
    info = wb.create_session("Monday practice", "fran", ["ana", "obi", "oda"], team="Blue")
    both = ["acknowledgment", "next-steps"]
    scenes = [_play(wb, info.id, COLD, {"obi": [], "oda": ["options"]}),
              _play(wb, info.id, COLD, {"obi": ["next-steps"], "oda": []}),
              _play(wb, info.id, [f"You should have checked. {MARKUP} Mail {PII_EMAIL}, card {PII_CARD}.",
                                  *COLD],
                    {"obi": ["acknowledgment"], "oda": ["acknowledgment", "options"]},
                    retry=WARM[0], commitment=f"{COMMITMENT} {MARKUP}")]
    scenes += [_play(wb, info.id, WARM, {"obi": both, "oda": both if i else ["acknowledgment"]})
               for i in range(3)]
    wb.close()
    yield Room(url, info.code, scenes[2], scenes)


def _db(room: Room) -> Database:
    return Database(room.url)


# -- agreement statistics -----------------------------------------------------------------------

def test_cohen_kappa_matches_hand_computed_examples() -> None:
    # Wikipedia's example: 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15 → p_o .7, p_e .5
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert calibration.cohen_kappa(a, b) == pytest.approx(0.4)
    # three categories: p_o = 4/6, p_e = (2·2 + 2·3 + 2·1)/36 = 1/3 → kappa 0.5
    assert calibration.cohen_kappa([1, 1, 2, 2, 3, 3], [1, 2, 2, 2, 3, 1]) == pytest.approx(0.5)
    assert calibration.cohen_kappa([True, False, True], [True, False, True]) == pytest.approx(1.0)
    assert calibration.cohen_kappa([True, False], [False, True]) == pytest.approx(-1.0)
    assert math.isnan(calibration.cohen_kappa([True] * 4, [True] * 4))  # chance agreement is certain


def test_krippendorff_alpha_matches_krippendorffs_worked_examples() -> None:
    nan = float("nan")
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units, nominal
    coders = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
              [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
              [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
              [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert calibration.krippendorff_alpha(coders) == pytest.approx(0.743, abs=5e-4)
    # the same paper's binary example: 2 coders, 10 units
    assert calibration.krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
                                           [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]) == pytest.approx(0.095, abs=5e-4)
    assert calibration.krippendorff_alpha([[True, False, None], [True, False, True]]) == pytest.approx(1.0)
    assert math.isnan(calibration.krippendorff_alpha([[1, nan], [nan, 1]]))  # no unit rated twice


def test_all_pairs_at_once_give_the_same_kappas_as_pair_by_pair() -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(4)
    wide = pd.DataFrame(rng.random((40, 5)) < 0.5, columns=list("abcde")).astype(object)
    wide = wide.mask(rng.random((40, 5)) < 0.3)  # each rater missed some scenes
    wide["e"] = wide["e"].where(wide["e"].isna(), True)  # e ticks everything: kappa undefined with anyone
    kappas, shared = calibration.pairwise_kappas(wide)
    expected = []
    for i, a in enumerate("abcd"):
        for b in "abcde"[i + 1:]:
            both = wide[[a, b]].dropna()
            value = calibration.cohen_kappa(both[a].tolist(), both[b].tolist())
            if not math.isnan(value):
                expected.append((value, len(both)))
    assert kappas.tolist() == pytest.approx([k for k, _ in expected])
    assert shared.tolist() == [n for _, n in expected]


@pytest.mark.parametrize(("value", "words"), [
    (-0.2, "poor"), (0.0, "slight"), (0.2, "slight"), (0.35, "fair"), (0.6, "moderate"),
    (0.61, "substantial"), (0.9, "almost perfect"), (float("nan"), "not enough data")])
def test_kappa_reads_in_landis_and_koch_bands(value: float, words: str) -> None:
    assert calibration.reading(value) == words


def test_calibration_compares_observers_with_each_other_and_with_the_scorer(room: Room) -> None:
    report = calibration.calibration(_db(room), team="Blue")
    table = calibration.agreement_table(report).set_index("checklist item")
    assert list(table.index) == ["Acknowledgment", "Options", "Next steps", "Tone softened"]
    ack = table.loc["Acknowledgment"]
    assert ack["scenes watched"] == 6 and ack["observers"] == 2 and ack["observer pairs"] == 1
    assert ack["ratings vs scorer"] == 12
    assert -1 <= ack["kappa between observers"] <= 1 and ack["reading"] != "not enough data"
    assert table.loc["Tone softened", "reading vs scorer"] == "no scorer reading"

    found = calibration.disagreements(report)
    assert found["date"].tolist() == sorted(found["date"], reverse=True)  # newest first
    options = found[(found["item"] == "Options") & (found["ticked by"].str.contains("Oda"))]
    assert len(options) and "Obi Observer" in options.iloc[0]["not ticked by"]
    html = display.table_html(found)
    assert "<script>" not in html and PII_EMAIL not in html

    people = calibration.observer_table(report).set_index("observer")
    assert set(people.index) == {"Obi Observer", "Oda Observer", "Team (all observers)"}
    assert people.loc["Oda Observer", "Options (% ticked)"] == pytest.approx(200 / 6)
    fig = calibration.kappa_figure(report)
    assert fig.layout.yaxis.title.text == "Cohen's kappa (−1 to 1)"
    assert fig.layout.xaxis.title.text == "Checklist item"
    # a typed name is text in a chart too (plotly reads a few tags in labels)
    renamed = replace(report, names={**report.names, "obi": "<b>Obi</b>"})
    assert "&lt;b&gt;Obi&lt;/b&gt;" in calibration.lean_figure(renamed).data[0].y


# -- the session debrief ------------------------------------------------------------------------

def test_the_debrief_shows_the_scored_attempt_and_the_earlier_one_it_replaced(room: Room) -> None:
    d = debrief.scene_debrief(_db(room), room.rewound)
    said = d.transcript["message"].tolist()
    assert said[1] == WARM[0]  # the retried line is what was scored
    assert "↺ retried from here (rewind)" in d.transcript.iloc[1]["coach's note"]
    [(label, earlier)] = d.earlier
    assert "replaced from message 2 by a rewind" in label
    assert earlier.iloc[0]["message"].startswith("You should have checked.")
    assert set(d.mood["attempt"]) == {debrief.SCORED, "Before the rewind at message 2"}
    assert d.facts["agent_name"] == "Ana Agent" and d.facts["observers"] == ["Obi Observer", "Oda Observer"]
    assert d.facts["overall"] is not None and d.facts["rewinds"] == 1
    fig = debrief.mood_figure(d)
    assert fig.layout.xaxis.title.text == "Customer turn (number)"
    assert fig.layout.yaxis.title.text == "Customer mood (−1 to +1)"
    agree = d.agreements.set_index("checklist item")
    assert agree.loc["Options", "Oda Observer"] == "ticked"
    assert agree.loc["Options", "Obi Observer"] == "not ticked"
    assert debrief.commitments_table(d)["person"].tolist() == ["Ana Agent"]
    assert len(debrief.criteria_table(d)) and len(debrief.evidence_table(d))


def test_an_observer_seat_nobody_opened_is_no_not_ticked_in_the_agreement(tmp_path: Path,
                                                                          library: Library) -> None:
    wb = Workbench.open(f"sqlite:///{tmp_path / 'seats.db'}", library=library, clock=FakeClock())
    info = wb.create_session("Practice", "fran", ["ana", "obi", "oda"])
    scene = wb.create_scene(info.id, "frustrated-billing-customer", seed=4,
                            roles={"ana": "agent", "obi": "observer", "oda": "observer"}).id
    wb.start(scene)
    wb.skip(scene)
    wb.post_message(scene, "agent", "I can email you a breakdown, or set up alerts. Which helps most?",
                    author="ana")
    wb.add_note(scene, "obi", "tick", item="options")  # oda never opened the observer page
    wb.end(scene)
    d = debrief.scene_debrief(wb.db, scene)
    assert "obi" in d.agreements.columns and "oda" not in d.agreements.columns
    assert "not ticked by oda" not in " ".join(d.agreements["agree?"])
    assert d.facts["observers"] == ["obi", "oda"]  # still listed as seated
    wb.close()


def test_personal_data_in_a_message_is_redacted_in_the_debrief(room: Room) -> None:
    d = debrief.scene_debrief(_db(room), room.rewound)
    shown = " ".join([*d.transcript["message"], *d.earlier[0][1]["message"], *d.notes["note or quote"],
                      *d.notes["the message"]])
    assert PII_EMAIL not in shown and PII_CARD not in shown
    assert "[email]" in shown and "[card number]" in shown


def test_markup_typed_by_an_agent_stays_text_in_the_tables(room: Room) -> None:
    d = debrief.scene_debrief(_db(room), room.rewound)
    for frame in (d.earlier[0][1], debrief.commitments_table(d)):
        html = display.table_html(frame)
        assert "<script>" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;" in html


def test_a_session_debrief_lists_its_scenes_first(room: Room) -> None:
    report = debrief.build(_db(room), session=room.code.lower())
    assert report.session == "Monday practice" and len(report.scenes) == 6
    summary = debrief.session_summary(report.scenes)
    assert summary["scene"].tolist() == [1, 2, 3, 4, 5, 6]
    assert summary.loc[2, "retries"] == 1 and summary.loc[2, "commitments"] == 1
    assert debrief.build(_db(room)).scenes[0].facts["scene_id"] == room.scenes[-1]  # default: latest scored
    assert debrief.find_scenes(_db(room), scene=room.rewound[:10]) == [room.rewound]


# -- agent progress -----------------------------------------------------------------------------

def test_a_commitment_is_followed_into_the_scenes_after_it(room: Room) -> None:
    report = progress.person_report(_db(room), "ana")
    [row] = progress.commitment_follow_up(report).to_dict("records")
    assert row["area"] == "Customer empathy"
    assert row["shown"] == "shown in 3 of 3 later scenes"
    assert row["average after"] > row["average before"]


@pytest.mark.parametrize(("text", "area"), [
    (COMMITMENT, "customer-empathy"),
    ("Give the customer two choices when the temperature rises", "de-escalation"),
    ("Explain the billing rule and the reason for it in plain words", "billing-knowledge"),
    ("Lead with the bottom line in one sentence", "communication-clarity"),
    ("State the boundary and why it exists before saying no", "compliance-awareness"),
    ("Close with who does what by when", "first-contact-resolution"),
    ("Ask one open diagnostic question before proposing a fix", "technical-troubleshooting"),
    ("Ask what they want to achieve before recommending a feature", "product-knowledge"),
    ("Drink more water", None),
])
def test_a_commitment_maps_to_the_area_it_works_on(text: str, area: str | None) -> None:
    assert progress.commitment_area(text) == area


def test_progress_shows_areas_certification_and_several_next_cards(room: Room) -> None:
    report = progress.person_report(_db(room), "Ana Agent")  # a name works as well as an id
    assert report.person == "ana" and len(report.areas) == 8
    picks = report.recommendations
    assert len(picks) == 3 and len({p.card_id for p in picks}) == 3
    assert len({p.competency for p in picks}) == 3  # the three weakest areas, one card each
    table = progress.certification_table(report).set_index("area")
    assert table.loc["Customer empathy", "to certify"].startswith("4 more scenes")
    fig = progress.areas_figure(report)
    assert fig.layout.title.text and fig.layout.yaxis.title.text == "Score (0–100)"
    assert fig.layout.xaxis7.title.text == "Date"
    better = progress.improvement(report).set_index("area")
    assert better.loc["Customer empathy", "change"] > 0


def test_an_unknown_person_gets_one_clear_line(room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFound, match="no person 'nobody'"):
        progress.person_report(_db(room), "nobody")
    shown: list[str] = []
    monkeypatch.setattr(display, "show_refusal", shown.append)
    assert progress.load({"db": room.url, "person": "nobody", "since": "", "until": ""}) is None
    assert len(shown) == 1 and "no person 'nobody'" in shown[0]


def test_an_empty_store_says_how_to_get_scenes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    shown: list[str] = []
    monkeypatch.setattr(display, "show_refusal", shown.append)
    assert debrief.load({"db": url, "scene": "", "session": ""}).scenes == []
    assert progress.load({"db": url, "person": "", "since": "", "until": ""}) is None
    assert calibration.load({"db": url, "since": "", "until": "", "team": ""}) is None
    assert len(shown) == 3 and all("No scored scenes yet" in s and "roleplay demo-data" in s for s in shown)
    with pytest.raises(NotFound, match="no scene 'abc'"):
        debrief.find_scenes(Database(url), scene="abc")


# -- the notebooks ------------------------------------------------------------------------------

def _execute(name: str, out: Path, parameters: dict[str, str]) -> list[dict]:
    import papermill

    papermill.execute_notebook(str(ROOT / "reports" / f"{name}.ipynb"), str(out), parameters=parameters,
                               kernel_name="python3", progress_bar=False, cwd=str(ROOT))
    nb = nbformat.read(out, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize(("name", "headings", "parameters"), [
    ("session_debrief", ["Transcript", "Customer mood", "Score card", "Moments to replay",
                         "What the observers saw", "Commitments"], lambda room: {"scene": room.rewound}),
    ("agent_progress", ["Competency areas over time", "What has improved", "Certification",
                        "What to play next", "Commitments and follow-through"],
     lambda room: {"person": "ana"}),
    ("calibration", ["Agreement per checklist item", "Disagreements to discuss",
                     "Observers against the team"], lambda room: {"team": "Blue"}),
])
def test_each_report_notebook_renders_its_sections_and_charts(name: str, headings: list[str], parameters,
                                                              room: Room, tmp_path: Path) -> None:
    outputs = _execute(name, tmp_path / f"{name}.ipynb", {"db": room.url, **parameters(room)})
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = " ".join(o.get("data", {}).get("text/html", "") for o in outputs)
    for heading in headings:
        assert f">{heading}</h" in html, heading
    figures = [o["data"][PLOTLY] for o in outputs if PLOTLY in o.get("data", {})]
    assert figures and all(f["layout"]["title"]["text"] for f in figures)
    assert "<script>alert" not in html and PII_EMAIL not in html


def test_the_notebooks_are_thin_and_parameterised() -> None:
    for name, expected in (("session_debrief", {"db", "scene", "session"}),
                           ("agent_progress", {"db", "person", "since", "until"}),
                           ("calibration", {"db", "since", "until", "team"})):
        nb = nbformat.read(ROOT / "reports" / f"{name}.ipynb", as_version=4)
        assert nb.nbformat_minor >= 5 and all(c.get("id") for c in nb.cells)
        assert nb.cells[0].cell_type == "markdown" and nb.cells[1].metadata["tags"] == ["parameters"]
        assert {line.split(" = ")[0] for line in nb.cells[1].source.splitlines()} == expected
        assert "report_parameters(" in nb.cells[2].source  # the URL read through the key check
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert all(len(c.source.splitlines()) == 1 for c in nb.cells[3:])
