"""How report notebooks show things: figures, tables and headings that read the same in
JupyterLab, in Voilà and in the offline HTML a coach mails round.

A figure is published twice in one bundle: as plotly JSON (JupyterLab and Voilà draw it
with the bundled jupyterlab-plotly renderer) and as a ``<div>`` plus a ``Plotly.newPlot``
call without plotly.js (the static HTML export adds plotly.js once, in its head). Tables
are escaped HTML: every word a participant typed stays text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..errors import UnlabelledFigure
from . import REFUSED

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
COLOURS = ["#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#dc2626", "#ca8a04", "#4b5563"]
TARGET_COLOUR = "#6b7280"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
_CONFIG = {"displaylogo": False, "responsive": True,
           "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}
_CONFIG_JSON = json.dumps(_CONFIG)


def finish_figure(fig: go.Figure, title: str, x: str | None, y: str | None, *, height: int = 380,
                  legend: str | None = None) -> go.Figure:
    """The house style, and every chart's title and axis titles (with units) set in one place.

    ``x``/``y`` are the axis titles (None only for charts without axes, such as a pie).
    """
    if not title or (fig.layout.xaxis is not None and x == "") or (y == ""):
        raise UnlabelledFigure(f"chart {title!r} needs a title and axis titles with units")
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        template=TEMPLATE, height=height, margin={"l": 60, "r": 20, "t": 56, "b": 50},
        legend={"title": {"text": legend}} if legend else {},
    )
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y)
    return fig


def _house_template() -> go.layout.Template:
    """White, quiet axes, the house font and colours: layout only. plotly's own templates
    carry styles for every trace type, which every figure would then copy and serialise."""
    axis = {"gridcolor": "#e5e7eb", "linecolor": "#d1d5db", "zerolinecolor": "#d1d5db",
            "automargin": True, "title": {"standoff": 12}}
    return go.layout.Template(layout={
        "font": {"family": FONT, "size": 12, "color": "#1f2937"}, "colorway": COLOURS,
        "paper_bgcolor": "white", "plot_bgcolor": "white", "xaxis": axis, "yaxis": axis,
        "polar": {"bgcolor": "white", "angularaxis": {"gridcolor": "#e5e7eb", "linecolor": "#d1d5db"},
                  "radialaxis": {"gridcolor": "#e5e7eb", "linecolor": "#d1d5db"}},
        "hoverlabel": {"font": {"family": FONT}}, "title": {"font": {"size": 16}},
    })


# Built on import: it is the module's constant, and building it loads the plotly classes
# every chart needs, so a preheated Voilà kernel has done that before anyone asks.
TEMPLATE = _house_template()


def figure_bundle(fig: go.Figure) -> dict[str, Any]:
    """The mime bundle ``show_figure`` publishes (also what tests inspect).

    The figure is serialised once, by plotly's own encoder (dates, numpy values). In the
    ``<script>`` every ``<`` is written as ``\\u003c``: a name typed as ``</script>`` stays text.
    """
    spec = json.loads(fig.to_json())
    data, layout = (json.dumps(spec.get(k, d), separators=(",", ":")).replace("<", "\\u003c")
                    for k, d in (("data", []), ("layout", {})))
    div_id = "rp-" + hashlib.sha1((data + layout).encode()).hexdigest()[:12]
    height = fig.layout.height or 380
    div = (f'<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;"></div>'
           f'<script>(function () {{ var d = document.getElementById("{div_id}");'
           f" if (d && window.Plotly) {{ Plotly.newPlot(d, {data}, {layout}, {_CONFIG_JSON}); }} }})();"
           "</script>")
    return {PLOTLY_MIME: {**spec, "config": _CONFIG}, "text/html": div,
            "text/plain": f"<figure: {fig.layout.title.text or 'untitled'}>"}


def show_figure(fig: go.Figure) -> None:
    from IPython.display import display

    display(figure_bundle(fig), raw=True)


def table_html(frame: pd.DataFrame, *, caption: str | None = None, formats: Mapping[str, str] | None = None,
               empty: str = "Nothing to show yet.") -> str:
    """A readable, escaped HTML table; ``formats`` maps a column to a format like ``{:.0f}``."""
    if frame.empty:
        return f'<p class="rp-empty"><em>{html.escape(empty)}</em></p>'
    shown = frame.copy()
    for column, fmt in (formats or {}).items():
        if column in shown:
            shown[column] = shown[column].map(lambda v, fmt=fmt: "–" if pd.isna(v) else fmt.format(v))
    body = shown.to_html(index=False, escape=True, border=0, classes="rp-table", na_rep="–")
    head = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    # pandas writes border="0" before the class in some versions and leaves it out in others
    return TABLE_STYLE + re.sub(r'<table[^>]*class="dataframe rp-table"[^>]*>',
                                lambda _m: f'<table class="rp-table">{head}', body, count=1)


def as_typed(markup: str) -> str:
    """``markup`` in a block the page's MathJax leaves alone: JupyterLab, Voilà and nbconvert's
    HTML typeset ``$…$`` as LaTeX, which turns "$1,500 instead of $750" into italic maths.
    (``mathjax_ignore`` is MathJax 3's class, ``tex2jax_ignore`` MathJax 2's.)"""
    return f'<div class="rp-as-typed mathjax_ignore tex2jax_ignore">{markup}</div>'


def show_table(frame: pd.DataFrame, **kwargs: Any) -> None:
    show_html(table_html(frame, **kwargs))


def show_html(markup: str) -> None:
    """Markup built by this package (callers escape whatever people typed), shown as typed."""
    from IPython.display import HTML, display

    display(HTML(as_typed(markup)))


def show_refusal(message: str) -> None:
    """The report cannot be made (an unknown person or scene, an empty store): one plain line
    for the reader, never a traceback, and a mark `roleplay report` reads to exit non-zero."""
    from IPython.display import display

    line = as_typed(f'<p class="rp-refusal" style="color:#b91c1c;font-weight:600">{html.escape(message)}</p>')
    display({"text/html": line, "text/plain": message}, raw=True, metadata={REFUSED: message})


def heading(text: str, level: int = 2, note: str | None = None) -> None:
    extra = f'<p class="rp-note">{html.escape(note)}</p>' if note else ""
    show_html(f"<h{level}>{html.escape(text)}</h{level}>{extra}")


def tiles_html(tiles: Mapping[str, tuple[str, str | None]]) -> str:
    """Headline figures: label → (value, small print)."""
    cells = "".join(
        f'<div class="rp-tile"><div class="rp-tile-value">{html.escape(value)}</div>'
        f'<div class="rp-tile-label">{html.escape(label)}</div>'
        + (f'<div class="rp-tile-note">{html.escape(note)}</div>' if note else "") + "</div>"
        for label, (value, note) in tiles.items())
    return f'{TABLE_STYLE}<div class="rp-tiles">{cells}</div>'


def show_tiles(tiles: Mapping[str, tuple[str, str | None]]) -> None:
    show_html(tiles_html(tiles))


TABLE_STYLE = """<style>
.rp-table { border-collapse: collapse; margin: 0.5em 0 1.2em; font: 13px/1.4 system-ui, sans-serif; }
.rp-table caption { text-align: left; font-weight: 600; padding-bottom: 0.4em; }
.rp-table th { text-align: left !important; border-bottom: 2px solid #d1d5db; padding: 4px 10px; }
.rp-table td { border-bottom: 1px solid #e5e7eb; padding: 4px 10px; vertical-align: top;
               text-align: left !important; }
.rp-tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 0.5em 0 1em; }
.rp-tile { border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 14px; min-width: 140px; }
.rp-tile-value { font: 600 26px/1.2 system-ui, sans-serif; }
.rp-tile-label { color: #374151; font-size: 13px; }
.rp-tile-note { color: #6b7280; font-size: 12px; }
.rp-note, .rp-empty { color: #4b5563; }
</style>"""
