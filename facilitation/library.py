"""The scenario library: every card, rubric and persona, loaded and cross-checked.

A bad file never takes the library down: it is skipped with a located warning and
every good card stays available. ``validate_files`` is the strict form used by
``roleplay cards validate`` and ``roleplay rubrics validate``.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .cards import ScenarioCard, card_checks
from .datafile import load_model
from .errors import DataInvalid, NotFound, Problem
from .personas import BUILTIN_PERSONAS, Persona, load_personas
from .rubrics import Rubric, rubric_checks
from .vocabulary import DIFFICULTIES
from .yamlsource import read_yaml

log = logging.getLogger(__name__)

Kind = Literal["card", "rubric"]
_FOLDERS = {"card": ("scenario_cards", "ROLEPLAY_CARDS"), "rubric": ("rubrics", "ROLEPLAY_RUBRICS")}
_PACKAGE = Path(__file__).parent


def shipped_dir(folder: str) -> Path:
    """A top-level folder of the project (cards, rubrics, notebooks, reports): the checkout's
    beside this package, else the copy shipped inside the wheel."""
    beside = _PACKAGE.parent / folder
    return beside if beside.is_dir() else _PACKAGE / "_library" / folder


def library_dir(kind: Kind) -> Path:
    """Where cards or rubrics live: $ROLEPLAY_CARDS / $ROLEPLAY_RUBRICS if set, else
    ``shipped_dir``."""
    folder, variable = _FOLDERS[kind]
    if os.environ.get(variable):
        chosen = Path(os.environ[variable])
        if not chosen.is_dir():  # else every command reads an empty library and says nothing
            raise NotFound(f"{variable} is {chosen}, which is not a folder")
        return chosen
    return shipped_dir(folder)


@dataclass
class Library:
    cards: dict[str, ScenarioCard] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    personas: dict[str, Persona] = field(default_factory=dict)
    sources: dict[tuple[Kind, str], Path] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        cards_dir: Path | None = None,
        rubrics_dir: Path | None = None,
        personas_file: Path = BUILTIN_PERSONAS,
    ) -> Library:
        """Load everything; bad files are skipped, logged and listed in ``errors``."""
        personas, warnings = load_personas(personas_file)
        lib = cls(personas=personas, warnings=warnings)
        lib.add_files(yaml_files([rubrics_dir or library_dir("rubric")]), "rubric")
        lib.add_files(yaml_files([cards_dir or library_dir("card")]), "card")
        for problem in lib.errors:
            log.warning("skipped: %s", problem)
        for problem in lib.warnings:
            log.warning("%s", problem)
        return lib

    def add_files(self, paths: Iterable[Path], kind: Kind) -> list[Path]:
        """Add each file that validates; return those, recording the others' problems."""
        return [path for path in paths if self._add(path, kind)]

    def _add(self, path: Path, kind: Kind) -> bool:
        try:
            doc = read_yaml(path)
            if kind == "rubric":
                item, warnings = load_model(doc, Rubric, rubric_checks)
                target: dict = self.rubrics
            else:
                check = card_checks(self.personas, self.rubrics)
                item, warnings = load_model(doc, ScenarioCard, check)
                target = self.cards
            if item.id in target:
                first = self.sources[(kind, item.id)]
                raise DataInvalid([doc.problem(("id",), f"{item.id!r} is already used by {first}")])
        except DataInvalid as exc:
            self.errors.extend(exc.problems)
            return False
        if path.stem != item.id:
            warnings.append(doc.problem(("id",), f"{item.id!r} differs from the file name {path.name!r}"))
        target[item.id] = item
        self.sources[(kind, item.id)] = path
        self.warnings.extend(warnings)
        return True

    def card(self, card_id: str) -> ScenarioCard:
        try:
            return self.cards[card_id]
        except KeyError:
            close = difflib.get_close_matches(card_id, self.cards, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `roleplay cards list` shows them"
            raise NotFound(f"no card {card_id!r} in the library{hint}") from None

    def rubric(self, rubric_id: str) -> Rubric:
        try:
            return self.rubrics[rubric_id]
        except KeyError:
            have = ", ".join(sorted(self.rubrics)) or "none"
            raise NotFound(f"no rubric {rubric_id!r}; the library has {have}") from None

    def find(self, **wanted: str | None) -> list[ScenarioCard]:
        """Cards whose summary fields equal every given value (``skill``: a substring)."""

        def matches(card: ScenarioCard) -> bool:
            summary = card.summary()
            for key, value in wanted.items():
                if value is None:
                    continue
                if key == "skill" and value.lower() not in summary[key].lower():
                    return False
                if key != "skill" and summary[key] != value:
                    return False
            return True

        found = [card for card in self.cards.values() if matches(card)]
        return sorted(found, key=lambda c: (c.category, DIFFICULTIES.index(c.difficulty), c.id))


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, or inside the folders named, in a stable order."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


@dataclass(frozen=True)
class Validation:
    files: list[Path]
    valid: list[Path]
    errors: list[Problem]
    warnings: list[Problem]


def validate_files(kind: Kind, paths: Sequence[Path] = ()) -> Validation:
    """Validate cards or rubrics strictly: cards against the installed rubrics and personas."""
    lib = Library(personas=load_personas()[0])
    if kind == "card":
        lib.add_files(yaml_files([library_dir("rubric")]), "rubric")
        lib.errors.clear()  # the rubrics are validated by their own command
        lib.warnings.clear()
    files = yaml_files(paths or [library_dir(kind)])
    valid = lib.add_files(files, kind)
    return Validation(files, valid, lib.errors, lib.warnings)
