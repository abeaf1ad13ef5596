"""The shipped library: complete, varied, and every card usable as written or drawn."""

from __future__ import annotations

from collections import Counter

import pytest

from facilitation import Library
from facilitation.variables import PLACEHOLDER
from facilitation.vocabulary import CATEGORIES, CHANNELS, DIFFICULTIES

PERSONA_TYPES = {"frustrated-user", "technical-user", "confused-new-user", "busy-executive"}
LIBRARY = Library.load()
CARD_IDS = sorted(LIBRARY.cards)


def test_the_library_loads_clean(library: Library) -> None:
    assert library.errors == []
    assert library.warnings == []


def test_at_least_36_cards_across_six_categories(library: Library) -> None:
    assert len(library.cards) >= 36
    per_category = Counter(card.category for card in library.cards.values())
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 5, per_category


def test_every_persona_type_channel_and_difficulty_is_used(library: Library) -> None:
    cards = library.cards.values()
    assert {c.persona for c in cards} == PERSONA_TYPES
    assert {c.channel for c in cards} == set(CHANNELS)
    assert {c.difficulty for c in cards} == set(DIFFICULTIES)
    emotion = {c.difficulty for c in cards if c.category == "emotion-management"}
    assert emotion == set(DIFFICULTIES)
    channel_scenes = {c.channel for c in cards if c.category == "channel-specific"}
    assert channel_scenes == set(CHANNELS)


def test_compliance_scenes_cover_the_classic_edge_cases(library: Library) -> None:
    text = " ".join(
        (c.title + " " + c.spark + " " + " ".join(c.tags)).lower()
        for c in library.cards.values() if c.category == "edge-cases-compliance"
    )
    for topic in ("card number", "lawyer", "competitor", "upgrade"):
        assert topic in text, f"no compliance card about {topic!r}"


def test_the_frustrated_billing_customer_as_written(library: Library) -> None:
    card = library.card("frustrated-billing-customer")
    assert card.title == "The Frustrated Billing Customer"
    weights = {c.name: c.weight for c in card.criteria}
    assert weights == {"Empathy": 30, "Billing knowledge": 30, "De-escalation": 20,
                       "Proactive service": 20}
    drawn = card.draw(None)
    assert drawn.values["actual_charge"] == "$1,400"
    assert drawn.values["expected_charge"] == "$700"
    assert drawn.values["seats_added"] == "12"
    assert "$1,400" in drawn.card.brief and "$700" in drawn.card.brief
    assert set(vars(card.paths)) >= {"good", "okay", "bad"}


def test_the_chat_billing_surprise(library: Library) -> None:
    card = library.card("chat-billing-surprise")
    assert card.title == "Chat: The Billing Surprise"
    assert card.channel == "chat"
    assert "prorat" in (card.spark + card.brief + card.constraint).lower()
    assert "waive" in card.constraint.lower()
    assert sum(c.weight for c in card.criteria) == 100


def test_the_phone_long_hold_apology(library: Library) -> None:
    card = library.card("phone-long-hold-apology")
    assert card.title == "Phone: The Long Hold Apology"
    assert card.channel == "phone"
    text = card.draw(None).card.model_dump_json().lower()
    assert "twelve" in text or "12 minutes" in text
    assert "tomorrow" in text


@pytest.mark.parametrize("card_id", CARD_IDS)
def test_card_draws_fill_every_placeholder_and_vary(card_id: str) -> None:
    card = LIBRARY.cards[card_id]
    assert card.variables, "a card without variables can be memorised"
    attempts = [card.draw(seed) for seed in range(6)]
    for drawn in [card.draw(None), *attempts]:
        leftovers = PLACEHOLDER.findall(drawn.card.model_dump_json())
        assert leftovers == [], f"seed {drawn.seed} left {leftovers}"
    assert len({tuple(d.values.items()) for d in attempts}) > 1, "every seed drew the same values"
    assert card.draw(3).values == card.draw(3).values


@pytest.mark.parametrize("card_id", CARD_IDS)
def test_card_is_complete_enough_to_run(card_id: str) -> None:
    card = LIBRARY.cards[card_id]
    assert len(card.hidden_objectives) >= 1
    assert all(len(getattr(card.arc, stage)) >= 2
               for stage in ("opening", "complication", "discovery", "resolution"))
    assert len(card.facts) >= 3
    assert len({p.behaviour for p in card.phrase_bank}) >= 3
    assert 3 <= len(card.criteria) <= 5
    assert sum(c.weight for c in card.criteria) == 100


def test_library_filters_like_the_facilitator_browses(library: Library) -> None:
    beginner_phone = library.find(difficulty="beginner", channel="phone")
    assert beginner_phone and all(c.difficulty == "beginner" and c.channel == "phone"
                                  for c in beginner_phone)
    assert library.find(skill="FEELING")  # case-insensitive words of the skill


def test_an_unknown_card_suggests_close_ids(library: Library) -> None:
    with pytest.raises(KeyError, match="did you mean frustrated-billing-customer"):
        library.card("frustrated-billing-custmer")
