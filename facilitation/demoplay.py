"""One team's demo month, played through the façade scene by scene on a fake clock.

Each weekday the team's coach runs a few group sessions (3 to 6 participants, several
scenes, the agent seat rotating, two or three observers). A scene is played as the room
plays it: brief → act (the agent's lines from their habit mix, turn by turn, against the
embedded customer; observers tick what they notice) → rewind (now and then a retried
line) → debrief (feelings, then the score card once the scene ends: a strength, one
adjustment and a commitment aimed at the weakest criterion).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from .analysis import Analyser, Analysis
from .cards import ScenarioCard
from .clock import FakeClock
from .demopeople import (
    ADJUSTMENTS,
    COMMITMENTS,
    FEELINGS,
    FREE_NOTES,
    NOTHING_TICKED,
    NUDGES,
    REALISM_COMMENTS,
    TEAMS,
    Trainee,
)
from .records import Message
from .simulate import MAX_AGENT_TURNS, POLICIES
from .workbench import Workbench

DAYS = 30
NEW_HIRE_PATH = "new-hire"
SESSION_SCENES = (3, 4, 4, 5, 5, 6, 6, 7, 8)  # scenes in one session, drawn evenly from these
WEAK_SIGNS = frozenset({"blame", "jargon", "long_message"})  # a line worth a retry: one of these,
ACKNOWLEDGING = frozenset({"empathy", "apology"})  # or none of these
PHRASE_BANK = "the card's phrase bank"  # a score card's alternative taken from the card itself
REWIND_SHARE, RESTART_SHARE, NUDGE_SHARE, DEBRIEF_SHARE, REALISM_SHARE = 0.04, 0.015, 0.04, 0.85, 0.3


@dataclass(frozen=True)
class TeamPlan:
    """What one team plays: its people, how many scenes, and the seed that makes it repeatable."""

    team: str
    coach: str  # the facilitator's person id
    trainees: list[Trainee]
    scenes: int
    seed: str
    since: datetime
    popularity: dict[str, float]  # card id → how often coaches reach for it


def play_team(wb: Workbench, plan: TeamPlan, tick: Callable[[int], object]) -> None:
    """Play the team's month in time order; ``tick(1)`` after every scene."""
    _TeamMonth(wb, plan, tick).play()


class _TeamMonth:
    def __init__(self, wb: Workbench, plan: TeamPlan, tick: Callable[[int], object]) -> None:
        self.wb, self.plan, self.tick = wb, plan, tick
        self.rng = random.Random(plan.seed)
        self.clock: FakeClock = wb.clock  # type: ignore[assignment]
        self.cards = sorted(wb.library.cards.values(), key=lambda c: c.id)
        self.analysers: dict[str, Analyser] = {}
        self.readings: dict[tuple[str, str], Analysis] = {}  # policies repeat lines: read each once

    def play(self) -> None:
        rng, plan = self.rng, self.plan
        counts: list[int] = []
        while sum(counts) < plan.scenes:
            left, n = plan.scenes - sum(counts), rng.choice(SESSION_SCENES)
            counts.append(left if left - n < min(SESSION_SCENES) else n)  # no one-scene session at the end
        days = [d for d in (plan.since + timedelta(days=i) for i in range(DAYS)) if d.weekday() < 5]
        per_day = Counter(days[i * len(days) // len(counts)] for i in range(len(counts)))
        sessions = iter(counts)
        for day in days:
            self._move_to(day + timedelta(hours=9, minutes=rng.randrange(30)))
            for _ in range(per_day[day]):
                self._session(day, next(sessions))
                self._move_to(self.clock.now() + timedelta(minutes=rng.randrange(10, 40)))

    def _move_to(self, when: datetime) -> None:
        if time(12) <= when.time() < time(13):  # lunch
            when = when.replace(hour=13, minute=self.rng.randrange(15))
        self.clock.advance(max(0.0, (when - self.clock.now()).total_seconds()))

    def _session(self, day: datetime, count: int) -> None:
        rng, now = self.rng, self.clock.now()
        active = [t for t in self.plan.trainees if t.started is None or t.started <= now]
        size = min(len(active), max(3, min(6, count + rng.choice((-1, 0, 0, 1)))))
        # Who comes: those who have played least, new hires first (they are on a path).
        chosen = sorted(active, key=lambda t: t.acted - (1.5 if t.new_hire else 0) + rng.random() * 2)[:size]
        rng.shuffle(chosen)
        part = "morning" if now.hour < 12 else "afternoon"
        info = self.wb.create_session(f"{self.plan.team} practice, {day:%a %d %b} {part}", self.plan.coach,
                                      [t.id for t in chosen], team=self.plan.team)
        played: set[str] = set()
        for i in range(count):
            agent = chosen[i % len(chosen)]
            others = [t for t in chosen if t is not agent]
            observers = rng.sample(others, min(len(others), rng.choice((2, 2, 3))))
            card = self._card(agent, played)
            played.add(card.id)
            _Scene(self, info.id, agent, observers, card).play()
            self.tick(1)

    def _card(self, agent: Trainee, played: set[str]) -> ScenarioCard:
        """A card at the agent's level: a new hire's path week, a veteran's skill; popular cards
        and the team's own categories more often, never the same card twice in a session."""
        focus: list[str] = []
        if agent.started is not None:
            weeks = self.wb.training_paths[NEW_HIRE_PATH].weeks
            week = weeks[min(int((self.clock.now() - agent.started) / timedelta(weeks=1)), len(weeks) - 1)]
            levels, focus = {d: 1.0 for d in week.difficulties}, list(week.focus)
        else:
            s = agent.start_skill
            levels = {"beginner": 0.15, "intermediate": 0.45 + (0.65 - s), "advanced": 0.4 + (s - 0.65)}

        def weight(card: ScenarioCard) -> float:
            w = self.plan.popularity.get(card.id, 0.1) * levels.get(card.difficulty, 0.0)
            w *= 3 if card.category in TEAMS.get(self.plan.team, ()) else 1
            w *= 2 if any(c.competency in focus for c in card.criteria) else 1
            return w if card.id not in played else 0.0

        weights = [weight(c) for c in self.cards]
        if not any(weights):
            weights = [0.0 if c.id in played else 1.0 for c in self.cards]
        return self.rng.choices(self.cards, weights)[0]

    def reading(self, card: ScenarioCard, line: str) -> Analysis:
        """What the analyser reads in an agent line, as scoring will read it."""
        if card.id not in self.analysers:
            self.analysers[card.id] = Analyser.for_card(card, self.wb.library.personas.get(card.persona))
        key = (card.id, line)
        if key not in self.readings:
            self.readings[key] = self.analysers[card.id].analyse(line, "agent")
        return self.readings[key]


class _Scene:
    """One scene as the room plays it: brief, act, rewind (sometimes a retry), debrief, end."""

    def __init__(self, month: _TeamMonth, session_id: str, agent: Trainee, observers: Sequence[Trainee],
                 card: ScenarioCard) -> None:
        self.m, self.wb, self.rng, self.coach = month, month.wb, month.rng, month.plan.coach
        self.agent, self.observers = agent, observers
        hard = not agent.new_hire and self.rng.random() < 0.15
        mild = agent.new_hire and self.rng.random() < 0.3
        intensity = "hard" if hard else "mild" if mild else "standard"
        roles = {agent.id: "agent", **{o.id: "observer" for o in observers}}
        self.scene = self.wb.create_scene(session_id, card.id, seed=self.rng.randrange(1_000_000),
                                          intensity=intensity, roles=roles)
        self.id = self.scene.id
        self.drawn = self.wb.drawn_card(self.id)
        self.persona = self.wb.library.personas[card.persona]
        self.checklist = [i for i in self.wb.library.rubric(card.rubric).checklist
                          if i.kind == "tick" and i.behaviour]
        heated = intensity == "hard" or card.persona in ("frustrated-user", "busy-executive")
        noise = self.rng.gauss(0, 0.06) - (agent.habit.under_pressure if heated else 0.0)
        self.skill = min(0.98, max(0.02, agent.skill(self.clock.now()) + noise))
        self.ticked: dict[str, set[str]] = {o.id: set() for o in observers}
        self.softened: set[str] = set()
        self.agent_lines: list[tuple[Message, Analysis]] = []
        self.mood: float | None = None

    @property
    def clock(self) -> FakeClock:
        return self.m.clock

    def wait(self, low: float, high: float) -> None:
        self.clock.advance(self.rng.uniform(low, high))

    def play(self) -> None:
        wb, coach, durations = self.wb, self.coach, self.scene.durations
        wb.start(self.id, by=coach)
        self.wait(0.6 * durations["brief"], 1.1 * durations["brief"])
        wb.skip(self.id, by=coach)  # brief → act
        self.act()
        if self.agent_lines and self.rng.random() < RESTART_SHARE:
            wb.restart_act(self.id, by=coach)
            self.agent_lines, self.mood = [], None
            self.act()
        self.wrap_up()
        wb.skip(self.id, by=coach)  # act → rewind
        retried = self.rng.random() < REWIND_SHARE * (2 - self.skill) and self.retry()
        self.wait(*((10, 30) if retried else (5, 20)))
        wb.skip(self.id, by=coach)  # rewind → debrief
        self.agent.played()
        if self.rng.random() < DEBRIEF_SHARE:
            self.debrief()
        else:
            self.wait(20, 60)
            wb.end(self.id, by=coach)
        self.wait(30, 90)

    # -- the act ------------------------------------------------------------------------

    def act(self) -> None:
        used = {f"@{move}" for move in self.agent.skips(self.skill, self.rng)}  # as if made already
        mix = self.agent.mix(self.skill)
        limit = self.persona.preferred_reply_words[1]
        if not self.customer():
            return
        for turn in range(MAX_AGENT_TURNS):
            if self.rng.random() < NUDGE_SHARE / MAX_AGENT_TURNS:
                self.wb.nudge(self.id, "cue", self.rng.choice(NUDGES), by=self.coach)
            policy = self.rng.choices(list(mix), list(mix.values()))[0]
            line = POLICIES[policy](self.drawn, turn, self.rng, used, limit)
            self.say(line or "Let me check that for you.")
            if not self.customer():
                return

    def say(self, line: str) -> None:
        words = len(line.split())
        pause = int(1000 * (2 + words * self.rng.uniform(0.25, 0.6) * (1.4 - self.skill)))
        self.clock.advance(pause / 1000)
        message = self.wb.post_message(self.id, "agent", line, author=self.agent.id, pause_ms=pause)
        reading = self.m.reading(self.drawn.card, line)
        self.agent_lines.append((message, reading))
        self.observe(message, reading)

    def customer(self) -> bool:
        """The customer's next line; False once the customer has ended the scene."""
        self.wait(2, 8)
        for _ in self.wb.customer_turn(self.id):
            pass
        transcript = self.wb.transcript(self.id)
        state = self.wb.customer_state(self.id, transcript)
        if state is not None and self.mood is not None and state.mood - self.mood >= 0.15:
            for o in self.observers:
                if o.id not in self.softened and self.rng.random() < 0.5 * o.reliability:
                    self.softened.add(o.id)
                    self.wb.add_note(self.id, o.id, "marker", item="tone-softened",
                                     message_id=transcript[-1].id)
        self.mood = state.mood if state is not None else None
        return state is None or not state.ended

    def observe(self, message: Message, reading: Analysis) -> None:
        """Each observer ticks an item at most once, when they notice it (or think they do), and
        now and then quotes the line, times the pause before it or writes a note."""
        rng = self.rng
        for o in self.observers:
            for item in self.checklist:
                if item.id in self.ticked[o.id]:
                    continue
                seen = reading.shows(item.behaviour or "")
                if rng.random() < (o.reliability if seen else o.false_ticks / 3):
                    self.ticked[o.id].add(item.id)
                    self.wb.add_note(self.id, o.id, "tick", item=item.id, message_id=message.id)
            shown = sorted(reading.shown())
            if rng.random() < 0.35 / MAX_AGENT_TURNS * (1 + len(shown)):
                quote = next((q for b in shown for q in reading.quotes(message.text, b)), message.text)
                self.wb.add_note(self.id, o.id, "quote", item="quote", message_id=message.id, text=quote)
            if message.pause_ms and rng.random() < 0.06:
                value = message.pause_ms * rng.uniform(0.85, 1.15)
                self.wb.add_note(self.id, o.id, "timer", item="pause", message_id=message.id, value=value)
            if rng.random() < 0.015:
                self.wb.add_note(self.id, o.id, "note", item="note", text=rng.choice(FREE_NOTES))

    def wrap_up(self) -> None:
        """An observer whose checklist stayed empty says so, for the debrief."""
        for o in self.observers:
            if self.agent_lines and not self.ticked[o.id] and self.rng.random() < 0.8:
                self.wb.add_note(self.id, o.id, "note", item="note", text=self.rng.choice(NOTHING_TICKED))

    # -- rewind and debrief -------------------------------------------------------------

    def retry(self) -> bool:
        """Rewind to the first weak agent line and play a better one from there."""
        weak = [m for m, r in self.agent_lines if r.shown() & WEAK_SIGNS or not r.shown() & ACKNOWLEDGING]
        if not weak:
            return False
        self.wb.rewind(self.id, weak[0].id, by=self.coach)
        better = POLICIES["empathetic"](self.drawn, 0, self.rng, set(), self.persona.preferred_reply_words[1])
        self.say(better)
        self.customer()
        return True

    def debrief(self) -> None:
        """Feelings first; then the facilitator ends the scene and walks the room through the
        score card (the debrief board shows it once the scene has ended)."""
        wb, rng, who = self.wb, self.rng, self.agent.id
        state = wb.customer_state(self.id)
        outcome = state.outcome if state is not None and state.outcome in FEELINGS else "open"
        wb.add_debrief(self.id, who, "feeling", rng.choice(FEELINGS[outcome]))
        self.wait(20, 40)
        wb.end(self.id, by=self.coach)
        card = wb.score_card(self.id)
        if card is None:  # the agent never spoke
            return
        good = [h for h in card["highlights"] if h["kind"] == "highlight"]
        strength = (f"{good[0]['text'][0].upper()}{good[0]['text'][1:]}: “{good[0]['quote']}”" if good
                    else "Stayed polite and kept the conversation going under pressure.")
        wb.add_debrief(self.id, who, "strength", strength)
        weakest = min(card["criteria"], key=lambda c: (c["score"], -c["weight"]))
        alternative = next((a["line"] for a in card["alternatives"] if a["source"] == PHRASE_BANK), None)
        adjustment = ADJUSTMENTS[weakest["competency"]] + (f" Try: “{alternative}”" if alternative else "")
        wb.add_debrief(self.id, who, "adjustment", adjustment)
        self.wait(20, 40)
        commitment = rng.choice(COMMITMENTS[weakest["competency"]])
        wb.add_debrief(self.id, who, "commitment", commitment.text)
        if rng.random() < 0.6:  # most commitments hold for the next few scenes
            self.agent.focus, self.agent.focus_left = commitment.behaviour, 3
        if rng.random() < REALISM_SHARE:
            stars = rng.choices((2, 3, 4, 5), (1, 3, 6, 4))[0]
            comment = rng.choice(REALISM_COMMENTS) if rng.random() < 0.3 else None
            wb.rate_realism(self.id, who, stars, comment)
        self.wait(15, 45)
