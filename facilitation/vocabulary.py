"""The fixed words of the workbench: categories, channels, competencies, behaviours.

Cards, rubrics and personas refer to these by id; the analyser (a later layer) detects
the behaviours, so a card can say which behaviours earn a hidden objective and the
scorer can tie a criterion to a competency area.
"""

from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "emotion-management",
    "technical-troubleshooting",
    "billing-and-accounts",
    "product-knowledge",
    "edge-cases-compliance",
    "channel-specific",
]
CATEGORY_TITLES: dict[str, str] = {
    "emotion-management": "Customer emotion management",
    "technical-troubleshooting": "Technical troubleshooting",
    "billing-and-accounts": "Billing and accounts",
    "product-knowledge": "Product knowledge",
    "edge-cases-compliance": "Edge cases and compliance",
    "channel-specific": "Channel-specific scenes",
}

Difficulty = Literal["beginner", "intermediate", "advanced"]
Channel = Literal["chat", "email", "phone", "social", "video"]
Intensity = Literal["mild", "standard", "hard"]

Competency = Literal[
    "customer-empathy",
    "technical-troubleshooting",
    "de-escalation",
    "billing-knowledge",
    "communication-clarity",
    "product-knowledge",
    "compliance-awareness",
    "first-contact-resolution",
]

# What the analyser detects in an agent message, with what it means to a coach.
BEHAVIOURS: dict[str, str] = {
    "empathy": "acknowledges or validates the customer's feeling",
    "apology": "apologises for the customer's experience",
    "scripted_apology": "apologises by formula (\"sorry for any inconvenience\"), naming nothing",
    "question": "asks a question",
    "open_question": "asks an open question that invites the customer to explain",
    "closed_question": "asks a closed question: yes/no, a choice, or one specific fact",
    "options": "offers two or more alternatives",
    "suggestion": "suggests something the customer could do",
    "next_steps": "says who does what by when",
    "summary": "summarises or paraphrases what the customer said",
    "reassurance": "reassures the customer about the outcome",
    "policy": "explains a policy and the reason behind it",
    "jargon": "uses technical or internal terms the customer may not know",
    "blame": "blames the customer or gets defensive",
    "overpromise": "promises what the agent cannot guarantee",
    "pleasantries": "spends words on niceties rather than substance",
    "long_message": "writes more than the customer can take in at once",
}
Behaviour = Literal[
    "empathy",
    "apology",
    "scripted_apology",
    "question",
    "open_question",
    "closed_question",
    "options",
    "suggestion",
    "next_steps",
    "summary",
    "reassurance",
    "policy",
    "jargon",
    "blame",
    "overpromise",
    "pleasantries",
    "long_message",
]
NEGATIVE_BEHAVIOURS = frozenset({"jargon", "blame", "overpromise", "pleasantries", "long_message",
                                 "scripted_apology"})

PHASES = ("brief", "act", "rewind", "debrief")

# What a session is for. Only training counts in progress, reports and exports: a headless
# `roleplay scene run` is practice, and the session `make demo` serves is the demo's own.
SESSION_PURPOSES = ("training", "practice", "demo")
COUNTED_PURPOSE = "training"
# The rubric a card is scored against unless it names another, and the one progress and the
# reports read competency areas from.
DEFAULT_RUBRIC = "support-core"

CATEGORIES: tuple[str, ...] = get_args(Category)
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)
CHANNELS: tuple[str, ...] = get_args(Channel)
INTENSITIES: tuple[str, ...] = get_args(Intensity)
COMPETENCIES: tuple[str, ...] = get_args(Competency)

assert set(get_args(Behaviour)) == set(BEHAVIOURS), "Behaviour and BEHAVIOURS drifted apart"
assert set(get_args(Category)) == set(CATEGORY_TITLES)
