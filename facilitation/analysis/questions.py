"""Questions: which sentences ask, whether they are open or closed, and how much of the
message is the asking (a reply whose point is a question, or one that only ends on one)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .patterns import _lower_literals

SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
OPEN_START = re.compile(
    # an optional lead-in clause: "Before I recommend one: what …"
    r"^\s*(?:[^:,?]{1,40}[:,]\s*)?(?:and |so |but |okay,? |ok,? |well,? )?"
    r"(?:what|how|why|where|when|which|who|whom|whose|"
    r"tell me|walk me through|talk me through|describe|help me understand|"
    r"(?:could|can|would|will) you (?:tell|describe|explain|walk|talk|share|say|help me understand)|"
    r"(?:can|could|may) I ask (?:what|how|why|where|when|which|who|about)|"
    r"would you (?:like|mind) (?:to )?(?:tell|talk|share|say))\b",
    re.IGNORECASE,
)
CLOSED_START = re.compile(
    r"^\s*(?:and |so |but |okay,? |ok,? |well,? )?(?:do|does|did|is|are|was|were|have|has|had|can|could|"
    r"would|will|should|shall|may|might|am|isn'?t|aren'?t|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|"
    r"haven'?t|hasn'?t|any chance|anything else|is there|are there)\b",
    re.IGNORECASE,
)
# Greetings: asked in form, not to learn about the other person. "How are you feeling about
# it?" or "how are you coping?" is a real question, so those stay out, and so is the service
# opening "How can I help?": it asks what the person needs, which is the point of asking.
SMALL_TALK = re.compile(
    r"^\s*(?:hi|hello|hey)?[,! ]*(?:how are you(?! (?:feeling|coping|holding|managing|handling|finding|"
    r"getting on|sleeping|doing with))|how'?s it going|how are things)\b", re.I)
# Asked as a question, meant as advice ("have you tried…?") or as a check of understanding
# ("so it's the interview that worries you?"): a coach counts these as the other behaviour.
ADVICE_QUESTION = re.compile(
    r"^\s*(?:(?:well|ok(?:ay)?|so|and|but|or|then|hmm),? )?(?:"
    r"are you familiar with|have you (?:ever )?heard (?:of|about)|"
    r"have you (?:guys |all )?(?:ever )?(?:tried|thought (?:about|of)|considered|looked (?:at|into|for))|"
    r"why not|how about|what about (?:trying|asking|talking|getting|going|joining|a |an |some |something)|"
    r"what if you|(?:could|can) you (?:perhaps |maybe |possibly |also )?(?:try|ask|talk|speak|join|reach out|"
    r"contact|call|spend|schedule|plan|visit|consider)|"
    r"would it help|(?:would|is) it (?:be )?(?:possible|helpful|a good idea|worth) (?:to|for you|if|trying)|"
    r"I wonder if you (?:could|can|might)|maybe|perhaps|(?:might|may|can|could) I suggest|"
    r"do you think (?:it would help|you could|maybe|(?:that )?(?:it|you|\w+ing)[^?]{0,60}\b(?:would|could|"
    r"might|will) (?:help|benefit|be (?:good|helpful|useful|worth|a good idea))))\b",
    re.IGNORECASE)
# Asking what someone has already done ("Have you talked to your manager?") is a real question
# that also points at something to do: it counts as both.
TRIED_QUESTION = re.compile(
    r"^\s*(?:(?:well|ok(?:ay)?|so|and|but|or|then|hmm),? )?have you (?:guys |all )?"
    r"(?:already |ever |been able to )?"
    r"(?:talked|spoken|asked|checked|contacted|reached out|told|gone to|seen a)\b",
    re.IGNORECASE)
RESTATEMENT_QUESTION = re.compile(
    r"^\s*(?:oh,? |ok(?:ay)?,? |right,? )?so,? (?:you|your|it|that|the|this|they|he|she)\b|"
    r"\b(?:is that (?:correct|right)|did I get that right|am I right|have I got that right)\??\s*$|"
    r"\b(?:does|would) (?:that|this|it) (?:sound|seem)(?: \w+){0,3} "
    r"(?:right|accurate|fair|correct|reasonable|true)|"
    r"\bis that (?:about |kind of |sort of )?(?:right|accurate|what you(?:'re| are) (?:feeling|saying))|"
    r"\b(?:do|did) I (?:have|get|understand) (?:that|this|it|you) (?:right|correctly)|"
    r"\b(?:if I (?:understand|heard|have) (?:you |this |that |it )?(?:correctly|right)|what I(?:'m| am) "
    r"(?:hearing|understanding)|just so I understand|to confirm|I hear you say|are you saying)\b",
    re.IGNORECASE)

# A sentence that asks has a question's form somewhere: a question word opening a clause, or
# an auxiliary before its subject ("…, but what do you want?", "Since it's hard, are there
# things you enjoy?"). Without one, the question mark only lifts the pitch of a statement:
# "You're growing apart from your best friend?" or "Cheating on you?" checks what was heard,
# and a coach counts it as reflecting back, not as asking.
_CLAUSE = (r"(?:^|[,;:(\-]\s*|"
           r"\b(?:and|but|or|so|then|well|ok|okay|oh|also|now|hi|hello|hey|wow|really|hmm)\s+)")
_AUX = (r"(?:do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|shall|may|might|am|"
        r"isn'?t|aren'?t|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|haven'?t|hasn'?t|can'?t|couldn'?t)")
ASKING_FORM = re.compile(
    _CLAUSE + r"(?:what|whats|how|where|when|which|who|whom|whose|any|anything|anyone|anybody)\b|\bwhy\b|"
    r"\b" + _AUX + r"\s+(?:you|u|ya|there|any|anyone|anybody|anything|someone|somebody|something)\b|"
    + _CLAUSE + _AUX + r"\s+(?:I|we|they|he|she|it|that|this|these|those|your|my|his|her|their|our|the|"
    r"people|things|everyone|everybody)\b",
    re.IGNORECASE)
# A statement with a tag that asks only for a nod: "…, right?", "…, is that true?"
TAG_CHECK = re.compile(
    r"(?:,\s*|\s)(?:right|correct|true|huh|eh|is that (?:so|true|right|correct|it)|isn'?t it|"
    r"does that (?:sound )?(?:right|fair|correct)|correct me if I'?m wrong)\W*$",
    re.IGNORECASE)
# Asking for agreement with one's own view: "…, don't you think?"
RHETORICAL = re.compile(r"\b(?:don'?t you (?:think|agree)|wouldn'?t you (?:say|agree))\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class QuestionReading:
    question: float  # how much the message is a question
    open_question: float
    closed_question: float
    spans: list[tuple[int, int]]
    open_spans: list[tuple[int, int]]
    closed_spans: list[tuple[int, int]]
    advice_spans: list[tuple[int, int]] = field(default_factory=list)  # advice put as a question


def sentences(text: str) -> list[Sentence]:
    out = []
    for m in SENTENCE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Sentence(m.start() + lead, m.start() + lead + len(stripped), stripped))
    return out


def _asks(sentence: Sentence) -> bool:
    if sentence.text.endswith("?"):
        return True
    # chat style drops the question mark: "did you go your separate ways on good terms"
    last = not sentence.text.endswith((".", "!"))
    return last and bool(OPEN_START.match(sentence.text) or CLOSED_START.match(sentence.text))


def _lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same rule for lower-cased text, matched case-sensitively: faster (see ``patterns.Rule``)."""
    return re.compile(_lower_literals(pattern.pattern))


_SMALL, _ADVICE, _TRIED, _RESTATED, _TAG, _RHETORICAL, _FORM = map(_lowered, (
    SMALL_TALK, ADVICE_QUESTION, TRIED_QUESTION, RESTATEMENT_QUESTION, TAG_CHECK, RHETORICAL, ASKING_FORM))


def _really_asks(text: str) -> bool:
    """Asks to learn something: not small talk, advice or a check of understanding put as a question."""
    low = text.lower()
    return not (_SMALL.match(low) or _ADVICE.match(low) or _RESTATED.search(low) or _tagged(low)
                or _RHETORICAL.search(low) or not _FORM.search(low))


def _advises(text: str) -> bool:
    low = text.lower()
    return bool(_ADVICE.match(low) or _TRIED.match(low))


def _tagged(low: str) -> bool:
    """A statement of three words or more closed with a tag: "you felt let down, right?"."""
    m = _TAG.search(low)
    return bool(m) and len(low[:m.start()].split()) >= 3


def read_questions(text: str) -> QuestionReading:
    parts = sentences(text)
    asked = [s for s in parts if _asks(s)]
    if not asked:
        return QuestionReading(0.0, 0.0, 0.0, [], [], [])
    real = [s for s in asked if _really_asks(s.text)]
    open_q = [s for s in real if OPEN_START.match(s.text)]
    closed_q = [s for s in real if s not in open_q]
    total_words = sum(p.words for p in parts) or 1
    asking_words = sum(s.words for s in asked)
    # A reply whose point is the question: most of its words ask, it ends on one after little else,
    # or it opens on one with only a short aside after it.
    share = asking_words / total_words
    ends_on_question = parts[-1] in asked
    lead_words = total_words - asking_words
    opens_on_question = parts[0] in real
    dominance = max(share, 0.9 if ends_on_question and lead_words <= 10 else 0.0,
                    0.35 if ends_on_question and lead_words <= 25 else 0.0,
                    0.6 if opens_on_question and lead_words <= 14 else 0.0)
    # only "how are you?" or "have you tried…?": asking in form, not in substance
    question = 0.2 + 0.75 * dominance if real else 0.3
    spans = [(s.start, s.end) for s in asked]
    return QuestionReading(
        question=round(min(1.0, question), 3),
        open_question=0.85 if open_q else 0.0,
        closed_question=0.8 if closed_q else 0.0,
        spans=spans,
        open_spans=[(s.start, s.end) for s in open_q],
        closed_spans=[(s.start, s.end) for s in closed_q],
        advice_spans=[(s.start, s.end) for s in asked if _advises(s.text)],
    )
