"""The learned layer: small logistic-regression heads over the static model's sentence vectors.

Rules (``patterns``) catch the phrasings someone thought to write down; the heads catch the
rest ("I can hear how stressful this week has been" names no feeling word a rule looks
for). Each head reads every sentence of a message and keeps its most confident sentence,
which becomes the evidence span. The heads were fitted by ``tools/fit_heads.py`` on the
project's own training text (``data/training``) and live in ``data/heads.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .embedding import static_model
from .questions import sentences

HEADS_FILE = Path(__file__).resolve().parent / "data" / "heads.json"
# head name → the training bank whose sentences are its positives
AGENT_HEADS = {"empathy": "empathy", "question": "question", "suggestion": "suggestion",
               "reassurance": "reassurance", "summary": "restatement"}
CUSTOMER_HEADS = {"complaint": "complaint"}
READS_AS = {
    "empathy": "acknowledging a feeling",
    "question": "asking to understand",
    "suggestion": "suggesting something to try",
    "reassurance": "reassuring",
    "summary": "restating what they said",
    "complaint": "a complaint",
}


@dataclass(frozen=True)
class Reading:
    """A head's verdict on one message: its probability and the sentence that carried it."""

    head: str
    probability: float
    span: tuple[int, int]

    @property
    def why(self) -> str:
        return f"reads as {READS_AS[self.head]} (learned model, p={self.probability:.2f})"


class Heads:
    """A stack of logistic regressions sharing one input: the sentence vector."""

    def __init__(self, names: list[str], weights: Any, bias: Any) -> None:
        self.names = names
        self.weights = weights  # (dim, heads)
        self.bias = bias  # (heads,)

    @classmethod
    def load(cls, names: list[str], path: Path = HEADS_FILE) -> Heads:
        import numpy as np

        data = json.loads(path.read_text(encoding="utf-8"))
        heads = data["heads"]
        weights = np.array([heads[n]["weights"] for n in names], dtype=np.float32).T
        return cls(names, weights, np.array([heads[n]["bias"] for n in names], dtype=np.float32))

    def read(self, text: str, spans: list[tuple[int, int]]) -> dict[str, Reading]:
        """Each head's best sentence among ``spans``."""
        if not spans:
            return {}
        probs = self.probabilities(text, spans)
        best = probs.argmax(axis=0)
        return {name: Reading(name, float(probs[best[i], i]), spans[best[i]])
                for i, name in enumerate(self.names)}

    def probabilities(self, text: str, spans: list[tuple[int, int]]) -> Any:
        """A (span, head) table of probabilities."""
        import numpy as np

        vectors = static_model().embed_spans(text, spans)
        return 1 / (1 + np.exp(-(vectors @ self.weights + self.bias)))


@lru_cache(maxsize=1)
def agent_heads() -> Heads:
    return Heads.load(list(AGENT_HEADS))


@lru_cache(maxsize=1)
def customer_heads() -> Heads:
    return Heads.load(list(CUSTOMER_HEADS))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in sentences(text)]


def read_agent(text: str) -> dict[str, Reading]:
    """Empathy, question, suggestion, reassurance and summary as the heads read an agent message."""
    return agent_heads().read(text, sentence_spans(text))


def read_customer(text: str) -> dict[str, Reading]:
    """How much a customer message reads as a complaint, with its most complaining sentence.

    A complaint is a matter of the whole message ("Great. Another week without internet."),
    so the probability is the whole message's; the span is the sentence that reads most so.
    """
    heads = customer_heads()
    parts = sentence_spans(text)
    probs = heads.probabilities(text, [(0, len(text)), *parts])
    out = {}
    for i, name in enumerate(heads.names):
        span = parts[int(probs[1:, i].argmax())] if parts else (0, len(text))
        out[name] = Reading(name, float(probs[0, i]), span)
    return out
