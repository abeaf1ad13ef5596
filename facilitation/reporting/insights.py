"""Coaching insights mined from a period's scores, next month's focus, and the monthly
summary's recommendations in plain sentences.

A *pattern* compares one competency area (or the missed opportunities a scene leaves)
across a condition of the scene — the customer's persona, the card's difficulty, the
channel, a rushed scene — against every other scene of the period: "Customer empathy
averages 52 when the customer is a busy executive vs 71 otherwise (n=84 scenes)".
Only gaps that are large (in points) and clear (against the scatter of the scores)
are reported, biggest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..library import Library
from ..personas import Persona
from ..rubrics import Rubric

if TYPE_CHECKING:
    from .team import TeamDashboard

MIN_N = 12  # scenes on each side of a comparison
MIN_GAP = 5.0  # points of competency score
MIN_MISSED_GAP = 0.5  # missed opportunities per scene
MIN_T = 3.0  # the gap against its standard error (Welch): below this it may be chance
MAX_PATTERNS = 6
MISSED = "missed"  # the pseudo-area: missed opportunities per scene (higher is worse)
QUICK_SHARE = 0.25  # rushed scenes, fast replies: the quickest quarter of the period's scenes
FOCUS_CARDS = 3

PATTERN_COLUMNS = ["competency", "area", "kind", "value", "condition", "mean_with", "mean_without",
                   "n_with", "n_without", "gap", "effect", "sentence"]


@dataclass(frozen=True)
class Focus:
    """Next month's focus: the area furthest below its target, why, and what to play."""

    competency: str
    area: str
    average: float
    target: int
    pattern: str | None
    cards: pd.DataFrame = field(default_factory=pd.DataFrame)  # card_id, title, difficulty, persona, weight

    @property
    def gap(self) -> float:
        return self.average - self.target

    def sentence(self) -> str:
        standing = ("the largest gap below target of all the areas" if self.gap < 0
                    else "every area is at target, and this one is the closest to falling below")
        return (f"Make {self.area} the focus next month: the team averages {self.average:.0f} against a "
                f"target of {self.target}, {standing}.")

    def cards_sentence(self) -> str | None:
        if self.cards.empty:
            return None
        titles = [f"“{t}” ({d})" for t, d in zip(self.cards["title"], self.cards["difficulty"], strict=True)]
        return f"Schedule {_join(titles)}: they weight {self.area} the most."


# -- patterns -------------------------------------------------------------------------

def scene_conditions(attempts: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each kind of condition → its value for every scene, in the order of ``attempts``.

    Customer type, difficulty and channel as stored (None where unknown); a rushed scene,
    fast replies and overtime as ``quick:<cut>`` / ``overtime`` against "" for the rest.
    """
    out = {kind: attempts[kind].to_numpy(dtype=object) for kind in ("persona", "difficulty", "channel")}
    for column, kind in (("minutes", "pace"), ("reply_seconds", "replies")):
        if column in attempts:
            values = attempts[column].to_numpy(dtype=float)
            timed = values[~np.isnan(values)]
            if len(timed) >= 2 * MIN_N and np.quantile(timed, QUICK_SHARE) < np.median(timed):
                cut = float(np.quantile(timed, QUICK_SHARE))
                out[kind] = np.where(np.isnan(values), None, np.where(values <= cut, f"quick:{cut:.1f}", ""))
    if "overtime" in attempts:
        out["overtime"] = np.where(attempts["overtime"].fillna(False).astype(bool), "overtime", "")
    return out


def _phrase(kind: str, value: str, personas: Mapping[str, Persona]) -> str:
    if kind == "persona":
        name = personas[value].name if value in personas else value.replace("-", " ")
        article = "an" if name[:1].lower() in "aeiou" else "a"
        return f"when the customer is {article} {name.lower()}"
    if kind == "difficulty":
        return f"on {value} cards"
    if kind == "channel":
        return f"in {value} scenes"
    if not value:
        return ""
    if kind == "pace":
        return f"when the scene is rushed (under {value.split(':')[1]} min)"
    if kind == "replies":
        return f"when the agent replies fast (under {value.split(':')[1]} s on average)"
    return "when the scene runs over time"


def coaching_patterns(attempts: pd.DataFrame, competency: pd.DataFrame, rubric: Rubric,
                      personas: Mapping[str, Persona], *, min_n: int = MIN_N,
                      min_gap: float = MIN_GAP) -> pd.DataFrame:
    """Every large, clear gap in an area's scores (or in missed opportunities) under one
    condition, strongest first (by the gap against the scores' spread)."""
    if attempts.empty:
        return pd.DataFrame(columns=PATTERN_COLUMNS)
    table = _condition_sums(attempts, competency, [a.id for a in rubric.competencies] + [MISSED])
    table = table[table["value"] != ""]
    table["n_without"] = table["N"] - table["n"]
    table = table[(table["n"] >= min_n) & (table["n_without"] >= min_n)].copy()
    if table.empty:
        return pd.DataFrame(columns=PATTERN_COLUMNS)
    table["mean_with"] = table["sum"] / table["n"]
    table["mean_without"] = (table["total"] - table["sum"]) / table["n_without"]
    var_in = (table["sumsq"] - table["n"] * table["mean_with"] ** 2) / (table["n"] - 1)
    var_out = ((table["totalsq"] - table["sumsq"]) - table["n_without"] * table["mean_without"] ** 2) / (
        table["n_without"] - 1)
    table["gap"] = table["mean_with"] - table["mean_without"]
    spread = np.sqrt(var_in.clip(lower=1e-9) / table["n"] + var_out.clip(lower=1e-9) / table["n_without"])
    pooled = np.sqrt(((table["n"] - 1) * var_in.clip(lower=0)
                      + (table["n_without"] - 1) * var_out.clip(lower=0)) / (table["N"] - 2)).clip(lower=1e-9)
    table["effect"] = table["gap"].abs() / pooled
    worse = np.where(table["competency"] == MISSED, table["gap"] >= MIN_MISSED_GAP, table["gap"] <= -min_gap)
    table = table[worse & (table["gap"].abs() / spread >= MIN_T)]
    names = {a.id: a.name for a in rubric.competencies} | {MISSED: "Missed opportunities"}
    table["area"] = table["competency"].map(names)
    table["condition"] = [_phrase(kind, value, personas)
                          for kind, value in zip(table["kind"], table["value"], strict=True)]
    table = table.sort_values(["effect", "n"], ascending=[False, False]).rename(columns={"n": "n_with"})
    table["sentence"] = [_sentence(row) for row in table.itertuples(index=False)]
    return table[PATTERN_COLUMNS].reset_index(drop=True)


def _condition_sums(attempts: pd.DataFrame, competency: pd.DataFrame, areas: list[str]) -> pd.DataFrame:
    """Per area, kind and value of condition: the count, sum and sum of squares of the scores
    under it, and the same over every scene where that kind is known (bincounts, no groupby)."""
    scenes = pd.Index(attempts["scene_id"])
    points = competency[competency["competency"].isin(areas)]
    area = np.concatenate([pd.Index(areas).get_indexer(points["competency"]),
                           np.full(len(attempts), len(areas) - 1)])
    scene = np.concatenate([scenes.get_indexer(points["scene_id"]), np.arange(len(attempts))])
    score = np.concatenate([points["score"].to_numpy(dtype=float), attempts["missed"].to_numpy(dtype=float)])
    inside = scene >= 0
    area, scene, score = area[inside], scene[inside], score[inside]
    parts = []
    for kind, per_scene in scene_conditions(attempts).items():
        codes, values = pd.factorize(per_scene)  # None (unknown) → -1
        value = codes[scene]
        known = value >= 0
        cells = len(areas) * len(values)
        key = area[known] * len(values) + value[known]
        sums = [np.bincount(key, weights=w, minlength=cells) for w in (None, score[known], score[known] ** 2)]
        totals = [np.bincount(area[known], weights=w, minlength=len(areas))
                  for w in (None, score[known], score[known] ** 2)]
        parts.append(pd.DataFrame({
            "competency": np.repeat(areas, len(values)), "kind": kind, "value": np.tile(values.astype(object),
                                                                                         len(areas)),
            "n": sums[0].astype(int), "sum": sums[1], "sumsq": sums[2],
            "N": np.repeat(totals[0].astype(int), len(values)), "total": np.repeat(totals[1], len(values)),
            "totalsq": np.repeat(totals[2], len(values))}))
    return pd.concat(parts, ignore_index=True)


def headline_patterns(patterns: pd.DataFrame, limit: int = MAX_PATTERNS) -> pd.DataFrame:
    """The patterns worth a lead's minute: the strongest of each kind of condition first (so a
    habit such as fast replies is not crowded out by customer types), at most two per area."""
    firsts = patterns.groupby("kind", sort=False).head(1)
    ranked = pd.concat([firsts, patterns.drop(firsts.index)])
    ranked = ranked[ranked.groupby("competency").cumcount() < 2].head(limit)
    return ranked.sort_values(["effect", "n_with"], ascending=[False, False]).reset_index(drop=True)


def _sentence(row: Any) -> str:
    size = "a large gap" if row.effect >= 0.8 else "a clear gap" if row.effect >= 0.5 else "a modest gap"
    if row.competency == MISSED:
        return (f"Agents miss {row.mean_with:.1f} opportunities per scene {row.condition} vs "
                f"{row.mean_without:.1f} otherwise (n={row.n_with} scenes; {size})")
    return (f"{row.area} averages {row.mean_with:.0f} {row.condition} vs {row.mean_without:.0f} otherwise "
            f"(n={row.n_with} scenes; {size} of {abs(row.gap):.0f} points)")


# -- next month's focus --------------------------------------------------------------

def recommended_focus(areas: pd.DataFrame, patterns: pd.DataFrame, usage: pd.DataFrame,
                      library: Library) -> Focus | None:
    """The area with the largest gap below its target, the pattern behind it, and cards for it."""
    scored = areas[areas["scores"] > 0]
    if scored.empty:
        return None
    weakest = scored.sort_values(["gap", "average"]).iloc[0]
    behind = patterns[patterns["competency"] == weakest["competency"]]
    pattern = behind.iloc[0] if len(behind) else None
    return Focus(weakest["competency"], weakest["area"], float(weakest["average"]), int(weakest["target"]),
                 pattern["sentence"] if pattern is not None else None,
                 focus_cards(weakest["competency"], pattern, usage, library))


def focus_cards(competency: str, pattern: Any, usage: pd.DataFrame, library: Library,
                count: int = FOCUS_CARDS) -> pd.DataFrame:
    """Cards that weight the area most; those matching the pattern's condition first,
    then the least played this period."""
    played = usage.set_index("card_id")["scenes"] if len(usage) else pd.Series(dtype=int)
    rows = []
    for card in library.cards.values():
        weight = sum(c.weight for c in card.criteria if c.competency == competency)
        if not weight:
            continue
        matches = pattern is not None and pattern["kind"] in ("persona", "difficulty", "channel") and \
            getattr(card, pattern["kind"]) == pattern["value"]
        customer = library.personas[card.persona].name if card.persona in library.personas else card.persona
        rows.append((card.id, card.title, card.difficulty, card.persona, customer, card.channel, weight,
                     int(played.get(card.id, 0)), bool(matches)))
    table = pd.DataFrame(rows, columns=["card_id", "title", "difficulty", "persona", "customer", "channel",
                                        "weight", "played", "matches"])
    return table.sort_values(["matches", "weight", "played", "card_id"],
                             ascending=[False, False, True, True]).head(count).reset_index(drop=True)


# -- the monthly summary's recommendations ------------------------------------------------

def recommendations(dash: TeamDashboard, limit: int = 5) -> list[str]:
    """Three to five plain sentences for next month, most important first."""
    out: list[str] = []
    focus = dash.focus
    if focus is not None:
        out.append(" ".join(s for s in (focus.sentence(), f"{focus.pattern}." if focus.pattern else None,
                                        focus.cards_sentence()) if s))
    below = dash.areas[(dash.areas["gap"] < 0) & (dash.areas["scores"] > 0)].sort_values("gap")
    if focus is not None:
        below = below[below["competency"] != focus.competency]
    if len(below):
        second = below.iloc[0]
        out.append(f"Keep {second['area']} in view too: {second['average']:.0f} against a target of "
                   f"{second['target']}.")
    out.append(participation_advice(dash))
    ramp = dash.ramp[dash.ramp["short"] > 0] if len(dash.ramp) else dash.ramp
    if len(ramp):
        first = ramp.iloc[0]
        others = len(ramp) - 1
        also = f", and {others} other new hire{'s are' if others > 1 else ' is'} behind too" if others else ""
        out.append(f"{first['name']} is behind on the new-hire path ({first['done']} of the "
                   f"{first['expected']} scenes expected by now){also}: book catch-up scenes in the first "
                   "week.")
    if len(dash.hardest) and dash.hardest.iloc[0]["pass_rate"] < 50:
        card = dash.hardest.iloc[0]
        share = "None" if card["passed"] == 0 else f"Only {card['passed']}"
        out.append(f"{share} of {card['scenes']} attempts passed “{card['title']}”: walk through it as a "
                   "group before assigning it again.")
    certified = dash.headline.set_index("metric").loc["Certifications", "this period"] if len(
        dash.headline) else 0
    if len(out) < 3 and certified:
        out.append(f"{int(certified)} area certification{'s' if certified != 1 else ''} this period: "
                   "move those trainees on to advanced cards.")
    return out[:limit]


def participation_advice(dash: TeamDashboard) -> str:
    people = dash.people
    short = people[people["scenes"] < dash.target].sort_values(["scenes", "name"])
    if short.empty:
        return (f"All {len(people)} trainees reached {dash.target:g} scenes: keep the rhythm and raise the "
                "target if sessions allow.")
    names = _join(list(short["name"].head(3)) + ([f"{len(short) - 3} more"] if len(short) > 3 else []))
    return (f"{len(short)} of {len(people)} trainees played fewer than {dash.target:g} scenes: book "
            f"{names} into sessions first.")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
