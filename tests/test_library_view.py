"""The library view and the card draft form, driven like a person would: values and clicks."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitation import Library
from facilitation.drafts import HEADER_KEYS, body_of
from facilitation.workbench import Workbench
from widgets.drafting import CardDraft
from widgets.library import LibraryView, library_app

CARD = "frustrated-billing-customer"
HOSTILE = "<img src=x onerror=alert(1)>"


def _scene_with_a_reply(wb: Workbench) -> tuple[str, int]:
    session = wb.create_session("Realism", "fran", ["ana"])
    scene = wb.create_scene(session.id, CARD, seed=3).id
    wb.start(scene)
    wb.skip(scene)
    wb.post_message(scene, "agent", "Hello, I'm Ana. How can I help?")
    "".join(wb.customer_turn(scene))
    return scene, wb.transcript(scene)[-1].id


def _hostile_library(tmp_path: Path, library: Library) -> Library:
    """A one-card library whose title, skill and brief carry markup."""
    folder = tmp_path / "cards"
    folder.mkdir()
    text = library.sources[("card", CARD)].read_text(encoding="utf-8")
    text = text.replace("title: The Frustrated Billing Customer", f'title: "{HOSTILE}"')
    text = text.replace("skill: Acknowledge", f"skill: {HOSTILE} Acknowledge")
    (folder / f"{CARD}.yaml").write_text(text, encoding="utf-8")
    hostile = Library.load(cards_dir=folder)
    assert hostile.card(CARD).title == HOSTILE
    return hostile


def _draft(library: Library, folder: Path) -> CardDraft:
    draft = CardDraft(library, folder)
    draft.start_from.value = CARD
    draft.start_over()
    draft.card_id.value = "billing-surprise-copy"
    draft.title.value = "Billing surprise, a second look"
    return draft


# -- browsing ----------------------------------------------------------------------


def test_filters_change_the_listed_cards(wb: Workbench) -> None:
    view = LibraryView(wb)
    everything = view.listed()
    assert len(everything) == len(wb.library.cards)
    view.category.value = "billing-and-accounts"
    billing = view.listed()
    assert CARD in billing and len(billing) < len(everything)
    assert all(wb.library.card(i).category == "billing-and-accounts" for i in billing)
    view.difficulty.value = "intermediate"
    view.persona.value = "frustrated-user"
    view.skill.value = "ACKNOWLEDGE the feeling"  # a substring, any case
    assert view.listed() == [CARD]
    assert view.count.value.startswith("<b>1</b> of")
    view.channel.value = "phone"
    assert view.listed() == []
    assert "No card matches" in view.detail.value
    view.category.value = view.difficulty.value = view.channel.value = view.persona.value = ""
    view.skill.value = ""
    assert view.listed() == everything


def test_selecting_a_card_shows_its_detail(wb: Workbench) -> None:
    view = LibraryView(wb)
    view.cards.value = CARD
    card = wb.library.card(CARD)
    detail = view.detail.value
    for part in ("The Frustrated Billing Customer", "Brief", "Constraint", "Success criteria",
                 "Phrase bank", "frustrated-user", "Acknowledge the feeling", "not rated yet"):
        assert part in detail
    assert card.phrase_bank[0].behaviour in detail


def test_realism_shows_after_agents_rate_a_card(wb: Workbench) -> None:
    view = LibraryView(wb)
    label = dict((card_id, label) for label, card_id in view.cards.options)[CARD]
    assert label.endswith("not rated yet")
    first, line = _scene_with_a_reply(wb)
    second, _ = _scene_with_a_reply(wb)
    wb.rate_realism(first, "ana", 4)
    wb.rate_realism(second, "ana", 3, comment="She would have asked for <b>a manager</b> sooner")
    wb.flag_line(first, "ana", line, reason="nobody talks like that")
    view.refresh_button.click()
    label = dict((card_id, label) for label, card_id in view.cards.options)[CARD]
    assert label.endswith("★ 3.5 (2 ratings)")
    view.cards.value = CARD
    assert "★ 3.5 (2 ratings)" in view.detail.value
    assert "flagged as unrealistic" in view.detail.value
    # what the agent wrote reaches the card's writers, as text
    assert "★★★ She would have asked for &lt;b&gt;a manager&lt;/b&gt; sooner" in view.detail.value


def test_card_text_is_escaped_everywhere_it_is_shown(tmp_path: Path, library: Library) -> None:
    hostile = _hostile_library(tmp_path, library)
    wb = Workbench.open(f"sqlite:///{tmp_path / 'workbench.db'}", library=hostile)
    try:
        view = LibraryView(wb)
        view.cards.value = CARD
        assert "<img" not in view.detail.value
        assert "&lt;img src=x onerror=alert(1)&gt;" in view.detail.value
        view.skill.value = HOSTILE  # typed text is matched, never rendered as markup
        assert view.listed() == [CARD]
        assert "<img" not in view.detail.value
    finally:
        wb.close()


def test_a_failing_refresh_is_one_short_line_and_the_view_lives_on(
        wb: Workbench, monkeypatch: pytest.MonkeyPatch) -> None:
    view = LibraryView(wb)

    def broken() -> dict:
        raise RuntimeError("database on fire\nTraceback (most recent call last)")

    monkeypatch.setattr(wb, "card_realism", broken)
    view.refresh_button.click()
    assert "Something went wrong" in view.status.value
    assert "Traceback" not in view.status.value
    view.category.value = "billing-and-accounts"
    assert CARD in view.listed()


# -- drafting ----------------------------------------------------------------------


def test_a_draft_starts_from_a_card_without_the_fields_the_form_holds(library: Library,
                                                                       tmp_path: Path) -> None:
    draft = CardDraft(library, tmp_path)
    draft.start_from.value = CARD
    draft.start_over()
    top_level = {line.split(":")[0] for line in draft.body.value.splitlines() if line[:1].isalpha()}
    assert not top_level & set(HEADER_KEYS)
    assert {"customer", "arc", "phrase_bank"} <= top_level
    assert (draft.category.value, draft.persona.value) == ("billing-and-accounts", "frustrated-user")
    written = library.card(CARD)  # the most-used texts are form fields, as the card writes them
    assert (draft.brief.value, draft.skill.value, draft.constraint.value) == (
        written.brief, written.skill, written.constraint)
    assert "{actual_charge}" in draft.brief.value
    assert "id (form): required" in draft.problems.value
    assert draft.save.disabled
    assert body_of("id: x\ntitle: >-\n  two\n  lines\n# kept\narc: b\n") == "# kept\narc: b\n"


def test_invalid_input_names_the_field_and_line_and_disables_save(library: Library, tmp_path: Path) -> None:
    draft = _draft(library, tmp_path)
    assert not draft.save.disabled
    lines = draft.body.value.splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("phrase_bank:")) + 1
    behaviour = next(i for i in range(where, len(lines)) if "behaviour:" in lines[i])
    lines[behaviour] = lines[behaviour].split("behaviour:")[0] + "behaviour: blame"
    draft.body.value = "\n".join(lines)
    assert draft.save.disabled
    assert f"line {behaviour + 1}, phrase_bank[0].behaviour" in draft.problems.value
    assert "behaviour to avoid" in draft.problems.value
    draft.card_id.value = "Not A Slug"
    assert "id (form): &#x27;Not A Slug&#x27; must be lower-case" in draft.problems.value
    draft.save.click()  # a click that arrives anyway writes nothing
    assert "Not saved" in draft.status.value
    assert list(tmp_path.iterdir()) == []


def test_hostile_typing_in_the_draft_is_shown_escaped(library: Library, tmp_path: Path) -> None:
    draft = _draft(library, tmp_path)
    draft.card_id.value = HOSTILE
    draft.body.value += f"\n{HOSTILE}: 1\n"
    assert "<img" not in draft.problems.value
    assert "&lt;img" in draft.problems.value


def test_a_valid_draft_saves_yaml_that_loads_back(library: Library, tmp_path: Path) -> None:
    draft = _draft(library, tmp_path)
    saved: list[Path] = []
    draft.on_saved(saved.append)
    assert "Valid" in draft.problems.value
    draft.save.click()
    path = tmp_path / "billing-surprise-copy.yaml"
    assert saved == [path] and path.is_file()
    assert "Saved billing-surprise-copy.yaml" in draft.status.value
    assert draft.problems.value == "" and 'role="alert"' not in draft.status.value  # nothing red
    assert draft.save.disabled  # saved: nothing to save until the draft changes
    loaded = Library.load(cards_dir=tmp_path)
    assert loaded.errors == [] and loaded.warnings == []
    card = loaded.card("billing-surprise-copy")
    assert card.title == "Billing surprise, a second look"
    assert card.arc == library.card(CARD).arc


def test_saving_never_overwrites_a_card(library: Library, tmp_path: Path) -> None:
    draft = _draft(library, tmp_path)
    draft.save.click()
    path = tmp_path / "billing-surprise-copy.yaml"
    before = path.read_text(encoding="utf-8")
    draft.title.value = "Something else entirely"
    assert draft.save.disabled
    assert "already used" in draft.problems.value
    draft.save.click()
    assert "not saved" in draft.status.value and "choose another id" in draft.status.value
    assert path.read_text(encoding="utf-8") == before
    draft.card_id.value = CARD  # a library card's id is taken too, whatever the folder
    assert draft.save.disabled
    draft.save.click()
    assert "already used" in draft.status.value
    assert not (tmp_path / f"{CARD}.yaml").exists()


def test_the_library_app_browses_and_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_DB", f"sqlite:///{tmp_path / 'app.db'}")
    app = library_app()
    tabs = app.children[0]
    assert tabs.titles == ("Browse", "Draft a card")
    browse, draft = tabs.children
    assert isinstance(browse, LibraryView) and isinstance(draft, CardDraft)
    assert len(browse.listed()) == len(browse.wb.library.cards)
