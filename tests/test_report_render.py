"""`roleplay report`: what a coach gets on disk, and what it looks like opened offline.

The HTML is opened in headless Chromium with every network request refused: each chart
must draw (plotly.js inlined once, nothing fetched) with its title and axis titles.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from sqlalchemy import create_engine, text

from tests.browser import chromium_path, need_browser
from tests.conftest import roleplay

FIGURE_DIV = 'class="plotly-graph-div"'
PLOTLY_LIBRARY = re.compile(r"\* plotly\.js v\d")


def _report(out: Path, name: str, *args: str) -> tuple[Path, str]:
    result = roleplay("report", name, "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    page = out / f"{name}.html"
    return page, page.read_text(encoding="utf-8")


def test_a_report_is_one_offline_html_file_with_code_hidden_and_plotly_once(demo_db: str, tmp_path: Path
                                                                             ) -> None:
    _, text = _report(tmp_path, "team_dashboard", "--db", demo_db)
    assert len(PLOTLY_LIBRARY.findall(text)) == 1
    assert text.count(FIGURE_DIV) >= 4
    assert not re.findall(r"""<(?:script|link)[^>]+(?:src|href)=["']?https?://""", text)  # no CDN
    assert "report_parameters(" not in text and "query_params" not in text  # the code is hidden
    assert (tmp_path / "team_dashboard.ipynb").exists()


def test_every_html_output_of_every_report_is_kept_from_mathjax(demo_db: str, tmp_path: Path) -> None:
    """JupyterLab, Voilà and nbconvert's HTML typeset "$…$" as LaTeX: money would turn to maths."""
    for name in ("team_dashboard", "session_debrief"):
        _report(tmp_path, name, "--db", demo_db)
        nb = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        shown = [o["data"]["text/html"] for o in outputs
                 if "text/html" in o.get("data", {}) and "plotly-graph-div" not in o["data"]["text/html"]]
        assert shown and all('class="rp-as-typed mathjax_ignore tex2jax_ignore"' in h for h in shown), name


def test_parameters_reach_the_notebook_the_way_papermill_injects_them(demo_db: str, tmp_path: Path) -> None:
    _report(tmp_path, "team_dashboard", "--db", demo_db, "-p", "monthly_target", "20")
    nb = nbformat.read(tmp_path / "team_dashboard.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "monthly_target = 20" in injected[0].source
    assert nb.metadata["papermill"]["parameters"]["monthly_target"] == 20


def test_a_wrong_parameter_is_refused_before_anything_runs(tmp_path: Path) -> None:
    result = roleplay("report", "team_dashboard", "-p", "persn", "ana", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "team_dashboard has no parameter 'persn'; it takes" in result.stderr
    result = roleplay("report", "team_dashboard", "-p", "monthly_target", "lots", "--out", str(tmp_path))
    assert "parameter monthly_target: 'lots' is not a whole number" in result.stderr
    result = roleplay("report", "weekly_gossip", "--out", str(tmp_path))
    assert "no report 'weekly_gossip'; there are agent_progress, calibration" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_report_with_nothing_to_show_says_why_in_one_line_and_exits_1(demo_db: str, tmp_path: Path) -> None:
    result = roleplay("report", "agent_progress", "-p", "person", "nobody", "--db", demo_db,
                      "--out", str(tmp_path))
    assert result.returncode == 1
    assert "agent_progress: no person 'nobody'" in result.stderr
    page = (tmp_path / "agent_progress.html").read_text(encoding="utf-8")
    assert "no person 'nobody'" in page and "Traceback" not in page


def test_each_person_renders_one_report_per_trainee_in_parallel(demo_db: str, tmp_path: Path) -> None:
    result = roleplay("report", "agent_progress", "--each", "person", "--workers", "2", "--db", demo_db,
                      "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = sorted((tmp_path / "agent_progress").glob("*.html"))
    engine = create_engine(demo_db)
    with engine.connect() as conn:
        trainees = {r[0] for r in conn.execute(text("SELECT DISTINCT person_id FROM scores"))}
    engine.dispose()
    assert {p.stem for p in pages} == trainees
    assert f"{len(pages)}/{len(pages)}" in result.stderr  # the progress bar reached the end
    name = pages[0].stem
    assert name in pages[0].read_text(encoding="utf-8")


def test_each_refuses_a_report_without_that_parameter(demo_db: str, tmp_path: Path) -> None:
    result = roleplay("report", "team_dashboard", "--each", "person", "--db", demo_db, "--out", str(tmp_path))
    assert result.returncode == 1
    assert "report team_dashboard does not take a person: --each person fits agent_progress" in result.stderr


@pytest.mark.parametrize("name", ["session_debrief", "agent_progress", "team_dashboard", "monthly_summary",
                                  "calibration"])
def test_every_chart_draws_offline_with_its_title_and_axis_titles(name: str, demo_db: str, tmp_path: Path
                                                                   ) -> None:
    need_browser()
    chromium = chromium_path()
    page_path, text = _report(tmp_path, name, "--db", demo_db)
    expected = text.count(FIGURE_DIV)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        fetched: list[str] = []
        page.route(re.compile(r"^https?://"),
                   lambda route: (fetched.append(route.request.url), route.abort()))
        page.goto(page_path.as_uri())
        drawn = ("[...document.querySelectorAll('.plotly-graph-div')]"
                 f".filter(d => d.querySelector('.main-svg')).length >= {expected}")
        page.wait_for_function(drawn, timeout=30_000)
        charts = page.evaluate("""() => [...document.querySelectorAll('.plotly-graph-div')].map(d => ({
            title: d.querySelector('.gtitle')?.textContent || '',
            x: [...d.querySelectorAll('text[class^="x"][class$="title"]')].map(e => e.textContent),
            y: [...d.querySelectorAll('text[class^="y"][class$="title"]')].map(e => e.textContent),
            polar: !!d.querySelector('.polarlayer .angularaxis'),
        }))""")
        Path("test-artifacts").mkdir(exist_ok=True)
        page.screenshot(path=f"test-artifacts/report-{name}.png", full_page=True)
        browser.close()
    assert not fetched, fetched
    assert len(charts) == expected
    for chart in charts:
        assert chart["title"].strip(), chart
        if not chart["polar"]:
            assert all(t.strip() for t in chart["x"] + chart["y"]) and chart["x"] and chart["y"], chart


def test_only_a_shipped_report_name_is_rendered_never_a_path(tmp_path: Path) -> None:
    """`roleplay report ../../x/evil` ran any notebook and wrote outside --out."""
    marker = tmp_path / "ran"
    evil = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w')")])
    evil.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(evil, tmp_path / "evil.ipynb")
    reports = Path(__file__).resolve().parents[1] / "reports"
    relative = Path(*[".."] * len(reports.parts[1:]), *tmp_path.parts[1:], "evil")

    proc = roleplay("report", str(relative), "--out", str(tmp_path / "out"))

    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"roleplay: error: no report {str(relative)!r}; there are agent_progress, ")
    assert not marker.exists() and not (tmp_path / "out").exists()
