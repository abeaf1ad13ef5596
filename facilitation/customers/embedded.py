"""The embedded customer: offline, deterministic for a seed, built from the card and persona.

``state.judge`` reads what the agent conveyed and moves mood, trust, patience, the arc
and the objectives by the persona's data; this module only chooses the words (from
``lines``). A reply is a reaction to what the agent just did, and at most one line that
moves the scene along: a voiced nudge, an earned objective, the discovery the agent just
made possible, or what the customer still needs. A complaint or a correction stands on
its own; a closing line is never preceded by a warmer reaction than it carries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from ..records import Message
from . import CustomerTurn, SceneContext
from . import lines as L
from .state import CustomerState, Judgement, judge, starting_state

GRUDGING_TRUST = 0.5  # below this, a resolved customer sounds like the card's "okay" path


class EmbeddedCustomer:
    name = "embedded"

    def open(self, scene: SceneContext) -> CustomerTurn:
        state = starting_state(self.name, scene.persona)
        line = L.LineChooser(scene.seed, 0, set(), "").pick(scene.drawn.card.arc.opening)
        return _turn([line], replace(state, said=(line,)))

    def respond(
        self, scene: SceneContext, state: CustomerState, transcript: Sequence[Message]
    ) -> CustomerTurn:
        agent_text = transcript[-1].text if transcript else ""
        new, seen = judge(scene, state, agent_text)
        parts = _Reply(scene, state, new, seen, agent_text).parts()
        said = tuple(p for p in parts if p)
        return _turn(list(said), replace(new, said=(*new.said, *said)))

    def nudge(self, state: CustomerState, kind: str, text: str) -> CustomerState:
        """Swap the goal or change the environment: the next reply voices it, and a goal must
        then be met before the customer accepts; a changed environment costs patience."""
        if kind == "goal":
            return replace(state, goal=text, goal_met=False)
        if kind == "environment":
            return replace(state, environment=text, patience=max(1, state.patience - 1))
        return state


class _Reply:
    def __init__(
        self,
        scene: SceneContext,
        before: CustomerState,
        state: CustomerState,
        seen: Judgement,
        agent_text: str,
    ) -> None:
        self.scene, self.before, self.state, self.seen = scene, before, state, seen
        self.card, self.persona = scene.drawn.card, scene.persona
        self.chooser = L.LineChooser(scene.seed, state.turn, set(state.said), agent_text)
        self.own = self.persona.lines

    def speakable(self, pool: Sequence[str]) -> list[str]:
        return [line for line in pool if self.scene.knowledge.speakable(line, self.state.told)]

    def parts(self) -> list[str]:
        state, pick = self.state, self.chooser.pick
        channel = self.card.channel
        if state.outcome == "escalated":
            return [
                pick(self.speakable(self.card.paths.bad.customer_lines), self.own.escalate, L.ESCALATE),
                self._tail(L.CHANNEL_ESCALATE.get(channel, [])),
            ]
        if state.outcome == "abandoned":
            unmet = [L.leaving_without(o.need) for o in self.card.hidden_objectives
                     if o.id in state.revealed and o.id not in state.met]
            exit_line = self._tail(L.CHANNEL_EXIT.get(channel, []))
            return [pick([*unmet[:1], *self.own.abandon], L.ABANDON), exit_line]
        if state.outcome == "resolved":
            return self._closing()
        reaction, stands_alone = self._reaction()
        if stands_alone:
            return [reaction]
        return [reaction, self._move()]

    def _closing(self) -> list[str]:
        pick = self.chooser.pick
        if self.state.trust >= GRUDGING_TRUST and self.state.heard:  # correct but cold: a grudging yes
            good = self.speakable([*self.card.paths.good.customer_lines, *self.card.arc.resolution])
            return [pick(good, self.own.resolved, L.RESOLVED, relevant=True)]
        return [pick(self.speakable(self.card.paths.okay.customer_lines), self.own.grudging, L.GRUDGING)]

    def _tail(self, pool: Sequence[str]) -> str:
        return self.chooser.pick(pool) if self.chooser.rng.random() < 0.6 else ""

    def _reaction(self) -> tuple[str, bool]:
        """What the customer makes of the message, and whether that is all it says."""
        seen, pick, own = self.seen, self.chooser.pick, self.own
        if seen.wrong_facts:
            quote = seen.wrong_facts[0]
            return pick([line.replace("{quote}", quote) for line in [*own.correction, *L.CORRECTION]]), True
        for behaviour in seen.angered:
            pools = {"scripted_apology": own.scripted, "many_steps": own.many_steps}.get(behaviour, [])
            term = next(iter(seen.reading.quotes(self.chooser.agent_text, "jargon")), "that")
            generic = [line.replace("{term}", term) for line in L.ANGERED.get(behaviour, [])]
            return pick(pools, generic, own.stalling), True
        if seen.copied:
            return pick(L.COPIED), True
        if seen.repeated:
            return pick(L.REPEATED), True
        if seen.unheard_explanation:
            return pick(own.unheard, own.still_waiting), True
        if seen.stalling:
            return pick(own.stalling, L.STILL_WAITING), True
        if seen.rushed and not seen.progress:
            return pick(L.CLARIFY), True
        if seen.newly_heard:
            return pick(own.heard), False
        if seen.new_facts and not self._just_discovered():
            return pick(own.explained), False
        for behaviour, pool in L.CALMED.items():
            if behaviour in seen.calmed:
                return pick(pool), False
        return "", False

    def _just_discovered(self) -> bool:
        return self.state.discovered and not self.before.discovered

    def _move(self) -> str:
        """The one line that moves the scene: a nudge, an earned need, the discovery, or what is missing."""
        state, card, pick = self.state, self.card, self.chooser.pick
        for nudge in (state.goal, state.environment):
            if nudge:
                line = L.in_own_words(nudge, self.persona.id)
                if line not in state.said:
                    return pick([line])
        if self.seen.revealed:
            objective = next(o for o in card.hidden_objectives if o.id == self.seen.revealed)
            return pick([objective.reveal])
        if self._just_discovered():
            return pick(self.speakable(card.arc.discovery), L.DISCOVERED, relevant=True)
        if state.stage == "resolution":
            return pick(self.speakable(card.arc.resolution), L.WHAT_NOW, relevant=True)
        if state.discovered:
            pending = [o for o in card.hidden_objectives if o.id in state.revealed and o.id not in state.met]
            restated = [L.still_need(o.need) for o in pending]
            return pick(restated, L.PENDING if pending else [], L.WHAT_NOW, self.own.stalling)
        complaints = self.speakable([*card.arc.complication, *self.persona.sample_lines])
        if self.seen.newly_heard or self.seen.calmed:  # calmer now: it asks rather than complains
            return pick(self.own.still_waiting, complaints, L.STILL_WAITING, relevant=True)
        return pick(complaints, self.own.still_waiting, L.STILL_WAITING, relevant=True)


def _turn(parts: list[str], state: CustomerState) -> CustomerTurn:
    """Stream the reply word by word, as a chat would show it arriving."""
    text = " ".join(p for p in parts if p)

    def chunks() -> Iterator[str]:
        words = text.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word

    return CustomerTurn(chunks(), lambda _text: state)
