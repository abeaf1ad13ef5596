"""`roleplay demo-data`: a month of training that reads like one, built only into an empty store."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import mean
from typing import Any

import psutil
import pytest
from sqlalchemy import select

from facilitation import demodata
from facilitation.clock import utc
from facilitation.demodata import COMMITMENTS, build_demo_data
from facilitation.scenebase import InvalidInput
from facilitation.store import Database
from facilitation.store.schema import enrolments, notes, people, scene_roles, scenes, scores, sessions
from facilitation.vocabulary import CATEGORIES
from facilitation.workbench import Workbench

from .conftest import ROOT, roleplay, store_held_open

UNTIL = datetime(2026, 11, 2, tzinfo=timezone.utc)
TICK_ITEMS = ("acknowledgment", "options", "next-steps")


def _read(url: str, query: Any) -> list[Any]:
    db = Database(url, file_lock=False)
    try:
        with db.read() as conn:
            return list(conn.execute(query))
    finally:
        db.close()


def _attempts(url: str) -> list[Any]:
    """Each scored scene: the agent, when it was scored, the overall score and the card."""
    return _read(url, select(scores.c.person_id, scores.c.scored_at, scores.c.overall, scores.c.card_id))


def _new_hires(url: str) -> dict[str, datetime]:
    rows = _read(url, select(enrolments).where(enrolments.c.path_id == "new-hire"))
    return {r.person_id: utc(r.started_at) for r in rows}


def _until(url: str) -> datetime:
    """Midnight after the last scene: the end of the demo month."""
    last = max(utc(r.scored_at) for r in _attempts(url))
    return last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def new_hire_weeks(url: str) -> tuple[float, float]:
    """New hires' mean overall score in their first week and in the month's last week."""
    hires, end = _new_hires(url), _until(url)
    first = [a.overall for a in _attempts(url)
             if a.person_id in hires and utc(a.scored_at) < hires[a.person_id] + timedelta(days=7)]
    last = [a.overall for a in _attempts(url)
            if a.person_id in hires and utc(a.scored_at) >= end - timedelta(days=7)]
    return mean(first), mean(last)


def first_weeks(url: str) -> tuple[float, float]:
    """Veterans' and new hires' mean overall score in their first week of play."""
    hires = _new_hires(url)
    played = sorted(_attempts(url), key=lambda a: a.scored_at)
    start = {a.person_id: hires.get(a.person_id, utc(a.scored_at)) for a in reversed(played)}
    early = defaultdict(list)
    for a in played:
        if utc(a.scored_at) < start[a.person_id] + timedelta(days=7):
            early[a.person_id in hires].append(a.overall)
    return mean(early[False]), mean(early[True])


def observer_agreement(url: str) -> tuple[float, dict[str, tuple[float, float]]]:
    """The share of scenes at least two observers noted, and per checklist item the share of
    observer pairs that ticked alike and their Cohen's kappa."""
    observers = defaultdict(list)
    for r in _read(url, select(scene_roles).where(scene_roles.c.role == "observer")):
        observers[r.scene_id].append(r.person_id)
    noted, ticked = defaultdict(set), defaultdict(set)
    for n in _read(url, select(notes.c.scene_id, notes.c.observer, notes.c.kind, notes.c.item)):
        noted[n.scene_id].add(n.observer)
        if n.kind == "tick":
            ticked[(n.scene_id, n.observer)].add(n.item)
    two = sum(len(noted[s]) >= 2 for s in observers) / len(observers)
    out = {}
    for item in TICK_ITEMS:
        pairs = [(item in ticked[(s, a)], item in ticked[(s, b)])
                 for s, seen in observers.items() for a, b in itertools.combinations(sorted(seen), 2)]
        agree = sum(a == b for a, b in pairs) / len(pairs)
        pa, pb = (sum(p[i] for p in pairs) / len(pairs) for i in (0, 1))
        chance = pa * pb + (1 - pa) * (1 - pb)
        out[item] = (agree, (agree - chance) / (1 - chance))
    return two, out


# -- the shared small demo store (conftest.demo_db: 8 agents, 120 scenes, seed 7) ----------

def test_every_scene_is_played_and_scored(demo_db: str) -> None:
    played = _read(demo_db, select(scenes.c.id, scenes.c.phase))
    assert len(played) == 120
    assert {r.phase for r in played} == {"ended"}
    assert {a for a, in _read(demo_db, select(scores.c.scene_id))} == {r.id for r in played}


def test_new_hires_improve_and_veterans_start_ahead(demo_db: str) -> None:
    first, last = new_hire_weeks(demo_db)
    assert last > first
    veterans, hires = first_weeks(demo_db)
    assert veterans > hires


def test_people_teams_and_enrolments(demo_db: str) -> None:
    everyone = _read(demo_db, select(people))
    assert len(everyone) == 8 + 2  # trainees and the two teams' coaches
    assert {p.team for p in everyone} == {"Billing", "Technical"}
    assert all(" " in p.name and p.name[0].isupper() for p in everyone)
    assert len(_new_hires(demo_db)) == 3
    starts = sorted(set(_new_hires(demo_db).values()))
    assert len(starts) >= 2 and starts[-1] - starts[0] >= timedelta(days=7)  # joined in different weeks
    facilitators = {s.facilitator for s in _read(demo_db, select(sessions))}
    assert len(facilitators) == 2


def test_sessions_rotate_the_agent_and_seat_observers(demo_db: str) -> None:
    roles = defaultdict(list)
    for r in _read(demo_db, select(scene_roles.c.person_id, scene_roles.c.role, scenes.c.session_id)
                   .join(scenes, scenes.c.id == scene_roles.c.scene_id)):
        roles[r.session_id].append((r.person_id, r.role))
    agents = [{p for p, role in seats if role == "agent"} for seats in roles.values()]
    assert sum(len(a) >= 2 for a in agents) >= 0.8 * len(agents)  # the agent seat moves on
    observers = _read(demo_db, select(scene_roles).where(scene_roles.c.role == "observer"))
    assert 1.5 <= len(observers) / 120 <= 3


def test_observers_note_most_scenes_and_mostly_agree(demo_db: str) -> None:
    two, items = observer_agreement(demo_db)
    assert two >= 0.6  # small teams: early on, some sessions seat a single observer
    for item, (agree, kappa) in items.items():
        assert agree >= 0.75, item
        assert 0.3 <= kappa < 0.95, item
    kinds = {n.kind for n in _read(demo_db, select(notes.c.kind))}
    assert {"tick", "quote", "marker", "timer"} <= kinds


def test_debriefs_end_in_commitments_from_the_bank(library: Any, demo_db: str) -> None:
    wb = Workbench(Database(demo_db, file_lock=False), library)
    try:
        trainees = [p.id for p in _read(demo_db, select(people)) if p.id not in
                    {s.facilitator for s in _read(demo_db, select(sessions))}]
        kept = {c.text for bank in COMMITMENTS.values() for c in bank}
        commitments = [c for person in trainees for c in wb.commitments(person)]
        assert len(commitments) >= 0.7 * 120
        assert {c.text for c in commitments} <= kept
        record = wb.scene_record(commitments[0].scene_id or "")
        assert [d["layer"] for d in record["debrief"]] == ["feeling", "strength", "adjustment", "commitment"]
    finally:
        wb.close()


def test_cards_follow_the_team_and_every_category_is_played(library: Any, demo_db: str) -> None:
    played = [a.card_id for a in _attempts(demo_db)]
    assert {library.card(c).category for c in played} == set(CATEGORIES)
    counts = sorted((played.count(c) for c in set(played)), reverse=True)
    assert counts[0] >= 4 * counts[-1]  # a "most used" list worth reading


def test_the_month_ends_before_today(demo_db: str) -> None:
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    played = [utc(a.scored_at) for a in _attempts(demo_db)]
    assert today - timedelta(days=30) <= min(played) and max(played) < today
    assert max(played) - min(played) >= timedelta(days=20)


# -- building -------------------------------------------------------------------------------

def _scores(url: str) -> list[tuple[str, datetime, int, str]]:
    return sorted((a.person_id, utc(a.scored_at), a.overall, a.card_id) for a in _attempts(url))


def test_the_same_seed_builds_the_same_month(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db", "c.db")]
    for url, seed in zip(urls, (3, 3, 4), strict=True):
        build_demo_data(url, agents=4, scenes=12, seed=seed, progress=False, until=UNTIL)
    assert _scores(urls[0]) == _scores(urls[1])
    assert _scores(urls[0]) != _scores(urls[2])
    assert max(t for _, t, _, _ in _scores(urls[0])) < UNTIL


def test_teams_played_in_parallel_give_the_same_month(tmp_path: Path) -> None:
    one, two = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    build_demo_data(one, agents=6, scenes=14, seed=5, progress=False, until=UNTIL, workers=1)
    build_demo_data(two, agents=6, scenes=14, seed=5, progress=False, until=UNTIL, workers=2)
    assert _scores(one) == _scores(two)


def test_a_store_with_scenes_is_refused_and_left_alone(demo_db: str) -> None:
    path = Path(demo_db.removeprefix("sqlite:///"))
    before = path.stat().st_mtime_ns
    with pytest.raises(InvalidInput, match=r"already holds 120 scenes; demo data goes into an empty store"):
        build_demo_data(demo_db, agents=4, scenes=5, progress=False)
    assert path.stat().st_mtime_ns == before


def test_an_empty_store_keeps_what_it_had(tmp_path: Path, library: Any) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    wb = Workbench.open(url, library=library)
    wb.add_person("Kim Ward", "kim", "Billing")
    wb.close()
    summary = build_demo_data(url, agents=3, scenes=4, progress=False, until=UNTIL)
    assert summary.scenes == 4 and summary.people == 3 + 1 + 1
    assert "kim" in {p.id for p in _read(url, select(people))}


def test_a_failed_build_leaves_nothing_at_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def breaks(wb: Any, plan: Any, tick: Any) -> None:
        raise RuntimeError("the machine went to sleep")

    monkeypatch.setattr(demodata, "play_team", breaks)
    with pytest.raises(RuntimeError):
        build_demo_data(f"sqlite:///{tmp_path / 'demo.db'}", agents=3, scenes=3, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_progress_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = build_demo_data(f"sqlite:///{tmp_path / 'demo.db'}", agents=3, scenes=2, until=UNTIL)
    out = capsys.readouterr()
    assert "demo data" in out.err and out.out == ""
    assert summary.scenes == 2
    assert summary.text().splitlines()[0] == (
        "3 trainees (1 new hire) in 1 team, 2 scenes in 1 session "
        "between 2026-10-03 and 2026-11-02")


def test_sizes_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="at least 1 scene"):
        build_demo_data(f"sqlite:///{tmp_path / 'demo.db'}", agents=2, scenes=10, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_the_command_prints_the_summary_and_refuses_a_second_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    proc = roleplay("demo-data", "--db", url, "--agents", "4", "--scenes", "20", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("4 trainees (1 new hire) in 1 team, 20 scenes in ")
    assert "roleplay serve" in proc.stdout and proc.stderr == ""
    again = roleplay("demo-data", "--db", url, "--agents", "4", "--scenes", "20", "--quiet")
    assert again.returncode == 1
    assert "already holds 20 scenes" in again.stderr and "--db" in again.stderr


def test_a_store_another_program_has_open_is_refused_in_one_line(tmp_path: Path, library: Any) -> None:
    path = tmp_path / "served.db"
    wb = Workbench.open(f"sqlite:///{path}", library=library)
    wb.add_person("Kim Ward", "kim", "Billing")
    wb.close()
    with store_held_open(f"sqlite:///{path}"):
        proc = roleplay("demo-data", "--db", f"sqlite:///{path}", "--agents", "3", "--scenes", "3", "--quiet")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"roleplay: error: {path} is open in another program (a running "
                                   "`roleplay serve` or notebook); stop it first, or build the demo "
                                   "data into another --db")
    assert [p.id for p in _read(f"sqlite:///{path}", select(people))] == ["kim"]
    assert not list(tmp_path.glob("*demo-building*"))


def test_a_write_made_during_the_build_is_kept_and_so_is_the_demo_store(
        tmp_path: Path, library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An enrolment and a session acknowledged while the month is played must not vanish when
    the built file would be moved into place."""
    url = f"sqlite:///{tmp_path / 'room.db'}"
    Workbench.open(url, library=library).close()
    play = demodata.play_team

    def meanwhile(wb: Any, plan: Any, tick: Any) -> None:
        other = Workbench.open(url, library=library)
        other.add_person("Lee Chan", "lee", "Billing")
        other.enrol("lee", "new-hire")
        other.create_session("Lee's first practice", "lee", ["lee"])
        other.close()
        play(wb, plan, tick)

    monkeypatch.setattr(demodata, "play_team", meanwhile)
    with pytest.raises(InvalidInput, match="was opened or changed by another program while the demo "
                                           "data was built, so it was left as it is") as refused:
        build_demo_data(url, agents=3, scenes=3, progress=False, until=UNTIL)

    assert [p.id for p in _read(url, select(people))] == ["lee"]
    assert len(_read(url, select(sessions))) == 1
    kept = tmp_path / "room-demo.db"
    assert f"the demo store is {kept}" in str(refused.value)
    assert len(_read(f"sqlite:///{kept}", select(scenes))) == 3
    assert not list(tmp_path.glob("*demo-building*"))


def test_a_killed_build_leaves_no_scratch_file_behind_the_next_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    build = subprocess.Popen([sys.executable, "-m", "facilitation.cli", "demo-data", "--db", url,
                              "--agents", "6", "--scenes", "400", "--quiet"], cwd=ROOT)
    try:
        for _ in range(600):
            if list(tmp_path.glob("*demo-building*")):
                break
            time.sleep(0.05)
        time.sleep(0.5)
        assert list(tmp_path.glob("*demo-building*")), "the build started"
        workers = psutil.Process(build.pid).children(recursive=True)
    finally:
        build.kill()
        build.wait()
    assert list(tmp_path.glob("*demo-building*"))  # what SIGKILL leaves
    # its workers stop too (they played on, reopening the scratch file the next build removed)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []

    proc = roleplay("demo-data", "--db", url, "--agents", "3", "--scenes", "2", "--quiet")

    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("*demo-building*")) and (tmp_path / "demo.db").exists()
