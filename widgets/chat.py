"""The chat: the agent's (or the human customer's) input box and the streamed customer reply.

The customer's reply is shown piece by piece as the engine streams it, and stored when it
ends. The pause before each reply is measured from the moment the other side's message
finished arriving to the moment this side sends, and is stored with the message.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.customers import RETRACT, is_simulated
from facilitation.records import Message, SceneState

from .common import Status, button, escape, guarded
from .transcript import AttemptsView, RowAction, TranscriptView

if TYPE_CHECKING:
    from facilitation.customers import CustomerState
    from facilitation.workbench import Workbench

TALKING = ("act", "rewind")


class ChatView(w.VBox):
    """The conversation for one side: ``speaker`` is who types here ("agent" or "customer")."""

    def __init__(self, wb: Workbench, scene_id: str, *, speaker: str = "agent", by: str | None = None,
                 actions: tuple[RowAction, ...] = (), **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.scene_id, self.speaker, self.by = wb, scene_id, speaker, by
        self.status = Status()
        self.transcript = TranscriptView(actions)
        self.attempts = AttemptsView(self.transcript)
        self.notice = w.HTML("")
        self.hint = w.HTML("")
        self.placeholder = f"Type the {speaker}'s message…"
        self.box = w.Textarea(placeholder=self.placeholder, rows=2,
                              layout=w.Layout(width="100%"))
        self.box.add_class("rp-input")
        self.send = button("Send", style="primary", width="6em")
        self.send.add_class("rp-send")
        self.send.on_click(guarded(self.status)(lambda _: self.submit()))
        self.phase = "ready"
        self._other_spoke_at: float | None = None
        self.children = [self.attempts, self.notice, self.hint, w.HBox([self.box, self.send]), self.status]
        self.refresh()

    # -- what the room sees -----------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the current attempt (after a poll saw changes, or after this view wrote)."""
        state = self.wb.scene_state(self.scene_id)
        transcript = self.wb.transcript(self.scene_id)
        before = len(self.transcript.shown)
        self.transcript.show(transcript)
        if len(self.transcript.shown) > before and transcript and transcript[-1].speaker != self.speaker:
            self._other_spoke_at = time.monotonic()
        self.attempts.show(self.wb.branches(self.scene_id), state.branch,
                           lambda b: self.wb.transcript(self.scene_id, b))
        self.phase = state.phase
        customer = self.wb.customer_state(self.scene_id, transcript) if is_simulated(state.engine) else None
        over = customer is not None and customer.ended  # nobody is listening any more
        talking = state.phase in TALKING and not state.paused and not over
        self.box.disabled = self.send.disabled = not talking
        self.box.placeholder = ("The customer has left this attempt: retry from a line (↺) or move on."
                                if over else self.placeholder)
        self._show_customer_notice(state, customer)
        self._show_hint()

    def _show_customer_notice(self, scene: SceneState, state: CustomerState | None) -> None:
        if self.speaker != "agent" or not is_simulated(scene.engine):
            return
        notice = state.notice if state is not None else None
        ended = f"The customer has {state.outcome} the conversation." if state and state.ended else None
        parts = [escape(p) for p in (notice, ended) if p]
        self.notice.value = f'<div class="rp-notice">{"<br>".join(parts)}</div>' if parts else ""

    def _show_hint(self) -> None:
        hint = self.wb.hint(self.scene_id) if self.speaker == "agent" else None
        # a word, not 💡: a laptop without an emoji font shows the bulb as an empty box
        self.hint.value = (f'<div class="rp-hint"><b>Hint:</b> {escape(hint.text)}</div>'
                           if hint is not None else "")

    # -- what this side does ---------------------------------------------------------

    def submit(self) -> Message | None:
        """Store what is in the box (with the pause before it), then let the customer answer."""
        text = self.box.value.strip()
        if not text:
            self.status.error("Type a message first.")
            return None
        pause = round((time.monotonic() - self._other_spoke_at) * 1000) if self._other_spoke_at else None
        message = self.wb.post_message(self.scene_id, self.speaker, text, author=self.by, pause_ms=pause)
        self.box.value = ""
        self.status.clear()
        self.refresh()
        if self.speaker == "agent":
            self.customer_reply()
        return message

    def customer_reply(self) -> None:
        """Stream the simulated customer's next line into the view, then show it stored."""
        if not is_simulated(self.wb.scene_state(self.scene_id).engine):
            return
        state = self.wb.customer_state(self.scene_id)
        if state is not None and state.ended:
            return
        shown = ""
        try:
            for piece in self.wb.customer_turn(self.scene_id):
                shown = "" if piece == RETRACT else shown + piece  # the guard took it back
                self.transcript.stream("customer", shown)
        finally:
            self.transcript.stream("customer", "")
            self.refresh()

    def open_act(self) -> None:
        """The customer opens the act (a simulated customer speaks first)."""
        if not self.wb.transcript(self.scene_id):
            self.customer_reply()
