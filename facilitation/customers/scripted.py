"""The card's arc in order, one line per turn: the simplest engine, for demos and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..records import Message
from . import CustomerTurn, SceneContext
from .state import STAGES, CustomerState, judge, starting_state


class ScriptedCustomer:
    name = "scripted"

    def open(self, scene: SceneContext) -> CustomerTurn:
        line = scene.drawn.card.arc.opening[0]
        state = starting_state(self.name, scene.persona)
        return CustomerTurn([line], lambda text: replace(state, said=(text,)))

    def respond(self, scene: SceneContext, state: CustomerState, transcript: Sequence[Message]
                ) -> CustomerTurn:
        new, _ = judge(scene, state, transcript[-1].text)
        turn = sum(1 for m in transcript if m.speaker == "customer")
        stage = STAGES[min(turn, len(STAGES) - 1)]
        lines = getattr(scene.drawn.card.arc, stage)
        extra = max(0, turn - len(STAGES) + 1)  # past the arc: the remaining resolution lines
        line = lines[min(extra, len(lines) - 1)]
        return CustomerTurn([line], lambda text: replace(new, said=(*new.said, text)))

    def nudge(self, state: CustomerState, kind: str, text: str) -> CustomerState:
        return state
