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
from datetime import datetime, timezone
from pathlib import Path
from statistics import mean

import yaml

from .cards import ScenarioCard
from .customers import CustomerState, SceneContext, customer_engine
from .library import Library, library_dir
from .personas import Persona
from .records import Message, Record
from .scoring import PASS_MARK, ScoreCard, score_scene
from .simulate import MAX_AGENT_TURNS
from .simulate import play as play_policy
from .variables import fill

KINDS = ("good", "okay", "bad-blame", "bad-wrong-facts")
PHRASE_BANK = "phrase-bank"  # the card's own phrase bank, played by the simulator's empathetic policy
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


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
    scene = SceneContext.of(drawn, persona, seed)
    customer = customer_engine("embedded")
    turn = customer.open(scene).finish()
    state: CustomerState = turn.state
    transcript = [_message(0, "customer", turn.text)]
    for line in list(lines)[:MAX_AGENT_TURNS]:
        transcript.append(_message(len(transcript), "agent", fill(line, drawn.values)))
        turn = customer.respond(scene, state, transcript).finish()
        state = turn.state
        transcript.append(_message(len(transcript), "customer", turn.text))
        if state.ended:
            break
    return score_scene(f"validity-{card.id}-{seed}", drawn, library.rubric(card.rubric), transcript,
                       persona=persona, analyser=scene.analyser, outcome=state.outcome)


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
        persona = library.personas[card.persona]
        for seed in seeds:
            run = play_policy(card, persona, "empathetic", seed)
            lines = [text for speaker, text in run.transcript if speaker == "agent"]
            scored = play_lines(card, persona, lines, seed, library)
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


def _message(i: int, speaker: str, text: str) -> Message:
    return Message(id=i + 1, index=i, branch="validity", speaker=speaker, text=text, at=_EPOCH)
