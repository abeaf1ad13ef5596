"""Which of a card's facts a message conveys, and which it contradicts, in any wording.

A trainee never says a fact the way the card writes it. A fact is recognised by what
survives paraphrase: its numbers (``quantities``: "$1,500", "a dozen users", "3 Nov"),
its names and codes (the drawn customer, "INV-24817"), its key terms ("seats", "refund",
with a few support synonyms: bill = invoice, user = seat), and its meaning, read through
the shipped static embeddings. The embeddings alone are a weak judge (a wrong amount in
the same words scores as close as the right one), so meaning counts only with a key
term beside it or when it is very close.

A contradiction is an amount, count, share or date the agent *asserts* about the
account that the card does not hold (nor what can be worked out from its facts: a
difference, double or half of two amounts, a sum of counts of one unit such as "24
seats" when 12 were added to 12, a share of two amounts), or a card figure said about the
wrong thing. Promises, plans and offers ("I'll send it within 10 minutes", "you could
remove 3 seats") and questions are not assertions, and a count whose unit no fact counts
is not checked at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..variables import fill
from .quantities import HOURS_PER_UNIT, Quantity, close, quantities, same_unit

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
WORD = re.compile(r"[a-z][a-z'-]+")
_STOP_WORDS = """
a about above after again all also although always am an and any are around as at be because been
before being below between both but by can cannot could did do does doing done down during each
either even ever every few for from further get gets got had has have having he her here hers him
his how however i if in into is it its itself just less let like made make many may me might more
most much must my never no nor not now of off on once one only or other our ours out over own per
please same she should since so some still such than that the their them then there these they this
those though through to too under until up upon very via was we were what when where which while
who whom why will with within without would yes yet you your yours already really well next back
each thing things going able sure okay right today new day days month months week weeks year years
time times number amount total want need needs know
"""
STOP = frozenset(_STOP_WORDS.split())
# Support words people use for one another; a term is compared by its first form.
SYNONYMS = {
    "bill": "invoice",
    "billed": "invoice",
    "invoiced": "invoice",
    "invoices": "invoice",
    "bills": "invoice",
    "user": "seat",
    "users": "seat",
    "licence": "seat",
    "license": "seat",
    "licences": "seat",
    "licenses": "seat",
    "seats": "seat",
    "members": "seat",
    "refunded": "refund",
    "refundable": "refund",
    "refunds": "refund",
    "reimburse": "refund",
    "credited": "credit",
    "credits": "credit",
    "removing": "remove",
    "removed": "remove",
    "drop": "remove",
    "dropping": "remove",
    "delete": "remove",
    "deleted": "remove",
    "added": "add",
    "adding": "add",
    "charged": "charge",
    "charges": "charge",
    "fee": "charge",
    "fees": "charge",
    "price": "cost",
    "priced": "cost",
    "costs": "cost",
    "pay": "cost",
    "paid": "cost",
    "paying": "cost",
    "backup": "backups",
    "restore": "recover",
    "restored": "recover",
    "recovery": "recover",
    "recovered": "recover",
    "deletes": "remove",
    "emailed": "email",
    "emails": "email",
    "waived": "waive",
    "waiver": "waive",
    "upgraded": "upgrade",
    "upgrading": "upgrade",
    "save": "cut",
    "saves": "cut",
    "saving": "cut",
    "savings": "cut",
    "reduce": "cut",
    "reduces": "cut",
    "reduction": "cut",
    "lower": "cut",
    "lowers": "cut",
    "spend": "cost",
    "spending": "cost",
    "broken": "break",
    "broke": "break",
    "fixable": "fix",
    "fixed": "fix",
}
PHRASES = (
    (re.compile(r"\bmoney back\b"), "refund"),
    (re.compile(r"\btake (?:\w+ )?off\b"), "remove"),
    (re.compile(r"\bsign(?:ed)?[- ]in\b|\blog(?:ged)?[- ]?in\b"), "login"),
)
# First-person plans and offers, conditions and choices: not claims about the account.
PLAN = re.compile(
    r"\b(?:I|we)(?:'ll|\u2019ll|'d| will| shall| can| could| would| am going to|'m going to|"
    r" are going to|'re going to| plan to| want to| need to)\b|\blet me\b|\blet's\b|\bif\b|"
    r"\byou (?:can|could|might|may)\b|\bwould you\b|\b(?:option|either)\b|"
    r"\binstead\b(?! of)",  # "instead, I can…" offers; "$1,400 instead of $700" states
    re.IGNORECASE,
)
CODE = re.compile(r"\b[A-Z]{2,}-?\d{2,}\b")
# How close a sentence and a fact must be in meaning (cosine of static embeddings), measured
# on paraphrases written apart from the cards: alone, with two key terms, with a number or name.
MEANING_ALONE, MEANING_WITH_TERMS, MEANING_WITH_VALUE = 0.78, 0.55, 0.5
MEANING_WITH_MANY_TERMS = 0.45  # three key terms shared, and no other fact closer


@dataclass(frozen=True)
class Contradiction:
    quote: str  # the agent's words
    span: tuple[int, int]
    fact: str | None  # the fact it contradicts, where one is clearly meant
    expected: str | None  # what that fact says instead


@dataclass(frozen=True)
class FactReading:
    conveyed: dict[str, tuple[int, int]]  # fact id → the sentence that conveyed it
    contradictions: tuple[Contradiction, ...]
    tokens: frozenset[str] = field(default=frozenset())  # numbers and names the text mentions

    @property
    def wrong(self) -> tuple[str, ...]:
        return tuple(c.quote for c in self.contradictions)


@dataclass(frozen=True)
class _Fact:
    id: str
    statement: str
    quantities: tuple[Quantity, ...]
    names: frozenset[str]
    terms: frozenset[str]
    keyed: bool = False  # the fact *is* its number: conveyed by saying it

    @property
    def tokens(self) -> frozenset[str]:
        """Its numbers (canonical keys) and names."""
        return frozenset({q.key for q in self.quantities} | self.names)


class FactBook:
    """A drawn card's facts, ready to be recognised however they are said."""

    def __init__(
        self, facts: Iterable[tuple[str, str, str | None]], names: Iterable[str], card_text: Iterable[str],
        complaint: Iterable[str] = (),
    ) -> None:
        self.names = frozenset(n.lower() for n in names if len(n) >= 3)
        # the words of what the customer already knows and complains of: saying them back with a
        # figure from the card ("texts stopped at 4:05 pm") restates the symptom, not the fact
        self.symptoms = frozenset(terms(" ".join(complaint)))
        self.facts = tuple(self._fact(id_, statement, value) for id_, statement, value in facts)
        on_card = [q for text in card_text for q in quantities(text)]
        self.written = tuple(q for q in on_card if q.kind != "date" and not q.small)
        self.known_dates = {q.value for q in on_card if q.kind == "date"}
        # counts are worked out from every count the card writes ("12 months for the price of 10":
        # two months free); money only from the facts' amounts
        self.derived = _derived([*(q for f in self.facts for q in f.quantities if q.kind == "money"),
                                 *(q for q in self.written if q.kind == "count")])
        self.holders: dict[str, int] = {}  # how many facts hold each number or name
        for fact in self.facts:
            for token in fact.tokens:
                self.holders[token] = self.holders.get(token, 0) + 1
        self.units = {q.unit for f in self.facts for q in f.quantities if q.kind == "count" and q.unit}
        # each counted figure of the facts with the words around it, to tell what a figure is about
        self.mentions = tuple(
            _Mention(f.id, q, _around(f.statement, q))
            for f in self.facts for q in quantities(f.statement) if q.kind == "count" and q.unit
        )
        self.kinds = {q.kind for f in self.facts for q in f.quantities}
        self._vectors: Any = None

    @classmethod
    def of(cls, drawn: Any) -> FactBook:
        """The facts of a ``DrawnCard``; every text of the card counts as known numbers."""
        card = drawn.card
        names = [v for v in drawn.values.values() if not _is_number_like(v)]
        names += [m.group(0) for f in card.facts for m in CODE.finditer(f.statement)]
        complaint = [*card.customer.history, card.spark, *card.arc.opening, *card.arc.complication]
        return cls([(f.id, f.statement, f.value) for f in card.facts], names, card.texts(),
                   [fill(text, drawn.values) for text in complaint])

    def _fact(self, id_: str, statement: str, value: str | None) -> _Fact:
        text = f"{statement} {value or ''}"
        found = tuple(q for q in quantities(text) if not q.small)
        names = frozenset(n for n in self.names if n in text.lower())
        names |= {m.group(0).lower() for m in CODE.finditer(text)}
        # a fact is its number unless its only numbers are dates it mentions in passing
        keyed = (value is not None and any(not q.small for q in quantities(value))) or any(
            q.kind != "date" for q in found)
        return _Fact(id_, statement, found, frozenset(names), frozenset(terms(statement)), keyed)

    @property
    def fact_tokens(self) -> frozenset[str]:
        """Every number and name any fact holds."""
        return frozenset().union(*(f.tokens for f in self.facts))

    def tokens(self, text: str) -> frozenset[str]:
        low = text.lower()
        return frozenset(
            {q.key for q in quantities(text) if not q.small}
            | {n for n in self.names if n in low}
            | {m.group(0).lower() for m in CODE.finditer(text)}
        )

    def read(self, text: str) -> FactReading:
        spans = sentences(text)
        if not spans or not self.facts:
            return FactReading({}, (), self.tokens(text))
        similarity = self._similarity(text, spans)
        conveyed: dict[str, tuple[int, int]] = {}
        contradictions: list[Contradiction] = []
        for i, span in enumerate(spans):
            sentence = text[span[0] : span[1]]
            found = [q for q in quantities(sentence) if not q.small]
            words = terms(sentence)
            wrong = list(self._contradictions(sentence, found, words, similarity[i], span[0]))
            contradictions += wrong
            if wrong:
                continue  # a sentence that gets a figure wrong conveys nothing, however close its words
            low = sentence.lower()
            meant = self._meant(low, found, similarity[i])
            closest = int(similarity[i].argmax())
            for j, fact in enumerate(self.facts):
                if fact.id not in conveyed and _conveys(
                        fact, found, low, words, float(similarity[i][j]), self.holders, meant, j == closest,
                        self.symptoms):
                    conveyed[fact.id] = span
        return FactReading(conveyed, tuple(contradictions), self.tokens(text))

    def _contradictions(self, sentence: str, found: Sequence[Quantity], words: set[str], similarity: Any,
                        offset: int) -> Iterator[Contradiction]:
        if sentence.rstrip().endswith("?"):
            return
        # a promise or an offer holds times and counts of its own ("within 10 minutes", "two
        # options"); the amounts and shares it offers must still be the card's
        planned = bool(PLAN.search(sentence))
        for q in found:
            if planned and q.kind not in ("money", "percent"):
                continue
            if q.kind == "date":
                if q.value in self.known_dates or "date" not in self.kinds:
                    continue
            elif not self._known(q) and (about := self._said_of(sentence, q)) is not None:
                if about.quantity.measure == q.measure:
                    continue  # "a day" for the card's "24 hours"
                yield Contradiction(q.text, (offset + q.start, offset + q.end), about.fact,
                                    about.quantity.text)
                continue
            elif self._known(q):
                if not self._misplaced(q, words):
                    continue
            elif q.kind == "count" and (q.unit is None or q.unit not in self.units):
                continue  # a count of something no fact counts: nothing to check it against
            # an amount or a share no fact holds is wrong even on a card with no money in it
            fact = self._nearest(q, similarity)
            expected = None
            if fact is not None:
                same = [k for k in fact.quantities if k.kind == q.kind and same_unit(k, q)]
                expected = same[0].text if same else None
            yield Contradiction(
                q.text, (offset + q.start, offset + q.end), fact.id if fact else None, expected
            )

    def _said_of(self, sentence: str, q: Quantity) -> _Mention | None:
        """The card figure this one is said about, by the words around both ("Undo is available
        for 24 hours" is about "Undo stays available for 7 days"): the mention of the same measure
        (durations in any time unit) sharing the most words with it, when one clearly does. A
        figure the card holds in those words is right, whatever else holds it."""
        if q.unit is None or q.small:
            return None
        near = _around(sentence, q) - self.symptoms  # the customer's own words name no card figure
        scored = [(len(near & m.words), m) for m in self.mentions if m.quantity.measure[0] == q.measure[0]]
        right = [m for n, m in scored if n and m.quantity.measure == q.measure]
        if right:
            return right[0]
        best = max((n for n, _ in scored), default=0)
        tied = [m for n, m in scored if n == best]
        return tied[0] if best and len(tied) == 1 else None

    def _known(self, q: Quantity) -> bool:
        """Written on the card as this kind of number, or worked out from the facts' numbers."""
        if any(
            close(q.value, k.value) and k.kind == q.kind
            and (q.kind == "money" or k.unit is None or q.unit is None or k.unit == q.unit)
            for k in self.written
        ):
            return True
        group = q.unit if q.kind == "count" else q.kind
        return any(close(q.value, v) for v in self.derived.get(group or "", ()))

    def _meant(self, low: str, found: Sequence[Quantity], similarity: Any) -> dict[str, str]:
        """For each number or name of the sentence that several facts hold, the fact closest in meaning."""
        tokens = {q.key for q in found} | {n for n in self.names if n in low}
        meant = {}
        for token in tokens:
            if self.holders.get(token, 0) > 1:
                holding = [(float(similarity[j]), f.id)
                           for j, f in enumerate(self.facts) if token in f.tokens]
                meant[token] = max(holding)[1]
        return meant

    def _misplaced(self, q: Quantity, words: set[str]) -> bool:
        """A figure of the card said about the wrong thing: "the code stays valid for 30
        minutes" when 30 minutes is the lockout's and the code's own fact says 10."""
        if q.kind not in ("count", "percent") or q.unit is None:
            return False
        same = [f for f in self.facts if any(k.kind == q.kind and k.unit == q.unit for k in f.quantities)]
        holding = [f for f in self.facts
                   if any(close(q.value, k.value) and k.unit in (q.unit, None) for k in f.quantities)]
        if any(words & f.terms for f in holding):
            return False
        return any(len(words & f.terms) >= 2 for f in same if f not in holding)

    def _nearest(self, q: Quantity, similarity: Any) -> _Fact | None:
        """The fact the wrong number was most likely about: same kind of number, closest meaning."""
        candidates = [
            (float(similarity[j]), f)
            for j, f in enumerate(self.facts)
            if any(k.kind == q.kind and same_unit(k, q) for k in f.quantities)
        ]
        return max(candidates, key=lambda c: c[0])[1] if candidates else None

    @property
    def vectors(self) -> Any:
        """One unit vector per fact statement (static embeddings), computed on first use."""
        if self._vectors is None:
            from .embedding import static_model

            self._vectors = static_model().embed([f.statement for f in self.facts])
        return self._vectors

    def _similarity(self, text: str, spans: Sequence[tuple[int, int]]) -> Any:
        from .embedding import static_model

        return static_model().embed_spans(text, spans) @ self.vectors.T


def _conveys(fact: _Fact, found: Sequence[Quantity], low: str, words: set[str], meaning: float,
             holders: dict[str, int], meant: dict[str, str], closest: bool = False,
             symptoms: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence conveys ``fact``: by its numbers and names, its key terms and its
    meaning. A number several facts hold counts for the one the sentence is closest to
    (``meant``), or for another that shares two key terms with it. A fact that *is* a number
    (its value) needs the number; one whose numbers are incidental ("the blog post of 3 May
    gave no date") is conveyed in words too, and a sentence sharing three of its key terms
    conveys the fact it is closest to in meaning."""
    shared = len(words & fact.terms)
    numbers = {k.key for q in found for k in fact.quantities
               if k.kind == q.kind and close(q.value, k.value) and same_unit(q, k)}
    names = {n for n in fact.names if n in low}
    values = sum(1 for token in (*numbers, *names)
                 if holders.get(token, 1) == 1 or meant.get(token) == fact.id or shared >= 2)
    # one figure needs a word of the fact beyond the customer's own complaint, or its meaning
    beyond = len((words & fact.terms) - symptoms)
    if values >= 2 or (values == 1 and (beyond >= 1 or meaning >= MEANING_WITH_VALUE)):
        return True
    if fact.keyed:  # a fact that is a number is conveyed by saying the number
        return meaning >= MEANING_ALONE and shared >= 2
    if not numbers and any(k.kind == q.kind and q.unit is not None and k.unit == q.unit
                           for q in found for k in fact.quantities):
        return False  # its own figure of that kind, not the fact's: "valid for 30 minutes" is not "10"
    if closest and shared >= 3 and meaning >= MEANING_WITH_MANY_TERMS:
        return True
    return meaning >= MEANING_ALONE or (meaning >= MEANING_WITH_TERMS and shared >= 2)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without its surrounding spaces."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def terms(text: str) -> set[str]:
    """The content words of ``text`` in one form each: lower-case, stemmed, synonyms merged."""
    low = text.lower()
    found = {word for pattern, word in PHRASES if pattern.search(low)}
    for word in WORD.findall(low):
        word = word.strip("'-")
        if len(word) < 4 or word in STOP:
            continue
        word = SYNONYMS.get(word, word)
        found.add(SYNONYMS.get(_stem(word), _stem(word)))
    return found


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _derived(found: Sequence[Quantity]) -> dict[str, frozenset[float]]:
    """What an agent may work out from the facts' numbers, by what it counts: money from
    differences, doubles and halves; counts from sums and differences of the same
    unit; shares (percent) from two amounts of money."""
    money = sorted({q.value for q in found if q.kind == "money"})
    counts: dict[str, set[float]] = {}
    for q in found:
        if q.kind == "count":
            counts.setdefault(q.unit or "", set()).add(q.value)
    out: dict[str, set[float]] = {"money": set(), "percent": set()}
    for a, b in combinations(money, 2):
        out["money"].add(abs(a - b))  # "the extra $261"; a total is a fact of its own
        if a and b:
            out["percent"].update((100 * a / b, 100 * b / a, 100 * abs(b - a) / a))
    for a in money:
        out["money"].update((2 * a, a / 2))
    for unit, values in counts.items():
        out[unit] = (
            {2 * v for v in values}
            | {a + b for a, b in combinations(values, 2)}
            | {abs(a - b) for a, b in combinations(values, 2)}
        )
    return {k: frozenset(round(v, 2) for v in values) for k, values in out.items()}


def _is_number_like(value: str) -> bool:
    return bool(re.fullmatch(r"[$€£]?[\d,.]+%?|[A-Z][a-z]+ \d{1,2}", value.strip()))


@dataclass(frozen=True)
class _Mention:
    """A counted figure of a fact, with the words around it (what the figure is about)."""

    fact: str
    quantity: Quantity
    words: frozenset[str]


AROUND_WORDS = 5  # how far either side of a figure its subject is looked for
_UNIT_WORDS = frozenset(terms(" ".join(HOURS_PER_UNIT)) | {"business", "working", "calendar"})


def _around(text: str, q: Quantity) -> frozenset[str]:
    """The content words within a few words of a figure, the figure's own unit aside."""
    before = text[: q.start].split()[-AROUND_WORDS:]
    after = text[q.end :].split()[:AROUND_WORDS]
    return frozenset(terms(" ".join((*before, *after))) - {q.unit or ""} - _UNIT_WORDS)
