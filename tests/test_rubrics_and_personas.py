from __future__ import annotations

from pathlib import Path

from facilitation import Library, validate_files
from facilitation.vocabulary import COMPETENCIES

from .conftest import roleplay


def test_core_rubric_describes_all_eight_areas(library: Library) -> None:
    rubric = library.rubric("support-core")
    assert [a.id for a in rubric.competencies] == list(COMPETENCIES)
    for area in rubric.competencies:
        assert [lv.level for lv in area.levels] == [1, 2, 3, 4, 5]
        assert 50 <= area.team_target <= 100
        assert area.counts_for and area.counts_against
    assert (rubric.certification.threshold, rubric.certification.window) == (85, 10)


def test_observer_checklist_has_what_observers_tick(library: Library) -> None:
    items = {item.id: item for item in library.rubric("support-core").checklist}
    assert {items[i].kind for i in ("acknowledgment", "options", "next-steps")} == {"tick"}
    assert items["acknowledgment"].behaviour == "empathy"
    assert items["quote"].kind == "quote"
    assert items["pause"].kind == "timer"
    assert items["tone-softened"].kind == "marker"


def test_every_card_criterion_belongs_to_its_rubric(library: Library) -> None:
    for card in library.cards.values():
        areas = {a.id for a in library.rubric(card.rubric).competencies}
        assert set(card.competencies) <= areas, card.id


def test_the_four_persona_types_are_data_the_engines_can_read(library: Library) -> None:
    assert set(library.personas) == {
        "frustrated-user", "technical-user", "confused-new-user", "busy-executive"}
    for persona in library.personas.values():
        assert persona.patience >= 1
        assert persona.calmed_by and persona.angered_by
        assert persona.hidden_need and len(persona.resolution_indicators) >= 2
    executive = library.personas["busy-executive"]
    assert "pleasantries" in {r.behaviour for r in executive.angered_by}
    assert executive.exchanges_before_impatience <= 3


def test_a_broken_rubric_is_refused_with_its_line(tmp_path: Path) -> None:
    text = Path("rubrics/support-core.yaml").read_text()
    broken = tmp_path / "support-core.yaml"
    broken.write_text(text.replace("      - level: 2\n        label: Scripted",
                                   "      - level: 1\n        label: Scripted", 1))
    result = validate_files("rubric", [broken])
    assert result.valid == []
    [problem] = result.errors
    assert problem.field == "competencies[0].levels"
    assert problem.reason == "give levels 1 to 5 once each (found [1, 1, 3, 4, 5])"
    line = text.splitlines().index("    levels:") + 1
    assert problem.line == line


def test_rubric_commands() -> None:
    listed = roleplay("rubrics", "list", "--format", "json")
    assert listed.returncode == 0
    assert '"id": "support-core"' in listed.stdout
    shown = roleplay("rubrics", "show", "support-core")
    assert shown.returncode == 0 and "De-escalation" in shown.stdout
    assert "Observer checklist" in shown.stdout
    valid = roleplay("rubrics", "validate")
    assert valid.returncode == 0 and "1 rubric files valid" in valid.stdout
    missing = roleplay("rubrics", "show", "sales")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "roleplay: error: no rubric 'sales'; the library has support-core"


def test_persona_commands() -> None:
    shown = roleplay("personas", "show", "busy-executive")
    assert shown.returncode == 0 and "Hidden need" in shown.stdout
    assert roleplay("personas", "list").returncode == 0
