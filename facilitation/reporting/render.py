"""`roleplay report`: execute a report notebook with parameters and write it as offline HTML.

One report: a kernel starts while the HTML exporter loads, the notebook is parameterised
the way papermill does it (an ``injected-parameters`` cell after the ``parameters`` cell)
and executed, and the result is written as ``.ipynb`` and as one self-contained ``.html``
file (code hidden, plotly.js inlined once, no CDN). A batch (``--each person``) runs the
reports in a few worker processes, each keeping one kernel for all its reports.
"""

from __future__ import annotations

import argparse
import ast
import html
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from .. import __version__
from ..errors import BadParameter, NotFound
from ..library import shipped_dir
from . import REFUSED
from .params import coerce

TEMPLATES = Path(__file__).resolve().parent / "templates"
# What ``--each`` renders: the parameter it sets, and the reports that take it.
EACH = {"person": "person", "scene": "scene", "session": "session"}


def reports_dir() -> Path:
    return shipped_dir("reports")


def report_names() -> list[str]:
    """The shipped reports (``_``-prefixed notebooks are shared parts, not reports)."""
    return sorted(p.stem for p in reports_dir().glob("*.ipynb") if not p.name.startswith("_"))


def report_path(name: str) -> Path:
    """A shipped report by name only: a path (``../../x/evil``) would run any notebook and
    write outside --out."""
    stem = name.removesuffix(".ipynb")
    if stem not in report_names():
        raise NotFound(f"no report {name!r}; there are {', '.join(report_names())}")
    return reports_dir() / f"{stem}.ipynb"


def declared_parameters(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The names and default values the notebook's ``parameters`` cell assigns."""
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return {}
    out: dict[str, Any] = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                out[node.targets[0].id] = None
    return out


def typed_parameters(name: str, nb: nbformat.NotebookNode, given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` (text from a command line) read as the types of the notebook's defaults."""
    declared = declared_parameters(nb)
    unknown = [key for key in given if key not in declared]
    if unknown:
        raise BadParameter(f"report {name} has no parameter {unknown[0]!r}; it takes "
                           f"{', '.join(declared) or 'none'}")
    return {key: coerce(key, value, declared[key]) for key, value in given.items()}


# -- one report ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportJob:
    name: str
    parameters: dict[str, Any]
    stem: Path  # the output path without its suffix
    formats: tuple[str, ...] = ("ipynb", "html")


@dataclass(frozen=True)
class Rendered:
    job: ReportJob
    paths: list[Path]
    seconds: float
    error: str | None = None


@cache
def _plotly_js() -> str:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


@cache
def html_exporter() -> Any:
    """nbconvert's lab template without CDN scripts, code hidden (built once per process)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = exporter.exclude_output_prompt = True
    _plotly_js()
    return exporter


def warm_exporter() -> None:
    """Load nbconvert and compile the template on an empty notebook (done while a kernel starts)."""
    to_html(nbformat.v4.new_notebook(), "", "")


def to_html(nb: nbformat.NotebookNode, title: str, note: str) -> str:
    """The executed notebook as one offline HTML page; an error shows as one plain line."""
    shown = nbformat.from_dict(nb)
    shown.metadata["title"] = title
    for cell in shown.cells:
        if cell.cell_type == "code":
            cell.outputs = [_readable(o) for o in cell.outputs]
    body, _ = html_exporter().from_notebook_node(
        shown, resources={"plotly_js": _plotly_js(), "generated_note": note})
    return body


def _readable(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    if output.output_type != "error":
        return output
    message = html.escape(f"{output.evalue}" if output.ename.endswith(("NotFound", "BadParameter",
                                                                          "InvalidInput", "Error"))
                          and output.evalue else output.ename)
    return nbformat.v4.new_output("display_data", data={
        "text/html": f'<p style="color:#b91c1c;font-weight:600">This report could not be completed: '
                     f"{message}</p>"})


def parameterised(name: str, parameters: Mapping[str, Any]) -> nbformat.NotebookNode:
    """The report with an ``injected-parameters`` cell after its ``parameters`` cell, as
    papermill writes it (papermill itself takes a fifth of a second to import)."""
    nb = nbformat.read(report_path(name), as_version=4)
    params = typed_parameters(name, nb, parameters)
    at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
    if params:
        lines = "".join(f"{key} = {value!r}\n" for key, value in params.items())
        cell = nbformat.v4.new_code_cell("# Parameters\n" + lines)
        cell.metadata["tags"] = ["injected-parameters"]
        nb.cells.insert(at + 1, cell)
    nb.metadata["papermill"] = {"parameters": params, "input_path": str(report_path(name))}
    return nb


def run_job(job: ReportJob, kernel: Any, exporter_ready: Callable[[], None] | None = None) -> Rendered:
    """Execute one report in ``kernel`` and write its files; a failed cell still writes them.

    ``exporter_ready`` waits for an exporter being loaded in the background."""
    from nbclient.exceptions import CellExecutionError

    started = time.perf_counter()
    nb = parameterised(job.name, job.parameters)
    error = None
    try:
        kernel.execute(nb)
    except CellExecutionError as exc:
        error = _last_line(str(exc))
    error = error or _refusal(nb)
    if exporter_ready:
        exporter_ready()
    job.stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    if "ipynb" in job.formats:
        paths.append(job.stem.with_suffix(".ipynb"))
        nbformat.write(nb, paths[-1])
    if "html" in job.formats:
        paths.append(job.stem.with_suffix(".html"))
        settings = ", ".join(f"{k}={v}" for k, v in job.parameters.items() if k != "db") or "defaults"
        note = (f"Roleplay Workbench {__version__} · {job.name} ({settings}) · rendered "
                f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
        paths[-1].write_text(to_html(nb, _title(job), note), encoding="utf-8")
    return Rendered(job, paths, time.perf_counter() - started, error)


def _refusal(nb: nbformat.NotebookNode) -> str | None:
    """The reason a report gave for having nothing to show (see ``display.show_refusal``)."""
    return next((o.metadata[REFUSED] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                 if REFUSED in o.get("metadata", {})), None)


def _title(job: ReportJob) -> str:
    subject = next((str(job.parameters[k]) for k in ("person", "scene", "session", "team")
                    if job.parameters.get(k)), "")
    return f"{job.name.replace('_', ' ').capitalize()}{' – ' + subject if subject else ''}"


def _last_line(message: str) -> str:
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in message.splitlines()]
    return next((line for line in reversed(lines) if line), "a cell failed")


def render_one(job: ReportJob) -> Rendered:
    """One report in a kernel of its own. The exporter loads in a thread while the kernel
    starts and runs the notebook: the parent would otherwise sit waiting for messages."""
    from .kernel import ReportKernel

    with ReportKernel(env=_kernel_env(job)) as kernel:
        kernel.start()
        warming = threading.Thread(target=warm_exporter, name="warm-exporter")
        warming.start()
        kernel.ready(warm_up=False)
        return run_job(job, kernel, warming.join)


def _kernel_env(job: ReportJob) -> dict[str, str]:
    env = dict(os.environ)
    if job.parameters.get("db"):
        env["ROLEPLAY_DB"] = str(job.parameters["db"])
    return env


# -- many reports ------------------------------------------------------------------------

_worker_kernel: Any = None


def _start_worker() -> None:
    from multiprocessing.util import Finalize

    from .kernel import ReportKernel

    global _worker_kernel
    _worker_kernel = ReportKernel()
    _worker_kernel.start()
    warm_exporter()
    _worker_kernel.ready()
    Finalize(None, _worker_kernel.shutdown, exitpriority=10)


def _worker_run(job: ReportJob) -> Rendered:
    return run_job(job, _worker_kernel)


def render_many(jobs: Sequence[ReportJob], workers: int | None = None,
                on_done: Callable[[Rendered], None] | None = None) -> list[Rendered]:
    """Render ``jobs`` in ``workers`` processes, each with one long-lived kernel."""
    import multiprocessing

    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        for future in as_completed([pool.submit(_worker_run, job) for job in jobs]):
            results.append(future.result())
            if on_done:
                on_done(results[-1])
    return results


def batch_jobs(name: str, nb: nbformat.NotebookNode, each: str, parameters: Mapping[str, Any], out: Path,
               formats: tuple[str, ...], db: str | None) -> list[ReportJob]:
    """One job per person, scene or session with a scored scene in the store."""
    key = EACH[each]
    if key not in declared_parameters(nb):
        fits = [n for n in report_names()
                if key in declared_parameters(nbformat.read(report_path(n), as_version=4))]
        raise BadParameter(f"report {name} does not take a {key}: --each {each} fits {', '.join(fits)}")
    return [ReportJob(name, {**parameters, key: value}, out / name / _safe(label), formats)
            for value, label in subjects(each, db)]


def subjects(each: str, db: str | None) -> list[tuple[str, str]]:
    """(parameter value, file name) for everyone or everything that has a scored scene."""
    from sqlalchemy import select

    from ..store import Database, upgraded
    from ..store.queries import counted
    from ..store.schema import scenes, scores, sessions

    database = upgraded(Database(db))
    try:
        with database.read() as conn:
            training = counted(scores.c.scene_id)
            if each == "person":
                rows = conn.execute(select(scores.c.person_id)
                                    .where(scores.c.person_id.is_not(None), training)
                                    .distinct().order_by(scores.c.person_id))
                return [(r[0], r[0]) for r in rows]
            if each == "scene":
                rows = conn.execute(select(scores.c.scene_id).where(training).distinct()
                                    .order_by(scores.c.scene_id))
                return [(r[0], r[0]) for r in rows]
            rows = conn.execute(select(sessions.c.id, sessions.c.code).where(sessions.c.id.in_(
                select(scenes.c.session_id).join(scores, scores.c.scene_id == scenes.c.id).where(training)))
                .order_by(sessions.c.created_at))
            return [(r.id, r.code) for r in rows]
    finally:
        database.close()


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-") or "report"


# -- the command line ------------------------------------------------------------------

def render_cli(args: argparse.Namespace) -> int:
    name = args.name.removesuffix(".ipynb")
    nb = nbformat.read(report_path(name), as_version=4)  # an unknown name fails here
    parameters: dict[str, Any] = dict(args.parameter)
    if args.db:
        parameters["db"] = args.db
    typed_parameters(name, nb, parameters)  # a wrong parameter fails before any kernel starts
    formats = ("ipynb",) if args.format == "ipynb" else ("ipynb", "html")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BadParameter(f"--out {out} is a file; give the folder the reports go in")
    if not args.each:
        return _print_results([render_one(ReportJob(name, parameters, out / name, formats))])
    jobs = batch_jobs(name, nb, args.each, parameters, out, formats, args.db)
    if not jobs:
        raise NotFound(f"nothing to render: no {args.each} has a scored scene in the store")
    results = _with_progress(jobs, args.workers)
    return _print_results(results)


def _with_progress(jobs: Sequence[ReportJob], workers: int | None) -> list[Rendered]:
    from tqdm import tqdm

    with tqdm(total=len(jobs), unit="report", file=sys.stderr, desc=jobs[0].name) as bar:
        return render_many(jobs, workers, on_done=lambda _r: bar.update())


def _print_results(results: Iterable[Rendered]) -> int:
    results = list(results)
    failed = [r for r in results if r.error]
    for r in sorted(failed, key=lambda r: str(r.job.stem)):
        print(f"roleplay: error: {r.job.stem.name}: {r.error} (see {r.paths[0]})", file=sys.stderr)
    shown = results if len(results) <= 3 else []
    for r in shown:
        print(f"{r.paths[-1]}  ({r.seconds:.1f} s)")
    if len(results) > 3:
        folder = results[0].paths[-1].parent
        print(f"{len(results) - len(failed)} of {len(results)} reports written to {folder}")
    return 1 if failed else 0
