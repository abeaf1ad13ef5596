"""A hostile or damaged card file is refused in bounded time and memory, the rest of the
library loading: aliases that loop or explode, keys that are not text, NUL bytes, huge
numbers, and paths that are not regular files (a FIFO would hang a reader for ever,
/dev/zero would fill memory)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from facilitation import Library
from facilitation.drafts import check_draft
from facilitation.yamlsource import MAX_FILE_BYTES, parse_yaml

from .conftest import FIXTURES, roleplay

GOOD = FIXTURES / "cards" / "minimal-card.yaml"

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)

# name → (file text, the message after FILE:)
HOSTILE_TEXT = {
    "recursive-alias": ("schema_version: 2\ntags: &x [*x]\n", "2: tags: an alias refers to itself"),
    "complex-key": ("schema_version: 2\n? [1, 2]\n: v\n", "2: a key must be plain text, not a list"),
    "nul-byte": ("schema_version: 2\nid: a\0b\n", "2: the file holds a NUL byte (it is not text)"),
    "huge-number": ("schema_version: " + "9" * 5000 + "\n",
                    "1: schema_version: a number of 5000 digits; at most 100 are read"),
    "billion-laughs": (BILLION_LAUGHS,
                       "5: e: aliases expand to more than 20000 values; write the values out"),
    "deep-nesting": ("schema_version: 2\ntags: " + "[" * 500 + "]" * 500 + "\n",
                     "2: tags: nested more than 60 levels deep"),
    "boolean-version": ("schema_version: true\nid: x\n", "1: schema_version: True is not a version number"),
}


def _library_beside_good_card(tmp_path: Path) -> Path:
    cards = tmp_path / "cards"
    cards.mkdir()
    shutil.copy(GOOD, cards)
    return cards


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXT))
def test_a_hostile_file_is_refused_with_its_line_and_the_rest_loads(tmp_path: Path, case: str) -> None:
    cards = _library_beside_good_card(tmp_path)
    text, message = HOSTILE_TEXT[case]
    (cards / f"{case}.yaml").write_text(text, encoding="utf-8")

    lib = Library.load(cards_dir=cards)

    assert list(lib.cards) == ["minimal-card"]
    assert [str(p) for p in lib.errors] == [f"{cards / f'{case}.yaml'}:{message}"]


def test_aliases_under_an_unknown_key_are_refused_not_saved_with_a_warning(tmp_path: Path) -> None:
    """~300 bytes that expand to millions of values once passed the form with a warning."""
    bomb = "mood:\n" + "".join(
        f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'ha, ha, ha, ha, ha, ha, ha, ha, ha'}]\n"
        for i in range(7)
    )
    text = GOOD.read_text(encoding="utf-8") + bomb
    doc_problems = _problems_of(text)
    assert any("aliases expand to more than 20000 values" in p for p in doc_problems), doc_problems

    lib = Library.load(cards_dir=FIXTURES / "cards")
    body = text.split("\n", 1)[1]
    check = check_draft({"id": "x", "title": "x", "category": "billing", "difficulty": "beginner",
                         "channel": "chat", "persona": "frustrated-user", "skill": "x", "brief": "x",
                         "spark": "x", "constraint": "x"}, body, lib)
    assert not check.ok
    assert any("aliases expand" in p.reason and p.line is not None for p in check.problems), check.problems


def test_a_few_aliases_for_shared_values_still_load() -> None:
    doc = parse_yaml("base: &b {plan: Pro, seats: 3}\none: *b\ntwo: *b\n")
    assert doc.data["two"] == {"plan": "Pro", "seats": 3}


def _problems_of(text: str) -> list[str]:
    from facilitation.errors import DataInvalid

    try:
        parse_yaml(text, "card.yaml")
    except DataInvalid as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no named pipes")
def test_a_fifo_named_like_a_card_does_not_hang_the_cards_command(tmp_path: Path) -> None:
    cards = _library_beside_good_card(tmp_path)
    os.mkfifo(cards / "pipe.yaml")
    (cards / "zero.yaml").symlink_to("/dev/zero")

    # a hang is the failure this guards against: roleplay()'s timeout turns it into a red test
    proc = roleplay("cards", "list", env={"ROLEPLAY_CARDS": str(cards)})

    assert proc.returncode == 0, proc.stderr
    assert "minimal-card" in proc.stdout
    for name, kind in (("pipe", "a named pipe"), ("zero", "a device")):
        assert f"{cards / name}.yaml:1: not a regular file ({kind}); cards are read from files" in proc.stderr


def test_a_file_larger_than_any_card_is_refused_unread(tmp_path: Path) -> None:
    cards = _library_beside_good_card(tmp_path)
    big = cards / "big.yaml"
    with big.open("w") as out:
        out.write("schema_version: 2\nnotes: |\n")
        out.write(("  " + "x" * 98 + "\n") * (MAX_FILE_BYTES // 100 + 1))

    lib = Library.load(cards_dir=cards)

    assert list(lib.cards) == ["minimal-card"]
    [problem] = lib.errors
    assert str(problem) == (f"{big}:1: the file is {big.stat().st_size // 1024} KB; "
                            f"a card or rubric is at most {MAX_FILE_BYTES // 1024} KB")


@pytest.mark.parametrize("weight", ['"30"', "30.0"])
def test_a_weight_that_is_text_or_a_decimal_is_refused(tmp_path: Path, weight: str) -> None:
    text = GOOD.read_text(encoding="utf-8")
    first = text.index("weight: ") + len("weight: ")
    end = text.index("\n", first)
    (tmp_path / "minimal-card.yaml").write_text(text[:first] + weight + text[end:], encoding="utf-8")
    lib = Library.load(cards_dir=tmp_path)
    assert lib.cards == {} and "weight: input should be a valid integer" in str(lib.errors[0])


def test_a_byte_that_is_not_utf8_is_refused_at_its_line(tmp_path: Path) -> None:
    """It was refused at line 1 with Python's "codec can't decode byte 0xff in position 41"."""
    cards = _library_beside_good_card(tmp_path)
    bad = cards / "latin1.yaml"
    bad.write_bytes(b"schema_version: 2\nid: latin1\ntitle: Caf\xe9 order\n")
    lib = Library.load(cards_dir=cards)
    assert [str(p) for p in lib.errors] == [
        f"{bad}:3: byte 0xe9 at column 11 is not UTF-8 text: save the file as UTF-8"]


FUZZ_MUTANTS = 400
FUZZ_MEMORY = 1 << 30  # bytes of address space for the whole run: a library load needs ~60 MB


def test_randomly_damaged_cards_and_rubrics_are_loaded_or_refused_at_a_line_in_bounded_time() -> None:
    """Shipped files with lines cut, swapped, re-indented, tokens and bad bytes put in: each is
    loaded or refused as FILE:LINE within 2 s, the good card beside it loads, the Draft form's
    check never raises — in a process that may not use more than 1 GiB."""
    import json
    import resource
    import subprocess
    import sys

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (FUZZ_MEMORY, FUZZ_MEMORY))

    run = subprocess.run([sys.executable, "-m", "tests.library_fuzz", str(FUZZ_MUTANTS), "20261203"],
                         cwd=FIXTURES.parents[1], capture_output=True, text=True, timeout=600,
                         preexec_fn=limit_memory)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["mutants"] == FUZZ_MUTANTS
    assert report["failures"] == []
