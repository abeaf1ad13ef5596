"""The reports as live dashboards: Voilà serves the same notebooks `roleplay report` renders,
and the page's URL query fills the parameters cell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from .browser import ARTIFACTS, FLAGS, Server, chromium_path, need_browser, start_server

TIMEOUT = 60_000  # ms: a report's kernel starts cold on a busy two-core machine


@pytest.fixture(scope="module")
def server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    folder = tmp_path_factory.mktemp("report-pages")
    yield from start_server(demo_db, folder / "voila.log", pool_size=0)


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        yield chromium.new_context(viewport={"width": 1300, "height": 1000}).new_page()
        chromium.close()


def _first(db: str, sql: str) -> tuple[Any, ...]:
    engine = create_engine(db)
    with engine.connect() as conn:
        row = conn.execute(text(sql)).first()
    engine.dispose()
    assert row is not None
    return tuple(row)


def _open(page: Any, server: Server, report: str, **query: str) -> None:
    url = f"http://127.0.0.1:{server.options.port}/voila/render/reports/{report}.ipynb"
    page.goto(url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""))
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"voila-{report}.png"))


def test_a_person_in_the_url_gets_their_progress_report(page: Any, server: Server, demo_db: str) -> None:
    person, name = _first(demo_db, "SELECT p.id, p.name FROM people p JOIN scores s ON s.person_id = p.id "
                                   "GROUP BY p.id, p.name ORDER BY COUNT(*) ASC, p.id LIMIT 1")
    _open(page, server, "agent_progress", person=person)
    body = page.inner_text("body")
    assert name in body
    assert "Traceback" not in body


def test_a_team_in_the_url_narrows_the_dashboard_to_that_team(page: Any, server: Server, demo_db: str
                                                              ) -> None:
    (team,) = _first(demo_db, "SELECT team FROM sessions WHERE team IS NOT NULL ORDER BY team LIMIT 1")
    (outsider,) = _first(demo_db, f"SELECT name FROM people WHERE team IS NOT NULL AND team <> '{team}' "
                                  "AND id IN (SELECT person_id FROM scores) ORDER BY name LIMIT 1")
    _open(page, server, "team_dashboard", team=team)
    body = page.inner_text("body")
    assert team.lower() in body.lower()
    assert outsider not in body
    assert page.locator(".js-plotly-plot").count() >= 4


def test_a_report_page_on_a_shared_network_needs_the_facilitators_key(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from widgets.launch import AccessDenied, report_query

    monkeypatch.setenv("QUERY_STRING", "team=Billing&token=t")
    monkeypatch.setenv("ROLEPLAY_FACILITATOR_KEY", "secret")
    with pytest.raises(AccessDenied, match="This page is for the facilitator"):
        report_query()
    monkeypatch.setenv("QUERY_STRING", "team=Billing&key=secret&token=t")
    assert report_query() == {"team": "Billing"}



def test_money_in_a_live_report_shows_as_typed_not_as_maths(page: Any, server: Server, demo_db: str) -> None:
    scene, line = _first(demo_db, "SELECT m.scene_id, m.text FROM messages m "
                                  "JOIN scores s ON s.scene_id = m.scene_id WHERE m.speaker = 'agent' "
                                  "AND m.text LIKE '%$%$%' ORDER BY m.id LIMIT 1")
    _open(page, server, "session_debrief", scene=scene)
    page.wait_for_timeout(1500)  # MathJax typesets after the outputs are drawn
    assert page.locator("mjx-container, .MathJax").count() == 0
    assert line in page.inner_text("body")  # "$203.23 … the $450 difference", exactly as typed


@pytest.mark.parametrize(("query", "said"), [
    ("team=Nope", "no team 'Nope' in this store; its teams are "),
    ("since=2026-13-01", "parameter since: '2026-13-01' is not a date like 2026-11-01"),
    ("monthly_target=lots", "parameter monthly_target: 'lots' is not a whole number"),
])
def test_a_bad_team_or_date_in_the_url_is_one_clear_line(page: Any, server: Server, query: str,
                                                         said: str) -> None:
    page.goto(f"http://127.0.0.1:{server.options.port}/voila/render/reports/team_dashboard.ipynb?{query}")
    line = page.locator(".rp-refusal")
    line.wait_for(timeout=TIMEOUT)
    assert said in line.inner_text()
    body = page.inner_text("body")
    assert "error when executing" not in body.lower() and "Traceback" not in body
    assert page.locator(".js-plotly-plot").count() == 0
