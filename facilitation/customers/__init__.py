"""Simulated customers: one protocol, and the engines that fill it.

An engine is given the scene (the drawn card, its persona, a seed and the analyser), the
customer's current state and the transcript, and streams the next customer turn; when the
stream ends, the turn carries the new state — mood, trust, patience left, objectives
revealed and met, and an outcome once the scene is over. Engines are found by name in
the registry (``registry.engines``, plug-ins by entry point); the session never knows which
one it talks to, only whether it simulates the customer or a person plays it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from ..analysis import Analyser
from ..cards import DrawnCard
from ..personas import Persona
from ..records import Message
from .knowledge import SceneKnowledge
from .registry import EngineInfo, UnknownEngine, engines, is_simulated
from .state import OUTCOMES, CustomerState, starting_state

__all__ = ["OUTCOMES", "RETRACT", "CustomerEngine", "CustomerState", "CustomerTurn", "EngineInfo",
           "SceneContext", "UnknownEngine", "customer_engine", "engine_names", "engines", "is_simulated",
           "starting_state"]


@dataclass(frozen=True)
class SceneContext:
    """What every engine knows about the scene it plays in."""

    drawn: DrawnCard
    persona: Persona
    seed: int
    analyser: Analyser

    @cached_property
    def knowledge(self) -> SceneKnowledge:
        """What the customer knows and what the agent must tell it (read once per scene)."""
        return SceneKnowledge.of(self.drawn)

    @classmethod
    def of(cls, drawn: DrawnCard, persona: Persona, seed: int | None = None) -> SceneContext:
        return cls(drawn, persona, seed if seed is not None else (drawn.seed or 0),
                   Analyser.for_card(drawn.card, persona))


# A chunk that withdraws what the turn has streamed so far: a viewer clears it from the
# screen, and it is not part of the turn's text (the LLM customer's guard refused it).
RETRACT = "\x18"  # ASCII CANCEL: never in a reply, the screen drops control characters


class CustomerTurn:
    """One customer reply as it streams. Iterate for the chunks; ``text`` and ``state`` are
    final once the stream is consumed (``finish()`` consumes it). A ``RETRACT`` chunk takes
    back everything streamed before it."""

    def __init__(self, chunks: Iterable[str], settle: Callable[[str], CustomerState]) -> None:
        self._chunks = chunks
        self._settle = settle
        self._parts: list[str] = []
        self._state: CustomerState | None = None

    def __iter__(self) -> Iterator[str]:
        if self._state is not None:
            yield from self._parts
            return
        for chunk in self._chunks:
            if chunk == RETRACT:
                self._parts.clear()
            else:
                self._parts.append(chunk)
            yield chunk
        self._state = self._settle(self.text)

    def finish(self) -> CustomerTurn:
        for _ in self:
            pass
        return self

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def state(self) -> CustomerState:
        if self._state is None:
            raise RuntimeError("the customer's turn has not finished streaming")
        return self._state


class CustomerEngine(Protocol):
    name: str

    def open(self, scene: SceneContext) -> CustomerTurn:
        """The customer's first message."""
        ...

    def respond(self, scene: SceneContext, state: CustomerState, transcript: Sequence[Message]
                ) -> CustomerTurn:
        """The reply to the agent's last message (the transcript's last line)."""
        ...

    def nudge(self, state: CustomerState, kind: str, text: str) -> CustomerState:
        """A facilitator's nudge: ``goal`` (swap the hidden goal) or ``environment``."""
        ...


def engine_names() -> list[str]:
    """The names of the customer engines installed here."""
    return engines.names()


def customer_engine(name: str, **options: Any) -> CustomerEngine:
    """A new engine of this name (``UnknownEngine``, listing the installed ones, if none)."""
    engine: CustomerEngine = engines.get(name, **options)
    return engine
