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

from .analysis import SHOWN, Analyser, Analysis
from .cards import Criterion, DrawnCard
from .records import Message, Note, Record
from .rubrics import CompetencyArea, Rubric

SCORER_VERSION = "1.0"
FOR_POINTS = 80  # shared equally by the area's "counts for" indicators
TOOK_PART = 20
AGAINST_COST, AGAINST_CAP = 15, 45
MISSED_COST, MISSED_CAP = 10, 30
FEELING_AREAS = frozenset({"customer-empathy", "de-escalation"})
ACKNOWLEDGING = ("empathy", "apology")
# A customer message "voices a feeling" when it reads this negative or this heated.
VOICED_SENTIMENT, VOICED_INTENSITY = -0.3, 0.5

SCORING_RULES = (
    f"Each criterion starts at {TOOK_PART} once the agent has spoken.",
    f"The rubric area's 'counts for' indicators share {FOR_POINTS} points equally; an indicator is met "
    f"when the analyser reads its behaviour in an agent message (probability ≥ {SHOWN}) or an observer "
    "ticks the checklist item for it.",
    f"Every agent message showing a 'counts against' behaviour costs {AGAINST_COST} points "
    f"(at most {AGAINST_CAP} per criterion).",
    f"For empathy and de-escalation criteria, every missed opportunity (the customer voiced a feeling and "
    f"the next reply did not acknowledge it) costs {MISSED_COST} points (at most {MISSED_CAP}).",
    "Scores are kept between 0 and 100; the overall score is the criteria's weighted mean.",
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
class SuccessCheck(Record):
    text: str
    met: bool
    messages: list[int]


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


class NothingToScore(ValueError):
    """The agent has not spoken yet."""


@dataclass(frozen=True)
class _Turn:
    number: int  # from 1, as the transcript shows it
    message: Message
    reading: Analysis


def score_scene(scene_id: str, drawn: DrawnCard, rubric: Rubric, transcript: Sequence[Message],
                notes: Sequence[Note] = (), *, agent: str | None = None,
                analyser: Analyser | None = None, persona: object | None = None,
                scored_at: datetime | None = None) -> ScoreCard:
    """The score card for one attempt: ``transcript`` is the branch being scored."""
    card = drawn.card
    analyser = analyser or Analyser.for_card(card, persona)
    turns = [_Turn(i, m, analyser.analyse(m.text, "agent" if m.speaker == "agent" else "customer"))
             for i, m in enumerate(transcript, start=1)]
    agent_turns = [t for t in turns if t.message.speaker == "agent"]
    if not agent_turns:
        raise NothingToScore("the agent has not spoken yet: there is nothing to score")
    by_id = {t.message.id: t for t in turns}
    ticks = _observer_ticks(rubric, notes, by_id)
    missed = _missed_opportunities(turns)
    criteria = [_criterion(c, rubric.area(c.competency), agent_turns, ticks, missed)
                for c in card.criteria]
    total_weight = sum(c.weight for c in criteria)
    overall = round(sum(c.score * c.weight for c in criteria) / total_weight)
    highlights = _moments(agent_turns)
    return ScoreCard(
        scene_id=scene_id, card_id=card.id, agent=agent, rubric_id=rubric.id,
        rubric_version=rubric.version, scorer_version=SCORER_VERSION, overall=overall,
        criteria=criteria, highlights=highlights, missed=missed,
        alternatives=_alternatives(drawn, rubric, criteria, highlights, missed),
        agreements=_agreements(rubric, agent_turns, ticks),
        success=[_success(s.text, s.signals, agent_turns) for s in card.success_criteria],
        messages_scored=len(turns), scored_at=scored_at)


def _quote(turn: _Turn, behaviour: str) -> str:
    quotes = turn.reading.quotes(turn.message.text, behaviour)
    return quotes[0] if quotes else turn.message.text


def _why(turn: _Turn, behaviour: str) -> str:
    reasons = turn.reading.reasons.get(behaviour) or [f"reads as {behaviour}"]
    return f"{reasons[0]} (p={turn.reading.behaviours[behaviour]:.2f})"


def _observer_ticks(rubric: Rubric, notes: Sequence[Note], by_id: dict[int, _Turn]
                    ) -> dict[str, list[Evidence]]:
    """behaviour → the observers' ticks for the checklist item bound to it."""
    items = {item.id: item for item in rubric.checklist if item.behaviour}
    ticks: dict[str, list[Evidence]] = {}
    for note in notes:
        item = items.get(note.item or "")
        if note.kind != "tick" or item is None or item.behaviour is None:
            continue
        turn = by_id.get(note.message_id) if note.message_id is not None else None
        ticks.setdefault(item.behaviour, []).append(Evidence(
            item.behaviour, "for", f"observer {note.observer}", turn.number if turn else None,
            turn.message.text if turn else "", f"ticked '{item.label}'"))
    return ticks


def _missed_opportunities(turns: Sequence[_Turn]) -> list[MissedOpportunity]:
    missed = []
    for customer, reply in pairwise(turns):
        if customer.message.speaker == "agent" or reply.message.speaker != "agent":
            continue
        mood = customer.reading
        voiced = mood.sentiment <= VOICED_SENTIMENT or mood.intensity >= VOICED_INTENSITY
        if voiced and not any(reply.reading.shows(b) for b in ACKNOWLEDGING):
            missed.append(MissedOpportunity(
                reply.number, customer.number, customer.message.text,
                f"The customer voiced a feeling at message {customer.number}; the reply at message "
                f"{reply.number} did not acknowledge it."))
    agent_turns = [t for t in turns if t.message.speaker == "agent"]
    if not any(t.reading.shows("next_steps") for t in agent_turns):
        missed.append(MissedOpportunity(None, None, "", "The scene ended without a clear next step "
                                                        "(who does what by when)."))
    return missed


def _criterion(criterion: Criterion, area: CompetencyArea, agent_turns: Sequence[_Turn],
               ticks: dict[str, list[Evidence]], missed: Sequence[MissedOpportunity]) -> CriterionScore:
    evidence: list[Evidence] = []
    met, not_met = [], []
    for indicator in area.counts_for:
        b = indicator.behaviour
        seen = [Evidence(b, "for", "analyser", t.number, _quote(t, b), _why(t, b))
                for t in agent_turns if b and t.reading.shows(b)] + (ticks.get(b or "", []))
        (met if seen else not_met).append(indicator.text)
        evidence += seen
    against = [Evidence(ind.behaviour, "against", "analyser", t.number, _quote(t, ind.behaviour),
                        _why(t, ind.behaviour))
               for ind in area.counts_against if ind.behaviour
               for t in agent_turns if t.reading.shows(ind.behaviour)]
    evidence += against
    earned = round(FOR_POINTS * len(met) / len(area.counts_for))
    lost = min(AGAINST_CAP, AGAINST_COST * len(against))
    missed_here = [m for m in missed if m.customer_message is not None] if area.id in FEELING_AREAS else []
    lost_missed = min(MISSED_CAP, MISSED_COST * len(missed_here))
    evidence += [Evidence("empathy", "missed", "analyser", m.customer_message, m.customer_quote, m.text)
                 for m in missed_here]
    score = max(0, min(100, TOOK_PART + earned - lost - lost_missed))
    level = min(5, score // 20 + 1)
    anchor = next(lv for lv in area.levels if lv.level == level)
    arithmetic = (f"{TOOK_PART} + {earned} ({len(met)} of {len(area.counts_for)} indicators met)"
                  f" − {lost} ({len(against)} against)"
                  + (f" − {lost_missed} ({len(missed_here)} missed)" if area.id in FEELING_AREAS else "")
                  + f" = {score}")
    return CriterionScore(criterion.name, criterion.competency, criterion.weight, score, level,
                          anchor.label, anchor.anchor, met, not_met, list(criterion.look_for),
                          evidence, arithmetic)


def _moments(agent_turns: Sequence[_Turn]) -> list[Moment]:
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
                  moments: Sequence[Moment], missed: Sequence[MissedOpportunity]) -> list[Alternative]:
    """Lines to try instead at the weakest moments: the card's phrase bank first, then the rubric."""
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
    out = []
    for message, instead_of, behaviours, competency in wanted[:MAX_ALTERNATIVES]:
        b, line, source = line_for(behaviours, competency)
        out.append(Alternative(message, instead_of, b, line, source))
    return out


def _agreements(rubric: Rubric, agent_turns: Sequence[_Turn], ticks: dict[str, list[Evidence]]
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


def _success(text: str, signals: Sequence[str], agent_turns: Sequence[_Turn]) -> SuccessCheck:
    found = sorted({t.number for t in agent_turns for b in signals if t.reading.shows(b)})
    return SuccessCheck(text, bool(found), found)  # any one of its signals shows it
