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
from typing import Any, ClassVar, Literal

from pydantic import Field, StrictInt

from .datafile import Model, Slug, Text, Upgrade, one_of
from .rubrics import Rubric
from .variables import PLACEHOLDER, Variable, check_variables, draw_values, fill
from .vocabulary import (
    DEFAULT_RUBRIC,
    NEGATIVE_BEHAVIOURS,
    Behaviour,
    Category,
    Channel,
    Competency,
    Difficulty,
)
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
    weight: StrictInt = Field(ge=1, le=100)  # strict: "30" or 30.0 is a typo, not a weight
    look_for: list[Text] = Field(min_length=1)
    facts: list[Slug] = Field(default_factory=list)  # a knowledge criterion's facts (none: all the card's)


# What a success criterion checks, read from the scene (see docs/cards.md):
CHECKS: dict[str, str] = {
    "acknowledged": "the agent acknowledges the customer's feeling sincerely (not a scripted formula)",
    "facts": "every one of `facts` is conveyed correctly and none is contradicted",
    "objectives": "every one of `objectives` (hidden objectives) is met",
    "next_step": "the agent states a next step (who does what by when) and the customer does not leave",
    "resolved": "the customer ends the scene resolved",
    "behaviour": "the agent shows one of `behaviours`",
}
Check = Literal["acknowledged", "facts", "objectives", "next_step", "resolved", "behaviour"]
LISTS_FOR = {"facts": "facts", "objectives": "objectives", "behaviour": "behaviours"}


class SuccessCriterion(Model):
    text: Text
    check: Check
    facts: list[Slug] = Field(default_factory=list)
    objectives: list[Slug] = Field(default_factory=list)
    behaviours: list[Behaviour] = Field(default_factory=list)
    before: list[Slug] = Field(default_factory=list)  # it must happen before any of these facts is conveyed


class Phrase(Model):
    behaviour: Behaviour
    line: Text


class PhaseDurations(Model):
    """Seconds per phase of the scene loop."""

    brief: int = Field(60, ge=10, le=1800)
    act: int = Field(120, ge=10, le=1800)
    rewind: int = Field(60, ge=10, le=1800)
    debrief: int = Field(60, ge=10, le=1800)


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 success criteria named analyser ``signals``; version 2 names a check."""
    out = dict(data)
    criteria = data.get("success_criteria")
    if isinstance(criteria, list):
        out["success_criteria"] = [_criterion_v2(c) if isinstance(c, dict) else c for c in criteria]
    return out


def _criterion_v2(old: dict[str, Any]) -> dict[str, Any]:
    new = {k: v for k, v in old.items() if k != "signals"}
    signals = old.get("signals") or []
    if not isinstance(signals, list):
        return {**new, "check": "behaviour", "behaviours": signals}
    if signals and set(signals) <= {"empathy", "apology"}:
        return {**new, "check": "acknowledged"}
    if "next_steps" in signals:
        return {**new, "check": "next_step"}
    return {**new, "check": "behaviour", "behaviours": signals} if signals else {**new, "check": "resolved"}


class ScenarioCard(Model):
    SCHEMA_VERSION: ClassVar[int] = 2
    UPGRADES: ClassVar[dict[int, Upgrade]] = {1: upgrade_v1}

    schema_version: Literal[2]
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
    rubric: Slug = DEFAULT_RUBRIC
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
        yield from _success_checks(card)

    return check


def _success_checks(card: ScenarioCard) -> Iterator[tuple[Path_, str]]:
    """Each success criterion names what it checks, and only facts and objectives the card has."""
    facts = [f.id for f in card.facts]
    objectives = [o.id for o in card.hidden_objectives]
    known = {"facts": (facts, "a fact"), "objectives": (objectives, "a hidden objective"),
             "before": (facts, "a fact")}
    for i, criterion in enumerate(card.criteria):
        for j, fact in enumerate(criterion.facts):
            if fact not in facts:
                yield ("criteria", i, "facts", j), f"{fact!r} is not a fact of this card: {one_of(facts)}"
    for i, success in enumerate(card.success_criteria):
        wanted = LISTS_FOR.get(success.check)
        if wanted and not getattr(success, wanted):
            yield ("success_criteria", i, wanted), f"check {success.check!r} needs a list of {wanted}"
        for name in LISTS_FOR.values():
            if name != wanted and getattr(success, name):
                yield ("success_criteria", i, name), f"only for check {_check_for(name)!r}"
        for name, (ids, what) in known.items():
            for j, value in enumerate(getattr(success, name)):
                if value not in ids:
                    yield (("success_criteria", i, name, j),
                           f"{value!r} is not {what} of this card: {one_of(ids)}")


def _check_for(list_name: str) -> str:
    return next(check for check, name in LISTS_FOR.items() if name == list_name)


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
