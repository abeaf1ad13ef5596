"""What the simulated customer knows, and what the agent must tell it, for one drawn card.

The customer starts knowing what it brought to the chat (its opening, the spark, its
lens, its own name and company, the needs it may voice) and learns the rest only from
the agent. The card's
discovery lines say what explanation the customer is waiting for: the facts they mention
are the *cause*, and the customer reaches discovery once the agent has conveyed one of
them. A hidden objective is met by conveying the facts its need speaks of (or, for a
need about feelings, by the acknowledgment it asks for).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..analysis.facts import FactBook, terms
from ..cards import DrawnCard

FEELINGS = frozenset({"empathy", "apology", "reassurance"})
ADDRESSES = 0.45  # cosine at which a message speaks to a need it shares no word with
ANSWERS = 0.5  # cosine at which a fact answers a need it shares a key term with


@dataclass(frozen=True)
class SceneKnowledge:
    book: FactBook
    cause: frozenset[str]  # facts whose explanation the customer is waiting for
    objective_facts: dict[str, frozenset[str]]  # objective id → facts that meet it
    feeling_objectives: frozenset[str]  # objectives met by acknowledgment, not by facts
    objective_answers: dict[str, frozenset[str]]  # objective id → facts that answer it once asked
    customer_tokens: frozenset[str]  # numbers and names the customer knows unprompted

    @classmethod
    def of(cls, drawn: DrawnCard) -> SceneKnowledge:
        card = drawn.card
        book = FactBook.of(drawn)
        cause = _facts_in(book, card.arc.discovery) | _facts_in(
            book, [card.paths.good.agent_does]
        ) or frozenset(f.id for f in card.facts)
        objective_facts, feelings = {}, set()
        for o in card.hidden_objectives:
            linked = _facts_in(book, [o.need])
            objective_facts[o.id] = linked
            if not linked and set(o.earned_by) & FEELINGS:
                feelings.add(o.id)
        answers = {o.id: _answers(book, o.need) for o in card.hidden_objectives}
        c = card.customer
        own = [
            *card.arc.opening,
            card.spark,
            c.name,
            c.company,
            c.tenure,
            card.customer_lens.fears_losing,
            card.customer_lens.matters_now,
            card.customer_lens.why_timing_matters,
            *(o.reveal for o in card.hidden_objectives),
        ]
        known = frozenset().union(*(book.tokens(text) for text in own))
        return cls(book, cause, objective_facts, frozenset(feelings), answers, known)

    def addresses(self, text: str, need: str, *, asked: bool) -> bool:
        """The message speaks to ``need``: once the customer has asked, a key term in common
        or closeness in meaning will do; unasked, it takes both."""
        shared = bool(terms(text) & terms(need))
        if asked and shared:
            return True
        from ..analysis.embedding import static_model

        model = static_model()
        vectors = model.embed([text, need])
        close = float(vectors[0] @ vectors[1]) >= (ADDRESSES if asked else ANSWERS)
        return close and (asked or shared)

    def speakable(self, line: str, told: Iterable[str]) -> bool:
        """The customer may say ``line``: every number and name in it is one the agent has
        told it or one it knew when it came (its opening, its situation, its own needs)."""
        told = set(told)
        return all(token in told or token in self.customer_tokens for token in self.book.tokens(line))


def _answers(book: FactBook, need: str) -> frozenset[str]:
    """Facts that speak to a need: close in meaning with a key term in common."""
    from ..analysis.embedding import static_model

    need_terms = terms(need)
    scores = (book.vectors @ static_model().embed([need])[0]).tolist()
    return frozenset(f.id for f, score in zip(book.facts, scores, strict=True)
                     if score >= ANSWERS and f.terms & need_terms)


def _facts_in(book: FactBook, texts: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for text in texts:
        found.update(book.read(text).conveyed)
    return frozenset(found)
