"""Flesch reading ease, as ``textstat.flesch_reading_ease`` computes it, at a quarter of the cost.

textstat counts syllables for the whole message, looking every word up in CMUdict or
hyphenating it anew; chat messages reuse a small vocabulary, so the per-word count is
cached here. Words, sentences and the formula are textstat's own (``textstat==0.7.8`` is
pinned), and a test holds the two to the same value.
"""

from __future__ import annotations

from functools import lru_cache

# textstat's English constants (LANG_CONFIGS["en"])
BASE, PER_SENTENCE_LENGTH, PER_SYLLABLES_PER_WORD = 206.835, 1.015, 84.6


@lru_cache(maxsize=1 << 16)
def _syllables(word: str) -> int:
    import textstat

    return int(textstat.syllable_count(word))


def flesch_reading_ease(text: str) -> float:
    """0 (very hard) … 100+ (very easy), rounded to one place."""
    import textstat
    from textstat.backend.selections._list_words import list_words

    words = len(list_words(text))
    sentences = textstat.sentence_count(text)
    syllables = sum(map(_syllables, list_words(text, lowercase=True)))
    if not words or not sentences or not syllables:
        return 0.0
    per_sentence, per_word = words / sentences, syllables / words
    return round(BASE - PER_SENTENCE_LENGTH * per_sentence - PER_SYLLABLES_PER_WORD * per_word, 1)
