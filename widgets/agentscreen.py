"""What the agent's own systems would show for this attempt: the customer's account as drawn
for it, the facts on record, and the rule the agent must work within. The agent is scored on
these facts, so they are on screen from the brief through the act; what the customer hides
(their needs, their fears) is not."""

from __future__ import annotations

import ipywidgets as w

from facilitation.cards import DrawnCard

from .common import escape

SHOWN_IN = ("ready", "brief", "act", "rewind")  # in the debrief the room looks back, not up

SCREEN_STYLE = """<style>
.rp-screen { border: 1px solid #c7d2fe; background: #f8faff; border-radius: 8px; padding: 6px 10px;
             margin-bottom: 8px; font-size: 0.92em; }
.rp-screen h4 { margin: 2px 0 4px; font-size: 1em; }
.rp-screen ul { margin: 2px 0 4px 1.1em; padding: 0; }
.rp-screen .rp-rule { border-left: 3px solid #f29900; padding-left: 6px; }
</style>"""


def agent_screen_html(drawn: DrawnCard) -> str:
    card = drawn.card
    who = card.customer
    history = "".join(f"<li>{escape(line)}</li>" for line in who.history)
    facts = "".join(f"<li>{escape(f.statement)}</li>" for f in card.facts)
    return (f'{SCREEN_STYLE}<div class="rp-screen"><h4>Agent\'s screen</h4>'
            f"<b>{escape(who.name)}</b> · {escape(who.company)}<br>{escape(who.plan)} · {escape(who.tenure)}"
            f"<ul>{history}</ul><h4>On record</h4><ul>{facts}</ul>"
            f'<div class="rp-rule"><b>Policy:</b> {escape(card.constraint)}</div></div>')


class AgentScreen(w.VBox):
    """The panel beside the agent's chat, with the facilitator's latest cue card on top;
    ``show(phase)`` hides it once the debrief starts."""

    def __init__(self, drawn: DrawnCard, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.cue = w.HTML("")
        self.cue.add_class("rp-cue")
        self.account = w.HTML(agent_screen_html(drawn))
        self.children = [self.cue, self.account]
        self.add_class("rp-agent-screen")

    @property
    def value(self) -> str:
        return self.cue.value + self.account.value

    def show(self, phase: str) -> None:
        self.layout.display = None if phase in SHOWN_IN else "none"

    def show_cue(self, text: str | None) -> None:
        self.cue.value = (f'<div class="rp-notice"><b>Cue from the facilitator:</b> {escape(text)}</div>'
                          if text else "")
