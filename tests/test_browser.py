"""The room in a real browser: Voilà serving the pages, headless Chromium as the people.

A facilitator starts a scene and sends an agent message; an observer in a second browser
context sees it, quotes it and ticks "acknowledgment"; the facilitator's page shows the
note. Typed markup stays text in every view. Screenshots of each view are saved in
``test-artifacts/`` (``$ROLEPLAY_ARTIFACTS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from facilitation.workbench import Workbench

from .browser import ARTIFACTS, FLAGS, Server, chromium_path, need_browser, start_server

HOSTILE = "<img src=x onerror=alert(1)>"
LINE = f"{HOSTILE} I'm so sorry, that sounds really frustrating."
OPENAI_SETTINGS = ("ROLEPLAY_OPENAI_MODEL", "ROLEPLAY_OPENAI_BASE_URL", "OPENAI_BASE_URL")
TIMEOUT = 30_000  # ms: a cold kernel on a busy two-core CI machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    folder = tmp_path_factory.mktemp("browser")
    with pytest.MonkeyPatch.context() as env:  # the room's server has no LLM model configured
        for name in OPENAI_SETTINGS:
            env.delenv(name, raising=False)
        env.setenv("ROLEPLAY_OPENAI_CONFIG", str(folder / "absent.toml"))
        yield from start_server(f"sqlite:///{folder / 'room.db'}", folder / "voila.log", pool_size=1)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def session(server: Server) -> str:
    wb = Workbench.open(server.db)
    info = wb.create_session("Browser practice", "fran", ["ana", "ben", "cy"])
    wb.create_scene(info.id, "frustrated-billing-customer", seed=5)
    wb.close()
    return info.code


def _page(browser: Any) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page, dialogs


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_observer_sees_quotes_and_ticks_what_the_facilitator_runs(browser: Any, server: Server,
                                                                   session: str) -> None:
    facilitator, fac_dialogs = _page(browser)
    facilitator.goto(server.url("facilitator", session=session))
    facilitator.locator(".rp-start").click(timeout=TIMEOUT)
    facilitator.locator(".rp-countdown[data-phase=brief]").wait_for(timeout=TIMEOUT)
    facilitator.locator(".rp-skip").click()
    # the simulated customer opens the act
    facilitator.locator(".rp-customer").first.wait_for(timeout=TIMEOUT)
    facilitator.locator(".rp-input textarea").fill(LINE)
    facilitator.locator(".rp-send").click()
    agent_line = facilitator.locator(".rp-agent", has_text="sounds really frustrating")
    agent_line.wait_for(timeout=TIMEOUT)
    assert HOSTILE in agent_line.inner_text()  # shown as text…
    facilitator.locator(".rp-customer").nth(1).wait_for(timeout=TIMEOUT)  # …and the customer answered

    observer, obs_dialogs = _page(browser)
    observer.goto(server.url("observer", session=session, name="ben"))
    seen = observer.locator(".rp-agent", has_text="sounds really frustrating")
    seen.wait_for(timeout=TIMEOUT)
    assert HOSTILE in seen.inner_text()
    observer.locator(".rp-row", has=seen).locator(".rp-row-action").click()
    observer.locator(".rp-saved", has_text="Quoted message").wait_for(timeout=TIMEOUT)
    observer.locator(".rp-tick-acknowledgment").click()
    observer.locator(".rp-saved", has_text="Ticked acknowledgment").wait_for(timeout=TIMEOUT)

    notes = facilitator.locator("li", has_text="acknowledgment (ben)").first
    notes.wait_for(timeout=TIMEOUT)
    assert facilitator.locator("li", has_text="sounds really frustrating").count() >= 1
    for page in (facilitator, observer):
        assert page.locator('img[src="x"]').count() == 0  # the typed tag never became an element
    assert fac_dialogs == obs_dialogs == []
    _shot(facilitator, "facilitator")
    _shot(observer, "observer")


def test_every_page_opens_and_a_bad_code_gets_a_message_not_a_traceback(browser: Any, server: Server,
                                                                         session: str) -> None:
    page, _ = _page(browser)
    page.goto(server.url("projector", session=session))
    page.locator(".rp-countdown").wait_for(timeout=TIMEOUT)
    _shot(page, "projector")
    page.goto(server.url("customer", session=session, name="cy"))
    page.get_by_text("The simulated customer plays this scene").wait_for(timeout=TIMEOUT)
    _shot(page, "customer")
    page.goto(server.url("library"))
    page.get_by_text("Draft a card").wait_for(timeout=TIMEOUT)
    _shot(page, "library")
    page.goto(server.url("observer", session="ZZZZ", name="ben"))
    page.locator(".rp-status[role=alert]").wait_for(timeout=TIMEOUT)
    assert "Traceback" not in page.content()
    _shot(page, "bad-code")


def test_the_countdown_shows_the_servers_time_on_a_laptop_whose_clock_is_off(
        browser: Any, server: Server, session: str) -> None:
    wb = Workbench.open(server.db)
    scene = wb.scenes(wb.session(session).id)[-1].id
    wb.start(scene)
    left = wb.scene_state(scene).remaining
    wb.close()
    page, _ = _page(browser)
    # this laptop's clock runs ten minutes fast
    page.add_init_script("(() => { const skew = 600000; const now = Date.now.bind(Date);"
                         " Date.now = () => now() + skew; })()")
    page.goto(server.url("projector", session=session))
    clock = page.locator(".rp-countdown[data-offset-ms]")
    clock.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(600)  # a few redraws after the offset arrived
    shown = int(clock.get_attribute("data-remaining") or "-999")
    assert left is not None and 0 < shown <= left
    assert abs(int(clock.get_attribute("data-offset-ms") or "0") + 600000) < 5000


def test_an_unconfigured_llm_customer_is_refused_in_view_on_a_laptop(browser: Any, server: Server,
                                                                      session: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(server.url("facilitator", session=session))
    page.locator(".rp-start").wait_for(timeout=TIMEOUT)
    engine = page.locator("select", has=page.locator("option", has_text="LLM"))
    engine.select_option(label="LLM (OpenAI-compatible)")
    page.locator(".rp-new-scene").click()
    alert = page.locator(".rp-status[role=alert]", has_text="No scene was started")
    alert.wait_for(timeout=TIMEOUT)
    assert "ROLEPLAY_OPENAI_MODEL" in alert.inner_text()
    box = alert.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # seen without scrolling
    wb = Workbench.open(server.db)
    assert [s.engine for s in wb.scenes(wb.session(session).id)] == ["embedded"]  # no dead scene
    wb.close()
    _shot(page, "facilitator-llm-not-set-up")
    context.close()


def test_no_page_asks_the_internet_for_anything(browser: Any, server: Server, session: str) -> None:
    """The room may have no internet: every request a page makes stays on this machine."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(str(error)))
    pages = (("facilitator", {"session": session}), ("observer", {"session": session, "name": "ben"}),
             ("projector", {"session": session}), ("customer", {"session": session, "name": "cy"}),
             ("library", {}))
    for name, query in pages:
        page.goto(server.url(name, **query))
        page.locator("#rendered_cells").wait_for(state="visible", timeout=TIMEOUT)  # Voilà has drawn it
        page.wait_for_timeout(1000)
    assert outside == []  # Font Awesome from a CDN, once asked by Voilà's template, is not
    assert failures == []  # no script error ("r.setData is not a function") on any page
    context.close()
