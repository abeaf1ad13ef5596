"""Draft a new scenario card: a short form, the rest as YAML, checked on every keystroke.

The form holds what a writer picks from a fixed vocabulary (category, difficulty, channel,
persona) and names the card (id, title); the YAML text holds everything else, started from
an existing card so nobody writes forty fields from nothing. ``facilitation.drafts`` merges
and validates them exactly as the library loads a card file, so a draft that shows no
problem here loads in every session. Save is offered only then, and never replaces a card.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from facilitation.drafts import DraftCheck, check_draft, save_draft, starting_point
from facilitation.errors import DataInvalid
from facilitation.library import Library, library_dir
from facilitation.vocabulary import CATEGORY_TITLES, CHANNELS, DIFFICULTIES

from .common import STYLE, Status, button, escape, guarded

YAML_STYLE = "<style>.rp-yaml textarea { font-family: monospace; font-size: 0.9em; }</style>"
MAX_SHOWN = 25  # a broken paste can raise hundreds of problems; the first ones say enough

Saved = Callable[[Path], Any]


def problems_html(result: DraftCheck) -> str:
    """What is wrong with a draft, or that it is ready, every quoted word escaped."""
    if result.ok:
        head = "<div class='rp-status rp-ok'>✓ Valid: ready to save.</div>"
    else:
        shown = result.problems[:MAX_SHOWN]
        more = len(result.problems) - len(shown)
        items = "".join(f"<li>{escape(problem)}</li>" for problem in shown)
        items += f"<li>… and {more} more</li>" if more > 0 else ""
        head = (f"<div class='rp-status'>{len(result.problems)} problem(s) to fix before saving:"
                f"<ul>{items}</ul></div>")
    if result.warnings:
        notes = "".join(f"<li>{escape(warning)}</li>" for warning in result.warnings)
        head += f"<div class='rp-notice'>Warnings (the card still loads):<ul>{notes}</ul></div>"
    return head


class CardDraft(w.VBox):
    """A form for a new card that validates as you type and saves ``<id>.yaml`` into ``folder``."""

    def __init__(self, library: Library, folder: Path | str | None = None, **kwargs: Any) -> None:
        self.library = library
        self.folder = Path(folder) if folder is not None else library_dir("card")
        self.status = Status()
        self.result: DraftCheck | None = None
        self._saved: list[Saved] = []
        self._build_form()
        self.problems = w.HTML()
        self.save = button("Save card", style="success", tooltip=f"Write <id>.yaml into {self.folder}")
        self.save.on_click(guarded(self.status)(self._save))
        where = w.HTML(f"<span class='rp-who'>Saves to {escape(self.folder)}</span>")
        super().__init__([w.HTML(STYLE + YAML_STYLE), self._start_row(), self._fields_box(), self.body,
                          self.problems, w.HBox([self.save, where]), self.status], **kwargs)
        if self.start_from.value:
            self.start_over()
        self.check()

    # -- building -------------------------------------------------------------------

    def _build_form(self) -> None:
        cards = sorted(self.library.cards.values(), key=lambda card: card.title.lower())
        self.start_from = w.Dropdown(options=[("an empty card", ""), *((f"{c.title} ({c.id})", c.id)
                                                                      for c in cards)],
                                     value=cards[0].id if cards else "", description="Start from")
        self.card_id = w.Text(description="id", placeholder="e.g. refund-after-cancellation",
                              continuous_update=True)
        self.title = w.Text(description="Title", continuous_update=True, layout=w.Layout(width="40em"))
        self.category = w.Dropdown(options=[(title, c) for c, title in CATEGORY_TITLES.items()],
                                   description="Category")
        self.difficulty = w.Dropdown(options=DIFFICULTIES, description="Difficulty")
        self.channel = w.Dropdown(options=CHANNELS, description="Channel")
        self.persona = w.Dropdown(options=sorted(self.library.personas) or [""], description="Persona")
        self.skill = w.Text(description="Skill", placeholder="the one skill this card trains",
                            continuous_update=True, layout=w.Layout(width="40em"))
        wide = w.Layout(width="100%", height="4.5em")
        self.brief = w.Textarea(description="Brief", placeholder="what the agent reads before the act; "
                                "{placeholders} are drawn per attempt", continuous_update=True, layout=wide)
        self.spark = w.Textarea(description="Spark", placeholder="what set the customer off, today",
                                continuous_update=True, layout=wide)
        self.constraint = w.Textarea(description="Constraint", placeholder="the rule the agent works within",
                                     continuous_update=True, layout=wide)
        self.body = w.Textarea(continuous_update=True, rows=28, layout=w.Layout(width="100%"),
                               placeholder="brief: …\ncustomer: …\n(every card field the form does not hold)")
        self.body.add_class("rp-yaml")
        for control in (*self.fields.values(), self.body):
            control.observe(guarded(self.status)(self._changed), names="value")

    def _start_row(self) -> w.HBox:
        use = button("Use as starting point",
                     tooltip="Replace the YAML text and the pickers with this card's")
        use.on_click(guarded(self.status)(lambda _: self.start_over()))
        return w.HBox([self.start_from, use])

    def _fields_box(self) -> w.VBox:
        return w.VBox([w.HBox([self.card_id, self.title]),
                       w.HBox([self.category, self.difficulty, self.channel, self.persona]),
                       self.skill, self.brief, self.spark, self.constraint,
                       w.HTML("<small>Everything else (customer, facts, criteria…) as YAML:</small>")])

    @property
    def fields(self) -> dict[str, w.ValueWidget]:
        """The form's controls by card field name."""
        return {"id": self.card_id, "title": self.title, "category": self.category,
                "difficulty": self.difficulty, "channel": self.channel, "persona": self.persona,
                "skill": self.skill, "brief": self.brief, "spark": self.spark, "constraint": self.constraint}

    # -- behaviour ------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {name: str(control.value or "") for name, control in self.fields.items()}

    def start_over(self) -> None:
        """Take the chosen card's pickers and YAML text; keep the id and title typed so far."""
        if not self.start_from.value:
            self.body.value = ""
            return
        fields, body = starting_point(self.library, self.start_from.value)
        for name, value in fields.items():
            if name not in ("id", "title"):
                self.fields[name].value = value
        self.body.value = body

    def _changed(self, _change: object = None) -> None:
        self.status.clear()  # a message about the last save no longer describes this draft
        self.check()

    def check(self, _change: object = None) -> DraftCheck:
        """Validate the draft now; Save is enabled only for a card that would load."""
        self.result = check_draft(self.values(), self.body.value, self.library, self.folder)
        self.problems.value = problems_html(self.result)
        self.save.disabled = not self.result.ok
        return self.result

    def on_saved(self, callback: Saved) -> None:
        """Call ``callback(path)`` after each save, e.g. to add the card to a library being browsed."""
        self._saved.append(callback)

    def _save(self, _button: object = None) -> None:
        try:
            path = save_draft(self.values(), self.body.value, self.library, self.folder)
        except DataInvalid as error:  # CardExists and other refusals pass to ``guarded`` as one line
            self.status.error(f"Not saved: fix the {len(error.problems)} problem(s) listed above.")
            return
        self.status.ok(f"Saved {path.name} in {path.parent}.")
        # the draft is now that card: no problem to list, nothing to save until it changes
        self.problems.value = ""
        self.save.disabled = True
        for callback in self._saved:
            callback(path)
