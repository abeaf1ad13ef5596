"""The countdown: remaining time counted in the browser against the stored deadline.

The kernel sends the deadline once per phase change, never a tick. Every screen in the
room must show the same time even when a laptop's clock is off, so the browser measures
its offset from the server's clock with one round trip when it renders (NTP-style, the
midpoint of the request) and counts against ``Date.now() + offset``. A preheated Voilà
kernel may have built the widget long before the page opened, which is why the offset is
measured at render, not taken from when the state was sent.
"""

from __future__ import annotations

import time
from typing import Any

import anywidget
import traitlets as t

from facilitation.records import SceneState

_ESM = r"""
function fmt(seconds) {
  const s = Math.ceil(Math.abs(seconds));
  const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return seconds < 0 ? `+${text}` : text;
}

function render({ model, el }) {
  el.classList.add("rp-countdown");
  const phase = document.createElement("span");
  const clock = document.createElement("span");
  phase.className = "rp-countdown-phase";
  clock.className = "rp-countdown-clock";
  clock.setAttribute("role", "timer");
  el.append(phase, clock);
  let offset = 0;

  const sync = () => model.send({ type: "clock?", sent: Date.now() });
  model.on("msg:custom", (msg) => {
    if (msg.type === "clock" && typeof msg.sent === "number") {
      offset = msg.server_ms - (msg.sent + Date.now()) / 2;
      el.dataset.offsetMs = String(Math.round(offset));
      draw();
    }
  });

  const draw = () => {
    const label = model.get("label");
    const deadline = model.get("deadline_ms");
    let remaining = model.get("remaining_s");
    if (deadline && !model.get("paused")) remaining = (deadline - (Date.now() + offset)) / 1000;
    phase.textContent = label;
    el.dataset.phase = model.get("phase");
    if (remaining === null || remaining === undefined) {
      clock.textContent = "";
      el.classList.remove("rp-overtime");
      return;
    }
    clock.textContent = model.get("paused") ? `${fmt(remaining)} paused` : fmt(remaining);
    el.classList.toggle("rp-overtime", remaining < 0);
    el.dataset.remaining = String(Math.round(remaining));
  };
  el.style.setProperty("--rp-size", model.get("size"));
  model.on("change:size", () => el.style.setProperty("--rp-size", model.get("size")));
  for (const name of ["deadline_ms", "remaining_s", "paused", "label", "phase"]) {
    model.on(`change:${name}`, draw);
  }
  sync();
  const timer = setInterval(draw, 250);
  draw();
  return () => clearInterval(timer);
}
export default { render };
"""


_CSS = """
.rp-countdown { display: inline-flex; gap: .6em; align-items: baseline; font-family: system-ui, sans-serif; }
.rp-countdown-clock { font-variant-numeric: tabular-nums; font-size: var(--rp-size, 2em); font-weight: 700; }
.rp-countdown-phase { text-transform: uppercase; letter-spacing: .08em; color: #5f6368; }
.rp-countdown.rp-overtime .rp-countdown-clock { color: #d93025; }
"""


class Countdown(anywidget.AnyWidget):
    """A phase's remaining time, rendered and counted by the browser."""

    _esm = _ESM
    _css = _CSS
    phase = t.Unicode("ready", help="the scene's phase id").tag(sync=True)
    label = t.Unicode("", help="what the room reads beside the clock").tag(sync=True)
    deadline_ms = t.Float(None, allow_none=True, help="the phase's deadline, server epoch ms").tag(sync=True)
    remaining_s = t.Float(None, allow_none=True, help="seconds left while paused").tag(sync=True)
    paused = t.Bool(False).tag(sync=True)
    size = t.Unicode("2em", help="CSS font size of the clock").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._answer_clock)

    def show(self, state: SceneState) -> None:
        """Follow ``state``: its phase, and its deadline or the time left while paused."""
        with self.hold_sync():
            self.phase = state.phase
            self.label = state.phase + (" · overtime" if state.overtime else "")
            self.paused = state.paused
            self.deadline_ms = state.deadline.timestamp() * 1000 if state.deadline else None
            self.remaining_s = state.remaining

    def _answer_clock(self, _: Any, content: dict[str, Any], buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "clock?":
            self.send({"type": "clock", "sent": content.get("sent"), "server_ms": time.time() * 1000})


