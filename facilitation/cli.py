"""``roleplay``: the workbench's command line.

Every command goes through the library façade and prints either plain text for a
person or JSON for a program. Errors print one line to stderr and exit non-zero:
1 for invalid data or an unknown id, 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from .cardtext import card_text, persona_text, progress_text, rubric_text, scene_text, score_text, table
from .errors import BadParameter, NotFound, WorkbenchError
from .library import Library, validate_files
from .vocabulary import CATEGORIES, CATEGORY_TITLES, CHANNELS, DIFFICULTIES

if TYPE_CHECKING:  # the store and its imports load only for the commands that use it
    from .progress import TrainingPath
    from .records import SessionInfo
    from .workbench import Workbench

T = TypeVar("T")

CARD_COLUMNS = ("id", "title", "category", "difficulty", "persona", "channel", "skill")


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


# -- cards -------------------------------------------------------------------------

def cards_list(args: argparse.Namespace) -> int:
    lib = Library.load()
    cards = lib.find(category=args.category, difficulty=args.difficulty,
                     persona=args.persona, channel=args.channel, skill=args.skill)
    rows = [card.summary() for card in cards]
    if args.format == "json":
        _print_json(rows)
    else:
        print(table(rows, ("id", "category", "difficulty", "channel", "persona", "title")))
        print(f"\n{len(rows)} of {len(lib.cards)} cards", file=sys.stderr)
    return 0


def cards_show(args: argparse.Namespace) -> int:
    card = Library.load().card(args.id)
    seed = random.randrange(10_000) if args.seed is None and args.draw else args.seed
    drawn = card.draw(seed)
    if args.format == "json":
        _print_json({"seed": drawn.seed, "values": drawn.values, "card": drawn.card.model_dump()})
    else:
        print(card_text(drawn))
        if seed is None and card.variables:
            print("\nNames, amounts and dates change per attempt: add --seed N (or --draw) to see one.")
    return 0


def _validate(kind: str, args: argparse.Namespace) -> int:
    result = validate_files(kind, [Path(p) for p in args.paths])  # type: ignore[arg-type]
    for problem in result.errors:
        print(problem, file=sys.stderr)
    for problem in result.warnings:
        print(f"{problem} (warning)", file=sys.stderr)
    bad = len(result.files) - len(result.valid)
    noun = "card" if kind == "card" else "rubric"
    if not result.files:
        print(f"no {noun} files found in {', '.join(args.paths) or 'the library'}", file=sys.stderr)
        return 1
    if bad:
        print(f"{bad} of {len(result.files)} {noun} files invalid", file=sys.stderr)
        return 1
    if args.strict and result.warnings:
        print(f"{len(result.warnings)} warnings (--strict)", file=sys.stderr)
        return 1
    print(f"{len(result.valid)} {noun} files valid")
    return 0


# -- rubrics and personas ------------------------------------------------------------

def rubrics_list(args: argparse.Namespace) -> int:
    lib = Library.load()
    rows = [{"id": r.id, "title": r.title, "version": r.version,
             "competencies": len(r.competencies), "checklist": len(r.checklist)}
            for r in lib.rubrics.values()]
    if args.format == "json":
        _print_json(rows)
    else:
        print(table(rows, ("id", "version", "competencies", "checklist", "title")))
    return 0


def rubrics_show(args: argparse.Namespace) -> int:
    rubric = Library.load().rubric(args.id)
    if args.format == "json":
        _print_json(rubric.model_dump())
    else:
        print(rubric_text(rubric))
    return 0


def personas_list(args: argparse.Namespace) -> int:
    lib = Library.load()
    rows = [{"id": p.id, "name": p.name, "patience": p.patience, "summary": p.summary[:60] + "…"}
            for p in lib.personas.values()]
    if args.format == "json":
        _print_json([p.model_dump() for p in lib.personas.values()])
    else:
        print(table(rows, ("id", "name", "patience", "summary")))
    return 0


def personas_show(args: argparse.Namespace) -> int:
    lib = Library.load()
    if args.id not in lib.personas:
        raise NotFound(f"no persona {args.id!r}; the library has {', '.join(lib.personas)}")
    print(persona_text(lib.personas[args.id]))
    return 0


# -- store and scenes --------------------------------------------------------------

def init_store(args: argparse.Namespace) -> int:
    from .store import Database

    db = Database(args.db)
    version = db.init()
    print(f"store ready: {db.display_url} (schema {version})")
    db.close()
    return 0


def _in_store(db: str | None, use: Callable[[Workbench], T]) -> T:
    """Open the store, do one thing with it, and close it whatever happens."""
    from .workbench import Workbench

    wb = Workbench.open(db)
    try:
        return use(wb)
    finally:
        wb.close()


def _show(args: argparse.Namespace, data: dict, render: Callable[[dict], str]) -> int:
    if args.format == "json":
        _print_json(data)
    else:
        print(render(data))
    return 0


def scene_run(args: argparse.Namespace) -> int:
    from .headless import read_agent_lines, run_scene

    lines = read_agent_lines(args.agent_lines)

    def play(wb: Workbench) -> dict:
        scene_id = run_scene(wb, args.card, lines, seed=args.seed, engine=args.engine, agent=args.agent)
        return wb.scene_record(scene_id)

    return _show(args, _in_store(args.db, play), scene_text)


def scene_score(args: argparse.Namespace) -> int:
    return _show(args, _in_store(args.db, lambda wb: wb.score(args.scene).to_dict()), score_text)


# -- progress -----------------------------------------------------------------------

def progress(args: argparse.Namespace) -> int:
    from .roster import person_id

    def read(wb: Workbench) -> Any:
        return wb.progress(person_id(wb, args.person), threshold=args.threshold, window=args.window,
                           include_practice=args.include_practice)

    report = _in_store(args.db, read)
    return _show(args, report.to_dict(), progress_text)


def people_enrol(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    started = None
    if args.started:
        try:
            started = datetime.strptime(args.started, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise BadParameter(f"--started {args.started!r}: give a date as YYYY-MM-DD") from None
    from .roster import known_or_given

    def enrol(wb: Workbench) -> TrainingPath:
        wb.enrol(known_or_given(wb, args.person), args.path, started)
        return wb.training_paths[args.path]

    path = _in_store(args.db, enrol)
    print(f"{args.person} is on '{path.title}': {path.scenes} scenes over {len(path.weeks)} weeks")
    return 0


def people_add(args: argparse.Namespace) -> int:
    from .roster import add_person

    def add(wb: Workbench) -> list[str]:
        lines = []
        for name in args.names:
            person, new = add_person(wb, name, team=args.team)
            lines.append(f"added {name} as {person}" + (f", team {args.team}" if args.team else "")
                         if new else f"{name} is already here as {person}")
        return lines

    print("\n".join(_in_store(args.db, add)))
    return 0


def people_list(args: argparse.Namespace) -> int:
    from .roster import people

    rows = [r.to_dict() for r in _in_store(args.db, lambda wb: people(wb, args.team))]
    if args.format == "json":
        _print_json(rows)
    elif not rows:
        print("nobody yet: roleplay people add \"Ana Lopez\" --team Billing")
    else:
        print(table([{"id": r["id"], "name": r["name"], "team": r["team"] or "—",
                      "sessions": str(r["sessions"]), "scenes played": str(r["scenes_played"]),
                      "path": r["path"] or "—"} for r in rows],
                    ("id", "name", "team", "sessions", "scenes played", "path")))
    return 0


def session_create(args: argparse.Namespace) -> int:
    from .roster import set_up_session

    info = _in_store(args.db, lambda wb: set_up_session(wb, args.title, args.facilitator, args.people,
                                                        team=args.team))
    print(f"Session {info.title!r} is ready: join code {info.code}, {len(info.participants)} participant(s).")
    print(f"Serve it: roleplay serve --session {info.code}")
    return 0


def session_join(args: argparse.Namespace) -> int:
    from .roster import add_person

    def join(wb: Workbench) -> SessionInfo:
        info = wb.session(args.code)
        for name in args.people:
            info = wb.join(info.code, add_person(wb, name, team=info.team)[0])
        return info

    info = _in_store(args.db, join)
    print(f"Session {info.code} now has {len(info.participants)} participant(s).")
    return 0


def session_list(args: argparse.Namespace) -> int:
    from .roster import sessions

    rows = [r.to_dict() for r in _in_store(args.db, lambda wb: sessions(wb, every_purpose=args.all))]
    if args.format == "json":
        _print_json(rows)
    elif not rows:
        print('no sessions yet: roleplay session create "Tuesday practice" --facilitator "Your Name" '
              '--people "Ana Lopez" "Ben Okafor"')
    else:
        print(table([{"code": r["code"], "title": r["title"], "facilitator": r["facilitator"],
                      "team": r["team"] or "—", "people": str(r["participants"]), "scenes": str(r["scenes"]),
                      "created": r["created_at"][:16].replace("T", " "),
                      **({"purpose": r["purpose"]} if args.all else {})} for r in rows],
                    ("code", "title", "facilitator", "team", "people", "scenes", "created",
                     *(("purpose",) if args.all else ()))))
    return 0


def session_show(args: argparse.Namespace) -> int:
    from .roster import session_detail

    detail = _in_store(args.db, lambda wb: session_detail(wb, args.code))
    if args.format == "json":
        _print_json(detail.to_dict())
        return 0
    info, names = detail.session, detail.names
    print(f"{info.title} · join code {info.code} · facilitator {names[info.facilitator]}"
          + (f" · team {info.team}" if info.team else "")
          + ("" if info.purpose == "training" else f" · {info.purpose} (not counted)"))
    print("Participants: " + (", ".join(f"{names[p]} ({p})" for p in info.participants) or "none yet"))
    if detail.scenes:
        print()
        print(table([{"scene": str(s.ordinal), "card": s.card_id, "customer": s.engine, "phase": s.phase,
                      "agent": s.agent or "—", "score": "—" if s.overall is None else str(s.overall)}
                     for s in detail.scenes], ("scene", "card", "customer", "phase", "agent", "score")))
    else:
        print("No scenes yet: start one from the facilitator page.")
    return 0


def people_forget(args: argparse.Namespace) -> int:
    from .privacy import describe, forget_person
    from .roster import known_or_given

    removed = _in_store(args.db, lambda wb: forget_person(wb, known_or_given(wb, args.person)))
    print(f"forgot {args.person}: {describe(removed) or 'nothing was stored about them'}")
    return 0


# -- demo data, reports and export ---------------------------------------------------

def demo_data(args: argparse.Namespace) -> int:
    from .demodata import build_demo_data

    summary = build_demo_data(args.db, agents=args.agents, scenes=args.scenes, seed=args.seed,
                              progress=not args.quiet)
    print(summary.text())
    return 0


def export(args: argparse.Namespace) -> int:
    from datetime import date

    from .export import export_store

    def day(option: str, value: str | None) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise BadParameter(f"{option} {value!r}: give a date as YYYY-MM-DD") from None

    since, until = day("--since", args.since), day("--until", args.until)
    written = _in_store(args.db, lambda wb: export_store(wb, args.kind, args.out, base=args.base,
                                                         since=since, until=until,
                                                         include_practice=args.include_practice))
    print(written, file=sys.stderr)
    return 0


def report(args: argparse.Namespace) -> int:
    from .reporting.render import render_cli

    return render_cli(args)


# -- simulator QA -------------------------------------------------------------------

def simulate(args: argparse.Namespace) -> int:
    from .simulate import POLICIES, simulate

    lib = Library.load()
    cards = list(lib.cards.values()) if args.card == "all" else [lib.card(args.card)]
    policies = list(POLICIES) if args.policy == "all" else args.policy.split(",")
    unknown = [p for p in policies if p not in POLICIES]
    if unknown:
        raise NotFound(f"no policy {unknown[0]!r}; have {', '.join(POLICIES)}")
    results = simulate(cards, lib.personas, policies, args.runs, seed=args.seed, engine=args.engine)
    if args.format == "json":
        _print_json([r.brief() for r in results])
        return 0
    rows = [{"card": r.card, "policy": r.policy, "runs": str(r.runs), "resolved": str(r.resolved),
             "escalated": str(r.escalated), "abandoned": str(r.abandoned), "turns": f"{r.mean_turns:g}",
             "trust": f"{r.mean_trust:.2f}", "mood by turn": " ".join(f"{m:+.1f}" for m in r.mood)}
            for r in results]
    print(table(rows, list(rows[0])))
    if len(cards) > 1:
        print()
        columns = ["policy", "runs", "resolved", "escalated", "abandoned", "trust"]
        print(table(_policy_totals(results), columns))
    return 0


def _share(n: int, runs: int) -> str:
    return f"{n} ({100 * n / runs:.0f}%)"


def _policy_totals(results: list) -> list[dict[str, str]]:
    """Every card together, one row per policy: the figures the simulator QA is held to."""
    rows = []
    for policy in dict.fromkeys(r.policy for r in results):
        mine = [r for r in results if r.policy == policy]
        runs = sum(r.runs for r in mine)
        rows.append({"policy": policy, "runs": str(runs),
                     "resolved": _share(sum(r.resolved for r in mine), runs),
                     "escalated": _share(sum(r.escalated for r in mine), runs),
                     "abandoned": _share(sum(r.abandoned for r in mine), runs),
                     "trust": f"{sum(r.mean_trust * r.runs for r in mine) / runs:.2f}"})
    return rows


# -- analysis ---------------------------------------------------------------------

def analyze(args: argparse.Namespace) -> int:
    """JSON lines in, one JSON line out per input; a bad line gets an error object, not a crash."""
    from .analysis import Analyser

    if args.persona is not None:
        from .personas import load_personas

        known = load_personas()[0]
        if args.persona not in known:
            raise NotFound(f"no persona {args.persona!r}; there are {', '.join(sorted(known))}")
    analyser = Analyser(persona=args.persona)
    failed = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text, role = item["text"], item.get("role", "agent")
            if not isinstance(text, str) or role not in ("agent", "customer"):
                raise ValueError("needs a text string and role 'agent' or 'customer'")
            result = analyser.analyse(text, role, item.get("context")).to_json()
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            failed += 1
            reason = (f"missing {exc}" if isinstance(exc, KeyError)
                      else "JSON nested too deeply" if isinstance(exc, RecursionError) else str(exc))
            result = {"error": f"line {number}: {reason}"}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    if failed:
        print(f"roleplay: error: {failed} input line(s) could not be analysed", file=sys.stderr)
    return 1 if failed else 0


# -- demo --------------------------------------------------------------------------

def demo(args: argparse.Namespace) -> int:
    """The best end-to-end tour the workbench offers so far: library, a drawn card, a scene."""
    import tempfile

    from .headless import run_scene
    from .workbench import Workbench

    lib = Library.load()
    print(f"Roleplay Workbench {__version__}: {len(lib.cards)} scenario cards, "
          f"{len(lib.personas)} personas, {len(lib.rubrics)} rubric(s)\n")
    rows = []
    for cat in CATEGORIES:
        cards = [c for c in lib.cards.values() if c.category == cat]
        levels = Counter(c.difficulty for c in cards)
        rows.append({"category": CATEGORY_TITLES[cat], "cards": len(cards),
                     **{d: levels[d] for d in DIFFICULTIES},
                     "channels": ", ".join(ch for ch in CHANNELS if any(c.channel == ch for c in cards))})
    print(table(rows, ("category", "cards", *DIFFICULTIES, "channels")))
    card = lib.card(args.card)
    seed = args.seed if args.seed is not None else random.randrange(10_000)
    print("\n" + card_text(card.draw(seed)))
    other = card.draw(seed + 1)
    drawn = ", ".join(list(other.values.values())[:4])
    print(f"\nThe next attempt (seed {seed + 1}) draws {drawn}, ...: memorising a card does not pay.")

    print("\nA scene, played headless against the embedded (offline) customer and stored as it happens:\n")
    with tempfile.TemporaryDirectory() as folder:
        wb = Workbench.open(f"sqlite:///{folder}/demo.db", library=lib)
        phrases = {p.behaviour: p.line for p in card.draw(seed).card.phrase_bank}
        lines = [phrases.get(b) for b in ("empathy", "open_question", "summary", "next_steps")]
        scene_id = run_scene(wb, card.id, [line for line in lines if line], seed=seed)
        print(scene_text(wb.scene_record(scene_id)))
        wb.close()
    print("\nTry: roleplay cards list · roleplay cards show chat-billing-surprise --draw"
          " · roleplay rubrics show support-core · roleplay scene run --help")
    return 0


def serve(args: argparse.Namespace) -> int:
    from .serve import ServeOptions, run

    limits = {name: value for name, value in (("max_kernels", args.max_pages),
                                              ("max_session_kernels", args.max_session_pages))
              if value is not None}
    options = ServeOptions(port=args.port, lan=args.lan, pool_size=args.pool_size, db=args.db, **limits)
    return run(options, demo=args.demo, session=args.session)


# -- parser ------------------------------------------------------------------------

def _fmt(parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def _include_practice(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--include-practice", action="store_true",
                        help="count headless `scene run` practice and the demo session too "
                             "(left out by default)")


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL",
                        help="store URL (default: $ROLEPLAY_DB, else a SQLite file in your data folder)")


def _validate_command(sub: argparse._SubParsersAction, kind: str) -> None:
    p = _command(sub, "validate", lambda a: _validate(kind, a), f"validate {kind} files")
    p.add_argument("paths", nargs="*", help="files or folders (default: the library)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` (to ``high``), refused in one line."""
    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{value} is out of range: give {bound}")
        return value
    return number


def _command(sub: argparse._SubParsersAction, name: str, func: Callable[..., int], helptext: str
             ) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=helptext, description=helptext)
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roleplay", description=__doc__.splitlines()[0].strip("`: "))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True)

    cards = groups.add_parser("cards", help="browse and validate scenario cards").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = _command(cards, "list", cards_list, "list the scenario cards")
    _fmt(p)
    p.add_argument("--category", choices=CATEGORIES)
    p.add_argument("--difficulty", choices=DIFFICULTIES)
    p.add_argument("--channel", choices=CHANNELS)
    p.add_argument("--persona", help="persona id, e.g. frustrated-user")
    p.add_argument("--skill", help="words the practised skill contains")
    p = _command(cards, "show", cards_show, "show one card, with its variables drawn")
    p.add_argument("id")
    p.add_argument("--seed", type=int, help="draw this attempt's names, amounts and dates")
    p.add_argument("--draw", action="store_true", help="draw with a random seed")
    _fmt(p, ("text", "json"))
    _validate_command(cards, "card")

    rubrics = groups.add_parser("rubrics", help="browse and validate rubrics").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    _fmt(_command(rubrics, "list", rubrics_list, "list the rubrics"))
    p = _command(rubrics, "show", rubrics_show, "show one rubric")
    p.add_argument("id")
    _fmt(p, ("text", "json"))
    _validate_command(rubrics, "rubric")

    personas = groups.add_parser("personas", help="the customer personas").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    _fmt(_command(personas, "list", personas_list, "list the personas"))
    _command(personas, "show", personas_show, "show one persona").add_argument("id")

    p = _command(groups, "init", init_store, "create the store, or upgrade an older one")
    _db(p)
    scene = groups.add_parser("scene", help="run scenes").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = _command(scene, "run", scene_run, "run a whole scene headless with scripted agent lines")
    p.add_argument("--card", required=True, help="scenario card id")
    p.add_argument("--agent-lines", required=True, metavar="FILE",
                   help="one agent message per line (- for stdin)")
    p.add_argument("--seed", type=int, help="draw the card's variables with this seed")
    p.add_argument("--engine", default="embedded",
                   help="customer engine: embedded (default, offline), openai, scripted, "
                        "or one a plug-in installs")
    p.add_argument("--agent", default="agent", metavar="PERSON",
                   help="who plays the agent, for their progress (default: agent)")
    _db(p)
    _fmt(p, ("text", "json"))
    p = _command(scene, "score", scene_score, "score a stored scene again (e.g. after late observer notes)")
    p.add_argument("scene", metavar="SCENE_ID")
    _db(p)
    _fmt(p, ("text", "json"))

    p = _command(groups, "progress", progress,
                 "a person's competency areas, certifications, training path and next card")
    p.add_argument("person", metavar="PERSON")
    p.add_argument("--threshold", type=_at_least(0, 100),
                   help="certification threshold (default: the rubric's, 85)")
    p.add_argument("--window", type=_at_least(1),
                   help="scenes averaged for certification (default: the rubric's, 10)")
    _include_practice(p)
    _db(p)
    _fmt(p, ("text", "json"))
    people = groups.add_parser("people", help="trainees and their training paths").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = _command(people, "enrol", people_enrol, "put a person on a training path (new-hire, refresher)")
    p.add_argument("person", metavar="PERSON")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--started", metavar="YYYY-MM-DD", help="when the path started (default: today)")
    _db(p)

    p = _command(people, "add", people_add, "add people by name (someone already here is found, not added)")
    p.add_argument("names", nargs="+", metavar="NAME", help='full names, quoted: "Ana Lopez"')
    p.add_argument("--team", help="their team (the dashboards group by it)")
    _db(p)
    p = _command(people, "list", people_list, "everyone in the store: id, name, team, sessions, scenes")
    p.add_argument("--team", help="only this team")
    _db(p)
    _fmt(p)

    p = _command(people, "forget", people_forget,
                 "remove everything stored about a person (their scenes, notes, scores and debriefs)")
    p.add_argument("person", metavar="PERSON")
    _db(p)

    session = groups.add_parser("session", help="training sessions: create, list, show, join").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = _command(session, "create", session_create, "create a training session and print its join code")
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--facilitator", required=True, metavar="NAME", help="who runs it (name or id)")
    p.add_argument("--people", nargs="+", required=True, metavar="NAME",
                   help="the participants by name or id; anyone new is added")
    p.add_argument("--team", help="the team the session trains (and new people's team)")
    _db(p)
    p = _command(session, "list", session_list, "training sessions with their join codes, newest first")
    p.add_argument("--all", action="store_true", help="practice runs and the demo session too")
    _db(p)
    _fmt(p)
    p = _command(session, "show", session_show, "a session's people and scenes (with their scores)")
    p.add_argument("code", metavar="CODE")
    _db(p)
    _fmt(p, ("text", "json"))
    p = _command(session, "join", session_join, "add participants to a session")
    p.add_argument("code", metavar="CODE")
    p.add_argument("people", nargs="+", metavar="NAME")
    _db(p)

    p = _command(groups, "demo-data", demo_data,
                 "fill a store with a month of training, played by the simulator's agent policies and scored")
    p.add_argument("--agents", type=int, default=42, help="trainees (default 42)")
    p.add_argument("--scenes", type=_at_least(1), default=1234, help="scored scenes (default 1234)")
    p.add_argument("--seed", type=int, default=0, help="the same seed builds the same month")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _db(p)

    p = _command(groups, "report", report,
                 "render a report notebook (session_debrief, agent_progress, team_dashboard, "
                 "monthly_summary, calibration)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"),
                   help="a value for the notebook's parameters cell (repeatable)")
    p.add_argument("--each", choices=("person", "scene", "session"),
                   help="render one report per person, scene or session, in parallel")
    p.add_argument("--workers", type=_at_least(1), help="parallel kernels for --each (default: one per core)")
    p.add_argument("--out", default="report-output", metavar="DIR",
                   help="output folder (default ./report-output)")
    p.add_argument("--format", choices=("html", "ipynb"), default="html",
                   help="html (offline, code hidden; the executed notebook is kept beside it) or ipynb")
    _db(p)

    p = _command(groups, "export", export, "export scored attempts for an LMS: csv or xAPI statements")
    p.add_argument("kind", choices=("csv", "xapi"))
    p.add_argument("--out", metavar="FILE", help="output file (default: standard output)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only scenes played on or after this day (UTC)")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="only scenes played on or before this day (UTC)")
    p.add_argument("--base", metavar="IRI",
                   help="xAPI base IRI for ids (default: $ROLEPLAY_XAPI_BASE, else "
                        "https://roleplay-workbench.example/xapi)")
    _include_practice(p)
    _db(p)

    p = _command(groups, "simulate", simulate,
                 "simulator QA: play scripted agent policies against the simulated customer")
    p.add_argument("--card", required=True, metavar="ID|all")
    p.add_argument("--policy", required=True, metavar="P|all",
                   help="one or more, comma-separated: empathetic, factual, dismissive, blaming, "
                   "jargon, wrong-facts, rushing (the card's phrase bank and fixed lines); good-varied, "
                   "factual-varied, wrong-facts-varied, blaming-varied, dismissive-varied, jargon-varied "
                   "(words drawn per seed); or all")
    p.add_argument("--runs", type=_at_least(1), default=10, help="runs per card and policy (default 10)")
    p.add_argument("--seed", type=int, default=0, help="first seed; run i uses seed + i")
    p.add_argument("--engine", default="embedded", help="customer engine (default: embedded); "
                   "openai, scripted or a plug-in's also play")
    _fmt(p)

    p = _command(groups, "analyze", analyze,
                 "analyse messages: JSON lines {text, role, context} on stdin, one JSON line out each")
    p.add_argument("--persona", help="weigh jargon for this persona (e.g. confused-new-user)")

    p = _command(groups, "serve", serve, "serve the room's pages (facilitator, observer, projector) on Voilà")
    p.add_argument("--port", type=_at_least(1, 65535), default=8866)
    p.add_argument("--lan", action="store_true",
                   help="listen on the network, with an access token and a facilitator key")
    p.add_argument("--pool-size", type=_at_least(0), default=1,
                   help="preheated kernels per page (default 1; 0: none)")
    p.add_argument("--max-pages", type=_at_least(1), metavar="N",
                   help="most page kernels at once, preheated ones included (default: as many as half "
                        "the memory holds); a page opened beyond it is refused with a sentence saying why")
    p.add_argument("--max-session-pages", type=_at_least(1), metavar="N",
                   help="most page kernels for one session (default: 30, or two thirds of --max-pages "
                        "if more), so one session's reloads cannot take the server from the others")
    p.add_argument("--session", metavar="CODE", help="print the pages' links for this session")
    p.add_argument("--demo", action="store_true", help="create a demo session on the embedded customer")
    _db(p)

    p = _command(groups, "demo", demo, "a tour of the library and a drawn scenario card")
    p.add_argument("--card", default="frustrated-billing-customer")
    p.add_argument("--seed", type=int)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(format="roleplay: warning: %(message)s", level=logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except WorkbenchError as exc:
        print(f"roleplay: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `roleplay cards list | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
