"""`roleplay init` and `roleplay scene run` as a facilitator scripts them."""

from __future__ import annotations

import json
from pathlib import Path

from facilitation.store.schema import SCHEMA_VERSION

from .conftest import roleplay

AGENT_LINES = """\
# one agent message per line
I can see why a bill that doubled would be alarming. Let me look at it with you.
It looks like 12 seats were added about a month ago. Does that match a new team?
I'll email you a one-page breakdown for finance in the next ten minutes.
"""


def test_init_creates_the_store_and_says_where(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    proc = roleplay("init", "--db", url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"store ready: {url} (schema {SCHEMA_VERSION})"
    assert roleplay("init", "--db", url).returncode == 0  # a second init changes nothing


def test_scene_run_prints_the_stored_scene_as_json(tmp_path: Path) -> None:
    lines = tmp_path / "agent.txt"
    lines.write_text(AGENT_LINES)
    proc = roleplay("scene", "run", "--card", "frustrated-billing-customer", "--agent-lines", str(lines),
                    "--seed", "4", "--format", "json", env={"ROLEPLAY_DB": f"sqlite:///{tmp_path / 'w.db'}"})
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert {"scene", "phases", "messages", "nudges", "notes"} <= set(record)
    assert (record["scene"]["card"], record["scene"]["seed"], record["scene"]["engine"]) == (
        "frustrated-billing-customer", 4, "embedded")
    assert [p["phase"] for p in record["phases"]] == ["brief", "act", "rewind", "debrief"]
    assert all(p["started_at"] and p["ended_at"] for p in record["phases"])
    speakers = [m["speaker"] for m in record["messages"]]
    assert speakers == ["customer"] + ["agent", "customer"] * 3
    assert record["messages"][1]["text"].startswith("I can see why a bill")
    assert set(record["messages"][0]) >= {"index", "branch", "speaker", "text", "at"}
    values = record["scene"]["values"]
    assert values["actual_charge"] in record["messages"][0]["text"]
    assert record["score"]["card_id"] == "frustrated-billing-customer"
    assert 0 <= record["score"]["overall"] <= 100


def test_scene_run_text_reads_like_a_transcript(tmp_path: Path) -> None:
    lines = tmp_path / "agent.txt"
    lines.write_text(AGENT_LINES)
    proc = roleplay("scene", "run", "--card", "phone-long-hold-apology", "--agent-lines", str(lines),
                    "--db", f"sqlite:///{tmp_path / 'w.db'}")
    assert proc.returncode == 0, proc.stderr
    assert "   agent: I can see why a bill" in proc.stdout
    assert "brief → act → rewind → debrief" in proc.stdout


def test_scene_run_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing but a comment\n\n")
    db = ["--db", f"sqlite:///{tmp_path / 'w.db'}"]
    proc = roleplay("scene", "run", "--card", "frustrated-billing-customer", "--agent-lines", str(empty), *db)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"roleplay: error: {empty} has no agent lines (one message per line)"
    proc = roleplay("scene", "run", "--card", "nope", "--agent-lines", str(empty), *db)
    assert proc.returncode == 1 and proc.stderr.startswith("roleplay: error:")
    missing = roleplay("scene", "run", "--card", "frustrated-billing-customer",
                       "--agent-lines", str(tmp_path / "missing.txt"), *db)
    assert missing.returncode == 1 and "cannot read agent lines" in missing.stderr
