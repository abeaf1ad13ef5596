"""Simulated customers: one small protocol, and the engines that fill it.

For now the only engine is ``scripted``: it walks the card's conversation arc in order
(opening, complication, discovery, resolution), so a headless scene has a customer to
talk to. The embedded persona engine and the LLM engine plug in here later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from .cards import ScenarioCard
from .errors import WorkbenchError
from .records import Message

STAGES = ("opening", "complication", "discovery", "resolution")


class CustomerEngine(Protocol):
    name: str

    def reply(self, card: ScenarioCard, transcript: Sequence[Message]) -> str:
        """The customer's next line, given the drawn card and the conversation so far."""
        ...


class ScriptedCustomer:
    """The card's arc in order, one line per turn: deterministic and offline."""

    name = "scripted"

    def reply(self, card: ScenarioCard, transcript: Sequence[Message]) -> str:
        turn = sum(1 for m in transcript if m.speaker == "customer")
        stage = STAGES[min(turn, len(STAGES) - 1)]
        lines = getattr(card.arc, stage)
        extra = max(0, turn - len(STAGES) + 1)  # past the arc: the remaining resolution lines
        return lines[min(extra, len(lines) - 1)]


ENGINES: dict[str, Callable[[], CustomerEngine]] = {"scripted": ScriptedCustomer}


def customer_engine(name: str) -> CustomerEngine:
    try:
        return ENGINES[name]()
    except KeyError:
        raise WorkbenchError(f"no customer engine {name!r}; have {', '.join(ENGINES)}") from None
