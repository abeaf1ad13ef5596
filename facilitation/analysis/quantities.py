"""Numbers, amounts, dates and their units as they are written in a sentence.

A fact is mostly its numbers: "12 seats", "$1,500", "25%", "November 3", "a dozen users".
This module reads them in any of the usual forms (digits with or without separators and
currency, small number words, month-day dates either way round) into one canonical
``Quantity`` so that a card's fact and an agent's paraphrase of it can be compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a hundred": 100,
}
_WORDS = r"(?:" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")"
TOKEN = re.compile(
    rf"(?P<date1>\b{_MONTH}\s+{_DAY}\b)|(?P<date2>\b{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z]))|"
    r"(?P<iso>\b\d{4}-\d{2}-\d{2}\b)|"
    r"(?P<money>[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?[kK]\b)?)|"
    # "14-day trial", "a 12-month term": a hyphen joins a number to what it counts
    r"(?P<num>(?<![\w.,/-])\d[\d,]*(?:\.\d+)?(?![\w/]|,\d|-(?!(?:minute|hour|day|week|month|year|seat|user)s?\b))"
    r"(?:\s?(?:%|percent\b|per\s?cent\b))?)|"
    rf"(?P<word>\b{_WORDS}\b)",
    re.IGNORECASE,
)
UNIT = re.compile(
    r"(?:\s*|-)(?:extra |more |new |additional |of |free |paid |inactive |unused |active |business |"
    r"working |calendar |full |whole )*([a-z]+)",
    re.IGNORECASE,
)
# Words that name the same unit of count; a unit is compared by its group.
UNIT_GROUPS = {
    "seat": "seat",
    "user": "seat",
    "licence": "seat",
    "license": "seat",
    "member": "seat",
    "people": "seat",
    "person": "seat",
    "login": "seat",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "minute": "minute",
    "min": "minute",
    "hour": "hour",
    "hr": "hour",
    "second": "second",
    "row": "row",
    "record": "row",
    "request": "request",
    "call": "request",
    "percent": "percent",
    "%": "percent",
    "gb": "gb",
    "mb": "mb",
    "task": "task",
    "order": "order",
    "invoice": "invoice",
    "appointment": "appointment",
    "message": "message",
    "email": "email",
    "worker": "worker",
}
# Durations in hours, so "24 hours" and "a day" are one measure.
HOURS_PER_UNIT = {"second": 1 / 3600, "minute": 1 / 60, "hour": 1, "day": 24, "week": 168, "month": 730,
                  "year": 8760}


@dataclass(frozen=True)
class Quantity:
    """One number as written: its value, what it counts, where it stands."""

    value: float
    kind: str  # money | percent | date | count
    unit: str | None  # the unit group ("seat", "day", …), money's currency, or None
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        """Canonical form, the same however it was written ("$1,500.00", "1500 dollars")."""
        if self.kind == "date":
            return f"date:{int(self.value) // 100:02d}-{int(self.value) % 100:02d}"
        return f"n:{_plain(self.value)}"

    @property
    def measure(self) -> tuple[str, float]:
        """What a count measures and how much: durations in hours, other counts by their unit."""
        if self.unit in HOURS_PER_UNIT:
            return "duration", round(self.value * HOURS_PER_UNIT[self.unit], 4)
        return self.unit or "", self.value

    @property
    def small(self) -> bool:
        """'one line', 'two options': a count too small to carry a fact on its own."""
        return self.kind == "count" and self.value <= 3 and self.unit is None


def quantities(text: str) -> Iterator[Quantity]:
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        raw = m.group(0)
        if kind in ("date1", "date2", "iso"):
            value = _date_value(raw)
            if value is not None:
                yield Quantity(value, "date", None, m.start(), m.end(), raw)
            continue
        if kind == "money":
            digits = re.sub(r"[^\d.kK]", "", raw)
            factor = 1000 if digits[-1:] in "kK" else 1
            yield Quantity(
                float(digits.rstrip("kK")) * factor, "money", raw.strip()[0], m.start(), m.end(), raw
            )
            continue
        if kind == "word":
            value = float(NUMBER_WORDS[raw.lower()])
        else:
            number = re.match(r"\d[\d,]*(?:\.\d+)?", raw)
            assert number is not None
            value = float(number.group(0).replace(",", ""))
            if re.search(r"%|percent|per\s?cent", raw, re.IGNORECASE):
                yield Quantity(value, "percent", "percent", m.start(), m.end(), raw)
                continue
        unit, end = _unit(text, m.end())
        if unit in ("dollar", "euro", "pound", "buck"):
            yield Quantity(value, "money", unit, m.start(), end, text[m.start() : end])
        else:
            yield Quantity(value, "count", unit, m.start(), end if unit else m.end(), text[m.start() : end])


def keys(text: str, *, include_small: bool = False) -> set[str]:
    return {q.key for q in quantities(text) if include_small or not q.small}


def same_unit(a: Quantity, b: Quantity) -> bool:
    """Both count the same thing (or one does not say what it counts)."""
    if a.kind == "money" or b.kind == "money":
        return a.kind == b.kind or (a.unit is None or b.unit is None)
    return a.unit is None or b.unit is None or a.unit == b.unit


def close(a: float, b: float) -> bool:
    """Equal as people round: $62.50 said as $62 or $63, 1,499.99 as 1,500."""
    if a == b:
        return True
    return abs(a - b) <= max(0.011, 0.006 * max(abs(a), abs(b))) or (abs(b) >= 10 and round(a) == round(b))


def _unit(text: str, at: int) -> tuple[str | None, int]:
    m = UNIT.match(text, at)
    if m is None:
        return None, at
    word = m.group(1).lower()
    for stem in (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word):
        if stem in UNIT_GROUPS:
            return UNIT_GROUPS[stem], m.end()
        if stem in ("dollar", "euro", "pound", "buck"):
            return stem, m.end()
    return None, at


def _date_value(raw: str) -> float | None:
    raw = raw.lower().replace(".", "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return float(int(raw[5:7]) * 100 + int(raw[8:10]))
    words = re.findall(r"[a-z]+|\d+", raw)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    day = next((int(w) for w in words if w.isdigit()), None)
    if month is None or day is None or not 1 <= day <= 31:
        return None
    return float(month * 100 + day)


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")
