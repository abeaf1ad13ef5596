"""Validity plays: agent lines written in people's own words, each with the band its score
should land in, played against the embedded customer and scored.

The plays live beside the cards (``scenario_cards/plays/<card>.yaml``) and were written
before the scorer was tuned, never from a card's phrase bank: they check that the score
follows what happened in the scene, not which phrases appeared. A line may use the card's
``{variables}``, so a play holds for any draw of the card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

import yaml

from .cards import ScenarioCard
from .customers import SceneContext
from .library import Library, library_dir
from .personas import Persona
from .records import Record
from .scoring import PASS_MARK, ScoreCard, score_scene
from .simulate import Agent, play_out, policy_agent
from .variables import fill

KINDS = ("good", "okay", "bad-blame", "bad-wrong-facts")
PHRASE_BANK = "phrase-bank"  # the card's own phrase bank, played by the simulator's empathetic policy


@dataclass(frozen=True)
class Play:
    card: str
    kind: str
    band: tuple[int, int]
    register: str
    lines: tuple[str, ...]

    @property
    def bad(self) -> bool:
        return self.kind.startswith("bad")


@dataclass(frozen=True)
class Played(Record):
    card: str
    kind: str
    register: str
    seed: int
    band: tuple[int, int]
    overall: int
    outcome: str | None

    @property
    def in_band(self) -> bool:
        return self.band[0] <= self.overall <= self.band[1]

    @property
    def passed(self) -> bool:
        return self.overall >= PASS_MARK


def plays_dir() -> Path:
    return library_dir("card") / "plays"


def load_plays(folder: Path | None = None) -> list[Play]:
    """Every play in ``folder`` (default: the shipped cards' plays), in file order."""
    out = []
    for path in sorted((folder or plays_dir()).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in doc["plays"]:
            out.append(Play(doc["card"], entry["kind"], tuple(entry["band"]), entry.get("register", ""),
                            tuple(entry["lines"])))
    return out


def play_lines(card: ScenarioCard, persona: Persona, lines: Sequence[str], seed: int,
               library: Library) -> ScoreCard:
    """Play ``lines`` (placeholders filled for this draw) against the embedded customer and score it.
    The act ends when the customer ends the scene, as in a room."""
    drawn = card.draw(seed)
    left = iter([fill(line, drawn.values) for line in lines])
    return _scored(SceneContext.of(drawn, persona, seed), lambda _: next(left, None), library)


def _scored(scene: SceneContext, agent: Agent, library: Library) -> ScoreCard:
    transcript, state = play_out(scene, agent)
    card = scene.drawn.card
    return score_scene(f"validity-{card.id}-{scene.seed}", scene.drawn, library.rubric(card.rubric),
                       transcript, persona=scene.persona, analyser=scene.analyser, outcome=state.outcome)


def play_all(library: Library, plays: Iterable[Play], seeds: Sequence[int]) -> list[Played]:
    """Every play on every seed, and the card's phrase-bank play on the same seeds."""
    out = []
    plays = list(plays)
    for play in plays:
        card = library.card(play.card)
        persona = library.personas[card.persona]
        for seed in seeds:
            scored = play_lines(card, persona, play.lines, seed, library)
            out.append(Played(play.card, play.kind, play.register, seed, play.band, scored.overall,
                              scored.outcome))
    for card_id in dict.fromkeys(p.card for p in plays):
        card = library.card(card_id)
        for seed in seeds:
            scene = SceneContext.of(card.draw(seed), library.personas[card.persona], seed)
            scored = _scored(scene, policy_agent(scene, "empathetic"), library)
            out.append(Played(card_id, PHRASE_BANK, "the card's phrase bank", seed, (PASS_MARK, 100),
                              scored.overall, scored.outcome))
    return out


@dataclass(frozen=True)
class CardGap(Record):
    card: str
    good: float  # the card's weakest good play (mean over seeds)
    bad: float  # its strongest bad play
    gap: float


def gaps(played: Sequence[Played]) -> list[CardGap]:
    """Per card: how far its weakest good play scores above its strongest bad play."""
    by_play: dict[tuple[str, str, str], list[int]] = {}
    for p in played:
        by_play.setdefault((p.card, p.kind, p.register), []).append(p.overall)
    out = []
    for card in dict.fromkeys(p.card for p in played):
        good = [mean(v) for (c, k, _), v in by_play.items() if c == card and k == "good"]
        bad = [mean(v) for (c, k, _), v in by_play.items() if c == card and k.startswith("bad")]
        if good and bad:
            out.append(CardGap(card, round(min(good), 1), round(max(bad), 1), round(min(good) - max(bad), 1)))
    return out
