"""The ``roleplay`` command as a facilitator uses it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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


BAD_COMMANDS = {
    "mysql store": (["init", "--db", "mysql://x/y"], "roleplay: error: mysql://x/y is not a store this "
                    "workbench opens: use sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"),
    "http store": (["init", "--db", "http://x/y"], "roleplay: error: http://x/y is not a store"),
    "oracle store": (["init", "--db", "oracle://x/y"], "roleplay: error: oracle://x/y is not a store"),
    "async driver": (["init", "--db", "postgresql+asyncpg://x/y"], "roleplay: error: postgresql+asyncpg"),
    "no policy": (["simulate", "--card", "frustrated-billing-customer", "--policy", "nope"],
                  "roleplay: error: no policy 'nope'; have "),
    "negative runs": (["simulate", "--card", "frustrated-billing-customer", "--policy", "empathetic",
                       "--runs", "-1"], "roleplay simulate: error: argument --runs: -1 is out of range"),
    "negative window": (["progress", "ana", "--window", "-3"],
                        "roleplay progress: error: argument --window: -3 is out of range: give 1 or more"),
    "out is a file": (["report", "team_dashboard", "--out", "/etc/passwd"],
                      "roleplay: error: --out /etc/passwd is a file; give the folder the reports go in"),
    "no persona": (["analyze", "--persona", "nope"], "roleplay: error: no persona 'nope'; there are "),
}


@pytest.mark.parametrize("case", sorted(BAD_COMMANDS))
def test_a_bad_command_line_is_one_line_not_a_traceback(case: str, tmp_path: Path) -> None:
    args, expected = BAD_COMMANDS[case]
    proc = roleplay(*args, env={"ROLEPLAY_DB": f"sqlite:///{tmp_path / 'w.db'}"})
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(expected)


def test_agent_lines_that_are_not_utf8_name_the_file_and_line(tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_bytes(b"Hello, I can help with that.\n\xff\xfe caf\xe9\n")
    proc = roleplay("scene", "run", "--card", "frustrated-billing-customer", "--agent-lines", str(lines),
                    "--db", f"sqlite:///{tmp_path / 'w.db'}")
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"roleplay: error: {lines}:2: not UTF-8 text (save the file as UTF-8)"


def test_analyze_answers_a_deeply_nested_line_with_an_error_and_goes_on() -> None:
    script = Path(sys.executable).with_name("roleplay")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "facilitation.cli"]
    stdin = "[" * 100_000 + "]" * 100_000 + '\n{"text": "Can you tell me what changed?"}\n'
    proc = subprocess.run([*command, "analyze"], input=stdin, capture_output=True, text=True, timeout=60)
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first == {"error": "line 1: JSON nested too deeply"}
    assert second["behaviours"]["question"] > 0.5
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_a_library_folder_that_does_not_exist_is_an_error_not_an_empty_library() -> None:
    proc = roleplay("cards", "list", env={"ROLEPLAY_CARDS": "/nonexistent"})
    assert proc.returncode == 1
    assert proc.stderr.strip() == "roleplay: error: ROLEPLAY_CARDS is /nonexistent, which is not a folder"
