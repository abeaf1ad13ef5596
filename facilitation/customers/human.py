"""A peer plays the customer. The engine gives them the customer's lens to play from; their
messages arrive through the customer view, not from here."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InvalidInput
from ..records import Message
from ..vocabulary import BEHAVIOURS
from . import CustomerTurn, SceneContext
from .state import CustomerState


class HumanCustomer:
    name = "human"

    @staticmethod
    def lens(scene: SceneContext) -> dict[str, object]:
        """What the peer playing the customer sees: who they are, what they want, what they hide."""
        card = scene.drawn.card
        who = card.customer
        return {
            "who": f"{who.name}, {who.company} ({who.plan}, {who.tenure})",
            "history": list(card.customer.history),
            "persona": scene.persona.name,
            "how you talk": scene.persona.communication_style,
            "fears losing": card.customer_lens.fears_losing,
            "matters now": card.customer_lens.matters_now,
            "why timing matters": card.customer_lens.why_timing_matters,
            "open with": card.arc.opening[0],
            "hidden needs (reveal only when the agent earns them)": [
                f"{o.need} Reveal it when the agent {earned_by(o.earned_by)}."
                for o in card.hidden_objectives],
            "calm down when the agent": [r.effect for r in scene.persona.calmed_by],
            "get angrier when the agent": [r.effect for r in scene.persona.angered_by],
        }

    def open(self, scene: SceneContext) -> CustomerTurn:
        raise InvalidInput("a person plays this customer: their messages come from the customer view")

    def respond(self, scene: SceneContext, state: CustomerState, transcript: Sequence[Message]
                ) -> CustomerTurn:
        raise InvalidInput("a person plays this customer: their messages come from the customer view")

    def nudge(self, state: CustomerState, kind: str, text: str) -> CustomerState:
        return state  # the facilitator tells the peer in the room


def earned_by(behaviours: Sequence[str]) -> str:
    """What the agent must do, in the customer's words: "acknowledges or validates your feeling
    or summarises what you said" (never the analyser's ids)."""
    said = [BEHAVIOURS.get(b, b.replace("_", " ")).replace("the customer's", "your")
            .replace("the customer", "you") for b in behaviours]
    return " or ".join(said)
