"""Roleplay Workbench: the domain core (no UI imports; see docs and DESIGN)."""

from __future__ import annotations

from .cards import DrawnCard, ScenarioCard
from .errors import DataInvalid, NotFound, Problem, WorkbenchError
from .library import Library, validate_files
from .personas import Persona
from .rubrics import Rubric

__version__ = "0.1.0"

__all__ = [
    "DataInvalid",
    "DrawnCard",
    "Library",
    "NotFound",
    "Persona",
    "Problem",
    "Rubric",
    "ScenarioCard",
    "WorkbenchError",
    "__version__",
    "validate_files",
]
