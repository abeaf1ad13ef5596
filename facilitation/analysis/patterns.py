"""Readable rules for agent behaviours: each a phrase pattern with the weight of its evidence.

Every rule here is something a participant can read and argue with ("'sounds
frustrating' counts as naming the feeling"). A behaviour's probability is the noisy-OR
of the rules that fired; each match is kept as an evidence span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FEELING = (
    r"(?:frustrat\w*|stress\w*|hard|difficult|upsett?\w*|annoy\w*|scar\w*|worr\w*|alarm\w*|"
    r"pain\w*|overwhelm\w*|tough|awful|rough|exhaust\w*|confus\w*|disappoint\w*|infuriat\w*|"
    r"anger|angry|mad|sad|hurt\w*|lonely|anxious|anxiety|nerv\w*|terrible|horrible|heartbreak\w*|"
    r"unfair|inconvenient|shock\w*|concern\w*|embarrass\w*|tired|draining|afraid|fear\w*|"
    r"unsettling|upset|distress\w*|devastat\w*|a lot to deal with|a lot to handle|a nightmare|maddening|"
    r"gutting|galling|nerve-?wracking|miserable|unacceptable|the last thing you need|not what you need|"
    r"uncomfortable|awkward|unpleasant|unsettl\w*|a (?:real )?(?:pain|headache|blow|worry))"
)
# Reactions to what the other person shared, good or bad: acknowledging is empathy too.
_REACTION = (
    r"(?:exciting|great|fun|amazing|wonderful|awesome|neat|cool|lovely|nice|good news|a relief|brilliant|"
    r"fantastic|sad|not good|not fair|rough|terrible|horrible|heartbreaking|awful|scary|unfair|a shame|"
    r"a pity|tough|hard|sucks|crappy|rubbish|the worst|no fun|not okay|not ok|a big deal|a lot)"
)
_INTENS = r"(?:so |really |very |incredibly |extremely |truly |quite |pretty |such an? |a bit |completely |totally )*"


@dataclass(frozen=True)
class Rule:
    behaviour: str
    pattern: re.Pattern[str]  # case-insensitive, for any text
    lowered: re.Pattern[str]  # the same rule for lower-cased text, matched case-sensitively
    weight: float
    why: str

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[re.Match[str]]:
        """The rule's matches in ``text``; pass ``text.lower()`` too when it keeps its length.

        Python's case-insensitive matching folds case at every step; matching lower-cased
        text case-sensitively finds the same spans about a third faster.
        """
        if lowered is not None and len(lowered) == len(text):
            return self.lowered.finditer(lowered)
        return self.pattern.finditer(text)


def _rule(behaviour: str, pattern: str, weight: float, why: str) -> Rule:
    return Rule(behaviour, re.compile(pattern, re.IGNORECASE), re.compile(_lower_literals(pattern)), weight, why)


def _lower_literals(pattern: str) -> str:
    """``pattern`` with its letters lower-cased, escapes (``\\S``, ``\\W``, ``\\B``) kept as written."""
    out, escaped = [], False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


RULES: tuple[Rule, ...] = (
    # empathy: naming or validating the feeling, sympathy, shared experience
    _rule("empathy", rf"\b(?:that|this|it|which)(?:'s| is| was| must be| must have been| sounds?| seems?"
          rf"| can be| would be| feels?)(?: like)? {_INTENS}{_FEELING}", 0.85, "names the feeling"),
    _rule("empathy", rf"\bsounds? (?:like )?{_INTENS}(?:a )?{_FEELING}", 0.8, "names the feeling"),
    _rule("empathy", rf"\b(?:is|are|was|were|can be|must be|must have been|has been|would be|gets?|felt|feels?) "
          rf"{_INTENS}{_FEELING}\b",
          0.6, "names how the situation feels"),
    _rule("empathy", r"\bI (?:can |do |totally |completely |really |fully )*(?:understand|imagine|see|hear|"
          r"get|appreciate) (?:how|why|what|that|your|you(?:'re| are| must| might)|the )", 0.75,
          "says they understand the customer's position"),
    _rule("empathy", r"\bI(?:'m| am) (?:so |really |very |truly )*sorry (?:to hear|you(?:'re| are| have| had|'ve)"
          r"|that you|about your|for your loss|this happened)", 0.8, "sympathises"),
    _rule("empathy", r"\b(?:it'?s|that'?s|it is|that is|you'?re|you are) (?:completely |totally |perfectly "
          r"|very |so )?(?:understandable|normal|natural|valid|okay to feel|ok to feel|right to be|"
          r"not alone|not the only one)", 0.8, "validates the reaction"),
    _rule("empathy", r"\byou (?:must|might|may) (?:be|feel|have (?:been|felt)) " + _INTENS + _FEELING, 0.85,
          "names the feeling"),
    _rule("empathy", r"\b(?:I know|I remember) (?:how|what|that feeling|the feeling|it'?s)", 0.6,
          "shares the experience"),
    _rule("empathy", r"\bI(?:'ve| have) (?:been there|been through|felt|had the same|experienced)|"
          r"\bI (?:felt|feel) the same|\bsame (?:thing )?happened to me|\bI went through", 0.6,
          "shares the experience"),
    _rule("empathy", r"\b(?:my heart goes out|I feel for you|sending (?:you )?(?:hugs|love|strength)|"
          r"how awful|how terrible|that'?s awful|that'?s terrible|that'?s horrible|so sorry)", 0.8,
          "reacts with feeling"),
    _rule("empathy", r"\b(?:no wonder|of course) you(?:'re| are| feel| felt)", 0.8, "validates the reaction"),
    # naming how hard the moment is, in plain words: "a nasty surprise", "a rotten position to be in"
    _rule("empathy", r"\b(?:a|an|such an?) (?:real |genuinely |really |very |truly |horribly )?(?:nasty|horrible|"
          r"awful|rotten|unpleasant|unwelcome|horrid|stressful|worrying|scary|frightening|alarming|tough|rough|"
          r"miserable|upsetting|painful|lousy|grim|bad|big|nerve-?wracking) (?:surprise|shock|position|spot|"
          r"blow|situation|morning|week|day|experience|thing to (?:find|see|discover|deal with|open)|way to "
          r"(?:start|find out|learn|discover))\b", 0.7, "names how hard the moment is"),
    _rule("empathy", r"\bI (?:do |fully |really |completely )?(?:realis|realiz|recognis|recogniz)e (?:how|why|what|"
          r"that(?:'s| is| was| must| puts| leaves| this| it)|this (?:is|has|puts|leaves)|it(?:'s| is| has)|you(?:'re|"
          r" are| have|'ve| must))", 0.75, "says they understand the customer's position"),
    _rule("empathy", r"\b(?:puts?|putting|left|leaves?|leaving) you in (?:a|an|such an?) (?:\w+ ){0,2}(?:spot|position|"
          r"situation|bind|corner)\b|\b(?:I|we) (?:don'?t|do not) take (?:that|this|it) lightly\b", 0.7,
          "names the position it leaves them in"),
    _rule("empathy", r"\byou shouldn'?t have (?:had )?to\b|\bnobody (?:should|wants to) have to\b", 0.6,
          "validates the reaction"),
    _rule("empathy", rf"\b(?:that|this|it|which|they|both)(?:'s| is| was| sounds?| seems?| must be| looks?| are)(?: like)? {_INTENS}(?:an? )?{_REACTION}\b", 0.7, "reacts to what they shared"),
    _rule("empathy", r"\bwhat an? (?:\w+ )?(?:experience|thing|situation|time|day|shame|pity|relief|nightmare|ordeal|mess|journey)\b", 0.75, "reacts to what they shared"),
    _rule("empathy", r"(?:^|[.!?]\s+)(?:oh no|ouch|dang|jeez|geez|wow|yikes|aww*|ugh|oof|omg|oh (?:man|dear|wow|my))\b", 0.6, "reacts with feeling"),
    _rule("empathy", r"\bI(?:'m| am) (?:so |really |very |truly )*(?:glad|happy|sorry|proud|thrilled|relieved|sad) (?:to hear|for you|that|you|it|about)", 0.8, "reacts with feeling"),
    _rule("empathy", r"\bI (?:really |truly |sincerely )?hope (?:you|your|things|it|everything|that you)\b", 0.6, "cares about how it goes for them"),
    _rule("empathy", r"\b(?:we(?:'re| are)|I(?:'m| am)) (?:always )?here (?:for you|if you|to (?:listen|help|talk)|whenever)", 0.8, "offers support"),
    _rule("empathy", r"(?:^|[.!?]\s+)(?:same(?: here)?|me too|ditto|likewise)\b|\bme too\b|\bI know (?:the|that|this) feeling|\bI (?:do|did|feel|felt|have|had|get|got) (?:the same|that|this|it) (?:too|as well)\b|\bI (?:was|used to be) (?:exactly )?(?:like this|like that|the same|in the same)", 0.6, "shares the experience"),
    _rule("empathy", rf"\bI(?:'ve| have|'m| am| was| feel| felt| had| get| got| struggled?| went| used to| know| suffer(?:ed)?)\b[^.?!]{{0,60}}(?:{_FEELING}|depress\w*|lonel\w*|cry\w*|therap\w*|struggl\w*|hard time|panic\w*|alone|medicat\w*|grie\w*|the same way|same boat|been there)", 0.55, "shares a similar experience"),
    _rule("empathy", r"^(?:so |really )?sorry[.!]*$|\bsorry (?:man|dude|friend|mate|buddy|about that|to hear)\b", 0.6, "sympathises"),
    # apology
    _rule("apology", r"\b(?:I|we) (?:sincerely |truly |really )?apologi[sz]e\b|\bmy apologies\b|\bour apologies\b",
          0.9, "apologises"),
    _rule("apology", r"\b(?:I'?m|I am|we'?re|we are) (?:so |really |very |truly )*sorry\b", 0.75, "says sorry"),
    _rule("apology", r"\bsorry (?:for|about) (?:the|that|this|any|your|keeping|making)", 0.85,
          "apologises for the experience"),
    # scripted apology: the formula that names nothing ("sorry for any inconvenience caused")
    _rule("scripted_apology", r"\b(?:apologi[sz]e|sorry|regret|apologies)\b[^.!?]{0,25}\b(?:any|the|all) "
          r"(?:inconvenience|trouble|disruption|issues?|problems?|frustration|difficult(?:y|ies))"
          r"(?: (?:this|that|it) (?:may|might|has|have|could) (?:have )?(?:caused|cause)| caused)?", 0.9,
          "apologises by formula, naming nothing that happened"),
    _rule("scripted_apology", r"\bwe (?:value|appreciate) your (?:business|custom|patience|understanding)\b|"
          r"\bthank you for your (?:patience|understanding)\b|\byour (?:call|business|satisfaction) is "
          r"(?:important|our (?:top )?priority)", 0.6, "a stock phrase in place of an apology"),
    # questions (the split into open and closed is in questions.py)
    # options: two or more alternatives, or a choice handed to the customer
    _rule("options", r"\b(?:you|we|I) (?:can|could|may|might) (?:either )?[^.?!]{3,120}?,? or (?:I|we|you|"
          r"both|\w+ (?:can|could))\b", 0.85, "offers alternatives"),
    _rule("options", r"\b(?:you|we|I) (?:can|could|may|might) (?:either )?[^.?!]{3,120}?,? or \w+", 0.6,
          "offers alternatives"),
    _rule("options", r"\beither\b[^.?!]{3,120}\bor\b", 0.8, "offers alternatives"),
    _rule("options", r"\b(?:two|three|a few|several|some|a couple of|a number of) (?:options|choices|ways|"
          r"alternatives|routes|paths)\b", 0.85, "names the options"),
    _rule("options", r"\b(?:would you (?:prefer|rather|like me to)|which (?:would|do) you (?:prefer|like)|"
          r"which (?:option |one )?(?:works|suits|would (?:help|work|suit|be)|do you want)|whichever you prefer|"
          r"it'?s your (?:call|choice)|up to you)", 0.75,
          "hands the choice to the customer"),
    _rule("options", r"\b(?:option (?:1|one|a)|first option|another option|alternatively|otherwise,? (?:I|we|you)"
          r"|or else|instead,? (?:I|we|you) (?:can|could))\b", 0.75, "offers alternatives"),
    # suggestion: advice the customer could act on
    _rule("suggestion", r"\b(?:I(?:'d| would)? (?:suggest|recommend|advise|encourage)|my (?:suggestion|advice)|"
          r"you (?:should|could|might|may) (?:try|want to|consider|think about|start|look|talk|speak|ask|"
          r"reach out|go|take|make|keep|write|check|use|set|turn|switch|clear|update)|"
          r"(?=try |consider )(?<!\bI )(?<!\bwe )(?<!\bthey )(?<!\bwill )(?<!\bwould )(?<!\balways )"  # "I try"
          r"(?:try|consider) (?:to |\w+ing\b)|have you (?:tried|thought about|considered)|"
          r"it (?:might|may|could|would|will) help (?:to|if)|why not|how about|what if you|"
          r"(?:maybe|perhaps) (?:you|try|it would|she|he|they|we)|one thing (?:that|you) (?:could|might|helps?)|"
          r"might I suggest|what about (?:trying|asking|talking))", 0.75,
          "suggests an action"),
    _rule("suggestion", r"^(?:try|consider|make sure|remember to|don'?t forget to|go ahead and|take|start|"
          r"click|open|restart|clear|check|set|turn|switch|update)\b", 0.7, "gives an instruction"),
    # next steps: who does what by when
    _rule("next_steps", r"\b(?:I|we)(?:'ll| will| am going to|'m going to| are going to| can) (?:now |then |also "
          r"|personally |immediately )?(?:send|email|call|ring|escalate|check|update|follow up|get back|look "
          r"into|refund|credit|process|raise|open|file|log|reset|restore|issue|book|arrange|ship|expedite|"
          r"text|message|share|set up|turn on|switch|remove|add|apply|confirm|connect|pass|forward|flag|note|"
          r"monitor|watch|keep you|stay)\b", 0.6, "commits to an action"),
    _rule("next_steps", r"\b(?:within|by|before|in the next|no later than|first thing|end of|later|until) "
          r"(?:\d+|an?|the|one|two|three|four|five|ten|twenty|thirty|today|tonight|tomorrow|monday|tuesday|"
          r"wednesday|thursday|friday|saturday|sunday|this|next|noon|close|eod|cob)\b|\b(?:today|tomorrow|"
          r"this (?:morning|afternoon|evening|week)|right now|straight away|in \d+ (?:minutes?|hours?|days?))\b",
          0.45, "gives a time"),
    _rule("next_steps", r"\b(?:next steps?|here'?s what (?:happens|will happen|I'll do|we'll do)|from here|"
          r"what happens next|the plan is|once (?:that|this|it|you)[^.?!]{0,60}(?:I|we|you)(?:'ll| will))", 0.8,
          "lays out what happens next"),
    _rule("next_steps", r"\byou(?:'ll| will| should) (?:receive|get|see|hear|have (?:it|a|an|the|both|all|my|our|your))\b", 0.6, "tells the customer what to expect"),
    _rule("next_steps", r"(?:^|[.!?:]\s+)(?:please )?(?:click|open|go to|tap|look at|select|type|start|let'?s (?:find|run|"
          r"move|start|do|go|check)|step one|first,? (?:click|open|go))\b|\btell me (?:when|what) you (?:see|get)|"
          r"\bsend me (?:a line|a message|the)", 0.6, "walks the customer through the next step"),
    _rule("next_steps", r"\b(?:I'?ve|I have|we'?ve|we have) (?:just )?(?:marked|logged|merged|assigned|refunded|"
          r"sent|removed|requested|escalated|raised|booked|cleared|flagged|scheduled|cancelled|canceled|reset|"
          r"restored|unlocked|updated)\b|^(?:done|emailing|checking|sending|refunding)\b|\bnext (?:status )?"
          r"update\b|\bI'?ll (?:request|fire|reply|wait|be back|let you know|talk you through|schedule|run|test|"
          r"investigate|make sure|add|move)\b", 0.55, "says what has been done or will be done"),
    _rule("options", r"\beither\b[^.?!]{3,80}\bor\b|[^.?!]{8,80}\$[\d,.]+[^.?!]{0,40}, or [^.?!]{0,40}\$[\d,.]+",
          0.6, "sets two alternatives side by side"),
    # summary / paraphrase
    _rule("summary", r"(?:^|[.!?]\s+)(?:bottom line|short version|the short answer|the honest answer|in short|good news "
          r"first|confirmed on our side|here'?s what(?:'s| is| still)|from your logs|two (?:separate )?things|"
          r"think of (?:the|it)|so:)", 0.75, "sums the situation up"),
    _rule("summary", r"^so (?:when|you'?ve|the|your)\b", 0.6, "restates what happened"),
    _rule("summary", r"\b(?:so|just) to (?:confirm|recap|summari[sz]e|be clear|make sure|check)|"
          r"\bif I (?:understand|have|got|heard) (?:you |this |it |that )?(?:correctly|right)|"
          r"\bwhat I(?:'m| am) hearing|\blet me (?:recap|summari[sz]e|make sure I|check I|repeat)|"
          r"\bin (?:short|summary|a nutshell)|\bto sum (?:up|it up)|\bhere'?s what happened|\bthe short version",
          0.85, "summarises"),
    _rule("summary", r"\b(?:so )?(?:you(?:'re| are) saying|you(?:'ve| have) (?:been|had|tried|already)|"
          r"you mentioned|as you (?:said|mentioned)|you said (?:that )?)", 0.6, "restates what the customer said"),
    _rule("summary", r"^(?:oh,? |ok(?:ay)?,? |right,? )?so,? (?:you|your|it|the|this)\b", 0.45, "restates"),
    _rule("summary", r"\b(?:is that (?:correct|right)|did I get that right|have I got that right)\b", 0.7, "checks understanding"),
    # reassurance
    _rule("reassurance", r"\b(?:don'?t|do not|no need to) (?:you )?worry|\brest assured|\bnothing (?:is|was|has "
          r"been) (?:lost|broken|deleted|wrong)|\b(?:you(?:'re| are)|it'?s|everything(?:'s| is)|this is|you'?ll"
          r" be) (?:going to be |gonna be |)(?:fine|ok|okay|alright|safe|in good hands|not alone)\b|"
          r"\b(?:we(?:'ll| will)|I(?:'ll| will)) (?:get|sort|fix) (?:this|it|that) (?:sorted|fixed|out|"
          r"resolved|right)|\b(?:this|that|it) (?:is|'s) (?:very |really |quite )?(?:common|normal|easy to fix|"
          r"fixable)|\bI(?:'m| am) (?:sure|confident|certain) (?:you|that you|it|we)|\byou(?:'ve| have) got this",
          0.8, "reassures"),
    _rule("reassurance", r"\b(?:you can do (?:it|this)|you(?:'re| are) (?:doing|handling) (?:great|well|the right)|"
          r"good (?:for you|job)|that'?s (?:great|wonderful|a good (?:idea|start|step)))", 0.6, "encourages"),
    # policy: the rule and its reason
    _rule("policy", r"\b(?:our|the|company|this) (?:policy|policies|terms|rules?|guidelines?|procedure|process "
          r"requires|contract|agreement)\b|\bper (?:our|the) \w+|\baccording to (?:our|the)", 0.75,
          "explains a policy"),
    _rule("policy", r"\bfor (?:security|privacy|legal|compliance|data protection|safety|fraud) (?:reasons|purposes)|"
          r"\bbecause (?:of )?(?:the law|regulations?|gdpr|pci|security|privacy)\b|\b(?:isn'?t|is not|aren'?t|"
          r"are not|not) (?:refundable|eligible|allowed|permitted|possible under)", 0.8, "gives the reason for a rule"),
    _rule("policy", r"\b(?:I|we) (?:can'?t|cannot|can not|am not able to|are not able to|'m unable to|'re unable "
          r"to|am unable to|are unable to|aren'?t able to|'m not allowed to|are not allowed to)\b[^.?!]{0,80}"
          r"\bbecause\b", 0.7, "explains why not"),
    _rule("policy", r"\b(?:I|we) (?:can'?t|cannot|won'?t|couldn'?t|am not able to)\b[^.?!]{0,90}(?::|;|, "
          r"because|\. (?:that|it'?s|this) (?:rule|protects|keeps|is what|'s what|is there|'s there|sits with|"
          r"is handled by|is decided by|goes to))", 0.6,
          "says what cannot be done, with the reason"),
    _rule("policy", r"\b(?:wouldn'?t|won'?t|can'?t|isn'?t|aren'?t|doesn'?t)\b[^.?!]{0,70}\bbecause\b|"
          r"^because\b|\b(?:we|I) (?:don'?t|do not|never) (?:publish|take(?! (?:that|this|it) lightly)|share|post|comment|give out|guess)|"
          r"\bthat (?:rule|protects|keeps your|is exactly what stops)|\bit'?s (?:there|the same protection)|"
          r"\bunder [A-Z]?\w+ (?:tax |data )?law\b|\bpermanently deleted|\bfixed per plan|"
          r"\bcommitted for the (?:whole|full) term|\bthe only (?:saving|lasting fix|way)", 0.6,
          "states a rule and why it exists"),
    # blame and defensiveness
    _rule("blame", r"\byou (?:should(?:'ve| have)|shouldn'?t have(?! (?:had )?to\b)|were supposed to|needed to|"
          r"had to) \w+|"
          r"\byou (?:didn'?t|did not|failed to|forgot to|never) (?:read|check|follow|set|enter|update|"
          r"configure|pay|notice|tell|save|click|do)", 0.85, "puts it on the customer"),
    _rule("blame", r"\b(?:that'?s|it'?s|this is) (?:your|not (?:my|our)) (?:fault|responsibility|problem|"
          r"mistake)|\byou(?:'re| are) wrong\b|\buser error\b|\bas I (?:already )?(?:said|told you|explained|"
          r"mentioned)|\bcalm down\b|\bif you had (?:read|checked|followed|listened)|\bthere'?s nothing "
          r"(?:I|we) can do\b|\bthat'?s just how it (?:is|works)\b|\bnot (?:my|our) problem\b", 0.9,
          "gets defensive"),
    # overpromising
    # "it's guaranteed", "guaranteed by Friday"; not "the guaranteed date was missed"
    _rule("overpromise", r"\b(?:I|we) (?:can )?(?:guarantee|promise)\b|\b(?:is|are|be|it'?s|that'?s) guaranteed\b|"
          r",\s*guaranteed\b|"
          r"\bguaranteed (?:to|by|within|for|in|on|today|tonight|tomorrow)\b(?![^.?!]*\b(?:missed|broke|failed|"
          r"passed|expired|lapsed)\b)|\b100 ?%|"
          r"\b(?:will|'ll) (?:definitely|certainly|absolutely|100%) |\b(?:definitely|certainly|absolutely) "
          r"(?:be |get )?(?:fixed|resolved|sorted|refunded|done|there|back|working)\b|\b(?:won'?t|will not|"
          r"never) happen again\b|\bno matter what\b", 0.85, "promises what cannot be guaranteed"),
    # pleasantries
    _rule("pleasantries", r"\bthank(?:s| you) (?:so much )?for (?:reaching out|contacting|getting in touch|your "
          r"patience|being a (?:valued|loyal)|choosing|your message|waiting)|\bhope (?:you(?:'re| are)|your) "
          r"(?:having|doing|day)|\bhave a (?:great|nice|wonderful|lovely|good) (?:day|week|weekend|evening)|"
          r"\b(?:it'?s )?my pleasure\b|\bhappy to help\b|\bvalued customer\b|\bI (?:appreciate|understand) your "
          r"patience|\bhope this (?:email|message) finds you|\bgreat question\b", 0.7, "spends words on niceties"),
)

GENERIC_JARGON = (
    "API", "SSO", "SAML", "OAuth", "DNS", "CNAME", "SPF", "DKIM", "DMARC", "TTL", "cache", "cookies",
    "token", "webhook", "endpoint", "payload", "latency", "backend", "back end", "frontend", "config",
    "proration", "prorated", "pro rata", "ARR", "MRR", "SLA", "SKU", "provisioning", "deprecated",
    "escalation tier", "tier 2", "L2", "ticket queue", "IdP", "2FA", "MFA", "TLS", "SSL", "HTTP",
    "firewall", "whitelist", "allowlist", "IP address", "rate limit", "429", "502", "503", "500 error",
    "true-up", "billing cycle", "dunning", "chargeback", "authorization hold", "pre-auth", "ledger",
    "sync conflict", "schema", "migration", "hotfix", "patch", "build", "release train", "sandbox",
    "staging", "instance", "tenant", "workspace ID", "UUID", "JSON", "CSV", "regex", "SDK", "CLI",
    # support shorthand a customer may not know (ASAP, FYI and the like everyone knows). Upper-case
    # and numbered terms are matched case-sensitively as whole words (see ``Analyser``), so "eta"
    # in "beta", "kb" in "kbps" or "tbd" typed in passing do not count.
    "ToS", "P0", "P1", "P2", "P3", "Sev1", "Sev2", "ETA", "TBD", "TBC", "RCA", "KB", "EOD", "COB", "RMA",
    "TAT",
)
