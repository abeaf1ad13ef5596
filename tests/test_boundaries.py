"""The core stays UI-free: importing it loads no widget, notebook or server package."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("ipywidgets", "IPython", "voila", "papermill", "tornado", "anywidget", "ipykernel")


def test_importing_the_core_loads_no_ui_module() -> None:
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import facilitation\n"
        "for m in pkgutil.walk_packages(facilitation.__path__, 'facilitation.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    leaked = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert leaked == []


def test_public_surface_is_pinned() -> None:
    import facilitation

    assert sorted(facilitation.__all__) == sorted([
        "DataInvalid", "DrawnCard", "Library", "NotFound", "Persona", "Problem", "Rubric",
        "ScenarioCard", "WorkbenchError", "__version__", "validate_files",
    ])
