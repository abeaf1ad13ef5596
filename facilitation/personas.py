"""Customer personas: how a simulated customer talks, what calms it and what angers it.

Both customer engines (the embedded one and the LLM one) read this data; a card names
its persona by id. The built-ins live in ``facilitation/data/personas.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import Field

from .datafile import Model, Slug, Text, load_model
from .errors import Problem
from .vocabulary import Behaviour
from .yamlsource import Path_, read_yaml

BUILTIN_PERSONAS = Path(__file__).parent / "data" / "personas.yaml"


class Reaction(Model):
    behaviour: Behaviour
    effect: Text


class PersonaLines(Model):
    """The persona's own words for each moment; ``{quote}`` is the agent's wrong figure."""

    heard: list[Text] = Field(default_factory=list)
    explained: list[Text] = Field(default_factory=list)
    unheard: list[Text] = Field(default_factory=list)
    stalling: list[Text] = Field(default_factory=list)
    scripted: list[Text] = Field(default_factory=list)
    still_waiting: list[Text] = Field(default_factory=list)
    correction: list[Text] = Field(default_factory=list)
    many_steps: list[Text] = Field(default_factory=list)
    abandon: list[Text] = Field(default_factory=list)
    escalate: list[Text] = Field(default_factory=list)
    resolved: list[Text] = Field(default_factory=list)
    grudging: list[Text] = Field(default_factory=list)


class Persona(Model):
    id: Slug
    name: Text
    summary: Text
    communication_style: Text
    patience: int = Field(ge=1, le=10, description="unclear or unhelpful replies tolerated")
    starting_mood: float = Field(ge=-1, le=1)
    starting_trust: float = Field(ge=0, le=1)
    preferred_reply_words: tuple[int, int]
    exchanges_before_impatience: int = Field(ge=1, le=20)
    calmed_by: list[Reaction] = Field(min_length=2)
    angered_by: list[Reaction] = Field(min_length=2)
    hidden_need: Text
    needs_acknowledgment: bool = Field(
        False, description="hears no explanation and accepts no resolution until the feeling is named")
    bottom_line_by: int | None = Field(
        None, ge=1, le=10, description="leaves after this many exchanges without the cause explained")
    steps_per_message: int | None = Field(
        None, ge=1, le=10, description="most instructions one message may hold before the customer is lost")
    bristles_at_basics: bool = Field(False, description="angered by generic first-line advice")
    values_depth: bool = Field(False, description="warms to specific facts more than to warmth")
    lines: PersonaLines = Field(default_factory=lambda: PersonaLines())
    resolution_indicators: list[Text] = Field(min_length=2)
    sample_lines: list[Text] = Field(min_length=3)


class PersonaFile(Model):
    schema_version: Literal[1]
    personas: list[Persona] = Field(min_length=1)


def _check(doc: PersonaFile) -> Iterator[tuple[Path_, str]]:
    seen: set[str] = set()
    for i, persona in enumerate(doc.personas):
        if persona.id in seen:
            yield ("personas", i, "id"), f"{persona.id!r} is defined twice"
        seen.add(persona.id)
        low, high = persona.preferred_reply_words
        if not 1 <= low <= high:
            yield ("personas", i, "preferred_reply_words"), "give [fewest, most] words, fewest first"
        calm = {r.behaviour for r in persona.calmed_by}
        for j, reaction in enumerate(persona.angered_by):
            if reaction.behaviour in calm:
                yield (("personas", i, "angered_by", j, "behaviour"),
                       f"{reaction.behaviour!r} cannot both calm and anger")


def load_personas(path: Path = BUILTIN_PERSONAS) -> tuple[dict[str, Persona], list[Problem]]:
    """The personas in ``path`` by id, with warnings; raises DataInvalid on errors."""
    doc, warnings = load_model(read_yaml(path), PersonaFile, _check)
    return {p.id: p for p in doc.personas}, warnings
