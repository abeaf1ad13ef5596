"""The workbench's exceptions, rooted in one class.

    WorkbenchError
    └── DataInvalid          a card, rubric or persona file failed validation
        (carries every Problem found, each naming file, line and field)
    └── NotFound             an id that the library does not hold

Front ends translate them at their boundary: the CLI prints the message and exits
non-zero; a widget shows it and keeps the session alive.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WorkbenchError(Exception):
    """Root of every error the workbench raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a data file, located for a human."""

    path: Path | str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class DataInvalid(WorkbenchError):
    """A data file was refused; ``problems`` lists every reason, each with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotFound(WorkbenchError, KeyError):
    """An id that is not in the library."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"
