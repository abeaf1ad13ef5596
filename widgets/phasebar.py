"""The phase bar: brief → act → rewind → debrief with the countdown, and the facilitator's
controls (start, pause, resume, skip to the next phase, extend by a minute, end)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.records import SceneState
from facilitation.vocabulary import PHASES

from .common import Confirm, Status, button, guarded
from .countdown import Countdown

if TYPE_CHECKING:
    from facilitation.workbench import Workbench

EXTEND_SECONDS = 60


def phase_pills(state: SceneState) -> str:
    """The loop as pills, the current phase lit (red once over time)."""
    pills = []
    for phase in PHASES:
        kind = ""
        if phase == state.phase:
            kind = " rp-over" if state.overtime else " rp-now"
        pills.append(f'<span class="rp-phase{kind}" data-phase="{phase}">{phase}</span>')
    return f'<div class="rp-phases">{"".join(pills)}</div>'


class PhaseBar(w.VBox):
    """Shows the scene's phase and time; with ``controls`` the facilitator drives it."""

    def __init__(self, wb: Workbench, scene_id: str, *, by: str | None = None, controls: bool = True,
                 on_change: Callable[[SceneState], None] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.scene_id, self.by, self.on_change = wb, scene_id, by, on_change
        self.status = Status()
        self.pills = w.HTML()
        self.countdown = Countdown()
        self.buttons = {
            "start": button("Start", style="primary", tooltip="Start the brief"),
            "pause": button("Pause", tooltip="Pause the clock (no penalty)"),
            "resume": button("Resume"),
            "skip": button("Next phase ▶", tooltip="Move on to the next phase now"),
            "extend": button(f"+{EXTEND_SECONDS // 60} min", tooltip="Give this phase another minute"),
            "end": button("End scene", style="danger"),
        }
        self.confirm_end = Confirm("End the scene now? It is scored and the clock stops.", "Yes, end it",
                                   lambda: self.act("end"), self.status)
        for name, b in self.buttons.items():
            b.add_class(f"rp-{name}")
            click = (lambda _: self.confirm_end.ask()) if name == "end" else \
                (lambda _, name=name: self.act(name))
            b.on_click(guarded(self.status)(click))
        row = [self.pills, self.countdown]
        self.children = [w.HBox(row), w.HBox([*self.buttons.values(), self.confirm_end]), self.status] \
            if controls else [w.HBox(row)]
        self.add_class("rp-phasebar")
        self.show(wb.scene_state(scene_id))

    def act(self, name: str) -> SceneState:
        """Run one control; the new state is shown here and passed to ``on_change``."""
        actions: dict[str, Callable[[], SceneState]] = {
            "start": lambda: self.wb.start(self.scene_id, by=self.by),
            "pause": lambda: self.wb.pause(self.scene_id, by=self.by),
            "resume": lambda: self.wb.resume(self.scene_id, by=self.by),
            "skip": lambda: self.wb.skip(self.scene_id, by=self.by),
            "extend": lambda: self.wb.extend(self.scene_id, EXTEND_SECONDS, by=self.by),
            "end": lambda: self.wb.end(self.scene_id, by=self.by),
        }
        state = actions[name]()
        self.status.clear()
        self.show(state)
        if self.on_change is not None:
            self.on_change(state)
        return state

    def show(self, state: SceneState) -> None:
        self.pills.value = phase_pills(state)
        self.countdown.show(state)
        running = state.phase in PHASES
        enabled = {
            "start": state.phase == "ready",
            "pause": running and not state.paused,
            "resume": running and state.paused,
            "skip": running,
            "extend": running,
            "end": state.phase != "ended",
        }
        for name, on in enabled.items():
            self.buttons[name].disabled = not on
