"""The conversation as the room sees it: one row per message, escaped, with per-view actions.

A row may carry one action button (the facilitator's "retry from here", the observer's
"quote", the agent's "unrealistic" flag); the view that owns the transcript decides which.
Rows are added as messages arrive rather than rebuilt, so a long scene stays cheap to
follow. Earlier attempts (branches left by a rewind or a restart) stand beside the
current one, read-only, so the room compares them side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as w

from facilitation.records import Branch, Message

from .common import button, escape


@dataclass(frozen=True)
class RowAction:
    """A button on some rows: its label, which speaker's rows carry it, and what it does."""

    label: str
    speaker: str | None  # None: every row
    run: Callable[[Message], None]
    tooltip: str = ""


def bubble(message: Message, number: int | None = None) -> str:
    """One message as HTML; the text is escaped, so typed markup shows as text."""
    who = "Agent" if message.speaker == "agent" else "Customer"
    pause = f" · paused {message.pause_ms / 1000:.1f} s" if message.pause_ms is not None else ""
    label = f"{number}. {who}" if number is not None else who
    return (f'<div class="rp-msg rp-{message.speaker}" data-message="{message.id}">'
            f'<div class="rp-who">{label}{pause}</div>{escape(message.text)}</div>')


class TranscriptView(w.VBox):
    """The current attempt, rows appended as they are stored, plus a row being streamed."""

    def __init__(self, actions: Sequence[RowAction] = (), **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.actions = list(actions)
        self.shown: list[Message] = []
        self.streaming = w.HTML("")
        self.rows = w.VBox()
        self.children = [self.rows, self.streaming]
        self.add_class("rp-transcript")

    def show(self, transcript: Sequence[Message]) -> None:
        """Make the rows match ``transcript``: append what is new, rebuild after a rewind."""
        if [m.id for m in transcript[:len(self.shown)]] != [m.id for m in self.shown]:
            self.shown, self.rows.children = [], ()
        fresh = list(transcript[len(self.shown):])
        if fresh:
            start = len(self.shown)
            self.rows.children = (*self.rows.children,
                                  *(self._row(m, start + i + 1) for i, m in enumerate(fresh)))
            self.shown.extend(fresh)

    def stream(self, speaker: str, text: str) -> None:
        """The reply as it arrives (empty ``text`` clears it)."""
        self.streaming.value = (f'<div class="rp-msg rp-{speaker} rp-streaming"><div class="rp-who">'
                                f'{speaker.title()} is typing…</div>{escape(text)}</div>') if text else ""

    def _row(self, message: Message, number: int) -> w.Widget:
        # the bubble takes what is left of the row, so its buttons are never pushed out of view
        text = w.HTML(bubble(message, number), layout=w.Layout(flex="1 1 auto", min_width="0"))
        buttons = [self._button(a, message) for a in self.actions if a.speaker in (None, message.speaker)]
        row = w.HBox([text, *buttons], layout=w.Layout(width="100%")) if buttons else text
        row.add_class("rp-row")
        return row

    @staticmethod
    def _button(action: RowAction, message: Message) -> w.Button:
        b = button(action.label, tooltip=action.tooltip)
        b.layout.flex = "0 0 auto"
        b.add_class("rp-row-action")
        b.on_click(lambda _: action.run(message))
        return b


class AttemptsView(w.HBox):
    """Earlier attempts, read-only columns to the left of the current one."""

    def __init__(self, current: w.Widget, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.current = current
        self.earlier: dict[str, w.Widget] = {}
        self.children = [current]

    def show(self, branches: Sequence[Branch], current: str | None,
             transcript_of: Callable[[str], list[Message]]) -> None:
        for b in branches:
            if b.id != current and b.id not in self.earlier:
                self.earlier[b.id] = _column(f"Attempt {len(self.earlier) + 1} ({b.reason})"
                                             if b.parent else "Attempt 1", transcript_of(b.id))
        if self.earlier:
            head = w.HTML(f"<b>Attempt {len(self.earlier) + 1} (now)</b>")
            self.children = [*self.earlier.values(), w.VBox([head, self.current])]
        else:
            self.children = [self.current]


def _column(title: str, transcript: Sequence[Message]) -> w.Widget:
    rows = "".join(bubble(m, i + 1) for i, m in enumerate(transcript))
    return w.HTML(f'<div class="rp-attempt" style="opacity: .8"><b>{escape(title)}</b>{rows}</div>',
                  layout=w.Layout(width="32em"))
