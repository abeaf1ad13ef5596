"""Turn a YAML document into a validated model, with every problem located.

Cards, rubrics and personas share this path: schema version check (and upgrade),
pydantic validation, the model's own cross-field checks, and warnings for keys the
schema does not know. Errors are collected, not raised one at a time, so an author
fixes a file in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from .errors import DataInvalid, Problem
from .yamlsource import Path_, YamlDocument

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]

# Upgrades from an older schema_version to the next, keyed by the old version.
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


class Model(BaseModel):
    """Base of every data-file model: immutable, and unknown keys kept aside for a warning.

    A top-level model names the schema version it reads (``SCHEMA_VERSION``) and how each
    older version is upgraded to the next (``UPGRADES``), so an old file still loads."""

    model_config = ConfigDict(extra="allow", frozen=True)
    SCHEMA_VERSION: ClassVar[int] = 1
    UPGRADES: ClassVar[dict[int, Upgrade]] = {}


M = TypeVar("M", bound=Model)
Check = Callable[[Any], Iterator[tuple[Path_, str]]]


def load_model(doc: YamlDocument, model: type[M], check: Check | None = None) -> tuple[M, list[Problem]]:
    """Validate ``doc`` as ``model``; return it with its warnings or raise DataInvalid."""
    if not isinstance(doc.data, dict):
        raise DataInvalid([doc.problem((), "expected a mapping of fields at the top level")])
    data = _upgraded(doc, model)
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise DataInvalid([_located(doc, err) for err in exc.errors()]) from None
    problems = [doc.problem(loc, reason) for loc, reason in (check(obj) if check else ())]
    if problems:
        raise DataInvalid(problems)
    warnings = [doc.problem(loc, "unknown key, ignored") for loc in _pop_unknown_keys(obj, ())]
    return obj, sorted(warnings, key=lambda p: p.line)


def one_of(values: Iterable[str]) -> str:
    """``'a', 'b' or 'c'``: the form pydantic uses, so every message reads alike."""
    quoted = [repr(v) for v in values]
    return " or ".join(quoted) if len(quoted) < 3 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _upgraded(doc: YamlDocument, model: type[Model]) -> dict[str, Any]:
    data = dict(doc.data)
    version = data.get("schema_version")
    current = model.SCHEMA_VERSION
    if version is None:
        raise DataInvalid([doc.problem(("schema_version",), f"required (this workbench writes {current})")])
    if type(version) is not int or version < 1:  # not isinstance: True is an int to Python
        raise DataInvalid([doc.problem(("schema_version",), f"{version!r} is not a version number")])
    if version > current:
        raise DataInvalid([doc.problem(
            ("schema_version",),
            f"written for a newer workbench (version {version}); this one reads up to {current}",
        )])
    while version < current:
        data = model.UPGRADES[version](data)
        version += 1
        data["schema_version"] = version
    return data


def _located(doc: YamlDocument, err: Any) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "missing":
        reason = "required field is missing"
    elif kind in ("literal_error", "enum"):
        reason = f"{err['input']!r} is not one of {err['ctx']['expected']}"
    elif kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = err["ctx"].get("min_length" if kind == "too_short" else "max_length")
        reason = f"needs {bound} {limit} items, has {err['ctx']['actual_length']}"
    elif kind == "string_pattern_mismatch":
        reason = f"{err['input']!r} must be lower-case letters, digits and hyphens"
    else:
        reason = err["msg"][0].lower() + err["msg"][1:]
        reason = reason.removeprefix("value error, ")
    # A discriminated or tagged union adds its branch name to the path; people never wrote it.
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("function-", "tagged-"))))
    return doc.problem(loc, reason)


def _pop_unknown_keys(value: Any, at: Path_) -> Iterator[Path_]:
    """Yield the path of every key no model declares, and drop it from the model."""
    if isinstance(value, BaseModel):
        extra = value.__pydantic_extra__ or {}
        for key in list(extra):
            yield (*at, key)
            del extra[key]
        for name in type(value).model_fields:
            yield from _pop_unknown_keys(getattr(value, name), (*at, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _pop_unknown_keys(item, (*at, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _pop_unknown_keys(item, (*at, key))
