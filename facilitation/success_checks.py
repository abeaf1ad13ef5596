"""A card's success criteria checked against what happened in the scene, each naming the
message that meets it or saying what is missing (see ``cards.CHECKS``)."""

from __future__ import annotations

from dataclasses import dataclass

from .cards import SuccessCriterion
from .records import Record
from .scene_reading import SceneReading


@dataclass(frozen=True)
class SuccessCheck(Record):
    text: str
    met: bool
    messages: list[int]  # the message that meets it (empty when not met)
    check: str = ""
    why: str = ""  # what was found, or what is missing


def check_success(criterion: SuccessCriterion, scene: SceneReading) -> SuccessCheck:
    """One success criterion checked against the scene, naming the message that meets it."""
    message, why = _meets(criterion, scene)
    if message is not None and criterion.before:
        first = scene.first_fact_message(criterion.before)
        if first is not None and first < message:
            message, why = None, f"{why}, but only after the explanation at message {first}"
    if message is None:
        return SuccessCheck(criterion.text, False, [], criterion.check, why)
    return SuccessCheck(criterion.text, True, [message], criterion.check, why)


def _meets(criterion: SuccessCriterion, scene: SceneReading) -> tuple[int | None, str]:
    """The message that meets the check (None: not met) and what was found."""
    agent = scene.agent_turns
    check = criterion.check
    if check == "acknowledged":
        turn = scene.first_acknowledgment()
        if turn is None:
            return None, "never acknowledged"
        return turn.number, f"acknowledged at message {turn.number}"
    if check == "behaviour":
        turn = next((t for t in agent if any(t.reading.shows(b) for b in criterion.behaviours)), None)
        names = " or ".join(criterion.behaviours)
        return (turn.number, f"{names} at message {turn.number}") if turn else (None, f"no {names}")
    if check == "next_step":
        turn = scene.first_next_step()
        if turn is None:
            return None, "no next step (who does what by when)"
        if scene.lost:
            return None, f"next step at message {turn.number}, but the customer {scene.outcome}"
        return turn.number, f"next step at message {turn.number}"
    if check == "resolved":
        if scene.outcome == "resolved":
            return agent[-1].number, "the customer ended the scene resolved"
        return None, f"the customer {scene.outcome}" if scene.outcome else "the scene ended unresolved"
    if check == "objectives":
        found = {o.objective: o.message for o in scene.objectives}
        missing = [o for o in criterion.objectives if o not in found]
        if missing:
            return None, f"not met: {', '.join(missing)}"
        last = max(found[o] for o in criterion.objectives)
        return last, f"met by message {last}"
    conveyed = {f.fact: f.message for f in scene.facts}
    missing = [f for f in criterion.facts if f not in conveyed]
    wrong = [c for c in scene.contradictions if c.fact in criterion.facts and not c.put_right]
    if wrong:
        return None, f"contradicted at message {wrong[0].message}: “{wrong[0].quote}”"
    if missing:
        return None, f"not conveyed: {', '.join(missing)}"
    last = max(conveyed[f] for f in criterion.facts)
    return last, f"conveyed by message {last}"
