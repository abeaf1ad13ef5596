"""Questions: which sentences ask, whether they are open or closed, and how much of the
message is the asking (a reply whose point is a question, or one that only ends on one).

Open or closed is read from the answer a question invites, as a motivational-interviewing
coder reads it, not from its first word: "What brings you here today?" or "Tell me more about
that." leaves the answer to the other person (open); "Do you smoke?", "How many a day?",
"What's your order number?" or "Is it the app or the website?" asks for a yes or no, a figure,
a fact or a pick (closed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .patterns import _FEELING, _lower_literals

SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")

# --- Where the asking starts -------------------------------------------------------------------
# Words a speaker says before the question itself, in speech and chat: "so um what happened
# next", "Okay, and what time did it start?", "Yeah, so, um, what made you call us today."
_FILLER = (r"(?:(?:and|so|but|or|okay|ok|oh|well|right|yeah|yes|yep|alright|all right|now|then|lovely|"
           r"great|cool|sure|fine|also|anyway|I mean|you know|mm-?hmm|uh-?huh|um+|uh+|erm?|hmm*|mm+|mhm)"
           r"\b[,.]?\s+)*")
FILLERS = re.compile(r"^\s*" + _FILLER, re.IGNORECASE)
# A short lead-in clause before the question: "Before I suggest anything: what …",
# "I'm sorry to hear that, do you have family nearby?", "When you say stressed, what do you mean?"
LEAD_CLAUSE = re.compile(r"^[^:,;?]{1,40}[:,;]\s+" + _FILLER, re.IGNORECASE)

_AUX = (r"(?:do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|shall|may|might|am|"
        r"isn'?t|aren'?t|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|haven'?t|hasn'?t|can'?t|couldn'?t)")
_SUBJECT = (r"(?:you|u|ya|there|any|anyone|anybody|anything|someone|somebody|something|I|we|they|he|she|"
            r"it|that|this|these|those|your|ur|my|his|her|their|our|the|people|things|everyone|everybody)")
_WH = (r"(?:what|whats|what's|wat|how|hows|how's|how come|why|where|wheres|where's|when|which|who|whos|"
       r"who's|whom|whose)")

# The forms a question opens with, once fillers and a lead-in are set aside.
WH_START = re.compile(r"^(?:in|to|from|with|for|about|at|on|by) (?:what|which|whom)\b|^" + _WH + r"(?![\w'])",
                      re.IGNORECASE)
YES_NO_START = re.compile(
    r"^" + _AUX + r"\s+" + _SUBJECT + r"\b|^r (?:u|you)\b|"
    r"^(?:any chance|anything else|any other|any|is there|are there)\b", re.IGNORECASE)
# With a question mark, an auxiliary first asks whatever follows: "Is Thursday at 10 still good?"
AUX_FIRST = re.compile(r"^" + _AUX + r"\s+\w", re.IGNORECASE)
# A question word with its verb before the subject asks, whatever ends the sentence:
# "what made you call us today." as a transcript writes it.
WH_INVERTED = re.compile(
    r"^" + _WH + r"(?:\s+\w+)?\s+(?:" + _AUX + r"\s+" + _SUBJECT + r"|(?:made|brought|happened|changed|"
    r"went|helps|helped|worries|worried|stops|stopped)\b)|^(?:whats|what's|hows|how's)\s+(?:been|it|that|"
    r"this|your|ur|the|going|happening|new|up)\b", re.IGNORECASE)
# Asking put as a statement or a request: MI coding counts "Tell me more about that." and "I'm
# wondering what you've tried so far." as questions, question mark or not. ("Tell me when you
# see it" is an instruction, and "I wonder if you're feeling stuck" a guess at a feeling.)
_ASK_VERB = (r"(?:please\s+|(?:can|could|would|will) you (?:please |just )?|would you (?:like|mind|want) "
             r"(?:to )?|(?:do you )?(?:wanna|want to) |I'?d (?:like|love) (?:you )?to )?")
PROMPT = re.compile(
    r"^" + _ASK_VERB + r"(?:tell me|talk me through|walk me through|take me through|describe|explain|"
    r"fill me in|talk to me about|give me (?:an example|some examples|a sense)|"
    r"say (?:a (?:bit|little) |some(?:thing)? |a few words )?more|"
    r"share (?:a (?:bit|little) |some )?more|help me (?:to )?understand)\b(?! (?:when|if|once|as soon as)\b)|"
    r"^(?:I'?m|I am) (?:curious|wondering|interested to (?:know|hear))\b|"
    r"^I'?d (?:love|like) to (?:hear|know|understand|learn)\b|"
    r"^it (?:would|might|'d) help (?:me )?(?:to )?(?:know|hear|understand)\b|"
    r"^(?:I )?(?:was |am |'m )?(?:just )?wonder(?:ing)?(?= (?:what|how|why|where|when|which|who)\b)|"
    r"^(?:I )?(?:was |am |'m )?(?:just )?wonder(?:ing)? (?:if|whether) you(?:'ve| have| had|'d| could| would|"
    r" can| did| got| managed| were able| ever| still)\b|"
    r"^(?:please |could you |can you |would you )?let (?:me|us) know(?= (?:what|which|whether|how|where|"
    r"who|your)\b)|"
    r"^(?:can|could|may) I ask(?= (?:what|how|why|where|when|which|who|whether|if|about)\b)",
    re.IGNORECASE)
# Everyday chat asks without the auxiliary: "u still there", "you tried the reset yet",
# "u want me to check".
DROPPED_AUX = re.compile(
    r"^(?:u|you|ya) (?:still )?(?:there|with me|ok|okay|alright|around|awake)\W*$|"
    r"^(?:u|you|ya) (?:want|need) me to\b|"
    r"^(?:u|you|ya) (?:tried|done|got|seen|had|heard|checked|finished)\b.*\byet\W*$", re.IGNORECASE)

# --- Opens like a question, but states ---------------------------------------------------------
# A free relative ("What I can do is refund it.", "How it works is simple.", "When you log in,
# go to settings.") puts a subject straight after the question word; a cleft ("so what happens
# now is the claim goes…", "What's happening is…") names the thing, then says "is"; an
# exclamation reacts ("what a mess", "how awful").
_FACT = (r"(?:time|times|date|day|days|year|month|week|age|size|colou?r|version|model|number|postcode|"
         r"zip(?: code)?|address|e-?mail|browser|device|phone|card|name|brand|percentage|amount|price|"
         r"cost|total|fee|code|id|reference|username|password|bank|country|city|town|operating system|os|"
         r"app|laptop|computer|language|rating|score|dose|dosage|medication|grade|weight|height|location|"
         r"availability)")
FREE_RELATIVE = re.compile(
    r"^(?:what|how|why|where|when|who|which|whatever|however|whenever|wherever|whether)\s+(?:long |much |"
    r"many |soon )?(?:I|we|you|u|it|they|he|she|this|that|the|your|ur|my|our|their|his|her|there)\b|"
    r"^(?:what|how|why|where|when)(?:'?s)?\s+(?!" + _FACT + r"\b)(?:\S+\s+){1,6}?(?:is|was)\s+(?!it\b|that\b|"
    r"this\b|there\b|he\b|she\b|you\b|they\b|we\b|I\b)\w|"
    # "What's happened is that your credit ran out.": a cleft saying what, not asking it
    r"^(?:what|how|why)(?:'?s)?\s+(?:\S+\s+){1,4}?(?:is|was) that\s+(?:\S+\s+){2,}(?![^?]*\?\s*$)",
    re.IGNORECASE)
EXCLAMATION = re.compile(
    r"^what an? (?!\w+ (?:is|was|are|were|do|did|does|would|could|can|will|has|have|looks?|feels?)\b)|"
    r"^how (?:" + _FEELING + r"|\w+(?:ful|ing|ible|able|ous|ive|ic)|sad|bad|hard|great|nice|lovely|cool|"
    r"awesome|brilliant|rude|scary|weird|strange|odd|amazing|wonderful|good|kind|sweet|lucky|unlucky|brave)"
    r"\b(?! (?:is|was|are|were|it|that|this|do|did|does|has|have|had|can|could|would|will|should)\b)",
    re.IGNORECASE)

# --- Closed: a specific fact, a number or a pick, however the question opens ---------------------
# "How many cigarettes a day?", "How long has it been doing this?", "How often do you drink?"
HOW_MUCH = re.compile(r"^how (?:many|much|long|often|old|far|soon|frequently|late|early|big|tall)\b",
                      re.IGNORECASE)
# "On a scale of one to ten, how important…?", "How would you rate…?": asks for a number
SCALE = re.compile(r"\bon a scale\b|\bout of (?:ten|10|five|5)\b|\bhow would you rate\b", re.IGNORECASE)
# "What time…", "What's your account email?", "What version of the app do you have?"; but "What's
# your job like?" asks for a description.
FACT_QUESTION = re.compile(
    r"^(?:(?:in|at|on|by|from|for|to) )?(?:what|which)(?:'s|s| is| was| are| were)?\s+(?:(?:kind|type|sort|"
    r"make|brand) of\s+)?(?:(?:your|ur|the|that|this|their|his|her)\s+)?(?:\w+\s+){0,2}?" + _FACT
    + r"s?\b(?!.*\blike\W*(?:for you\W*)?$)", re.IGNORECASE)
# "What kind of cigarettes do you smoke?" asks to name one; "What kind of things help you?" is open.
KIND_QUESTION = re.compile(
    r"^what (?:kind|type|sort|brand|make)s? of \w+ (?:do|did|does|are|is|were) (?:you|u|they|it)\b"
    r"(?! (?:think|feel|want|like|enjoy|need|find|hope|wish)\b)", re.IGNORECASE)
# Which, who and whose pick one from a set ("Which browser…?", "Which of these…?", "Who
# referred you?"), but asking for the whole set invites an account: "Which teams have changed
# since last year?", "Who else has had access?". Where and when ask for a place or a date, unless
# they ask the person to look ahead or at their own habits ("Where would you like to start?",
# "Where does that leave you?").
PICK_QUESTION = re.compile(
    r"^(?:which|whose)\b(?! (?:\w+ )?\w+[^s\W]s (?!of\b)\w+)|^(?:who|whos|who's|whom)\b(?! else\b)|"
    r"^(?:where|wheres|where's)\b(?! (?:would|do) you (?:like|want|see|think)\b| (?:do|does|would|did) "
    r"(?:that|this|it) leave\b| (?:do|would|should|can) (?:we|you|I) go from here\b)|"
    r"^when\b(?! do you (?:usually |tend to |most |typically )?(?:feel|find|notice|get|want|think)\b)",
    re.IGNORECASE)
# Options named after a break, ending the question: "What would suit you: a refund or a
# credit?", "How do you log in — with Google or a password?" (not "…, such as X or Y, that…")
EITHER_OR = re.compile(r"[,:;\u2014\u2013-]\s[^,:;]*\bor\b(?! (?:not|anything|something|so)\b)[^,:;]*$",
                       re.IGNORECASE)
# A prompt ("tell me…", "could you describe…") asks for the topic that follows it; only a fact
# named as its object closes it ("Could you tell me your account number?"), or a yes or no
# ("I was wondering if you'd had a chance…", "Tell me, do you drink every day?").
PROMPTED_FACT = re.compile(r"^(?:your|ur|the|a)\s+(?:\w+\s+){0,2}?" + _FACT + r"s?\b", re.IGNORECASE)
# What may sit between a prompt and its topic: "tell me a bit more about…", "I'm curious, what…"
# ("Could you tell me whether anything changed?" asks what, if anything, changed: open.)
PROMPTED_YES_NO = re.compile(r"^(?:if|whether)\b(?! (?:anything|something)\b)|\b(?:if|whether) you\b[^,]*$",
                             re.IGNORECASE)
PROMPT_FILLER = re.compile(r"^(?:\s*(?:me|us|you|to me|a little bit|a (?:little|bit)|some|something|more|"
                           r"again|please|now)\b|\s*,)*\s*", re.IGNORECASE)

# --- Asked, but not to learn something ---------------------------------------------------------
# Greetings: asked in form, not to learn about the other person. "How are you feeling about
# it?" or "how are you coping?" is a real question, so those stay out, and so is the service
# opening "How can I help?": it asks what the person needs, which is the point of asking.
# Only the greeting itself counts: "How are you using the export?", "How are things at home?" or
# "how's it going with the new job" asks about something.
SMALL_TALK = re.compile(
    r"^\s*(?:hi|hello|hey)?[,! ]*(?:how are (?:you|u|ya)(?! (?:feeling|coping|holding|managing|handling|"
    r"finding|getting on|sleeping|doing with))(?: (?:doing|keeping|going|today|tonight|now|all|guys|there|"
    r"this (?:morning|afternoon|evening|week)|(?:my )?(?:friend|mate|dear)))*(?:, \w+)?|how'?s it going|"
    r"how are things|how have you been)\W*$", re.IGNORECASE)
# Asked as a question, meant as advice ("have you tried…?") or as a check of understanding
# ("so it's the interview that worries you?"): a coach counts these as the other behaviour.
# Asking about the past is still asking: "Have you tried to quit before?"
ADVICE_QUESTION = re.compile(
    r"^\s*(?:(?:well|ok(?:ay)?|so|and|but|or|then|hmm),? )?(?:"
    r"are you familiar with|have you (?:ever )?heard (?:of|about)|"
    r"have you (?![^?]*\bbefore\W*$)(?:guys |all )?(?:ever )?(?:tried(?! to (?:quit|stop|cut|give up))|"
    r"thought (?:about|of)|considered|looked (?:at|into|for))|"
    r"why not|how about|"
    r"what about (?:trying|asking|talking|getting|going|joining|a |an |some |something)|"
    r"what if you|(?:could|can) you (?:perhaps |maybe |possibly |also )?(?:try|ask|talk|speak|join|reach out|"
    r"contact|call|spend|schedule|plan|visit|consider|restart|reinstall|clear|reset|update|log out|sign out)|"
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
    r"^\s*(?:oh,? |ok(?:ay)?,? |right,? )?so,? (?:you(?!,? know\b)|your|it|that|the|this|they|he|she)\b|"
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
ASKING_FORM = re.compile(
    _CLAUSE + r"(?:what|whats|how|where|when|which|who|whom|whose|any|anything|anyone|anybody)\b|\bwhy\b|"
    r"\b" + _AUX + r"\s+(?:you|u|ya|there|any|anyone|anybody|anything|someone|somebody|something)\b|"
    + _CLAUSE + _AUX + r"\s+(?:I|we|they|he|she|it|that|this|these|those|your|my|his|her|their|our|the|"
    r"people|things|everyone|everybody)\b",
    re.IGNORECASE)
# A statement with a tag: "…, right?", "…, is that true?", "you're on the Pro plan, yeah?"
TAG_CHECK = re.compile(
    r"(?:,\s*|\s)(?:right|correct|true|huh|eh|yeah|yea|is that (?:so|true|right|correct|it)|isn'?t it|"
    r"doesn'?t it|didn'?t (?:you|it)|aren'?t you|haven'?t you|does that (?:sound )?(?:right|fair|correct)|"
    r"correct me if I'?m wrong)\W*$|,\s*no\W*$",
    re.IGNORECASE)
# A tag on a reflection asks only for a nod ("It sounds like the move has been lonely, right?");
# a tag on a fact asks to confirm it ("You got the email, right?"): a closed question.
REFLECTIVE = re.compile(r"\b(?:sounds?|seems?|feel|feels|feeling|felt|must|mean|saying|wish|hope|"
                        + _FEELING + r")\b", re.IGNORECASE)
# Asking for agreement with one's own view, or only exclaiming: "…, don't you think?", "Who
# wouldn't be upset?", "how cool is that"
RHETORICAL = re.compile(r"\b(?:don'?t you (?:think|agree)|wouldn'?t you (?:say|agree))\W*$|"
                        r"^(?:who|what) (?:wouldn'?t|doesn'?t|didn'?t|isn'?t|couldn'?t|hasn'?t)\b|"
                        r"^how (?:cool|great|awesome|amazing|crazy|weird|funny|sweet|nice|lucky|brilliant|"
                        r"mad) (?:is|was) that\b", re.IGNORECASE)


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


def _lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same rule for lower-cased text, matched case-sensitively: faster (see ``patterns.Rule``)."""
    return re.compile(_lower_literals(pattern.pattern))


(_FILLERS, _LEAD, _WH, _YES_NO, _AUX_FIRST, _WH_INVERTED, _PROMPT, _DROPPED, _FREE, _EXCLAIM,
 _HOW_MUCH, _SCALE, _FACT_Q, _KIND, _PICK, _EITHER_OR, _PROMPTED_FACT, _PROMPTED_YES_NO, _PROMPT_FILLER,
 _SMALL, _ADVICE, _TRIED, _RESTATED, _FORM, _TAG, _REFLECTIVE, _RHETORICAL) = map(_lowered, (
    FILLERS, LEAD_CLAUSE, WH_START, YES_NO_START, AUX_FIRST, WH_INVERTED, PROMPT, DROPPED_AUX, FREE_RELATIVE,
    EXCLAMATION, HOW_MUCH, SCALE, FACT_QUESTION, KIND_QUESTION, PICK_QUESTION, EITHER_OR, PROMPTED_FACT,
    PROMPTED_YES_NO, PROMPT_FILLER,
    SMALL_TALK, ADVICE_QUESTION, TRIED_QUESTION, RESTATEMENT_QUESTION, ASKING_FORM, TAG_CHECK, REFLECTIVE,
    RHETORICAL))
_YOU = re.compile(r"\b(?:you|your|u|ur)\b")


def _core(low: str, asked: bool = False) -> str | None:
    """The lower-cased sentence from where its asking starts, past fillers and a short lead-in;
    None when no question form opens it. ``asked``: it ends on a question mark."""
    text = low[_FILLERS.match(low).end():]
    lead = _LEAD.match(text)
    for candidate in (text, text[lead.end():] if lead else ""):
        if _WH.match(candidate) and _FREE.match(candidate):
            continue  # "When you say stressed, what do you mean?": the question is after the comma
        if (_PROMPT.match(candidate) or _WH.match(candidate) or _YES_NO.match(candidate)
                or _DROPPED.match(candidate) or (asked and _AUX_FIRST.match(candidate))):
            return candidate
    return None


def _asks(sentence: Sentence, last: bool) -> bool:
    text = sentence.text
    if text.endswith("?"):
        return True
    low = text.lower()
    core = _core(low)
    if core is None or _EXCLAIM.match(core):
        # "okay and you've got the router plugged in yeah": a fact put to them with a spoken tag
        return (last and not text.endswith((".", "!")) and _tagged(low) and not _REFLECTIVE.search(low)
                and bool(_YOU.search(low)))
    # Asking put as a statement ("Tell me more about that.") or a question word with its verb
    # before the subject ("what made you call us today.") asks, whatever ends the sentence.
    if not text.endswith("!") and (_PROMPT.match(core) or _WH_INVERTED.match(core)):
        return True
    # chat style drops the question mark: "did you go your separate ways on good terms"
    return last and not text.endswith((".", "!"))


def _really_asks(text: str) -> bool:
    """Asks to learn something: not small talk, advice or a check of understanding put as a question."""
    low = text.lower()
    core = _core(low, asked=low.endswith("?"))
    start = core if core is not None else low
    if (_SMALL.match(low) or _ADVICE.match(low) or _ADVICE.match(start) or _RESTATED.search(low)
            or _RHETORICAL.search(low) or _RHETORICAL.match(start) or _EXCLAIM.match(start)):
        return False
    if _tagged(low):
        return not _REFLECTIVE.search(low)  # "you got the email, right?" asks; a reflection only checks
    return core is not None or bool(_FORM.search(low))


def _opens(text: str) -> bool:
    """An open question: it leaves the answer to the other person instead of asking for a yes
    or no, a number, a fact or a pick among options."""
    low = text.lower()
    if _tagged(low):
        return False
    core = _core(low, asked=low.endswith("?"))
    if core is None:
        # asks further in: "Since it's hard, are there things you enjoy?"; a clause that sets the
        # scene ("when an inspector is out of signal, what happens…?") is passed over
        for found in _FORM.finditer(low):
            core = low[found.start():].lstrip(",;:(- ")
            core = core[_FILLERS.match(core).end():]
            if not (_WH.match(core) and _FREE.match(core) and "," in core):
                break
        else:
            return False
    prompt = _PROMPT.match(core)
    if prompt is None:
        return bool(_WH.match(core)) and _wh_opens(core, low)
    # "Tell me about…", "I'm wondering what…": what follows the prompt says what it asks for
    rest = core[prompt.end():]
    rest = rest[_PROMPT_FILLER.match(rest).end():]
    if _WH.match(rest):
        return _wh_opens(rest, low)
    return not (_PROMPTED_YES_NO.search(core[:prompt.end()]) or _PROMPTED_YES_NO.match(rest)
                or _YES_NO.match(rest) or _PROMPTED_FACT.match(rest))


def _wh_opens(question: str, sentence: str) -> bool:
    """A question-word question is open unless it asks for an amount, a specific fact, a pick,
    a number on a scale or one of the options it names."""
    return not (_HOW_MUCH.match(question) or _FACT_Q.match(question) or _KIND.match(question)
                or _PICK.match(question) or _EITHER_OR.search(question) or _SCALE.search(sentence))


def _advises(text: str) -> bool:
    low = text.lower()
    return bool(_ADVICE.match(low) or _TRIED.match(low))


def _tagged(low: str) -> bool:
    """A statement of three words or more closed with a tag: "you felt let down, right?"."""
    m = _TAG.search(low)
    return bool(m) and len(low[:m.start()].split()) >= 3


def read_questions(text: str) -> QuestionReading:
    parts = sentences(text)
    asked = [s for s in parts if _asks(s, s is parts[-1])]
    if not asked:
        return QuestionReading(0.0, 0.0, 0.0, [], [], [])
    real = [s for s in asked if _really_asks(s.text)]
    open_q = [s for s in real if _opens(s.text)]
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
