"""Who trains in the demo month, and what the room says about it.

A trainee plays by a habit: the simulator's agent policies (``simulate.POLICIES``) mixed
turn by turn, the ones they slip into when off form, and the moves they tend to leave
out. Skill sets the mix: new hires start weak and learn over their first weeks (their mix
shifting towards the empathetic model onboarding teaches); veterans are stronger and
steady, some of them on a plateau. The banks below are the words of the debrief.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from .simulate import EMPATHETIC

TEAMS = {"Billing": ("billing-and-accounts", "emotion-management"),  # team → the categories it leans on
         "Technical": ("technical-troubleshooting", "product-knowledge"),
         "Accounts": ("edge-cases-compliance", "channel-specific")}
COACHES = {"Billing": "Morgan Ellery", "Technical": "Priya Raman", "Accounts": "Tomás Okafor"}
FIRST = ("Ava", "Ben", "Chloe", "Daniel", "Elif", "Farah", "Gabriel", "Hana", "Isaac", "Jade", "Kofi",
         "Lena", "Mateo", "Nadia", "Oscar", "Pilar", "Quinn", "Rosa", "Samir", "Tessa", "Umar", "Vera",
         "Wes", "Ximena", "Yusuf", "Zoe", "Aiden", "Bianca", "Caleb", "Dina", "Emil", "Freya", "Grace",
         "Hugo", "Ines", "Jonah", "Kiara", "Liam", "Maya", "Noor")
LAST = ("Adams", "Bauer", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
        "Kowalski", "Larsen", "Moreau", "Nakamura", "Osei", "Petrov", "Quist", "Rossi", "Silva", "Tanaka",
        "Uddin", "Varga", "Walsh", "Xu", "Yilmaz", "Zhang", "Brennan", "Castillo", "Novak", "Lindqvist")
LEARNING_DAYS = 14  # a new hire's skill climbs an S-curve over their first two weeks


@dataclass(frozen=True)
class Habit:
    """How an agent plays: policy weights when on form, the ones they slip into, moves they skip."""

    name: str
    good: dict[str, float]
    slips: dict[str, float]
    blind: tuple[str, ...]
    under_pressure: float = 0.05  # skill lost with a hard or heated customer


HABITS = (
    Habit("warm but drifts into jargon", {"empathetic": 8, "factual": 1}, {"jargon": 3, "rushing": 0.5},
          ("policy",)),
    Habit("correct but cold", {"factual": 8, "empathetic": 1}, {"dismissive": 2, "blaming": 1},
          ("empathy", "apology")),
    Habit("rushes under pressure", {"empathetic": 5, "factual": 4}, {"rushing": 4},
          ("open_question", "summary"), under_pressure=0.2),
    Habit("defensive when challenged", {"empathetic": 6, "factual": 3}, {"blaming": 2, "dismissive": 2},
          ("apology",), under_pressure=0.1),
    Habit("thorough all-rounder", {"empathetic": 9, "factual": 2}, {"jargon": 1, "rushing": 1}, ()),
    Habit("good listener, vague close", {"empathetic": 9}, {"dismissive": 1, "wrong-facts": 1},
          ("next_steps", "options")),
    Habit("knows the product, loose with facts", {"factual": 6, "empathetic": 3},
          {"wrong-facts": 3, "jargon": 1}, ("empathy",)),
)


@dataclass(frozen=True)
class Commitment:
    """A debrief commitment as a concrete behaviour, so later scenes can be checked for it."""

    text: str
    behaviour: str


COMMITMENTS: dict[str, tuple[Commitment, ...]] = {
    "customer-empathy": (Commitment("Name the customer's feeling before explaining the policy", "empathy"),
                         Commitment("Reflect the situation back in one sentence before solving", "summary")),
    "technical-troubleshooting": (
        Commitment("Ask one open diagnostic question before proposing a fix", "open_question"),
        Commitment("Restate what the customer already tried before the next step", "summary")),
    "de-escalation": (Commitment("Give the customer two choices when the temperature rises", "options"),
                      Commitment("Own what went wrong on our side with a specific apology", "apology")),
    "billing-knowledge": (
        Commitment("Explain the billing rule and the reason for it in plain words", "policy"),
        Commitment("Offer what policy allows instead of a flat no", "options")),
    "communication-clarity": (Commitment("Lead with the bottom line in one sentence", "summary"),
                              Commitment("End every reply with the next step", "next_steps")),
    "product-knowledge": (
        Commitment("Ask what the customer wants to achieve before recommending a feature", "open_question"),
        Commitment("Offer the two features that fit the customer's goal", "options")),
    "compliance-awareness": (Commitment("State the boundary and why it exists before saying no", "policy"),
                             Commitment("Hand over to the right team with a clear next step", "next_steps")),
    "first-contact-resolution": (Commitment("Close with who does what by when", "next_steps"),
                                 Commitment("Summarise what was resolved before closing", "summary")),
}
ADJUSTMENTS = {
    "customer-empathy": "Acknowledge the feeling in your own words before moving to the fix.",
    "technical-troubleshooting": "Narrow the cause with a question before suggesting steps.",
    "de-escalation": "When the customer pushes back, slow down and offer a choice instead of defending.",
    "billing-knowledge": "Break the charge into its parts and say why each one is there.",
    "communication-clarity": "Shorter messages, main point first, no internal terms.",
    "product-knowledge": "Connect the feature to what the customer is trying to do.",
    "compliance-awareness": "Say what the rule protects, then what you can do within it.",
    "first-contact-resolution": "Agree the next step with an owner and a time before closing.",
}
FEELINGS = {
    "resolved": ("Relieved: once they calmed down it felt like a real conversation.",
                 "Confident by the end; the first reply was the hardest.",
                 "Good. I knew where I was going after the second message."),
    "escalated": ("Flustered: the customer kept pushing and I lost my plan.",
                  "Frustrated with myself; I knew the answer but it came out wrong.",
                  "Under pressure. I felt I had to defend the policy."),
    "open": ("Unsure whether I actually solved anything.",
             "Rushed; the two minutes went very fast.",
             "OK, but I was reading the card more than listening."),
}
NUDGES = ("Name the feeling before the fix.", "Offer two options.", "Slow down: one point per message.",
          "Say who does what by when.")
FREE_NOTES = ("Good recovery after the second complaint.", "Lost the thread around the amount.",
              "Leaned in when the customer got angry.", "Policy came before any acknowledgment.",
              "Strong close, the customer knew exactly what happens next.")
NOTHING_TICKED = ("No acknowledgment, options or next step that I could hear.",
                  "Nothing from the checklist: it was all process.",
                  "Went straight to the answer; the customer never felt heard.")
REALISM_COMMENTS = ("Felt like a real Monday queue.", "The customer gave in a bit too quickly.",
                    "Very close to calls I take.", "A real customer would have asked for a manager earlier.")


@dataclass
class Trainee:
    id: str
    name: str
    team: str
    habit: Habit
    start_skill: float
    end_skill: float
    started: datetime | None  # new hires: the day they joined; veterans: None
    reliability: float  # as an observer: the chance of ticking what they see
    false_ticks: float  # as an observer: the chance of ticking what was not there
    refresher: datetime | None = None  # a veteran on a plateau put on the refresher path
    focus: str | None = None  # the behaviour they committed to in a recent debrief
    focus_left: int = 0  # scenes the commitment still holds for
    acted: int = 0  # scenes played as the agent so far

    @property
    def new_hire(self) -> bool:
        return self.started is not None

    def skill(self, at: datetime) -> float:
        """0…1: a new hire finds their feet in the first week, learns fast in the next two and
        levels off by the end of the third; veterans hold steady."""
        if self.started is None:
            return self.start_skill
        x = min(1.0, max(0.0, (at - self.started) / timedelta(days=LEARNING_DAYS)))
        return self.start_skill + (self.end_skill - self.start_skill) * x * x * (3 - 2 * x)

    def mix(self, skill: float) -> dict[str, float]:
        """Policy → weight for each of this agent's turns at this skill."""
        weights = {p: w * (0.4 + 0.6 * skill) for p, w in self.habit.good.items()}
        for p, w in self.habit.slips.items():
            weights[p] = weights.get(p, 0.0) + w * 3 * (1 - skill) ** 1.5
        if self.new_hire:  # what onboarding teaches: the empathetic model
            weights["empathetic"] = weights.get("empathetic", 0.0) + 4 * skill
        return weights

    def skips(self, skill: float, rng: random.Random) -> set[str]:
        """The moves this agent leaves out of this scene: blind spots most, all of them when weak."""
        out = set()
        for move in EMPATHETIC:
            chance = 0.4 * (1 - skill) + (0.25 + 0.6 * (1 - skill) if move in self.habit.blind else 0.0)
            if move == self.focus:
                chance /= 3
            if rng.random() < chance:
                out.add(move)
        return out

    def played(self) -> None:
        self.acted += 1
        self.focus_left -= 1
        if self.focus_left <= 0:
            self.focus = None


def trainees(rng: random.Random, count: int, teams: list[str], since: datetime) -> list[Trainee]:
    """``count`` trainees over ``teams``: a third new hires, starting in the month's first three weeks."""
    hires = round(count / 3)
    out = []
    for i, name in enumerate(_names(rng, count)):
        new = i >= count - hires
        team = teams[(i - (count - hires) if new else i) % len(teams)]
        habit = rng.choice(HABITS)
        started = refresher = None
        if new:
            started = weekday(since + timedelta(days=7 * ((i - count + hires) % 3)))
            start, end = rng.uniform(0.0, 0.1), rng.uniform(0.75, 0.9)
        elif rng.random() < 0.3:  # a plateau; the coach notices half of them mid-month
            start = end = rng.uniform(0.52, 0.64)
            refresher = weekday(since + timedelta(days=14)) if rng.random() < 0.5 else None
        else:
            start = end = rng.uniform(0.72, 0.92)
        out.append(Trainee(slug(name), name, team, habit, start, end, started,
                           reliability=rng.uniform(0.78, 0.97), false_ticks=rng.uniform(0.0, 0.03),
                           refresher=refresher))
    return out


def weekday(day: datetime) -> datetime:
    """``day``, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def slug(name: str) -> str:
    """A person id from a name: ``Tomás Okafor`` → ``tomas-okafor``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c for c in word if c.isalnum()) for word in plain.split())


def _names(rng: random.Random, count: int) -> list[str]:
    """``count`` different plausible names (first names repeat only past the list's length)."""
    firsts = rng.sample(FIRST, len(FIRST))
    names: list[str] = []
    while len(names) < count:
        name = f"{firsts[len(names) % len(firsts)]} {rng.choice(LAST)}"
        if name not in names:
            names.append(name)
    return names
