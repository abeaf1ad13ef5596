"""Who plays what in a scene, and how roles rotate between scenes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

AGENT, CUSTOMER, OBSERVER = "agent", "customer", "observer"
ROLES = (AGENT, CUSTOMER, OBSERVER)


def rotate(
    participants: Sequence[str], previous: Mapping[str, str] | None, human_customer: bool = False
) -> dict[str, str]:
    """The next scene's roles: the agent seat moves one place along the circle.

    The person after the new agent plays the customer when a human does; everyone
    else observes. Everyone gets a turn as agent before anyone gets a second.
    """
    if not participants:
        return {}
    before = [p for p, role in (previous or {}).items() if role == AGENT and p in participants]
    agent_at = (participants.index(before[0]) + 1) % len(participants) if before else 0
    roles = {p: OBSERVER for p in participants}
    roles[participants[agent_at]] = AGENT
    if human_customer and len(participants) > 1:
        roles[participants[(agent_at + 1) % len(participants)]] = CUSTOMER
    return roles
