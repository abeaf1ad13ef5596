"""The projector view, built for a wall: the full width, a clock read from the back of the
room, the card's whole brief, the join code with a QR code for observers' laptops, and in
the debrief the layer being discussed."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.records import SceneState

from .common import escape
from .countdown import Countdown
from .debrief import LAYERS
from .phasebar import phase_pills

if TYPE_CHECKING:
    from facilitation.workbench import Workbench

ROOM_URL_ENV = "ROLEPLAY_ROOM_URL"  # set by `roleplay serve`: where the room's pages are served
ROOM_TOKEN_ENV = "ROLEPLAY_ROOM_TOKEN"  # and the access token on a shared network

PROJECTOR_STYLE = """<style>
.rp-projector { width: 100%; }
.rp-wall-title { font-size: 2.6em; margin: 0.2em 0; }
.rp-wall-brief { font-size: 1.9em; line-height: 1.35; max-width: 60em; }
.rp-wall-join { display: flex; align-items: center; gap: 1.2em; font-size: 1.5em; }
.rp-wall-join .rp-code { font: 700 2em ui-monospace, monospace; letter-spacing: 0.12em; }
.rp-wall-layers { display: flex; gap: 0.6em; font-size: 1.6em; margin: 0.4em 0; }
.rp-wall-layer { padding: 0.3em 0.7em; border-radius: 0.5em; background: #eee; color: #555; }
.rp-wall-layer.rp-now { background: #1a73e8; color: white; font-weight: 700; }
</style>"""


def observer_link(session_code: str) -> str | None:
    """The observer page's address for this session, when the server said where it serves."""
    base = os.environ.get(ROOM_URL_ENV)
    if not base:
        return None
    token = os.environ.get(ROOM_TOKEN_ENV)
    return f"{base}/observer.ipynb?session={session_code}" + (f"&token={token}" if token else "")


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code, drawn here (no service, no network)."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=6, border=2, dark="#111")


def join_html(session_code: str) -> str:
    link = observer_link(session_code)
    code = f'<div>Observers: open the observer page and join with<br><span class="rp-code">' \
           f"{escape(session_code)}</span></div>"
    return f'<div class="rp-wall-join">{qr_svg(link) if link else ""}{code}</div>'


def layers_html(current: str | None) -> str:
    pills = "".join(f'<span class="rp-wall-layer{" rp-now" if layer == current else ""}" '
                    f'data-layer="{layer}">{escape(title)}</span>' for layer, title in LAYERS.items())
    return f'<div class="rp-wall-layers">{pills}</div>'


class ProjectorView(w.VBox):
    def __init__(self, wb: Workbench, session_code: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb = wb
        self.title = w.HTML("")
        self.pills = w.HTML("")
        self.countdown = Countdown(size="12em")
        self.layers = w.HTML("")
        self.brief = w.HTML("")
        self.join = w.HTML(join_html(session_code))
        self.children = [w.HTML(PROJECTOR_STYLE), self.title, self.pills, self.countdown, self.layers,
                         self.brief, self.join]
        self.add_class("rp-projector")
        self.layout.width = "100%"

    def show(self, state: SceneState | None) -> None:
        if state is None:
            self.title.value = '<h1 class="rp-wall-title">Waiting for the facilitator to pick a scene…</h1>'
            return
        card = self.wb.drawn_card(state.id).card
        self.title.value = f'<h1 class="rp-wall-title">{escape(card.title)}</h1>'
        self.pills.value = phase_pills(state)
        self.countdown.show(state)
        self.layers.value = layers_html(self._layer(state.id)) if state.phase in ("debrief", "ended") else ""
        self.brief.value = f'<p class="rp-wall-brief">{escape(card.brief)}</p>'

    def _layer(self, scene_id: str) -> str:
        """The layer the room is on: the latest one the facilitator wrote to, else the first."""
        entries = self.wb.changes_since(scene_id, 0).debrief
        return entries[-1].layer if entries else next(iter(LAYERS))
