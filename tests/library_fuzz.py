"""Random damage to the shipped cards and rubric, each damaged file loaded beside good ones.

    python -m tests.library_fuzz [mutants] [seed]

Every mutant must either load or be refused as FILE:LINE: reason, in bounded time, with the
rest of the library loading; the card form's check (the same text typed into the Draft form)
must never raise either. Prints one JSON object: mutants tried, the slowest load, and every
failure. The test runs it in a process with a memory limit (tests/test_hostile_cards.py).
"""

from __future__ import annotations

import json
import logging
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from facilitation import Library
from facilitation.drafts import check_card_text

ROOT = Path(__file__).resolve().parents[1]
CARDS = sorted((ROOT / "scenario_cards").glob("*.yaml"))
RUBRICS = sorted((ROOT / "rubrics").glob("*.yaml"))
MAX_SECONDS = 2.0  # one load of a two-card library with a damaged file

TOKENS = ["&a ", "*a", "*nope", "[", "]", "{", "}", "? ", ": ", "- ", "\t", "\0", "'", '"', "|", ">-",
          "!!python/object/apply:os.system ['true']", "%YAML 1.1\n", "---\n", "...\n", "\ufeff", "\u202e",
          "9" * 300, "~", "null", "yes", "<<: *a\n", "&b [*b]", "{a: &c [*c]}", "\\x00", "#", "@", "`",
          "1e400", "-.inf", ".nan", "0x1F", "2026-13-45", "!!binary AAAA", "é", "\U0001f600", "\r", "\x85"]
VALUES = ["[]", "{}", "null", "123456789", "-1", "0", "true", "x" * 5000, "1e308", "[[[[[[]]]]]]",
          "'unterminated", "{a: 1, a: 2}", "*a", "&z [*z]"]


def mutate(text: str, rng: random.Random) -> bytes:
    """One to three kinds of damage a copy-paste, an editor or a hostile writer could do."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i] * rng.choice([1, 2, 50]))
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + rng.choice(TOKENS) + lines[i][cut:]
        elif op == 4:
            lines[i] = (" " * rng.choice([1, 2, 4]) + lines[i]) if rng.random() < 0.5 else lines[i].lstrip()
        elif op == 5 and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + rng.choice(VALUES)
        elif op == 6:
            lines = lines[:i]  # truncated
            if not lines:
                lines = [""]
        else:
            lines[i] = "\n".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 6)))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:  # a byte an editor or a disk got wrong: perhaps no longer UTF-8
        at = rng.randrange(len(data) or 1)
        data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    return data


def check_one(data: bytes, kind: str, source: Path, folder: Path) -> tuple[float, str | None]:
    """Load the mutant beside good files; the time taken and what went wrong, if anything."""
    cards, rubrics = folder / "cards", folder / "rubrics"
    for d in (cards, rubrics):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    shutil.copy(RUBRICS[0], rubrics)
    good = CARDS[0] if source != CARDS[0] else CARDS[1]
    shutil.copy(good, cards)
    target = (rubrics if kind == "rubric" else cards) / f"mutant-{source.name}"
    if kind == "rubric":
        (rubrics / RUBRICS[0].name).unlink()
    target.write_bytes(data)
    started = time.perf_counter()
    try:
        lib = Library.load(cards_dir=cards, rubrics_dir=rubrics)
        if kind == "card":
            text = data.decode("utf-8", "replace")
            check_card_text(text, lib)  # the Draft form reads the same text
    except BaseException as error:  # any escape is the failure being looked for
        return time.perf_counter() - started, f"raised {type(error).__name__}: {str(error)[:200]}"
    took = time.perf_counter() - started
    mine = [str(p) for p in lib.errors if str(p).startswith(str(target))]
    unlocated = [p for p in mine if not re.match(rf"{re.escape(str(target))}:\d+: \S", p)]
    if unlocated:
        return took, f"refused without a line: {unlocated[0][:200]}"
    ids = lib.rubrics if kind == "rubric" else lib.cards
    loaded = any(lib.sources.get((kind, i)) == target for i in ids)
    if not loaded and not mine:
        return took, "neither loaded nor refused"
    if kind == "card" and good.stem not in lib.cards and lib.rubrics:
        return took, f"the good card {good.stem} did not load beside it"
    return took, None


def main(count: int = 300, seed: int = 1) -> dict[str, object]:
    logging.disable(logging.WARNING)  # each refusal is logged as well; the report below lists failures
    rng = random.Random(seed)
    sources = [("card", p) for p in CARDS] + [("rubric", p) for p in RUBRICS] * 6
    failures, slowest = [], 0.0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for n in range(count):
            kind, source = rng.choice(sources)
            data = mutate(source.read_text(encoding="utf-8"), rng)
            took, problem = check_one(data, kind, source, folder)
            slowest = max(slowest, took)
            if took > MAX_SECONDS:
                problem = problem or f"took {took:.1f} s"
            if problem:
                failures.append({"mutant": n, "source": source.name, "problem": problem,
                                 "head": data[:300].decode("utf-8", "replace")})
    return {"mutants": count, "seed": seed, "slowest_s": round(slowest, 3), "failures": failures}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(main(*args)))
