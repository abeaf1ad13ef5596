"""A broken card is refused with FILE:LINE: field: reason and never takes the library down."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from facilitation import Library, validate_files
from facilitation.yamlsource import parse_yaml

from .conftest import FIXTURES, roleplay

BROKEN = FIXTURES / "broken_cards"

# case → the exact message a card author sees
EXPECTED = {
    "unknown-persona": "7: persona: 'angry' is not one of 'busy-executive', 'confused-new-user', "
                       "'frustrated-user' or 'technical-user'",
    "weights-not-100": "43: criteria: weights sum to 90, they must sum to 100",
    "missing-spark": "1: spark: required field is missing",
    "bad-difficulty": "5: difficulty: 'expert' is not one of 'beginner', 'intermediate' or 'advanced'",
    "undeclared-placeholder": "32: arc.complication[1]: uses {refund_amount}, "
                              "which is not declared under variables",
    # libyaml and the pure-Python parser word the syntax error differently: "…" is theirs.
    "yaml-syntax": "31: YAML syntax: … (text with a {placeholder} at its start or inside [ ] "
                   "must be quoted: \"{name}\")",
    "duplicate-key": "21: spark: duplicate key (first written on line 18)",
    "newer-schema": "1: schema_version: written for a newer workbench (version 3); "
                    "this one reads up to 2",
    "formula-undeclared": "18: variables.total.formula: uses 'seats', which is not declared above it",
    "unknown-competency": "49: criteria[1].competency: 'billing' is not one of 'customer-empathy', "
                          "'technical-troubleshooting', 'de-escalation', 'billing-knowledge', "
                          "'communication-clarity', 'product-knowledge', 'compliance-awareness' "
                          "or 'first-contact-resolution'",
    "two-variable-kinds": "16: variables.customer_name: give exactly one of choice, between, "
                          "days_ago, days_ahead, formula (found choice, between)",
    "arc-too-short": "34: arc.resolution: needs at least 2 items, has 1",
    "negative-phrase": "58: phrase_bank[2].behaviour: 'blame' is a behaviour to avoid; "
                       "the phrase bank holds strong lines",
    "unknown-rubric": "52: rubric: 'sales-core' is not one of 'support-core'",
    "not-a-mapping": "1: expected a mapping of fields at the top level",
    "empty": "1: file is empty",
}


def _matches(message: str, expected: str) -> bool:
    head, _, tail = expected.partition("…")
    return message.startswith(head) and message.endswith(tail) if tail else message == expected


def test_every_broken_fixture_has_an_expected_message() -> None:
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_card_is_refused_with_file_line_field_and_reason(case: str) -> None:
    path = BROKEN / f"{case}.yaml"
    result = validate_files("card", [path])
    assert result.valid == []
    [problem] = result.errors
    assert _matches(str(problem), f"{path}:{EXPECTED[case]}")


def test_validate_command_names_each_problem_and_exits_1() -> None:
    proc = roleplay("cards", "validate", "tests/fixtures/broken_cards")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    for case, message in EXPECTED.items():
        expected = f"tests/fixtures/broken_cards/{case}.yaml:{message}"
        assert any(_matches(line, expected) for line in lines), expected
    assert f"{len(EXPECTED)} of {len(EXPECTED)} card files invalid" in proc.stderr


def test_library_skips_bad_files_and_keeps_every_good_card(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(FIXTURES / "cards" / "minimal-card.yaml", tmp_path)
    good = (FIXTURES / "cards" / "minimal-card.yaml").read_text()
    (tmp_path / "second-card.yaml").write_text(good.replace("id: minimal-card", "id: second-card"))
    for case in ("unknown-persona", "yaml-syntax", "weights-not-100"):
        shutil.copy(BROKEN / f"{case}.yaml", tmp_path)

    lib = Library.load(cards_dir=tmp_path)

    assert sorted(lib.cards) == ["minimal-card", "second-card"]
    assert len(lib.errors) == 3
    skipped = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"skipped: {tmp_path / 'unknown-persona.yaml'}:{EXPECTED['unknown-persona']}" in skipped


def test_unknown_keys_are_warned_about_and_the_card_still_loads(tmp_path: Path) -> None:
    text = (FIXTURES / "cards" / "minimal-card.yaml").read_text()
    text = text.replace("skill: Explain", "mood_music: calm\nskill: Explain")
    text = text.replace("  plan: Starter", "  plan: Starter\n  shoe_size: 42")
    path = tmp_path / "minimal-card.yaml"
    path.write_text(text)

    result = validate_files("card", [path])

    assert result.valid == [path]
    assert [str(w) for w in result.warnings] == [
        f"{path}:13: customer.shoe_size: unknown key, ignored",
        f"{path}:21: mood_music: unknown key, ignored",
    ]
    proc = roleplay("cards", "validate", "--strict", str(path))
    assert proc.returncode == 1 and "unknown key" in proc.stderr


def test_yaml_dates_stay_strings() -> None:
    doc = parse_yaml("tenure: 2019-05-01\nwhen: 2024-03-01 10:00:00\n")
    assert doc.data == {"tenure": "2019-05-01", "when": "2024-03-01 10:00:00"}
    card = Library.load(cards_dir=FIXTURES / "cards").card("minimal-card")
    assert card.customer.tenure == "2019-05-01"


def test_a_duplicate_id_keeps_the_first_card(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "cards" / "minimal-card.yaml", tmp_path / "a.yaml")
    shutil.copy(FIXTURES / "cards" / "minimal-card.yaml", tmp_path / "b.yaml")
    lib = Library.load(cards_dir=tmp_path)
    assert list(lib.cards) == ["minimal-card"]
    assert [str(p) for p in lib.errors] == [
        f"{tmp_path / 'b.yaml'}:2: id: 'minimal-card' is already used by {tmp_path / 'a.yaml'}"
    ]
