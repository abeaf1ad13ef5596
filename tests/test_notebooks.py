"""The shipped notebooks run top to bottom in a real kernel, as Voilà runs them: each shows its
page (a widget), never an error, with parameters injected the way papermill injects them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from facilitation.workbench import Workbench

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"


def _run(name: str, parameters: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    injected = nbformat.v4.new_code_cell(parameters)
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, injected)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
                   ).execute()
    return nb


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path_factory.mktemp('nb') / 'room.db'}"
    wb = Workbench.open(db)
    info = wb.create_session("Notebook practice", "fran", ["ana", "ben"])
    wb.create_scene(info.id, "frustrated-billing-customer", seed=2)
    wb.close()
    return db, info.code


@pytest.mark.parametrize("name", ["facilitator", "observer", "customer", "projector"])
def test_each_room_page_renders_its_widget(name: str, session: tuple[str, str]) -> None:
    db, code = session
    outputs = _outputs(_run(name, f"session = {code!r}\ndb = {db!r}"))
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any(WIDGET in o.get("data", {}) for o in outputs)


def test_the_library_notebook_renders(session: tuple[str, str]) -> None:
    db, _ = session
    outputs = _outputs(_run("library", f"db = {db!r}"))
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any(WIDGET in o.get("data", {}) for o in outputs)


def test_a_page_opened_without_a_session_code_says_how_to_open_it(session: tuple[str, str]) -> None:
    db, _ = session
    nb = _run("observer", f"db = {db!r}")
    assert not [o for o in _outputs(nb) if o["output_type"] == "error"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = " ".join(str(m["state"].get("value", "")) for m in state.values())
    assert "This link has no session: ask the facilitator for this page&#x27;s link" in shown
