"""Exporting scored attempts to an LMS: CSV rows and xAPI statements, redacted, on both stores."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import tincan

from facilitation.clock import FakeClock
from facilitation.export import DEFAULT_BASE, PASS_MARK, csv_columns, export_store
from facilitation.vocabulary import COMPETENCIES
from facilitation.workbench import Workbench

from .conftest import GOOD, POOR, roleplay

CARD = "frustrated-billing-customer"
CARD_NUMBER, EMAIL, PHONE = "4111 1111 1111 1111", "ana.lopez@example.com", "+44 20 7946 0958"
PII_LINE = (f"I'm so sorry this bill landed like that, it is alarming. Write to me at {EMAIL}, "
            f"call {PHONE}, or read me the card again: {CARD_NUMBER}.")
ANA_HOME_PHONE = "07700 900123"
REWOUND = "Seats were added, so the charge is correct."
ADL = "http://adlnet.gov/expapi/verbs/"


@dataclass
class Room:
    """One session of three scenes, each played by a different agent while the others watch."""

    session: str
    ana_scene: str  # ana plays the agent (and says the card number); ben and cleo observe
    ben_scene: str  # ben plays the agent; ana and cleo observe, ana retracts one of cleo's notes
    cleo_scene: str  # cleo plays the agent; ana plays the customer herself; ben observes
    seconds: dict[str, float]  # how long each scene ran, start to end


def _customer(wb: Workbench, scene: str) -> None:
    for _ in wb.customer_turn(scene):
        pass


def build_room(wb: Workbench, clock: FakeClock) -> Room:
    wb.add_person("Fran Facilitator", "fran", team="Coaching")
    for person, name in (("ana", "Ana Lopez"), ("ben", "Ben Okafor"), ("cleo", "Cleo Park")):
        wb.add_person(name, person, team="Billing EU")
    session = wb.create_session("Tuesday practice", "fran", ["ana", "ben", "cleo"])
    wb.enrol("ana", "new-hire")
    seconds = {}

    ana = wb.create_scene(session.id, CARD, seed=4, roles={"ana": "agent", "ben": "observer",
                                                           "cleo": "observer"}).id
    began = clock.now()
    wb.start(ana, by="fran")
    clock.advance(30)
    wb.skip(ana, by="fran")
    _customer(wb, ana)
    first = wb.post_message(ana, "agent", REWOUND, author="ana")
    _customer(wb, ana)
    clock.advance(40)
    wb.skip(ana, by="fran")  # into rewind: the first line is tried again
    wb.rewind(ana, first.id, by="fran")
    pii = wb.post_message(ana, "agent", PII_LINE, author="ana")
    for line in GOOD[1:]:
        clock.advance(20)
        wb.post_message(ana, "agent", line, author="ana")
    wb.add_note(ana, "ben", "tick", item="acknowledgment", message_id=pii.id)
    wb.add_note(ana, "ben", "quote", message_id=pii.id, text=f"read me the card again: {CARD_NUMBER}")
    wb.add_note(ana, "cleo", "note", text="Lovely warm opening")
    wb.skip(ana, by="fran")
    clock.advance(60)
    wb.end(ana, by="fran")
    seconds["ana"] = (clock.now() - began).total_seconds()

    ben = wb.create_scene(session.id, CARD, seed=5, roles={"ben": "agent", "ana": "observer",
                                                           "cleo": "observer"}).id
    began = clock.now()
    wb.start(ben, by="fran")
    wb.skip(ben, by="fran")
    _customer(wb, ben)
    for line in POOR:
        clock.advance(15)
        wb.post_message(ben, "agent", line, author="ben")
        _customer(wb, ben)
        if (state := wb.customer_state(ben)) is not None and state.ended:
            break
    blame = wb.transcript(ben)[1]
    wb.add_note(ben, "ana", "quote", message_id=blame.id, text="You should have checked")
    wb.add_note(ben, "ana", "tick", item="options", message_id=blame.id)
    mine = wb.add_note(ben, "ana", "note", text="I would have said sorry first")
    wb.delete_note(ben, mine.id, by="ana")
    cleos = wb.add_note(ben, "cleo", "note", text="cleo's note that ana took back")
    wb.delete_note(ben, cleos.id, by="ana")
    wb.add_note(ben, "cleo", "tick", item="next-steps")
    wb.skip(ben, by="fran")
    wb.skip(ben, by="fran")
    wb.add_debrief(ben, "ana", "strength", "Ben kept his voice calm")
    wb.end(ben, by="fran")
    seconds["ben"] = (clock.now() - began).total_seconds()

    cleo = wb.create_scene(session.id, CARD, seed=6, engine="human",
                           roles={"cleo": "agent", "ana": "customer", "ben": "observer"}).id
    began = clock.now()
    wb.start(cleo, by="fran")
    wb.skip(cleo, by="fran")
    wb.post_message(cleo, "customer", f"I'm furious. Call me back on {ANA_HOME_PHONE} right now.",
                    author="ana")
    clock.advance(25)
    wb.post_message(cleo, "agent", GOOD[0], author="cleo")
    wb.post_message(cleo, "customer", "Fine. What happened to my bill?", author="ana")
    wb.post_message(cleo, "agent", GOOD[4], author="cleo")
    wb.add_note(cleo, "ben", "tick", item="next-steps")
    wb.skip(cleo, by="fran")
    wb.skip(cleo, by="fran")
    wb.add_debrief(cleo, "ana", "feeling", "Playing the angry customer was fun")
    wb.end(cleo, by="fran")
    seconds["cleo"] = (clock.now() - began).total_seconds()

    # a scene nobody spoke in is never scored, so never exported
    silent = wb.create_scene(session.id, CARD, seed=7, roles={"ben": "agent"}).id
    wb.start(silent, by="fran")
    wb.end(silent, by="fran")
    return Room(session.id, ana, ben, cleo, seconds)


@pytest.fixture
def room(wb: Workbench, clock: FakeClock) -> Room:
    return build_room(wb, clock)


def xapi(wb: Workbench, **options: object) -> list[dict]:
    out = io.StringIO()
    _export(wb, "xapi", out, **options)
    return json.loads(out.getvalue())


def csv_rows(wb: Workbench) -> list[dict[str, str]]:
    out = io.StringIO()
    _export(wb, "csv", out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _export(wb: Workbench, kind: str, out: io.StringIO, **options: object) -> str:
    import contextlib

    with contextlib.redirect_stdout(out):
        return export_store(wb, kind, None, **options)  # type: ignore[arg-type]


def by_registration(statements: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for s in statements:
        groups.setdefault(s["context"]["registration"], []).append(s)
    return groups


def attempt_of(statements: list[dict], agent: str) -> list[dict]:
    return [s for s in statements if s["actor"]["account"]["name"] == agent]


# -- xAPI ---------------------------------------------------------------------------------

def test_every_statement_is_valid_xapi_and_round_trips(wb: Workbench, room: Room) -> None:
    statements = xapi(wb)
    assert len(statements) == 9  # three scored attempts, three statements each
    for s in statements:
        parsed = tincan.Statement(copy.deepcopy(s))  # tincan rewrites the dict it is given
        text = parsed.to_json()
        again = tincan.Statement(json.loads(text))
        assert again.to_json() == text
        assert str(again.id) == s["id"] and again.verb.id == s["verb"]["id"]
        assert str(again.context.registration) == s["context"]["registration"]
        assert again.actor.account.name == s["actor"]["account"]["name"]
        assert again.actor.account.home_page == DEFAULT_BASE
        assert again.object.definition.type == "http://adlnet.gov/expapi/activities/simulation"
        assert again.timestamp.utcoffset().total_seconds() == 0
        assert s["timestamp"].endswith("Z") and s["context"]["platform"] == "Roleplay Workbench"
        assert "mbox" not in json.dumps(s["actor"])  # people are accounts; no email is invented


def test_one_attempt_is_one_registration_attempted_completed_then_the_verdict(wb: Workbench,
                                                                                room: Room) -> None:
    statements = xapi(wb)
    assert len({s["id"] for s in statements}) == len(statements)
    groups = by_registration(statements)
    assert len(groups) == 3
    for group in groups.values():
        verbs = [s["verb"]["id"].removeprefix(ADL) for s in group]
        assert verbs[:2] == ["attempted", "completed"] and verbs[2] in ("passed", "failed")
        assert all(s["verb"]["display"] == {"en-US": s["verb"]["id"].removeprefix(ADL)} for s in group)
        assert len({s["actor"]["account"]["name"] for s in group}) == 1
        assert group[0]["timestamp"] <= group[1]["timestamp"] <= group[2]["timestamp"]
        assert "result" not in group[0]
        for s in group[1:]:
            score = s["result"]["score"]
            assert 0 <= score["scaled"] <= 1 and score["raw"] == round(score["scaled"] * 100)
            assert (score["min"], score["max"]) == (0, 100)
            assert s["result"]["success"] is (score["raw"] >= PASS_MARK)
            assert s["result"]["completion"] is True
        assert (group[2]["verb"]["id"] == ADL + "passed") is group[2]["result"]["success"]
    verdicts = Counter(g[2]["verb"]["display"]["en-US"] for g in groups.values())
    assert verdicts["passed"] >= 1 and verdicts["failed"] >= 1  # the room has both kinds


def test_the_result_carries_duration_criteria_competencies_and_outcome(wb: Workbench, room: Room) -> None:
    ana = attempt_of(xapi(wb), "ana")
    passed = ana[2]
    assert passed["result"]["duration"] == _iso(room.seconds["ana"])
    ext = passed["result"]["extensions"]
    criteria = ext[f"{DEFAULT_BASE}/extensions/criteria"]
    card = wb.score_card(room.ana_scene)
    assert [(c["name"], c["competency"], c["weight"], c["score"], c["level"]) for c in criteria] == [
        (c["name"], c["competency"], c["weight"], c["score"], c["level"]) for c in card["criteria"]]
    assert any(e["source"] == "observer ben" for c in criteria for e in c["evidence"])
    assert set(ext[f"{DEFAULT_BASE}/extensions/competencies"]) <= set(COMPETENCIES)
    outcome = ext.get(f"{DEFAULT_BASE}/extensions/outcome")
    assert outcome == wb.customer_state(room.ana_scene).outcome
    cleo = attempt_of(xapi(wb), "cleo")[2]["result"]["extensions"]
    assert f"{DEFAULT_BASE}/extensions/outcome" not in cleo  # a person played the customer: no verdict


def _iso(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"PT{minutes}M{rest}S" if rest else f"PT{minutes}M"


def test_instructor_is_the_facilitator_and_the_team_the_observers(wb: Workbench, room: Room) -> None:
    statements = xapi(wb)
    for s in statements:
        assert s["context"]["instructor"] == {"objectType": "Agent", "name": "Fran Facilitator",
                                              "account": {"homePage": DEFAULT_BASE, "name": "fran"}}
        parent, = s["context"]["contextActivities"]["parent"]
        assert parent["id"] == f"{DEFAULT_BASE}/sessions/{room.session}"
        assert parent["definition"]["name"] == {"en-US": "Tuesday practice"}
        category, = s["context"]["contextActivities"]["category"]
        assert category["id"] == f"{DEFAULT_BASE}/rubrics/support-core/2026.1"
        assert s["object"]["id"] == f"{DEFAULT_BASE}/cards/{CARD}"
        assert s["object"]["definition"]["name"] == {"en-US": "The Frustrated Billing Customer"}

    def team(agent: str) -> list[tuple[str, str]]:
        group = attempt_of(statements, agent)[0]["context"]["team"]
        assert group["objectType"] == "Group"
        return [(m["account"]["name"], m["name"]) for m in group["member"]]

    assert team("ana") == [("ben", "Ben Okafor"), ("cleo", "Cleo Park")]
    assert team("ben") == [("ana", "Ana Lopez"), ("cleo", "Cleo Park")]
    assert team("cleo") == [("ben", "Ben Okafor")]  # ana played the customer, she did not observe


def test_personal_data_never_leaves_and_the_placeholders_do(wb: Workbench, room: Room) -> None:
    for kind in ("xapi", "csv"):
        out = io.StringIO()
        _export(wb, kind, out)
        text = out.getvalue()
        for secret in (CARD_NUMBER, CARD_NUMBER.replace(" ", ""), EMAIL, PHONE, ANA_HOME_PHONE):
            assert secret not in text and json.dumps(secret)[1:-1] not in text
        assert all(p in text for p in ("[card number]", "[email]", "[phone]")), kind
    # the evidence quote from ben's tick is the whole line, redacted
    criteria = attempt_of(xapi(wb), "ana")[2]["result"]["extensions"][f"{DEFAULT_BASE}/extensions/criteria"]
    quotes = [e["quote"] for c in criteria for e in c["evidence"]]
    assert any("[card number]" in q and "[email]" in q for q in quotes)


def test_exporting_twice_gives_the_same_output_and_a_base_moves_every_id(wb: Workbench, room: Room,
                                                                          monkeypatch) -> None:
    first, second = io.StringIO(), io.StringIO()
    _export(wb, "xapi", first)
    _export(wb, "xapi", second)
    assert first.getvalue() == second.getvalue()
    assert csv_rows(wb) == csv_rows(wb)

    monkeypatch.setenv("ROLEPLAY_XAPI_BASE", "https://lms.example.org/roleplay/")
    moved = xapi(wb)
    assert moved[0]["object"]["id"] == f"https://lms.example.org/roleplay/cards/{CARD}"
    assert moved[0]["actor"]["account"]["homePage"] == "https://lms.example.org/roleplay"
    assert not {s["id"] for s in moved} & {s["id"] for s in json.loads(first.getvalue())}
    explicit = xapi(wb, base="https://lrs.example.com/x")
    assert explicit[0]["object"]["id"].startswith("https://lrs.example.com/x/cards/")


def test_a_rescored_attempt_keeps_its_registration_with_new_verdict_statements(wb: Workbench,
                                                                               room: Room) -> None:
    before = attempt_of(xapi(wb), "cleo")
    wb.add_note(room.cleo_scene, "ben", "tick", item="acknowledgment")
    wb.score(room.cleo_scene)  # a late observer tick: scored again, the latest score is exported
    after = attempt_of(xapi(wb), "cleo")
    assert len(after) == 3
    assert before[0] == after[0]  # the attempt began once
    assert after[1]["context"]["registration"] == before[1]["context"]["registration"]
    assert after[1]["id"] != before[1]["id"] and after[2]["id"] != before[2]["id"]
    assert len(csv_rows(wb)) == 3


# -- CSV ----------------------------------------------------------------------------------

def test_csv_has_one_row_per_scored_attempt_with_a_redacted_transcript(wb: Workbench, room: Room) -> None:
    rows = csv_rows(wb)
    assert list(rows[0]) == csv_columns()
    assert [r["attempt"] for r in rows] == [room.ana_scene, room.ben_scene, room.cleo_scene]
    for row in rows:
        card = wb.score_card(row["attempt"])
        assert row["session"] == "Tuesday practice" and row["date"] == "2026-01-05"
        assert row["team"] == "Billing EU" and row["card_id"] == CARD
        assert (row["card_title"], row["category"], row["difficulty"]) == (
            "The Frustrated Billing Customer", "billing-and-accounts", "intermediate")
        assert (row["rubric_id"], row["rubric_version"]) == ("support-core", "2026.1")
        assert int(row["overall"]) == card["overall"]
        assert row["passed"] == ("true" if card["overall"] >= PASS_MARK else "false")
        areas = {c["competency"] for c in card["criteria"]}
        assert all(row[a] != "" for a in areas) and all(row[a] == "" for a in set(COMPETENCIES) - areas)
    ana, ben, cleo = rows
    assert (ana["agent_id"], ana["agent_name"], ana["observers"]) == ("ana", "Ana Lopez", "2")
    assert (ben["observers"], cleo["observers"]) == ("2", "1")
    assert ana["outcome"] == (wb.customer_state(room.ana_scene).outcome or "")
    assert ben["outcome"] in ("resolved", "escalated", "abandoned", "") and cleo["outcome"] == ""
    lines = ana["transcript"].splitlines()
    assert lines[0].startswith("customer: ") and lines[1].startswith("agent: I'm so sorry")
    assert "[card number]" in lines[1] and "[email]" in lines[1] and "[phone]" in lines[1]
    assert REWOUND not in ana["transcript"]  # the scored branch, not the line that was rewound
    assert cleo["transcript"].splitlines()[0] == "customer: I'm furious. Call me back on [phone] right now."


def test_since_and_until_keep_the_scenes_of_those_days(wb: Workbench, room: Room) -> None:
    from datetime import date

    out = io.StringIO()
    said = _export(wb, "csv", out, since=date(2026, 1, 6))
    assert said == "wrote 0 rows (one per scored attempt) to standard output"
    assert len(csv_rows(wb)) == 3
    out = io.StringIO()
    _export(wb, "csv", out, since=date(2026, 1, 5), until=date(2026, 1, 5))
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == 3


# -- the command line ---------------------------------------------------------------------

def test_roleplay_export_writes_a_file_or_standard_output(wb: Workbench, room: Room, store_url: str,
                                                          tmp_path: Path) -> None:
    target = tmp_path / "attempts.json"
    proc = roleplay("export", "xapi", "--out", str(target), "--db", store_url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == f"wrote 9 statements for 3 attempts to {target}"
    assert proc.stdout == "" and len(json.loads(target.read_text())) == 9

    proc = roleplay("export", "csv", "--db", store_url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "wrote 3 rows (one per scored attempt) to standard output"
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["agent_id"] for r in rows] == ["ana", "ben", "cleo"]
    assert CARD_NUMBER not in proc.stdout

    proc = roleplay("export", "csv", "--since", "5 January", "--db", store_url)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "roleplay: error: --since '5 January': give a date as YYYY-MM-DD"
    proc = roleplay("export", "xapi", "--base", "not an iri", "--db", store_url)
    assert proc.returncode == 1 and "not an absolute IRI" in proc.stderr and proc.stdout == ""


def test_csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(
        wb: Workbench, clock: FakeClock) -> None:
    wb.add_person('=HYPERLINK("http://evil.example","Bob")', "bob", team="+Billing")
    session = wb.create_session("=cmd|' /C calc'!A0", "bob", ["bob"])
    scene = wb.create_scene(session.id, CARD, seed=1, roles={"bob": "agent"}).id
    wb.start(scene, by="bob")
    wb.skip(scene, by="bob")
    _customer(wb, scene)
    wb.post_message(scene, "agent", GOOD[0], author="bob")
    wb.skip(scene, by="bob")
    wb.skip(scene, by="bob")
    wb.end(scene, by="bob")

    [row] = csv_rows(wb)

    assert row["agent_name"] == '\'=HYPERLINK("http://evil.example","Bob")'
    assert row["session"] == "'=cmd|' /C calc'!A0" and row["team"] == "'+Billing"
    assert row["overall"].isdigit()  # numbers stay numbers


def test_a_person_id_that_is_an_email_address_leaves_as_a_stable_pseudonym(
        wb: Workbench, clock: FakeClock) -> None:
    wb.add_person("Ana Silva", "ana.silva@acme.com", team="Billing")
    session = wb.create_session("Practice", "ana.silva@acme.com", ["ana.silva@acme.com"])
    scene = wb.create_scene(session.id, CARD, seed=1, roles={"ana.silva@acme.com": "agent"}).id
    wb.start(scene)
    wb.skip(scene)
    _customer(wb, scene)
    wb.post_message(scene, "agent", GOOD[0], author="ana.silva@acme.com")
    wb.skip(scene)
    wb.skip(scene)
    wb.end(scene)

    statements = xapi(wb)
    assert "acme.com" not in json.dumps(statements)
    account = statements[0]["actor"]["account"]["name"]
    assert account.startswith("person-") and xapi(wb)[0]["actor"]["account"]["name"] == account
    [row] = csv_rows(wb)
    assert row["agent_id"] == account and row["agent_name"] == "Ana Silva"
