"""Run a whole scene without a screen: scripted agent lines against a customer engine."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from .workbench import InvalidInput, Workbench


def text_line_of(error: UnicodeDecodeError) -> int:
    """The 1-based line of the byte that could not be decoded."""
    return error.object[:error.start].count(b"\n") + 1


def read_agent_lines(path: str) -> list[str]:
    """One agent message per line; blank lines and ``#`` comments are skipped; ``-`` is stdin."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read agent lines from {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = text_line_of(exc)
        raise InvalidInput(f"{path}:{line}: not UTF-8 text (save the file as UTF-8)") from None
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise InvalidInput(f"{path} has no agent lines (one message per line)")
    return lines


def run_scene(wb: Workbench, card_id: str, agent_lines: Iterable[str], *, seed: int | None = None,
              engine: str = "embedded", agent: str = "agent", facilitator: str = "facilitator") -> str:
    """Play brief → act → rewind → debrief with the given agent lines; return the scene id.

    The act stops early when the customer ends the scene (resolved, escalated, abandoned).
    The run is stored as practice: scored, but not counted in progress, reports or exports.
    """
    session = wb.create_session(f"Headless run: {card_id}", facilitator, [agent], purpose="practice")
    scene = wb.create_scene(session.id, card_id, seed=seed, engine=engine, roles={agent: "agent"})
    wb.start(scene.id, by=facilitator)
    wb.skip(scene.id, by=facilitator)  # brief → act
    for _ in wb.customer_turn(scene.id):
        pass
    for line in agent_lines:
        wb.post_message(scene.id, "agent", line, author=agent)
        for _ in wb.customer_turn(scene.id):
            pass
        state = wb.customer_state(scene.id)
        if state is not None and state.ended:
            break
    wb.skip(scene.id, by=facilitator)  # act → rewind
    wb.skip(scene.id, by=facilitator)  # rewind → debrief
    wb.end(scene.id, by=facilitator)
    return scene.id
