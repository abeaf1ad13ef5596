"""Privacy tools: redact personal data from text, and forget a person.

``redact`` runs over every transcript that leaves the store (exports, reports): payment
cards (Luhn-checked), email addresses, phone numbers and street addresses become
``[card number]``, ``[email]``, ``[phone]`` and ``[address]``, and a named card security
code ("CVC 208") ``[card code]``. Money, dates, times,
percentages, seat counts and order numbers stay as they are. Text without a digit or an
``@`` cannot hold any of these and is returned untouched at once.

``forget_person`` removes everything stored about one person in one transaction: the
scenes they played as the agent (a transcript of them is their data), and elsewhere their
notes, debrief entries, roles, memberships, enrolments and scores; lines they wrote in
other people's scenes keep their place as ``[removed]``; sessions they facilitated are
handed to a placeholder person, ``forgotten``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from .errors import NotFound
from .scenebase import InvalidInput
from .store.schema import (
    branches,
    competency_scores,
    debrief,
    enrolments,
    events,
    messages,
    metadata,
    notes,
    people,
    scene_roles,
    scenes,
    scores,
    session_people,
    sessions,
)

if TYPE_CHECKING:
    from .workbench import Workbench

log = logging.getLogger(__name__)

__all__ = ["FORGOTTEN", "REMOVED", "describe", "forget_person", "redact"]

CARD, CARD_CODE, EMAIL, PHONE, ADDRESS = "[card number]", "[card code]", "[email]", "[phone]", "[address]"

# -- redaction -------------------------------------------------------------------------

_MAYBE_PII = re.compile(r"[\d@]")
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][\w.%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# 13 to 19 digits in groups split by single spaces or dashes; the Luhn check decides.
# "card:4111…" is a label, "10:30" a time; "…1111/12/27" is the card then its expiry date.
_CARD = re.compile(r"(?<![\w+.,/-])(?<!\d:)\d(?:[ -]?\d){12,22}(?![\w:]|[.,]\d)")
# The 3-4 digit security code on the back of a card, when it is named.
_CARD_CODE = re.compile(r"(?i)\b(cvc2?|cvv2?|cv2|csc|security code)(\W{0,3}(?:is\s+)?)\d{3,4}\b")
# +CC then groups (a "(0)" trunk prefix allowed): 8 to 15 digits in all, counted after matching.
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){1,5}(?![\w%])")
# the same dialled from Europe: 00 then the country code ("0049 30 1234567")
_INTERNATIONAL_00 = re.compile(r"(?<![\w.+/-])00[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){1,5}(?![\w%]|[.,/-]\d)")
# a US number written without all its separators (415-5550123, 4155550123): only after a
# word that says it is a phone number, as a ten-digit order or ticket number looks the same
_PHONE_WORD = r"\b(?:call|phone|tel|telephone|mobile|cell|ring|text|reach|whatsapp|sms|number)\b"
_US_RUN = re.compile(rf"(?i)({_PHONE_WORD}[^\d\n]{{0,20}})"
                     r"(?:1[ .-]?)?[2-9]\d{2}[ .-]?[2-9]\d{2}[ .-]?\d{4}(?![\w%]|[.,/-]\d)")
_US = re.compile(r"(?<![\w.+/-])(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w%]|[.,/-]\d)")
_UK = re.compile(r"(?<![\w.+/-])(?:\(0\d{2,4}\)|0[1-9]\d{1,3})[ -]?\d{3,4}[ -]?\d{3,4}(?![\w%]|[.,/-]\d)")

_SUFFIX = (r"(?:[Ss]treet|St|[Rr]oad|Rd|[Aa]venue|Ave|[Ll]ane|Ln|[Dd]rive|Dr|[Bb]oulevard|Blvd|[Ww]ay|"
           r"[Cc]ourt|Ct|[Pp]lace|Pl|[Tt]errace|[Cc]lose|[Cc]rescent|[Ss]quare|Sq|[Pp]arkway|Pkwy|"
           r"[Hh]ighway|Hwy|[Gg]ardens|[Gg]rove|[Mm]ews)")
_UNIT = (r"(?:,?\s*(?:[Aa]pt|[Aa]partment|[Ss]uite|Ste|[Uu]nit|[Ff]lat|[Ff]loor|#)\.?\s*#?"
         r"[A-Za-z]?\d+[A-Za-z]?)")
_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
           "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
_US_ZIP = rf"(?:{_STATES})\s+\d{{5}}(?:-\d{{4}})?"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
_UK_POSTCODE = rf"[A-Z]{{1,2}}\d[A-Z\d]?\s?{_INWARD}"
# Without a comma before it, only a postcode of 3-4 + 3 characters ("London SW1A 1AA"):
# "Upgrade M2 8GB" is a laptop.
_UK_POSTCODE_SPACED = rf"(?:[A-Z]{{2}}\d[A-Z\d]?|[A-Z]\d[A-Z\d])\s{_INWARD}"
_CITY = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
_WHERE = rf"(?:,\s*{_CITY})?(?:,?\s+(?:{_US_ZIP}|{_UK_POSTCODE}))"
_POSTCODE_WORD = r"(?:[Pp]ost ?code|ZIP(?: code)?|[Zz]ip(?: code)?):?\s+"
_ADDRESS = re.compile(
    # a house number, up to four name words and a street suffix; a unit, a city and postcode
    rf"(?<![\w.,/-])\d{{1,5}}[A-Za-z]?\s+(?:[A-Z0-9][\w'.-]*\s+){{1,4}}{_SUFFIX}\b\.?"
    rf"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?{_UNIT}?{_WHERE}?"
    # no street: a city then a state and ZIP, or a postcode after a city or the word itself
    rf"|\b{_CITY},?\s+{_US_ZIP}\b"
    rf"|(?:\b{_CITY},\s*|\b{_POSTCODE_WORD}){_UK_POSTCODE}\b"
    rf"|\b{_CITY}\s+{_UK_POSTCODE_SPACED}\b"
    rf"|\b{_POSTCODE_WORD}\d{{5}}(?:-\d{{4}})?\b"
)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = ord(char) - 48
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    """The longest leading run of groups that is a valid card number, redacted."""
    text = match.group()
    groups = re.split(r"[ -]", text)
    for keep in range(len(groups), 0, -1):
        digits = "".join(groups[:keep])
        if 13 <= len(digits) <= 19 and _luhn(digits):
            head = " ".join(groups[:keep]) if " " in text else "-".join(groups[:keep])
            return CARD + text[len(head):] if text.startswith(head) else CARD
        if len(digits) < 13:
            break
    return text


def _digits_between(low: int, high: int, replacement: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback replacing a match only when it holds ``low`` to ``high`` digits."""

    def replace(match: re.Match[str]) -> str:
        count = sum(c.isdigit() for c in match.group())
        return replacement if low <= count <= high else match.group()
    return replace


# Cheap tests that rule a step out: no "@", no email; no run of 7 digits, no card or
# national phone number; no "+", no international number; no number before a capitalised
# word or a postcode, no address.
_SEVEN_DIGITS = re.compile(r"\d(?:[ ().-]{0,3}\d){6}")
_ADDRESS_HINT = re.compile(r"\d(?:[A-Za-z]?\s+[A-Z0-9]|\d{4}|[A-Z]{2}\b)")
_CODE_WORDS = ("cv", "csc", "security code")
_INTERNATIONAL_PHONE = _digits_between(8, 15, PHONE)
_UK_PHONE = _digits_between(10, 11, PHONE)
_INTERNATIONAL_00_PHONE = _digits_between(10, 17, PHONE)  # the 00 and 8 to 15 digits


# No-break, thin and narrow no-break spaces (typed by phones and word processors) and the
# zero-width ones would split a number so that no pattern sees it.
_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
                         "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None})


def redact(text: str) -> str:
    """``text`` with card numbers and codes, emails, phone numbers and street addresses replaced."""
    if not text or _MAYBE_PII.search(text) is None:
        return text
    text = text.translate(_SPACES)
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    long_numbers = _SEVEN_DIGITS.search(text) is not None
    if long_numbers:
        text = _CARD.sub(_card, text)
    lowered = text.lower()
    if any(word in lowered for word in _CODE_WORDS):
        text = _CARD_CODE.sub(rf"\1\2{CARD_CODE}", text)
    if "+" in text:  # before the national forms, which would take "+1 (555) 123-4567" apart
        text = _INTERNATIONAL.sub(_INTERNATIONAL_PHONE, text)
    if long_numbers:
        text = _INTERNATIONAL_00.sub(_INTERNATIONAL_00_PHONE, text)
        text = _UK.sub(_UK_PHONE, _US.sub(PHONE, text))
        text = _US_RUN.sub(rf"\1{PHONE}", text)
    if _ADDRESS_HINT.search(text):
        text = _ADDRESS.sub(ADDRESS, text)
    return text


# -- forgetting a person ---------------------------------------------------------------

FORGOTTEN, FORGOTTEN_NAME = "forgotten", "(removed)"
REMOVED = "[removed]"
_QUOTE_KEYS = frozenset({"quote", "customer_quote", "instead_of"})
_OPINIONS = ("realism", "unrealistic")  # events that are a person's own verdict, with their words


# What ``forget_person`` counts, one of each.
SINGULAR = {"scenes": "scene", "messages": "message", "notes": "note", "events": "event",
            "debrief entries": "debrief entry", "branches": "branch", "scores": "score",
            "competency scores": "competency score", "scene roles": "scene role",
            "session memberships": "session membership", "enrolments": "enrolment",
            "messages blanked": "message blanked", "sessions handed over": "session handed over",
            "people": "person"}


def describe(counts: dict[str, int]) -> str:
    """``{"scenes": 3, "people": 1}`` as "3 scenes, 1 person" (kinds with nothing left out)."""
    return ", ".join(f"{n} {SINGULAR.get(kind, kind) if n == 1 else kind}" for kind, n in counts.items() if n)


def forget_person(wb: Workbench, person_id: str) -> dict[str, int]:
    """Remove everything stored about ``person_id`` in one write transaction; the counts of
    what went, by kind. Unknown person: ``NotFound``."""
    if person_id == FORGOTTEN:
        raise InvalidInput(f"{FORGOTTEN!r} stands in for people already forgotten; it cannot be forgotten")
    with wb.db.write() as conn:
        if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
            raise NotFound(f"no person {person_id!r} in {wb.db.display_url}")
        counts = _Forgetting(conn, person_id, wb.clock.now()).run()
    # gone from the bytes on disk too, not only from every query
    if not wb.db.erase_deleted(t.name for t in metadata.sorted_tables):
        log.warning("%s is forgotten from every table, but another program was in the middle of a "
                    "read: the old copy of their data stays in %s until the last program using the "
                    "store closes it", person_id, wb.db.display_url)
    return counts


class _Forgetting:
    """One forget, step by step, children before parents; ``counts`` says what went."""

    def __init__(self, conn: Connection, person: str, now: datetime) -> None:
        self.conn, self.person, self.now = conn, person, now
        self.counts: dict[str, int] = dict.fromkeys(SINGULAR, 0)

    def run(self) -> dict[str, int]:
        played = self._ids(select(scene_roles.c.scene_id).where(
            scene_roles.c.person_id == self.person, scene_roles.c.role == "agent"))
        touched = set(self._touched()) - set(played)
        self._delete_scenes(played)
        self._forget_notes()
        self._blank_messages()
        self._forget_events()
        self._count("debrief entries", delete(debrief).where(debrief.c.person_id == self.person))
        self._delete_scores(scores.c.person_id == self.person)
        self._count("competency scores", delete(competency_scores)
                    .where(competency_scores.c.person_id == self.person))
        self._count("scene roles", delete(scene_roles).where(scene_roles.c.person_id == self.person))
        self._count("session memberships", delete(session_people)
                    .where(session_people.c.person_id == self.person))
        self._count("enrolments", delete(enrolments).where(enrolments.c.person_id == self.person))
        self._hand_over_sessions()
        self.conn.execute(update(scenes).where(scenes.c.paused_by == self.person).values(paused_by=FORGOTTEN))
        self._count("people", delete(people).where(people.c.id == self.person))
        for chunk in _chunks(sorted(touched)):  # open views poll the version: they re-read these
            self.conn.execute(update(scenes).where(scenes.c.id.in_(chunk))
                              .values(version=scenes.c.version + 1, updated_at=self.now))
        return self.counts

    def _touched(self) -> Iterable[str]:
        """Every scene that holds something of theirs."""
        for column in (notes.c.observer, messages.c.author, debrief.c.person_id, scene_roles.c.person_id,
                       events.c.by, scores.c.person_id):
            yield from self._ids(select(column.table.c.scene_id).where(column == self.person))

    def _ids(self, query: Any) -> list[Any]:
        return list(dict.fromkeys(self.conn.execute(query).scalars()))

    def _count(self, kind: str, statement: Any) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + self.conn.execute(statement).rowcount

    def _delete_scenes(self, scene_ids: list[str]) -> None:
        """The scenes they played, with everything hanging off them."""
        self.counts["scenes"] = len(scene_ids)
        for chunk in _chunks(scene_ids):
            self._delete_scores(scores.c.scene_id.in_(chunk))
            self._count("competency scores", delete(competency_scores)
                        .where(competency_scores.c.scene_id.in_(chunk)))
            tombstones = notes.c.retracts.isnot(None)
            self._count("notes", delete(notes).where(notes.c.scene_id.in_(chunk), tombstones))
            self._count("notes", delete(notes).where(notes.c.scene_id.in_(chunk)))
            for table, kind in ((messages, "messages"), (events, "events"), (debrief, "debrief entries")):
                self._count(kind, delete(table).where(table.c.scene_id.in_(chunk)))
            self.conn.execute(update(branches).where(branches.c.scene_id.in_(chunk)).values(parent_id=None))
            self._count("branches", delete(branches).where(branches.c.scene_id.in_(chunk)))
            self._count("scene roles", delete(scene_roles).where(scene_roles.c.scene_id.in_(chunk)))
            self.conn.execute(delete(scenes).where(scenes.c.id.in_(chunk)))

    def _delete_scores(self, which: Any) -> None:
        ids = self._ids(select(scores.c.id).where(which))
        for chunk in _chunks(ids):
            self._count("competency scores", delete(competency_scores)
                        .where(competency_scores.c.score_id.in_(chunk)))
            self._count("scores", delete(scores).where(scores.c.id.in_(chunk)))

    def _forget_notes(self) -> None:
        """Their notes and the tombstones retracting them go; a tombstone of theirs that
        retracts someone else's note stays (or that note would come back), unnamed. Score
        cards of the scenes they observed lose their name."""
        observed = self._ids(select(notes.c.scene_id).where(notes.c.observer == self.person))
        ids = self._ids(select(notes.c.id).where(notes.c.observer == self.person, notes.c.retracts.is_(None)))
        for chunk in _chunks(ids):
            self._count("notes", delete(notes).where(notes.c.retracts.in_(chunk)))
            self._count("notes", delete(notes).where(notes.c.id.in_(chunk)))
        self.conn.execute(update(notes).where(notes.c.observer == self.person).values(observer=FORGOTTEN))
        source = f"observer {self.person}"
        for chunk in _chunks(observed):
            for score_id, card in list(self.conn.execute(select(scores.c.id, scores.c.card)
                                                         .where(scores.c.scene_id.in_(chunk)))):
                self._rewrite_card(score_id, card, lambda c: _scrub_observer(c, self.person, source))

    def _blank_messages(self) -> None:
        """Lines they wrote in other people's scenes keep their place, not their words; so
        do quotes of those lines in notes and score cards."""
        rows = list(self.conn.execute(select(messages.c.id, messages.c.scene_id, messages.c.text)
                                      .where(messages.c.author == self.person)))
        if not rows:
            return
        ids = [r.id for r in rows]
        said = [r.text for r in rows]
        for chunk in _chunks(ids):
            self._count("messages blanked", update(messages).where(messages.c.id.in_(chunk))
                        .values(text=REMOVED, author=FORGOTTEN))
            self.conn.execute(update(notes).where(notes.c.message_id.in_(chunk), notes.c.text.isnot(None))
                              .values(text=REMOVED))
        scene_ids = list({r.scene_id for r in rows})
        for score_id, card in list(self.conn.execute(select(scores.c.id, scores.c.card)
                                                     .where(scores.c.scene_id.in_(scene_ids)))):
            self._rewrite_card(score_id, card, lambda c: _scrub_quotes(c, said))
        for event_id, payload in list(self.conn.execute(select(events.c.id, events.c.payload).where(
                events.c.scene_id.in_(scene_ids), events.c.kind == "unrealistic"))):
            if payload.get("message") in ids:
                self.conn.execute(update(events).where(events.c.id == event_id)
                                  .values(payload={**payload, "text": REMOVED}))

    def _forget_events(self) -> None:
        """Their realism verdicts go; moves they made (as facilitator) stay, unnamed."""
        self._count("events", delete(events).where(events.c.by == self.person, events.c.kind.in_(_OPINIONS)))
        for event_id, payload in list(self.conn.execute(select(events.c.id, events.c.payload).where(
                events.c.by == self.person, events.c.kind == "pause"))):
            self.conn.execute(update(events).where(events.c.id == event_id)
                              .values(payload={**payload, "by": FORGOTTEN}))
        self.conn.execute(update(events).where(events.c.by == self.person).values(by=FORGOTTEN))

    def _hand_over_sessions(self) -> None:
        """Sessions they facilitated stay for everyone else, led by the placeholder person."""
        facilitated = sessions.c.facilitator == self.person
        if self.conn.execute(select(sessions.c.id).where(facilitated).limit(1)).first() is None:
            return
        if self.conn.execute(select(people.c.id).where(people.c.id == FORGOTTEN)).first() is None:
            self.conn.execute(insert(people).values(id=FORGOTTEN, name=FORGOTTEN_NAME, team=None,
                                                    created_at=self.now))
        self._count("sessions handed over", update(sessions).where(facilitated).values(facilitator=FORGOTTEN))

    def _rewrite_card(self, score_id: int, card: dict, scrub: Callable[[dict], dict]) -> None:
        cleaned = scrub(card)
        if cleaned != card:
            self.conn.execute(update(scores).where(scores.c.id == score_id).values(card=cleaned))


def _scrub_observer(card: dict, person: str, source: str) -> dict:
    """A score card with an observer's name taken out of its evidence and agreements."""
    out = dict(card)
    unnamed = f"observer {FORGOTTEN}"
    out["criteria"] = [{**c, "evidence": [{**e, "source": unnamed} if e.get("source") == source else e
                                          for e in c.get("evidence", [])]}
                       for c in card.get("criteria", [])]
    out["agreements"] = [{**a, "observers": {k: v for k, v in a.get("observers", {}).items() if k != person}}
                         for a in card.get("agreements", [])]
    return out


def _scrub_quotes(value: Any, said: list[str]) -> Any:
    """Quotes in a score card taken from any of ``said`` become ``[removed]``."""
    if isinstance(value, dict):
        return {k: REMOVED if k in _QUOTE_KEYS and isinstance(v, str) and v and any(v in s for s in said)
                else _scrub_quotes(v, said) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_quotes(v, said) for v in value]
    return value


def _chunks(ids: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]

