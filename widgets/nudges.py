"""The nudge deck: one click drops a cue card, swaps the customer's goal or changes the
environment. The customer plays a goal or environment from its next reply on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.nudges import nudge_deck

from .common import Status, button, escape, guarded

if TYPE_CHECKING:
    from facilitation.workbench import Workbench

TITLES = {"cue": "Cue cards (for the agent)", "goal": "Swap the customer's goal",
          "environment": "Change the environment"}


class NudgeDeck(w.VBox):
    def __init__(self, wb: Workbench, scene_id: str, *, by: str | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.scene_id, self.by = wb, scene_id, by
        self.status = Status()
        self.dropped = w.HTML("")
        sections: list[w.Widget] = []
        card = wb.drawn_card(scene_id).card
        for kind, cards in nudge_deck().cards(card.channel, card.category).items():
            buttons = []
            for text in cards:
                b = button(text, tooltip=f"{kind}: {text}")
                b.add_class(f"rp-nudge-{kind}")
                b.on_click(guarded(self.status)(lambda _, kind=kind, text=text: self.drop(kind, text)))
                buttons.append(b)
            sections.append(w.VBox([w.HTML(f"<b>{TITLES[kind]}</b>"),
                                    w.Box(buttons, layout=w.Layout(flex_flow="row wrap"))]))
        self.children = [*sections, self.dropped, self.status]

    def drop(self, kind: str, text: str) -> None:
        self.wb.nudge(self.scene_id, kind, text, by=self.by)
        self.dropped.value = f'<div class="rp-card">Dropped ({kind}): {escape(text)}</div>'
        self.status.clear()
