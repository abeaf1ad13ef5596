"""Scoring a scene against its card and rubric, with the evidence behind every number.

No hidden grading: each criterion's score is computed by the rules in ``SCORING_RULES``,
printed on every score card, from behaviours the analyser found (each with the words
that triggered it) and ticks observers made. Observer ticks that contradict the
analyser are kept side by side as disagreements for the debrief, not averaged away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from math import ceil

from .analysis import SHOWN, Analyser
from .cards import Criterion, DrawnCard
from .errors import NothingToScore
from .personas import Persona
from .records import Message, Note, Record
from .rubrics import CompetencyArea, Rubric
from .scene_reading import (
    ACKNOWLEDGING,
    FactContradicted,
    FactConveyed,
    MoodPoint,
    ObjectiveMet,
    SceneReading,
    Turn,
    read_scene,
)
from .success_checks import SuccessCheck, check_success

SCORER_VERSION = "2.0"
PASS_MARK = 70  # a scored attempt passes at this overall score (level 4 and up)
TOOK_PART = 20
AGAINST_COST, AGAINST_CAP = 15, 45
MISSED_COST, MISSED_CAP = 10, 30
# What each kind of criterion is scored on (the rubric area's ``evidence``), in points:
INDICATOR_POINTS = {"facts": 20, "feelings": 20, "objectives": 0, "clarity": 40, "indicators": 80}
FACT_POINTS, FACTS_FOR_FULL_MARKS = 60, 2 / 3
CONTRADICTION_COST, PUT_RIGHT_COST, CONTRADICTION_CAP = 20, 10, 60
ACK_POINTS, LATE_ACK_POINTS = 30, 15
MOOD_POINTS, MOOD_FOR_FULL_MARKS = 30, 0.6
LOST_FEELING_CAP = 39  # a customer who left or escalated was not calmed: level 2 at most
OBJECTIVE_POINTS, NEXT_STEP_POINTS, RESOLVED_POINTS = 40, 20, 20
PLAIN_POINTS = 40
UNCLEAR = ("jargon", "long_message", "pleasantries")
LOST_CAP = 50  # an escalated or abandoned scene cannot pass
# A customer message "voices a feeling" when its words read this negative or it is this heated.
VOICED_SENTIMENT, VOICED_INTENSITY = -0.3, 0.5

SCORING_RULES = (
    f"Each criterion starts at {TOOK_PART} once the agent has spoken.",
    f"Knowledge criteria: the criterion's card facts share {FACT_POINTS} points, full marks once "
    f"{FACTS_FOR_FULL_MARKS:.0%} of them (rounded up) are conveyed correctly, in any words; the rubric's "
    f"'counts for' indicators share {INDICATOR_POINTS['facts']}; every statement that contradicts a card "
    f"fact costs {CONTRADICTION_COST} ({PUT_RIGHT_COST} if the agent later states the fact correctly), "
    f"at most {CONTRADICTION_CAP}.",
    f"Empathy and de-escalation criteria: {ACK_POINTS} points for acknowledging the customer's feeling "
    f"sincerely no later than the first explanation ({LATE_ACK_POINTS} if later; a scripted formula does "
    f"not count); up to {MOOD_POINTS} for the customer's trajectory, in proportion to how much the "
    f"sentiment of its lines rose from its first line to its last (full marks at +{MOOD_FOR_FULL_MARKS}); "
    f"the indicators share {INDICATOR_POINTS['feelings']}; every feeling left unacknowledged costs "
    f"{MISSED_COST} (at most {MISSED_CAP}); behaviours this persona dislikes count against; a customer "
    f"who escalated or left caps the criterion at {LOST_FEELING_CAP}.",
    f"Resolution criteria: the card's hidden objectives share {OBJECTIVE_POINTS} points when met; "
    f"{NEXT_STEP_POINTS} for a clear next step; {RESOLVED_POINTS} when the customer ends the scene resolved.",
    f"Clarity criteria: the indicators share {INDICATOR_POINTS['clarity']} points; {PLAIN_POINTS} are "
    "shared by the agent's messages free of jargon, walls of text and filler.",
    f"Other criteria: the indicators share {INDICATOR_POINTS['indicators']} points.",
    f"An indicator is met when the analyser reads its behaviour in an agent message (probability ≥ {SHOWN}) "
    "or an observer ticks the checklist item for it on an agent message.",
    f"Every agent message showing a 'counts against' behaviour costs {AGAINST_COST} points "
    f"(at most {AGAINST_CAP} per criterion; clarity counts them in its plain messages instead).",
    "Scores are kept between 0 and 100; the overall score is the criteria's weighted mean.",
    f"A scene the customer escalated or abandoned scores at most {LOST_CAP} overall: it cannot pass "
    f"(pass mark {PASS_MARK}).",
    "Level 1–5 is the rubric anchor the score falls in: 0–19, 20–39, 40–59, 60–79, 80–100.",
)

# Which positive behaviour repairs a negative moment, in the order to suggest them.
REPAIRS: dict[str, tuple[str, ...]] = {
    "blame": ("empathy", "summary"),
    "jargon": ("summary", "next_steps"),
    "overpromise": ("next_steps", "reassurance"),
    "long_message": ("summary", "next_steps"),
    "pleasantries": ("summary", "next_steps"),
    "policy": ("empathy", "options"),
}
HIGHLIGHT_NAMES = {
    "empathy": "empathy statement", "apology": "specific apology", "summary": "summary of the situation",
    "options": "options offered", "next_steps": "clear next step", "open_question": "open question",
    "reassurance": "reassurance", "policy": "policy explained with its reason",
    "blame": "blame or defensiveness", "jargon": "jargon", "overpromise": "overpromise",
    "long_message": "wall of text", "pleasantries": "filler pleasantries",
}
WATCH_OUTS = ("blame", "jargon", "overpromise", "long_message")
MAX_ALTERNATIVES = 4


@dataclass(frozen=True)
class Evidence(Record):
    behaviour: str
    counts: str  # "for" | "against" | "missed"
    source: str  # "analyser" or "observer <id>"
    message: int | None  # the message's number in the transcript, from 1
    quote: str
    why: str


@dataclass(frozen=True)
class CriterionScore(Record):
    name: str
    competency: str
    weight: int
    score: int
    level: int
    level_label: str
    anchor: str
    met: list[str]
    not_met: list[str]
    look_for: list[str]
    evidence: list[Evidence]
    arithmetic: str


@dataclass(frozen=True)
class Moment(Record):
    message: int
    kind: str  # "highlight" | "watch-out"
    behaviour: str
    text: str
    quote: str


@dataclass(frozen=True)
class MissedOpportunity(Record):
    message: int | None  # the reply that missed it (None: the scene as a whole)
    customer_message: int | None
    customer_quote: str
    text: str


@dataclass(frozen=True)
class Alternative(Record):
    message: int | None
    instead_of: str | None
    behaviour: str
    line: str
    source: str


@dataclass(frozen=True)
class Agreement(Record):
    item: str
    behaviour: str
    analyser: bool
    analyser_messages: list[int]
    observers: dict[str, bool]

    @property
    def agree(self) -> bool:
        return all(seen == self.analyser for seen in self.observers.values())

    def to_dict(self) -> dict:
        return {**super().to_dict(), "agree": self.agree}


@dataclass(frozen=True)
class ScoreCard(Record):
    scene_id: str
    card_id: str
    agent: str | None
    rubric_id: str
    rubric_version: str
    scorer_version: str
    overall: int
    criteria: list[CriterionScore]
    highlights: list[Moment]
    missed: list[MissedOpportunity]
    alternatives: list[Alternative]
    agreements: list[Agreement]
    success: list[SuccessCheck]
    messages_scored: int
    scored_at: datetime | None = None
    rules: tuple[str, ...] = field(default=SCORING_RULES)
    outcome: str | None = None  # how the customer ended the scene
    trajectory: list[MoodPoint] = field(default_factory=list)
    facts: list[FactConveyed] = field(default_factory=list)
    contradictions: list[FactContradicted] = field(default_factory=list)
    objectives: list[ObjectiveMet] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.overall >= PASS_MARK

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["agreements"] = [a.to_dict() for a in self.agreements]
        return data

    def competency_scores(self) -> dict[str, int]:
        """Each competency area's score in this scene (weighted when two criteria share one)."""
        totals: dict[str, list[int]] = {}
        for c in self.criteria:
            pair = totals.setdefault(c.competency, [0, 0])
            pair[0] += c.score * c.weight
            pair[1] += c.weight
        return {area: round(s / w) for area, (s, w) in totals.items()}


def score_scene(scene_id: str, drawn: DrawnCard, rubric: Rubric, transcript: Sequence[Message],
                notes: Sequence[Note] = (), *, persona: Persona, agent: str | None = None,
                analyser: Analyser | None = None, outcome: str | None = None,
                scored_at: datetime | None = None) -> ScoreCard:
    """The score card for one attempt: ``transcript`` is the branch being scored, ``outcome``
    how its customer ended it (None: the scene ran out of time)."""
    card = drawn.card
    if not any(m.speaker == "agent" for m in transcript):
        raise NothingToScore("the agent has not spoken yet: there is nothing to score")
    scene = read_scene(drawn, persona, transcript, analyser=analyser, outcome=outcome)
    agent_turns = scene.agent_turns
    ticks = _observer_ticks(rubric, notes, {t.message.id: t for t in scene.turns})
    missed = _missed_opportunities(scene.turns)
    disliked = {r.behaviour for r in persona.angered_by}
    criteria = [_criterion(c, rubric.area(c.competency), scene, ticks, missed, disliked)
                for c in card.criteria]
    total_weight = sum(c.weight for c in criteria)
    overall = round(sum(c.score * c.weight for c in criteria) / total_weight)
    if scene.lost:
        overall = min(overall, LOST_CAP)
    highlights = _moments(agent_turns)
    return ScoreCard(
        scene_id=scene_id, card_id=card.id, agent=agent, rubric_id=rubric.id,
        rubric_version=rubric.version, scorer_version=SCORER_VERSION, overall=overall,
        criteria=criteria, highlights=highlights, missed=missed,
        alternatives=_alternatives(drawn, rubric, criteria, highlights, missed, scene),
        agreements=_agreements(rubric, agent_turns, ticks),
        success=[check_success(s, scene) for s in card.success_criteria],
        messages_scored=len(scene.turns), scored_at=scored_at, outcome=scene.outcome,
        trajectory=scene.trajectory, facts=scene.facts, contradictions=scene.contradictions,
        objectives=scene.objectives)


def _quote(turn: Turn, behaviour: str) -> str:
    quotes = turn.reading.quotes(turn.message.text, behaviour)
    return quotes[0] if quotes else turn.message.text


def _why(turn: Turn, behaviour: str) -> str:
    reasons = turn.reading.reasons.get(behaviour) or [f"reads as {behaviour}"]
    return f"{reasons[0]} (p={turn.reading.behaviours[behaviour]:.2f})"


def _observer_ticks(rubric: Rubric, notes: Sequence[Note], by_id: dict[int, Turn]
                    ) -> dict[str, list[Evidence]]:
    """behaviour → the observers' ticks for the checklist item bound to it. A tick on a
    customer line is kept without a quote: the customer's words are never the agent's evidence."""
    items = {item.id: item for item in rubric.checklist if item.behaviour}
    ticks: dict[str, list[Evidence]] = {}
    for note in notes:
        item = items.get(note.item or "")
        if note.kind != "tick" or item is None or item.behaviour is None:
            continue
        turn = by_id.get(note.message_id) if note.message_id is not None else None
        if turn is not None and not turn.by_agent:
            turn = None
        ticks.setdefault(item.behaviour, []).append(Evidence(
            item.behaviour, "for", f"observer {note.observer}", turn.number if turn else None,
            turn.message.text if turn else "", f"ticked '{item.label}'"))
    return ticks


def _missed_opportunities(turns: Sequence[Turn]) -> list[MissedOpportunity]:
    missed = []
    for customer, reply in pairwise(turns):
        if customer.by_agent or not reply.by_agent:
            continue
        mood = customer.reading
        worded = mood.sentiment if mood.worded_sentiment is None else mood.worded_sentiment
        voiced = worded <= VOICED_SENTIMENT or mood.intensity >= VOICED_INTENSITY
        if voiced and not reply.acknowledges:
            missed.append(MissedOpportunity(
                reply.number, customer.number, customer.message.text,
                f"The customer voiced a feeling at message {customer.number}; the reply at message "
                f"{reply.number} did not acknowledge it."))
    if not any(t.by_agent and t.reading.shows("next_steps") for t in turns):
        missed.append(MissedOpportunity(None, None, "", "The scene ended without a clear next step "
                                                        "(who does what by when)."))
    return missed


@dataclass
class _Tally:
    """A criterion's points as they are earned and lost, each with its reason."""

    evidence: list[Evidence] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    total: int = TOOK_PART
    cap: int = 100

    def add(self, points: int, why: str) -> None:
        self.total += points
        self.parts.append(f"+ {points} ({why})")

    def take(self, points: int, why: str) -> None:
        if points:
            self.total -= points
            self.parts.append(f"− {points} ({why})")

    def arithmetic(self, score: int) -> str:
        capped = f", capped at {self.cap}" if self.total > self.cap else ""
        return f"{TOOK_PART} " + " ".join(self.parts) + f"{capped} = {score}"


def _criterion(criterion: Criterion, area: CompetencyArea, scene: SceneReading,
               ticks: dict[str, list[Evidence]], missed: Sequence[MissedOpportunity],
               disliked: set[str]) -> CriterionScore:
    tally = _Tally()
    met, not_met = _indicators(area, scene.agent_turns, ticks, tally)
    kind = area.evidence
    if INDICATOR_POINTS[kind]:
        tally.add(round(INDICATOR_POINTS[kind] * len(met) / len(area.counts_for)),
                  f"{len(met)} of {len(area.counts_for)} indicators met")
    if kind == "facts":
        _facts_points(criterion, scene, tally)
    elif kind == "feelings":
        _feelings_points(scene, missed, tally)
    elif kind == "objectives":
        _objectives_points(scene, ticks.get("next_steps", []), tally)
    if kind == "clarity":
        _plain_points(scene, tally)
    else:
        against = {ind.behaviour for ind in area.counts_against if ind.behaviour}
        if kind == "feelings":
            against |= disliked & {"pleasantries", "scripted_apology", "policy", "jargon", "long_message"}
        heard = scene.first_acknowledgment()
        _against(against, scene.agent_turns, tally, heard_from=heard.number if heard else None)
    score = max(0, min(tally.cap, 100, tally.total))
    level = min(5, score // 20 + 1)
    anchor = next(lv for lv in area.levels if lv.level == level)
    return CriterionScore(criterion.name, criterion.competency, criterion.weight, score, level,
                          anchor.label, anchor.anchor, met, not_met, list(criterion.look_for),
                          tally.evidence, tally.arithmetic(score))


def _indicators(area: CompetencyArea, agent_turns: Sequence[Turn], ticks: dict[str, list[Evidence]],
                tally: _Tally) -> tuple[list[str], list[str]]:
    met, not_met = [], []
    for indicator in area.counts_for:
        b = indicator.behaviour
        seen = [Evidence(b, "for", "analyser", t.number, _quote(t, b), _why(t, b))
                for t in agent_turns if b and t.reading.shows(b)] + ticks.get(b or "", [])
        (met if seen else not_met).append(indicator.text)
        tally.evidence += seen
    return met, not_met


def _against(behaviours: set[str], agent_turns: Sequence[Turn], tally: _Tally, heard_from: int | None = None
             ) -> None:
    """Each message showing one of ``behaviours``; policy stated once the customer's feeling has
    been acknowledged (at message ``heard_from``) is the rule explained, not a wall."""
    against = [Evidence(b, "against", "analyser", t.number, _quote(t, b), _why(t, b))
               for b in sorted(behaviours) for t in agent_turns if t.reading.shows(b)
               and not (b == "policy" and heard_from is not None and t.number >= heard_from)]
    tally.evidence += against
    tally.take(min(AGAINST_CAP, AGAINST_COST * len(against)), f"{len(against)} against")


def _facts_points(criterion: Criterion, scene: SceneReading, tally: _Tally) -> None:
    about = set(criterion.facts) or {f.id for f in scene.card.facts}
    conveyed = [f for f in scene.facts if f.fact in about]
    needed = max(1, ceil(len(about) * FACTS_FOR_FULL_MARKS))
    tally.add(round(FACT_POINTS * min(len(conveyed), needed) / needed),
              f"{len(conveyed)} of {len(about)} facts conveyed, {needed} for full marks")
    tally.evidence += [Evidence("fact", "for", "analyser", f.message, f.quote, f"conveys: {f.statement}")
                       for f in conveyed]
    wrong = [c for c in scene.contradictions if c.fact is None or c.fact in about]
    cost = sum(PUT_RIGHT_COST if c.put_right else CONTRADICTION_COST for c in wrong)
    tally.evidence += [Evidence("contradiction", "against", "analyser", c.message, c.quote, _contradicts(c))
                       for c in wrong]
    tally.take(min(CONTRADICTION_CAP, cost), f"{len(wrong)} contradicting the card's facts")


def _contradicts(c: FactContradicted) -> str:
    said = f"the card says: {c.expected}" if c.expected else "no card fact says so"
    fixed = f"; put right at message {c.put_right}" if c.put_right else ""
    return f"contradicts the facts ({said}){fixed}"


def _feelings_points(scene: SceneReading, missed: Sequence[MissedOpportunity], tally: _Tally) -> None:
    acknowledged = scene.first_acknowledgment()
    explained = scene.first_fact_message()
    if acknowledged is None:
        tally.add(0, "the customer's feeling never acknowledged")
    elif explained is None or acknowledged.number <= explained:
        tally.add(ACK_POINTS, f"feeling acknowledged at message {acknowledged.number}, "
                              "before the explanation")
    else:
        tally.add(LATE_ACK_POINTS, f"feeling acknowledged at message {acknowledged.number}, only after the "
                                   f"explanation at message {explained}")
    if acknowledged is not None:
        tally.evidence.append(Evidence("acknowledgment", "for", "analyser", acknowledged.number,
                                       _quote(acknowledged, _acknowledging(acknowledged)),
                                       "acknowledges the customer's feeling"))
    change = scene.mood_change()
    if change is None:
        tally.add(0, "too few customer lines to read a trajectory")
    else:
        first, last = scene.trajectory[0], scene.trajectory[-1]
        points = round(MOOD_POINTS * max(0.0, min(1.0, change / MOOD_FOR_FULL_MARKS)))
        tally.add(points, f"the customer's sentiment went from {first.sentiment:+.2f} (message "
                          f"{first.message}) to {last.sentiment:+.2f} (message {last.message})")
    missed_here = [m for m in missed if m.customer_message is not None]
    tally.evidence += [Evidence("empathy", "missed", "analyser", m.customer_message, m.customer_quote, m.text)
                       for m in missed_here]
    tally.take(min(MISSED_CAP, MISSED_COST * len(missed_here)), f"{len(missed_here)} missed")
    if scene.lost:
        tally.cap = LOST_FEELING_CAP
        tally.parts.append(f"(the customer {scene.outcome})")


def _acknowledging(turn: Turn) -> str:
    return next(b for b in ACKNOWLEDGING if turn.reading.shows(b))


def _objectives_points(scene: SceneReading, step_ticks: Sequence[Evidence], tally: _Tally) -> None:
    total = len(scene.card.hidden_objectives)
    met = scene.objectives
    tally.add(round(OBJECTIVE_POINTS * len(met) / total) if total else OBJECTIVE_POINTS,
              f"{len(met)} of {total} hidden objectives met")
    tally.evidence += [Evidence("objective", "for", "analyser", o.message, o.quote, f"meets: {o.need}")
                       for o in met]
    step = scene.first_next_step()
    if step is None and step_ticks:
        tally.add(NEXT_STEP_POINTS, f"next step ticked by {step_ticks[0].source}")
    else:
        tally.add(NEXT_STEP_POINTS if step else 0,
                  f"next step at message {step.number}" if step else "no next step")
    if step is not None:
        tally.evidence.append(Evidence("next_steps", "for", "analyser", step.number,
                                       _quote(step, "next_steps"), _why(step, "next_steps")))
    resolved = scene.outcome == "resolved"
    ended = scene.outcome or "time ran out"
    tally.add(RESOLVED_POINTS if resolved else 0,
              "the customer resolved the scene" if resolved else f"scene not resolved ({ended})")


def _plain_points(scene: SceneReading, tally: _Tally) -> None:
    turns = scene.agent_turns
    unclear = [t for t in turns if any(t.reading.shows(b) for b in UNCLEAR)]
    tally.evidence += [Evidence(b, "against", "analyser", t.number, _quote(t, b), _why(t, b))
                       for t in unclear for b in UNCLEAR if t.reading.shows(b)]
    plain = len(turns) - len(unclear)
    tally.add(round(PLAIN_POINTS * plain / len(turns)),
              f"{plain} of {len(turns)} messages free of jargon, walls of text and filler")


def _moments(agent_turns: Sequence[Turn]) -> list[Moment]:
    """The first time each good behaviour appears, and every watch-out, in transcript order."""
    moments: list[Moment] = []
    firsts: set[str] = set()
    for t in agent_turns:
        for b in ("empathy", "apology", "summary", "open_question", "options", "next_steps", "reassurance"):
            if b not in firsts and t.reading.shows(b):
                firsts.add(b)
                moments.append(Moment(t.number, "highlight", b, f"{HIGHLIGHT_NAMES[b]} at message {t.number}",
                                      _quote(t, b)))
        for b in WATCH_OUTS:
            if t.reading.shows(b):
                moments.append(Moment(t.number, "watch-out", b, f"{HIGHLIGHT_NAMES[b]} at message {t.number}",
                                      _quote(t, b)))
    return moments


def _alternatives(drawn: DrawnCard, rubric: Rubric, criteria: Sequence[CriterionScore],
                  moments: Sequence[Moment], missed: Sequence[MissedOpportunity],
                  scene: SceneReading) -> list[Alternative]:
    """Lines to try instead at the weakest moments: a contradicted fact stated as the card
    states it, then the card's phrase bank, then the rubric."""
    statements = {f.id: f.statement for f in drawn.card.facts}
    facts_first = [Alternative(c.message, c.quote, "fact", statements[c.fact], "the card's facts")
                   for c in scene.contradictions if c.fact in statements and not c.put_right][:2]
    bank: dict[str, list[str]] = {}
    for phrase in drawn.card.phrase_bank:
        bank.setdefault(phrase.behaviour, []).append(phrase.line)
    used: set[str] = set()

    def line_for(behaviours: Sequence[str], competency: str) -> tuple[str, str, str]:
        for b in behaviours:
            for line in bank.get(b, []):
                if line not in used:
                    used.add(line)
                    return b, line, "the card's phrase bank"
        area = rubric.area(competency)
        top = next(lv for lv in area.levels if lv.level == 4)
        return behaviours[0], top.anchor, f"rubric anchor: {area.name}, level 4 ({top.label})"

    # The weakest moments first: what the agent said that hurt, then the first feeling left
    # unacknowledged, then what the scene never did, then the weakest criterion's gap.
    wanted: list[tuple[int | None, str | None, tuple[str, ...], str]] = [
        (m.message, m.quote, REPAIRS[m.behaviour], "communication-clarity")
        for m in moments if m.kind == "watch-out"][:2]
    wanted += [(m.message, None, ACKNOWLEDGING, "customer-empathy") for m in missed if m.message][:1]
    wanted += [(None, None, ("next_steps", "options"), "first-contact-resolution")
               for m in missed if m.message is None]
    weakest = min(criteria, key=lambda c: (c.score, -c.weight))
    missing = tuple(i.behaviour for i in rubric.area(weakest.competency).counts_for
                    if i.text in weakest.not_met and i.behaviour)
    if weakest.score < 80 and missing:
        wanted.append((None, None, missing, weakest.competency))
    out = facts_first
    for message, instead_of, behaviours, competency in wanted[:MAX_ALTERNATIVES - len(out)]:
        b, line, source = line_for(behaviours, competency)
        out.append(Alternative(message, instead_of, b, line, source))
    return out


def _agreements(rubric: Rubric, agent_turns: Sequence[Turn], ticks: dict[str, list[Evidence]]
                ) -> list[Agreement]:
    """Per checklist item: what the analyser read and what each observer ticked."""
    observers = sorted({e.source.removeprefix("observer ") for seen in ticks.values() for e in seen})
    out = []
    for item in rubric.checklist:
        if item.kind != "tick" or item.behaviour is None:
            continue
        found = [t.number for t in agent_turns if t.reading.shows(item.behaviour)]
        ticked = {e.source.removeprefix("observer ") for e in ticks.get(item.behaviour, [])}
        out.append(Agreement(item.id, item.behaviour, bool(found), found,
                             {o: o in ticked for o in observers}))
    return out
