"""Simulator QA: scripted agent policies played against a customer engine, many times.

A policy writes the agent's next line from the drawn card (its phrase bank first, then
plain lines of the same kind), so every card is exercised the way a trainee would play
it: ``empathetic`` (acknowledge, explore, explain, offer options, next steps),
``factual`` (correct but cold), and the ways it goes wrong. The ``-varied`` policies
(``plays``) make the same moves in words drawn per seed and never use the phrase bank.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from statistics import mean

from .cards import DrawnCard, ScenarioCard
from .customers import CustomerState, SceneContext, customer_engine
from .personas import Persona
from .plays import MOVES_PER_MESSAGE, PLAYS, play_line
from .records import Message, Record

# (drawn card, agent turn, rng, lines used, most words the customer takes in, heard=the customer's
# last line) → the agent's line
Policy = Callable[..., str]
MAX_AGENT_TURNS = 8  # a two-minute act holds about this many exchanges
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)

# Plain lines by behaviour, used when the card's phrase bank has none of that kind.
PLAIN: dict[str, list[str]] = {
    "empathy": ["I can hear how frustrating this is, and I'd feel the same in your place.",
                "That sounds really stressful, especially with everything else going on."],
    "open_question": ["Can you tell me what you were trying to do when this happened?",
                      "What would a good outcome look like for you today?"],
    "summary": ["So what I'm hearing is that this has cost you time and you need it sorted properly.",
                "Let me make sure I have this right: it stopped working and you need it fixed today."],
    "policy": ["Here's how it works and why: {constraint}"],
    "options": ["I can fix this for you right now, or walk you through it so you can do it yourself. "
                "Which would you prefer?",
                "There are two ways forward: I change it on our side today, or we schedule a call tomorrow. "
                "Which suits you?"],
    "next_steps": ["I'll take care of this today and email you a confirmation within the hour.",
                   "Here's what happens next: I'll update your account now and send you a summary by 5pm."],
}
# The moves each policy makes, in order; a move waits for the next message when the
# customer's patience for length would not take it now, and none is skipped.
EMPATHETIC = ("empathy", "apology", "open_question", "summary", "policy", "reassurance", "options",
              "next_steps", "closed_question")
ANSWERS = 0.45  # how close a phrase-bank line must be to the customer's question to answer it
FACTUAL = ("summary", "policy", "options", "next_steps")
DISMISSIVE = ["That's just how it works.", "There's nothing I can do about that.",
              "You'll have to live with it, I'm afraid.", "Is there anything else?", "I can't change that."]
BLAMING = ["You should have checked your settings before contacting us.",
           "You're wrong, that's not how it works.", "This happened because you didn't read the email.",
           "You should have read the terms.", "If you'd followed the instructions this wouldn't happen."]
JARGON = ["Your tenant's SSO config hit a 502 on the edge proxy, so the webhook payload failed the SLA.",
          "It's an idempotency issue in the API; the cron retries exceed the rate limit per OAuth token.",
          "The ticket is P2 in our backlog; engineering will triage the RCA after the deploy."]
RUSHING = ["ok", "done", "checking", "fixed?", "ok anything else"]


def _line(drawn: DrawnCard, behaviour: str, rng: random.Random, used: set[str]) -> str | None:
    bank = [p.line for p in drawn.card.phrase_bank if p.behaviour == behaviour and p.line not in used]
    if behaviour not in PLAIN:
        return bank[0] if bank else None
    plain = [p.format(constraint=drawn.card.constraint) for p in PLAIN[behaviour]]
    return bank[0] if bank else rng.choice([p for p in plain if p not in used] or plain)


def _planned(moves: Sequence[str]) -> Policy:
    def policy(drawn: DrawnCard, turn: int, rng: random.Random, used: set[str], limit: int,
               heard: str = "") -> str:
        pending = [b for b in moves if f"@{b}" not in used] or ["summary", "next_steps"]
        lines: list[str] = []
        answer = _answer_from_bank(drawn, heard, used, warm="empathy" in moves)
        if answer is not None:  # what the customer just asked for comes first
            lines.append(answer)
            used.add(answer)
        for behaviour in pending:
            line = _line(drawn, behaviour, rng, used)
            if line is None:
                used.add(f"@{behaviour}")  # the card has no line of this kind: nothing to say
                continue
            if lines and (len(lines) == MOVES_PER_MESSAGE or len(" ".join([*lines, line]).split()) > limit):
                break
            lines.append(line)
            used.update((line, f"@{behaviour}"))
        return " ".join(lines)
    return policy


def _answer_from_bank(drawn: DrawnCard, heard: str, used: set[str], warm: bool) -> str | None:
    """The unused phrase-bank line closest to what the customer just asked, if it is close
    (a cold policy never answers with a feeling)."""
    bank = [p.line for p in drawn.card.phrase_bank if p.line not in used
            and (warm or p.behaviour not in ("empathy", "apology", "reassurance"))]
    if not bank or "?" not in heard:
        return None
    from .analysis.embedding import static_model

    model = static_model()
    scores = (model.embed(bank) @ model.embed([heard])[0]).tolist()
    best = max(range(len(bank)), key=scores.__getitem__)
    return bank[best] if scores[best] >= ANSWERS else None


def _canned(lines: Sequence[str]) -> Policy:
    def policy(drawn: DrawnCard, turn: int, rng: random.Random, used: set[str], limit: int,
               heard: str = "") -> str:
        return rng.choice(list(lines))
    return policy


def _wrong_facts(drawn: DrawnCard, turn: int, rng: random.Random, used: set[str], limit: int,
                 heard: str = "") -> str:
    amount = rng.choice(["$37.50", "$2,910", "3 seats", "45 days"])
    return rng.choice([f"Your account shows {amount}, that's what we have on file.",
                       f"I can see {amount} here, so that's the correct figure.",
                       f"It's {amount}, I've checked twice."])


def _varied(play: str) -> Policy:
    def policy(drawn: DrawnCard, turn: int, rng: random.Random, used: set[str], limit: int,
               heard: str = "") -> str:
        return play_line(play, drawn, rng, used, limit, heard)
    return policy


POLICIES: dict[str, Policy] = {
    "empathetic": _planned(EMPATHETIC),
    "factual": _planned(FACTUAL),
    "dismissive": _canned(DISMISSIVE),
    "blaming": _canned(BLAMING),
    "jargon": _canned(JARGON),
    "wrong-facts": _wrong_facts,
    "rushing": _canned(RUSHING),
    **{name: _varied(name) for name in PLAYS},
}


@dataclass(frozen=True)
class Run(Record):
    card: str
    policy: str
    seed: int
    outcome: str  # resolved | escalated | abandoned (a scene that runs out of turns is abandoned)
    agent_turns: int
    trust: float
    moods: list[float]
    transcript: list[tuple[str, str]]


@dataclass(frozen=True)
class Summary(Record):
    card: str
    policy: str
    runs: int
    resolved: int
    escalated: int
    abandoned: int
    mean_turns: float  # agent turns until the scene ended
    mean_trust: float
    mood: list[float]  # mean mood after each turn

    def brief(self) -> dict:
        return {k: getattr(self, k) for k in ("card", "policy", "runs", "resolved", "escalated", "abandoned",
                                               "mean_turns")}


def play(card: ScenarioCard, persona: Persona, policy: str, seed: int, engine: str = "embedded") -> Run:
    """One scene: the policy's agent lines against the engine, until it ends or time is up."""
    scene = SceneContext.of(card.draw(seed), persona, seed)
    transcript, state = play_out(scene, policy_agent(scene, policy), engine)
    agent_turns = sum(1 for m in transcript if m.speaker == "agent")
    return Run(card.id, policy, seed, state.outcome or "abandoned", agent_turns, state.trust,
               list(state.history), [(m.speaker, m.text) for m in transcript])


# The transcript so far → the agent's next line (None: it has nothing more to say).
Agent = Callable[[Sequence[Message]], str | None]


def play_out(scene: SceneContext, agent: Agent, engine: str = "embedded"
             ) -> tuple[list[Message], CustomerState]:
    """The customer opens; then agent line, customer reply, until the customer ends the scene,
    the agent has nothing more to say, or the act's time (``MAX_AGENT_TURNS``) is up."""
    customer = customer_engine(engine)
    turn = customer.open(scene).finish()
    state: CustomerState = turn.state
    transcript = [_message(0, "customer", turn.text)]
    for _ in range(MAX_AGENT_TURNS):
        line = None if state.ended else agent(transcript)
        if line is None:
            break
        transcript.append(_message(len(transcript), "agent", line))
        turn = customer.respond(scene, state, transcript).finish()
        state = turn.state
        transcript.append(_message(len(transcript), "customer", turn.text))
    return transcript, state


def policy_agent(scene: SceneContext, policy: str) -> Agent:
    """The agent a named policy plays, for one scene."""
    drawn, persona = scene.drawn, scene.persona
    rng = random.Random(f"agent:{drawn.card.id}:{scene.seed}")
    used: set[str] = set()
    limit = persona.preferred_reply_words[1]

    def agent(transcript: Sequence[Message]) -> str:
        turn = sum(1 for m in transcript if m.speaker == "agent")
        return POLICIES[policy](drawn, turn, rng, used, limit, heard=transcript[-1].text)

    return agent


def simulate(cards: Sequence[ScenarioCard], personas: dict[str, Persona], policies: Sequence[str],
             runs: int, seed: int = 0, engine: str = "embedded") -> list[Summary]:
    out = []
    for card in cards:
        for policy in policies:
            played = [play(card, personas[card.persona], policy, seed + i, engine) for i in range(runs)]
            longest = max(len(r.moods) for r in played)
            mood = [round(mean(r.moods[min(i, len(r.moods) - 1)] for r in played), 2) for i in range(longest)]
            out.append(Summary(
                card.id, policy, runs, *(sum(r.outcome == o for r in played)
                                         for o in ("resolved", "escalated", "abandoned")),
                round(mean(r.agent_turns for r in played), 2), round(mean(r.trust for r in played), 2), mood))
    return out


def _message(index: int, speaker: str, text: str) -> Message:
    return Message(id=index + 1, index=index, branch="sim", speaker=speaker, text=text, at=_EPOCH)
