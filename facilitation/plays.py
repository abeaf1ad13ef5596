"""Agent plays written from a grammar: the same moves in different words every seed.

The phrase-bank policies in ``simulate`` say the card's own lines, so a customer that had
learned the script would pass them. These never touch the phrase bank: each move —
acknowledge, explore, explain with the card's facts, offer options, commit to a next
step, and the ways it goes wrong (blame, dismissal, jargon, wrong figures) — is built
from interchangeable parts drawn per seed, so two runs rarely say the same sentence.
Facts are explained the way a trainee reads them off their screen: the fact inside a
frame of their own, or its figures with a cause of the trainee's making when wrong.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import Any

from .analysis.quantities import quantities
from .cards import DrawnCard

OPENERS = ["", "Oh no, ", "Ugh, ", "Honestly, ", "Okay, ", "Right, ", "Gosh, "]
FEELINGS = [
    "that sounds really frustrating",
    "I can see why that's upsetting",
    "that must be stressful",
    "I'd be annoyed too if that happened to me",
    "that's a horrible surprise to get",
    "I completely understand why you're worried",
    "no wonder you're upset",
    "that's a lot to deal with",
    "I hear how worrying this is",
    "that sounds like a rough morning",
]
FEELING_TAILS = [
    "",
    ", and I want to get it sorted with you",
    ", and I'm going to help you fix it",
    ", and we'll work through it together",
    ", and I'm on it",
]
APOLOGIES = [
    "I'm really sorry this happened.",
    "I'm sorry you've had to chase this.",
    "I'm sorry this landed on you today.",
    "I'm sorry it's come to this.",
]
QUESTIONS = [
    "Can you walk me through what happened?",
    "What have you noticed so far?",
    "What would help you most today?",
    "Could you tell me a bit more about what you're seeing?",
    "What's the most pressing part of this for you?",
    "How did you first notice it?",
    "What matters most to you in sorting this out?",
]
FRAMES = [
    "Here's what I can see: {s}",
    "Looking at your account, {s}",
    "So what happened is this: {s}",
    "The short version: {s}",
    "From what I can see here, {s}",
    "{S}",
    "I've checked, and {s}",
    "Let me explain: {s}",
]
CHOICES = [
    "send you a written summary of all this",
    "walk you through it step by step now",
    "set up an alert so this doesn't catch you out again",
    "book a quick call with a specialist",
    "put it all in an email you can forward",
    "make the change on our side right now",
]
OPTION_FRAMES = [
    "I can {a}, or {b}. Which would you prefer?",
    "There are two ways we can go: {a}, or {b}. What works better for you?",
    "Would you rather I {a}, or {b}?",
    "Either I {a}, or I {b}. Your call.",
]
ACTS = [
    "email you a summary",
    "send you the written breakdown",
    "follow up with you personally",
    "update your account",
    "set that up",
    "confirm it in writing",
]
WHENS = [
    "within the hour",
    "by the end of today",
    "in the next 15 minutes",
    "before 5pm",
    "first thing tomorrow",
    "right after this chat",
]
COMMIT_FRAMES = [
    "I'll {act} {when}, and I'll {act2} too.",
    "Next step: I'll {act} {when}.",
    "Here's the plan: I'll {act} {when}, and you'll get a confirmation.",
    "I'm going to {act} {when} so you have it in writing.",
]
BLAME = [
    "You should have checked this before it happened.",
    "This happened because you changed the settings.",
    "If you had read our emails, this wouldn't be a problem.",
    "That's really on your side, not ours.",
    "You agreed to this when you signed up.",
    "Honestly, this is down to how you set things up.",
]
DISMISS = [
    "There isn't much I can do about that.",
    "That's just how the system works.",
    "I can't change that, sorry.",
    "It is what it is.",
    "You'll have to accept it, I'm afraid.",
    "Is there anything else I can help with?",
    "That's standard, nothing unusual there.",
]
JARGON_FRAMES = [
    "It's a {j1} issue on the {j2}, so the {j3} applies.",
    "Basically the {j1} conflicted with the {j2} during the {j3}.",
    "Per the {j1}, the {j2} is handled by the {j3}.",
]
GENERIC_JARGON = [
    "SLA",
    "tenant config",
    "provisioning delta",
    "backend sync",
    "SKU mapping",
    "ticket queue",
    "escalation tier",
    "billing cycle",
    "API quota",
    "ToS",
]
GLOSSES = [
    "In other words, the number that matters is {value}.",
    "Put simply, it comes down to {value}.",
    "In plain terms: {value}.",
    "That means {value} is the key figure.",
]
WRONG_CAUSES = [
    "It's because of a price rise of {p}% that started this month.",
    "There's a {m} service fee that applies to every account now.",
    "The system added a one-off {m} adjustment for your region.",
    "Your plan was moved to a new tier, which costs {m} more.",
]

# (drawn card, rng, what has been said, the customer's last line) → one move's words
Move = Callable[[DrawnCard, random.Random, set[str], str], str]


def acknowledge(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    text = f"{rng.choice(OPENERS)}{rng.choice(FEELINGS)}{rng.choice(FEELING_TAILS)}."
    return text[0].upper() + text[1:]


def apologise(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    return rng.choice(APOLOGIES)


def explore(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    return rng.choice([q for q in QUESTIONS if q not in used] or QUESTIONS)


def explain(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    """The untold fact that answers what the customer just asked (else the next on the
    agent's screen), in a frame of the trainee's own."""
    untold = [f for f in drawn.card.facts if f"@fact:{f.id}" not in used]
    if not untold:
        return ""
    fact = _answering(untold, heard) or untold[0]
    used.add(f"@fact:{fact.id}")
    statement = fact.statement.strip()
    frame = rng.choice(FRAMES)
    line = frame.format(
        s=statement[0].lower() + statement[1:] if not _starts_with_name(statement) else statement, S=statement
    )
    if fact.value and _jargon_in(drawn, statement):  # a careful trainee glosses the card's terms
        line += f" {rng.choice(GLOSSES).format(value=fact.value)}"
    return line


def explain_wrongly(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    """A fact with its figures changed, or a cause of the trainee's invention."""
    distorted = [d for f in drawn.card.facts if (d := _distort(f.statement, rng)) != f.statement]
    if distorted and rng.random() < 0.5:
        wrong = rng.choice(distorted)
        return rng.choice(FRAMES).format(s=wrong[0].lower() + wrong[1:], S=wrong)
    money = rng.choice(["$250", "$89", "$412.50", "$1,175", "€140"])
    return rng.choice(WRONG_CAUSES).format(p=rng.choice([15, 25, 40]), m=money)


def offer(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    a, b = rng.sample(CHOICES, 2)
    return rng.choice(OPTION_FRAMES).format(a=a, b=b)


def commit(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    act, act2 = rng.sample(ACTS, 2)
    return rng.choice(COMMIT_FRAMES).format(act=act, act2=act2, when=rng.choice(WHENS))


def blame(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    return rng.choice(BLAME)


def dismiss(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    return rng.choice(DISMISS)


def jargon(drawn: DrawnCard, rng: random.Random, used: set[str], heard: str = "") -> str:
    terms = list(dict.fromkeys([*drawn.card.jargon, *GENERIC_JARGON]))
    j1, j2, j3 = rng.sample(terms, 3)
    return rng.choice(JARGON_FRAMES).format(j1=j1, j2=j2, j3=j3)


MOVES: dict[str, Move] = {
    "acknowledge": acknowledge,
    "apologise": apologise,
    "explore": explore,
    "explain": explain,
    "explain_wrongly": explain_wrongly,
    "offer": offer,
    "commit": commit,
    "blame": blame,
    "dismiss": dismiss,
    "jargon": jargon,
}
# Each play's moves, in order; each "explain" tells one fact not yet told.
PLAYS: dict[str, tuple[str, ...]] = {
    "good-varied": ("acknowledge", "explore", "explain", "explain", "offer", "explain", "commit"),
    "factual-varied": ("explain", "explain", "offer", "explain", "commit"),
    "wrong-facts-varied": ("acknowledge", "explore", "explain_wrongly", "explain_wrongly", "offer", "commit"),
    "blaming-varied": ("blame",),
    "dismissive-varied": ("dismiss",),
    "jargon-varied": ("jargon",),
}
MOVES_PER_MESSAGE = 2  # a message holds at most this many moves (the phrase-bank policies too)


def play_line(
    play: str, drawn: DrawnCard, rng: random.Random, used: set[str], limit: int, heard: str = ""
) -> str:
    """The agent's next message for ``play``: up to two moves that fit the customer's patience."""
    moves = PLAYS[play]
    if len(moves) == 1:
        return MOVES[moves[0]](drawn, rng, used, heard)
    parts: list[str] = []
    for marker, move in _pending(moves, drawn, used):
        if len(parts) >= MOVES_PER_MESSAGE:
            break
        line = MOVES[move](drawn, rng, used, heard)
        if not line:
            used.add(marker)
            continue
        if parts and len(" ".join([*parts, line]).split()) > limit:
            if move == "explain":
                _untell(line, drawn, used)
            break
        parts.append(line)
        used.add(marker)
    return " ".join(parts) or MOVES["commit"](drawn, rng, used, heard)


def _pending(moves: Sequence[str], drawn: DrawnCard, used: set[str]) -> list[tuple[str, str]]:
    """The moves still to make, each with its marker; "explain" once per fact not yet told."""
    out: list[tuple[str, str]] = []
    for i, move in enumerate(moves):
        marker = f"@{move}#{i}"
        if marker in used:
            continue
        if move != "explain" or any(f"@fact:{f.id}" not in used for f in drawn.card.facts):
            out.append((marker, move))
    return out


def _untell(line: str, drawn: DrawnCard, used: set[str]) -> None:
    """A fact line that did not fit waits for the next message."""
    for fact in drawn.card.facts:
        if fact.statement.strip()[1:] in line:
            used.discard(f"@fact:{fact.id}")


def _distort(statement: str, rng: random.Random) -> str:
    """The statement with each of its figures changed to one the card does not hold."""
    out, last = [], 0
    for q in quantities(statement):
        if q.small or q.kind == "date":
            continue
        factor = rng.choice([1.37, 0.61, 1.85, 2.6])
        value = q.value * factor
        text = q.text
        number = re.search(r"\d[\d,]*(?:\.\d+)?", text)
        if number is None:
            continue
        rendered = f"{value:,.2f}" if "." in number.group(0) else f"{round(value):,}"
        if rendered.replace(",", "") == number.group(0).replace(",", ""):
            rendered = f"{round(value) + 7:,}"
        out.append(statement[last : q.start] + text[: number.start()] + rendered + text[number.end() :])
        last = q.end
    return "".join(out) + statement[last:]


def _answering(facts: Sequence[Any], heard: str) -> Any:
    """The fact closest to what the customer just said, if close enough (a question needs
    less closeness than a remark)."""
    if not heard.strip():
        return None
    from .analysis.embedding import static_model
    from .analysis.facts import terms

    model = static_model()
    asked = terms(heard)
    scores = model.embed([f.statement for f in facts]) @ model.embed([heard])[0]
    ranked = sorted(
        zip(scores.tolist(), facts, strict=True),
        key=lambda p: -(p[0] + 0.1 * len(asked & terms(p[1].statement))),
    )
    return ranked[0][1] if ranked[0][0] >= (0.3 if "?" in heard else 0.45) else None


def _jargon_in(drawn: DrawnCard, text: str) -> bool:
    low = text.lower()
    return any(term.lower() in low for term in [*drawn.card.jargon, "API", "SSO", "SLA"])


def _starts_with_name(text: str) -> bool:
    first = text.split(" ", 1)[0]
    return first[:1].isupper() and (first.isupper() or any(c.isdigit() for c in first) or first in ("I",))
