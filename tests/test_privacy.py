"""Privacy: personal data redacted from text, and a person forgotten, on both stores."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from facilitation.clock import FakeClock
from facilitation.errors import NotFound
from facilitation.privacy import FORGOTTEN, REMOVED, _Forgetting, forget_person, redact
from facilitation.store.schema import messages, metadata, notes, people, sessions
from facilitation.workbench import InvalidInput, Workbench

from .conftest import roleplay, store_held_open
from .test_export import ANA_HOME_PHONE, CARD_NUMBER, EMAIL, PHONE, PII_LINE, Room, build_room, csv_rows, xapi

REDACTED = [
    # payment cards: 13-19 digits, spaces or dashes, Luhn-checked
    ("Card 4111 1111 1111 1111 please", "Card [card number] please"),
    ("4111-1111-1111-1111", "[card number]"),
    ("it's 4111111111111111.", "it's [card number]."),
    ("amex 3782 822463 10005, exp soon", "amex [card number], exp soon"),
    ("card 4111 1111 1111 1111 10/28", "card [card number] 10/28"),
    ("mastercard 5555 5555 5555 4444 exp 12/27", "mastercard [card number] exp 12/27"),
    # a card's security code, when it is named
    ("4242 4242 4242 4242, exp 09/28, CVC 113", "[card number], exp 09/28, CVC [card code]"),
    ("my cvv is 0421 and the security code: 740", "my cvv is [card code] and the security code: [card code]"),
    # email addresses
    ("mail ana.lopez+bills@example.co.uk now", "mail [email] now"),
    ("Email: j_smith@mail.example.com.", "Email: [email]."),
    ("<OPS@Example.IO>", "<[email]>"),
    # phone numbers: international, US, UK
    ("call +44 20 7946 0958 today", "call [phone] today"),
    ("+44 (0)20 7946 0958", "[phone]"),
    ("+1 (555) 123-4567", "[phone]"),
    ("+1-555-123-4567", "[phone]"),
    ("+33 1 23 45 67 89", "[phone]"),
    ("+49 30 1234567", "[phone]"),
    ("+81-3-1234-5678", "[phone]"),
    ("(555) 123-4567", "[phone]"),
    ("on 555-123-4567, or 555.123.4567", "on [phone], or [phone]"),
    ("1-800-555-0199", "[phone]"),
    ("ring 020 7946 0958", "ring [phone]"),
    ("mobile 07700 900123", "mobile [phone]"),
    ("07700900123", "[phone]"),
    ("0161 496 0000", "[phone]"),
    ("(020) 7946 0958", "[phone]"),
    # labels, expiry dates and codes after the number, and spaces that are not plain spaces
    ("card:4111111111111111", "card:[card number]"),
    ("number:4111 1111 1111 1111", "number:[card number]"),
    ("4111\u00a01111\u00a01111\u00a01111", "[card number]"),
    ("4111\u20091111\u20091111\u20091111", "[card number]"),
    ("4111\u202f1111\u202f1111\u202f1111", "[card number]"),
    ("4111111111111111/12/27", "[card number]/12/27"),
    ("4111-1111-1111-1111/123", "[card number]/123"),
    # phones dialled with 00, or written without all their separators after a phone word
    ("call 4155550123", "call [phone]"),
    ("my number is 415-5550123", "my number is [phone]"),
    ("0049 30 1234567", "[phone]"),
    ("ring 0044 20 7946 0958 today", "ring [phone] today"),
    # street addresses, with units, cities and postcodes
    ("I live at 221B Baker Street, London NW1 6XE.", "I live at [address]."),
    ("12 Main St, Springfield, IL 62704", "[address]"),
    ("1600 Pennsylvania Avenue NW, Washington, DC 20500", "[address]"),
    ("ship to 42 Elm Road, Flat 3", "ship to [address]"),
    ("ship to 42 Elm Road Apt 3B please", "ship to [address] please"),
    ("10 Downing St. thanks", "[address] thanks"),
    ("5 Old Mill Lane", "[address]"),
    ("send it to 77 Sunset Blvd #12", "send it to [address]"),
    ("9 Kings Drive, Suite 400", "[address]"),
    # postcodes and ZIP codes in a city or state context
    ("Springfield, IL 62704", "[address]"),
    ("London SW1A 1AA", "[address]"),
    ("Leeds, LS1 4AP", "[address]"),
    ("postcode SW1A 1AA", "[address]"),
    ("zip 90210", "[address]"),
    # everything at once
    (PII_LINE, "I'm so sorry this bill landed like that, it is alarming. Write to me at [email], "
               "call [phone], or read me the card again: [card number]."),
]

KEPT = [
    "That's $1,400.00 on invoice INV-2026-0042.",
    "You paid €58 and £1,234.56 this month.",
    "Renewal on 2026-11-22 or 12/03/2026 at 10:30.",
    "A 15% discount on 24 seats, 3 users, 1.5 GB.",
    "Order 4111111111111112 failed",  # 16 digits that fail the Luhn check
    "Invoice 4111 1111 1111 1112 is the one",
    "order #48213377 and ticket 1234567",
    "Your account number is 12345678.",
    "Call me between 9 and 5, 2 times.",
    "The 3 main issues are fixed.",
    "Upgrade M2 8GB, v2.3.4 build 20261122",
    "It went from 900 to 1800 over 12 months.",
    "Seats: 24 -> 48 (+24), total 1,234,567",
    "I have 3 seats on the road plan",
    "12 months of 30 days at 2 seats each",
    "Version 10.15.7 on 192.168.1.1",
    "Between 2024-01-01 and 2024-12-31",
    "+15% increase since 2025",
    "a 2-for-1 deal",
    "I'll call you on Monday.",
    "user@localhost is not an address anyone can write to",
    "Refund of $1,800 within 5-7 business days",
    "Customer ID 4521, case 2231, CSV export of 300 rows",
    "Order 9876543210 shipped",  # ten digits with no phone word before them
    "ticket 4155550123 is closed",
    "Since 10:30 and 0:45 the 2026 run",
    "",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED, ids=[t for t, _ in REDACTED])
def test_personal_data_is_replaced_by_a_placeholder(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(expected) == expected  # a redacted text stays as it is


@pytest.mark.parametrize("text", KEPT)
def test_money_dates_counts_and_order_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


# -- forgetting a person --------------------------------------------------------------------

def _everything(wb: Workbench) -> str:
    """Every row of every table as one text, to look for what should be gone."""
    with wb.db.read() as conn:
        rows = {t.name: [list(r) for r in conn.execute(select(t))] for t in metadata.sorted_tables}
    return json.dumps(rows, default=str, ensure_ascii=False)


def _lines(wb: Workbench, scene_id: str) -> list[str]:
    with wb.db.read() as conn:
        query = select(messages.c.text).where(messages.c.scene_id == scene_id).order_by(messages.c.id)
        return list(conn.execute(query).scalars())


def _mentions(dump: str, person: str) -> bool:
    return f'"{person}"' in dump or f"observer {person}" in dump


@pytest.fixture
def room(wb: Workbench, clock: FakeClock) -> Room:
    return build_room(wb, clock)


def test_forgetting_a_person_removes_them_and_their_scenes_everywhere(wb: Workbench, room: Room) -> None:
    before = _everything(wb)
    assert _mentions(before, "ana") and "Ana Lopez" in before and CARD_NUMBER in before
    cleo_lines = _lines(wb, room.cleo_scene)
    versions = {scene: wb.scene_version(scene) for scene in (room.ben_scene, room.cleo_scene)}

    counts = forget_person(wb, "ana")

    assert counts["scenes"] == 1 and counts["people"] == 1 and counts["enrolments"] == 1
    assert counts["messages"] >= 6 and counts["messages blanked"] == 2
    assert counts["scores"] == 1 and counts["competency scores"] == 4
    # her scene's three notes; elsewhere her quote, her tick, her note and its tombstone
    assert counts["notes"] == 3 + 4
    assert counts["debrief entries"] == 2 and counts["session memberships"] == 1
    assert counts["scene roles"] == 3 + 2  # her scene's three roles; her two roles elsewhere
    after = _everything(wb)
    assert not _mentions(after, "ana") and "Ana Lopez" not in after
    for secret in (CARD_NUMBER, EMAIL, PHONE, ANA_HOME_PHONE, "Playing the angry customer",
                   "Ben kept his voice calm", "I would have said sorry first"):
        assert secret in before and secret not in after
    with pytest.raises(NotFound, match="no scene"):
        wb.scene_state(room.ana_scene)
    with pytest.raises(NotFound, match="no person 'ana'"):
        wb.progress("ana")

    # views open on the scenes she was part of see a new version and read them again
    assert wb.scene_version(room.ben_scene) > versions[room.ben_scene]
    assert wb.scene_version(room.cleo_scene) > versions[room.cleo_scene]
    # other people's scenes keep their shape: her lines as [removed], in their places
    lines = _lines(wb, room.cleo_scene)
    assert len(lines) == len(cleo_lines) and lines[0] == lines[2] == REMOVED and lines[1] == cleo_lines[1]
    # cleo's note that ana took back stays taken back
    assert "cleo's note that ana took back" not in [n.text for n in wb.notes(room.ben_scene)]
    assert [n.observer for n in wb.notes(room.ben_scene)] == ["cleo"]

    rows = csv_rows(wb)
    assert [r["agent_id"] for r in rows] == ["ben", "cleo"] and rows[0]["observers"] == "1"
    statements = xapi(wb)
    assert len(statements) == 6 and "ana" not in {s["actor"]["account"]["name"] for s in statements}
    assert all("Ana Lopez" not in json.dumps(s) for s in statements)
    assert wb.progress("ben").scenes_scored == 1 and wb.progress("cleo").scenes_scored == 1


def test_forgetting_the_facilitator_hands_their_sessions_to_a_placeholder(wb: Workbench, room: Room) -> None:
    counts = forget_person(wb, "fran")
    assert counts == {**{k: 0 for k in counts}, "sessions handed over": 1, "people": 1}
    with wb.db.read() as conn:
        assert conn.execute(select(sessions.c.facilitator)).scalars().all() == [FORGOTTEN]
        assert conn.execute(select(people.c.name).where(people.c.id == FORGOTTEN)).scalar() == "(removed)"
    assert not _mentions(_everything(wb), "fran")
    statements = xapi(wb)
    assert len(statements) == 9 and all("instructor" not in s["context"] for s in statements)
    assert len(csv_rows(wb)) == 3


def test_an_unknown_person_is_a_clear_error_and_changes_nothing(wb: Workbench, room: Room) -> None:
    before = _everything(wb)
    with pytest.raises(NotFound, match="no person 'zoe'"):
        forget_person(wb, "zoe")
    with pytest.raises(InvalidInput, match="stands in for people already forgotten"):
        forget_person(wb, FORGOTTEN)
    assert _everything(wb) == before


def test_forgetting_is_one_transaction(wb: Workbench, room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _everything(wb)

    def fail(self: _Forgetting) -> None:
        raise RuntimeError("the server went away")

    monkeypatch.setattr(_Forgetting, "_hand_over_sessions", fail)
    with pytest.raises(RuntimeError):
        forget_person(wb, "ana")
    assert _everything(wb) == before  # half a forget is no forget


def test_roleplay_people_forget_then_exports_leave_them_out(wb: Workbench, room: Room,
                                                            store_url: str) -> None:
    proc = roleplay("people", "forget", "ana", "--db", store_url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("forgot ana: 1 scene, ") and proc.stdout.endswith(", 1 person\n")
    assert "2 messages blanked" in proc.stdout and "1 enrolment," in proc.stdout
    assert not re.search(r"\b0 ", proc.stdout)

    proc = roleplay("people", "forget", "ana", "--db", store_url)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("roleplay: error: no person 'ana' in ")

    for kind in ("csv", "xapi"):
        proc = roleplay("export", kind, "--db", store_url)
        assert proc.returncode == 0, proc.stderr
        assert '"ana"' not in proc.stdout and "Ana Lopez" not in proc.stdout and ",ana," not in proc.stdout
        assert CARD_NUMBER not in proc.stdout and "[card number]" not in proc.stdout
    exported = roleplay("export", "csv", "--db", store_url).stdout
    agents = [r["agent_id"] for r in csv.DictReader(io.StringIO(exported))]
    assert agents == ["ben", "cleo"]
    with wb.db.read() as conn:
        assert conn.execute(select(notes.c.id).where(notes.c.observer == "ana")).first() is None


def test_forgotten_text_is_gone_from_the_store_files_while_another_program_holds_them_open(
        wb: Workbench, room: Room, store_url: str) -> None:
    """Forgotten means gone from the bytes on disk, not only from every query: SQLite keeps old
    pages in the main file until a checkpoint (none runs while another program has the store
    open), PostgreSQL keeps deleted rows as dead rows in the table files."""
    secrets = ("Ana Lopez", CARD_NUMBER, "Ben kept his voice calm", "I would have said sorry first",
               "Fine. What happened to my bill?", "Playing the angry customer")
    _settle_on_disk(wb)  # as in a store that has run for a while: its rows are in the main files
    assert all(any(s.encode() in f.read_bytes() for f in _store_files(wb, store_url)) for s in secrets)
    with store_held_open(store_url):  # a served page: its own process, the store open
        proc = roleplay("people", "forget", "ana", "--db", store_url)

        assert proc.returncode == 0, proc.stderr
        if not wb.db.is_sqlite:  # SQLite's files must be clean the moment the command returns
            _settle_on_disk(wb)
        for path in _store_files(wb, store_url):
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"{secret!r} is still in {path}"
    assert "Ben Okafor" in _everything(wb)  # everyone else is still there


def _settle_on_disk(wb: Workbench) -> None:
    """What a running store does in its own time: SQLite checkpoints, PostgreSQL writes its
    buffers out (a CHECKPOINT needs the pg_checkpoint role `.ci/postgres.sh` grants)."""
    with wb.db.writes.connect() as conn:
        if wb.db.is_sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        try:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("CHECKPOINT")
        except Exception as refused:  # any refusal means the same here
            pytest.skip(f"this PostgreSQL role may not CHECKPOINT, so its files cannot be read "
                        f"for what they hold: {str(refused).splitlines()[0]}")


def _store_files(wb: Workbench, store_url: str) -> list[Path]:
    """The files that hold the store: SQLite's file and its log, or the PostgreSQL tables'."""
    if wb.db.is_sqlite:
        main = Path(store_url.removeprefix("sqlite:///"))
        return [p for p in (main, Path(f"{main}-wal")) if p.exists()]
    clusters = sorted(Path("/var/lib/postgresql").glob("*/main"))
    if not clusters or not os.access(clusters[-1] / "base", os.R_OK):
        pytest.skip("the PostgreSQL server's data files are not readable here (run the tests as root "
                    "beside the server `bash .ci/postgres.sh` starts)")
    with wb.db.read() as conn:
        relations = conn.exec_driver_sql(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 't') "
            "UNION SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.reltoastrelid <> 0").scalars()
        found = [clusters[-1] / r for r in relations if r]
    return [p for p in found if p.exists()]
