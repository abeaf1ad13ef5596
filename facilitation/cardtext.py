"""Plain-text renderings of cards, rubrics and tables for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from .cards import DrawnCard
from .personas import Persona
from .rubrics import Rubric
from .vocabulary import CATEGORY_TITLES

WIDTH = 88


def table(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """Left-aligned columns under an upper-case header."""
    widths = {c: max([len(c), *(len(str(r[c])) for r in rows)]) for c in columns}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return "\n".join(lines)


def _para(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _bullets(items: Iterable[str], indent: str = "  ") -> list[str]:
    return [textwrap.fill(item, WIDTH, initial_indent=f"{indent}- ",
                          subsequent_indent=f"{indent}  ") for item in items]


def card_text(drawn: DrawnCard) -> str:
    """A card as a facilitator reads it before running the scene."""
    c = drawn.card
    out = [c.title, "=" * len(c.title),
           f"{CATEGORY_TITLES[c.category]} · {c.difficulty} · {c.channel} · persona: {c.persona}",
           f"Skill practised: {c.skill}", "", "Brief", _para(c.brief), "",
           "Customer",
           f"  {c.customer.name}, {c.customer.company}",
           _para(f"{c.customer.plan}; {c.customer.tenure}"),
           *_bullets(c.customer.history),
           "", "Spark", _para(c.spark), "", "Constraint", _para(c.constraint), "",
           "Customer lens (for the customer's eyes)",
           _para(f"Fears losing: {c.customer_lens.fears_losing}"),
           _para(f"Matters now: {c.customer_lens.matters_now}"),
           _para(f"Why timing matters: {c.customer_lens.why_timing_matters}"),
           "", "Hidden objectives"]
    for h in c.hidden_objectives:
        out += _bullets([f"{h.need} (earned by {', '.join(h.earned_by)}) — reveals: {h.reveal}"])
    out += ["", "Conversation arc"]
    for stage in ("opening", "complication", "discovery", "resolution"):
        out.append(f"  {stage}:")
        out += _bullets(getattr(c.arc, stage), "    ")
    out += ["", "Paths"]
    for name in ("good", "okay", "bad"):
        path = getattr(c.paths, name)
        out += [f"  {name}:", _para(f"agent: {path.agent_does}", "    "),
                _para(f"customer: {path.customer_reacts}", "    ")]
    out += ["", "Facts", *_bullets(f.statement for f in c.facts)]
    out += ["", "Criteria"]
    out += [f"  {cr.weight:>3}  {cr.name} ({cr.competency})" for cr in c.criteria]
    out += ["", "Success criteria", *_bullets(s.text for s in c.success_criteria)]
    out += ["", "Phrase bank", *_bullets(f"[{p.behaviour}] {p.line}" for p in c.phrase_bank)]
    ph = c.phases
    out += ["", f"Phases: brief {ph.brief}s · act {ph.act}s · rewind {ph.rewind}s · debrief {ph.debrief}s"
                f" · rubric {c.rubric}"]
    if drawn.values:
        how = f"drawn with seed {drawn.seed}" if drawn.seed is not None else "as written"
        out += ["", f"Variables ({how})"]
        out += [f"  {name} = {value}" for name, value in drawn.values.items()]
    return "\n".join(out)


def rubric_text(rubric: Rubric) -> str:
    out = [f"{rubric.title} ({rubric.id}, version {rubric.version})", _para(rubric.description, ""),
           f"Certification: average of the last {rubric.certification.window} scored scenes "
           f"in an area at {rubric.certification.threshold} or more", ""]
    for area in rubric.competencies:
        out += [f"{area.name} [{area.id}] — team target {area.team_target}", _para(area.description)]
        out += [_para(f"{lv.level} {lv.label}: {lv.anchor}", "    ") for lv in area.levels]
        out += _bullets((f"+ {i.text}" for i in area.counts_for), "    ")
        out += _bullets((f"− {i.text}" for i in area.counts_against), "    ")
        out.append("")
    out.append("Observer checklist")
    out += [f"  {item.label} ({item.kind}): {item.prompt}" for item in rubric.checklist]
    return "\n".join(out)


def persona_text(p: Persona) -> str:
    return "\n".join([
        f"{p.name} [{p.id}]", _para(p.summary), "", _para(f"Style: {p.communication_style}"),
        f"  Patience: {p.patience} unclear replies; wants replies of {p.preferred_reply_words[0]}–"
        f"{p.preferred_reply_words[1]} words; impatient after {p.exchanges_before_impatience} exchanges",
        "  Calmed by:", *_bullets((f"{r.behaviour}: {r.effect}" for r in p.calmed_by), "    "),
        "  Angered by:", *_bullets((f"{r.behaviour}: {r.effect}" for r in p.angered_by), "    "),
        _para(f"Hidden need: {p.hidden_need}"),
        "  Resolution indicators:", *_bullets(p.resolution_indicators, "    "),
    ])


def scene_text(record: dict) -> str:
    """A stored scene as a facilitator reads it after the fact."""
    scene = record["scene"]
    out = [f"Scene {scene['ordinal']} · {scene['card']} · seed {scene['seed']} · customer: {scene['engine']}",
           "Phases: " + " → ".join(p["phase"] for p in record["phases"]) + f" ({record['state']['phase']})",
           ""]
    shown = set(record["transcript"])
    for m in record["messages"]:
        if m["id"] in shown:
            out.append(textwrap.fill(f"{m['speaker']:>8}: {m['text']}", WIDTH, subsequent_indent=" " * 10))
    for n in record["nudges"]:
        out.append(f"   nudge: [{n['type']}] {n['text']} ({n['phase']})")
    return "\n".join(out)
