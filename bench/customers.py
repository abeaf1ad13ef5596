"""The embedded customer's per-turn latency, analysis included, over every card and policy.

    python bench/customers.py [--runs N]

The LLM customer's first-chunk overhead is measured by bench/customers_llm.py against a
local OpenAI-compatible server.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

from facilitation import Library
from facilitation.customers import SceneContext, customer_engine
from facilitation.records import Message
from facilitation.simulate import POLICIES, play

AT = datetime(2026, 1, 1, tzinfo=timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per card and policy")
    args = parser.parse_args()
    lib = Library.load()
    engine = customer_engine("embedded")
    timings: list[float] = []
    for card in lib.cards.values():
        persona = lib.personas[card.persona]
        for policy in POLICIES:
            for seed in range(args.runs):
                run = play(card, persona, policy, seed)  # the agent lines this policy writes
                scene = SceneContext.of(card.draw(seed), persona, seed)
                state = engine.open(scene).finish().state
                transcript: list[Message] = []
                for i, (speaker, text) in enumerate(run.transcript):
                    transcript.append(Message(i + 1, i, "b", speaker, text, AT))
                    if speaker != "agent":
                        continue
                    started = time.perf_counter()
                    state = engine.respond(scene, state, transcript).finish().state
                    timings.append(time.perf_counter() - started)
    timings.sort()
    pick = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))] * 1000  # noqa: E731
    print(f"embedded customer: {len(timings)} turns over {len(lib.cards)} cards × {len(POLICIES)} policies; "
          f"per turn p50 {pick(0.5):.2f} ms, p95 {pick(0.95):.2f} ms, max {timings[-1] * 1000:.2f} ms "
          "(analysis of the agent's message included)")


if __name__ == "__main__":
    main()
