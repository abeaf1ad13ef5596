"""Observer calibration: do observers tick the checklist the same way, and as the scorer reads it?

Per checklist item, over the scenes of a period: Cohen's kappa for every pair of observers
who watched the same scenes (averaged over the pairs), Krippendorff's alpha (nominal) over
all observers at once, and Cohen's kappa between each observer and the automatic scorer
(the analyser's reading stored on the score card). Each with its n and the plain reading
of Landis & Koch. Then the recent disagreements worth talking through, and who ticks more
generously or more strictly than the team.

An observer counts as having watched a scene when they left any note in it (a tick, a
quote, a marker, a timer or a note); an item they did not tick there counts as "not
ticked". Both statistics are implemented here in numpy and tested against textbook examples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import select

from ..errors import NotFound, WorkbenchError
from ..library import Library
from ..privacy import redact
from ..rubrics import Rubric
from ..store import Database
from ..store import queries as q
from ..store.schema import messages, notes, people, scenes, scores, sessions
from ..vocabulary import DEFAULT_RUBRIC
from . import display
from .debrief import NO_SCORES, chart_text, light_library, open_store, show_notice
from .params import Period, check_refusal, period

STANDARD = 0.6  # the agreed standard: "substantial" agreement and up
MIN_SHARED = 3  # a pair of observers counts for an item once they watched this many scenes together
DISAGREEMENTS = 15  # how many recent disagreements to list
LEAN = 0.10  # an observer ticks "generously"/"strictly" this far above/below the team's rate
SCORER = "scorer"
BANDS = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"),
         (1.0, "almost perfect"))


# -- the statistics --------------------------------------------------------------------------

def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa for two raters' labels of the same units (NaN when chance agreement is
    certain, e.g. both raters gave every unit the same one label)."""
    x, y = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if len(x) != len(y):
        raise ValueError("both raters must label the same units")
    if len(x) == 0:
        return float("nan")
    labels = sorted(set(x) | set(y), key=str)
    observed = float(np.mean(x == y))
    expected = sum(float(np.mean(x == k)) * float(np.mean(y == k)) for k in labels)
    if expected >= 1.0:
        return float("nan")
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(data: Any) -> float:
    """Krippendorff's alpha for nominal data: ``data`` is raters by units, NaN (or None) where a
    rater did not rate a unit. Units rated by fewer than two raters are left out."""
    matrix = pd.DataFrame(data).T.astype(object)  # units by raters
    values = sorted(set(matrix.stack().dropna().tolist()), key=str)
    if len(values) == 0:
        return float("nan")
    # counts[u, v]: how many raters gave unit u the value v; units rated once do not pair
    counts = np.column_stack([matrix.eq(v).sum(axis=1).to_numpy(dtype=float) for v in values])
    pairable = counts.sum(axis=1)
    counts = counts[pairable >= 2]
    weights = 1.0 / (pairable[pairable >= 2] - 1)
    coincidences = (counts * weights[:, None]).T @ counts - np.diag((counts * weights[:, None]).sum(axis=0))
    totals = coincidences.sum(axis=1)
    n = totals.sum()
    if n <= 1:
        return float("nan")
    disagree_observed = coincidences.sum() - np.trace(coincidences)
    disagree_expected = (totals.sum() ** 2 - (totals ** 2).sum()) / (n - 1)
    if disagree_expected == 0:
        return float("nan")
    return float(1.0 - disagree_observed / disagree_expected)


def pairwise_kappas(wide: pd.DataFrame, min_shared: int = MIN_SHARED) -> tuple[np.ndarray, np.ndarray]:
    """Cohen's kappa for every pair of raters (columns) over the units (rows) both rated yes or
    no (True/False, NaN where not rated), for pairs sharing ``min_shared`` units or more and
    with a kappa defined; returns (kappas, shared units per pair). All pairs at once in numpy:
    the same numbers as ``cohen_kappa`` pair by pair."""
    rated = wide.notna().to_numpy(dtype=float)
    yes = (wide.fillna(False).astype(bool).to_numpy() & (rated > 0)).astype(float)
    shared = rated.T @ rated  # units both rated
    a_yes = yes.T @ rated  # a said yes, where b rated too
    both_yes = yes.T @ yes
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (shared - a_yes - a_yes.T + 2 * both_yes) / shared
        pa, pb = a_yes / shared, a_yes.T / shared
        expected = pa * pb + (1 - pa) * (1 - pb)
        kappa = (observed - expected) / (1 - expected)
    upper = np.triu(np.ones_like(shared, dtype=bool), k=1)
    keep = upper & (shared >= min_shared) & (expected < 1 - 1e-12) & np.isfinite(kappa)
    return kappa[keep], shared[keep]


def reading(value: float) -> str:
    """Landis & Koch's words for a kappa (or alpha): poor, slight, fair, moderate, substantial,
    almost perfect."""
    if value is None or np.isnan(value):
        return "not enough data"
    if value < 0:
        return "poor"
    return next(word for top, word in BANDS[1:] if value <= top + 1e-12)


# -- reading the store -----------------------------------------------------------------------

@dataclass(frozen=True)
class CalibrationReport:
    period: Period
    team: str | None
    items: dict[str, str]  # checklist item id → label, in the rubric's order
    scenes: pd.DataFrame  # scene_id, branch_id, scored_at, card_id, title, agent, agent_name
    ratings: pd.DataFrame  # scene_id, observer, item, ticked, message_id
    scorer: pd.DataFrame  # scene_id, item, read, messages
    names: dict[str, str]
    db: Database

    @property
    def observers(self) -> list[str]:
        return sorted(self.ratings["observer"].unique(), key=lambda o: self.names.get(o, o))


def checklist_items(rubric: Rubric) -> dict[str, str]:
    """The items an observer ticks or marks yes/no in a scene."""
    return {i.id: i.label for i in rubric.checklist if i.kind in ("tick", "marker")}


def calibration(db: Database, since: str = "", until: str = "", team: str = "",
                library: Library | None = None) -> CalibrationReport:
    """Observers' ticks and the scorer's readings for the scored scenes of a period (and team)."""
    span = period(db, since, until)
    rubric = (library or light_library([])).rubric(DEFAULT_RUBRIC)
    items = checklist_items(rubric)
    latest = q.latest_score_ids().scalar_subquery()
    in_period = (select(scores.c.scene_id, scores.c.branch_id, scores.c.person_id.label("agent"),
                        scores.c.card, scores.c.scored_at, scenes.c.card_id,
                        sessions.c.team.label("session_team"), people.c.team.label("agent_team"),
                        people.c.name.label("agent_name"))
                 .join(scenes, scenes.c.id == scores.c.scene_id)
                 .join(sessions, sessions.c.id == scenes.c.session_id)
                 .outerjoin(people, people.c.id == scores.c.person_id)
                 .where(scores.c.id.in_(latest), q.counted(scores.c.scene_id),
                        scores.c.scored_at >= span.since, scores.c.scored_at < span.until))
    with db.read() as conn:
        found = conn.execute(in_period).all()
        scene_ids = select(in_period.subquery().c.scene_id)
        note_rows = list(conn.execute(select(notes).where(notes.c.scene_id.in_(scene_ids))
                                      .order_by(notes.c.id)))
        names = dict(conn.execute(select(people.c.id, people.c.name)).all())
    if not found:
        raise NotFound(f"No scored scenes between {span.label}" if _any_scores(db) else NO_SCORES)
    rows = [r for r in found if not team or (r.session_team or r.agent_team) == team]
    if not rows:
        raise NotFound(f"no scored scenes for team {team!r} between {span.label}")
    cards = {r.scene_id: r.card for r in rows}
    scene_frame = pd.DataFrame([{"scene_id": r.scene_id, "branch_id": r.branch_id, "scored_at": r.scored_at,
                                 "card_id": r.card_id, "agent": r.agent,
                                 "agent_name": r.agent_name or r.agent} for r in rows])
    scene_frame["scored_at"] = pd.to_datetime(scene_frame["scored_at"], utc=True)
    return CalibrationReport(span, team or None, items, scene_frame,
                             _ratings(note_rows, set(cards), items), _scorer(cards, items), names, db)


def _any_scores(db: Database) -> bool:
    with db.read() as conn:
        return conn.execute(select(scores.c.id).limit(1)).first() is not None


def _ratings(rows: Sequence[Any], scene_ids: set[str], items: Mapping[str, str]) -> pd.DataFrame:
    """One row per scene, observer and item: ticked or not, and the message a tick pointed at."""
    retracted = {r.retracts for r in rows if r.retracts is not None}
    live = [r for r in rows if r.retracts is None and r.id not in retracted and r.scene_id in scene_ids]
    watched = sorted({(r.scene_id, r.observer) for r in live})
    ticked: dict[tuple[str, str, str], int | None] = {}
    for r in live:
        if r.item in items and r.kind in ("tick", "marker"):
            ticked.setdefault((r.scene_id, r.observer, r.item), r.message_id)
    out = [{"scene_id": scene, "observer": observer, "item": item,
            "ticked": (scene, observer, item) in ticked, "message_id": ticked.get((scene, observer, item))}
           for scene, observer in watched for item in items]
    return pd.DataFrame(out, columns=["scene_id", "observer", "item", "ticked", "message_id"])


def _scorer(cards: Mapping[str, Any], items: Mapping[str, str]) -> pd.DataFrame:
    rows = [{"scene_id": scene, "item": a["item"], "read": bool(a["analyser"]),
             "messages": list(a.get("analyser_messages", []))}
            for scene, card in cards.items() for a in (card or {}).get("agreements", [])
            if a["item"] in items]
    return pd.DataFrame(rows, columns=["scene_id", "item", "read", "messages"])


# -- agreement per item -----------------------------------------------------------------------

def agreement_table(r: CalibrationReport, standard: float = STANDARD) -> pd.DataFrame:
    """Per checklist item: observers among themselves and against the scorer, with n and a reading."""
    rows = []
    for item, label in r.items.items():
        mine = r.ratings[r.ratings["item"] == item]
        wide = mine.pivot_table(index="scene_id", columns="observer", values="ticked", aggfunc="first")
        pair_kappas, shared = pairwise_kappas(wide)
        pairwise = float(np.mean(pair_kappas)) if len(pair_kappas) else float("nan")
        pair_scenes = int(shared.sum())
        alpha = krippendorff_alpha(wide.T) if len(wide) else float("nan")
        against = mine.merge(r.scorer[r.scorer["item"] == item], on=["scene_id", "item"])
        scorer_kappa = (cohen_kappa(against["ticked"].tolist(), against["read"].tolist())
                        if len(against) else float("nan"))
        rows.append({
            "checklist item": label, "scenes watched": int(mine["scene_id"].nunique()),
            "observers": int(mine["observer"].nunique()),
            "observer pairs": len(pair_kappas), "pair-scenes": pair_scenes,
            "kappa between observers": pairwise, "reading": reading(pairwise),
            "alpha (all observers)": alpha,
            "ratings vs scorer": len(against) if len(against) else None,
            "kappa vs scorer": scorer_kappa,
            "reading vs scorer": reading(scorer_kappa) if len(against) else "no scorer reading",
            "agree with scorer": _share(against["ticked"] == against["read"]),
            "meets standard": _meets(pairwise, scorer_kappa if len(against) else None, standard),
        })
    return pd.DataFrame(rows)


def agreement_view(table: pd.DataFrame) -> pd.DataFrame:
    """The agreement table as the page shows it: short headers, pairs with their scenes."""
    pairs = zip(table["observer pairs"], table["pair-scenes"], strict=True)
    return pd.DataFrame({
        "checklist item": table["checklist item"], "scenes": table["scenes watched"],
        "observer pairs (scenes)": [f"{p} ({n})" for p, n in pairs],
        "kappa, observers": table["kappa between observers"], "reading": table["reading"],
        "alpha, observers": table["alpha (all observers)"], "ratings vs scorer": table["ratings vs scorer"],
        "kappa vs scorer": table["kappa vs scorer"], "reading vs scorer": table["reading vs scorer"],
        "agree with scorer": table["agree with scorer"], "at standard": table["meets standard"]})


def _share(hits: pd.Series) -> float | None:
    return float(hits.mean()) if len(hits) else None


def _meets(pairwise: float, scorer: float | None, standard: float) -> str:
    values = [v for v in (pairwise, scorer) if v is not None and not np.isnan(v)]
    if not values:
        return "–"
    return "yes" if all(v >= standard for v in values) else "no"


def kappa_figure(r: CalibrationReport, standard: float = STANDARD, table: pd.DataFrame | None = None
                 ) -> go.Figure:
    table = agreement_table(r, standard) if table is None else table
    fig = go.Figure()
    for column, name, colour in (("kappa between observers", "Observer vs observer (mean over pairs)",
                                  display.COLOURS[0]),
                                 ("kappa vs scorer", "Observer vs scorer", display.COLOURS[2])):
        values = table[column].astype(float)
        fig.add_trace(go.Bar(x=table["checklist item"], y=values.where(values.notna(), None), name=name,
                             marker={"color": colour},
                             text=[("n/a" if np.isnan(v) else f"{v:.2f}") for v in values],
                             textposition="outside",
                             hovertemplate="%{x}: %{y:.2f}<extra>" + name + "</extra>"))
    fig.add_hline(y=standard, line={"color": display.TARGET_COLOUR, "dash": "dash"},
                  annotation_text=f"agreed standard {standard:g}", annotation_position="top right")
    lowest = np.nanmin(table[["kappa between observers", "kappa vs scorer"]].astype(float).to_numpy(),
                       initial=0.0)
    fig.update_yaxes(range=[max(-1.0, min(-0.2, lowest - 0.15)), 1.1], zeroline=True)
    fig.update_layout(barmode="group")
    return display.finish_figure(fig, f"Agreement per checklist item, {r.period.label}", "Checklist item",
                                 "Cohen's kappa (−1 to 1)", height=380)


# -- disagreements --------------------------------------------------------------------------

def disagreements(r: CalibrationReport, limit: int = DISAGREEMENTS) -> pd.DataFrame:
    """The newest scenes and items where observers (and the scorer) did not all agree."""
    merged = r.ratings.merge(r.scorer, on=["scene_id", "item"], how="left")
    votes = merged.groupby(["scene_id", "item"], sort=False).agg(
        ticks=("ticked", "sum"), raters=("ticked", "size"), read=("read", "first"))
    known = votes["read"].notna()
    read = votes["read"].where(known, False).astype(bool)
    split = (votes["ticks"] > 0) & (votes["ticks"] < votes["raters"])
    scorer_apart = known & ((read & (votes["ticks"] < votes["raters"])) | (~read & (votes["ticks"] > 0)))
    apart = votes[split | scorer_apart].reset_index()
    if apart.empty:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    apart["scored_at"] = apart["scene_id"].map(r.scenes.set_index("scene_id")["scored_at"])
    newest = apart.sort_values(["scored_at", "item"], ascending=False).head(limit)
    chosen = merged.merge(newest[["scene_id", "item"]], on=["scene_id", "item"])
    found = []
    for (scene, item), part in chosen.groupby(["scene_id", "item"], sort=False):
        ballot = {o: bool(t) for o, t in zip(part["observer"], part["ticked"], strict=True)}
        scorer_read, scorer_messages = part["read"].iloc[0], part["messages"].iloc[0]
        if not pd.isna(scorer_read):
            ballot[SCORER] = bool(scorer_read)
        ticked_on = part["message_id"].dropna()
        found.append({"scene_id": scene, "item": item, "votes": ballot,
                      "message_id": int(ticked_on.iloc[0]) if len(ticked_on) else None,
                      "number": scorer_messages[0] if isinstance(scorer_messages, list) and scorer_messages
                      else None})
    at = r.scenes.set_index("scene_id")
    found.sort(key=lambda f: (at.loc[f["scene_id"], "scored_at"], f["item"]), reverse=True)
    found = found[:limit]
    quotes = _quotes(r, found)
    titles = _titles(r.scenes["card_id"])
    rows = []
    for f in found:
        scene = at.loc[f["scene_id"]]
        who = {True: [], False: []}
        for rater, vote in f["votes"].items():
            who[vote].append("the scorer" if rater == SCORER else r.names.get(rater, rater))
        rows.append({"date": f"{scene['scored_at']:%d %b %H:%M}", "scene": f["scene_id"][:8],
                     "card": titles.get(scene["card_id"], scene["card_id"]),
                     "agent": scene["agent_name"], "item": r.items[f["item"]],
                     "ticked by": ", ".join(who[True]), "not ticked by": ", ".join(who[False]),
                     "the message": quotes.get((f["scene_id"], f["item"]), "–")})
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


DISAGREEMENT_COLUMNS = ["date", "scene", "card", "agent", "item", "ticked by", "not ticked by",
                        "the message"]


def _titles(card_ids: pd.Series) -> dict[str, str]:
    library = light_library(card_ids.unique())
    return {cid: c.title for cid, c in library.cards.items()}


def _quotes(r: CalibrationReport, found: Sequence[dict]) -> dict[tuple[str, str], str]:
    """The message each disagreement is about: the one an observer ticked (or marked, for the
    customer's tone), else the first agent message the scorer read the behaviour in; redacted."""
    branch = r.scenes.set_index("scene_id")["branch_id"]
    out = {}
    with r.db.read() as conn:
        wanted = [f["message_id"] for f in found if f["message_id"] is not None]
        by_id = {row.id: (row.speaker, row.text) for row in conn.execute(
            select(messages.c.id, messages.c.speaker, messages.c.text).where(messages.c.id.in_(wanted)))}
        transcripts: dict[str, list] = {}
        for f in found:
            said = by_id.get(f["message_id"]) if f["message_id"] is not None else None
            if said is None and f["number"]:
                scene = f["scene_id"]
                if scene not in transcripts:
                    transcripts[scene] = q.transcript(conn, scene, branch[scene])
                lines = transcripts[scene]
                if f["number"] <= len(lines):
                    said = (lines[f["number"] - 1].speaker, lines[f["number"] - 1].text)
            if said:
                out[(f["scene_id"], f["item"])] = f"{said[0]}: {redact(said[1])}"
    return out


# -- observers -----------------------------------------------------------------------------

def observer_table(r: CalibrationReport) -> pd.DataFrame:
    """Each observer's tick rate per item beside the team's, and how they lean overall."""
    team_rate = r.ratings.groupby("item")["ticked"].mean()
    merged = r.ratings.merge(r.scorer, on=["scene_id", "item"], how="left")
    rows = []
    for observer in r.observers:
        mine = merged[merged["observer"] == observer]
        row: dict[str, Any] = {"observer": r.names.get(observer, observer),
                               "scenes watched": int(mine["scene_id"].nunique())}
        gaps = []
        for item, label in r.items.items():
            rate = mine.loc[mine["item"] == item, "ticked"].mean()
            row[f"{label} (% ticked)"] = rate * 100
            if not np.isnan(rate):
                gaps.append(rate - team_rate.get(item, np.nan))
        scored = mine.dropna(subset=["read"])
        row["agree with scorer (%)"] = _percent(scored["ticked"] == scored["read"])
        lean = float(np.nanmean(gaps)) if gaps else float("nan")
        row["vs team (points)"] = lean * 100
        row["ticks"] = "generously" if lean > LEAN else "strictly" if lean < -LEAN else "in line"
        rows.append(row)
    team = {"observer": "Team (all observers)", "scenes watched": int(r.ratings["scene_id"].nunique())}
    for item, label in r.items.items():
        team[f"{label} (% ticked)"] = team_rate.get(item, np.nan) * 100
    scored = merged.dropna(subset=["read"])
    team["agree with scorer (%)"] = _percent(scored["ticked"] == scored["read"])
    team["vs team (points)"], team["ticks"] = 0.0, ""
    return pd.DataFrame([*rows, team])


def _percent(hits: pd.Series) -> float | None:
    share = _share(hits)
    return None if share is None else share * 100


def lean_figure(r: CalibrationReport) -> go.Figure:
    """Each observer's average tick rate against the team's, generous at the top, strict at the bottom."""
    table = observer_table(r).iloc[:-1].sort_values("vs team (points)")
    edge = LEAN * 100
    colours = [display.COLOURS[2] if v > edge else display.COLOURS[0] if v < -edge else "#9ca3af"
               for v in table["vs team (points)"]]
    fig = go.Figure(go.Bar(x=table["vs team (points)"], y=table["observer"].map(chart_text), orientation="h",
                           marker={"color": colours}, hovertemplate="%{y}: %{x:+.0f} points<extra></extra>"))
    for x in (edge, -edge):
        fig.add_vline(x=x, line={"color": display.TARGET_COLOUR, "dash": "dot", "width": 1})
    fig.add_vline(x=0, line={"color": "#111827", "width": 1})
    return display.finish_figure(fig, "Who ticks generously (right) and who strictly (left)",
                                 "Tick rate vs team (percentage points)", "Observer",
                                 height=max(260, 22 * len(table) + 120))


# -- the report, as the notebook shows it ---------------------------------------------------

def load(p: Mapping[str, Any]) -> CalibrationReport | None:
    try:
        check_refusal(p)
        report = calibration(open_store(p.get("db", "")), p.get("since", ""), p.get("until", ""),
                             p.get("team", ""))
    except WorkbenchError as exc:
        display.show_refusal(str(exc))
        return None
    watched = report.ratings["scene_id"].nunique()
    show_notice(("Team " + report.team + " · " if report.team else "All teams · ")
                + f"{report.period.label} · {len(report.scenes)} scored scene(s), {watched} with observers"
                f" · {len(report.observers)} observer(s)")
    return report


def show_agreement(r: CalibrationReport | None) -> None:
    if r is None:
        return
    display.heading("Agreement per checklist item", 2,
                    f"Cohen's kappa between observers who watched the same scenes (at least {MIN_SHARED} "
                    "together), averaged over the pairs; Krippendorff's alpha over all observers; and kappa "
                    f"between each observer and the scorer. Agreed standard: {STANDARD:g} or more. Readings "
                    "after Landis & Koch: poor < 0 ≤ slight ≤ 0.2 < fair ≤ 0.4 < moderate ≤ 0.6 < "
                    "substantial ≤ 0.8 < almost perfect.")
    if r.ratings.empty:
        show_notice("No observer ticked or noted anything in these scenes.")
        return
    table = agreement_table(r)
    meets = (table["meets standard"] == "yes").sum()
    display.show_tiles({"Items at the standard": (f"{meets} of {len(table)}", f"kappa {STANDARD:g} or more"),
                        "Observers": (str(len(r.observers)), None),
                        "Scenes watched": (str(r.ratings["scene_id"].nunique()), r.period.label)})
    display.show_figure(kappa_figure(r, table=table))
    display.show_table(agreement_view(table), formats={
        "kappa, observers": "{:.2f}", "alpha, observers": "{:.2f}", "kappa vs scorer": "{:.2f}",
        "agree with scorer": "{:.0%}", "ratings vs scorer": "{:.0f}"})


def show_disagreements(r: CalibrationReport | None) -> None:
    if r is None:
        return
    display.heading("Disagreements to discuss", 2,
                    f"The newest {DISAGREEMENTS} scenes and items where the observers, or observers and "
                    "scorer, did not all agree; newest first.")
    display.show_table(disagreements(r), empty="No disagreements in this period.")


def show_observers(r: CalibrationReport | None) -> None:
    if r is None:
        return
    display.heading("Observers against the team", 2,
                    f"How often each observer ticks each item beside the team's rate; more than "
                    f"{LEAN:.0%} above the team on average reads as generous, below as strict.")
    if r.ratings.empty:
        return
    display.show_figure(lean_figure(r))
    table = observer_table(r)
    display.show_table(table, formats={**{c: "{:.0f}" for c in table.columns if "%" in c},
                                       "vs team (points)": "{:+.0f}"})
