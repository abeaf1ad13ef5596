"""The coaching side of the façade: score cards, progress and certification, training
paths, the next card to play, and live hints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from .analysis import Analyser
from .cards import DrawnCard
from .clock import utc
from .errors import NotFound
from .hints import Hint, next_hint
from .progress import (
    AreaProgress,
    CompetencyPoint,
    PathStatus,
    Recommendation,
    TrainingPath,
    area_progress,
    load_training_paths,
    path_status,
    recommend_next,
)
from .records import Record
from .scene_reading import said_outcome
from .scenebase import InvalidInput, SceneBase
from .scoring import ScoreCard, score_scene
from .store import queries as q
from .store.schema import competency_scores, enrolments, events, people, scenes, scores
from .vocabulary import DEFAULT_RUBRIC


@dataclass(frozen=True)
class PersonProgress(Record):
    person: str
    name: str
    scenes_scored: int
    areas: list[AreaProgress]
    certified: list[str]
    path: PathStatus | None
    next_card: Recommendation | None
    practice_not_counted: int = 0  # scored practice/demo scenes left out


class Coaching(SceneBase):

    # -- scoring ------------------------------------------------------------------------

    def score(self, scene_id: str, *, store: bool = True) -> ScoreCard:
        """Score the scene's current attempt; ``store`` keeps it (progress reads stored scores)."""
        with self.db.read() as conn:
            row = conn.execute(select(scenes.c.branch_id, scenes.c.card_id, scenes.c.drawn, scenes.c.seed)
                               .where(scenes.c.id == scene_id)).first()
            if row is None:
                raise NotFound(f"no scene {scene_id!r}")
            transcript = q.transcript(conn, scene_id, row.branch_id)
            notes = q.live_notes(conn, scene_id)
            agent = next((p for p, role in self._roles(conn, scene_id).items() if role == "agent"), None)
        drawn = self._drawn(row.card_id, row.drawn, row.seed)
        rubric = self.library.rubric(drawn.card.rubric)
        state = self.customer_state(scene_id, transcript)
        outcome = state.outcome if state is not None else said_outcome(transcript)
        # an agent who has not spoken yet is refused with NothingToScore, an InvalidInput
        card = score_scene(scene_id, drawn, rubric, transcript, notes, agent=agent,
                           persona=self.library.personas[drawn.card.persona], outcome=outcome,
                           analyser=self._analyser(drawn), scored_at=self.clock.now())
        if store:
            self._write(scene_id, lambda conn, _row, version: self._store_score(
                conn, card, row.branch_id, version))
        return card

    def _store_score(self, conn: Connection, card: ScoreCard, branch_id: str, version: int) -> None:
        result = conn.execute(insert(scores).values(
            scene_id=card.scene_id, branch_id=branch_id, person_id=card.agent, card_id=card.card_id,
            rubric_id=card.rubric_id, rubric_version=card.rubric_version,
            scorer_version=card.scorer_version, overall=card.overall, card=card.to_dict(),
            scored_at=card.scored_at, version=version))
        # Progress reads only each scene's latest score: earlier ones stay in ``scores``.
        conn.execute(delete(competency_scores).where(competency_scores.c.scene_id == card.scene_id))
        if card.agent is None:
            return
        conn.execute(insert(competency_scores), [
            {"score_id": result.inserted_primary_key[0], "competency": area, "scene_id": card.scene_id,
             "person_id": card.agent, "card_id": card.card_id, "score": value, "scored_at": card.scored_at}
            for area, value in card.competency_scores().items()])

    def score_card(self, scene_id: str) -> dict[str, Any] | None:
        """The scene's latest stored score card as plain data, or None before it is scored."""
        with self.db.read() as conn:
            return conn.execute(select(scores.c.card).where(scores.c.scene_id == scene_id)
                                .order_by(scores.c.id.desc()).limit(1)).scalar()

    def _score_if_spoken(self, scene_id: str) -> ScoreCard | None:
        try:
            return self.score(scene_id)
        except InvalidInput:
            return None  # the agent never spoke: no score, and no zero dragging progress down

    # -- progress -------------------------------------------------------------------------

    @cached_property
    def training_paths(self) -> dict[str, TrainingPath]:
        return load_training_paths()

    def enrol(self, person: str, path_id: str, started: datetime | None = None) -> None:
        """Put a person on a training path (restarting it if they were on it already)."""
        if path_id not in self.training_paths:
            raise NotFound(f"no training path {path_id!r}; there are {', '.join(self.training_paths)}")
        with self.db.write() as conn:
            self._ensure_person(conn, person)
            conn.execute(delete(enrolments).where(enrolments.c.person_id == person,
                                                  enrolments.c.path_id == path_id))
            conn.execute(insert(enrolments).values(person_id=person, path_id=path_id,
                                                   started_at=started or _start_of_today(self.clock.now())))

    def competency_points(self, person: str, *, include_practice: bool = False) -> list[CompetencyPoint]:
        return [point for point, counted in self._points(person) if counted or include_practice]

    def _points(self, person: str) -> list[tuple[CompetencyPoint, bool]]:
        """Every competency point of one person, each with whether it counts (a training scene's)."""
        with self.db.read() as conn:
            counted = q.counted(competency_scores.c.scene_id).label("counted")
            rows = conn.execute(select(competency_scores, counted)
                                .where(competency_scores.c.person_id == person)
                                .order_by(competency_scores.c.scored_at, competency_scores.c.score_id))
            return [(CompetencyPoint(r.scene_id, r.card_id, r.competency, r.score, utc(r.scored_at)),
                     bool(r.counted)) for r in rows]

    def progress(self, person: str, *, rubric_id: str = DEFAULT_RUBRIC, threshold: int | None = None,
                 window: int | None = None, include_practice: bool = False) -> PersonProgress:
        """Areas, certifications, training path and the next card for one person, from their
        training scenes (``include_practice`` adds headless runs and the demo session)."""
        with self.db.read() as conn:
            who = conn.execute(select(people.c.name).where(people.c.id == person)).first()
            enrolment = conn.execute(select(enrolments).where(enrolments.c.person_id == person)
                                     .order_by(enrolments.c.started_at.desc()).limit(1)).first()
        if who is None:
            raise NotFound(f"no person {person!r} in {self.db.display_url}")
        marked = self._points(person)  # one read: the counted points are picked out of every point
        every = [point for point, _ in marked]
        points = every if include_practice else [point for point, counted in marked if counted]
        rubric = self.library.rubric(rubric_id)
        areas = area_progress(points, rubric, threshold=threshold, window=window)
        status = None
        if enrolment is not None:
            scored = sorted({(p.scene_id, p.scored_at) for p in points}, key=lambda s: s[1])
            status = path_status(self.training_paths[enrolment.path_id], [at for _, at in scored],
                                 utc(enrolment.started_at), self.clock.now())
        week = status.week if status and status.current_week <= len(status.weeks) else None
        return PersonProgress(
            person=person, name=who.name, scenes_scored=len({p.scene_id for p in points}), areas=areas,
            certified=[a.competency for a in areas if a.certified], path=status,
            next_card=recommend_next(points, list(self.library.cards.values()), rubric, week),
            practice_not_counted=len({p.scene_id for p in every}) - len({p.scene_id for p in points}))

    # -- live hints -----------------------------------------------------------------------

    def set_hints(self, scene_id: str, on: bool, by: str | None = None) -> None:
        """Switch live hints on or off for a scene (they are on until a facilitator says otherwise)."""
        self._write(scene_id, lambda conn, _row, version: self._record_event(
            conn, scene_id, version, "hints", {"on": on}, by))

    def hints_on(self, scene_id: str) -> bool:
        with self.db.read() as conn:
            payload = conn.execute(select(events.c.payload).where(events.c.scene_id == scene_id,
                                                                  events.c.kind == "hints")
                                   .order_by(events.c.id.desc()).limit(1)).scalar()
        return True if payload is None else bool(payload["on"])

    def hint(self, scene_id: str) -> Hint | None:
        """The live hint for the agent now, or None (also when hints are switched off)."""
        if not self.hints_on(scene_id):
            return None
        state = self.scene_state(scene_id)
        with self.db.read() as conn:
            transcript = q.transcript(conn, scene_id, state.branch or "")
        remaining = state.remaining if state.phase == "act" else None
        return next_hint(transcript, self._analyser(self._drawn(state.card_id, state.values, state.seed)),
                         remaining)

    def _analyser(self, drawn: DrawnCard) -> Analyser:
        """The analyser tuned to the scene's card terms and its persona's patience for length."""
        return Analyser.for_card(drawn.card, self.library.personas.get(drawn.card.persona))



def _start_of_today(now: datetime) -> datetime:
    """Paths start at midnight, so scenes played earlier on the day of enrolment count."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
