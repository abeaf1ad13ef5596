"""The embedded customer, read as a trainee would read the transcript.

Every agent line here is written in plain words of our own, never the card's phrase bank,
in several registers; what is asserted is what a trainee would notice: what the customer
says back, in what order, and how the scene ends.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from facilitation import Library
from facilitation.analysis.facts import FactBook
from facilitation.customers import CustomerState, SceneContext, customer_engine
from facilitation.customers.lines import ESCALATE
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


def _replies(transcript: list[Message]) -> list[str]:
    return [m.text for m in transcript if m.speaker == "customer"][1:]


def _billing_lines(scene: SceneContext) -> dict[str, str]:
    v = scene.drawn.values
    return {
        "feel": "Oof, a bill twice the size you planned for, right when finance is asking questions. "
        "I'd be rattled too.",
        "ask": "Could you tell me whether anything changed on your team recently?",
        "explain": f"Here's the thing: {v['seats_added']} new users went onto the account on "
        f"{v['change_date']}, "
        f"so you're paying for twice as many seats, {v['actual_charge']} instead of {v['expected_charge']}.",
        "options": "I can't give money back for seats that were used, but I can either send you a short "
        "breakdown for your finance lead or set up an alert so seat changes reach you first.",
        "commit": "I'll email that breakdown within 10 minutes and switch the alert on today.",
    }


def test_the_reply_streams_and_the_same_seed_plays_the_same_scene(library: Library) -> None:
    scene = _scene(library)
    engine = customer_engine("embedded")
    turn = engine.open(scene)
    chunks = list(turn)
    assert len(chunks) > 3 and "".join(chunks) == turn.text
    assert turn.text in scene.drawn.card.arc.opening
    lines = ["I'm so sorry, that sounds stressful.", "What changed on your team recently?"]
    assert _talk(scene, lines)[0] == _talk(_scene(library), lines)[0]


def test_the_customer_reaches_discovery_only_once_the_agent_has_explained_the_cause(library: Library) -> None:
    scene = _scene(library)
    said = _billing_lines(scene)
    seats = scene.drawn.values["seats_added"]
    transcript, state = _talk(scene, [said["feel"], said["ask"]])
    assert state.stage == "complication" and not state.conveyed
    assert not any(seats in reply for reply in _replies(transcript)), (
        "it narrated the seats it was never told"
    )
    transcript, state = _talk(scene, [said["feel"], said["ask"], said["explain"]])
    assert state.stage == "discovery" and "seats-added" in state.conveyed
    assert state.mood > scene.persona.starting_mood


def test_a_good_play_in_plain_words_resolves_with_trust_and_never_abandons_a_calmer_customer(
    library: Library,
) -> None:
    scene = _scene(library)
    said = _billing_lines(scene)
    transcript, state = _talk(scene, list(said.values()))
    assert state.outcome == "resolved", _replies(transcript)
    assert state.trust >= 0.6 and state.history[-1] > state.history[0]
    moods = list(state.history)
    assert all(later >= earlier - 0.05 for earlier, later in itertools.pairwise(moods[1:]))


def test_a_promise_with_a_time_is_not_a_wrong_fact(library: Library) -> None:
    scene = _scene(library)
    transcript, state = _talk(scene, ["I'll send the summary within 10 minutes, and call you back by 4pm."])
    reply = _replies(transcript)[-1]
    assert "10 minutes" not in reply and "doesn't match" not in reply
    assert not state.doubts and state.strikes == 0


def test_wrong_amounts_are_corrected_cost_trust_and_a_warm_but_wrong_play_does_not_resolve(
    library: Library,
) -> None:
    scene = _scene(library)
    said = _billing_lines(scene)
    wrong = (
        "There was a price rise this month, and a $250 onboarding fee on top, so the invoice is $1,375 now."
    )
    transcript, state = _talk(
        scene,
        [
            said["feel"],
            said["ask"],
            wrong,
            said["options"],
            said["commit"],
            "I really do understand how frustrating this is.",
        ],
    )
    assert "$250" in _replies(transcript)[2] or "$1,375" in _replies(transcript)[2]
    assert state.outcome != "resolved" and state.doubts
    _, right = _talk(scene, list(said.values()))
    assert right.trust > state.trust


def test_the_frustrated_user_is_angered_by_a_scripted_apology_and_calmed_by_a_named_feeling(
    library: Library,
) -> None:
    scene = _scene(library)
    start = scene.persona.starting_mood
    transcript, scripted = _talk(scene, ["We apologise for any inconvenience caused."])
    assert scripted.mood < start and "appreciate" not in _replies(transcript)[0].lower()
    _, named = _talk(
        scene,
        ["A bill that doubles without warning is a nasty shock, and I'm sorry it landed on you this week."],
    )
    assert named.mood > start and named.heard


def test_jargon_angers_the_frustrated_user(library: Library) -> None:
    scene = _scene(library)
    transcript, angrier = _talk(
        scene, ["The SKU proration on your tenant hit the API quota, so the SLA applies."]
    )
    assert angrier.mood < scene.persona.starting_mood
    reply = _replies(transcript)[0]
    assert "mean" in reply or "jargon" in reply or "lost me" in reply


def test_a_customer_going_nowhere_leaves_in_its_own_words(library: Library) -> None:
    scene = _scene(library)
    transcript, state = _talk(
        scene,
        [
            "Let me look into that.",
            "Okay, checking.",
            "One moment please.",
            "Still looking.",
            "Bear with me.",
        ],
    )
    assert state.outcome in ("abandoned", "escalated")
    assert (
        _replies(transcript)[-1]
        in " ".join([*scene.persona.lines.abandon, *scene.persona.lines.escalate, *ESCALATE])
        or state.outcome == "abandoned"
    )
    replies = _replies(transcript)
    assert len(replies) == len(set(replies))


def test_the_technical_user_bristles_at_basics_and_warms_to_specifics(library: Library) -> None:
    scene = _scene(library, "webhook-502-after-release")
    transcript, basic = _talk(scene, ["Have you tried clearing your cache and restarting the app?"])
    assert basic.mood < scene.persona.starting_mood
    assert any(w in _replies(transcript)[0].lower() for w in ("already", "basics", "obviously", "tried"))
    fact = scene.drawn.card.facts[0].statement
    _, deep = _talk(scene, [f"I've pulled the logs on our side. In short: {fact}"])
    assert deep.mood > scene.persona.starting_mood and deep.conveyed


def test_the_confused_user_is_lost_by_many_steps_at_once(library: Library) -> None:
    card = next(c for c in library.cards.values() if c.persona == "confused-new-user")
    scene = _scene(library, card.id)
    many = (
        "Click Settings, then open Billing, then select Payment method, then press Replace card, "
        "then type the new number and hit Save."
    )
    transcript, lost = _talk(scene, [many])
    assert "many_steps" not in lost.signals  # it is a reaction, not a behaviour the agent showed
    reply = _replies(transcript)[0].lower()
    assert "step" in reply or "slow down" in reply or "first" in reply
    _, one = _talk(
        scene, ["No need to worry. First, just click Settings at the top. Tell me when you see it."]
    )
    assert one.mood > lost.mood


def test_the_executive_walks_out_after_three_exchanges_without_a_bottom_line(library: Library) -> None:
    scene = _scene(library, "chat-billing-surprise")
    helpful_but_no_answer = [
        "I completely understand, a surprise on an invoice is frustrating.",
        "I can email you the invoice or walk you through it on a call. Which suits you?",
        "I'll send it over within the hour.",
    ]
    _, state = _talk(scene, helpful_but_no_answer)
    assert state.outcome == "abandoned" and state.turn <= 3 and not state.discovered
    v = scene.drawn.values
    _, told = _talk(
        scene,
        [
            "Thanks for reaching out.",
            f"Bottom line: the extra {v['proration']} covers the "
            f"{v['days_remaining']} days you had Business this cycle.",
        ],
    )
    assert told.outcome is None and told.discovered


def test_a_met_need_is_never_asked_again(library: Library) -> None:
    scene = _scene(library)
    said = _billing_lines(scene)
    transcript, state = _talk(scene, list(said.values()))
    reveals = {o.id: o.reveal for o in scene.drawn.card.hidden_objectives}
    for objective in state.met:
        assert sum(reveals[objective] in reply for reply in _replies(transcript)) <= 1


def test_a_swapped_goal_is_voiced_in_the_customers_words_once_and_must_be_met(library: Library) -> None:
    scene = _scene(library)
    engine = customer_engine("embedded")
    turn = engine.open(scene).finish()
    state = engine.nudge(turn.state, "goal", "Wants to speak to a manager.")
    transcript = [
        Message(1, 0, "b", "customer", turn.text, AT),
        Message(2, 1, "b", "agent", "Thanks for explaining, I'm looking now.", AT),
    ]
    reply = engine.respond(scene, state, transcript).finish()
    assert "I want to speak to a manager" in reply.text and "Wants to" not in reply.text
    assert "something else I need:" not in reply.text
    transcript += [
        Message(3, 2, "b", "customer", reply.text, AT),
        Message(4, 3, "b", "agent", "Can you tell me more about what you need?", AT),
    ]
    again = engine.respond(scene, reply.state, transcript).finish()
    assert "speak to a manager" not in again.text  # said once, not every turn after
    assert not again.state.goal_met


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


def test_a_stored_state_of_an_older_version_still_loads() -> None:
    old = {
        "engine": "embedded",
        "mood": -0.2,
        "trust": 0.4,
        "patience": 2,
        "turn": 1,
        "stage": "complication",
        "revealed": [],
        "met": [],
        "signals": ["empathy"],
        "said": ["Hi"],
        "strikes": 0,
        "outcome": None,
        "notice": None,
        "goal": None,
        "environment": None,
        "history": [-0.3, -0.2],
    }
    state = CustomerState.from_dict(old)
    assert state.conveyed == () and state.heard is False and state.signals == ("empathy",)


def test_a_human_customer_scene_takes_no_simulated_turns(wb: Workbench) -> None:
    session = wb.create_session("Peer", "fran", ["ana", "ben"])
    scene = wb.create_scene(session.id, BILLING, engine="human", roles={"ana": "agent", "ben": "customer"}).id
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")
    with pytest.raises(InvalidInput, match="a person plays this customer"):
        list(wb.customer_turn(scene))


def _never_says_an_untold_fact(
    library: Library, transcript: list[tuple[str, str]], card_id: str, seed: int
) -> str | None:
    """A card fact's number or name in a customer line that the agent had not said and the
    customer did not bring with it (its opening, situation and needs, read off the card)."""
    card = library.card(card_id).draw(seed).card
    book = FactBook.of(library.card(card_id).draw(seed))
    brought = " ".join(
        [
            *card.arc.opening,
            card.spark,
            card.customer.name,
            card.customer.company,
            card.customer.tenure,
            *card.customer_lens.model_dump().values(),
            *(o.reveal for o in card.hidden_objectives),
        ]
    )
    told: set[str] = set(book.tokens(brought))
    for i, (speaker, text) in enumerate(transcript):
        if speaker == "agent":
            told |= book.tokens(text)
        elif i > 0:
            untold = (book.tokens(text) & book.fact_tokens) - told
            if untold:
                return f"{card_id} seed {seed}: customer said {sorted(untold)} untold in {text!r}"
    return None


RUNS = 10
TARGETS = {  # policy → (least share resolved, most share resolved)
    "good-varied": (0.90, 1.0),
    "empathetic": (0.95, 1.0),
    "factual-varied": (0.0, 0.60),
    "factual": (0.0, 0.60),
    "wrong-facts-varied": (0.0, 0.10),
    "blaming-varied": (0.0, 0.10),
    "dismissive-varied": (0.0, 0.10),
    "jargon-varied": (0.0, 0.10),
}


@pytest.fixture(scope="module")
def simulated(library: Library) -> dict[str, list]:
    runs: dict[str, list] = {policy: [] for policy in TARGETS}
    for card in library.cards.values():
        persona = library.personas[card.persona]
        for policy in TARGETS:
            if policy == "jargon-varied" and card.persona == "technical-user":
                continue  # the technical user speaks jargon; the target is for the others
            runs[policy] += [play(card, persona, policy, seed) for seed in range(RUNS)]
    return runs


def test_the_simulator_meets_its_targets_on_every_shipped_card(simulated: dict[str, list]) -> None:
    failures = []
    for policy, (low, high) in TARGETS.items():
        share = sum(r.outcome == "resolved" for r in simulated[policy]) / len(simulated[policy])
        if not low <= share <= high:
            failures.append(f"{policy}: resolved {share:.0%}, target {low:.0%}–{high:.0%}")
    trust = {
        p: sum(r.trust for r in simulated[p]) / len(simulated[p]) for p in ("good-varied", "factual-varied")
    }
    if trust["factual-varied"] >= trust["good-varied"]:
        failures.append(f"cold play trusted as much as good play: {trust}")
    assert not failures, "\n".join(failures)


def test_no_run_resolves_at_once_repeats_a_line_or_says_an_untold_fact(
    library: Library, simulated: dict[str, list]
) -> None:
    failures = []
    for runs in simulated.values():
        for r in runs:
            lines = [text for speaker, text in r.transcript if speaker == "customer"]
            if r.outcome == "resolved" and r.agent_turns == 1:
                failures.append(f"{r.card} {r.policy}: resolved on the first agent message")
            if len(lines) != len(set(lines)):
                failures.append(f"{r.card} {r.policy} seed {r.seed}: a customer line repeated")
            problem = _never_says_an_untold_fact(library, r.transcript, r.card, r.seed)
            if problem:
                failures.append(f"{r.policy}: {problem}")
    assert not failures, "\n".join(failures[:20])


def test_two_seeds_of_a_varied_play_say_different_sentences(library: Library) -> None:
    card = library.card(BILLING)
    persona = library.personas[card.persona]
    one, two = (play(card, persona, "good-varied", seed) for seed in (1, 2))
    agent = lambda run: {t for s, t in run.transcript if s == "agent"}  # noqa: E731
    assert not agent(one) & agent(two)
    bank = {p.line for p in card.phrase_bank}
    assert not any(line in text for text in agent(one) for line in bank)


def test_simulate_prints_outcomes_per_card_and_policy() -> None:
    proc = roleplay("simulate", "--card", BILLING, "--policy", "all", "--runs", "3", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["policy"] for r in rows] == list(POLICIES)
    assert set(rows[0]) == {"card", "policy", "runs", "resolved", "escalated", "abandoned", "mean_turns"}
    assert all(r["resolved"] + r["escalated"] + r["abandoned"] == r["runs"] == 3 for r in rows)
    text = roleplay("simulate", "--card", BILLING, "--policy", "empathetic,good-varied", "--runs", "2")
    assert "MOOD BY TURN" in text.stdout and "good-varied" in text.stdout
    bad = roleplay("simulate", "--card", BILLING, "--policy", "charming", "--runs", "1")
    assert bad.returncode != 0 and "no policy 'charming'" in bad.stderr and "Traceback" not in bad.stderr


def test_a_peer_playing_the_customer_gets_the_cards_customer_lens(library: Library) -> None:
    scene = _scene(library)
    lens = customer_engine("human").lens(scene)
    card = scene.drawn.card
    assert lens["fears losing"] == card.customer_lens.fears_losing
    assert card.customer.name in lens["who"] and lens["open with"] == card.arc.opening[0]
    needs = " ".join(lens["hidden needs (reveal only when the agent earns them)"])
    assert all(o.need in needs for o in card.hidden_objectives)
    # what earns a need, in words a peer can play from, never the analyser's ids
    assert "Reveal it when the agent acknowledges or validates your feeling" in needs
    assert not any(b in needs for o in card.hidden_objectives for b in o.earned_by if "_" in b)
    assert "earned by" not in needs


# -- the engine registry -------------------------------------------------------------------

PLUGIN = '''
class PoliteBot:
    label = "Polite bot (plug-in)"

    def __init__(self, **options):
        self.options = options
'''


def _installed_plugin(root: Path, entry: str) -> Path:
    """A real installed distribution on sys.path: a module and its entry-points metadata."""
    (root / "polite_bot.py").write_text(PLUGIN)
    info = root / "polite_bot-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: polite-bot\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[roleplay.customer_engines]\n{entry}\n")
    return root


def test_the_built_in_engines_say_their_label_and_who_plays_the_customer() -> None:
    from facilitation.customers import engines, is_simulated

    by_name = {engine.name: engine for engine in engines.all()}
    assert {"embedded", "openai", "human", "scripted"} <= set(by_name)
    assert by_name["embedded"].label == "Embedded (offline)"
    assert not is_simulated("human") and is_simulated("embedded") and is_simulated("openai")
    assert is_simulated("an-engine-uninstalled-since")  # a stored scene of a removed plug-in


def test_a_plugin_engine_joins_the_built_ins_instead_of_hiding_them(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitation.customers.registry import default_registry

    monkeypatch.syspath_prepend(str(_installed_plugin(tmp_path, "polite = polite_bot:PoliteBot")))
    registry = default_registry()
    registry.register("echo", lambda **_: "an echo engine")  # registered at run time, first
    assert {"embedded", "openai", "human", "scripted", "echo", "polite"} <= set(registry.names())
    assert registry.info("polite").label == "Polite bot (plug-in)" and registry.info("polite").simulated
    assert registry.get("polite", temperature=0).options == {"temperature": 0}
    assert registry.get("embedded").name == "embedded"


def test_a_broken_plugin_is_left_out_with_a_warning_naming_it(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitation.customers.registry import default_registry

    monkeypatch.syspath_prepend(str(_installed_plugin(tmp_path, "broken = polite_bot:NoSuchClass")))
    registry = default_registry()
    with pytest.warns(UserWarning, match=r"customer engine 'broken' \(polite_bot:NoSuchClass\) did not load"):
        names = registry.names()
    assert "broken" not in names and "embedded" in names


def test_an_unknown_engine_is_refused_with_the_installed_ones_named() -> None:
    from facilitation.customers import UnknownEngine, customer_engine
    from facilitation.errors import WorkbenchError

    installed = "have embedded, openai, human, scripted"
    with pytest.raises(UnknownEngine, match=f"no customer engine 'gpt-9'; {installed}"):
        customer_engine("gpt-9")
    assert issubclass(UnknownEngine, WorkbenchError)
