"""Scenario cards: the scenes a facilitator can run, as validated data.

One card per YAML file in ``scenario_cards/``. The model here is the schema; its
field names are the YAML keys, documented in ``docs/cards.md`` (a test keeps the two
in step). Text fields may use ``{variable}`` placeholders drawn per attempt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import Field

from .datafile import Model, Slug, Text, one_of
from .rubrics import Rubric
from .variables import PLACEHOLDER, Variable, check_variables, draw_values, fill
from .vocabulary import NEGATIVE_BEHAVIOURS, Behaviour, Category, Channel, Competency, Difficulty
from .yamlsource import Path_


class CustomerProfile(Model):
    name: Text
    company: Text
    plan: Text
    tenure: Text
    history: list[Text] = Field(default_factory=list)


class CustomerLens(Model):
    """The customer's private view: what a human customer plays from."""

    fears_losing: Text
    matters_now: Text
    why_timing_matters: Text


class HiddenObjective(Model):
    id: Slug
    need: Text
    reveal: Text
    earned_by: list[Behaviour] = Field(min_length=1)


class Arc(Model):
    opening: list[Text] = Field(min_length=2)
    complication: list[Text] = Field(min_length=2)
    discovery: list[Text] = Field(min_length=2)
    resolution: list[Text] = Field(min_length=2)


class BranchPath(Model):
    agent_does: Text
    customer_reacts: Text
    customer_lines: list[Text] = Field(default_factory=list)


class Paths(Model):
    good: BranchPath
    okay: BranchPath
    bad: BranchPath


class Fact(Model):
    id: Slug
    statement: Text
    value: Text | None = None


class Criterion(Model):
    name: Text
    competency: Competency
    weight: int = Field(ge=1, le=100)
    look_for: list[Text] = Field(min_length=1)


class SuccessCriterion(Model):
    text: Text
    signals: list[Behaviour] = Field(default_factory=list)


class Phrase(Model):
    behaviour: Behaviour
    line: Text


class PhaseDurations(Model):
    """Seconds per phase of the scene loop."""

    brief: int = Field(60, ge=10, le=1800)
    act: int = Field(120, ge=10, le=1800)
    rewind: int = Field(60, ge=10, le=1800)
    debrief: int = Field(60, ge=10, le=1800)


class ScenarioCard(Model):
    schema_version: Literal[1]
    id: Slug
    title: Text
    category: Category
    difficulty: Difficulty
    channel: Channel
    persona: Slug
    brief: Text
    customer: CustomerProfile
    variables: dict[str, Variable] = Field(default_factory=dict)
    spark: Text
    constraint: Text
    skill: Text
    customer_lens: CustomerLens
    hidden_objectives: list[HiddenObjective] = Field(min_length=1)
    arc: Arc
    paths: Paths
    facts: list[Fact] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    success_criteria: list[SuccessCriterion] = Field(min_length=1)
    phrase_bank: list[Phrase] = Field(min_length=3)
    phases: PhaseDurations = Field(default_factory=PhaseDurations)
    rubric: Slug = "support-core"
    jargon: list[Text] = Field(default_factory=list)
    tags: list[Text] = Field(default_factory=list)

    def draw(self, seed: int | None, today: date | None = None) -> DrawnCard:
        """This card with its variables drawn for one attempt (``None``: as written)."""
        return self.with_values(draw_values(self.variables, seed, today), seed)

    def with_values(self, values: dict[str, str], seed: int | None = None) -> DrawnCard:
        """This card with its placeholders filled from already drawn ``values``."""
        data = self.model_dump()
        data = {k: (v if k == "variables" else _fill_all(v, values)) for k, v in data.items()}
        return DrawnCard(ScenarioCard.model_validate(data), seed, values)

    def texts(self) -> list[str]:
        """Every text the card writes (its variable declarations aside)."""
        data = self.model_dump()
        del data["variables"]
        return [text for _, text in _strings(data, ())]

    @property
    def competencies(self) -> list[str]:
        return list(dict.fromkeys(c.competency for c in self.criteria))

    def summary(self) -> dict[str, str]:
        """The fields a library listing shows."""
        return {
            "id": self.id, "title": self.title, "category": self.category,
            "difficulty": self.difficulty, "persona": self.persona,
            "channel": self.channel, "skill": self.skill,
        }


@dataclass(frozen=True)
class DrawnCard:
    """A card as one attempt meets it: placeholders replaced by drawn values."""

    card: ScenarioCard
    seed: int | None
    values: dict[str, str]


def _fill_all(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, list):
        return [_fill_all(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill_all(v, values) for k, v in value.items()}
    return value


def card_checks(
    personas: Collection[str], rubrics: Mapping[str, Rubric]
) -> Callable[[ScenarioCard], Iterator[tuple[Path_, str]]]:
    """The checks a card must pass beyond its shape, given what the library holds."""

    def check(card: ScenarioCard) -> Iterator[tuple[Path_, str]]:
        if card.persona not in personas:
            yield ("persona",), f"{card.persona!r} is not one of {one_of(sorted(personas))}"
        rubric = rubrics.get(card.rubric)
        if rubric is None:
            yield ("rubric",), f"{card.rubric!r} is not one of {one_of(sorted(rubrics))}"
        else:
            areas = {area.id for area in rubric.competencies}
            for i, criterion in enumerate(card.criteria):
                if criterion.competency not in areas:
                    yield (("criteria", i, "competency"),
                           f"{criterion.competency!r} is not an area of rubric {rubric.id!r}")
        total = sum(c.weight for c in card.criteria)
        if total != 100:
            yield ("criteria",), f"weights sum to {total}, they must sum to 100"
        yield from _duplicates(card.criteria, "name", ("criteria",))
        yield from _duplicates(card.hidden_objectives, "id", ("hidden_objectives",))
        yield from _duplicates(card.facts, "id", ("facts",))
        for i, phrase in enumerate(card.phrase_bank):
            if phrase.behaviour in NEGATIVE_BEHAVIOURS:
                yield (("phrase_bank", i, "behaviour"),
                       f"{phrase.behaviour!r} is a behaviour to avoid; the phrase bank holds strong lines")
        yield from check_variables(card.variables, ("variables",))
        yield from _undeclared_placeholders(card)

    return check


def _duplicates(items: list[Any], key: str, at: Path_) -> Iterator[tuple[Path_, str]]:
    counts = Counter(getattr(item, key) for item in items)
    for i, item in enumerate(items):
        value = getattr(item, key)
        if counts[value] > 1:
            yield (*at, i, key), f"{value!r} appears {counts[value]} times; {key}s must differ"
            counts[value] = 0  # report each duplicate once


def _undeclared_placeholders(card: ScenarioCard) -> Iterator[tuple[Path_, str]]:
    if PLACEHOLDER.search(card.title):  # listings show the title as written
        yield ("title",), "a title cannot use {placeholders}"
    declared = set(card.variables)
    data = card.model_dump()
    del data["variables"]
    for loc, text in _strings(data, ()):
        for name in PLACEHOLDER.findall(text):
            if name not in declared:
                yield loc, f"uses {{{name}}}, which is not declared under variables"


def _strings(value: Any, at: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*at, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*at, key))
