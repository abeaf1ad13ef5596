"""The docs keep up with the code: every card field and every command is documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from facilitation.cards import ScenarioCard
from facilitation.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


def _field_names(model: type[BaseModel]) -> set[str]:
    names = set(model.model_fields)
    for field in model.model_fields.values():
        for nested in _models_in(field.annotation):
            names |= _field_names(nested)
    return names


def test_every_card_field_is_documented() -> None:
    doc = (ROOT / "docs" / "cards.md").read_text()
    fields = _field_names(ScenarioCard)
    assert {"fears_losing", "earned_by", "formula", "customer_lines"} <= fields
    missing = sorted(f for f in fields if f"`{f}`" not in doc)
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    commands = []
    for group, sub in parser._subparsers._group_actions[0].choices.items():  # type: ignore[union-attr]
        actions = sub._subparsers._group_actions[0].choices if sub._subparsers else {}  # type: ignore[union-attr]
        commands += [f"roleplay {group} {a}" for a in actions] or [f"roleplay {group}"]
    missing = [c for c in commands if c not in readme]
    assert missing == []


def test_every_llm_customer_setting_is_documented() -> None:
    from dataclasses import fields

    from facilitation.customers.llmconfig import CONFIG_VARIABLE, ENVIRONMENT, OpenAISettings

    readme = (ROOT / "README.md").read_text()
    names = [f"`{f.name}`" for f in fields(OpenAISettings)]
    variables = [f"`{v}`" for group in ENVIRONMENT.values() for v in group] + [f"`{CONFIG_VARIABLE}`"]
    assert [n for n in names + variables if n not in readme] == []


def test_every_persona_field_is_documented() -> None:
    from facilitation.personas import Persona

    doc = (ROOT / "docs" / "personas.md").read_text()
    missing = sorted(f for f in _field_names(Persona) if f"`{f}`" not in doc)
    assert missing == []
