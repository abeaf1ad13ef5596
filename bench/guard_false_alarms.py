"""How often the LLM customer's guard refuses what real customers write.

    python bench/guard_false_alarms.py [lines]

Customer messages from ../shared/eval/analysis-dev.jsonl (complaints on social media, task
dialogues; evaluation only, read in place) are people writing in their own words, in many
registers: each is checked by the guard of every shipped card's opening scene, the echo of
that scene's real system prompt included. A refusal here is a false alarm (the room would
see the offline customer take over a good line); the figure to keep low is the refused share
per reason. "said a fact the agent has not given" counts lines holding a number or name that
happens to equal one of a card's hidden values: in that card's scene it is the leak the check
is there for, so it is printed apart. The catch rate is pinned by tests/test_llm_customer.py.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitation import Library  # noqa: E402
from facilitation.customers import SceneContext  # noqa: E402
from facilitation.customers.guard import Guard  # noqa: E402
from facilitation.customers.llm import scene_guard, system_prompt  # noqa: E402
from facilitation.customers.state import starting_state  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "analysis-dev.jsonl"
LINES = 3000


def customer_lines(limit: int) -> list[str]:
    by_source: dict[str, list[str]] = defaultdict(list)
    with DATA.open(encoding="utf-8") as f:
        for row in map(json.loads, f):
            if row["role"] == "customer" and row["text"].strip():
                by_source[row["source"]].append(row["text"])
    share = limit // len(by_source)
    return [line for lines in by_source.values() for line in lines[:share]]


def scene_guards(library: Library) -> list[Guard]:
    guards = []
    for template in library.cards.values():
        drawn = template.draw(1)
        scene = SceneContext.of(drawn, library.personas[drawn.card.persona], 1)
        state = starting_state("openai", scene.persona)
        guards.append(scene_guard(scene, state, system_prompt(scene, state, None)))
    return guards


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else LINES
    if not DATA.exists():
        sys.exit(f"no evaluation data at {DATA}")
    lines = customer_lines(limit)
    guards = scene_guards(Library.load())
    reasons: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    started = time.perf_counter()
    for line in lines:
        for guard in guards:
            why = guard.reason(line, complete=True)
            if why is not None:
                reasons[why] += 1
                if len(examples[why]) < 3 and line not in examples[why]:
                    examples[why].append(line)
    took = time.perf_counter() - started
    checks = len(lines) * len(guards)
    refused = sum(reasons.values())
    print(f"{len(lines)} customer lines × {len(guards)} card guards = {checks} checks "
          f"({took / checks * 1e6:.0f} µs a check)")
    print(f"refused: {refused} ({refused / checks:.2%})")
    for why, count in reasons.most_common():
        print(f"  {why}: {count} ({count / checks:.2%})")
        for line in examples[why]:
            print(f"      e.g. {line[:110]!r}")


if __name__ == "__main__":
    main()
