"""The simulated customer's side of a scene: stream its next turn and keep its state.

The customer's state after each of its messages is stored as a ``customer`` event naming
that message, so after a rewind the state is the one the branch's last customer line
left, and the mood trajectory survives for the debrief and reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property

from sqlalchemy import select

from .customers import (
    CustomerEngine,
    CustomerState,
    SceneContext,
    customer_engine,
    engine_names,
    is_simulated,
)
from .customers.llm import offline_engine
from .errors import WorkbenchError
from .records import Message, SceneState
from .scenebase import MAX_TEXT, InvalidInput, SceneBase
from .store import queries as q
from .store.schema import events

NUDGES_FOR_CUSTOMER = ("goal", "environment")  # a cue card is for the agent only


class CustomerTurns(SceneBase):
    @cached_property
    def _engines(self) -> dict[str, CustomerEngine]:
        return {}  # one engine per name and workbench: an LLM client keeps its connections

    def _engine(self, name: str) -> CustomerEngine:
        if name not in self._engines:
            self._engines[name] = customer_engine(name)
        return self._engines[name]

    def ready_engine(self, name: str) -> CustomerEngine:
        """The customer engine ``name``, refused in the room's words when it cannot play.

        Checked before a scene is stored, so an unconfigured LLM customer never leaves a
        scene with no opening behind."""
        if name not in engine_names():
            raise InvalidInput(f"no customer engine {name!r}; have {', '.join(engine_names())}")
        try:
            return self._engine(name)
        except WorkbenchError as error:
            raise InvalidInput(f"No scene was started: {error}. "
                               f"Pick the embedded (offline) customer, or set it up and try again."
                               ) from None

    def scene_context(self, scene_id: str) -> SceneContext:
        return self._context(self.scene_state(scene_id))

    @cached_property
    def _contexts(self) -> dict[tuple, SceneContext]:
        return {}  # a scene's context (and what its customer knows) is read once per workbench

    def _context(self, info: SceneState) -> SceneContext:
        key = (info.card_id, info.seed, tuple(sorted(info.values.items())))
        if key not in self._contexts:
            if len(self._contexts) > 256:
                self._contexts.clear()
            drawn = self._drawn(info.card_id, info.values, info.seed)
            self._contexts[key] = SceneContext.of(drawn, self.library.personas[drawn.card.persona], info.seed)
        return self._contexts[key]

    def customer_state(self, scene_id: str, transcript: Sequence[Message] | None = None
                       ) -> CustomerState | None:
        """The customer's state as the current branch left it (None before it has spoken);
        pass the branch's ``transcript`` when you have it already."""
        if transcript is None:
            transcript = self.transcript(scene_id)
        shown = {m.id for m in transcript}
        with self.db.read() as conn:
            rows = conn.execute(select(events.c.payload).where(events.c.scene_id == scene_id,
                                                               events.c.kind == "customer")
                                .order_by(events.c.id.desc()))
            for (payload,) in rows:
                if payload["message_id"] in shown:
                    return CustomerState.from_dict(payload["state"])
        return None

    def customer_turn(self, scene_id: str) -> Iterator[str]:
        """Stream the simulated customer's next message. The message and the customer's new
        state are stored when the stream ends; nothing is stored for an abandoned stream."""
        info = self.scene_state(scene_id)
        if not is_simulated(info.engine):
            raise InvalidInput("a person plays this customer: their messages come from the customer view")
        scene = self._context(info)
        engine, notice = self._playing_engine(info.engine)
        transcript = self.transcript(scene_id)
        state = self.customer_state(scene_id, transcript)
        if state is not None and state.ended:
            raise InvalidInput(f"the customer has already {state.outcome} this scene")
        if state is not None:
            state = self._apply_nudges(scene_id, engine, state)
        opening = state is None or not transcript
        turn = engine.open(scene) if opening else engine.respond(scene, state, transcript)
        yield from turn
        settled = turn.state if notice is None else replace(turn.state, notice=notice)
        # the last guard: a turn the room has seen is stored, cut to the store's limit if need be
        text = turn.text if len(turn.text) <= MAX_TEXT else turn.text[:MAX_TEXT - 1].rstrip() + "…"
        message = self.post_message(scene_id, "customer", text, author=f"engine:{engine.name}")
        self._write(scene_id, lambda conn, _row, version: self._record_event(
            conn, scene_id, version, "customer", {"message_id": message.id, "state": settled.to_dict()}))

    def _playing_engine(self, name: str) -> tuple[CustomerEngine, str | None]:
        """The scene's engine, or — when it can no longer be set up here (a stored LLM scene
        opened where no model is configured) — the offline customer and the room's notice."""
        try:
            return self._engine(name), None
        except WorkbenchError as error:
            return offline_engine(), f"The {name} customer cannot play here ({error}); the offline one plays."

    def _apply_nudges(self, scene_id: str, engine: CustomerEngine, state: CustomerState) -> CustomerState:
        """Nudges given since the customer last spoke change how it plays the next turn."""
        with self.db.read() as conn:
            nudges = [e for e in q.scene_events(conn, scene_id) if e.kind == "nudge"]
        for e in nudges:
            kind = e.payload["type"]
            if kind in NUDGES_FOR_CUSTOMER and e.payload["text"] not in (state.goal, state.environment):
                state = engine.nudge(state, kind, e.payload["text"])
        return state

