"""Agents rate how real a scenario felt and flag lines no customer would say; the library shows it."""

from __future__ import annotations

import pytest

from facilitation.workbench import InvalidInput, Workbench

CARD = "frustrated-billing-customer"


def _scene_with_a_reply(wb: Workbench) -> tuple[str, int, int]:
    session = wb.create_session("Realism", "fran", ["ana"])
    scene = wb.create_scene(session.id, CARD, seed=3).id
    wb.start(scene)
    wb.skip(scene)
    agent = wb.post_message(scene, "agent", "Hello, I'm Ana. How can I help?")
    "".join(wb.customer_turn(scene))
    customer = wb.transcript(scene)[-1]
    return scene, agent.id, customer.id


def test_a_cards_realism_is_the_mean_of_its_ratings_across_scenes(wb: Workbench) -> None:
    first, _, line = _scene_with_a_reply(wb)
    second, _, _ = _scene_with_a_reply(wb)
    wb.rate_realism(first, "ana", 4, comment="felt like Monday")
    wb.rate_realism(second, "ana", 2)
    wb.flag_line(first, "ana", line, reason="nobody talks like that")
    summary = wb.card_realism()[CARD]
    assert (summary.ratings, summary.mean) == (2, 3.0)
    assert summary.flagged_lines == [wb.transcript(first)[-1].text]


def test_bad_ratings_and_flags_are_refused_and_store_nothing(wb: Workbench) -> None:
    scene, agent_line, _ = _scene_with_a_reply(wb)
    version = wb.scene_version(scene)
    with pytest.raises(InvalidInput, match="1 to 5"):
        wb.rate_realism(scene, "ana", 6)
    with pytest.raises(InvalidInput, match="not a customer line"):
        wb.flag_line(scene, "ana", agent_line)
    assert wb.scene_version(scene) == version
    assert wb.card_realism() == {}
