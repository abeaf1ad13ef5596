"""A facilitated scene, end to end through the façade, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from facilitation import export
from facilitation.clock import FakeClock
from facilitation.errors import NotFound
from facilitation.phases import PhaseConflict
from facilitation.reporting.debrief import scene_debrief
from facilitation.workbench import MAX_TEXT, InvalidInput, Workbench

CARD = "frustrated-billing-customer"


@pytest.fixture
def scene(wb: Workbench) -> str:
    session = wb.create_session("Monday practice", "fran", ["ana", "ben", "cy"], team="Support EU")
    return wb.create_scene(session.id, CARD, seed=7).id


def _to_act(wb: Workbench, scene: str) -> None:
    wb.start(scene, by="fran")
    wb.skip(scene, by="fran")


def test_a_session_has_a_short_join_code_that_finds_it(wb: Workbench) -> None:
    session = wb.create_session("Monday practice", "fran", ["ana", "ben"])
    # Four characters read aloud without doubt: capitals and digits, no 0/O or 1/I (a code of
    # four digits is fine, so "isupper" would fail it one time in 250).
    assert len(session.code) == 4 and set(session.code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    assert wb.session(session.code.lower()).id == session.id
    joined = wb.join(session.code, "dee")
    assert joined.participants == ["ana", "ben", "dee"]
    assert wb.join(session.code, "dee").participants == ["ana", "ben", "dee"]
    with pytest.raises(NotFound):
        wb.session("ZZZZ")


def test_phases_run_on_stored_deadlines(wb: Workbench, clock: FakeClock, scene: str) -> None:
    state = wb.scene_state(scene)
    assert (state.phase, state.remaining, state.durations["act"]) == ("ready", None, 120)

    assert wb.start(scene).phase == "brief"
    clock.advance(45)
    assert wb.scene_state(scene).remaining == 15
    state = wb.skip(scene)
    assert (state.phase, state.remaining) == ("act", 120)

    clock.advance(20)
    paused = wb.pause(scene, by="fran")
    assert (paused.paused, paused.remaining) == (True, 100)
    clock.advance(600)  # time passes; a paused scene does not lose it
    assert wb.scene_state(scene).remaining == 100
    assert wb.resume(scene).remaining == 100
    clock.advance(10)
    assert wb.extend(scene, 30).remaining == 120
    assert wb.scene_state(scene).deadline == clock.now() + timedelta(seconds=120)

    clock.advance(125)
    assert wb.scene_state(scene).overtime
    assert wb.scene_state(scene).remaining == -5


def test_overtime_is_recorded_once(wb: Workbench, clock: FakeClock, scene: str) -> None:
    _to_act(wb, scene)
    version = wb.scene_version(scene)
    assert wb.tick(scene).version == version  # nothing to note: nothing written
    clock.advance(121)
    noted = wb.tick(scene)
    assert noted.overtime and noted.version == version + 1
    assert wb.tick(scene).version == version + 1
    kinds = [e.kind for e in wb.changes_since(scene, version).events]
    assert kinds == ["overtime"]


def test_the_whole_loop_is_recorded_as_phases(wb: Workbench, clock: FakeClock, scene: str) -> None:
    wb.start(scene)
    for seconds in (50, 130, 40, 70):
        clock.advance(seconds)
        wb.skip(scene)
    record = wb.scene_record(scene)
    assert record["state"]["phase"] == "ended"
    phases = record["phases"]
    assert [p["phase"] for p in phases] == ["brief", "act", "rewind", "debrief"]
    assert phases[0]["ended_at"] == phases[1]["started_at"]
    assert phases[-1]["ended_at"] is not None


def test_illegal_moves_are_refused_and_change_nothing(wb: Workbench, scene: str) -> None:
    with pytest.raises(PhaseConflict, match="has not started"):
        wb.pause(scene)
    version = wb.scene_version(scene)
    wb.start(scene)
    with pytest.raises(PhaseConflict, match="already started"):
        wb.start(scene)
    with pytest.raises(PhaseConflict, match="not paused"):
        wb.resume(scene)
    with pytest.raises(PhaseConflict, match="positive"):
        wb.extend(scene, 0)
    assert wb.scene_version(scene) == version + 1
    wb.end(scene)
    with pytest.raises(PhaseConflict, match="has ended"):
        wb.skip(scene)


def test_a_consent_pause_is_recorded_as_such(wb: Workbench, scene: str) -> None:
    _to_act(wb, scene)
    state = wb.pause(scene, by="ana", reason="consent")
    assert state.paused_by == "ana"
    event = wb.changes_since(scene, state.version - 1).events[0]
    assert (event.kind, event.by, event.payload["reason"]) == ("pause", "ana", "consent")


def test_messages_build_the_transcript_during_act(wb: Workbench, scene: str) -> None:
    wb.start(scene)
    with pytest.raises(InvalidInput, match="during act and rewind; the scene is in brief"):
        wb.post_message(scene, "agent", "Hello?")
    wb.skip(scene)
    wb.post_message(scene, "customer", "Why was I charged $1,400?")
    wb.post_message(scene, "agent", "I can see why that is alarming.", author="ana", pause_ms=2300)
    lines = wb.transcript(scene)
    assert [(m.index, m.speaker) for m in lines] == [(0, "customer"), (1, "agent")]
    assert lines[1].pause_ms == 2300 and lines[1].author == "ana"


def test_rewind_starts_a_branch_and_keeps_the_original(wb: Workbench, scene: str) -> None:
    _to_act(wb, scene)
    wb.post_message(scene, "customer", "Why was I charged $1,400?")
    first_try = wb.post_message(scene, "agent", "You added seats, so it is correct.")
    wb.post_message(scene, "customer", "So it's my fault now? Get me your manager.")
    wb.skip(scene)  # into rewind

    branch = wb.rewind(scene, first_try.id, by="fran")
    assert [m.text for m in wb.transcript(scene)] == ["Why was I charged $1,400?"]
    retry = wb.post_message(scene, "agent", "A bill that doubles with no warning is alarming.")
    assert (retry.index, retry.branch) == (1, branch.id)

    original = wb.transcript(scene, branch=branch.parent)
    assert [m.text for m in original][1:] == [
        "You added seats, so it is correct.", "So it's my fault now? Get me your manager."]
    assert [b.reason for b in wb.branches(scene)] == ["first", "rewind"]

    customer_line = wb.transcript(scene)[0]
    with pytest.raises(InvalidInput, match="not an agent line"):
        wb.rewind(scene, customer_line.id)


def test_rewind_of_a_rewind_inherits_both(wb: Workbench, scene: str) -> None:
    _to_act(wb, scene)
    wb.post_message(scene, "customer", "c0")
    a1 = wb.post_message(scene, "agent", "a1")
    wb.post_message(scene, "customer", "c2")
    wb.post_message(scene, "agent", "a3")
    wb.rewind(scene, a1.id)
    a1b = wb.post_message(scene, "agent", "a1 again")
    wb.post_message(scene, "customer", "c2 again")
    a3b = wb.post_message(scene, "agent", "a3 again")
    wb.rewind(scene, a3b.id)
    wb.post_message(scene, "agent", "a3 third")
    assert [m.text for m in wb.transcript(scene)] == ["c0", "a1 again", "c2 again", "a3 third"]
    assert a1b.index == 1


def test_a_rewind_inside_a_retry_gives_the_lines_before_it_and_the_new_line(
        wb: Workbench, scene: str) -> None:
    """Agent lines 2, 4 and 6; retry 6 twice; then, in the retry, rewind to line 4: the new
    attempt is lines 0 to 3 plus the new line, in the store, the debrief and the export."""
    _to_act(wb, scene)
    lines = {}
    for i in range(7):
        speaker = "agent" if i % 2 == 0 else "customer"
        lines[i] = wb.post_message(scene, speaker, f"{speaker} line {i}")
    wb.rewind(scene, lines[6].id)
    wb.post_message(scene, "agent", "agent line 6, second try")
    retry = wb.transcript(scene)[-1]
    wb.rewind(scene, retry.id)
    wb.post_message(scene, "agent", "agent line 6, third try")
    line4 = next(m for m in wb.transcript(scene) if m.text == "agent line 4")
    wb.rewind(scene, line4.id)
    new = wb.post_message(scene, "agent", "agent line 4, new")

    now = wb.transcript(scene)
    assert [m.text for m in now] == ["agent line 0", "customer line 1", "agent line 2", "customer line 3",
                                     "agent line 4, new"]
    assert [m.index for m in now] == [0, 1, 2, 3, 4] and new.index == 4
    wb.skip(scene)  # into rewind
    wb.skip(scene)  # into debrief: scored
    wb.score(scene)
    attempt = next(a for a in export.attempts(wb) if a.scene_id == scene)
    assert [text for _, text in attempt.transcript] == [m.text for m in now]
    shown = scene_debrief(wb.db, scene, wb.library)
    assert list(shown.transcript["message"]) == [m.text for m in now]
    assert list(shown.transcript["#"]) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("seed", range(12))
def test_every_branch_is_its_parents_prefix_plus_its_own_lines_after_any_rewinds(
        wb: Workbench, scene: str, seed: int) -> None:
    """Random acts with rewinds from any attempt to any agent line, at any depth, and restarts."""
    rng = random.Random(seed)
    _to_act(wb, scene)
    for step in range(40):
        current = wb.transcript(scene)
        agent_lines = [m for m in current if m.speaker == "agent"]
        move = rng.random()
        if agent_lines and move < 0.25:
            chosen = rng.choice(agent_lines)
            wb.rewind(scene, chosen.id)
            assert wb.transcript(scene) == current[:current.index(chosen)]
        elif move < 0.28:
            wb.restart_act(scene)
            assert wb.transcript(scene) == []
        else:
            speaker = rng.choice(["agent", "customer"])
            posted = wb.post_message(scene, speaker, f"{speaker} {step}")
            assert wb.transcript(scene) == [*current, posted]
    known = {b.id: b for b in wb.branches(scene)}
    for branch in known.values():
        shown = wb.transcript(scene, branch=branch.id)
        assert [m.index for m in shown] == list(range(len(shown))), branch
        assert all(m.branch == branch.id for m in shown[branch.fork_index:])
        if branch.parent is not None:
            parent = wb.transcript(scene, branch=branch.parent)
            assert shown[:branch.fork_index] == parent[:branch.fork_index]


def test_restarting_the_act_keeps_the_abandoned_attempt(wb: Workbench, clock: FakeClock, scene: str) -> None:
    _to_act(wb, scene)
    wb.post_message(scene, "customer", "Hello?")
    wb.post_message(scene, "agent", "Off the rails")
    clock.advance(90)
    branch = wb.restart_act(scene, by="fran")
    state = wb.scene_state(scene)
    assert (state.phase, state.remaining, state.branch) == ("act", 120, branch.id)
    assert wb.transcript(scene) == []
    assert len(wb.transcript(scene, branch=branch.parent)) == 2


def test_nudges_are_recorded_at_their_moment(wb: Workbench, clock: FakeClock, scene: str) -> None:
    _to_act(wb, scene)
    clock.advance(30)
    wb.nudge(scene, "cue", "Name the feeling now", by="fran")
    wb.nudge(scene, "environment", "System outage", by="fran")
    wb.nudge(scene, "goal", "She now wants to cancel, not to understand", by="fran")
    nudges = wb.scene_record(scene)["nudges"]
    assert [(n["type"], n["phase"]) for n in nudges] == [
        ("cue", "act"), ("environment", "act"), ("goal", "act")]
    assert nudges[0]["at"] == clock.now().isoformat()
    with pytest.raises(InvalidInput, match="nudge kind 'joke'"):
        wb.nudge(scene, "joke", "Tell a joke")


def test_observer_notes_are_kept_and_deleting_leaves_a_tombstone(wb: Workbench, scene: str) -> None:
    _to_act(wb, scene)
    line = wb.post_message(scene, "agent", "That sounds really stressful.")
    tick = wb.add_note(scene, "cy", "tick", item="acknowledgment", message_id=line.id)
    quote = wb.add_note(scene, "cy", "quote", message_id=line.id, text="really stressful")
    wb.add_note(scene, "ben", "timer", message_id=line.id, value=2300)
    wb.add_note(scene, "ben", "marker", item="tone-softened", message_id=line.id)
    version = wb.scene_version(scene)

    tombstone = wb.delete_note(scene, quote.id, by="cy")

    assert tombstone.retracts == quote.id
    assert [n.id for n in wb.notes(scene)] == [tick.id, quote.id + 1, quote.id + 2]
    changes = wb.changes_since(scene, version)
    assert [n.retracts for n in changes.notes] == [quote.id]
    with pytest.raises(InvalidInput, match="a quote needs its text"):
        wb.add_note(scene, "cy", "quote", message_id=line.id)
    with pytest.raises(InvalidInput):
        wb.delete_note(scene, tombstone.id, by="cy")


def test_every_write_bumps_the_version_and_pollers_get_only_what_changed(wb: Workbench, scene: str) -> None:
    v0 = wb.scene_version(scene)
    wb.start(scene)
    wb.skip(scene)
    v2 = wb.scene_version(scene)
    assert v2 == v0 + 2
    message = wb.post_message(scene, "customer", "Hello")
    wb.add_note(scene, "cy", "note", text="Opened warmly")
    changes = wb.changes_since(scene, v2)
    assert changes.version == v2 + 2
    assert [m.id for m in changes.messages] == [message.id]
    assert [n.text for n in changes.notes] == ["Opened warmly"]
    assert changes.events == []
    assert wb.changes_since(scene, changes.version).empty


def test_bad_input_is_refused_and_nothing_is_stored(wb: Workbench, scene: str) -> None:
    _to_act(wb, scene)
    version = wb.scene_version(scene)
    for call, match in [
        (lambda: wb.post_message(scene, "agent", "   "), "message is empty"),
        (lambda: wb.post_message(scene, "agent", "x" * (MAX_TEXT + 1)), "the limit is"),
        (lambda: wb.post_message(scene, "manager", "hi"), "speaker 'manager'"),
        (lambda: wb.add_note(scene, "cy", "tick", message_id=99_999), "not part of this scene"),
        (lambda: wb.add_debrief(scene, "ana", "gossip", "x"), "debrief layer"),
    ]:
        with pytest.raises(InvalidInput, match=match):
            call()
    assert wb.scene_version(scene) == version
    assert wb.transcript(scene) == []


def test_roles_rotate_between_scenes(wb: Workbench) -> None:
    session = wb.create_session("Rotation", "fran", ["ana", "ben", "cy"])
    first = wb.create_scene(session.id, CARD, seed=1)
    second = wb.create_scene(session.id, CARD, seed=2, engine="human")
    third = wb.create_scene(session.id, CARD, seed=3)
    assert first.roles == {"ana": "agent", "ben": "observer", "cy": "observer"}
    assert second.roles == {"ana": "observer", "ben": "agent", "cy": "customer"}
    assert third.roles["cy"] == "agent"
    assert [s.ordinal for s in wb.scenes(session.id)] == [1, 2, 3]


def test_intensity_is_set_per_scene(wb: Workbench) -> None:
    session = wb.create_session("Intensity", "fran", ["ana"])
    scene = wb.create_scene(session.id, CARD, intensity="mild")
    assert scene.intensity == "mild"
    assert wb.set_intensity(scene.id, "hard").intensity == "hard"
    with pytest.raises(InvalidInput, match="intensity 'brutal'"):
        wb.create_scene(session.id, CARD, intensity="brutal")


def test_debrief_layers_and_commitments_for_follow_up(wb: Workbench, scene: str) -> None:
    _to_act(wb, scene)
    wb.skip(scene)
    wb.skip(scene)
    wb.add_debrief(scene, "ana", "feeling", "Tense at first, then relieved")
    wb.add_debrief(scene, "cy", "strength", "Named the shock of the bill")
    wb.add_debrief(scene, "ben", "strength", "Clear numbers")
    wb.add_debrief(scene, "cy", "adjustment", "Pause before offering choices")
    wb.add_debrief(scene, "ana", "commitment", "I'll pause before offering choices")
    layers = [d["layer"] for d in wb.scene_record(scene)["debrief"]]
    assert layers == ["feeling", "strength", "strength", "adjustment", "commitment"]
    [commitment] = wb.commitments("ana")
    assert commitment.text == "I'll pause before offering choices" and commitment.scene_id == scene


def test_a_new_process_sees_the_same_scene(store_url: str, clock: FakeClock, scene: str,
                                           wb: Workbench) -> None:
    _to_act(wb, scene)
    wb.post_message(scene, "customer", "Why was I charged $1,400?")
    clock.advance(40)
    other = Workbench.open(store_url, library=wb.library, clock=clock)
    try:
        state = other.scene_state(scene)
        assert (state.phase, state.remaining) == ("act", 80)
        assert [m.text for m in other.transcript(scene)] == ["Why was I charged $1,400?"]
    finally:
        other.close()


def test_unknown_card_and_scene_are_clear_errors(wb: Workbench) -> None:
    session = wb.create_session("Errors", "fran", ["ana"])
    with pytest.raises(NotFound, match="no card 'nope'"):
        wb.create_scene(session.id, "nope")
    with pytest.raises(NotFound, match="no scene 'missing'"):
        wb.scene_state("missing")
    with pytest.raises(NotFound):
        wb.post_message("missing", "agent", "hello")
