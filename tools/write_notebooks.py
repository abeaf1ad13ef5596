"""Write the room's thin notebooks (facilitator, observer, customer, projector) from one table.

    python tools/write_notebooks.py

Each notebook is a title, a parameters cell (papermill/Voilà) and one call into ``widgets.apps``;
keeping them generated keeps them thin and alike.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PAGES = {
    "facilitator": ("Facilitator", "Run a session: pick a card and a customer, drive the timed loop, nudge, "
                    "rewind, debrief. Open with `?session=CODE` (plus the key on a shared network).",
                    "session = None  # the session's code; the URL's ?session= wins\ndb = None",
                    "from widgets.apps import facilitator_app\n\nfacilitator_app(session, db)"),
    "observer": ("Observer", "Tick, quote and time what you see. Open with `?session=CODE&name=YOURNAME`.",
                 "session = None\nobserver = None\ndb = None",
                 "from widgets.apps import observer_app\n\nobserver_app(session, observer, db)"),
    "customer": ("Customer", "Play the customer from the card's customer lens. "
                 "Open with `?session=CODE&name=YOURNAME`.",
                 "session = None\nperson = None\ndb = None",
                 "from widgets.apps import customer_app\n\ncustomer_app(session, person, db)"),
    "projector": ("Projector", "The room's screen: the clock, the phase and the card's brief. "
                  "Open with `?session=CODE`.",
                  "session = None\ndb = None",
                  "from widgets.apps import projector_app\n\nprojector_app(session, db)"),
}


def notebook(title: str, about: str, parameters: str, call: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    intro = nbformat.v4.new_markdown_cell(f"# {title}\n\n{about}")
    nb.cells = [intro, params, nbformat.v4.new_code_cell(call)]
    for i, cell in enumerate(nb.cells):
        cell.id = f"{title.lower()}-{i}"
    return nb


def main() -> None:
    for name, page in PAGES.items():
        nbformat.write(notebook(*page), NOTEBOOKS / f"{name}.ipynb")


if __name__ == "__main__":
    main()
