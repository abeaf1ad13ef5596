"""The timed loop of one scene: brief → act → rewind → debrief, as an explicit state machine.

A running phase is its UTC deadline; a paused one is the seconds it had left. Every
process computes remaining time the same way from the stored state, so no screen
counts ticks. Each transition is one method that returns the new state and the event
to record; an illegal move raises ``PhaseConflict`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from .errors import PhaseConflict
from .vocabulary import PHASES

READY, ENDED = "ready", "ended"


@dataclass(frozen=True)
class PhaseState:
    phase: str = READY
    started_at: datetime | None = None
    deadline: datetime | None = None
    remaining: float | None = None  # seconds left while paused; negative in overtime
    paused_by: str | None = None
    overtime_noted: bool = False

    @property
    def active(self) -> bool:
        return self.phase in PHASES

    @property
    def paused(self) -> bool:
        return self.active and self.deadline is None

    def remaining_at(self, now: datetime) -> float | None:
        """Seconds left in the phase (negative once over time); None outside the loop."""
        if not self.active:
            return None
        if self.deadline is None:
            return self.remaining
        return (self.deadline - now).total_seconds()

    def overtime(self, now: datetime) -> bool:
        left = self.remaining_at(now)
        return left is not None and left < 0


Event = dict[str, Any]


@dataclass(frozen=True)
class PhaseMachine:
    """Transitions for one scene, with its phase durations in seconds."""

    durations: dict[str, int]

    def _enter(self, state: PhaseState, phase: str, now: datetime) -> PhaseState:
        if phase == ENDED:
            return PhaseState(phase=ENDED, started_at=now)
        return PhaseState(phase=phase, started_at=now,
                          deadline=now + timedelta(seconds=self.durations[phase]))

    def _moved(self, kind: str, old: PhaseState, new: PhaseState, **payload: Any) -> Event:
        return {"kind": kind, "from": old.phase, "to": new.phase, **payload}

    def start(self, state: PhaseState, now: datetime) -> tuple[PhaseState, Event]:
        if state.phase != READY:
            raise PhaseConflict(f"the scene has already started (phase: {state.phase})")
        new = self._enter(state, PHASES[0], now)
        return new, self._moved("start", state, new)

    def skip(self, state: PhaseState, now: datetime) -> tuple[PhaseState, Event]:
        """Move on to the next phase (after debrief: end the scene)."""
        self._require_active(state, "skip")
        i = PHASES.index(state.phase)
        new = self._enter(state, PHASES[i + 1] if i + 1 < len(PHASES) else ENDED, now)
        return new, self._moved("skip", state, new, left=state.remaining_at(now))

    def goto(self, state: PhaseState, now: datetime, phase: str) -> tuple[PhaseState, Event]:
        """Jump to a named phase (e.g. back to act to restart it)."""
        self._require_active(state, "change phase")
        if phase not in PHASES:
            raise PhaseConflict(f"{phase!r} is not a phase of the loop")
        new = self._enter(state, phase, now)
        return new, self._moved("goto", state, new, left=state.remaining_at(now))

    def pause(self, state: PhaseState, now: datetime, by: str | None = None,
              reason: str = "facilitator") -> tuple[PhaseState, Event]:
        self._require_active(state, "pause")
        if state.paused:
            raise PhaseConflict("the scene is already paused")
        left = state.remaining_at(now)
        new = replace(state, deadline=None, remaining=left, paused_by=by)
        return new, {"kind": "pause", "phase": state.phase, "left": left, "by": by, "reason": reason}

    def resume(self, state: PhaseState, now: datetime) -> tuple[PhaseState, Event]:
        self._require_active(state, "resume")
        if not state.paused:
            raise PhaseConflict("the scene is not paused")
        assert state.remaining is not None
        new = replace(state, deadline=now + timedelta(seconds=state.remaining), remaining=None,
                      paused_by=None)
        return new, {"kind": "resume", "phase": state.phase, "left": state.remaining}

    def extend(self, state: PhaseState, now: datetime, seconds: float) -> tuple[PhaseState, Event]:
        self._require_active(state, "extend")
        if seconds <= 0:
            raise PhaseConflict("extend by a positive number of seconds")
        if state.paused:
            assert state.remaining is not None
            new = replace(state, remaining=state.remaining + seconds)
        else:
            assert state.deadline is not None
            new = replace(state, deadline=state.deadline + timedelta(seconds=seconds))
        still_over = new.overtime(now)
        new = replace(new, overtime_noted=state.overtime_noted and still_over)
        return new, {"kind": "extend", "phase": state.phase, "seconds": seconds}

    def tick(self, state: PhaseState, now: datetime) -> tuple[PhaseState, Event] | None:
        """Note overtime the first time a running phase passes its deadline."""
        if state.active and not state.paused and state.overtime(now) and not state.overtime_noted:
            assert state.deadline is not None
            return replace(state, overtime_noted=True), {
                "kind": "overtime", "phase": state.phase, "deadline": state.deadline.isoformat()}
        return None

    def end(self, state: PhaseState, now: datetime) -> tuple[PhaseState, Event]:
        if state.phase == ENDED:
            raise PhaseConflict("the scene has already ended")
        new = self._enter(state, ENDED, now)
        return new, self._moved("end", state, new)

    @staticmethod
    def _require_active(state: PhaseState, action: str) -> None:
        if not state.active:
            where = "has not started" if state.phase == READY else "has ended"
            raise PhaseConflict(f"cannot {action}: the scene {where}")
