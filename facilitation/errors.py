"""The workbench's exceptions: one tree, every refusal a subclass of ``WorkbenchError``.

    WorkbenchError
    ├── DataInvalid          a card, rubric or persona file failed validation
    │                        (carries every Problem found, each naming file, line and field)
    ├── CardExists           a draft would replace a card already in the library
    ├── NotFound (KeyError)  a name or id that the library, the store or the machine lacks
    │   └── UnknownEngine    no customer engine is installed under this name
    ├── InvalidInput         a request refused before anything was stored
    │   └── NothingToScore   the agent has not spoken yet (also a ValueError)
    ├── PhaseConflict        a transition the scene's current phase does not allow
    ├── StoreError           the store cannot be opened or used
    ├── EngineUnavailable    a customer engine that cannot play here (a package missing)
    │   └── SettingsInvalid  the LLM customer's settings cannot be used (no model, bad TOML)
    ├── LLMFailure           the model gave no usable reply
    │   └── OutOfCharacter   the guard refused the reply
    ├── BadParameter         a report parameter or command option that cannot be read
    ├── PageRefused          a report page this viewer may not see
    ├── AccessDenied         a room page the viewer lacks the link or key for
    └── UnlabelledFigure     a chart without a title or axis titles (also a ValueError)

Front ends translate them at their boundary: the CLI prints the message and exits
non-zero; a widget shows it and keeps the session alive. A test holds this drawing to
the classes.
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


class UnknownEngine(NotFound):
    """No customer engine is installed under this name."""


class CardExists(WorkbenchError):
    """A draft would replace a card that is already in the library or the folder."""


class InvalidInput(WorkbenchError):
    """A request the workbench refuses; nothing was stored."""


class NothingToScore(InvalidInput, ValueError):
    """The agent has not spoken yet."""


class PhaseConflict(WorkbenchError):
    """A transition that the scene's current phase does not allow."""


class StoreError(WorkbenchError):
    """The store cannot be opened or used (bad URL, newer schema, server down)."""


class EngineUnavailable(WorkbenchError):
    """A customer engine that cannot play on this machine as it is set up."""


class SettingsInvalid(EngineUnavailable):
    """The LLM customer's settings cannot be used; the message names the setting and its source."""


class LLMFailure(WorkbenchError):
    """The model did not give a usable reply; the message says why, in the room's words."""


class OutOfCharacter(LLMFailure):
    """The guard refused the reply: nothing of it may stay in front of the room."""


class BadParameter(WorkbenchError):
    """A report parameter or command option that cannot be read (a wrong date, a number that is
    not one, a file where a folder belongs)."""


class PageRefused(WorkbenchError):
    """The page may not be shown to this viewer, or its URL holds a value that cannot be read."""


class AccessDenied(WorkbenchError):
    """The page needs something the viewer does not hold (a session code, the facilitator's key)."""


class UnlabelledFigure(WorkbenchError, ValueError):
    """A chart without a title or axis titles: a reader cannot tell what it shows."""
