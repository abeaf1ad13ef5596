"""The facilitator's nudge deck: cue cards for the agent, goal swaps and environment changes
for the customer, read from ``data/nudges.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from .datafile import Model, load_model
from .yamlsource import read_yaml

BUILTIN_DECK = Path(__file__).parent / "data" / "nudges.yaml"


class NudgeDeck(Model):
    schema_version: Literal[1]
    cue: list[str]
    goal: list[str]
    environment: list[str]

    def cards(self) -> dict[str, list[str]]:
        """Nudge kind → its cards, in the order the deck shows them."""
        return {"cue": self.cue, "goal": self.goal, "environment": self.environment}


@lru_cache(maxsize=4)
def nudge_deck(path: Path = BUILTIN_DECK) -> NudgeDeck:
    deck, _warnings = load_model(read_yaml(path), NudgeDeck)
    return deck
