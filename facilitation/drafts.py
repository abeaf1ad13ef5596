"""Draft a new scenario card from text, checked exactly as the library checks a card file.

A card writer fills a few fields in a form (id, title, category, difficulty, channel,
persona) and writes the rest as YAML, usually starting from an existing card. The two are
merged into one document whose first lines are the form's fields, so a saved draft is the
same text that was validated, comments included. Problems come back relative to what the
writer sees: a form field by name, or a line of the YAML text.

UI-free: the drafting widget and any other front end call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cards import ScenarioCard, card_checks
from .datafile import load_model
from .errors import CardExists, DataInvalid, Problem
from .library import Library, library_dir
from .yamlsource import parse_yaml

# The fields a card writer fills most, as form fields; the rest of the card is YAML text.
FORM_FIELDS = ("id", "title", "category", "difficulty", "channel", "persona", "skill", "brief", "spark",
               "constraint")
HEADER_KEYS = ("schema_version", *FORM_FIELDS)
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_FIRST_WRITTEN = re.compile(r"line (\d+)\)")


@dataclass(frozen=True)
class DraftProblem:
    """One thing wrong with a draft, where its writer will look: a form field or a YAML line."""

    field: str
    reason: str
    line: int | None = None  # a line of the YAML text, when the problem is in it

    @property
    def in_form(self) -> bool:
        return self.field in HEADER_KEYS

    def __str__(self) -> str:
        if self.line is not None:
            where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        else:
            where = f"{self.field} (form)" if self.in_form else (self.field or "card")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class DraftCheck:
    """The result of checking a draft: the card if it is valid, else every problem found."""

    card: ScenarioCard | None
    problems: list[DraftProblem] = field(default_factory=list)
    warnings: list[DraftProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.card is not None and not self.problems


def compose(fields: Mapping[str, str], body: str) -> str:
    """One card document: the form's fields as its first lines, then the YAML text."""
    # one line per field (the YAML text's line numbers are counted from there): no line breaks
    header = {"schema_version": ScenarioCard.SCHEMA_VERSION,
              **{k: " ".join(str(fields.get(k, "")).split()) for k in FORM_FIELDS}}
    lines = [yaml.safe_dump({key: value}, allow_unicode=True, width=10**6, sort_keys=False).strip()
             for key, value in header.items()]
    return "\n".join(lines) + "\n" + body.rstrip() + "\n"


def body_of(text: str) -> str:
    """A card file's text without the keys the form holds: a starting point for a new card."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        top = _TOP_LEVEL_KEY.match(line)
        if line and not line[0].isspace():  # a new top-level entry or comment
            skipping = bool(top) and top.group(1) in HEADER_KEYS
        if not skipping:
            kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def starting_point(library: Library, card_id: str) -> tuple[dict[str, str], str]:
    """The form fields and YAML text of a new card modelled on ``card_id`` (id and title left blank)."""
    card = library.card(card_id)
    fields = {"id": "", "title": "", "category": card.category, "difficulty": card.difficulty,
              "channel": card.channel, "persona": card.persona, "skill": card.skill, "brief": card.brief,
              "spark": card.spark, "constraint": card.constraint}
    source = library.sources.get(("card", card_id))
    if source is not None and source.is_file():
        return fields, body_of(source.read_text(encoding="utf-8"))
    data = card.model_dump(exclude=set(HEADER_KEYS))
    return fields, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)


def check_card_text(text: str, library: Library, path: Path | str = "<draft>") -> tuple[
        ScenarioCard | None, list[Problem], list[Problem]]:
    """Validate a whole card document as the library validates a card file: (card, errors, warnings)."""
    try:
        doc = parse_yaml(text, path)
        card, warnings = load_model(doc, ScenarioCard, card_checks(library.personas, library.rubrics))
    except DataInvalid as exc:
        return None, exc.problems, []
    return card, [], warnings


def check_draft(fields: Mapping[str, str], body: str, library: Library,
                folder: Path | None = None) -> DraftCheck:
    """Check a draft as its writer types: schema, library cross-checks, and that its id is free."""
    missing = [DraftProblem(name, "required: fill it in") for name in FORM_FIELDS
               if not str(fields.get(name) or "").strip()]
    card, errors, warnings = check_card_text(compose(fields, body), library)
    problems = missing + [p for p in map(_relocated, errors) if p.field not in {m.field for m in missing}]
    if card is not None and not problems:
        problems += [DraftProblem("id", reason) for reason in _taken(card.id, library, folder)]
    return DraftCheck(None if problems else card, problems, [_relocated(p) for p in warnings])


def save_draft(fields: Mapping[str, str], body: str, library: Library,
               folder: Path | None = None) -> Path:
    """Write a valid draft as ``<id>.yaml`` in ``folder``; never replace an existing card."""
    folder = Path(folder) if folder is not None else library_dir("card")
    taken = _taken(str(fields.get("id") or ""), library, folder)
    if taken:
        raise CardExists(f"not saved: {taken[0]}; choose another id")
    check = check_draft(fields, body, library, folder)
    if not check.ok or check.card is None:
        raise DataInvalid([Problem("<draft>", p.line or 1, p.field, p.reason) for p in check.problems])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{check.card.id}.yaml"
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": a file written meanwhile is not replaced
            out.write(compose(fields, body))
    except FileExistsError:
        raise CardExists(f"not saved: {path} already exists; choose another id") from None
    return path


def _taken(card_id: str, library: Library, folder: Path | None) -> list[str]:
    if card_id in library.cards:
        where = library.sources.get(("card", card_id))
        return [f"{card_id!r} is already used by {where.name if where else 'a library card'}"]
    folder = Path(folder) if folder is not None else library_dir("card")
    for suffix in (".yaml", ".yml"):
        if (folder / f"{card_id}{suffix}").exists():
            return [f"{card_id!r} is already used by {card_id}{suffix} in {folder}"]
    return []


def _relocated(problem: Problem) -> DraftProblem:
    """A problem in the merged document, moved to where the writer sees it."""
    line = problem.line - len(HEADER_KEYS)
    if line < 1:  # a form field, or a field missing from the YAML text altogether
        return DraftProblem(problem.field, problem.reason)
    reason = _FIRST_WRITTEN.sub(lambda m: f"line {int(m.group(1)) - len(HEADER_KEYS)})", problem.reason)
    if problem.field in HEADER_KEYS and reason.startswith("duplicate key"):
        reason = f"{problem.field} is set in the form above; remove this line"
    return DraftProblem(problem.field, reason, line)
