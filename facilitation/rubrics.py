"""Rubrics: the eight competency areas, their level anchors, and the observer checklist.

One rubric per YAML file in ``rubrics/``. Cards weight criteria that belong to a
rubric's competency areas; the scorer (a later layer) reads the indicators, and the
observer view shows the checklist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from .datafile import Model, Slug, Text
from .vocabulary import Behaviour, Competency
from .yamlsource import Path_


class Level(Model):
    level: int = Field(ge=1, le=5)
    label: Text
    anchor: Text


class Indicator(Model):
    text: Text
    behaviour: Behaviour | None = None


class CompetencyArea(Model):
    id: Competency
    name: Text
    description: Text
    team_target: int = Field(ge=0, le=100)
    levels: list[Level] = Field(min_length=5, max_length=5)
    counts_for: list[Indicator] = Field(min_length=1)
    counts_against: list[Indicator] = Field(min_length=1)
    # What the scorer reads for this area (docs/rubrics.md): the card's facts, the customer's
    # feelings and trajectory, the hidden objectives and the outcome, plain messages, or only
    # the indicators.
    evidence: Literal["facts", "feelings", "objectives", "clarity", "indicators"] = "indicators"


class ChecklistItem(Model):
    id: Slug
    label: Text
    kind: Literal["tick", "quote", "marker", "timer", "note"]
    prompt: Text
    behaviour: Behaviour | None = None


class Certification(Model):
    threshold: int = Field(85, ge=1, le=100)
    window: int = Field(10, ge=1, le=100)


class Rubric(Model):
    schema_version: Literal[1]
    id: Slug
    title: Text
    version: Text
    description: Text
    certification: Certification = Field(default_factory=Certification)
    competencies: list[CompetencyArea] = Field(min_length=1)
    checklist: list[ChecklistItem] = Field(min_length=1)

    def area(self, competency: str) -> CompetencyArea:
        return next(a for a in self.competencies if a.id == competency)


def rubric_checks(rubric: Rubric) -> Iterator[tuple[Path_, str]]:
    seen: set[str] = set()
    for i, area in enumerate(rubric.competencies):
        if area.id in seen:
            yield ("competencies", i, "id"), f"{area.id!r} is described twice"
        seen.add(area.id)
        levels = [lv.level for lv in area.levels]
        if sorted(levels) != [1, 2, 3, 4, 5]:
            yield ("competencies", i, "levels"), f"give levels 1 to 5 once each (found {levels})"
    ids = [item.id for item in rubric.checklist]
    for i, item_id in enumerate(ids):
        if ids.index(item_id) != i:
            yield ("checklist", i, "id"), f"{item_id!r} appears twice"
