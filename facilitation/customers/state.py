"""What a simulated customer feels and knows, and how an agent message changes it.

Every engine — the embedded one, the LLM one, a human peer — reports its state in this
shape, and the mood, trust and objectives of the two simulated ones are judged here from
what the agent actually conveyed, so scenes are comparable whichever engine played:

* **The arc moves on evidence.** The customer complains until the agent has explained
  the cause (one of the card's cause facts, recognised by ``analysis.facts`` in the
  agent's own words); only then is it at *discovery*. It reaches *resolution* once the
  cause is known, a way forward is on the table and every need it voiced has been met.
* **Patience is spent by turns that go nowhere** (no new fact, no met need, no first
  acknowledgment or way forward; an angering behaviour; a wrong fact; a repeated
  question) and recovered by progress. A customer who was just helped does not walk out.
* **Wrong facts are contradictions** of the card's facts; a contradicted fact stays in
  doubt until the agent states it correctly, and a customer in doubt does not accept.
* **Personas are data**: who needs to be heard first, who leaves without a bottom line,
  who is lost by many steps at once, who bristles at first-line advice, who warms to depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..analysis import Analysis
from ..analysis.facts import FactReading, terms
from ..personas import Persona
from ..records import Record

if TYPE_CHECKING:
    from . import SceneContext

OUTCOMES = ("resolved", "escalated", "abandoned")
STAGES = ("opening", "complication", "discovery", "resolution")
CALM_STEP, ANGER_STEP, FACT_STEP, MET_STEP, WRONG_STEP = 0.18, 0.3, 0.12, 0.12, 0.2
TRUST_UP, TRUST_DOWN, TRUST_HEARD = 0.06, 0.15, 0.14
# A customer accepts once it is calm and trusting enough; under GRUDGING_TRUST (in the
# embedded engine) it accepts only grudgingly, on the card's "okay" path.
RESOLVED_MOOD, RESOLVED_TRUST = -0.35, 0.3
CONTENT_MOOD = 0.3  # a customer this calm asks again instead of walking out
FEELINGS = frozenset({"empathy", "apology", "reassurance"})
FORWARD = frozenset({"options", "next_steps"})
MIN_TURNS_TO_RESOLVE = 3  # never resolved by one polite sentence
RUSHED_WORDS = 6
# "You're wrong", "that's not true": a flat contradiction escalates whatever the persona.
CONTRADICTS = re.compile(
    r"\b(?:you(?:'re| are) (?:wrong|mistaken|confused)|"
    r"that(?:'s| is) (?:not true|wrong)|you (?:clearly )?(?:didn'?t|did not) read)\b",
    re.IGNORECASE,
)
# "Have you tried restarting?" to someone who said they already did.
BASICS = re.compile(
    r"\bhave you tried (?:restarting|rebooting|turning it off|clearing (?:the |your )?cache|"
    r"logging out|reinstalling|updating|another browser)|\bclear (?:the |your )?(?:browser )?cache\b|"
    r"\brestart (?:it|the app|your)|\btry (?:again later|turning it off)|"
    r"\bcheck (?:your|the) (?:internet|connection|wi-?fi)\b|\blog out and (?:back )?in\b",
    re.IGNORECASE,
)
# An instruction to the customer: one step in a message that may hold too many.
STEP = re.compile(
    r"(?:^|[.!?;:,]\s+|\bthen\s+|\bnext,?\s+|\bfinally,?\s+|\n\s*(?:\d+[.)]|[-*•])\s*)"
    r"(?:please\s+)?(?:click|tap|open|go|select|choose|press|type|enter|scroll|find|pick|"
    r"copy|paste|save|drag|upload|download|sign|log|switch|turn|set|check|hit|add|remove)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CustomerState(Record):
    engine: str
    mood: float  # -1 furious … +1 delighted
    trust: float  # 0 … 1
    patience: int  # unhelpful replies still tolerated
    turn: int = 0  # agent messages answered so far
    stage: str = "opening"
    revealed: tuple[str, ...] = ()  # hidden objectives the customer has voiced
    met: tuple[str, ...] = ()  # hidden objectives the agent has addressed
    signals: tuple[str, ...] = ()  # behaviours the agent has shown
    said: tuple[str, ...] = ()  # lines already used (never repeated in a scene)
    strikes: int = 0  # blame, contradictions, wrong facts
    outcome: str | None = None
    notice: str | None = None  # shown to the room, e.g. "the LLM customer failed; embedded took over"
    goal: str | None = None  # a facilitator's swapped goal
    environment: str | None = None  # a facilitator's changed environment
    history: tuple[float, ...] = field(default=())  # mood after each turn
    conveyed: tuple[str, ...] = ()  # card facts the agent has stated correctly
    told: tuple[str, ...] = ()  # numbers and names the agent has said (the customer may repeat them)
    doubts: tuple[str, ...] = ()  # facts the agent got wrong and has not yet put right
    heard: bool = False  # the customer's feeling has been acknowledged
    forward: bool = False  # a way forward (options or next steps) has been offered
    asked: tuple[str, ...] = ()  # the agent's questions so far, as their key terms
    goal_met: bool = False  # the swapped goal has been addressed
    sent: tuple[str, ...] = ()  # each agent message so far, as its ``terms`` (to spot a copy)

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    @property
    def discovered(self) -> bool:
        return self.stage in ("discovery", "resolution")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CustomerState:
        tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list)}
        known = {k: v for k, v in {**data, **tuples}.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Judgement:
    """What the customer made of one agent message, for engines that choose lines."""

    reading: Analysis
    facts: FactReading
    calmed: tuple[str, ...]
    angered: tuple[str, ...]  # the persona's angering behaviours, plus "basics" and "many_steps"
    contradicted: bool  # "you're wrong"
    rushed: bool
    revealed: str | None  # the hidden objective this message earned
    newly_met: tuple[str, ...] = ()
    new_facts: tuple[str, ...] = ()
    progress: bool = False
    repeated: bool = False  # the agent asked a question it had asked before
    newly_heard: bool = False
    unheard_explanation: bool = False  # facts given to a customer still waiting to be heard
    stalling: bool = False  # sympathy again, with nothing new
    copied: bool = False  # the same message as one the agent sent before: nothing in it counts again

    @property
    def wrong_facts(self) -> tuple[str, ...]:
        """The agent's words that contradict a card fact."""
        return self.facts.wrong


def starting_state(engine: str, persona: Persona) -> CustomerState:
    return CustomerState(
        engine=engine,
        mood=persona.starting_mood,
        trust=persona.starting_trust,
        patience=persona.patience,
        history=(persona.starting_mood,),
    )


def judge(scene: SceneContext, state: CustomerState, agent_text: str) -> tuple[CustomerState, Judgement]:
    """The customer's new state after ``agent_text``; the rules are the persona's data."""
    persona, knows = scene.persona, scene.knowledge
    reading = scene.analyser.analyse(agent_text, "agent")
    words = terms(agent_text)
    if any(_same_message(words, set(earlier.split())) for earlier in state.sent):
        return _copied(scene, state, reading, knows.book.read(agent_text))
    facts = knows.book.read(agent_text)
    shown = reading.shown()
    scripted = "scripted_apology" in shown
    sincere = {"empathy", "apology"} & shown and not (scripted and not {"empathy"} & shown)
    calmed = [r.behaviour for r in persona.calmed_by if r.behaviour in shown]
    angered = [r.behaviour for r in persona.angered_by if r.behaviour in shown]
    if "policy" in angered and (state.heard or sincere):
        angered.remove("policy")  # policy after acknowledgment is fine
    if persona.bristles_at_basics and BASICS.search(agent_text):
        angered.append("basics")
    if persona.steps_per_message and len(STEP.findall(agent_text)) > persona.steps_per_message:
        angered.append("many_steps")
    wrong = facts.wrong
    contradicted = bool(CONTRADICTS.search(agent_text))
    new_facts = tuple(f for f in facts.conveyed if f not in state.conveyed)
    doubts = tuple(
        dict.fromkeys(
            [
                *(d for d in state.doubts if d not in facts.conveyed),
                *(c.fact or c.quote for c in facts.contradictions),
            ]
        )
    )
    newly_heard = bool(sincere) and not state.heard
    heard = state.heard or newly_heard
    stalling = bool(sincere) and state.heard and not new_facts and not shown & FORWARD
    if stalling or (scripted and not sincere):
        calmed = [b for b in calmed if b not in FEELINGS]
    unheard = persona.needs_acknowledgment and not heard and bool(new_facts)
    questions = _questions(agent_text)
    repeated = any(q in state.asked for q in questions)
    rushed = reading.words < RUSHED_WORDS and not shown & {"question", "empathy", "apology", "next_steps"}

    conveyed = (*state.conveyed, *new_facts)
    revealed, met = list(state.revealed), list(state.met)
    # a need answered with a wrong fact is not met
    newly_met = () if wrong else _met_now(scene, state, agent_text, set(conveyed), set(facts.conveyed), shown,
                                           heard, angered)
    met += [o for o in newly_met if o not in met]
    earned = next(
        (
            o
            for o in scene.drawn.card.hidden_objectives
            if o.id not in revealed
            and o.id not in met
            and shown & set(o.earned_by)
            and not angered
            and not wrong
        ),
        None,
    )
    if earned is not None:  # one objective per turn: the customer opens up gradually
        revealed.append(earned.id)
    goal_met = state.goal_met or (
        state.goal is not None and bool(newly_met or (shown & FORWARD and new_facts))
    )
    forward_now = bool(shown & FORWARD) and not state.forward
    # asking about their situation moves things on, once or twice; an interrogation does not
    explored = "open_question" in shown and len(state.asked) < 2 and not repeated
    progress = bool(new_facts or newly_met or newly_heard or forward_now or explored) and not wrong

    # correct but cold earns trust at half the rate, from a customer who needs to be heard first
    warmth = 1.0 if heard or not persona.needs_acknowledgment else 0.5
    depth = 1.5 if persona.values_depth else 1.0
    fact_mood = FACT_STEP * depth * min(len(new_facts), 2) * (0.3 if unheard else 1.0)
    mood = (
        state.mood
        + CALM_STEP * len(calmed)
        + fact_mood
        + MET_STEP * len(newly_met)
        - ANGER_STEP * len(angered)
        - WRONG_STEP * len(wrong)
        - 0.5 * contradicted
        - (0.05 if not progress else 0.0)
    )
    trust = (
        state.trust
        + TRUST_HEARD * newly_heard
        + warmth * (TRUST_UP * (len(calmed) + bool(new_facts) * depth + len(newly_met)))
        - TRUST_DOWN * (len(angered) + 2 * len(wrong) + contradicted + repeated)
    )
    unhelpful = not progress or bool(angered) or bool(wrong) or repeated or contradicted
    patience = min(persona.patience, state.patience + 1) if not unhelpful else state.patience - 1
    cause_known = bool(knows.cause & set(conveyed))
    if state.turn + 1 > persona.exchanges_before_impatience and not cause_known and not progress:
        patience -= 1  # the persona's clock: past its exchanges, a turn without progress costs double
    strikes = state.strikes + len(wrong) + 2 * contradicted + ("blame" in shown)
    new = replace(
        state,
        mood=_clip(mood, -1, 1),
        trust=_clip(trust, 0, 1),
        patience=patience,
        turn=state.turn + 1,
        revealed=tuple(revealed),
        met=tuple(met),
        signals=tuple(dict.fromkeys((*state.signals, *sorted(shown)))),
        strikes=strikes,
        conveyed=conveyed,
        told=tuple(dict.fromkeys((*state.told, *sorted(facts.tokens)))),
        doubts=doubts,
        heard=heard,
        forward=state.forward or bool(shown & FORWARD),
        asked=tuple(dict.fromkeys((*state.asked, *questions))),
        goal_met=goal_met,
        sent=(*state.sent, " ".join(sorted(words))),
    )
    new = replace(new, stage=_stage(new, cause_known, heard or not persona.needs_acknowledgment))
    new = replace(new, outcome=_outcome(new, persona, contradicted, progress, cause_known))
    new = replace(new, history=(*state.history, new.mood))
    return new, Judgement(
        reading,
        facts,
        tuple(calmed),
        tuple(angered),
        contradicted,
        rushed,
        earned.id if earned else None,
        newly_met,
        new_facts,
        progress,
        repeated,
        newly_heard,
        unheard,
        stalling,
    )


# A message that shares this much of its content words with an earlier one is that message
# again (pasted, or re-sent with a word changed): a customer reads it once.
SAME_MESSAGE = 0.8


def _same_message(words: set[str], earlier: set[str]) -> bool:
    if len(words) < 3 or len(earlier) < 3:  # "ok", "thanks": short lines may come back
        return False
    return len(words & earlier) / len(words | earlier) >= SAME_MESSAGE


def _copied(scene: SceneContext, state: CustomerState, reading: Analysis, facts: FactReading
            ) -> tuple[CustomerState, Judgement]:
    """The agent sent an earlier message again: it earns nothing (no feeling heard twice, no
    need met by a paste, no fact told anew) and costs patience and trust, as an unhelpful
    reply does — keyword-stuffing one line and posting it three times once resolved a scene."""
    persona = scene.persona
    new = replace(state, turn=state.turn + 1, patience=state.patience - 1,
                  mood=_clip(state.mood - ANGER_STEP, -1, 1), trust=_clip(state.trust - TRUST_DOWN, 0, 1))
    cause_known = bool(scene.knowledge.cause & set(state.conveyed))
    ending = _outcome(new, persona, False, False, cause_known)
    new = replace(new, outcome=None if ending == "resolved" else ending)  # a paste never settles it
    new = replace(new, history=(*state.history, new.mood))
    return new, Judgement(reading, facts, (), (), False, False, None, repeated=True, copied=True)


def _met_now(
    scene: SceneContext,
    state: CustomerState,
    agent_text: str,
    conveyed: set[str],
    this_turn: set[str],
    shown: set[str],
    heard: bool,
    angered: list[str],
) -> tuple[str, ...]:
    """Objectives this message meets: the facts its need speaks of are now all told (one of
    them in this message), or, for a need about feelings, it is acknowledged once voiced."""
    knows = scene.knowledge
    out = []
    for o in scene.drawn.card.hidden_objectives:
        if o.id in state.met or angered:
            continue
        linked = knows.objective_facts.get(o.id, frozenset())
        acting = shown & (set(o.earned_by) | FORWARD | {"summary"})
        answers = knows.objective_answers.get(o.id, frozenset())
        if linked and linked <= conveyed and linked & this_turn:
            out.append(o.id)
        elif answers and answers <= conveyed and answers & this_turn and acting:
            out.append(o.id)  # answered before it had to be asked
        elif linked and o.id in state.revealed and linked & this_turn:
            out.append(o.id)  # answered once asked, with one of the facts it asks about
        elif o.id in state.revealed and answers & this_turn:
            out.append(o.id)  # the fact that answers what was asked
        elif o.id in state.revealed and (linked or answers) and (linked or answers) <= conveyed and acting:
            out.append(o.id)  # told already; once asked, a way to act on it settles it
        elif o.id in knows.feeling_objectives:
            if o.id in state.revealed and heard and shown & (FEELINGS | set(o.earned_by) | FORWARD):
                out.append(o.id)
            elif shown & FEELINGS and knows.addresses(agent_text, o.need, asked=False):
                out.append(o.id)  # the reassurance it needed, given before it had to ask
        elif not linked and acting and knows.addresses(agent_text, o.need, asked=o.id in state.revealed):
            out.append(o.id)  # once asked, any answer to it; before, only a close one
    return tuple(out)


def _questions(text: str) -> tuple[str, ...]:
    """Each question the message asks, as its sorted key terms (to notice one asked again)."""
    out = []
    for part in re.split(r"(?<=[.!?])\s+", text):
        if part.rstrip().endswith("?"):
            words = sorted(terms(part))
            if len(words) >= 2:
                out.append(" ".join(words))
    return tuple(out)


def _stage(state: CustomerState, cause_known: bool, heard_enough: bool) -> str:
    if (
        cause_known
        and heard_enough
        and state.forward
        and not state.doubts
        and set(state.revealed) <= set(state.met)
    ):
        return "resolution"
    if cause_known:
        return "discovery"
    return "complication" if state.turn >= 1 else "opening"


def _outcome(
    state: CustomerState, persona: Persona, contradicted: bool, progress: bool, cause_known: bool
) -> str | None:
    if contradicted or state.strikes >= 3 or (state.mood <= -0.95 and state.strikes):
        return "escalated"
    heard_enough = state.heard or not persona.needs_acknowledgment
    if (
        state.turn >= MIN_TURNS_TO_RESOLVE
        and state.stage == "resolution"
        and heard_enough
        and state.mood >= RESOLVED_MOOD
        and state.trust >= RESOLVED_TRUST
        and (state.goal is None or state.goal_met)
    ):
        return "resolved"
    bottom_line = cause_known or "summary" in state.signals  # a bottom line, even without the cause
    if persona.bottom_line_by and state.turn >= persona.bottom_line_by and not bottom_line:
        return "abandoned"  # three exchanges and still no bottom line: the executive is gone
    if state.patience <= 0 and not progress and state.mood < CONTENT_MOOD:
        return "abandoned" if state.mood > -0.8 else "escalated"
    return None


def _clip(value: float, low: float, high: float) -> float:
    return round(max(low, min(high, value)), 3)
