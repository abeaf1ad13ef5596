"""The debrief board: feelings → observations (two strengths, one micro-adjustment) → one
commitment each, beside the scene's score card, its highlighted moments and what the
observers quoted. Entries are stored as they are added."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from facilitation.records import DebriefEntry, Note

from .common import Status, button, escape, guarded

if TYPE_CHECKING:
    from facilitation.workbench import Workbench

LAYERS = {"feeling": "1 · How did that feel?", "strength": "2 · Strengths (two)",
          "adjustment": "3 · One micro-adjustment", "commitment": "4 · One commitment each"}


def score_card_html(card: dict[str, Any] | None) -> str:
    """The score card as the room reads it: every number beside the evidence behind it."""
    if card is None:
        return "<p><i>The score card appears when the scene ends.</i></p>"
    rows = "".join(
        f"<tr><td>{escape(c['name'])}</td><td><b>{c['score']}</b></td>"
        f"<td>{escape(c['level_label'])}</td><td>{'; '.join(escape(q) for q in _quotes(c))}</td></tr>"
        for c in card["criteria"])
    moments = "".join(f"<li>{escape(h['text'])}: “{escape(h['quote'])}”</li>" for h in card["highlights"])
    missed = "".join(f"<li>{escape(m['text'])}</li>" for m in card["missed"])
    lines = "".join(f"<li>{escape(a['line'])} <small>({escape(a['source'])})</small></li>"
                    for a in card["alternatives"])
    return (f'<div class="rp-scorecard"><h3>Score {card["overall"]} / 100</h3>'
            f"{_what_happened(card)}"
            f"<table><tr><th>Criterion</th><th>Score</th><th>Level</th><th>Evidence</th></tr>{rows}</table>"
            f"<b>Highlighted moments</b><ul>{moments or '<li>none</li>'}</ul>"
            f"<b>Missed opportunities</b><ul>{missed or '<li>none</li>'}</ul>"
            f"<b>Lines to try</b><ul>{lines or '<li>none</li>'}</ul>"
            f'<small>Scorer {escape(card["scorer_version"])}, rubric {escape(card["rubric_version"])}</small>'
            "</div>")


def _what_happened(card: dict[str, Any]) -> str:
    """The outcome, the customer's trajectory, the success checks and the facts (scorer 2 and up)."""
    if "outcome" not in card:
        return ""  # a score card from before the scorer read the scene
    parts = [f"<p><b>Outcome:</b> {escape(OUTCOMES.get(card['outcome'], 'the clock ran out'))}"]
    path = card.get("trajectory") or []
    if len(path) >= 2:
        first, last = path[0], path[-1]
        parts.append(f" · <b>customer sentiment</b> {first['sentiment']:+.2f} (message {first['message']})"
                     f" → {last['sentiment']:+.2f} (message {last['message']})")
    parts.append("</p>")
    checks = "".join(f"<li>{'✓' if s['met'] else '✗'} {escape(s['text'])} <small>({escape(s.get('why', ''))})"
                     "</small></li>" for s in card.get("success", []))
    facts = "".join(f"<li>message {f['message']}: “{escape(f['quote'])}” <small>({escape(f['statement'])})"
                    "</small></li>" for f in card.get("facts", []))
    wrong = "".join(f"<li>message {c['message']}: “{escape(c['quote'])}”{_card_says(c)}</li>"
                    for c in card.get("contradictions", []))
    parts.append(f"<b>Success criteria</b><ul>{checks or '<li>none</li>'}</ul>"
                 f"<b>Facts conveyed</b><ul>{facts or '<li>none</li>'}</ul>")
    if wrong:
        parts.append(f"<b>Facts contradicted</b><ul>{wrong}</ul>")
    return "".join(parts)


def _card_says(contradiction: dict[str, Any]) -> str:
    expected = contradiction.get("expected")
    return f" <small>(the card says {escape(expected)})</small>" if expected else ""


OUTCOMES = {"resolved": "the customer was satisfied (resolved)", "escalated": "the customer escalated",
            "abandoned": "the customer left (abandoned)"}


def _quotes(criterion: dict[str, Any]) -> list[str]:
    return [e["quote"] for e in criterion.get("evidence", []) if e.get("quote")][:3]


def observations_html(notes: Sequence[Note], numbers: Mapping[int, int] | None = None,
                      names: Mapping[str, str] | None = None) -> str:
    """What the observers recorded, for the observations layer; ``numbers`` gives the chat's
    number of each message a note points at, ``names`` how the room knows each observer."""
    numbers, names = numbers or {}, names or {}
    items = []
    for n in notes:
        at = f" at message {numbers[n.message_id]}" if n.message_id in numbers else ""
        n = replace(n, observer=names.get(n.observer, n.observer))
        if n.kind == "quote":
            items.append(f"❝{escape(n.text or '')}❞ <small>({escape(n.observer)})</small>")
        elif n.kind == "tick":
            items.append(f"✓ {escape(n.item or '')} <small>({escape(n.observer)})</small>")
        elif n.kind == "marker":
            items.append(f"tone softened{at} <small>({escape(n.observer)})</small>")
        elif n.kind == "timer" and n.value is not None:
            items.append(f"pause {n.value / 1000:.1f} s{at} <small>({escape(n.observer)})</small>")
        elif n.kind == "note":
            items.append(f"{escape(n.text or '')} <small>({escape(n.observer)})</small>")
    listed = "".join(f"<li>{i}</li>" for i in items) or "<li>nothing yet</li>"
    return f"<b>Observers noted</b><ul>{listed}</ul>"


class DebriefBoard(w.VBox):
    def __init__(self, wb: Workbench, scene_id: str, people: Sequence[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.scene_id = wb, scene_id
        self.status = Status()
        self.columns = {layer: w.HTML() for layer in LAYERS}
        known = wb.person_names(people)
        self.names = {p: known[p] for p in people}  # in the session's order
        self.person = w.Dropdown(options=[(name, p) for p, name in self.names.items()] or ["room"],
                                 description="Who")
        self.layer = w.Dropdown(options=[(title, layer) for layer, title in LAYERS.items()],
                                description="Layer")
        self.text = w.Text(placeholder="What they said", layout=w.Layout(width="30em"))
        self.add = button("Add", style="primary")
        self.add.add_class("rp-debrief-add")
        self.add.on_click(guarded(self.status)(lambda _: self.submit()))
        self.card = w.HTML()
        self.observed = w.HTML()
        board = w.HBox([w.VBox([w.HTML(f"<b>{escape(title)}</b>"), self.columns[layer]],
                               layout=w.Layout(width="25%")) for layer, title in LAYERS.items()])
        self.children = [board, w.HBox([self.person, self.layer, self.text, self.add]), self.status,
                         w.HBox([self.card, self.observed])]
        self.refresh()

    def submit(self) -> DebriefEntry:
        entry = self.wb.add_debrief(self.scene_id, self.person.value, self.layer.value, self.text.value)
        self.text.value = ""
        self.status.clear()
        self.refresh()
        return entry

    def refresh(self) -> None:
        changes = self.wb.changes_since(self.scene_id, 0)
        for layer, column in self.columns.items():
            entries = [e for e in changes.debrief if e.layer == layer]
            column.value = "".join(f'<div class="rp-card"><b>{escape(self.names.get(e.person, e.person))}'
                                   f"</b>: {escape(e.text)}</div>" for e in entries)
        self.card.value = score_card_html(self.wb.score_card(self.scene_id))
        notes = self.wb.notes(self.scene_id)
        self.observed.value = observations_html(notes, names=self.wb.person_names(n.observer for n in notes))
