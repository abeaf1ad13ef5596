"""The ``roleplay`` command as a facilitator uses it."""

from __future__ import annotations

import json

from .conftest import FIXTURES, roleplay

SUMMARY_KEYS = {"id", "title", "category", "difficulty", "persona", "channel", "skill"}


def test_cards_list_json_gives_the_summary_of_every_card() -> None:
    proc = roleplay("cards", "list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    cards = json.loads(proc.stdout)
    assert len(cards) >= 36
    assert all(set(card) == SUMMARY_KEYS for card in cards)


def test_cards_list_table_filters() -> None:
    proc = roleplay("cards", "list", "--category", "channel-specific")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "CATEGORY", "DIFFICULTY"]
    assert all("channel-specific" in line for line in lines[1:])
    assert "phone-long-hold-apology" in proc.stdout


def test_cards_show_as_written_and_drawn() -> None:
    written = roleplay("cards", "show", "frustrated-billing-customer")
    assert written.returncode == 0
    assert "$1,400" in written.stdout and "Variables (as written)" in written.stdout
    first = roleplay("cards", "show", "frustrated-billing-customer", "--seed", "11", "--format", "json")
    again = roleplay("cards", "show", "frustrated-billing-customer", "--seed", "11", "--format", "json")
    other = roleplay("cards", "show", "frustrated-billing-customer", "--seed", "12", "--format", "json")
    assert json.loads(first.stdout) == json.loads(again.stdout)
    assert json.loads(first.stdout)["values"] != json.loads(other.stdout)["values"]
    assert json.loads(first.stdout)["seed"] == 11


def test_unknown_card_is_one_clear_line_and_exit_1() -> None:
    proc = roleplay("cards", "show", "frustrated-biling-customer")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "roleplay: error: no card 'frustrated-biling-customer' in the library; "
        "did you mean frustrated-billing-customer?"
    )


def test_validate_the_shipped_library() -> None:
    proc = roleplay("cards", "validate", "--strict")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("card files valid")


def test_validate_an_empty_folder_is_an_error(tmp_path) -> None:
    proc = roleplay("cards", "validate", str(tmp_path))
    assert proc.returncode == 1
    assert "no card files found" in proc.stderr


def test_cards_come_from_the_folder_in_roleplay_cards(tmp_path) -> None:
    (tmp_path / "minimal-card.yaml").write_text(
        (FIXTURES / "cards" / "minimal-card.yaml").read_text())
    proc = roleplay("cards", "list", "--format", "json", env={"ROLEPLAY_CARDS": str(tmp_path)})
    assert [c["id"] for c in json.loads(proc.stdout)] == ["minimal-card"]


def test_demo_tours_the_library() -> None:
    proc = roleplay("demo", "--seed", "4")
    assert proc.returncode == 0, proc.stderr
    assert "Billing and accounts" in proc.stdout
    assert "drawn with seed 4" in proc.stdout


def test_wrong_command_line_exits_2() -> None:
    assert roleplay().returncode == 2
    assert roleplay("cards", "list", "--difficulty", "expert").returncode == 2
