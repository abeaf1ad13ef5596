"""How the customer sounds: VADER's lexicon (shipped with the package, no download) plus
the cues of a complaint that VADER's general-purpose lexicon misses."""

from __future__ import annotations

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
    r"for nothing|(?:yet )?again\?|seriously\??|@\w+ (?:why|your|you|still|fix|what|how))\b",
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

    return SentimentIntensityAnalyzer()


def read_sentiment(text: str) -> SentimentReading:
    scores = _vader().polarity_scores(text)
    cues = list(COMPLAINT_CUES.finditer(text))
    complaint = 1 - 0.6 ** len(cues)
    words = text.split()
    shouting = sum(1 for w in words if len(w) > 2 and w.isupper()) / max(len(words), 1)
    bangs = min(text.count("!"), 4) / 4
    sentiment = max(-1.0, min(1.0, scores["compound"] - 0.5 * complaint))
    intensity = min(1.0, abs(scores["compound"]) * 0.6 + shouting * 1.5 + bangs * 0.3 + complaint * 0.2)
    return SentimentReading(round(sentiment, 4), round(intensity, 3), round(complaint, 3),
                            [(m.start(), m.end()) for m in cues])
