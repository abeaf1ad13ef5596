"""The one error tree: drawn in ``facilitation.errors``' docstring, held to the classes here."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import facilitation
import widgets
from facilitation import errors
from facilitation.errors import WorkbenchError

ROOT = Path(__file__).resolve().parents[1]
# Not refusals: a signal turned into an exception to stop the server as Ctrl-C does.
NOT_REFUSALS = {"facilitation.serve.Stopped"}


def _drawn_tree() -> dict[str, str]:
    """Each class in the docstring's drawing mapped to the class it hangs from."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        found = re.match(r"^(\s*[│ ]*)(?:[├└]── )?([A-Z]\w+)\b", line)
        if not found or not (found.group(2) == "WorkbenchError" or "── " in line):
            continue
        depth = found.start(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[found.group(2)] = stack[-1][1]
        stack.append((depth, found.group(2)))
    return parents


def _modules() -> list[object]:
    found = []
    for package in (facilitation, widgets):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            found.append(importlib.import_module(info.name))
    return found


def test_the_drawing_in_errors_is_the_class_tree() -> None:
    classes = {name: cls for name, cls in vars(errors).items()
               if inspect.isclass(cls) and issubclass(cls, WorkbenchError) and cls is not WorkbenchError}
    actual = {name: next(base.__name__ for base in cls.__bases__ if issubclass(base, WorkbenchError))
              for name, cls in classes.items()}
    assert _drawn_tree() == actual


def test_every_exception_the_code_defines_is_in_the_tree() -> None:
    strays = []
    for module in _modules():
        for name, cls in vars(module).items():
            if (inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == module.__name__
                    and not name.startswith("_") and f"{module.__name__}.{name}" not in NOT_REFUSALS
                    and module is not errors):
                strays.append(f"{module.__name__}.{name}")
    assert strays == [], "define refusals in facilitation/errors.py, under WorkbenchError"


def test_no_refusal_is_raised_as_the_bare_root() -> None:
    bare = []
    for path in sorted([*ROOT.glob("facilitation/**/*.py"), *ROOT.glob("widgets/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id == "WorkbenchError"):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bare == [], "raise the subclass that says what went wrong"


def test_refusals_that_were_value_errors_still_are() -> None:
    assert issubclass(errors.NothingToScore, ValueError) and issubclass(errors.UnlabelledFigure, ValueError)
    assert issubclass(errors.NotFound, KeyError) and str(errors.NotFound("no card 'x'")) == "no card 'x'"
