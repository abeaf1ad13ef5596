"""Competency progress, certification, training paths and the next recommended card."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, insert

from facilitation import Library
from facilitation.clock import FakeClock
from facilitation.progress import (
    CompetencyPoint,
    area_progress,
    load_training_paths,
    path_status,
    recommend_next,
)
from facilitation.store import Database
from facilitation.store.schema import SCHEMA_VERSION, meta, metadata, people
from facilitation.workbench import Workbench

from .conftest import roleplay

START = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)


def _points(area: str, scores: list[int], card: str = "frustrated-billing-customer") -> list[CompetencyPoint]:
    return [CompetencyPoint(f"s{i}", card, area, s, START + timedelta(days=i)) for i, s in enumerate(scores)]


def _area(progress, competency: str):
    return next(a for a in progress if a.competency == competency)


def test_certified_when_the_last_ten_average_85(library: Library) -> None:
    rubric = library.rubric("support-core")
    nine = _area(area_progress(_points("de-escalation", [95] * 9), rubric), "de-escalation")
    assert not nine.certified and nine.scenes_to_certify == 1
    scores = [60, 70, 80, 85, 90, 90, 90, 90, 90, 90, 95]  # window of 10 reaches 85 at the 11th
    area = _area(area_progress(_points("de-escalation", scores), rubric), "de-escalation")
    assert area.certified and area.certified_at == START + timedelta(days=10)
    assert area.recent_average == 87.0 and area.trend == pytest.approx(8.0)
    stricter = _area(area_progress(_points("de-escalation", scores), rubric, threshold=90), "de-escalation")
    assert not stricter.certified and stricter.points_to_certify == 3.0


def test_a_new_hire_path_counts_scenes_per_week_against_its_targets() -> None:
    path = load_training_paths()["new-hire"]
    assert path.scenes == 20 and len(path.weeks) == 4
    assert path.weeks[0].difficulties == ["beginner"] and path.weeks[-1].difficulties[-1] == "advanced"
    played = [START + timedelta(days=d) for d in (0, 1, 2, 3, 4, 8, 9)]
    status = path_status(path, played, START, START + timedelta(days=10, hours=12))
    assert [w.done for w in status.weeks] == [5, 2, 0, 0]
    assert status.current_week == 2 and status.expected_by_now == 5 + 2 and status.on_track
    late = path_status(path, played[:3], START, START + timedelta(days=12))
    assert not late.on_track


def test_the_next_card_works_the_weakest_area_at_an_earned_difficulty(library: Library) -> None:
    rubric = library.rubric("support-core")
    cards = list(library.cards.values())
    strong = [p for area in ("customer-empathy", "billing-knowledge", "communication-clarity",
                             "technical-troubleshooting", "product-knowledge", "compliance-awareness",
                             "first-contact-resolution") for p in _points(area, [95] * 3)]
    weak = _points("de-escalation", [65, 70, 68])
    pick = recommend_next(strong + weak, cards, rubric)
    card = library.card(pick.card_id)
    assert pick.competency == "de-escalation" and pick.difficulty == "intermediate" == card.difficulty
    assert any(c.competency == "de-escalation" for c in card.criteria)
    assert "De-escalation is the weakest area" in pick.reason and "between 60 and 80" in pick.reason
    # the same card is not offered again right after it was played
    again = recommend_next(strong + weak + _points("de-escalation", [66], card=pick.card_id), cards, rubric)
    assert again.card_id != pick.card_id
    # on a training path, the week's focus and difficulty bound the pick
    week = path_status(load_training_paths()["new-hire"], [], START, START).week
    first_week = recommend_next([], cards, rubric, week)
    assert first_week.competency in week.focus and first_week.difficulty == "beginner"


def test_progress_through_the_facade_and_the_cli(tmp_path, library: Library) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    lines = tmp_path / "lines.txt"
    lines.write_text("That sounds stressful, I'm sorry this happened.\n"
                     "Can you tell me what changed on your team?\n"
                     "I'll email you the breakdown in the next ten minutes.\n", encoding="utf-8")
    run = roleplay("scene", "run", "--card", "frustrated-billing-customer", "--agent-lines", str(lines),
                   "--agent", "ana", "--db", url, "--seed", "2")
    assert run.returncode == 0, run.stderr
    assert "Score card · overall" in run.stdout and "How scores are computed:" in run.stdout
    enrol = roleplay("people", "enrol", "ana", "new-hire", "--db", url)
    assert enrol.stdout.strip() == "ana is on 'New-hire onboarding': 20 scenes over 4 weeks"
    assert "A practice run: stored, but not counted" in run.stdout
    left_out = roleplay("progress", "ana", "--db", url)  # a headless run is practice, not training
    assert left_out.returncode == 0, left_out.stderr
    assert "0 scored scene(s) · 1 practice or demo run(s) not counted" in left_out.stdout
    shown = roleplay("progress", "ana", "--db", url, "--include-practice")
    assert shown.returncode == 0, shown.stderr
    assert "Customer empathy" in shown.stdout and "9 more scene(s)" in shown.stdout
    assert "Training path: New-hire onboarding, week 1 of 4 · 1 of 20 scenes" in shown.stdout
    assert "Next card:" in shown.stdout
    data = json.loads(roleplay("progress", "ana", "--db", url, "--format", "json",
                               "--include-practice").stdout)
    assert data["scenes_scored"] == 1 and len(data["areas"]) == 8
    bad = roleplay("people", "enrol", "ana", "new-hires", "--db", url)
    assert bad.returncode == 1
    assert bad.stderr.strip() == ("roleplay: error: no training path 'new-hires'; "
                                  "there are new-hire, refresher")
    nobody = roleplay("progress", "zed", "--db", url)
    assert nobody.returncode == 1 and "no person 'zed'" in nobody.stderr


def _old_store(url: str, version: int) -> None:
    """A store as that schema version wrote it: version 1 had no score tables, version 2 no
    session purpose."""
    engine = create_engine(url)
    old_tables = [t for name, t in metadata.tables.items()
                  if version >= 2 or name not in ("scores", "competency_scores", "enrolments")]
    with engine.begin() as conn:
        metadata.create_all(conn, tables=old_tables)
        conn.exec_driver_sql("ALTER TABLE sessions DROP COLUMN purpose")
        conn.execute(insert(meta).values(key="schema_version", value=str(version)))
    engine.dispose()


def test_a_version_1_store_gains_the_score_tables_and_keeps_its_data(tmp_path, library: Library) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_store(url, 1)
    wb = Workbench(Database(url), library, FakeClock())
    wb.db.init()
    assert wb.db.schema_version() == SCHEMA_VERSION == 3
    session = wb.create_session("After upgrade", "fran", ["ana"])
    scene = wb.create_scene(session.id, "frustrated-billing-customer", roles={"ana": "agent"}).id
    wb.start(scene)
    wb.skip(scene)
    wb.post_message(scene, "agent", "I'm sorry, that sounds really stressful.", author="ana")
    assert wb.score(scene).overall > 0 and wb.competency_points("ana")
    wb.close()


def test_a_version_2_store_marks_its_headless_runs_and_demo_session_as_not_training(
        tmp_path, library: Library) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_store(url, 2)
    engine = create_engine(url)
    now = datetime(2026, 11, 2, tzinfo=timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(people), [{"id": p, "name": p, "created_at": now}
                                      for p in ("fran", "facilitator")])
        conn.exec_driver_sql(
            "INSERT INTO sessions (id, code, title, facilitator, team, created_at) VALUES "
            "('s1', 'AAAA', 'Billing practice, Mon', 'fran', 'Billing', '2026-11-02 09:00:00'), "
            "('s2', 'BBBB', 'Headless run: frustrated-billing-customer', 'fran', NULL, "
            "'2026-11-02 09:00:00'), "
            "('s3', 'CCCC', 'Demo session', 'facilitator', 'Demo', '2026-11-02 09:00:00')")
    engine.dispose()
    wb = Workbench.open(url, library=library)
    assert [wb.session(c).purpose for c in ("AAAA", "BBBB", "CCCC")] == ["training", "practice", "demo"]
    assert wb.demo_session().code == "CCCC"  # `make demo` goes on with the old demo session
    wb.close()
