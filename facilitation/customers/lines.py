"""The embedded customer's words: the card's lines first, then the persona's, then the channel's.

Every line passes ``SceneKnowledge.speakable`` (the customer never says a number or a
name of the card's facts that the agent has not said), none repeats in a scene, and of
the lines that fit, the one closest in meaning to what the agent just said is preferred,
so the reply answers the message rather than the script.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

# Reactions that belong to no persona in particular; a persona's own come first.
ANGERED = {
    "blame": ["So it's my fault now?", "Don't put this on me.", "I did nothing wrong here."],
    "jargon": [
        "I don't know what {term} means.",
        "Can you say that without the jargon? What's {term}?",
        "You lost me at {term}.",
    ],
    "policy": ["I don't want to hear policy right now.", "Quoting rules at me doesn't fix anything."],
    "long_message": [
        "That's a lot of text. What's the bottom line?",
        "I can't read an essay right now.",
        "Can you give me the short version?",
    ],
    "overpromise": ["How can you be sure of that?", "You can promise that? In writing?"],
    "pleasantries": ["Can we skip the niceties?", "Let's get to the point, please."],
    "scripted_apology": ["That sounds like a script.", "Please don't give me the standard line."],
    "basics": [
        "Yes, I've already restarted. Twice.",
        "I've done the basics already. Please read what I wrote.",
        "Obviously I tried that first.",
    ],
    "many_steps": ["That's a lot of steps at once. Where do I start?", "Can we go one step at a time?"],
}
CALMED = {
    "options": ["Good to have a choice.", "Okay, let me think about those.", "Alright, that's fair."],
    "next_steps": ["Okay, good.", "Alright, thank you.", "Okay, that helps."],
    "summary": ["Yes, exactly.", "Right, that's it."],
    "open_question": ["Sure, let me explain.", "Well, since you ask."],
    "reassurance": ["Okay, that helps.", "That's a relief."],
}
CORRECTION = [
    "Wait, {quote}? That's not what I have in front of me.",
    "Hold on, {quote} doesn't add up.",
    "Are you looking at my account? {quote} isn't right.",
]
CLARIFY = [
    "Sorry, what does that mean for me?",
    "Can you be more specific?",
    "And? What happens now?",
    "I'm not sure I follow. Can you explain?",
]
REPEATED = ["You already asked me that.", "I just told you that.", "Didn't I answer that already?"]
COPIED = [
    "You sent me that exact message already.",
    "That's word for word what you wrote before. Are you even reading my replies?",
    "I read that the first time. Is someone actually there?",
]
WHAT_NOW = [
    "So what can you do about it?",
    "Okay. So what happens now?",
    "Fine. What are my options?",
    "Right. And what do we do now?",
]
PENDING = [
    "And what about what I asked before?",
    "That still leaves my other question.",
    "You haven't answered what I asked, though.",
]
STILL_WAITING = [
    "So what happens now?",
    "I still need an answer on this.",
    "Where does that leave me?",
    "Can you tell me what's actually going on?",
]
DISCOVERED = [
    "Okay, so that's where it comes from.",
    "Ah. Right, that explains it.",
    "Oh. I didn't know that.",
]
RESOLVED = [
    "Okay, thank you. That's what I needed.",
    "Great, thanks for sorting this out.",
    "Thanks, that works for me.",
]
GRUDGING = ["Fine. I guess that's correct.", "Okay. Not thrilled, but fine.", "Alright, if that's how it is."]
ESCALATE = [
    "I want to speak to a manager.",
    "I'm escalating this.",
    "We're done here. Get me someone senior.",
]
ABANDON = ["This isn't going anywhere. Goodbye.", "Forget it. I'll sort it out myself."]
# What a customer adds as it leaves, by channel: the same exit sounds different on the phone.
CHANNEL_EXIT = {
    "chat": ["I'm closing this chat.", "Closing the window now.", "I'll try email instead."],
    "email": [
        "Don't expect a reply to this thread.",
        "I'll write to your sales team instead.",
        "I'm not replying to this again.",
    ],
    "phone": ["I'm hanging up now.", "I'll call back when someone else is on.", "Goodbye."],
    "social": [
        "Everyone can see how this went.",
        "I'll post an update about how this was handled.",
        "I'm done replying here.",
    ],
    "video": ["I'm leaving the call.", "I'm dropping off now.", "Let's end the call here."],
}
CHANNEL_ESCALATE = {
    "chat": ["Transfer this chat.", "Can you put a supervisor in this chat?"],
    "email": ["I'm copying in your head of support.", "Forward this to your manager."],
    "phone": ["Transfer me, please.", "Put me on to your manager."],
    "social": ["I'll be tagging your CEO in this.", "Maybe a public post gets a manager's attention."],
    "video": ["Bring your manager onto the call.", "I want someone senior on this call."],
}
NUDGE_OPENERS = {
    "frustrated-user": "And another thing: ",
    "technical-user": "One more thing: ",
    "confused-new-user": "Oh, and sorry, one more thing: ",
    "busy-executive": "Also: ",
}
_THIRD_TO_FIRST = (
    (r"^now wants\b", "I now want"),
    (r"^wants\b", "I want"),
    (r"^needs\b", "I need"),
    (r"^is now\b", "I'm now"),
    (r"^is\b", "I'm"),
    (r"^has just\b", "I've just"),
    (r"^has switched\b", "I've switched"),
    (r"^has\b", "I have"),
    (r"^just\b", "I just"),
    (r"^now\b", "I now"),
    (r"^can\b", "I can"),
    (r"^would\b", "I would"),
    (r"^doesn't\b", "I don't"),
    (r"^does not\b", "I do not"),
)

def in_own_words(text: str, persona: str) -> str:
    """A facilitator's nudge ("Wants to speak to a manager.") as the customer would say it."""
    line = text.strip().rstrip(".")
    low = line[:1].lower() + line[1:]
    for pattern, first in _THIRD_TO_FIRST:
        if re.match(pattern, low, re.IGNORECASE):
            low = re.sub(pattern, first, low, count=1, flags=re.IGNORECASE)
            break
    else:
        if not re.match(r"^(?:i|i'm|i've|my|we|our|can|could|please)\b", low, re.IGNORECASE):
            low = "I need this: " + low
    low = _first_person(low)
    body = "I" + low[1:] if re.match(r"i\b", low, re.IGNORECASE) else low[:1].lower() + low[1:]
    return f"{NUDGE_OPENERS.get(persona, 'Also: ')}{body}."


# A card's third-person wording ("she opens", "their team") in the customer's own voice.
_FIRST_PERSON = (
    (r"\b(?:she|he) has\b", "I have"),
    (r"\b(?:she|he) is\b", "I am"),
    (r"\b(?:she|he) does\b", "I do"),
    (r"\b(?:she|he) (\w{2,}?)s\b", r"I \1"),
    (r"\bshe's\b|\bhe's\b", "I'm"),
    (r"\bshe\b|\bhe\b", "I"),
    (r"\bher\b|\bhis\b", "my"),
    (r"\bherself\b|\bhimself\b", "myself"),
    (r"\bthey're\b", "I'm"),
    (r"\bthey\b", "I"),
    (r"\btheir\b", "my"),
    (r"\bthemselves\b", "myself"),
    (r"\bthem\b", "me"),
)


def _first_person(text: str) -> str:
    for pattern, word in _FIRST_PERSON:
        text = re.sub(pattern, word, text)
    return text


def _need_words(need: str) -> str:
    """A hidden need ("A short explanation she can forward") as the customer would say it."""
    text = need.strip().rstrip(".")
    return _first_person(text[:1].lower() + text[1:])


def still_need(need: str) -> str:
    """A hidden need the customer already voiced, asked again in plain first person."""
    return f"What I still need is {_need_words(need)}."


def leaving_without(need: str) -> str:
    """A customer leaving with a voiced need unmet says which (so the exit is the card's own)."""
    return f"I came for {_need_words(need)}, and I'm leaving without it."


class LineChooser:
    """Picks one fresh line for a moment of the scene, seeded and relevant to the agent's words."""

    def __init__(self, seed: int, turn: int, used: set[str], agent_text: str) -> None:
        self.rng = random.Random(f"{seed}:{turn}:{len(used)}")
        self.used = used
        self.agent_text = agent_text

    def pick(self, *pools: Sequence[str], relevant: bool = False) -> str:
        """A line from the first pool that has one not yet said; '' when every pool is spent."""
        for pool in pools:
            fresh = [line for line in dict.fromkeys(pool) if line and line not in self.used]
            if fresh:
                line = self._choose(fresh, relevant)
                self.used.add(line)
                return line
        return ""

    def _choose(self, fresh: list[str], relevant: bool) -> str:
        if not relevant or len(fresh) == 1 or not self.agent_text.strip():
            return self.rng.choice(fresh)
        from ..analysis.embedding import static_model

        model = static_model()
        scores = model.embed(fresh) @ model.embed([self.agent_text])[0]
        ranked = [line for _, line in sorted(zip(scores.tolist(), fresh, strict=True), key=lambda p: -p[0])]
        return self.rng.choice(ranked[:2])
