"""Score cards with evidence, observer agreement, stored scores and live hints, through the façade."""

from __future__ import annotations

import re

import pytest

from facilitation.clock import FakeClock
from facilitation.scoring import SCORER_VERSION, score_scene
from facilitation.workbench import InvalidInput, Workbench

from .conftest import GOOD, POOR

CARD = "frustrated-billing-customer"
UPSET = "This is ridiculous! You doubled my bill without a word and I'm furious."


def _play(wb: Workbench, lines: list[str], customer: str = UPSET) -> str:
    session = wb.create_session("Scoring practice", "fran", ["ana", "obi", "oda"])
    scene = wb.create_scene(session.id, CARD, seed=4, roles={"ana": "agent"}).id
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")
    for line in lines:
        wb.post_message(scene, "customer", customer)
        wb.post_message(scene, "agent", line, author="ana")
    return scene


def test_a_good_scene_outscores_a_poor_one_and_every_number_shows_its_working(wb: Workbench) -> None:
    good, poor = wb.score(_play(wb, GOOD)), wb.score(_play(wb, POOR))
    assert good.overall > poor.overall + 30
    for card in (good, poor):
        assert [c.name for c in card.criteria] == ["Empathy", "Billing knowledge", "De-escalation",
                                                   "Proactive service"]
        assert card.overall == round(sum(c.score * c.weight for c in card.criteria) / 100)
        for c in card.criteria:
            # the arithmetic printed is the arithmetic done
            total = sum(int(n) * (-1 if sign == "−" else 1)
                        for sign, n in re.findall(r"(?:^|([+−]) )(\d+)", c.arithmetic))
            cap = re.search(r"capped at (\d+)", c.arithmetic)
            assert max(0, min(100, total, int(cap[1]) if cap else 100)) == c.score
            assert 1 <= c.level <= 5 and c.anchor
    transcript = [m.text for m in wb.transcript(good.scene_id)]
    quotes = [e for c in good.criteria for e in c.evidence if e.source == "analyser"]
    assert quotes and all(e.quote in transcript[e.message - 1] for e in quotes)


def test_blame_costs_points_and_gets_an_alternative_line_from_the_phrase_bank(wb: Workbench) -> None:
    card = wb.score(_play(wb, POOR))
    blame = [e for c in card.criteria for e in c.evidence if e.behaviour == "blame"]
    assert blame and blame[0].counts == "against" and "should have" in blame[0].quote
    watch = [m for m in card.highlights if m.kind == "watch-out"]
    assert watch[0].text.startswith("blame or defensiveness at message 2")
    bank = {p.line for p in wb.drawn_card(card.scene_id).card.phrase_bank}
    assert card.alternatives and all(a.line in bank or a.source.startswith("rubric anchor")
                                     for a in card.alternatives)
    assert any(a.instead_of and "should have" in a.instead_of for a in card.alternatives)


def test_a_feeling_left_unacknowledged_is_a_missed_opportunity(wb: Workbench) -> None:
    card = wb.score(_play(wb, ["Your invoice lists every seat at the monthly rate."]))
    assert card.missed[0].text == ("The customer voiced a feeling at message 1; the reply at message 2 "
                                   "did not acknowledge it.")
    assert card.missed[0].customer_quote == UPSET
    empathy = next(c for c in card.criteria if c.competency == "customer-empathy")
    assert "− 10 (1 missed)" in empathy.arithmetic
    assert card.missed[-1].text.startswith("The scene ended without a clear next step")
    assert card.alternatives[0].behaviour in ("empathy", "apology")


def test_observer_ticks_count_and_disagreements_are_kept(wb: Workbench) -> None:
    scene = _play(wb, ["Your invoice lists every seat at the monthly rate."])
    message = wb.transcript(scene)[1]
    wb.add_note(scene, "obi", "tick", item="acknowledgment", message_id=message.id)
    wb.add_note(scene, "oda", "tick", item="options")
    card = wb.score(scene)
    empathy = next(c for c in card.criteria if c.competency == "customer-empathy")
    ticked = [e for e in empathy.evidence if e.source == "observer obi"]
    assert ticked and ticked[0].message == 2 and ticked[0].why == "ticked 'Acknowledgment'"
    by_item = {a.item: a for a in card.agreements}
    assert by_item["acknowledgment"].observers == {"obi": True, "oda": False}
    assert not by_item["acknowledgment"].agree  # obi saw it, the analyser and oda did not
    assert by_item["next-steps"].agree


def test_ending_a_scene_stores_its_score_with_versions_and_rescoring_keeps_history(
        wb: Workbench, clock: FakeClock) -> None:
    scene = _play(wb, GOOD[:2])
    wb.skip(scene, by="fran")
    wb.skip(scene, by="fran")
    wb.end(scene, by="fran")
    stored = wb.score_card(scene)
    assert stored["scorer_version"] == SCORER_VERSION and stored["rubric_version"] == "2026.1"
    assert stored["agent"] == "ana"
    first = wb.competency_points("ana")
    assert {p.competency for p in first} == {"customer-empathy", "billing-knowledge", "de-escalation",
                                             "first-contact-resolution"}
    clock.advance(60)
    wb.add_note(scene, "obi", "tick", item="next-steps")
    wb.score(scene)
    again = wb.competency_points("ana")
    assert len(again) == len(first)  # the latest score replaces the earlier one in progress
    fcr = next(p for p in again if p.competency == "first-contact-resolution")
    assert fcr.score > next(p for p in first if p.competency == "first-contact-resolution").score
    assert wb.scene_record(scene)["score"]["overall"] == wb.score_card(scene)["overall"]


def test_a_scene_where_the_agent_never_spoke_is_not_scored(wb: Workbench) -> None:
    session = wb.create_session("Empty", "fran", ["ana"])
    scene = wb.create_scene(session.id, CARD, roles={"ana": "agent"}).id
    wb.start(scene, by="fran")
    wb.end(scene, by="fran")
    assert wb.score_card(scene) is None and wb.competency_points("ana") == []
    with pytest.raises(InvalidInput, match="the agent has not spoken yet"):
        wb.score(scene)


def test_scoring_is_pure_and_repeatable(wb: Workbench, library) -> None:
    scene = _play(wb, GOOD)
    drawn = wb.drawn_card(scene)
    rubric = library.rubric("support-core")
    persona = library.personas[drawn.card.persona]
    one = score_scene(scene, drawn, rubric, wb.transcript(scene), persona=persona)
    two = score_scene(scene, drawn, rubric, wb.transcript(scene), persona=persona)
    assert one == two


# -- live hints -----------------------------------------------------------------------

def test_hints_follow_the_conversation_and_can_be_switched_off(wb: Workbench, clock: FakeClock) -> None:
    session = wb.create_session("Hints", "fran", ["ana"])
    scene = wb.create_scene(session.id, CARD, roles={"ana": "agent"}).id
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")
    assert wb.hint(scene) is None
    wb.post_message(scene, "customer", UPSET)
    assert wb.hint(scene).text == "Customer sounds angry — acknowledge the feeling first."
    wb.post_message(scene, "agent", "Your API quota and the SSO config are fine on our side.", author="ana")
    hint = wb.hint(scene)
    assert "plain words" in hint.text and "“API”" in hint.text and hint.message == 2
    wb.set_hints(scene, False, by="fran")
    assert wb.hint(scene) is None
    wb.set_hints(scene, True, by="fran")
    wb.post_message(scene, "customer", "Okay.")
    wb.post_message(scene, "agent", "Thanks for waiting.", author="ana")
    assert wb.hint(scene).text == "Ask an open question to learn what matters most to them."
    clock.advance(100)
    wb.post_message(scene, "customer", "Okay.")
    wb.post_message(scene, "agent", "What matters most to you about the bill?", author="ana")
    assert wb.hint(scene).text == "Time is short — agree who does what by when."


def test_moving_on_past_the_debrief_scores_the_scene_like_ending_it(wb: Workbench) -> None:
    scene = _play(wb, GOOD)
    for _ in ("rewind", "debrief", "ended"):
        state = wb.skip(scene, by="fran")
    assert state.phase == "ended"
    assert wb.score_card(scene)["overall"] == wb.score(scene, store=False).overall


# One line stuffed with what scorers look for, in words the cards never use, sent again and again
STUFFED = ("I'm so sorry, I hear you and I totally get how stressful this is. Let me explain the charge, "
           "offer you options like a credit or a full breakdown, and send next steps by email today.")


def test_one_stuffed_line_sent_three_times_neither_resolves_a_scene_nor_passes(tmp_path, library) -> None:
    """Posted three times, one keyword-stuffed line resolved the scene and scored 73."""
    from facilitation.headless import run_scene
    from facilitation.scoring import PASS_MARK

    wb = Workbench.open(f"sqlite:///{tmp_path / 'stuffed.db'}", library=library)
    resent = [STUFFED, STUFFED.replace("today", "this afternoon"), STUFFED]  # pasted, or one word changed
    for card in sorted(library.cards):
        scene = run_scene(wb, card, resent, seed=1)
        assert wb.customer_state(scene).outcome != "resolved", card
        assert wb.score(scene).overall < PASS_MARK, card
    wb.close()


def test_a_customer_notices_a_message_sent_again(tmp_path, library) -> None:
    from facilitation.customers.lines import COPIED
    from facilitation.headless import run_scene

    wb = Workbench.open(f"sqlite:///{tmp_path / 'copied.db'}", library=library)
    scene = run_scene(wb, "frustrated-billing-customer", [STUFFED, STUFFED], seed=1)
    customer = [m.text for m in wb.transcript(scene) if m.speaker == "customer"]
    assert customer[-1] in COPIED  # in words a trainee recognises
    wb.close()
