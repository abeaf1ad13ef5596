"""The room's views without a browser: widgets driven by .click() and values, as ipywidgets tests
its own. Two pages on two workbenches stand for two kernels sharing the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from facilitation.clock import FakeClock
from facilitation.library import Library
from facilitation.roster import sessions as roster_sessions
from facilitation.scenebase import InvalidInput
from facilitation.workbench import Workbench
from tests.conftest import POOR
from widgets.apps import CustomerApp, FacilitatorApp, ObserverApp, ProjectorApp
from widgets.common import Status, escape, guarded
from widgets.join import JoinForm, joined
from widgets.launch import AccessDenied, require_facilitator
from widgets.projector import observer_link
from widgets.sessions import SessionDesk
from widgets.sync import SCENE_CHECK_EVERY

CARD = "frustrated-billing-customer"
HOSTILE = "<img src=x onerror=alert(1)>"
GOOD_LINE = "That sounds really stressful, I'm sorry. Can you tell me what changed on your team?"


@pytest.fixture
def room(tmp_path, library: Library, clock: FakeClock) -> Iterator[tuple[FacilitatorApp, ObserverApp]]:
    url = f"sqlite:///{tmp_path / 'room.db'}"
    fac_wb = Workbench.open(url, library=library, clock=clock)
    obs_wb = Workbench.open(url, library=library, clock=clock)
    info = fac_wb.create_session("Practice", "fran", ["ana", "ben", "cy"])
    facilitator = FacilitatorApp(fac_wb, info.code)
    facilitator.card.value = CARD
    facilitator.create_scene()
    observer = ObserverApp(obs_wb, info.code, "ben")
    observer.poll()
    yield facilitator, observer
    fac_wb.close()
    obs_wb.close()


def _to_act(facilitator: FacilitatorApp) -> None:
    facilitator.bar.buttons["start"].click()
    facilitator.bar.buttons["skip"].click()


def _say(facilitator: FacilitatorApp, text: str) -> None:
    facilitator.chat.box.value = text
    facilitator.chat.send.click()


def test_the_loop_runs_from_the_phase_bar_and_the_customer_opens_the_act(room) -> None:
    facilitator, _ = room
    assert facilitator.bar.buttons["pause"].disabled and not facilitator.bar.buttons["start"].disabled
    facilitator.bar.buttons["start"].click()
    clock = facilitator.bar.countdown
    assert clock.phase == "brief" and clock.deadline_ms is not None and not clock.paused
    facilitator.bar.buttons["pause"].click()
    assert clock.paused and clock.deadline_ms is None and 0 < clock.remaining_s <= 60
    facilitator.bar.buttons["resume"].click()
    facilitator.bar.buttons["extend"].click()
    assert facilitator.wb.scene_state(facilitator.scene.id).remaining > 60
    facilitator.bar.buttons["skip"].click()
    assert clock.phase == "act"
    assert [m.speaker for m in facilitator.chat.transcript.shown] == ["customer"]
    assert not facilitator.chat.box.disabled


def test_an_agent_message_gets_a_streamed_reply_and_its_pause_is_stored(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    _say(facilitator, "I'm so sorry, that sounds really frustrating. What happened?")
    agent, reply = facilitator.wb.transcript(facilitator.scene.id)[1:]
    assert agent.pause_ms is not None and agent.pause_ms >= 0
    assert reply.speaker == "customer" and facilitator.chat.transcript.streaming.value == ""
    assert facilitator.chat.box.value == ""


def test_the_observer_sees_a_new_message_on_the_next_poll_and_quotes_and_ticks_it(room) -> None:
    facilitator, observer = room
    _to_act(facilitator)
    _say(facilitator, f"{HOSTILE} I hear you, that's a lot to deal with.")
    assert observer.poll()
    rows = observer.transcript.rows.children
    agent_row = rows[1]
    bubble, quote = agent_row.children
    assert HOSTILE not in bubble.value and "&lt;img src=x onerror=alert(1)&gt;" in bubble.value
    quote.click()
    observer.checklist.ticks["acknowledgment"].value = True
    observer.checklist.softened.click()
    observer.checklist.note.value = "Good recovery after the <b>charge</b> question"
    kinds = [(n.kind, n.item) for n in facilitator.wb.notes(facilitator.scene.id)]
    assert kinds == [("quote", None), ("tick", "acknowledgment"), ("marker", "tone-softened"), ("note", None)]
    assert observer.checklist.note.value == ""  # saved the moment it was made, ready for the next
    observer.checklist.ticks["acknowledgment"].value = False
    assert [n.kind for n in facilitator.wb.notes(facilitator.scene.id)] == ["quote", "marker", "note"]
    facilitator.poll()
    shown = facilitator.notes.value
    assert "&lt;b&gt;charge&lt;/b&gt;" in shown and "<b>charge" not in shown


def test_tone_softened_goes_on_the_chosen_customer_line_and_the_facilitator_sees_its_number(room) -> None:
    facilitator, observer = room
    _to_act(facilitator)  # the customer opens: message 1
    _say(facilitator, "I'm so sorry, that sounds stressful. What changed on your team lately?")  # 2, reply 3
    observer.poll()
    assert observer.checklist.softened.description == "Tone softened at message 3"  # the latest customer line
    observer.checklist.softened.click()
    first_row = observer.transcript.rows.children[0]  # the customer's opening carries ≈; agent rows do not
    assert [b.description for b in first_row.children[1:]] == ["❝", "≈"]
    assert [b.description for b in observer.transcript.rows.children[1].children[1:]] == ["❝"]
    first_row.children[2].click()
    marks = [n for n in facilitator.wb.notes(facilitator.scene.id) if n.kind == "marker"]
    numbers = {m.id: m.index + 1 for m in facilitator.wb.transcript(facilitator.scene.id)}
    assert [numbers[n.message_id] for n in marks] == [3, 1]
    facilitator.poll()
    assert "tone softened at message 3 <small>(ben)" in facilitator.notes.value
    assert "tone softened at message 1 <small>(ben)" in facilitator.notes.value


def test_the_observers_pause_timer_stores_the_pause(room) -> None:
    facilitator, observer = room
    _to_act(facilitator)
    observer.poll()
    observer.checklist.timer.click()
    observer.checklist.timer.click()
    (note,) = facilitator.wb.notes(facilitator.scene.id)
    assert note.kind == "timer" and note.value is not None and note.value >= 0


def test_the_card_and_customer_pickers_show_the_loaded_scene(tmp_path, library: Library,
                                                              clock: FakeClock) -> None:
    wb = Workbench.open(f"sqlite:///{tmp_path / 'room.db'}", library=library, clock=clock)
    info = wb.create_session("Practice", "fran", ["ana", "ben"])
    wb.create_scene(info.id, CARD, engine="scripted")
    page = FacilitatorApp(wb, info.code)  # a reload, or a second facilitator tab
    page.poll()
    assert (page.card.value, page.engine.value) == (CARD, "scripted")
    wb.close()


def test_rewind_retries_from_an_agent_line_and_attempts_stand_side_by_side(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    _say(facilitator, "Calm down, it's policy.")
    retry = facilitator.chat.transcript.rows.children[1].children[1]
    retry.click()
    assert len(facilitator.wb.branches(facilitator.scene.id)) == 2
    assert len(facilitator.chat.attempts.children) == 2  # the first attempt beside the retry
    assert "Calm down" in facilitator.chat.attempts.children[0].value
    assert [m.speaker for m in facilitator.chat.transcript.shown] == ["customer"]


def test_restarting_the_act_keeps_the_abandoned_attempt(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    _say(facilitator, "Whatever.")
    facilitator.restart_button.click()
    assert facilitator.confirm_restart.asking and [b.reason for b in facilitator.wb.branches(
        facilitator.scene.id)][-1] != "restart"  # nothing happens before the second click
    facilitator.confirm_restart.yes.click()
    branches = facilitator.wb.branches(facilitator.scene.id)
    assert [b.reason for b in branches][-1] == "restart"
    assert "Whatever." in facilitator.chat.attempts.children[0].value


@pytest.mark.parametrize(("card_id", "never"), [
    ("phone-long-hold-apology", "Has switched from chat to a phone call."),  # a phone card
    ("sso-login-loop-after-idp-change", "Now wants a refund instead of a credit."),  # no bill in an SSO loop
])
def test_the_nudge_deck_fits_the_card(room, card_id: str, never: str) -> None:
    facilitator, _ = room
    facilitator.card.value = card_id
    facilitator.create_scene()
    facilitator.poll()
    sections = facilitator.deck.children[:3]
    offered = [b.description for section in sections for b in section.children[1].children]
    assert never not in offered and "Wants the answer in writing before agreeing to anything." in offered


def test_a_cue_card_reaches_the_agents_screen(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    cue = facilitator.deck.children[0].children[1].children[0]
    cue.click()
    facilitator.poll()
    assert f"Cue from the facilitator:</b> {escape(cue.description)}" in facilitator.screen.value


def test_the_agent_sees_this_attempts_account_and_facts_until_the_debrief(room) -> None:
    facilitator, _ = room
    drawn = facilitator.wb.drawn_card(facilitator.scene.id)
    screen = facilitator.screen.value
    for shown in (drawn.values["seats_added"], drawn.values["actual_charge"], drawn.values["customer_name"],
                  "cannot be refunded"):  # this attempt's draw, and the rule to work within
        assert shown in screen, shown
    assert drawn.card.hidden_objectives[0].need not in screen  # what the customer keeps to themself
    _to_act(facilitator)
    assert facilitator.screen.layout.display is None and facilitator.tabs.selected_index == 0
    _say(facilitator, GOOD_LINE)
    facilitator.bar.buttons["skip"].click()  # act → rewind
    facilitator.bar.buttons["skip"].click()  # rewind → debrief
    assert facilitator.screen.layout.display == "none"
    assert facilitator.tabs.selected_index == 1  # the debrief tab opens by itself…
    assert "Score " in facilitator.debrief.card.value  # …with the score card already there


def test_the_message_box_closes_once_the_customer_has_left(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    for line in [*POOR, "You should have read the terms.", "Not my problem.", "Anything else?"] * 2:
        if facilitator.chat.box.disabled:
            break
        _say(facilitator, line)
    state = facilitator.wb.customer_state(facilitator.scene.id)
    assert state.ended and state.outcome in ("escalated", "abandoned")
    assert facilitator.chat.box.disabled and facilitator.chat.send.disabled
    assert "retry from a line" in facilitator.chat.box.placeholder


def test_a_nudge_is_one_click(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    facilitator.deck.children[1].children[1].children[0].click()  # the first goal swap
    events = facilitator.wb.changes_since(facilitator.scene.id, 0).events
    assert [e.payload["type"] for e in events if e.kind == "nudge"] == ["goal"]


def test_debrief_board_keeps_the_layers_and_shows_the_score_card(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    _say(facilitator, "I'm so sorry, that sounds frustrating. I'll email the breakdown by 5pm today.")
    facilitator.bar.buttons["end"].click()
    facilitator.bar.confirm_end.no.click()
    assert facilitator.wb.scene_state(facilitator.scene.id).phase != "ended"  # a slip of the mouse
    facilitator.bar.buttons["end"].click()
    facilitator.bar.confirm_end.yes.click()
    board = facilitator.debrief
    board.person.value, board.layer.value, board.text.value = "ana", "feeling", f"Nervous {HOSTILE}"
    board.add.click()
    assert "Nervous &lt;img" in board.columns["feeling"].value
    assert "Score" in board.card.value and "Highlighted moments" in board.card.value


def test_realism_rating_and_flags_reach_the_library(room) -> None:
    facilitator, _ = room
    _to_act(facilitator)
    flag = facilitator.chat.transcript.rows.children[0].children[1]
    flag.click()
    # the confirmation shows under the chat, beside the line that was flagged, not at the page's foot
    assert "Flagged as unrealistic" in facilitator.scene_status.value and facilitator.status.value == ""
    form = facilitator.realism
    form.rate.click()
    assert "Pick 1 to 5" in form.status.value
    form.stars.value = 4
    form.rate.click()
    summary = facilitator.wb.card_realism()[CARD]
    assert summary.mean == 4.0 and len(summary.flagged_lines) == 1


def test_a_refused_action_is_one_line_and_the_page_lives_on(room) -> None:
    facilitator, _ = room
    facilitator.bar.buttons["start"].click()
    facilitator.chat.box.value = "Hello?"
    facilitator.chat.send.disabled = False  # as if a stale page sent it: the façade still refuses
    facilitator.chat.send.click()
    assert "messages are taken during act" in facilitator.chat.status.value
    assert facilitator.chat.box.value == "Hello?"  # nothing typed is lost


def test_an_unconfigured_llm_customer_is_refused_beside_the_new_scene_button(
        room, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("ROLEPLAY_OPENAI_MODEL", "ROLEPLAY_OPENAI_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ROLEPLAY_OPENAI_CONFIG", str(tmp_path / "absent.toml"))
    facilitator, _ = room
    before = facilitator.scene
    facilitator.engine.value = "openai"
    facilitator.new_scene.click()
    facilitator.poll()
    line = facilitator.setup_status.value
    assert "No scene was started" in line and "ROLEPLAY_OPENAI_MODEL" in line and 'role="alert"' in line
    assert facilitator.children.index(facilitator.setup_status) == 2  # right under the controls
    assert facilitator.scene == before and len(facilitator.wb.scenes(facilitator.info.id)) == 1
    facilitator.engine.value = "embedded"
    facilitator.new_scene.click()
    assert facilitator.setup_status.value == ""
    assert len(facilitator.wb.scenes(facilitator.info.id)) == 2


def test_an_observer_without_a_name_in_the_link_joins_by_typing_it(room) -> None:
    facilitator, _ = room
    wb = facilitator.wb
    code = facilitator.info.code
    form = JoinForm(wb, code, "an observer", lambda p: ObserverApp(wb, code, p))
    form.join.click()
    assert "Type your name first" in form.status.value and form.page is None  # no shared identity
    form.name.value = "Dee Quinn"
    form.join.click()
    page = form.page
    assert isinstance(page, ObserverApp) and page.observer == "dee-quinn"
    assert "Observing as <b>Dee Quinn</b>" in page.header.value
    assert "dee-quinn" in wb.session(facilitator.info.code).participants
    page.poll()
    _to_act(facilitator)
    page.poll()
    page.checklist.ticks["acknowledgment"].value = True
    assert [n.observer for n in wb.notes(facilitator.scene.id)] == ["dee-quinn"]  # the note has its author


def test_a_name_in_the_link_finds_the_person_by_id_or_full_name(room) -> None:
    facilitator, _ = room
    wb = facilitator.wb
    wb.add_person("Erin Cole", "erin")
    code = facilitator.info.code
    assert joined(wb, code, "erin COLE") == "erin" == joined(wb, code, "erin")
    assert wb.session(facilitator.info.code).participants.count("erin") == 1


def test_the_front_desk_sets_a_session_up_without_python(tmp_path, library: Library,
                                                         clock: FakeClock) -> None:
    wb = Workbench.open(f"sqlite:///{tmp_path / 'room.db'}", library=library, clock=clock)
    desk = SessionDesk(wb, {"key": "k3y", "token": "t0k"})
    assert "No sessions yet" in desk.listing.value
    desk.title.value, desk.facilitator.value, desk.team.value = "Tuesday practice", "Fran Ito", "Billing"
    desk.create.click()
    assert "needs its participants" in desk.status.value and desk.title.value  # nothing typed is lost
    desk.people.value = "Ana Lopez\n\n  Ben Okafor \n" + HOSTILE
    desk.create.click()
    [made] = [wb.session(s.code) for s in roster_sessions(wb)]
    assert [wb.person_name(p) for p in made.participants] == ["Ana Lopez", "Ben Okafor", HOSTILE]
    assert made.code in desk.status.value and "Tuesday practice" in desk.listing.value
    assert f'href="facilitator.ipynb?session={made.code}&amp;key=k3y&amp;token=t0k"' in desk.listing.value
    assert HOSTILE not in desk.listing.value and desk.people.value == ""
    wb.close()


def test_the_facilitator_adds_a_latecomer_by_name(room) -> None:
    facilitator, _ = room
    facilitator.casting.newcomer.value = "Dee Quinn"
    facilitator.casting.add_newcomer.click()
    assert "Dee Quinn joined the session" in facilitator.setup_status.value
    assert "Dee Quinn" in facilitator.casting.people.value
    assert ("Dee Quinn", "dee-quinn") in facilitator.casting.agent.options  # and may play the agent next
    assert facilitator.wb.session(facilitator.info.code).participants[-1] == "dee-quinn"


def test_the_facilitator_picks_who_plays_the_agent_and_the_customer(room) -> None:
    facilitator, _ = room
    assert facilitator.scene.roles["ana"] == "agent"
    assert facilitator.casting.agent.value == "ben"  # the rotation's suggestion for the next scene
    assert facilitator.casting.customer.layout.display == "none"  # no person plays a simulated customer
    facilitator.casting.agent.value = "cy"  # the facilitator knows better
    facilitator.create_scene()
    facilitator.poll()
    assert facilitator.scene.roles == {"ana": "observer", "ben": "observer", "cy": "agent"}
    assert "Agent: <b>cy</b>" in facilitator.panel.children[0].value  # the agent's name is on the page

    facilitator.engine.value = "human"
    assert facilitator.casting.customer.layout.display is None
    assert (facilitator.casting.agent.value, facilitator.casting.customer.value) == ("ana", "ben")
    facilitator.casting.customer.value = "ana"  # the same person cannot play both sides
    facilitator.new_scene.click()
    assert "other than the agent" in facilitator.setup_status.value
    facilitator.casting.customer.value = "cy"
    facilitator.new_scene.click()
    facilitator.poll()
    assert facilitator.scene.roles == {"ana": "agent", "ben": "observer", "cy": "customer"}
    assert "Customer: <b>cy</b>" in facilitator.panel.children[0].value


def test_an_unexpected_failure_shows_no_traceback() -> None:
    status = Status()

    @guarded(status)
    def broken() -> None:
        raise KeyError("internal detail")

    broken()
    assert "Something went wrong" in status.value and "internal detail" not in status.value


def test_the_projector_follows_the_session(room) -> None:
    facilitator, _ = room
    projector = ProjectorApp(facilitator.wb, facilitator.info.code)
    projector.poll()
    assert "Frustrated Billing" in projector.view.title.value
    facilitator.bar.buttons["start"].click()
    projector.poll()
    assert projector.view.countdown.phase == "brief" and projector.view.countdown.size == "12em"
    brief = facilitator.wb.drawn_card(facilitator.scene.id).card.brief
    assert escape(brief) in projector.view.brief.value  # the whole brief, the task included
    assert facilitator.info.code in projector.view.join.value
    assert "?session=" not in projector.view.join.value  # no developer text on the wall


def test_the_projector_shows_a_qr_code_for_observers_and_the_debrief_layer(room, monkeypatch) -> None:
    facilitator, _ = room
    monkeypatch.setenv("ROLEPLAY_ROOM_URL", "http://10.0.0.5:8866/voila/render")
    monkeypatch.setenv("ROLEPLAY_ROOM_TOKEN", "tok")
    assert observer_link("K7Q2") == "http://10.0.0.5:8866/voila/render/observer.ipynb?session=K7Q2&token=tok"
    projector = ProjectorApp(facilitator.wb, facilitator.info.code)
    projector.poll()
    assert "<svg" in projector.view.join.value and "<script" not in projector.view.join.value
    assert projector.view.layers.value == ""
    _to_act(facilitator)
    facilitator.wb.goto(facilitator.scene.id, "debrief")
    projector.poll()
    assert 'rp-now" data-layer="feeling"' in projector.view.layers.value  # the room starts with feelings
    facilitator.wb.add_debrief(facilitator.scene.id, "ana", "strength", "Named the shock first")
    projector.poll()
    assert 'rp-now" data-layer="strength"' in projector.view.layers.value


def test_the_peer_playing_the_customer_sees_the_clock_and_the_chat_first(room) -> None:
    facilitator, _ = room
    facilitator.engine.value = "human"
    facilitator.create_scene()
    facilitator.poll()
    customer_seat = next(p for p, r in facilitator.scene.roles.items() if r == "customer")
    page = CustomerApp(facilitator.wb, facilitator.info.code, customer_seat)
    page.poll()
    _to_act(facilitator)
    page.poll()
    assert page.bar.countdown.phase == "act"  # the clock and the phase, as the room sees them
    chat_column, lens = page.panel.children[1].children
    assert page.chat in chat_column.children and not page.chat.box.disabled
    assert "Your customer lens" in lens.value and "earned by" not in lens.value
    page.chat.box.value = "Why was I charged double?"
    page.chat.send.click()
    assert [m.speaker for m in facilitator.wb.transcript(facilitator.scene.id)] == ["customer"]


def test_the_customer_page_opened_by_anyone_else_shows_neither_the_lens_nor_a_message_box(room) -> None:
    """Under --lan every laptop holds the room token: the agent who opens the customer link
    with their own name must not read what they have to earn, nor post as the customer."""
    facilitator, _ = room
    facilitator.engine.value = "human"
    facilitator.create_scene()
    facilitator.poll()
    roles = facilitator.scene.roles
    agent = next(p for p, r in roles.items() if r == "agent")
    customer_seat = next(p for p, r in roles.items() if r == "customer")
    _to_act(facilitator)
    for someone in (agent, next(p for p, r in roles.items() if r == "observer")):
        page = CustomerApp(facilitator.wb, facilitator.info.code, someone)
        page.poll()
        shown = _text_of(page.panel)
        assert "Your customer lens" not in shown and page.chat is None
        assert f"{customer_seat} plays the customer in this scene" in shown
    need = facilitator.wb.library.card(CARD).hidden_objectives[0].need
    assert need not in _text_of(page.panel)
    with pytest.raises(InvalidInput, match=f"{agent} does not play the customer"):
        facilitator.wb.post_message(facilitator.scene.id, "customer", "I'm the customer now", author=agent)
    assert facilitator.wb.transcript(facilitator.scene.id) == []


def _text_of(widget) -> str:
    parts = [str(getattr(widget, "value", ""))]
    for child in getattr(widget, "children", ()):
        parts.append(_text_of(child))
    return " ".join(parts)


def test_facilitator_pages_need_the_key_when_the_server_set_one(monkeypatch) -> None:
    monkeypatch.setenv("ROLEPLAY_FACILITATOR_KEY", "s3cret")
    with pytest.raises(AccessDenied):
        require_facilitator({"session": "K7Q2"})
    require_facilitator({"session": "K7Q2", "key": "s3cret"})
    monkeypatch.setenv("ROLEPLAY_FACILITATOR_KEY", "clé-secrète")  # not ASCII: compare_digest raised
    with pytest.raises(AccessDenied):
        require_facilitator({"key": "wrong-ключ"})
    require_facilitator({"key": "clé-secrète"})
    monkeypatch.delenv("ROLEPLAY_FACILITATOR_KEY")
    require_facilitator({})


def test_the_countdown_answers_the_browsers_clock_question() -> None:
    from widgets.countdown import Countdown

    clock = Countdown()
    sent: list[dict] = []
    clock.send = sent.append  # type: ignore[method-assign]
    clock._answer_clock(clock, {"type": "clock?", "sent": 1000.0}, [])
    assert sent[0]["type"] == "clock" and sent[0]["sent"] == 1000.0 and sent[0]["server_ms"] > 1e12


def test_the_facilitators_page_notes_overtime_while_the_room_is_idle(room, clock: FakeClock) -> None:
    facilitator, _ = room
    facilitator.bar.buttons["start"].click()
    clock.advance(75)
    facilitator.poll()  # nothing was written, yet the poll notes the overtime…
    facilitator.poll()  # …and the next one shows it
    assert facilitator.wb.scene_state(facilitator.scene.id).overtime
    assert "rp-over" in facilitator.bar.pills.value


def test_the_library_page_needs_the_facilitators_key_when_the_server_set_one(monkeypatch, tmp_path) -> None:
    from widgets.library import library_app

    monkeypatch.setenv("ROLEPLAY_FACILITATOR_KEY", "s3cret")
    page = library_app(f"sqlite:///{tmp_path / 'lib.db'}")
    assert "for the facilitator" in page.children[0].value


def test_notes_come_only_from_the_room_watching_the_scene(room) -> None:
    """Notes could be filed under any name, the facilitator's included, and fed calibration."""
    facilitator, _ = room
    wb = facilitator.wb
    scene = facilitator.scene.id  # ana plays the agent; ben and cy watch
    refusals = {"fran": "facilitates this session", "ana": "plays the agent in this scene",
                "zed": "has not joined this session"}
    for person, reason in refusals.items():
        with pytest.raises(InvalidInput, match=reason):
            wb.add_note(scene, person, "tick", item="acknowledgment")
    wb.add_note(scene, "cy", "tick", item="acknowledgment")
    wb.join(facilitator.info.code, "dee")  # a latecomer observes from the moment they join
    wb.add_note(scene, "dee", "tick", item="acknowledgment")
    assert sorted(n.observer for n in wb.notes(scene)) == ["cy", "dee"]


@pytest.mark.parametrize(("person", "reason"), [
    ("ana", "You play the agent in this scene, so the others observe it"),
    ("fran", "You facilitate this session: run it from the facilitator page"),
])
def test_the_observer_page_says_why_someone_in_the_scene_has_no_checklist(room, person: str,
                                                                          reason: str) -> None:
    facilitator, _ = room
    page = ObserverApp(facilitator.wb, facilitator.info.code, person)
    page.poll()
    assert page.checklist is None
    assert any(reason in getattr(child, "value", "") for child in page.panel.children)
    facilitator.casting.agent.value = "ben"  # the next scene: ana watches it
    facilitator.create_scene()
    for _ in range(SCENE_CHECK_EVERY):  # a page looks for a new scene every few polls
        page.poll()
    assert page.scene.id == facilitator.scene.id
    assert (page.checklist is not None) == (person == "ana")


def test_the_agents_hint_is_a_word_not_an_emoji_a_laptop_may_lack(room) -> None:
    """The 💡 before each hint showed as an empty box in a browser without an emoji font."""
    facilitator, _ = room
    _to_act(facilitator)  # the customer opens upset: the hint says to acknowledge the feeling
    hint = facilitator.chat.hint.value
    assert "<b>Hint:</b> Customer sounds" in hint and "acknowledge the feeling first" in hint
    assert all(ord(c) < 0x2000 or c in "—…" for c in hint)
