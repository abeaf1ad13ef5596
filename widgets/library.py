"""The card library as a facilitator browses it: filter, pick, read, and see how real it felt.

Filters map one-to-one onto ``Library.find`` (skill is a substring), so the view never
decides what matches. Each card shows the agents' realism rating and, in its detail, the
customer lines they flagged, so a card writer knows what to fix. Every word from a card
reaches the page through ``escape``: cards are written by people, and ``HTML`` renders markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from facilitation.cards import ScenarioCard
from facilitation.cardtext import card_text
from facilitation.library import Library
from facilitation.realism import RealismSummary
from facilitation.vocabulary import CATEGORY_TITLES, CHANNELS, DIFFICULTIES
from facilitation.workbench import Workbench

from .common import STYLE, Status, button, escape, guarded, quiet_comm_errors, refusal
from .drafting import CardDraft

ANY = "any"


def realism_label(summary: RealismSummary | None) -> str:
    """``★ 3.5 (4 ratings)``, or ``not rated yet``: the words a listing and a detail share."""
    if summary is None or not summary.ratings or summary.mean is None:
        return "not rated yet"
    plural = "rating" if summary.ratings == 1 else "ratings"
    return f"★ {summary.mean:.1f} ({summary.ratings} {plural})"


def _choices(values: Any, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Dropdown options with "any" first; its value ``""`` means no filter."""
    labels = labels or {}
    return [(ANY, ""), *((labels.get(v, v), v) for v in values)]


def _section(title: str, body: str) -> str:
    return f"<h4>{escape(title)}</h4>{body}"


def _items(lines: Any) -> str:
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def card_html(card: ScenarioCard, realism: RealismSummary | None) -> str:
    """A card's detail as a facilitator reads it before a scene, every card word escaped."""
    drawn = card.draw(None)  # placeholders filled with the values the card writes as defaults
    c = drawn.card
    flagged = realism.flagged_lines if realism else []
    parts = [
        f"<h3>{escape(c.title)}</h3>",
        f"<div class='rp-who'>{escape(CATEGORY_TITLES[c.category])} · {escape(c.difficulty)} · "
        f"{escape(c.channel)} · persona: {escape(c.persona)} · id: {escape(c.id)}</div>",
        f"<p><b>Realism:</b> {escape(realism_label(realism))}</p>",
        f"<p><b>Skill practised:</b> {escape(c.skill)}</p>",
        _section("Brief", f"<p>{escape(c.brief)}</p>"),
        _section("Customer", f"<p>{escape(c.customer.name)}, {escape(c.customer.company)} — "
                             f"{escape(c.customer.plan)}; {escape(c.customer.tenure)}</p>"),
        _section("Spark", f"<p>{escape(c.spark)}</p>"),
        _section("Constraint", f"<p>{escape(c.constraint)}</p>"),
        _section("Success criteria", _items(s.text for s in c.success_criteria)),
        _section("Phrase bank", _items(f"[{p.behaviour}] {p.line}" for p in c.phrase_bank)),
    ]
    if realism and realism.comments:
        parts.append(_section("What agents said about its realism", _items(realism.comments[:10])))
    if flagged:
        parts.append(_section("Lines agents flagged as unrealistic", _items(flagged)))
    parts.append(f"<details><summary>The whole card</summary><pre>{escape(card_text(drawn))}"
                 "</pre></details>")
    return f"<div class='rp-card'>{''.join(parts)}</div>"


class LibraryView(w.VBox):
    """Browse the scenario cards by category, difficulty, channel, persona and skill."""

    def __init__(self, wb: Workbench, **kwargs: Any) -> None:
        self.wb = wb
        self.realism: dict[str, RealismSummary] = {}
        self.status = Status()
        self._build_filters(wb.library)
        self.count = w.HTML()
        self.cards = w.Select(options=[], rows=14, layout=w.Layout(width="100%"))
        self.detail = w.HTML()
        self.refresh_button = button("Refresh ratings", tooltip="Read the latest realism ratings")
        self.refresh_button.on_click(guarded(self.status)(lambda _: self.refresh()))
        self.cards.observe(guarded(self.status)(self._show_selected), names="value")
        filters = w.HBox([self.category, self.difficulty, self.channel, self.persona, self.skill])
        super().__init__([w.HTML(STYLE), filters, w.HBox([self.count, self.refresh_button]),
                          self.cards, self.detail, self.status, self._skipped(wb.library)], **kwargs)
        self.refresh()

    def _build_filters(self, library: Library) -> None:
        personas = sorted({card.persona for card in library.cards.values()} | set(library.personas))
        self.category = w.Dropdown(options=_choices(CATEGORY_TITLES, CATEGORY_TITLES), description="Category")
        self.difficulty = w.Dropdown(options=_choices(DIFFICULTIES), description="Difficulty")
        self.channel = w.Dropdown(options=_choices(CHANNELS), description="Channel")
        self.persona = w.Dropdown(options=_choices(personas), description="Persona")
        self.skill = w.Text(placeholder="e.g. acknowledge", description="Skill", continuous_update=True)
        for control in (self.category, self.difficulty, self.channel, self.persona, self.skill):
            control.observe(guarded(self.status)(lambda _: self.show_cards()), names="value")

    def _skipped(self, library: Library) -> w.HTML:
        """Card files the library skipped, so a writer sees a broken card instead of a missing one."""
        if not library.errors:
            return w.HTML()
        lines = "".join(f"<li>{escape(problem)}</li>" for problem in library.errors[:20])
        return w.HTML(f"<details class='rp-notice'><summary>{len(library.errors)} problem(s) in card "
                      f"files kept a card out of the library</summary><ul>{lines}</ul></details>")

    def filters(self) -> dict[str, str | None]:
        """The chosen filters, as ``Library.find`` takes them."""
        chosen = {"category": self.category.value, "difficulty": self.difficulty.value,
                  "channel": self.channel.value, "persona": self.persona.value,
                  "skill": self.skill.value.strip()}
        return {key: value or None for key, value in chosen.items()}

    def listed(self) -> list[str]:
        """Ids of the cards listed now, in order."""
        return [card_id for _, card_id in self.cards.options]

    def refresh(self) -> None:
        """Read the realism ratings again and redraw: ratings arrive while the library is open."""
        self.realism = self.wb.card_realism()
        self.show_cards()
        self.status.clear()

    def show_cards(self) -> None:
        found = self.wb.library.find(**self.filters())
        chosen = self.cards.value
        self.cards.options = [(self._label(card), card.id) for card in found]
        total = len(self.wb.library.cards)
        self.count.value = f"<b>{len(found)}</b> of {total} cards"
        self.cards.value = chosen if chosen in self.listed() else None
        self._show_selected()

    def _label(self, card: ScenarioCard) -> str:
        # Select options are plain text in the browser, never markup.
        rating = realism_label(self.realism.get(card.id))
        return f"{card.title} · {card.difficulty} · {card.channel} · {rating}"

    def _show_selected(self, _change: object = None) -> None:
        card_id = self.cards.value
        if card_id is None:
            self.detail.value = "<p class='rp-who'>Pick a card to read it.</p>" if self.listed() else (
                "<p class='rp-who'>No card matches these filters.</p>")
            return
        self.detail.value = card_html(self.wb.library.card(card_id), self.realism.get(card_id))


def library_app(db: str | None = None) -> w.VBox:
    """The library notebook's whole page: browse the cards, and draft a new one beside them.

    ``db`` is a store URL (``None``: $ROLEPLAY_DB or the default file), read for realism ratings.
    """
    from .launch import AccessDenied, query_params, require_facilitator

    quiet_comm_errors()
    wb = Workbench.open(db)
    try:  # drafting writes card files: on a shared network only the facilitator may
        require_facilitator(query_params())
    except AccessDenied as refused:
        return w.VBox([refusal(refused)])
    browse = LibraryView(wb)
    draft = CardDraft(wb.library)

    def saved(path: Path) -> None:  # the new card joins the library being browsed
        wb.library.add_files([path], "card")
        browse.refresh()

    draft.on_saved(saved)
    tabs = w.Tab(children=[browse, draft])
    tabs.titles = ("Browse", "Draft a card")
    return w.VBox([tabs])
