"""Runs that are not training (a headless `scene run`, the session `make demo` serves) are
stored and scored, but left out of progress, dashboards and exports unless asked for."""

from __future__ import annotations

import contextlib
import csv
import io

from facilitation import Library
from facilitation.clock import FakeClock
from facilitation.export import export_store
from facilitation.headless import run_scene
from facilitation.reporting.frames import load_frames
from facilitation.serve import demo_session
from facilitation.workbench import Workbench

from .conftest import GOOD

CARD = "frustrated-billing-customer"


def _training_scene(wb: Workbench, agent: str) -> None:
    session = wb.create_session("Tuesday practice", "fran", [agent, "ben"], team="Billing")
    scene = wb.create_scene(session.id, CARD, seed=4, roles={agent: "agent", "ben": "observer"}).id
    wb.start(scene)
    wb.skip(scene)
    for line in GOOD:
        wb.post_message(scene, "agent", line, author=agent)
    wb.end(scene)


def _exported(wb: Workbench, **options: bool) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        export_store(wb, "csv", None, **options)
    return [row["agent_id"] for row in csv.DictReader(io.StringIO(out.getvalue()))]


def test_a_headless_run_is_scored_but_not_counted(wb: Workbench) -> None:
    _training_scene(wb, "ana")
    practice = run_scene(wb, CARD, GOOD, seed=2, agent="dee")
    assert wb.score_card(practice)["overall"] > 0  # the run itself still has its score card
    assert wb.scene_record(practice)["scene"]["purpose"] == "practice"

    assert _exported(wb) == ["ana"]  # the LMS hears of training only…
    assert sorted(_exported(wb, include_practice=True)) == ["ana", "dee"]  # …unless asked
    frames = load_frames(wb.db, library=wb.library)
    assert set(frames.attempts["agent"]) == {"ana"}  # dee is no trainee of any dashboard
    assert set(frames.competency["person_id"]) == {"ana"}
    dee = wb.progress("dee")
    assert dee.scenes_scored == 0 and dee.practice_not_counted == 1
    assert wb.progress("dee", include_practice=True).scenes_scored == 1


def test_make_demo_reuses_its_demo_session_and_its_scenes_are_not_counted(store_url: str,
                                                                           library: Library) -> None:
    first = demo_session(store_url)
    assert demo_session(store_url) == first  # a second start: the same session, no new scene
    wb = Workbench.open(store_url, library=library, clock=FakeClock())
    info = wb.session(first)
    assert info.purpose == "demo" and len(wb.scenes(info.id)) == 1
    scene = wb.scenes(info.id)[0].id
    wb.start(scene)
    wb.skip(scene)
    for line in GOOD:
        wb.post_message(scene, "agent", line, author="ana")
    wb.end(scene)
    assert wb.score_card(scene) is not None
    assert _exported(wb) == [] and load_frames(wb.db, library=library).attempts.empty
    wb.close()
    assert demo_session(store_url) == first  # the scene ended: the next start adds a fresh one
    wb = Workbench.open(store_url, library=library)
    assert [s.phase for s in wb.scenes(info.id)] == ["ended", "ready"]
    wb.close()
