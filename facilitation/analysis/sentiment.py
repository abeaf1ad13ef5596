"""How the customer sounds: VADER's lexicon (shipped with the package, no download) plus
the cues of a complaint that VADER's general-purpose lexicon misses, and, when the caller
has it, the learned complaint head's probability (``learned.read_customer``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

COMPLAINT_CUES = re.compile(
    r"\b(?:still (?:waiting|no|not|haven'?t|hasn'?t|can'?t|broken|down)|(?:no|never) (?:response|reply|answer|"
    r"one (?:called|replied|answered|got back))|(?:worst|useless|pathetic|ridiculous|unacceptable|disgrace\w*|"
    r"shocking|appalling|joke|scam|rip-?off|incompetent|fed up|sick of|tired of|annoyed|furious|livid)|"
    r"(?:charged|billed) (?:me )?(?:twice|double|again|for nothing)|refund|cancel(?:l?ed|ling)? (?:my|the|our)|"
    r"(?:doesn'?t|does not|won'?t|will not|isn'?t|is not|not) work(?:ing)?|broken|(?:keeps?|kept) (?:crashing|"
    r"failing|freezing|dropping|charging)|waste of|been (?:on hold|waiting) for|hours? on hold|days? (?:now|later|"
    r"and still)|lost my|why (?:is|does|do|did|can'?t|won'?t|are|would)|what'?s going on|(?:thanks|thank you) "
    r"for nothing|(?:yet )?again\?|seriously\??|@\w+ (?:why|your|you|still|fix|what|how)|"
    # a customer ending the conversation badly: leaving, or asking for someone else
    r"unbelievable|(?:moving|switching|going) (?:over )?to (?:another|a different|a new|a competitor)|"
    r"take (?:my|our) business elsewhere|(?:get|put|transfer|give) me (?:to )?(?:your |a |someone )?"
    r"(?:manager|supervisor|senior|else)|transfer this|(?:speak|talk) to (?:your |a )?(?:manager|supervisor)|"
    r"(?:we|i)(?:'re|'m| are| am) (?:done|leaving|out))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SentimentReading:
    sentiment: float  # -1 (hostile) … +1 (delighted)
    intensity: float  # 0 (flat) … 1 (shouting)
    complaint: float  # 0 … 1: how much it reads as a complaint
    spans: list[tuple[int, int]]


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class WindowedVader(SentimentIntensityAnalyzer):
        """VADER with the same scores, a third of the cost on chat-length text.

        For every sentiment word, VADER's negation and idiom checks lowercase the whole
        message to read at most three words before it and two after. They are handed just
        that window; the checks only run where the window starts inside the message
        (``i > start_i``), so their indices never wrap and the result is unchanged.
        """

        def _negation_check(self, valence, words, start_i, i):  # type: ignore[override]
            low = max(0, i - 3)
            return SentimentIntensityAnalyzer._negation_check(valence, words[low:i + 3], start_i, i - low)

        def _special_idioms_check(self, valence, words, i):  # type: ignore[override]
            low = max(0, i - 3)
            return SentimentIntensityAnalyzer._special_idioms_check(valence, words[low:i + 3], i - low)

    return WindowedVader()


# How far a sure complaint (learned p = 1) pulls sentiment down, beyond the cues' own pull;
# the pull grows with p squared, so a faint reading (p = 0.2) barely moves a calm message.
LEARNED_COMPLAINT_WEIGHT = 1.5


def read_sentiment(text: str, learned_complaint: float = 0.0) -> SentimentReading:
    scores = _vader().polarity_scores(text)
    cues = list(COMPLAINT_CUES.finditer(text))
    cued = 1 - 0.6 ** len(cues)
    complaint = 1 - (1 - cued) * (1 - learned_complaint)
    words = text.split()
    shouting = sum(1 for w in words if len(w) > 2 and w.isupper()) / max(len(words), 1)
    bangs = min(text.count("!"), 4) / 4
    sentiment = _soft_clip(scores["compound"] - 0.5 * cued - LEARNED_COMPLAINT_WEIGHT * learned_complaint**2)
    intensity = min(1.0, abs(scores["compound"]) * 0.6 + shouting * 1.5 + bangs * 0.3 + complaint * 0.2)
    return SentimentReading(round(sentiment, 6), round(intensity, 3), round(complaint, 3),
                            [(m.start(), m.end()) for m in cues])


def _soft_clip(value: float, knee: float = 0.8) -> float:
    """Keep ``value`` in (-1, 1): unchanged up to the knee, squeezed beyond it, order kept.

    A hard clip would make every very unhappy message equally unhappy; this keeps
    "angry" below "annoyed" all the way down.
    """
    if abs(value) <= knee:
        return value
    return math.copysign(knee + (1 - knee) * math.tanh((abs(value) - knee) / (1 - knee)), value)
