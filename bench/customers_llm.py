"""LLM customer overhead: time to the first shown chunk of ``OpenAICustomer.respond`` against a bare
``openai`` streaming call, both on the same local fake server (tests/openai_server.py).

    python bench/customers_llm.py [calls]

The engine's extra work per turn is the analyser's judgement, the system prompt, the reader
thread and the screen that strips control tags; the aim is at most 20 ms at the median.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitation import Library  # noqa: E402
from facilitation.customers import SceneContext  # noqa: E402
from facilitation.customers.llm import OpenAICustomer, chat_messages, system_prompt  # noqa: E402
from facilitation.customers.state import starting_state  # noqa: E402
from facilitation.records import Message  # noqa: E402
from tests.openai_server import Answer, FakeOpenAI, closed_port_url  # noqa: E402

CALLS = 50
MODEL = "bench-model"
REPLY = ("Why", " was I", " charged", " double", " this month?")
AGENT = "I'm sorry, that sounds stressful. Could you tell me what changed on your account recently?"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"


def bare_first_chunk(client: object, messages: list[dict[str, str]]) -> float:
    started = time.perf_counter()
    stream = client.chat.completions.create(model=MODEL, messages=messages, stream=True)  # type: ignore[attr-defined]
    first = None
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - started
    assert first is not None
    return first


def engine_first_chunk(engine: OpenAICustomer, scene: SceneContext, transcript: list[Message]) -> float:
    started = time.perf_counter()
    turn = engine.respond(scene, starting_state(engine.name, scene.persona), transcript)
    chunks = iter(turn)
    next(chunks)
    first = time.perf_counter() - started
    for _ in chunks:
        pass
    assert turn.state.notice is None, turn.state.notice
    return first


def main() -> None:
    import openai

    calls = int(sys.argv[1]) if len(sys.argv) > 1 else CALLS
    library = Library.load()
    drawn = library.card("frustrated-billing-customer").draw(3)
    scene = SceneContext.of(drawn, library.personas[drawn.card.persona], 3)
    lines = [("customer", "Why did my bill double?"), ("agent", AGENT)]
    transcript = [Message(id=i, index=i, branch="main", speaker=who, text=text, at=datetime.now(timezone.utc))
                  for i, (who, text) in enumerate(lines)]
    state = starting_state("openai", scene.persona)
    messages = [{"role": "system", "content": system_prompt(scene, state, None)}, *chat_messages(transcript)]
    with FakeOpenAI(Answer(chunks=REPLY), model=MODEL) as server:
        client = openai.OpenAI(api_key="not-needed", base_url=server.url, max_retries=0, timeout=5.0)
        engine = OpenAICustomer(model=MODEL, base_url=server.url)
        bare_first_chunk(client, messages)  # warm: connections, the analyser's models
        engine_first_chunk(engine, scene, transcript)
        bare, ours = [], []
        for _ in range(calls):  # interleaved, so drift hits both alike
            bare.append(bare_first_chunk(client, messages))
            ours.append(engine_first_chunk(engine, scene, transcript))
    print(f"time to first chunk over {calls} calls each")
    print(f"  bare openai stream:     {percentiles(bare)}")
    print(f"  OpenAICustomer.respond: {percentiles(ours)}")
    overhead = statistics.median(ours) - statistics.median(bare)
    print(f"  overhead at the median: {overhead * 1000:.2f} ms (aim <= 20 ms)")

    url = closed_port_url()
    OpenAICustomer(model=MODEL, base_url=url).respond(scene, state, transcript).finish()  # warm-up
    refused = OpenAICustomer(model=MODEL, base_url=url)
    started = time.perf_counter()
    turn = refused.respond(scene, state, transcript).finish()
    print(f"fallback on a refused connection, first turn of a new engine (client built): "
          f"{(time.perf_counter() - started) * 1000:.1f} ms "
          f"({turn.state.notice})")


if __name__ == "__main__":
    main()
