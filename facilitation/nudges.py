"""The facilitator's nudge deck: cue cards for the agent, goal swaps and environment changes
for the customer, read from ``data/nudges.yaml``. A card may say which channels or scenario
categories it fits ("has switched from chat to a phone call" fits no phone scene)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from .datafile import Model, load_model
from .vocabulary import Category, Channel
from .yamlsource import read_yaml

BUILTIN_DECK = Path(__file__).parent / "data" / "nudges.yaml"


class Nudge(Model):
    text: str
    channels: list[Channel] = Field(default_factory=list)  # none: every channel
    categories: list[Category] = Field(default_factory=list)  # none: every category

    def fits(self, channel: str, category: str) -> bool:
        return (not self.channels or channel in self.channels) and \
            (not self.categories or category in self.categories)


class NudgeDeck(Model):
    schema_version: Literal[1]
    cue: list[str | Nudge]
    goal: list[str | Nudge]
    environment: list[str | Nudge]

    def cards(self, channel: str | None = None, category: str | None = None) -> dict[str, list[str]]:
        """Nudge kind → its cards that fit a scene of ``channel`` and ``category`` (both None:
        every card), in the order the deck shows them."""
        def fitting(cards: list[str | Nudge]) -> list[str]:
            return [c if isinstance(c, str) else c.text for c in cards
                    if isinstance(c, str) or channel is None or c.fits(channel, category or "")]

        return {"cue": fitting(self.cue), "goal": fitting(self.goal),
                "environment": fitting(self.environment)}


@lru_cache(maxsize=4)
def nudge_deck(path: Path = BUILTIN_DECK) -> NudgeDeck:
    deck, _warnings = load_model(read_yaml(path), NudgeDeck)
    return deck
