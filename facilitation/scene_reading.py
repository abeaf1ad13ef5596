"""What happened in a scene, read from its transcript: the evidence the scorer scores.

The same reading for every engine (embedded, LLM, a human customer): the agent's messages
are replayed through the customer's judge (``customers.state.judge``), which finds the
card facts each message conveyed or contradicted and the hidden objectives it met; the
customer's lines are read by the analyser for their sentiment, open to close. Only the
outcome comes from the engine that played the customer (or, for a person, their last line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .analysis import Analyser, Analysis
from .analysis.facts import Contradiction
from .cards import DrawnCard, ScenarioCard
from .customers import SceneContext
from .customers.state import Judgement, judge, starting_state
from .personas import Persona
from .records import Message, Record

LOST = ("escalated", "abandoned")
ACKNOWLEDGING = ("empathy", "apology")
# A person playing the customer ends the scene in words: "get me your manager", "we're leaving".
ESCALATES = re.compile(
    r"\b(?:(?:get|put|give) me (?:your |a |someone )?(?:manager|supervisor|someone (?:senior|else|"
    r"in charge))|(?:speak|talk) to (?:your |a )?(?:manager|supervisor|someone senior)|"
    r"escalat(?:e|ing) (?:this|it)|my lawyer|file a complaint)\b", re.IGNORECASE)
LEAVES = re.compile(
    r"\b(?:we(?:'re| are) (?:cancell?ing|leaving|done|moving to)|i(?:'m| am) (?:cancell?ing|done|leaving)|"
    r"cancel (?:my|our|the) (?:account|subscription|plan)|forget it|moving to another provider)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    number: int  # from 1, as the transcript shows it
    message: Message
    reading: Analysis
    judged: Judgement | None = None  # agent messages only

    @property
    def by_agent(self) -> bool:
        return self.message.speaker == "agent"

    @property
    def acknowledges(self) -> bool:
        """A sincere acknowledgment: empathy, or an apology that is more than the stock
        formula (the analyser discounts one found only inside "sorry for any inconvenience")."""
        return any(self.reading.shows(b) for b in ACKNOWLEDGING)


@dataclass(frozen=True)
class FactConveyed(Record):
    fact: str
    statement: str
    message: int
    quote: str


@dataclass(frozen=True)
class FactContradicted(Record):
    fact: str | None
    expected: str | None  # what the card says instead
    message: int
    quote: str
    put_right: int | None  # the later message that stated the fact correctly


@dataclass(frozen=True)
class ObjectiveMet(Record):
    objective: str
    need: str
    message: int
    quote: str


@dataclass(frozen=True)
class MoodPoint(Record):
    message: int
    sentiment: float


@dataclass(frozen=True)
class SceneReading:
    card: ScenarioCard  # as drawn for this attempt
    turns: list[Turn]
    facts: list[FactConveyed]  # each fact once, where it was first conveyed
    contradictions: list[FactContradicted]
    objectives: list[ObjectiveMet]
    trajectory: list[MoodPoint]  # the customer's sentiment, line by line
    outcome: str | None  # resolved | escalated | abandoned | None (the clock ran out)

    @property
    def agent_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.by_agent]

    @property
    def lost(self) -> bool:
        return self.outcome in LOST

    def first_acknowledgment(self) -> Turn | None:
        return next((t for t in self.agent_turns if t.acknowledges), None)

    def first_next_step(self) -> Turn | None:
        return next((t for t in self.agent_turns if t.reading.shows("next_steps")), None)

    def first_fact_message(self, facts: Sequence[str] | None = None) -> int | None:
        """The message that first conveyed any of ``facts`` (any fact when None)."""
        found = [f.message for f in self.facts if facts is None or f.fact in facts]
        return min(found) if found else None

    def mood_change(self) -> float | None:
        """Sentiment of the customer's last line minus its first (None before two lines)."""
        if len(self.trajectory) < 2:
            return None
        return round(self.trajectory[-1].sentiment - self.trajectory[0].sentiment, 3)


def read_scene(drawn: DrawnCard, persona: Persona, transcript: Sequence[Message], *,
               analyser: Analyser | None = None, outcome: str | None = None) -> SceneReading:
    """Read one branch's transcript; ``outcome`` is the simulated customer's, when it had one."""
    analyser = analyser or Analyser.for_card(drawn.card, persona)
    scene = SceneContext(drawn, persona, drawn.seed or 0, analyser)
    state = starting_state("replay", persona)
    turns: list[Turn] = []
    for number, message in enumerate(transcript, start=1):
        if message.speaker == "agent":
            state, judged = judge(scene, state, message.text)
            turns.append(Turn(number, message, judged.reading, judged))
        else:
            turns.append(Turn(number, message, analyser.analyse(message.text, "customer")))
    facts, contradictions = _facts(drawn, turns)
    customer_lines = [t for t in turns if not t.by_agent]
    return SceneReading(
        card=drawn.card, turns=turns, facts=facts, contradictions=contradictions,
        objectives=_objectives(drawn, turns), outcome=outcome,
        trajectory=[MoodPoint(t.number, t.reading.sentiment) for t in customer_lines])


def _facts(drawn: DrawnCard, turns: Sequence[Turn]) -> tuple[list[FactConveyed], list[FactContradicted]]:
    statements = {f.id: f.statement for f in drawn.card.facts}
    conveyed: dict[str, FactConveyed] = {}
    wrong: list[tuple[Turn, Contradiction]] = []
    for t in turns:
        if t.judged is None:
            continue
        for fact, (a, b) in t.judged.facts.conveyed.items():
            if fact not in conveyed:
                conveyed[fact] = FactConveyed(fact, statements.get(fact, fact), t.number, t.message.text[a:b])
        wrong += [(t, c) for c in t.judged.facts.contradictions]
    contradictions = []
    for t, c in wrong:
        put_right = next((u.number for u in turns if u.judged is not None and u.number > t.number
                          and c.fact in u.judged.facts.conveyed), None)
        contradictions.append(FactContradicted(c.fact, c.expected, t.number, c.quote, put_right))
    return sorted(conveyed.values(), key=lambda f: f.message), contradictions


def _objectives(drawn: DrawnCard, turns: Sequence[Turn]) -> list[ObjectiveMet]:
    needs = {o.id: o.need for o in drawn.card.hidden_objectives}
    return [ObjectiveMet(o, needs.get(o, o), t.number, t.message.text)
            for t in turns if t.judged is not None for o in t.judged.newly_met]


def said_outcome(transcript: Sequence[Message]) -> str | None:
    """How a person playing the customer ended the scene, read from their last line."""
    last = next((m.text for m in reversed(transcript) if m.speaker != "agent"), "")
    if ESCALATES.search(last):
        return "escalated"
    if LEAVES.search(last):
        return "abandoned"
    return None
