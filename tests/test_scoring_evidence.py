"""Scores read what happened in the scene: facts right or wrong, the customer's trajectory,
objectives met and how it ended; success criteria are checks naming the message that meets
them; cards of schema version 1 and score cards of scorer 1 still work."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from facilitation.analysis import Analyser
from facilitation.library import Library
from facilitation.records import Message
from facilitation.scoring import LOST_CAP, PASS_MARK, ScoreCard, score_scene
from facilitation.validity import KINDS, PHRASE_BANK, load_plays, play_all, play_lines
from facilitation.variables import PLACEHOLDER
from widgets.debrief import score_card_html

FIXTURES = Path(__file__).parent / "fixtures"
CARD = "frustrated-billing-customer"
AT = datetime(2026, 1, 5, tzinfo=timezone.utc)
# Lines of our own (not the card's phrase bank), with the true figures of the draw.
GOOD = [
    "A bill that's suddenly twice what you planned for is a real shock, especially with finance watching.",
    "Can you tell me what's changed on your team over the past month?",
    "Here's what happened: {seats_added} seats were added on {change_date}, which doubled your seat count, "
    "so this invoice is {actual_charge} instead of {expected_charge}.",
    "Those seats were active all month so that part can't be refunded, but removing unused seats today "
    "brings the next invoice down.",
    "I can email you a one-page breakdown you can forward to your finance lead, and turn on alerts so any "
    "seat change emails you first. Which would help?",
    "I'll send the breakdown within ten minutes and switch the alerts on now.",
]
# The same warmth, with a made-up price rise and fee.
WRONG = [GOOD[0], GOOD[1],
         "Our seat price went up to $95 this month and there's a $250 platform fee, "
         "so the invoice is higher.", GOOD[4], GOOD[5]]


def _score(library: Library, lines: list[str], seed: int = 3) -> ScoreCard:
    card = library.card(CARD)
    return play_lines(card, library.personas[card.persona], lines, seed, library)


def test_right_facts_in_own_words_pass_and_wrong_facts_fail_with_the_wrong_words_quoted(library) -> None:
    good, wrong = _score(library, GOOD), _score(library, WRONG)
    assert good.passed and good.outcome == "resolved"
    assert not wrong.passed and good.overall >= wrong.overall + 25
    billing = next(c for c in wrong.criteria if c.name == "Billing knowledge")
    quotes = [e.quote for e in billing.evidence if e.behaviour == "contradiction"]
    assert "$95" in quotes and "$250" in quotes
    assert "contradicting the card's facts" in billing.arithmetic
    assert {f.fact for f in good.facts} >= {"seats-added", "actual-charge"}
    assert any(a.behaviour == "fact" for a in wrong.alternatives)  # the card's fact, to say instead


def test_each_success_check_names_the_message_that_meets_it(library) -> None:
    good, wrong = _score(library, GOOD), _score(library, WRONG)
    checks = {s.check: s for s in good.success}
    assert checks["acknowledged"].met and checks["acknowledged"].messages == [2]
    explained = checks["facts"]
    assert explained.met and explained.messages == [6] and explained.why == "conveyed by message 6"
    assert not {s.check: s for s in wrong.success}["facts"].met


def test_acknowledging_only_after_the_explanation_fails_the_ordered_check(library) -> None:
    late = [GOOD[2], GOOD[0], GOOD[4], GOOD[5]]
    card = _score(library, late)
    acknowledged = next(s for s in card.success if s.check == "acknowledged")
    assert not acknowledged.met and "only after the explanation at message 2" in acknowledged.why
    empathy = next(c for c in card.criteria if c.name == "Empathy")
    assert "only after the explanation" in empathy.arithmetic


def test_an_escalated_scene_cannot_pass_however_warm(library) -> None:
    card = library.card(CARD)
    drawn = card.draw(3)
    lines = [("customer", "Why was I charged double this month?"), ("agent", GOOD[0]),
             ("customer", "Get me your manager. Now.")]
    transcript = [Message(id=i + 1, index=i, branch="b", speaker=s, text=t, at=AT)
                  for i, (s, t) in enumerate(lines)]
    scored = score_scene("s", drawn, library.rubric("support-core"), transcript,
                         persona=library.personas[card.persona], outcome="escalated")
    assert scored.overall <= LOST_CAP < PASS_MARK and scored.outcome == "escalated"
    de_escalation = next(c for c in scored.criteria if c.name == "De-escalation")
    assert de_escalation.score <= 39 and "(the customer escalated)" in de_escalation.arithmetic


def test_the_customer_trajectory_is_on_the_score_card(library) -> None:
    card = _score(library, GOOD)
    assert len(card.trajectory) >= 3
    assert card.trajectory[-1].sentiment > card.trajectory[0].sentiment
    html = score_card_html(card.to_dict())
    assert "customer sentiment" in html and "Facts conveyed" in html and "✓" in html


def test_a_score_card_of_the_first_scorer_still_displays(library) -> None:
    old = _score(library, GOOD).to_dict()
    for key in ("outcome", "trajectory", "facts", "contradictions", "objectives"):
        old.pop(key)
    old["scorer_version"] = "1.0"
    old["success"] = [{"text": s["text"], "met": s["met"], "messages": s["messages"]} for s in old["success"]]
    html = score_card_html(old)
    assert "Score" in html and "Scorer 1.0" in html and "Outcome" not in html


def test_a_version_1_card_still_loads_with_its_signals_upgraded_to_checks(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "cards" / "minimal-card.yaml", tmp_path)
    lib = Library.load(cards_dir=tmp_path)
    assert lib.errors == []
    (criterion,) = lib.card("minimal-card").success_criteria
    assert criterion.check == "behaviour" and criterion.behaviours == ["summary"]


def test_a_success_check_naming_an_unknown_fact_is_refused_with_its_line(tmp_path: Path, library) -> None:
    text = (Path(library.sources[("card", CARD)])).read_text(encoding="utf-8")
    broken = text.replace("facts: [seats-added, actual-charge]", "facts: [seats-added, refund-amount]", 1)
    assert broken != text
    (tmp_path / f"{CARD}.yaml").write_text(broken, encoding="utf-8")
    lib = Library.load(cards_dir=tmp_path)
    (problem,) = lib.errors
    assert "success_criteria[1].facts[1]: 'refund-amount' is not a fact of this card" in str(problem)
    line = broken.splitlines().index(next(ln for ln in broken.splitlines() if "refund-amount" in ln)) + 1
    assert f"{CARD}.yaml:{line}:" in str(problem)


# -- the validity plays ---------------------------------------------------------------

def test_every_card_has_validity_plays_of_every_kind_using_only_its_own_variables(library) -> None:
    plays = load_plays()
    assert {p.card for p in plays} == set(library.cards)
    for card_id, card in library.cards.items():
        mine = [p for p in plays if p.card == card_id]
        assert {p.kind for p in mine} == set(KINDS), card_id
        bank = {phrase.line for phrase in card.phrase_bank}
        for play in mine:
            assert 4 <= len(play.lines) <= 8 and not bank & set(play.lines)
            for line in play.lines:
                assert set(PLACEHOLDER.findall(line)) <= set(card.variables), (card_id, line)


def test_no_escalated_or_abandoned_validity_scene_passes(library) -> None:
    cards = ["frustrated-billing-customer", "roadmap-date-for-the-board", "webhook-502-after-release"]
    played = play_all(library, [p for p in load_plays() if p.card in cards], [1])
    lost = [p for p in played if p.outcome in ("escalated", "abandoned")]
    assert lost and not any(p.passed for p in lost)
    assert {p.kind for p in played} == {*KINDS, PHRASE_BANK}


# -- the misfires a new user found ------------------------------------------------------

def test_a_stock_apology_is_not_an_acknowledgment(library) -> None:
    scripted = ["We apologise for any inconvenience caused.", *GOOD[2:]]
    card = _score(library, scripted)
    assert not next(s for s in card.success if s.check == "acknowledged").met


def test_a_mild_customer_remark_is_not_a_feeling_the_agent_missed() -> None:
    analysis = Analyser()
    reading = analysis.analyse("Nobody flagged that to me.", "customer")
    assert reading.worded_sentiment is not None and reading.worded_sentiment > -0.3


def test_an_observer_tick_on_a_customer_line_never_quotes_the_customer_as_the_agent(wb) -> None:
    session = wb.create_session("Ticks", "fran", ["ana", "obi"])
    scene = wb.create_scene(session.id, CARD, seed=4, roles={"ana": "agent"}).id
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")
    customer = wb.post_message(scene, "customer", "You lost me at ARR.")
    wb.post_message(scene, "agent", "Your invoice lists every seat at the monthly rate.", author="ana")
    wb.add_note(scene, "obi", "tick", item="acknowledgment", message_id=customer.id)
    card = wb.score(scene)
    ticks = [e for c in card.criteria for e in c.evidence if e.source == "observer obi"]
    assert ticks and all(e.quote == "" and e.message is None for e in ticks)
