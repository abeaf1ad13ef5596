"""Live hints for the agent during the act: one short coaching cue at a time, from the
analyser's reading of the conversation so far. A facilitator may switch them off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .analysis import Analyser
from .records import Message, Record
from .scoring import VOICED_INTENSITY, VOICED_SENTIMENT

SHORT_ON_TIME = 40  # seconds of act left when an open ending earns a nudge
ANGRY = 0.6  # intensity from which "frustrated" undersells it


@dataclass(frozen=True)
class Hint(Record):
    text: str
    rule: str  # the rule that fired, in words a participant can read
    message: int  # the transcript message (from 1) the hint responds to


def next_hint(transcript: Sequence[Message], analyser: Analyser,
              remaining: float | None = None) -> Hint | None:
    """The most useful cue now, or None when the agent is doing fine."""
    if not transcript:
        return None
    last = transcript[-1]
    number = len(transcript)
    agent_lines = [m for m in transcript if m.speaker == "agent"]
    readings = {m.id: analyser.analyse(m.text, "agent") for m in agent_lines[-3:]}

    def shows(m: Message, behaviour: str) -> bool:
        return readings[m.id].shows(behaviour)

    if last.speaker != "agent":
        mood = analyser.analyse(last.text, "customer")
        if mood.sentiment <= VOICED_SENTIMENT or mood.intensity >= VOICED_INTENSITY:
            word = "angry" if mood.intensity >= ANGRY else "frustrated"
            return Hint(f"Customer sounds {word} — acknowledge the feeling first.",
                        "the customer's last message reads negative or heated", number)
    if agent_lines:
        mine = agent_lines[-1]
        where = transcript.index(mine) + 1
        reading = readings[mine.id]
        if shows(mine, "blame"):
            return Hint("That can sound like blame — own the next step instead: “Let me look into "
                        "what happened.”", "your last reply reads as blaming or defensive", where)
        if shows(mine, "jargon"):
            terms = ", ".join(f"“{q}”" for q in dict.fromkeys(reading.quotes(mine.text, "jargon")))
            return Hint(f"{terms} may be new to this customer — say it in plain words.",
                        "your last reply uses technical terms", where)
        if shows(mine, "long_message"):
            return Hint("Shorter: this customer takes in a few sentences at a time.",
                        f"your last reply has {reading.words} words", where)
        if shows(mine, "overpromise"):
            return Hint("Promise only what you control — say what you will do and when.",
                        "your last reply promises an outcome", where)
    # any real question counts here, even one that closes a longer reply (the "question"
    # behaviour itself is for a reply whose point is the asking)
    if len(agent_lines) >= 2 and not any(shows(m, q) for m in agent_lines[-2:]
                                         for q in ("question", "open_question", "closed_question")):
        return Hint("Ask an open question to learn what matters most to them.",
                    "no question in your last two replies", number)
    if (remaining is not None and remaining <= SHORT_ON_TIME and agent_lines
            and not any(shows(m, "next_steps") for m in agent_lines[-3:])):
        return Hint("Time is short — agree who does what by when.",
                    f"{remaining:.0f} s of the act left and no next step yet", number)
    return None
