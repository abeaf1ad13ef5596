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
