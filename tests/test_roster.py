"""Setting a room up without Python: people and sessions from the command line, by the names
a facilitator knows people by."""

from __future__ import annotations

import json

import pytest

from facilitation import Library
from facilitation.roster import person_id, session_detail, set_up_session
from facilitation.scenebase import InvalidInput
from facilitation.workbench import Workbench

from .conftest import GOOD, roleplay


def test_a_facilitator_sets_a_session_up_from_the_command_line(tmp_path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'room.db'}"]
    empty = roleplay("session", "list", *db)
    assert empty.returncode == 0 and "roleplay session create" in empty.stdout  # says how to start
    added = roleplay("people", "add", "Ana Lopez", "Ben Okafor", "--team", "Billing", *db)
    assert added.stdout.splitlines() == ["added Ana Lopez as ana-lopez, team Billing",
                                         "added Ben Okafor as ben-okafor, team Billing"]
    again = roleplay("people", "add", "ana LOPEZ", *db)
    assert again.stdout.strip() == "ana LOPEZ is already here as ana-lopez"  # never added twice

    made = roleplay("session", "create", "Tuesday practice", "--facilitator", "Fran Ito",
                    "--people", "Ana Lopez", "Ben Okafor", "Cy Park", "--team", "Billing", *db)
    assert made.returncode == 0, made.stderr
    listed = json.loads(roleplay("session", "list", "--format", "json", *db).stdout)
    assert [(s["title"], s["facilitator"], s["participants"]) for s in listed] == [
        ("Tuesday practice", "Fran Ito", 3)]
    code = listed[0]["code"]
    assert f"join code {code}" in made.stdout and f"roleplay serve --session {code}" in made.stdout
    table = roleplay("session", "list", *db).stdout
    assert code in table and "Tuesday practice" in table

    joined = roleplay("session", "join", code.lower(), "Dee Quinn", *db)
    assert joined.returncode == 0 and "4 participant(s)" in joined.stdout
    shown = roleplay("session", "show", code, *db).stdout
    assert ("Participants: Ana Lopez (ana-lopez), Ben Okafor (ben-okafor), Cy Park (cy-park), "
            "Dee Quinn (dee-quinn)") in shown
    people = {p["name"]: p for p in json.loads(roleplay("people", "list", "--format", "json", *db).stdout)}
    assert people["Cy Park"]["team"] == "Billing" and people["Fran Ito"]["team"] is None
    assert people["Ana Lopez"]["sessions"] == 1

    by_name = roleplay("progress", "Ana Lopez", *db)
    assert by_name.returncode == 0 and by_name.stdout.startswith("Ana Lopez (ana-lopez)")
    unknown = roleplay("session", "show", "ZZZZ", *db)
    assert unknown.returncode == 1 and "no session with id or code 'ZZZZ'" in unknown.stderr
    nobody = roleplay("session", "create", "Empty", "--facilitator", "Fran Ito", "--people", " ", *db)
    assert nobody.returncode == 1 and "Traceback" not in nobody.stderr


def test_a_name_two_people_share_is_refused_with_their_ids(store_url: str, library: Library) -> None:
    wb = Workbench.open(store_url, library=library)
    wb.add_person("Sam Lee", "sam-lee", team="Billing")
    wb.add_person("Sam Lee", "sam-lee-2", team="Accounts")
    with pytest.raises(InvalidInput, match="2 people are called 'sam lee' \\(sam-lee, sam-lee-2\\)"):
        person_id(wb, "sam lee")
    assert person_id(wb, "sam-lee-2") == "sam-lee-2"
    wb.close()


def test_a_session_shows_its_scenes_with_agent_and_score(store_url: str, library: Library) -> None:
    wb = Workbench.open(store_url, library=library)
    info = set_up_session(wb, "Tuesday practice", "Fran Ito", ["Ana Lopez", "Ben Okafor"], team="Billing")
    scene = wb.create_scene(info.id, "frustrated-billing-customer", seed=4,
                            roles={"ana-lopez": "agent", "ben-okafor": "observer"}).id
    wb.start(scene)
    wb.skip(scene)
    for line in GOOD:
        wb.post_message(scene, "agent", line, author="ana-lopez")
    wb.end(scene)
    detail = session_detail(wb, info.code)
    [row] = detail.scenes
    assert (row.agent, row.phase, row.overall) == ("Ana Lopez", "ended", wb.score_card(scene)["overall"])
    assert detail.names == {"fran-ito": "Fran Ito", "ana-lopez": "Ana Lopez", "ben-okafor": "Ben Okafor"}
    wb.close()
