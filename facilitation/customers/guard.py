"""The out-of-character guard: what a model's customer line may never say to the room.

A small model breaks character in many ways, and every one of them must stop before the
words are shown: it speaks as an AI or an assistant ("I'm Claude…", "As a helpful
assistant…", "A.I." or in full-width letters), it answers as the support agent ("Agent: I'm so
sorry…", "How can I help you today?", "We apologise for any inconvenience"), it steps out
of the scene ("I can't continue with this roleplay"), it repeats its instructions, it
writes markup or a template placeholder ("<company_name>"), it writes far more than the
persona would, it copies its instructions (a run of ``ECHO_WORDS`` words from the system
prompt that is not the customer's own voice or situation), or it states a fact of the card
the agent has not told it (the customer cannot know it, and the trainee would be handed what
they must earn). Text is normalised first (NFKC, invisible characters dropped, case, quotes,
dotted or spaced letters), so spelling tricks do not slip through. The
phrases were collected from what small models (llama.cpp's server with a 135M model) wrote
in this project's scenes; the card and persona lines are held to pass them untouched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

# Each rule is (reason, pattern over normalised text).
RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(p))
    for why, p in (
        (
            "spoke as an AI",
            r"\b(?:i am|i'm|im|as|being|i'm just|i am just|i'm only|i am only)\s+"
            r"(?:an?\s+|your\s+|the\s+|just\s+an?\s+|only\s+an?\s+)?(?:(?:helpful|friendly|virtual|digital|large|"
            r"customer service|support|automated)\s+)*(?:ai|artificial intelligence|assistant|language model|llm|"
            r"chat ?bot|bot)\b(?!\s+(?:manager|director|to|of|editor|principal|professor|coach|at|in|for)\b)",
        ),
        (
            "spoke as an AI",
            r"\b(?:language model|system prompt|as an ai|an ai model|ai assistant|not a real (?:person|"
            r"customer|human)|i'?m not (?:a )?(?:real|human))\b",
        ),
        (
            "named the model",
            r"\b(?:claude|anthropic|openai|chatgpt|gpt-?\d\w*|llama|gemini|mistral|qwen|smollm|"
            r"hugging ?face)\b",
        ),
        (
            "stepped out of the scene",
            r"\b(?:role-?play(?:ing)?|this (?:scenario|simulation|exercise)|"
            r"(?:in|out of|break(?:ing)?|stay(?:ing)?) character|my (?:instructions|prompt|guidelines|programming)|"
            r"these instructions)\b",
        ),
        (
            "stepped out of the scene",
            r"\bi (?:can(?:no|')?t|cannot|won'?t|am unable to|'m unable to)\s+(?:continue "
            r"(?:with )?(?:this|the) (?:role|scenario|exercise|character|simulation)|comply|assist with|help with "
            r"(?:that|this) request|pretend|play (?:this|that|the) (?:role|part|character))",
        ),
        (
            "answered as the agent",
            r"(?:^|\n)\W*(?:agent|support|assistant|customer service|representative|"
            r"advisor|rep)\s*:",
        ),
        (
            "answered as the agent",
            r"\b(?:how (?:can|may) i (?:help|assist) you|i'?m here to (?:help|assist)|"
            r"(?:i'?m |i am )?(?:happy|glad) to (?:help|assist) you|is there anything else i can|thank you for "
            r"(?:contacting|reaching out to|choosing) (?:us|our)|we apologi[sz]e for|i apologi[sz]e for (?:the|any) "
            r"inconvenience|i understand your (?:frustration|concern)|let me (?:look into|check) (?:that|this) for you|"
            r"as a (?:helpful|support|customer service)|i(?:'ll| will) escalate this for you)",
        ),
        (
            "answered as the agent",
            r"\b(?:i|we) can (?:actually |certainly |definitely )?help you\b|\bi'?m here (?:as always|for you|"
            r"if you need)|\byou'?ve got this\b|\blet'?s chat\b|\bwhat can i do (?:to (?:fix|help)|for you)|"
            r"\bthere are (?:several|a few|some|many) things (?:that )?(?:may|might|could|you can)|\bmy services\b|"
            r"\bfeel free to\b|\bdon'?t hesitate to\b|\bhope (?:this|that) helps\b|\bi'?d be (?:happy|glad) to\b|"
            r"\b(?:i'?m|i am|we'?re) sorry for (?:the|any) inconvenience|\bthe challenges you'?re facing\b|"
            r"\bis there anything else\b|\byou'?re (?:just )?going through\b",
        ),
        ("wrote markup or a template placeholder", r"</?[a-z][a-z_ -]{1,30}>|\{[a-z_]{2,30}\}|\[(?:name|company|customer)[^\]]*\]"),
        (
            "repeated its instructions",
            r"agent_message|what you may now say|lines in your voice|how you feel now|"
            r"rules you always keep|the only facts in this scene",
        ),
    )
)
_DOTTED = re.compile(r"\b([a-z])\.\s?([a-z])\.(?=\W|$)")
_SPACED_AI = re.compile(r"\b(an?|as|the) a[ .\-]i\b")  # "an A I", "the A-I"
# zero-width spaces and joiners, soft hyphens, bidi marks: unseen in the room, but they split words
# (Unicode's "Cf" characters, listed: deriving them at import costs 160 ms on every page)
_INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
                        "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
                        "\U000e0020-\U000e007f]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"})
# The longest rule match is a few words: text waits this many words before it is shown,
# unless a clause ends first.
HOLD_WORDS = 6
LENGTH_FACTOR = 2.5  # times the persona's longest reply
# Eight words in a row taken from the instructions are copied, not said: a customer's own
# sentence shares four or five at most with the card (measured in bench/guard_false_alarms.py).
ECHO_WORDS = 8


def normalise(text: str) -> str:
    """What the rules read: NFKC (full-width letters become plain), no invisible characters,
    lower case, straight quotes, "a.i." and "an a i" as "ai", single spaces."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES).casefold()
    text = re.sub(r"[ \t\u00a0]+", " ", _DOTTED.sub(r"\1\2", text))
    return _SPACED_AI.sub(r"\1 ai", text)


class Guard:
    """Checks a customer line; ``leaks`` tells whether a text states what the customer may not know."""

    def __init__(self, leaks: Callable[[str], bool] | None = None, max_words: int | None = None,
                 echoes: Callable[[str], bool] | None = None) -> None:
        self.leaks = leaks
        self.max_words = max_words  # a customer writing far past this has stopped being the persona
        self.echoes = echoes

    def reason(self, text: str, *, complete: bool = False) -> str | None:
        """Why ``text`` may not be shown, or None. Fact leaks are judged on ``complete`` text
        (a number is only whole when the word after it has come)."""
        plain = normalise(text)
        for why, pattern in RULES:
            if pattern.search(plain):
                return why
        if self.echoes is not None and self.echoes(text):
            return "repeated its instructions"
        if self.leaks is not None and self.leaks(text if complete else _whole_words(text)):
            return "said a fact the agent has not given"
        if self.max_words is not None and len(text.split()) > LENGTH_FACTOR * self.max_words:
            return "wrote far more than this customer would"
        return None


def release_point(text: str) -> int:
    """How much of ``text`` (not yet shown) is safe to show now: up to the last clause end,
    or all but the last ``HOLD_WORDS`` words of a long clause."""
    # a clause ends at punctuation before a space, or at the end of the text unless a
    # digit comes before it ("$1," may still become "$1,500")
    ends = [
        m.end()
        for m in re.finditer(r"(?<!\d)[.!?,;:\u2014\u2013]+(?=\s|$)|[.!?,;:\u2014\u2013]+(?=\s)|\n", text)
    ]
    last = ends[-1] if ends else 0
    words = list(re.finditer(r"\S+", text[last:]))
    if len(words) > HOLD_WORDS:
        return last + words[-HOLD_WORDS - 1].end()  # the space before the held words waits too
    return last


def _whole_words(text: str) -> str:
    """``text`` without its last, possibly unfinished word."""
    return text.rsplit(" ", 1)[0] if " " in text else ""


def untold_facts(
    secret: Iterable[str], allowed: Iterable[str], tokens: Callable[[str], Iterable[str]]
) -> Callable[[str], bool]:
    """A leak test: the text holds one of the ``secret`` numbers or names not in ``allowed``."""
    hidden = set(secret) - set(allowed)
    return lambda text: bool(hidden & set(tokens(text)))


def copied_from(instructions: str, voice: Iterable[str]) -> Callable[[str], bool]:
    """An echo test: the text holds ``ECHO_WORDS`` words in a row from ``instructions`` that
    no passage of ``voice`` (what the customer may say in their own name) holds."""
    own = set().union(*(word_runs(v) for v in voice))
    copied = word_runs(instructions) - own
    return lambda text: not copied.isdisjoint(word_runs(text))


def word_runs(text: str, size: int = ECHO_WORDS) -> set[tuple[str, ...]]:
    words = re.findall(r"[\w$%']+", normalise(text))
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}
