"""A person's progress: competency scores over time, certification, training paths, and
the next card to play.

Pure functions over the scores the store keeps (one point per scored scene and
competency area), so reports, the CLI and the views compute the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from statistics import mean
from typing import Literal

from pydantic import Field

from .cards import ScenarioCard
from .datafile import Model, Slug, Text, load_model
from .records import Record
from .rubrics import Rubric
from .vocabulary import COMPETENCIES, DIFFICULTIES, Competency, Difficulty
from .yamlsource import Path_, read_yaml

BUILTIN_PATHS = Path(__file__).parent / "data" / "training_paths.yaml"
TREND_SPAN = 5  # the trend compares the last five scenes in an area with the five before
RECENT_CARDS = 3  # the recommender does not repeat the last three cards a person played
# Adaptive difficulty: the recent average in the area picks the level of the next card.
STEP_UP, STEP_DOWN = 80, 60


@dataclass(frozen=True)
class CompetencyPoint(Record):
    """One competency area's score in one scored scene."""

    scene_id: str
    card_id: str
    competency: str
    score: int
    scored_at: datetime


@dataclass(frozen=True)
class AreaProgress(Record):
    competency: str
    name: str
    scenes: int
    latest: int | None
    recent_average: float | None  # over the last ``window`` scenes (fewer while there are fewer)
    trend: float | None  # the last five against the five before, in points
    team_target: int
    certified: bool
    certified_at: datetime | None
    scenes_to_certify: int  # more scenes needed before the window is full
    points_to_certify: float  # how far the recent average is below the threshold
    threshold: int
    window: int


# -- training paths ---------------------------------------------------------------

class PathWeek(Model):
    week: int = Field(ge=1, le=52)
    scenes: int = Field(ge=1, le=100)
    difficulties: list[Difficulty] = Field(min_length=1)
    focus: list[Competency] = Field(default_factory=list)


class TrainingPath(Model):
    id: Slug
    title: Text
    description: Text
    weeks: list[PathWeek] = Field(min_length=1)

    @property
    def scenes(self) -> int:
        return sum(w.scenes for w in self.weeks)


class TrainingPathFile(Model):
    schema_version: Literal[1]
    paths: list[TrainingPath] = Field(min_length=1)


def _path_checks(doc: TrainingPathFile) -> Iterator[tuple[Path_, str]]:
    for i, path in enumerate(doc.paths):
        numbers = [w.week for w in path.weeks]
        if numbers != list(range(1, len(numbers) + 1)):
            yield ("paths", i, "weeks"), f"number the weeks 1, 2, 3, … in order (found {numbers})"


def load_training_paths(path: Path = BUILTIN_PATHS) -> dict[str, TrainingPath]:
    doc, _warnings = load_model(read_yaml(path), TrainingPathFile, _path_checks)
    return {p.id: p for p in doc.paths}


@dataclass(frozen=True)
class WeekStatus(Record):
    week: int
    target: int
    done: int
    difficulties: list[str]
    focus: list[str]


@dataclass(frozen=True)
class PathStatus(Record):
    path: str
    title: str
    started: datetime
    current_week: int  # 1-based; past the last week once the path's time is over
    weeks: list[WeekStatus]
    done: int
    target: int
    expected_by_now: int
    on_track: bool

    @property
    def week(self) -> WeekStatus:
        return self.weeks[min(self.current_week, len(self.weeks)) - 1]


def path_status(path: TrainingPath, played: Sequence[datetime], started: datetime,
                now: datetime) -> PathStatus:
    """Scenes played in each week of ``path`` since ``started``, against its targets."""
    per_week = Counter(min(int((at - started) / timedelta(weeks=1)) + 1, len(path.weeks))
                       for at in played if at >= started)
    current = int((now - started) / timedelta(weeks=1)) + 1
    weeks = [WeekStatus(w.week, w.scenes, per_week.get(w.week, 0), list(w.difficulties), list(w.focus))
             for w in path.weeks]
    # Expected by now: every finished week's target, and the current week's pro rata.
    elapsed_in_week = ((now - started) % timedelta(weeks=1)) / timedelta(weeks=1)
    expected = sum(w.scenes for w in path.weeks[:current - 1])
    if current <= len(path.weeks):
        expected += int(path.weeks[current - 1].scenes * elapsed_in_week)
    done = sum(per_week.values())
    return PathStatus(path.id, path.title, started, current, weeks, done, path.scenes,
                      min(expected, path.scenes), done >= min(expected, path.scenes))


# -- competency progress and certification ----------------------------------------

def area_progress(points: Sequence[CompetencyPoint], rubric: Rubric, *, threshold: int | None = None,
                  window: int | None = None) -> list[AreaProgress]:
    """Each of the rubric's areas for one person, oldest points first."""
    threshold = threshold or rubric.certification.threshold
    window = window or rubric.certification.window
    out = []
    for area in rubric.competencies:
        scores = [p for p in sorted(points, key=lambda p: p.scored_at) if p.competency == area.id]
        values = [p.score for p in scores]
        recent = values[-window:]
        certified_at = next((scores[i].scored_at for i in range(window - 1, len(values))
                             if mean(values[i - window + 1:i + 1]) >= threshold), None)
        trend = (mean(values[-TREND_SPAN:]) - mean(values[-2 * TREND_SPAN:-TREND_SPAN])
                 if len(values) > TREND_SPAN else None)
        average = round(float(mean(recent)), 1) if recent else None
        out.append(AreaProgress(
            competency=area.id, name=area.name, scenes=len(values), latest=values[-1] if values else None,
            recent_average=average, trend=round(float(trend), 1) if trend is not None else None,
            team_target=area.team_target, certified=certified_at is not None, certified_at=certified_at,
            scenes_to_certify=max(0, window - len(values)),
            points_to_certify=max(0.0, round(threshold - (average or 0.0), 1)),
            threshold=threshold, window=window))
    return out


# -- what to play next --------------------------------------------------------------

@dataclass(frozen=True)
class Recommendation(Record):
    card_id: str
    title: str
    difficulty: str
    competency: str
    reason: str


def recommend_next(points: Sequence[CompetencyPoint], cards: Sequence[ScenarioCard], rubric: Rubric,
                   week: WeekStatus | None = None) -> Recommendation | None:
    """The card that best works the person's weakest area, at the difficulty their scores earn.

    Weakest: the lowest recent average against its team target, never-practised areas
    first. On a training path the current week's focus areas and difficulties bound it.
    """
    progress = {a.competency: a for a in area_progress(points, rubric)}
    areas = [c for c in COMPETENCIES if c in progress and (not week or not week.focus or c in week.focus)]

    def gap(area: str) -> tuple[float, str]:
        p = progress[area]
        return (p.recent_average - p.team_target if p.recent_average is not None else -101.0), area

    played = [p.card_id for p in sorted(points, key=lambda p: p.scored_at)]
    recent = set(list(dict.fromkeys(reversed(played)))[:RECENT_CARDS])
    plays = Counter(played)
    for area in sorted(areas, key=gap):
        level = _level_for(progress[area].recent_average)
        allowed = list(week.difficulties) if week else list(DIFFICULTIES)
        if level not in allowed:
            level = min(allowed, key=lambda d: abs(DIFFICULTIES.index(d) - DIFFICULTIES.index(level)))
        candidates = [c for c in cards if c.difficulty == level and c.id not in recent
                      and any(cr.competency == area for cr in c.criteria)]
        if not candidates:
            continue
        card = max(candidates, key=lambda c: (sum(cr.weight for cr in c.criteria if cr.competency == area),
                                              -plays[c.id], c.id))
        weight = sum(cr.weight for cr in card.criteria if cr.competency == area)
        return Recommendation(card.id, card.title, level, area, _reason(progress[area], level, weight))
    return None


def _level_for(average: float | None) -> str:
    if average is None or average < STEP_DOWN:
        return "beginner"
    return "advanced" if average >= STEP_UP else "intermediate"


def _reason(p: AreaProgress, level: str, weight: int) -> str:
    if p.recent_average is None:
        standing = f"{p.name} has not been practised yet"
    else:
        standing = (f"{p.name} is the weakest area against its target "
                    f"(average {p.recent_average:g} over {min(p.scenes, p.window)} scene(s), "
                    f"target {p.team_target})")
    why_level = {"beginner": "to build the basics first" if p.recent_average is None
                 else f"because the average is below {STEP_DOWN}",
                 "intermediate": f"because the average is between {STEP_DOWN} and {STEP_UP}",
                 "advanced": f"because the average is {STEP_UP} or more"}[level]
    return f"{standing}; this card weights it {weight}%; {level} {why_level}."
