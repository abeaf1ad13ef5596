"""The projector view for the room: a big countdown, the phase, and the card's two-line brief."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.records import SceneState

from .common import escape
from .countdown import Countdown
from .phasebar import phase_pills

if TYPE_CHECKING:
    from facilitation.workbench import Workbench


def two_lines(text: str) -> str:
    """The first two sentences of a brief: what the room can read from the back."""
    sentences = [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()]
    short = ". ".join(sentences[:2])
    return short if short.endswith((".", "!", "?")) else short + "."


class ProjectorView(w.VBox):
    def __init__(self, wb: Workbench, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb = wb
        self.title = w.HTML("")
        self.pills = w.HTML("")
        self.countdown = Countdown(size="7em")
        self.brief = w.HTML("")
        self.children = [self.title, self.pills, self.countdown, self.brief]
        self.add_class("rp-projector")

    def show(self, state: SceneState | None) -> None:
        if state is None:
            self.title.value = "<h1>Waiting for the facilitator to pick a scene…</h1>"
            return
        card = self.wb.drawn_card(state.id).card
        self.title.value = f"<h1>{escape(card.title)}</h1>"
        self.pills.value = phase_pills(state)
        self.countdown.show(state)
        self.brief.value = f'<p style="font-size:2em">{escape(two_lines(card.brief))}</p>'
