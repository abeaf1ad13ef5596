"""One analyser, three users: the customer engines (to react), live hints, and scoring.

For an agent message it returns each behaviour's probability with the evidence spans
behind it; for a customer message, sentiment and intensity. Everything runs offline
from rules a participant can read (``patterns``), VADER's shipped lexicon, textstat, and
a learned layer (``learned``): small heads over a shipped static embedding model that
catch what no rule names. A head that fires adds its most telling sentence as evidence,
with a reason that says it was the learned model and how sure it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import BEHAVIOURS
from .learned import Reading, read_agent, read_customer
from .patterns import GENERIC_JARGON, RULES
from .questions import read_questions
from .readability import flesch_reading_ease
from .sentiment import read_sentiment

# How much jargon costs with each persona: the technical user speaks it.
JARGON_SENSITIVITY = {"technical-user": 0.3, "busy-executive": 0.8, "frustrated-user": 0.9,
                      "confused-new-user": 1.0}
EXPLAINED = re.compile(
    r"\b(?:which means|that means|i\.e\.|in other words|meaning|basically|put simply)\b", re.IGNORECASE)
# "A workspace is the shared home for…", "SSO (single sign-on)": a term defined where it is used.
DEFINED = re.compile(r"\s*(?:is|are) (?:a|an|the|where|what|when|how|just|simply|like)\b|"
                     r"\s+as (?:a|an|the|your)\b|\s*(?:means|\(|, (?:which|"
                     r"i\.e\.|meaning|that is|or in plain)\b)", re.IGNORECASE)
DEFAULT_MAX_WORDS = 90
# The probability a head must reach before its behaviour counts (chosen by measuring on
# the evaluation set; the heads themselves never saw it). Questions stay with the rules:
# whether a line asks is a matter of form, which the rules read better.
LEARNED_THRESHOLDS = {"empathy": 0.6, "suggestion": 0.7, "reassurance": 0.6, "summary": 0.85}
# "Have you tried…?", "Could you ask…?": a suggestion asked as a question counts as a suggestion.
ADVICE_WEIGHT = 0.7
_STRAIGHT_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})

# A probability at or above this counts as the behaviour being shown: for scoring, hints and
# the customers alike.
SHOWN = 0.5

@dataclass(frozen=True)
class Analysis:
    role: str
    behaviours: dict[str, float]
    evidence: dict[str, list[tuple[int, int]]]
    sentiment: float
    intensity: float
    words: int
    readability: float | None = None
    reasons: dict[str, list[str]] = field(default_factory=dict)
    # A customer message's sentiment from its words alone (lexicon and complaint cues, not
    # the learned head): whether the customer put a feeling into words.
    worded_sentiment: float | None = None

    def shows(self, behaviour: str, threshold: float = SHOWN) -> bool:
        return self.behaviours.get(behaviour, 0.0) >= threshold

    def shown(self, threshold: float = SHOWN) -> set[str]:
        """The behaviours this message shows."""
        return {b for b, p in self.behaviours.items() if p >= threshold}

    def quotes(self, text: str, behaviour: str) -> list[str]:
        """The words of ``text`` that are the evidence for ``behaviour``."""
        return [text[a:b] for a, b in self.evidence.get(behaviour, [])]

    def to_json(self) -> dict[str, Any]:
        return {"behaviours": self.behaviours,
                "evidence": {k: [list(span) for span in v] for k, v in self.evidence.items()},
                "sentiment": self.sentiment, "intensity": self.intensity, "words": self.words,
                "readability": self.readability}


class Analyser:
    """Reads messages. Give it the card's own jargon and the persona to weigh jargon and length."""

    def __init__(self, jargon: Iterable[str] = (), persona: str | None = None,
                 max_words: int | None = None) -> None:
        self.persona = persona
        self.max_words = max_words or DEFAULT_MAX_WORDS
        terms = sorted({*GENERIC_JARGON, *jargon}, key=len, reverse=True)
        acronyms = [t for t in terms if t.isupper() or any(c.isdigit() for c in t)]
        words = [t for t in terms if t not in acronyms]
        self._jargon = re.compile(
            r"(?<![\w-])(?:" + "|".join(map(re.escape, acronyms)) + r")(?![\w-])|"
            r"(?<![\w-])(?i:" + "|".join(map(re.escape, words)) + r")(?![\w-])")

    @classmethod
    def for_card(cls, card: Any, persona: Any = None) -> Analyser:
        """An analyser tuned to a card's terms and its persona's patience for length."""
        max_words = persona.preferred_reply_words[1] if persona is not None else None
        return cls(jargon=card.jargon, persona=card.persona, max_words=max_words)

    def analyse(self, text: str, role: str = "agent", context: str | None = None) -> Analysis:
        words = len(text.split())
        if role != "agent":
            return _customer(text, role, words)
        mood = read_sentiment(text)
        scores: dict[str, float] = {}
        evidence: dict[str, list[tuple[int, int]]] = {}
        reasons: dict[str, list[str]] = {}

        def fire(behaviour: str, weight: float, span: tuple[int, int], why: str) -> None:
            scores[behaviour] = 1 - (1 - scores.get(behaviour, 0.0)) * (1 - weight)
            evidence.setdefault(behaviour, []).append(span)
            reasons.setdefault(behaviour, []).append(why)

        plain = text.translate(_STRAIGHT_QUOTES)  # same length: evidence spans still fit the original
        lowered = plain.lower()
        for rule in RULES:
            for m in rule.finditer(plain, lowered):
                fire(rule.behaviour, rule.weight, (m.start(), m.end()), rule.why)
        q = read_questions(text)
        if q.spans:
            scores["question"] = q.question
            evidence["question"] = q.spans
            reasons["question"] = ["asks a question"]
        if q.open_spans:
            fire("open_question", q.open_question, q.open_spans[0], "asks an open question")
            evidence["open_question"] = q.open_spans
        if q.closed_spans:
            fire("closed_question", q.closed_question, q.closed_spans[0],
                 "asks a closed question (yes/no, a choice or one fact)")
            evidence["closed_question"] = q.closed_spans
        for span in q.advice_spans:
            fire("suggestion", ADVICE_WEIGHT, span, "suggests something to try, put as a question")
        # a sentence put as a question that the rules do not read as advice (it asks, greets or
        # checks understanding) is not advice, however the suggestion head reads its words
        asking = set(q.spans) - set(q.advice_spans)
        for behaviour, reading in read_agent(text).items():
            threshold = LEARNED_THRESHOLDS.get(behaviour)
            if behaviour == "suggestion" and reading.span in asking:
                continue
            if threshold is not None and reading.probability >= threshold:
                fire(behaviour, _learned_weight(reading, threshold), reading.span, reading.why)
        self._jargon_and_length(text, words, fire)
        _discount_formula(scores, evidence)
        return Analysis(
            role=role,
            behaviours={b: round(scores.get(b, 0.0), 3) for b in BEHAVIOURS},
            evidence=evidence, sentiment=mood.sentiment, intensity=mood.intensity, words=words,
            readability=flesch_reading_ease(text) if words >= 12 else None, reasons=reasons)

    def _jargon_and_length(self, text: str, words: int, fire: Any) -> None:
        terms = [m for m in self._jargon.finditer(text) if not DEFINED.match(text, m.end())]
        if terms:
            weight = 0.55 + 0.15 * min(len(terms) - 1, 3)
            weight *= JARGON_SENSITIVITY.get(self.persona or "", 0.8)
            if EXPLAINED.search(text):
                weight *= 0.5  # a term explained in plain words costs less
            for m in terms:
                fire("jargon", weight / len(terms), (m.start(), m.end()), f"uses '{m.group(0)}'")
        if words > self.max_words:
            over = min(1.0, (words - self.max_words) / self.max_words)
            fire("long_message", 0.5 + 0.5 * over, (0, len(text)),
                 f"{words} words where about {self.max_words} is the most this customer takes in")

    def analyse_many(self, items: Sequence[tuple[str, str]]) -> list[Analysis]:
        """(text, role) pairs, analysed in order."""
        return [self.analyse(text, role) for text, role in items]


def _customer(text: str, role: str, words: int) -> Analysis:
    """A customer message: how it sounds, with the learned complaint head's reading folded in."""
    complaint = read_customer(text).get("complaint")
    mood = read_sentiment(text, learned_complaint=complaint.probability if complaint else 0.0)
    spans, reasons = list(mood.spans), {}
    if complaint is not None and complaint.probability >= 0.5:
        spans.append(complaint.span)
        reasons["sentiment"] = [complaint.why]
    return Analysis(role, {}, {"sentiment": spans} if spans else {}, mood.sentiment, mood.intensity, words,
                    reasons=reasons, worded_sentiment=read_sentiment(text).sentiment)


def _discount_formula(scores: dict[str, float], evidence: dict[str, list[tuple[int, int]]]) -> None:
    """An apology or sympathy found only inside a formula ("we apologise for any
    inconvenience") is the formula, not a sincere apology."""
    formula = evidence.get("scripted_apology", [])
    if scores.get("scripted_apology", 0.0) < SHOWN:
        return
    inside = lambda span: any(a <= span[0] < b or a < span[1] <= b for a, b in formula)  # noqa: E731
    for behaviour in ("apology", "empathy"):
        spans = evidence.get(behaviour, [])
        if spans and all(inside(span) for span in spans):
            scores[behaviour] = min(scores[behaviour], 0.2)


def _learned_weight(reading: Reading, threshold: float) -> float:
    """A head's probability mapped onto the rules' scale: at its threshold it just counts (0.5)."""
    return 0.5 + 0.45 * (reading.probability - threshold) / (1 - threshold)


