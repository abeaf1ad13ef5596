"""What a simulated customer feels and knows, and how an agent message changes it.

Every engine — the embedded one, the LLM one, a human peer — reports its state in this
shape, and the mood, trust and objectives of the two simulated ones are judged here from
the analyser's reading, so scenes are comparable whichever engine played the customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..analysis import Analyser, Analysis
from ..cards import DrawnCard
from ..personas import Persona
from ..records import Record

OUTCOMES = ("resolved", "escalated", "abandoned")
STAGES = ("opening", "complication", "discovery", "resolution")
CALM_STEP, ANGER_STEP = 0.22, 0.3
TRUST_UP, TRUST_DOWN = 0.08, 0.15
# A customer accepts once the practical success criteria are met and they are calm enough;
# below these they accept only grudgingly (the card's "okay" path) or not at all.
RESOLVED_MOOD, RESOLVED_TRUST = -0.5, 0.25
FEELINGS = frozenset({"empathy", "apology", "reassurance"})
MIN_TURNS_TO_RESOLVE = 3  # never resolved by one polite sentence
RUSHED_WORDS = 6
# "You're wrong", "that's not true": a flat contradiction escalates whatever the persona.
CONTRADICTS = re.compile(r"\b(?:you(?:'re| are) (?:wrong|mistaken|confused)|"
                         r"that(?:'s| is) (?:not true|wrong)|you (?:clearly )?(?:didn'?t|did not) read)\b",
                         re.IGNORECASE)
# "Have you tried restarting?" to someone who said they already did.
BASICS = re.compile(r"\bhave you tried (?:restarting|rebooting|turning it off|clearing (?:the |your )?cache|"
                    r"logging out|reinstalling)|\bclear (?:the |your )?cache\b|\brestart (?:it|the app|your)",
                    re.IGNORECASE)
BRISTLES_AT_BASICS = frozenset({"technical-user"})
AMOUNT = re.compile(r"[$€£]\s?\d[\d,]*(?:\.\d+)?|"
                    r"\b\d[\d,]*(?:\.\d+)?\s?(?:seats?|users?|days?|hours?|minutes?|GB|MB|%|percent)\b",
                    re.IGNORECASE)


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
    signals: tuple[str, ...] = ()  # success-criterion signals the agent has shown
    said: tuple[str, ...] = ()  # lines already used (never repeated in a scene)
    strikes: int = 0  # blame, contradictions, wrong facts
    outcome: str | None = None
    notice: str | None = None  # shown to the room, e.g. "the LLM customer failed; embedded took over"
    goal: str | None = None  # a facilitator's swapped goal
    environment: str | None = None  # a facilitator's changed environment
    history: tuple[float, ...] = field(default=())  # mood after each turn

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CustomerState:
        tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list)}
        return cls(**{**data, **tuples})


@dataclass(frozen=True)
class Judgement:
    """What the customer made of one agent message, for engines that choose lines."""

    reading: Analysis
    calmed: tuple[str, ...]
    angered: tuple[str, ...]
    wrong_facts: tuple[str, ...]
    contradicted: bool
    rushed: bool
    revealed: str | None  # the hidden objective this message earned


def starting_state(engine: str, persona: Persona) -> CustomerState:
    return CustomerState(engine=engine, mood=persona.starting_mood, trust=persona.starting_trust,
                         patience=persona.patience, history=(persona.starting_mood,))


def judge(drawn: DrawnCard, persona: Persona, analyser: Analyser, state: CustomerState,
          agent_text: str) -> tuple[CustomerState, Judgement]:
    """The customer's new state after ``agent_text``; the rules are the persona's data."""
    card = drawn.card
    reading = analyser.analyse(agent_text, "agent")
    shown = reading.shown()
    calmed = tuple(r.behaviour for r in persona.calmed_by if r.behaviour in shown)
    angered = tuple(r.behaviour for r in persona.angered_by if r.behaviour in shown)
    if "policy" in angered and ({"empathy", "apology"} & set(state.signals) | {"empathy", "apology"} & shown):
        angered = tuple(b for b in angered if b != "policy")  # policy after acknowledgment is fine
    if persona.id in BRISTLES_AT_BASICS and BASICS.search(agent_text):
        angered = (*angered, "basics")
    wrong = _wrong_facts(drawn, agent_text)
    contradicted = bool(CONTRADICTS.search(agent_text))
    rushed = reading.words < RUSHED_WORDS and not shown & {"question", "empathy", "apology", "next_steps"}
    mood = state.mood + CALM_STEP * len(calmed) - ANGER_STEP * len(angered)
    trust = state.trust + TRUST_UP * len(calmed) - TRUST_DOWN * (len(angered) + len(wrong) + contradicted)
    helpful = bool(shown & {"empathy", "apology", "question", "options", "next_steps", "summary", "policy",
                            "reassurance", "suggestion"}) and not rushed
    patience = state.patience - (0 if helpful and not angered else 1)
    if state.turn + 1 > persona.exchanges_before_impatience and state.stage != "resolution":
        patience -= 1  # the persona's clock: past its exchanges, every turn costs patience
    strikes = state.strikes + len(wrong) + 2 * contradicted + ("blame" in shown)
    if contradicted:
        mood -= 0.5
    signals = tuple(dict.fromkeys((*state.signals, *sorted(shown))))
    revealed, met = list(state.revealed), list(state.met)
    earned = next((o for o in card.hidden_objectives
                   if o.id not in revealed and shown & set(o.earned_by) and not angered), None)
    if earned is not None:  # one objective per turn: the customer opens up gradually
        revealed.append(earned.id)
    for o in card.hidden_objectives:
        if o.id in revealed and o.id not in met and earned is not o and shown & {"next_steps", "options"}:
            met.append(o.id)
    new = replace(state, mood=_clip(mood, -1, 1), trust=_clip(trust, 0, 1), patience=patience,
                  turn=state.turn + 1, revealed=tuple(revealed), met=tuple(met), signals=signals,
                  strikes=strikes)
    new = replace(new, stage=_stage(new, drawn), outcome=_outcome(new, drawn, contradicted))
    new = replace(new, history=(*state.history, new.mood))
    return new, Judgement(reading, calmed, angered, tuple(wrong), contradicted, rushed,
                          earned.id if earned else None)


def success_met(state: CustomerState, drawn: DrawnCard, *, practical_only: bool = False) -> bool:
    """Every success criterion shown by at least one of its signals; ``practical_only``
    skips those met by feelings alone (a cold but correct agent can still resolve)."""
    return all(not s.signals or set(s.signals) & set(state.signals)
               or (practical_only and set(s.signals) <= FEELINGS)
               for s in drawn.card.success_criteria)


def _stage(state: CustomerState, drawn: DrawnCard) -> str:
    if success_met(state, drawn, practical_only=True) and state.mood >= RESOLVED_MOOD:
        return "resolution"
    if state.revealed or state.turn >= 3:
        return "discovery"
    return "complication" if state.turn >= 1 else "opening"


def _outcome(state: CustomerState, drawn: DrawnCard, contradicted: bool) -> str | None:
    if contradicted or state.strikes >= 3 or (state.mood <= -0.95 and state.strikes):
        return "escalated"
    objectives_met = len(state.met) >= min(1, len(drawn.card.hidden_objectives))
    if (state.turn >= MIN_TURNS_TO_RESOLVE and success_met(state, drawn, practical_only=True)
            and objectives_met and state.mood >= RESOLVED_MOOD and state.trust >= RESOLVED_TRUST):
        return "resolved"  # delivered on the turn patience ran out: the customer takes it
    if state.patience <= 0:
        return "abandoned" if state.mood > -0.8 else "escalated"
    return None


def _wrong_facts(drawn: DrawnCard, text: str) -> list[str]:
    """Amounts and counts the agent states that none of the card's facts or values contain."""
    known = " ".join([*(f.statement for f in drawn.card.facts), *(f.value or "" for f in drawn.card.facts),
                      *drawn.values.values(), drawn.card.constraint, *drawn.card.arc.opening,
                      *drawn.card.arc.complication, *drawn.card.arc.discovery, *drawn.card.arc.resolution,
                      *(p.line for p in drawn.card.phrase_bank)])
    known_numbers = set(re.findall(r"\d[\d,]*(?:\.\d+)?", known))
    wrong = []
    for m in AMOUNT.finditer(text):
        numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", m.group(0))
        if numbers and not set(numbers) & known_numbers:
            wrong.append(m.group(0))
    return wrong


def _clip(value: float, low: float, high: float) -> float:
    return round(max(low, min(high, value)), 3)
