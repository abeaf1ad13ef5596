"""The embedded customer: offline, deterministic for a seed, built from the card and persona.

The analyser reads each agent message and ``state.judge`` moves mood, trust, patience and
objectives by the persona's data; this module only chooses the words. A reply is at most
a reaction (to what the agent just did) plus one line that moves the card's arc along,
revealing a hidden objective when the agent has earned it. No line repeats in a scene.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace

from ..records import Message
from . import CustomerTurn, SceneContext
from .state import CustomerState, Judgement, judge, starting_state

# Reactions by what the agent just did; {term} and {amount} are filled from the message.
ANGERED = {
    "blame": ["So it's my fault now?", "Don't put this on me.", "I did nothing wrong here."],
    "jargon": ["I don't know what {term} means.", "Can you say that without the jargon? What's {term}?",
               "You lost me at {term}."],
    "policy": ["I don't want to hear policy right now.", "Quoting rules at me doesn't fix anything."],
    "long_message": ["That's a lot of text. What's the bottom line?", "I can't read an essay right now."],
    "overpromise": ["How can you be sure of that?", "You can promise that? In writing?"],
    "pleasantries": ["Can we skip the niceties?", "Let's get to the point, please."],
}
CALMED = {
    "empathy": ["Thank you. Yes, it's been a stressful day.", "Okay. At least someone gets it.",
                "I appreciate you saying that."],
    "apology": ["Thank you for the apology.", "Okay, I appreciate that."],
    "next_steps": ["Okay, that's a plan.", "Good, thank you."],
    "options": ["Good to have a choice.", "Okay, let me think about those."],
    "summary": ["Yes, exactly.", "Right, that's it."],
    "open_question": ["Sure, let me explain.", "Good question."],
    "reassurance": ["Okay, that helps.", "That's a relief."],
}
CORRECTION = ["Wait, {amount}? That's not what I have in front of me.",
              "That doesn't match. Where does {amount} come from?",
              "Hold on, {amount} is wrong. Are you looking at my account?"]
CLARIFY = ["Sorry, what does that mean for me?", "Can you be more specific?", "And? What happens now?",
           "I'm not sure I follow. Can you explain?"]
TOO_BASIC = ["Yes, I've already restarted. Twice.", "I've done the basics already. Please read what I wrote.",
             "Obviously I tried that first."]
STILL_WAITING = ["So what happens now?", "Can you tell me what you're going to do?",
                 "I still need an answer on this.", "Where does that leave me?"]
ABANDON = ["I don't have time for this. I'll find another way.", "Forget it. I'll sort it out myself.",
           "This isn't going anywhere. Goodbye."]
ESCALATE = ["I want to speak to a manager.", "I'm escalating this.",
            "We're done here. Get me someone senior."]
RESOLVED = ["Okay, thank you. That's what I needed.", "Great, thanks for sorting this out.",
            "Thanks, that works for me."]
GRUDGING = ["Fine. I guess that's correct.", "Okay. Not thrilled, but fine.", "Alright, if that's how it is."]
NUDGE_GOAL = "Actually, there's something else I need: {text}"
NUDGE_ENVIRONMENT = "Sorry, one thing: {text}"
GRUDGING_TRUST = 0.5  # below this, a resolved customer sounds like the card's "okay" path


class EmbeddedCustomer:
    name = "embedded"

    def open(self, scene: SceneContext) -> CustomerTurn:
        state = starting_state(self.name, scene.persona)
        line = self._pick(scene, state, scene.drawn.card.arc.opening)
        return _turn([line], replace(state, said=(line,)))

    def respond(self, scene: SceneContext, state: CustomerState, transcript: Sequence[Message]
                ) -> CustomerTurn:
        agent_text = transcript[-1].text if transcript else ""
        new, seen = judge(scene.drawn, scene.persona, scene.analyser, state, agent_text)
        parts = self._reply(scene, new, seen, agent_text)
        said = tuple(p for p in parts if p)
        return _turn(list(said), replace(new, said=(*new.said, *said)))

    def nudge(self, state: CustomerState, kind: str, text: str) -> CustomerState:
        """Swap the goal or change the environment: the next reply voices it."""
        if kind == "goal":
            return replace(state, goal=text, stage="discovery")
        if kind == "environment":
            return replace(state, environment=text)
        return state

    # -- choosing the words -------------------------------------------------------------

    def _reply(self, scene: SceneContext, state: CustomerState, seen: Judgement, agent_text: str
               ) -> list[str]:
        card, persona = scene.drawn.card, scene.persona
        used = set(state.said)
        pick = lambda lines: self._pick(scene, state, lines, used)  # noqa: E731

        if state.outcome == "escalated":
            return [pick([*card.paths.bad.customer_lines, *ESCALATE])]
        if state.outcome == "abandoned":
            return [pick(ABANDON)]
        reaction = self._reaction(state, seen, agent_text, pick)
        if state.outcome == "resolved":
            happy = state.trust >= GRUDGING_TRUST
            closing = [*card.paths.good.customer_lines, *RESOLVED] if happy else \
                [*card.paths.okay.customer_lines, *GRUDGING]
            return [reaction if reaction in CALMED_LINES else "", pick(closing)]
        nudges = [NUDGE_GOAL.format(text=state.goal) if state.goal else "",
                  NUDGE_ENVIRONMENT.format(text=state.environment) if state.environment else ""]
        unsaid = [line for line in nudges if line and line not in used]
        if unsaid:  # voiced once, like every other line
            return [reaction, unsaid[0]]
        if seen.revealed:
            objective = next(o for o in card.hidden_objectives if o.id == seen.revealed)
            return [reaction, objective.reveal]
        if reaction and reaction not in CALMED_LINES:
            return [reaction]  # a correction or a complaint stands on its own
        stage_lines = list(getattr(card.arc, state.stage))
        if state.stage == "resolution":
            stage_lines += list(card.paths.good.customer_lines)
        fresh = [line for line in stage_lines if line not in used]
        follow = pick(fresh) if fresh else pick([*persona.sample_lines, *STILL_WAITING])
        return [reaction, follow]

    def _reaction(self, state: CustomerState, seen: Judgement, agent_text: str, pick) -> str:
        if seen.wrong_facts:
            return pick(CORRECTION).replace("{amount}", seen.wrong_facts[0])
        if "basics" in seen.angered:
            return pick(TOO_BASIC)
        for behaviour in seen.angered:
            term = next(iter(seen.reading.quotes(agent_text, "jargon")), "that")
            return pick(ANGERED[behaviour]).replace("{term}", term)
        if seen.rushed:
            return pick(CLARIFY)
        for behaviour in seen.calmed:
            if behaviour in CALMED:
                return pick(CALMED[behaviour])
        return ""

    @staticmethod
    def _pick(scene: SceneContext, state: CustomerState, lines: Sequence[str],
              used: set[str] | None = None) -> str:
        """A line not yet said in this scene, chosen by the scene's seed and turn."""
        used = used if used is not None else set(state.said)
        fresh = [line for line in dict.fromkeys(lines) if line not in used]
        choices = fresh or list(lines)
        rng = random.Random(f"{scene.seed}:{state.turn}:{len(used)}")
        line = rng.choice(choices)
        used.add(line)
        return line


CALMED_LINES = {line for lines in CALMED.values() for line in lines}


def _turn(parts: list[str], state: CustomerState) -> CustomerTurn:
    """Stream the reply word by word, as a chat would show it arriving."""
    text = " ".join(p for p in parts if p)

    def chunks() -> Iterator[str]:
        words = text.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word

    return CustomerTurn(chunks(), lambda _text: state)
