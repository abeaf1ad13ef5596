"""A whole session in a real browser, from a fresh store and without Python: the facilitator
sets the session up at the front desk, picks the agent, runs a scene through every phase,
rewinds twice, and an observer joins from a second laptop by typing her name. Screenshots
of each step go to ``test-artifacts/room-*.png``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from facilitation.workbench import Workbench

from .browser import ARTIFACTS, FLAGS, Server, chromium_path, need_browser, start_server

TIMEOUT = 60_000  # ms: cold kernels on a busy two-core machine
LAPTOP = {"width": 1366, "height": 768}
LINES = ["I'm so sorry, seeing a bill like that is a real shock.",
         "Could you tell me what changed on your team recently?",
         "It's a bill for the seats added, so it is correct."]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    folder = tmp_path_factory.mktemp("room")
    yield from start_server(f"sqlite:///{folder / 'room.db'}", folder / "voila.log", pool_size=1)


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"room-{name}.png"))


def _customer_lines(page: Any, count: int) -> None:
    # stored rows only: the bubble of a reply still streaming is a customer line too, and it grows
    page.locator(".rp-transcript .rp-row .rp-customer").nth(count - 1).wait_for(timeout=TIMEOUT)
    page.locator(".rp-transcript .rp-streaming").wait_for(state="detached", timeout=TIMEOUT)


def _say(page: Any, text: str, replies: int) -> None:
    page.locator(".rp-input textarea").fill(text)
    page.locator(".rp-send").click()
    # the line in this attempt's rows first: just after a rewind the old attempt may still be drawn
    page.locator(".rp-transcript .rp-row .rp-agent", has_text=text).wait_for(timeout=TIMEOUT)
    _customer_lines(page, replies)


def _retry_from(page: Any, text: str) -> None:
    row = page.locator(".rp-transcript .rp-row", has=page.locator(".rp-agent", has_text=text))
    row.locator(".rp-row-action", has_text="↺").click()


def test_a_facilitator_runs_a_whole_session_from_a_fresh_store(server: Server) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        page = browser.new_context(viewport=LAPTOP).new_page()
        page.goto(server.url("facilitator"))  # no session yet: the front desk
        page.get_by_text("No sessions yet").wait_for(timeout=TIMEOUT)
        page.get_by_placeholder("e.g. Billing team, Tuesday practice").fill("Billing, Thursday practice")
        page.get_by_placeholder("your full name").fill("Fran Ito")
        page.get_by_placeholder("optional, e.g. Billing").fill("Billing")
        page.get_by_placeholder("one full name per line").fill("Ana Lopez\nBen Okafor\nCy Park")
        page.locator(".rp-create-session").click()
        page.get_by_text("run it now").wait_for(timeout=TIMEOUT)
        _shot(page, "1-front-desk")
        page.get_by_text("run it now").click()

        page.locator(".rp-agent-pick select").wait_for(timeout=TIMEOUT)
        page.locator(".rp-agent-pick select").select_option(label="Cy Park")  # not the rotation's pick
        page.locator(".rp-new-scene").click()
        page.locator(".rp-cast", has_text="Agent: Cy Park").wait_for(timeout=TIMEOUT)
        page.locator(".rp-start").click()
        page.locator(".rp-countdown[data-phase=brief]").wait_for(timeout=TIMEOUT)
        assert page.locator(".rp-agent-screen").is_visible()  # the account and facts, from the brief on
        _shot(page, "2-brief")
        page.locator(".rp-skip").click()
        _customer_lines(page, 1)  # the customer opens the act

        observer = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        code = page.locator(".rp-code").first.inner_text().split()[-1]
        observer.goto(server.url("observer", session=code))  # no name in the link
        observer.get_by_placeholder("Your full name, e.g. Ana Lopez").fill("Ben Okafor")
        observer.locator(".rp-join").click()
        observer.get_by_text("Observing as").wait_for(timeout=TIMEOUT)

        for n, line in enumerate(LINES, start=2):
            _say(page, line, n)
        observer.locator(".rp-agent", has_text="real shock").wait_for(timeout=TIMEOUT)
        observer.locator(".rp-tick-acknowledgment").click()
        observer.locator(".rp-saved", has_text="Ticked acknowledgment").wait_for(timeout=TIMEOUT)
        observer.locator(".rp-transcript .rp-row").last.scroll_into_view_if_needed()  # down the chat…
        ticks = observer.locator(".rp-tick-acknowledgment").bounding_box()
        assert ticks is not None and 0 <= ticks["y"] < 768  # …the checklist is still on screen
        _shot(observer, "3-observer")
        page.locator("li", has_text="acknowledgment").filter(has_text="Ben Okafor").first.wait_for(
            timeout=TIMEOUT)  # the facilitator sees the tick by the observer's name

        _retry_from(page, LINES[2])  # first rewind: the wrong-sounding explanation
        _say(page, "Twelve seats were added on your account last month, which is why the bill doubled.", 3)
        _retry_from(page, LINES[1])  # second rewind, in the new attempt
        _say(page, "What would help you most with finance today?", 2)
        box = page.locator(".rp-input textarea")
        box.scroll_into_view_if_needed()  # down at the message box, under a long chat…
        page.wait_for_timeout(300)
        bar = page.locator(".rp-sticky").bounding_box()
        assert bar is not None and bar["y"] <= 10  # …the clock and the phase controls stay in view
        assert page.evaluate("document.querySelector('#rendered_cells').scrollTop") > 200
        typed = box.bounding_box()
        assert typed is not None and bar["y"] + bar["height"] <= typed["y"] < LAPTOP["height"]
        _shot(page, "4-after-two-rewinds")
        # with two earlier attempts beside it, the current one's ↺ is on screen and takes the click
        retry = page.locator(".rp-transcript .rp-row", has=page.locator(
            ".rp-agent", has_text="What would help you most")).locator(".rp-row-action", has_text="↺")
        retry.scroll_into_view_if_needed()
        spot = retry.bounding_box()
        assert spot is not None and spot["x"] >= 0 and spot["x"] + spot["width"] <= LAPTOP["width"]
        centre = (spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2)
        assert retry.evaluate("(b, [x, y]) => b.contains(document.elementFromPoint(x, y))", centre)

        page.locator(".rp-skip").click()  # act → rewind
        page.locator(".rp-countdown[data-phase=rewind]").wait_for(timeout=TIMEOUT)
        page.locator(".rp-skip").click()  # rewind → debrief
        page.locator(".rp-scorecard").wait_for(timeout=TIMEOUT)  # the debrief tab opened by itself
        _shot(page, "5-debrief")
        page.locator(".rp-end").click()
        page.get_by_role("button", name="Yes, end it").click()
        page.locator(".rp-phases .rp-now").wait_for(state="detached", timeout=TIMEOUT)
        browser.close()

    wb = Workbench.open(server.db)
    [session] = wb_sessions(wb)
    [scene] = wb.scenes(session.id)
    assert scene.phase == "ended" and scene.roles["cy-park"] == "agent"
    said = [m.text for m in wb.transcript(scene.id) if m.speaker == "agent"]
    assert said == [LINES[0], "What would help you most with finance today?"]  # the lines before + the retry
    for branch in wb.branches(scene.id):
        assert [m.index for m in wb.transcript(scene.id, branch.id)] == list(
            range(len(wb.transcript(scene.id, branch.id))))
    assert wb.score_card(scene.id) is not None
    assert {n.observer for n in wb.notes(scene.id)} == {"ben-okafor"}
    wb.close()


def wb_sessions(wb: Workbench) -> list[Any]:
    from facilitation.roster import sessions

    return [wb.session(s.code) for s in sessions(wb)]
