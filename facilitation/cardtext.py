"""Plain-text renderings of cards, rubrics and tables for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from .cards import DrawnCard
from .personas import Persona
from .rubrics import Rubric
from .vocabulary import CATEGORY_TITLES, COUNTED_PURPOSE

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
        *_bullets(_persona_rules(p), "  "),
        "  Resolution indicators:", *_bullets(p.resolution_indicators, "    "),
    ])


def _persona_rules(p: Persona) -> list[str]:
    """The persona's reactions that are rules rather than behaviours, in a coach's words."""
    rules = []
    if p.needs_acknowledgment:
        rules.append("Hears no explanation and accepts nothing until its feeling is named.")
    if p.bottom_line_by:
        rules.append(f"Leaves after {p.bottom_line_by} exchanges without the cause explained.")
    if p.steps_per_message:
        rules.append(f"Lost by more than {p.steps_per_message} steps in one message.")
    if p.bristles_at_basics:
        rules.append("Angered by first-line advice (restart, clear the cache) it has already tried.")
    if p.values_depth:
        rules.append("Warms to specific facts more than to warmth.")
    return rules


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
    if record.get("score"):
        out += ["", score_text(record["score"])]
    purpose = scene.get("purpose", COUNTED_PURPOSE)
    if purpose != COUNTED_PURPOSE:
        out += ["", f"A {purpose} run: stored, but not counted in progress, reports or exports "
                    "(roleplay export --include-practice, roleplay progress --include-practice)."]
    return "\n".join(out)


def score_text(card: dict) -> str:
    """A stored score card: every number with the rule and the words behind it."""
    out = [f"Score card · overall {card['overall']}/100 · rubric {card['rubric_id']} {card['rubric_version']}"
           f" · scorer {card['scorer_version']}", *_what_happened(card), ""]
    for c in card["criteria"]:
        out.append(f"  {c['name']} ({c['weight']}%): {c['score']} · level {c['level']} {c['level_label']}")
        out.append(f"      {c['arithmetic']}")
        for e in c["evidence"]:
            where = f"message {e['message']}" if e["message"] else "scene"
            sign = {"for": "+", "against": "−", "missed": "−"}[e["counts"]]
            quote = f" “{_clip(e['quote'])}”" if e["quote"] else ""
            out.append(textwrap.fill(f"      {sign} {e['behaviour']} at {where}{quote} — {e['why']}"
                                     f" [{e['source']}]", WIDTH, subsequent_indent=" " * 10))
    sections = [("Highlighted moments", [f"{m['text']}: “{_clip(m['quote'])}”" for m in card["highlights"]]),
                ("Missed opportunities", [m["text"] for m in card["missed"]]),
                ("Try instead", [(f"at message {a['message']}: " if a["message"] else "")
                                 + f"“{a['line']}” ({a['source']})" for a in card["alternatives"]]),
                ("Success criteria", [("✓ " if s["met"] else "✗ ") + s["text"]
                                      + (f" ({s['why']})" if s.get("why") else "") for s in card["success"]]),
                ("Facts conveyed", [f"message {f['message']}: {f['statement']}"
                                    for f in card.get("facts", [])]),
                ("Facts contradicted", [f"message {c['message']}: “{_clip(c['quote'])}”"
                                        + (f" (the card says {c['expected']})" if c.get("expected") else "")
                                        for c in card.get("contradictions", [])]),
                ("Observers vs analyser", [
                    f"{a['item']}: analyser {'yes' if a['analyser'] else 'no'}; "
                    + ", ".join(f"{o} {'yes' if seen else 'no'}" for o, seen in a["observers"].items())
                    + ("" if a["agree"] else " — disagreement, discuss in the debrief")
                    for a in card["agreements"] if a["observers"]])]
    for title, lines in sections:
        if lines:
            out += ["", f"  {title}:"] + [textwrap.fill(line, WIDTH, initial_indent="    • ",
                                                         subsequent_indent="      ") for line in lines]
    out += ["", "  How scores are computed:"]
    out += [textwrap.fill(rule, WIDTH, initial_indent="    ", subsequent_indent="    ")
            for rule in card["rules"]]
    return "\n".join(out)


def _what_happened(card: dict) -> list[str]:
    """How the scene ended and the customer's trajectory (score cards of scorer 2 and up)."""
    if "outcome" not in card:
        return []
    ended = {"resolved": "resolved", "escalated": "escalated by the customer",
             "abandoned": "abandoned by the customer"}.get(card["outcome"], "the clock ran out")
    path = card.get("trajectory") or []
    mood = (f" · customer sentiment {path[0]['sentiment']:+.2f} (message {path[0]['message']}) → "
            f"{path[-1]['sentiment']:+.2f} (message {path[-1]['message']})") if len(path) >= 2 else ""
    return [f"Outcome: {ended}{mood}"]


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def progress_text(report: dict) -> str:
    """One person's progress as a coach reads it at a glance."""
    rows = []
    for a in report["areas"]:
        avg = a["recent_average"]
        if a["certified"]:
            status = f"certified {a['certified_at'][:10]}"
        elif a["scenes_to_certify"]:
            status = f"{a['scenes_to_certify']} more scene(s)"
        else:
            status = f"{a['points_to_certify']:g} points short"
        rows.append({"area": a["name"], "scenes": str(a["scenes"]),
                     "latest": "—" if a["latest"] is None else str(a["latest"]),
                     f"avg last {a['window']}": "—" if avg is None else f"{avg:g}",
                     "trend": "—" if a["trend"] is None else f"{a['trend']:+g}",
                     "target": str(a["team_target"]), f"certification ({a['threshold']})": status})
    columns = list(rows[0]) if rows else []
    head = f"{report['name']} ({report['person']}): {report['scenes_scored']} scored scene(s)"
    if report.get("practice_not_counted"):
        head += (f" · {report['practice_not_counted']} practice or demo run(s) not counted"
                 " (--include-practice counts them)")
    out = [head, "", table(rows, columns)]
    path = report["path"]
    if path:
        standing = "on track" if path["on_track"] else "behind"
        out += ["", f"Training path: {path['title']}, week {path['current_week']} of {len(path['weeks'])}"
                    f" · {path['done']} of {path['target']} scenes · expected by now "
                    f"{path['expected_by_now']} · {standing}"]
        out += [f"  week {w['week']}: {w['done']}/{w['target']} scenes, {', '.join(w['difficulties'])}"
                + (f"; focus {', '.join(w['focus'])}" if w["focus"] else "") for w in path["weeks"]]
    nxt = report["next_card"]
    if nxt:
        out += ["", textwrap.fill(f"Next card: {nxt['title']} ({nxt['card_id']}, {nxt['difficulty']}) — "
                                  f"{nxt['reason']}", WIDTH, subsequent_indent="  ")]
    return "\n".join(out)
