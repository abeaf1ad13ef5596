"""The embedded customer: in character, reacting to what the agent does, and never a pushover."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from facilitation import Library
from facilitation.customers import CustomerState, SceneContext, customer_engine
from facilitation.customers.embedded import ESCALATE
from facilitation.records import Message
from facilitation.simulate import POLICIES, play
from facilitation.workbench import InvalidInput, Workbench

from .conftest import roleplay

AT = datetime(2026, 11, 2, tzinfo=timezone.utc)
BILLING = "frustrated-billing-customer"


def _scene(library: Library, card_id: str = BILLING, seed: int = 3) -> SceneContext:
    drawn = library.card(card_id).draw(seed)
    return SceneContext.of(drawn, library.personas[drawn.card.persona], seed)


def _talk(scene: SceneContext, agent_lines: list[str]) -> tuple[list[Message], CustomerState]:
    engine = customer_engine("embedded")
    turn = engine.open(scene).finish()
    transcript = [Message(1, 0, "b", "customer", turn.text, AT)]
    state = turn.state
    for line in agent_lines:
        transcript.append(Message(len(transcript) + 1, len(transcript), "b", "agent", line, AT))
        turn = engine.respond(scene, state, transcript).finish()
        state = turn.state
        transcript.append(Message(len(transcript) + 1, len(transcript), "b", "customer", turn.text, AT))
        if state.ended:
            break
    return transcript, state


def test_the_reply_streams_and_the_same_seed_plays_the_same_scene(library: Library) -> None:
    scene = _scene(library)
    engine = customer_engine("embedded")
    turn = engine.open(scene)
    chunks = list(turn)
    assert len(chunks) > 3 and "".join(chunks) == turn.text
    assert turn.text in scene.drawn.card.arc.opening
    lines = ["I'm so sorry, that sounds stressful.", "What changed on your team recently?"]
    assert _talk(scene, lines)[0] == _talk(_scene(library), lines)[0]


def test_empathy_calms_the_frustrated_customer_and_jargon_angers_them(library: Library) -> None:
    scene = _scene(library)
    start = customer_engine("embedded").open(scene).finish().state
    _, calmer = _talk(scene, ["I'm so sorry. A bill doubling with no warning is alarming."])
    _, angrier = _talk(scene, ["The SKU proration on your tenant hit the API quota, so the SLA applies."])
    assert calmer.mood > start.mood > angrier.mood
    assert calmer.trust > angrier.trust
    transcript, _ = _talk(scene, ["The SKU proration on your tenant hit the API quota, so the SLA applies."])
    reply = transcript[-1].text
    assert "mean" in reply or "jargon" in reply or "lost me" in reply


def test_the_technical_user_bristles_at_have_you_tried_restarting(library: Library) -> None:
    card = next(c for c in library.cards.values() if c.persona == "technical-user")
    scene = _scene(library, card.id)
    transcript, state = _talk(scene, ["Have you tried restarting the app?"])
    assert transcript[-1].text in ("Yes, I've already restarted. Twice.",
                                   "I've done the basics already. Please read what I wrote.",
                                   "Obviously I tried that first.")
    assert state.mood < scene.persona.starting_mood


def test_wrong_facts_are_corrected_and_cost_trust(library: Library) -> None:
    scene = _scene(library)
    transcript, state = _talk(scene, ["Your invoice is $37.50 this month, that's the correct figure."])
    assert "$37.50" in transcript[-1].text
    assert state.trust < scene.persona.starting_trust


def test_telling_the_customer_they_are_wrong_escalates_on_the_cards_bad_path(library: Library) -> None:
    scene = _scene(library)
    transcript, state = _talk(scene, ["You're wrong, the bill is correct and you should have checked."])
    assert state.outcome == "escalated"
    assert transcript[-1].text in [*scene.drawn.card.paths.bad.customer_lines, *ESCALATE]


def test_rushing_gets_a_request_to_explain(library: Library) -> None:
    transcript, _ = _talk(_scene(library), ["ok"])
    assert transcript[-1].text in ("Sorry, what does that mean for me?", "Can you be more specific?",
                                   "And? What happens now?", "I'm not sure I follow. Can you explain?")


def test_one_perfect_message_does_not_resolve_the_scene_and_no_line_repeats(library: Library) -> None:
    scene = _scene(library)
    perfect = " ".join(p.line for p in scene.drawn.card.phrase_bank)
    _, state = _talk(scene, [perfect])
    assert state.outcome != "resolved"
    transcript, state = _talk(scene, ["Okay."] * 2 + ["Can you tell me more?"] * 6)
    customer_lines = [m.text for m in transcript if m.speaker == "customer"]
    assert len(customer_lines) == len(set(customer_lines))


def test_a_swapped_goal_changes_the_next_reply(library: Library) -> None:
    scene = _scene(library)
    engine = customer_engine("embedded")
    turn = engine.open(scene).finish()
    state = engine.nudge(turn.state, "goal", "I also need the invoice re-issued to our new address.")
    transcript = [Message(1, 0, "b", "customer", turn.text, AT),
                  Message(2, 1, "b", "agent", "Thanks for explaining, I'm looking now.", AT)]
    reply = engine.respond(scene, state, transcript).finish()
    assert "invoice re-issued to our new address" in reply.text
    transcript += [Message(3, 2, "b", "customer", reply.text, AT),
                   Message(4, 3, "b", "agent", "Can you tell me more about the new address?", AT)]
    again = engine.respond(scene, reply.state, transcript).finish()
    assert "invoice re-issued" not in again.text  # said once, not every turn after


def test_the_scene_keeps_the_customers_state_and_a_rewind_goes_back_to_it(wb: Workbench) -> None:
    session = wb.create_session("Live", "fran", ["ana"])
    scene = wb.create_scene(session.id, BILLING, seed=5, roles={"ana": "agent"}).id
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")
    opening = "".join(wb.customer_turn(scene))
    first = wb.customer_state(scene)
    assert wb.transcript(scene)[0].text == opening and first.turn == 0
    wb.post_message(scene, "agent", "I'm so sorry, a doubled bill is alarming.", author="ana")
    "".join(wb.customer_turn(scene))
    assert wb.customer_state(scene).mood > first.mood
    agent_message = wb.transcript(scene)[1]
    wb.rewind(scene, agent_message.id, by="fran")
    assert wb.customer_state(scene) == first  # the branch starts from the customer's state then
    wb.post_message(scene, "agent", "You should have checked the seats.", author="ana")
    "".join(wb.customer_turn(scene))
    assert wb.customer_state(scene).mood < first.mood


def test_a_human_customer_scene_takes_no_simulated_turns(wb: Workbench) -> None:
    session = wb.create_session("Peer", "fran", ["ana", "ben"])
    scene = wb.create_scene(session.id, BILLING, engine="human", roles={"ana": "agent", "ben": "customer"}).id
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")
    with pytest.raises(InvalidInput, match="a person plays this customer"):
        list(wb.customer_turn(scene))


def test_every_card_rewards_empathy_and_punishes_blame(library: Library) -> None:
    """The simulator's acceptance bar, on every shipped card."""
    failures = []
    for card in library.cards.values():
        persona = library.personas[card.persona]
        runs = {p: [play(card, persona, p, seed) for seed in range(10)] for p in ("empathetic", "blaming",
                                                                                    "dismissive")}
        resolved = sum(r.outcome == "resolved" for r in runs["empathetic"])
        if resolved < 9:
            failures.append(f"{card.id}: empathetic resolved {resolved}/10")
        for policy in ("blaming", "dismissive"):
            failed = sum(r.outcome != "resolved" for r in runs[policy])
            if failed < 9:
                failures.append(f"{card.id}: {policy} failed only {failed}/10")
        if any(r.outcome == "resolved" and r.agent_turns == 1 for rs in runs.values() for r in rs):
            failures.append(f"{card.id}: resolved on the first agent message")
    assert not failures, "\n".join(failures)


def test_simulate_prints_outcomes_per_card_and_policy() -> None:
    proc = roleplay("simulate", "--card", BILLING, "--policy", "all", "--runs", "3", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["policy"] for r in rows] == list(POLICIES)
    assert set(rows[0]) == {"card", "policy", "runs", "resolved", "escalated", "abandoned", "mean_turns"}
    assert all(r["resolved"] + r["escalated"] + r["abandoned"] == r["runs"] == 3 for r in rows)
    text = roleplay("simulate", "--card", BILLING, "--policy", "empathetic", "--runs", "2")
    assert "MOOD BY TURN" in text.stdout and "empathetic" in text.stdout


def test_a_peer_playing_the_customer_gets_the_cards_customer_lens(library: Library) -> None:
    scene = _scene(library)
    lens = customer_engine("human").lens(scene)
    card = scene.drawn.card
    assert lens["fears losing"] == card.customer_lens.fears_losing
    assert card.customer.name in lens["who"] and lens["open with"] == card.arc.opening[0]
    assert all(o.need in " ".join(lens["hidden needs (reveal only when the agent earns them)"])
               for o in card.hidden_objectives)
