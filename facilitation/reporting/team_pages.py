"""The sections of the team dashboard and the monthly summary, as the notebooks show them.

Each ``*_parts`` function returns the section as a list of escaped HTML snippets and
plotly figures (so tests read exactly what a coach sees); each ``show_*`` displays one.
Everything a person typed — names, card titles — is escaped here or by ``table_html``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from . import display
from .team import TeamDashboard

Part = str | go.Figure
PAGE_WIDTH = 700  # px: a figure on the printed monthly summary (A4 portrait, 12 mm margins)


def show(parts: Sequence[Part]) -> None:
    """Display a section: markup as HTML, figures through ``display.show_figure``."""
    for part in parts:
        if isinstance(part, go.Figure):
            display.show_figure(part)
        else:
            display.show_html(part)


def heading_html(text: str, level: int = 2, note: str | None = None) -> str:
    extra = f'<p class="rp-note">{html.escape(note)}</p>' if note else ""
    return f"<h{level}>{html.escape(text)}</h{level}>{extra}"


def sentences_html(sentences: Sequence[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return f'<{tag} class="rp-list">{items}</{tag}>'


# -- the team dashboard ---------------------------------------------------------------

def header_parts(dash: TeamDashboard) -> list[Part]:
    """What the page covers, or the one line that says there is nothing to cover."""
    if dash.refused:
        return []  # its one line is on the page already
    if dash.message:
        return [f'<p class="rp-empty"><strong>{html.escape(dash.message)}</strong></p>']
    before = dash.period.previous()
    return [f'<p class="rp-note">{html.escape(dash.scope)} · {html.escape(dash.period.label)} '
            f"({dash.period.days} days), compared with the {dash.period.days} days before "
            f"({html.escape(before.label)}).</p>"]


def tiles(dash: TeamDashboard, metrics: Sequence[str] | None = None) -> dict[str, tuple[str, str | None]]:
    """Headline tiles: this period's value, and the change against the period before."""
    shown = {"Active trainees": ("{:.0f}", ""), "Scenes completed": ("{:.0f}", ""),
             "Training hours (h)": ("{:.1f}", " h"), "Pass rate (%)": ("{:.0f}%", " points"),
             "Average score (0–100)": ("{:.0f}", " points"), "Certifications": ("{:.0f}", "")}
    table = dash.headline.set_index("metric")
    before_scenes = table.loc["Scenes completed", "previous period"]
    out = {}
    for metric in metrics or shown:
        fmt, unit = shown[metric]
        now, change = table.loc[metric, "this period"], table.loc[metric, "change"]
        label = metric.split(" (")[0]
        note = ("none the period before" if not before_scenes or pd.isna(change)
                else f"{change:+.1f}{unit} vs before" if metric == "Training hours (h)"
                else f"{change:+.0f}{unit} vs before")
        out[label] = ("–" if pd.isna(now) else fmt.format(now), note)
    return out


def participation_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    people = dash.people
    reached = int((people["scenes"] >= dash.target).sum())
    note = (f"{reached} of {len(people)} trainees reached the target of {dash.target:g} scenes for these "
            f"{dash.period.days} days ({dash.monthly_target} per 30 days). Training hours count everyone "
            "in a scene: the agent and the observers.")
    shown = people.drop(columns="person").rename(columns={
        "name": "Trainee", "scenes": "Scenes", "previous": "Period before", "target": "Target",
        "of_target": "Of target (%)",
        "observed": "Observed", "hours": "Hours (h)", "average": "Average score",
        "pass_rate": "Pass rate (%)"})
    return [heading_html("Participation", note=note), display.tiles_html(tiles(dash)),
            dash.figures["participation"], dash.figures["weekly"],
            display.table_html(shown, caption="Per trainee", formats={
                "Target": "{:g}", "Of target (%)": "{:.0f}", "Hours (h)": "{:.1f}", "Average score": "{:.0f}",
                "Pass rate (%)": "{:.0f}"})]


def skills_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    note = (f"The team's average of every score in the period against each area's target. Certified: "
            f"trainees whose last {dash.window} scenes in the area average {dash.threshold} or more, "
            f"over all their history to the period's end.")
    shown = dash.areas[["area", "average", "target", "gap", "previous", "change", "first_third", "last_third",
                        "scores", "certified"]].rename(columns={
                            "area": "Area", "average": "Average", "target": "Target", "gap": "vs target",
                            "previous": "Previous period", "change": "Change", "first_third": "First third",
                            "last_third": "Last third", "scores": "Scores",
                            "certified": f"Certified (of {len(dash.people)})"})
    return [heading_html("Skill proficiency by area", note=note), dash.figures["areas"],
            display.table_html(shown, formats={"Average": "{:.0f}", "vs target": "{:+.0f}",
                                               "Previous period": "{:.0f}", "Change": "{:+.1f}",
                                               "First third": "{:.0f}", "Last third": "{:.0f}"})]


def performers_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    from .team import MIN_SCENES, MIN_THIRD

    top = dash.top.drop(columns="person").rename(columns={
        "name": "Trainee", "scenes": "Scenes", "average": "Average score", "pass_rate": "Pass rate (%)"})
    improved = dash.improved.drop(columns="person").rename(columns={
        "name": "Trainee", "first": "First third", "last": "Last third", "change": "Change (points)",
        "scenes": "Scenes"})
    return [heading_html("Top performers and improvement", note=(
                f"Top performers: the highest average score among trainees with at least {MIN_SCENES} "
                f"scenes. Most improved: the last third of the period against the first (at least "
                f"{MIN_THIRD} scenes in each).")),
            display.table_html(top, caption="Top performers", formats={
                "Average score": "{:.0f}", "Pass rate (%)": "{:.0f}"},
                empty=f"Nobody has {MIN_SCENES} scenes in this period yet."),
            display.table_html(improved, caption="Most improved", formats={
                "First third": "{:.0f}", "Last third": "{:.0f}", "Change (points)": "{:+.0f}"},
                empty="Nobody rose from the first third of the period to the last."),
            dash.figures["improvement"] if len(dash.improvement) else
            '<p class="rp-empty"><em>Not enough scenes in both the first and the last third of the period '
            "to track improvement by area.</em></p>"]


def scenarios_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    from .team import MIN_ATTEMPTS

    columns = {"title": "Card", "difficulty": "Difficulty", "customer": "Customer", "scenes": "Scenes",
               "passed": "Passed", "pass_rate": "Pass rate (%)", "average": "Average score"}
    formats = {"Pass rate (%)": "{:.0f}", "Average score": "{:.0f}"}
    parts: list[Part] = [heading_html("Scenarios", note=(
        f"Most used cards, and the hardest to pass among cards attempted at least {MIN_ATTEMPTS} times.")),
        display.table_html(dash.cards.head(10)[list(columns)].rename(columns=columns),
                           caption="Most used cards", formats=formats)]
    if len(dash.hardest):
        parts += [dash.figures["hardest"]]
    else:
        parts.append(f'<p class="rp-empty"><em>No card has {MIN_ATTEMPTS} attempts in this period yet.'
                     "</em></p>")
    return parts


def ramp_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    ramp = dash.ramp
    if ramp.empty:
        return [heading_html("New-hire ramp"),
                '<p class="rp-empty"><em>Nobody is on the new-hire path in this period.</em></p>']
    behind = ramp[ramp["short"] > 0]
    attention = (f"Needs attention: {', '.join(behind['name'])}." if len(behind)
                 else "Every new hire is on track.")
    shown = ramp.assign(started=ramp["started"].map(lambda d: f"{d:%d %b %Y}"))[
        ["name", "started", "week", "done", "expected", "target", "status"]].rename(columns={
            "name": "New hire", "started": "Started", "week": "Week", "done": "Scenes done",
            "expected": "Expected by now", "target": "Path total", "status": "Status"})
    return [heading_html("New-hire ramp", note=(
                f"Everyone on the new-hire path during the period, week by week against the path's "
                f"targets, as of {dash.period.label.split(' – ')[1]}. {attention}")),
            display.table_html(shown), dash.figures["ramp"]]


def coaching_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    parts: list[Part] = [heading_html("Coaching insights", note=(
        "Gaps between scenes with and without a condition (customer type, difficulty, channel, a rushed "
        "scene), largest first; only gaps too large to be chance are shown."))]
    if len(dash.patterns):
        parts.append(sentences_html(list(dash.patterns["sentence"])))
    else:
        parts.append('<p class="rp-empty"><em>No clear pattern in this period: scores hold steady across '
                     "customers, difficulties and channels.</em></p>")
    focus = dash.focus
    if focus is not None:
        lines = [focus.sentence()] + ([f"Behind it: {focus.pattern}."] if focus.pattern else [])
        parts += [heading_html("Recommended focus for next month", level=3), sentences_html(lines)]
        if len(focus.cards):
            cards = focus.cards[["title", "difficulty", "customer", "channel", "weight", "played"]].rename(
                columns={"title": "Card to schedule", "difficulty": "Difficulty", "customer": "Customer",
                         "channel": "Channel", "weight": f"Weight on {focus.area} (%)",
                         "played": "Played this period"})
            parts.append(display.table_html(cards))
    return parts


def show_header(dash: TeamDashboard) -> None:
    show(header_parts(dash))


def show_participation(dash: TeamDashboard) -> None:
    show(participation_parts(dash))


def show_skills(dash: TeamDashboard) -> None:
    show(skills_parts(dash))


def show_performers(dash: TeamDashboard) -> None:
    show(performers_parts(dash))


def show_scenarios(dash: TeamDashboard) -> None:
    show(scenarios_parts(dash))


def show_ramp(dash: TeamDashboard) -> None:
    show(ramp_parts(dash))


def show_coaching(dash: TeamDashboard) -> None:
    show(coaching_parts(dash))


# -- the monthly summary: one printable page -----------------------------------------------

PRINT_STYLE = """<style>
.rp-list { margin: 0.3em 0 0.8em; padding-left: 1.4em; font: 13px/1.45 system-ui, sans-serif; }
.rp-list li { margin-bottom: 0.3em; }
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body.jp-Notebook, .jp-Notebook { max-width: none !important; padding: 0 !important; margin: 0 !important; }
  body { zoom: 0.92; }  /* the page's 700 px figures and tables, with room to spare on A4 */
  .jp-InputPrompt, .jp-OutputPrompt, .modebar-container, .rp-no-print { display: none !important; }
  .jp-Cell, .jp-OutputArea-child, .jp-OutputArea-output { padding: 0 !important; margin: 0 !important; }
  h1 { font-size: 20px !important; margin: 0 0 2px !important; }
  h2 { font-size: 14px !important; margin: 6px 0 2px !important; }
  p.rp-note { margin: 0 0 2px !important; }
  .rp-note, .rp-list, .rp-table { font-size: 11px !important; }
  .rp-tiles { gap: 6px !important; margin: 4px 0 !important; flex-wrap: nowrap !important; }
  .rp-tile { padding: 3px 8px !important; min-width: 0 !important; flex: 1 1 0; }
  .rp-tile-value { font-size: 18px !important; }
  .rp-tile-label, .rp-tile-note { font-size: 10px !important; }
  .rp-table td, .rp-table th { padding: 2px 6px !important; }
  .jp-Cell, .rp-table, .plotly-graph-div, .rp-list { break-inside: avoid; }
}
</style>"""

MONTHLY_TILES = ("Active trainees", "Scenes completed", "Training hours (h)", "Pass rate (%)",
                 "Certifications")


def _compact(fig: go.Figure, height: int, y: str | None = None) -> go.Figure:
    """A copy of a dashboard figure sized for the printed page (``y``: a shorter axis title)."""
    copy = go.Figure(fig)
    if y:
        copy.update_yaxes(title_text=y)
    copy.update_layout(width=PAGE_WIDTH, height=height, margin={"t": 62, "b": 44},
                       title={"font": {"size": 13}}, font={"size": 11})
    return copy


def summary_header_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return [PRINT_STYLE, *header_parts(dash)]
    return [PRINT_STYLE, f'<p class="rp-note">{html.escape(dash.scope)} · '
            f"{html.escape(dash.period.label)} · changes against the {dash.period.days} days before</p>",
            display.tiles_html(tiles(dash, MONTHLY_TILES))]


def summary_participation_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    from .insights import participation_advice

    people = dash.people
    hours = dash.headline.set_index("metric").loc["Training hours (h)", "this period"]
    line = (f"{int((people['scenes'] > 0).sum())} of {len(people)} trainees played at least one scene, "
            f"{hours:.0f} training hours in all. " + participation_advice(dash))
    return [heading_html("Participation"), f'<p class="rp-note">{html.escape(line)}</p>',
            _compact(dash.figures["weekly"], 190, y="Scenes (count)")]


def summary_skills_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    areas = dash.areas.dropna(subset=["change"])
    line = ""
    if len(areas):
        up, down = areas.loc[areas["change"].idxmax()], areas.loc[areas["change"].idxmin()]
        line = (f"Biggest rise: {up['area']} ({up['change']:+.1f}); biggest fall: {down['area']} "
                f"({down['change']:+.1f}) against the previous period. "
                f"{int(dash.areas['certified'].sum())} area certifications held in all.")
    note = [f'<p class="rp-note">{html.escape(line)}</p>'] if line else []
    return [heading_html("Skill development"), *note, _compact(dash.figures["areas"], 250)]


def summary_ramp_parts(dash: TeamDashboard, rows: int = 5) -> list[Part]:
    if dash.message:
        return []
    ramp = dash.ramp
    if ramp.empty:
        return [heading_html("New-hire ramp"),
                '<p class="rp-empty"><em>Nobody is on the new-hire path in this period.</em></p>']
    shown = ramp.head(rows)[["name", "week", "done", "expected", "status"]].rename(columns={
        "name": "New hire", "week": "Week", "done": "Scenes done", "expected": "Expected by now",
        "status": "Status"})
    more = len(ramp) - rows
    on_track = int((ramp["short"] == 0).sum())
    note = f"{on_track} of {len(ramp)} new hires on track" + (f"; {more} more not shown." if more > 0
                                                               else ".")
    return [heading_html("New-hire ramp", note=note), display.table_html(shown)]


def summary_recommendations_parts(dash: TeamDashboard) -> list[Part]:
    if dash.message:
        return []
    return [heading_html("Recommendations for next month"),
            sentences_html(dash.recommendations, ordered=True)]


def show_summary_header(dash: TeamDashboard) -> None:
    show(summary_header_parts(dash))


def show_summary_participation(dash: TeamDashboard) -> None:
    show(summary_participation_parts(dash))


def show_summary_skills(dash: TeamDashboard) -> None:
    show(summary_skills_parts(dash))


def show_summary_ramp(dash: TeamDashboard) -> None:
    show(summary_ramp_parts(dash))


def show_summary_recommendations(dash: TeamDashboard) -> None:
    show(summary_recommendations_parts(dash))
