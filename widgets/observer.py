"""The observer's checklist, built from the rubric: ticks, quotes, "tone softened here", a pause
timer and a free note. Each is stored the moment it is made; there is no save button.

Quoting is done by clicking "❝" on a message in the transcript (``quote``); a tick clicked
again is withdrawn (a tombstone, not a deletion), so the debrief sees the observer's last word.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.records import Message, Note
from facilitation.rubrics import Rubric

from .common import Status, button, escape, guarded

if TYPE_CHECKING:
    from facilitation.workbench import Workbench


class ObserverChecklist(w.VBox):
    def __init__(self, wb: Workbench, scene_id: str, rubric: Rubric, observer: str,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.scene_id, self.observer = wb, scene_id, observer
        self.status = Status()
        self.ticks: dict[str, w.ToggleButton] = {}
        self.tick_notes: dict[str, int] = {}
        self.last_message: Message | None = None
        self.last_customer: Message | None = None
        self._timer_started: float | None = None
        self.saved = w.HTML("")
        rows: list[w.Widget] = []
        for item in rubric.checklist:
            if item.kind == "tick":
                # a ✓ in the text, not an icon: icon fonts come from a CDN
                toggle = w.ToggleButton(description=f"✓ {item.label}", tooltip=item.prompt,
                                        layout=w.Layout(width="auto"))
                toggle.add_class(f"rp-tick-{item.id}")
                on_tick = guarded(self.status)(lambda change, item=item.id: self.tick(item, change["new"]))
                toggle.observe(on_tick, "value")
                self.ticks[item.id] = toggle
        rows.append(w.HBox(list(self.ticks.values())))
        self.softened = button("Tone softened here", tooltip="Mark the customer's latest message "
                               "(or click ≈ on the message where it softened)")
        self.softened.add_class("rp-softened")
        self.softened.on_click(guarded(self.status)(lambda _: self.mark_softened()))
        self.timer = button("⏱ Start pause timer")
        self.timer.add_class("rp-timer")
        self.timer.on_click(guarded(self.status)(lambda _: self.toggle_timer()))
        rows.append(w.HBox([self.softened, self.timer]))
        self.note = w.Textarea(placeholder="A note for the debrief (saved when you click away)",
                               continuous_update=False, layout=w.Layout(width="100%"))
        self.note.add_class("rp-note")
        self.note.observe(guarded(self.status)(lambda change: self.save_note(change["new"])), "value")
        self.children = [*rows, self.note, self.saved, self.status]

    # -- each observation, stored at once ----------------------------------------------

    def tick(self, item: str, on: bool) -> None:
        if on and item not in self.tick_notes:
            self.tick_notes[item] = self.wb.add_note(self.scene_id, self.observer, "tick", item=item).id
            self._saved(f"Ticked {item}.")
        elif not on and item in self.tick_notes:
            self.wb.delete_note(self.scene_id, self.tick_notes.pop(item), by=self.observer)
            self._saved(f"Withdrew the {item} tick.")

    def quote(self, message: Message) -> Note:
        note = self.wb.add_note(self.scene_id, self.observer, "quote", message_id=message.id,
                                text=message.text)
        self._saved(f"Quoted message {message.index + 1}: “{message.text[:60]}”")
        return note

    def mark_softened(self, message: Message | None = None) -> Note | None:
        """"Tone softened" at ``message`` (a row's ≈), else at the customer's latest line."""
        message = message or self.last_customer
        if message is None:
            self.status.error("No customer message to mark yet.")
            return None
        note = self.wb.add_note(self.scene_id, self.observer, "marker", item="tone-softened",
                                message_id=message.id)
        self._saved(f"Marked: tone softened at message {message.index + 1}.")
        return note

    def toggle_timer(self) -> Note | None:
        if self._timer_started is None:
            self._timer_started = time.monotonic()
            self.timer.description = "⏱ Stop pause timer"
            return None
        pause_ms = round((time.monotonic() - self._timer_started) * 1000)
        self._timer_started = None
        self.timer.description = "⏱ Start pause timer"
        message_id = self.last_message.id if self.last_message else None
        note = self.wb.add_note(self.scene_id, self.observer, "timer", item="pause", value=pause_ms,
                                message_id=message_id)
        self._saved(f"Pause timed: {pause_ms / 1000:.1f} s.")
        return note

    def save_note(self, text: str) -> Note | None:
        if not text.strip():
            return None
        note = self.wb.add_note(self.scene_id, self.observer, "note", text=text.strip())
        self._saved(f"Note saved: “{text.strip()[:60]}”")
        self.note.value = ""
        return note

    def follow(self, transcript: list[Message]) -> None:
        """The latest message is what the timer refers to; the customer's latest line is where
        "tone softened" goes unless a row's ≈ says otherwise."""
        self.last_message = transcript[-1] if transcript else None
        self.last_customer = next((m for m in reversed(transcript) if m.speaker == "customer"), None)
        self.softened.description = (f"Tone softened at message {self.last_customer.index + 1}"
                                     if self.last_customer else "Tone softened here")

    def _saved(self, what: str) -> None:
        self.status.clear()
        self.saved.value = f'<div class="rp-status rp-ok rp-saved">✓ {escape(what)}</div>'
