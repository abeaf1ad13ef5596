"""The simulated customer's side of a scene: stream its next turn and keep its state.

The customer's state after each of its messages is stored as a ``customer`` event naming
that message, so after a rewind the state is the one the branch's last customer line
left, and the mood trajectory survives for the debrief and reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from .customers import CustomerEngine, CustomerState, SceneContext, customer_engine
from .scenebase import InvalidInput, SceneBase
from .store import queries as q
from .store.schema import events, scenes

NUDGES_FOR_CUSTOMER = ("goal", "environment")  # a cue card is for the agent only


class CustomerTurns(SceneBase):
    _engines: dict[str, CustomerEngine]

    def _engine(self, name: str) -> CustomerEngine:
        engines = self.__dict__.setdefault("_engines", {})
        if name not in engines:  # one per workbench: an LLM client keeps its connections
            engines[name] = customer_engine(name)
        return engines[name]

    def scene_context(self, scene_id: str) -> SceneContext:
        state = self.scene_state(scene_id)
        drawn = self.library.card(state.card_id).with_values(state.values, state.seed)
        return SceneContext.of(drawn, self.library.personas[drawn.card.persona], state.seed)

    def customer_state(self, scene_id: str) -> CustomerState | None:
        """The customer's state as the current branch left it (None before it has spoken)."""
        with self.db.read() as conn:
            branch = conn.execute(select(scenes.c.branch_id).where(scenes.c.id == scene_id)).scalar()
            shown = {m.id for m in q.transcript(conn, scene_id, branch or "")}
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
        if info.engine == "human":
            raise InvalidInput("a person plays this customer: their messages come from the customer view")
        scene = self.scene_context(scene_id)
        engine = self._engine(info.engine)
        state = self.customer_state(scene_id)
        transcript = self.transcript(scene_id)
        if state is not None and state.ended:
            raise InvalidInput(f"the customer has already {state.outcome} this scene")
        if state is not None:
            state = self._apply_nudges(scene_id, engine, state)
        opening = state is None or not transcript
        turn = engine.open(scene) if opening else engine.respond(scene, state, transcript)
        yield from turn
        message = self.post_message(scene_id, "customer", turn.text, author=f"engine:{engine.name}")
        self._write(scene_id, lambda conn, _row, version: self._record_event(
            conn, scene_id, version, "customer", {"message_id": message.id, "state": turn.state.to_dict()}))

    def _apply_nudges(self, scene_id: str, engine: CustomerEngine, state: CustomerState) -> CustomerState:
        """Nudges given since the customer last spoke change how it plays the next turn."""
        with self.db.read() as conn:
            nudges = [e for e in q.scene_events(conn, scene_id) if e.kind == "nudge"]
        for e in nudges:
            kind = e.payload["type"]
            if kind in NUDGES_FOR_CUSTOMER and e.payload["text"] not in (state.goal, state.environment):
                state = engine.nudge(state, kind, e.payload["text"])
        return state

