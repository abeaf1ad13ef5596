"""Randomised card variables: drawn once per attempt from a seed.

A card writes ``{customer_name}`` or ``{actual_charge}`` in its text and declares how
each is drawn, so two attempts at the same card meet different names, amounts and
dates and memorising a card does not pay. Drawing is deterministic for a seed (and a
reference date, for date variables), so a scene can be replayed.

Kinds (exactly one per variable):

    choice:   [Maria Lopez, Dana Whitfield]     one of the listed values
    between:  [8, 15]   (optional step: 5)      a whole number in the range, inclusive
    days_ago: [20, 40]  / days_ahead: [1, 3]    a date relative to the reference date
    formula:  "seats * seat_price"              arithmetic over variables declared above

``default`` is the value the card was written with (shown when no seed is given);
``format`` renders the value: ``money`` ($1,400 / $12.50; ``currency: "€"``, ``cents: true``
for €513.00), ``number`` (1,400),
``date`` (a strftime pattern in ``date_format``, default "%B %-d") or ``text``.
"""

from __future__ import annotations

import ast
import operator
import random
import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Literal

from pydantic import model_validator

from .datafile import Model
from .yamlsource import Path_

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Value = int | float | str


class Variable(Model):
    choice: list[Value] | None = None
    between: tuple[int, int] | None = None
    step: int = 1
    days_ago: tuple[int, int] | None = None
    days_ahead: tuple[int, int] | None = None
    formula: str | None = None
    default: Value | None = None
    format: Literal["text", "number", "money", "date"] | None = None
    currency: str = "$"
    cents: bool = False
    date_format: str = "%B %-d"

    @model_validator(mode="after")
    def _one_kind(self) -> Variable:
        kinds = [k for k in ("choice", "between", "days_ago", "days_ahead", "formula")
                 if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "give exactly one of choice, between, days_ago, days_ahead, formula"
                + (f" (found {', '.join(kinds)})" if kinds else "")
            )
        for rng in (self.between, self.days_ago, self.days_ahead):
            if rng is not None and rng[0] > rng[1]:
                raise ValueError(f"range {list(rng)} runs backwards")
        if self.choice is not None and not self.choice:
            raise ValueError("choice needs at least one value")
        if self.step < 1:
            raise ValueError("step must be 1 or more")
        if self.default is not None:
            self._check_default(self.default)
        return self

    def _check_default(self, default: Value) -> None:
        if self.formula is not None:
            raise ValueError("a formula has no default: it is computed from the others")
        if self.choice is not None and default not in self.choice:
            raise ValueError(f"default {default!r} is not one of the choices")
        rng = self.between or self.days_ago or self.days_ahead
        if rng is not None and not (isinstance(default, int) and rng[0] <= default <= rng[1]):
            raise ValueError(f"default {default!r} is outside {list(rng)}")

    @property
    def is_date(self) -> bool:
        return self.days_ago is not None or self.days_ahead is not None

    @property
    def is_number(self) -> bool:
        if self.choice is not None:
            return all(isinstance(v, (int, float)) for v in self.choice)
        return self.between is not None or self.formula is not None

    def draw(self, rng: random.Random | None, today: date, known: Mapping[str, Value]) -> Value:
        """One value; with no ``rng``, the value the card was written with."""
        if self.formula is not None:
            return evaluate(self.formula, known)
        if self.choice is not None:
            if rng is None:
                return self.choice[0] if self.default is None else self.default
            return rng.choice(self.choice)
        low, high = self.between or self.days_ago or self.days_ahead  # type: ignore[misc]
        if rng is None:
            n = low if self.default is None else int(self.default)
        else:
            n = rng.randrange(low, high + 1, self.step)
        if self.between is not None:
            return n
        return (today + timedelta(days=-n if self.days_ago else n)).isoformat()

    def render(self, value: Value) -> str:
        fmt = self.format or ("date" if self.is_date else "text")
        if fmt == "date":
            return date.fromisoformat(str(value)).strftime(self.date_format)
        if fmt == "money":
            amount = float(value)
            whole = amount == int(amount) and not self.cents
            return f"{self.currency}{amount:,.0f}" if whole else f"{self.currency}{amount:,.2f}"
        if fmt == "number":
            return f"{value:,}" if isinstance(value, int) else f"{float(value):,.2f}"
        if isinstance(value, float) and value == int(value):
            value = int(value)
        return str(value)


def draw_values(
    variables: Mapping[str, Variable], seed: int | None, today: date | None = None
) -> dict[str, str]:
    """Draw every variable in declaration order and return them rendered as text.

    ``seed=None`` gives the card as written: each variable's ``default`` (else its first
    choice, or the low end of its range)."""
    rng = None if seed is None else random.Random(seed)
    today = today or date.today()
    raw: dict[str, Value] = {}
    rendered: dict[str, str] = {}
    for name, spec in variables.items():
        raw[name] = spec.draw(rng, today, raw)
        rendered[name] = spec.render(raw[name])
    return rendered


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each ``{name}`` in ``text``; unknown names are left as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def check_variables(variables: Mapping[str, Variable], at: Path_) -> Iterator[tuple[Path_, str]]:
    """Formulas may use only numbers, + - * / // % ( ) round(), and variables declared above."""
    declared: list[str] = []
    for name, spec in variables.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            yield (*at, name), "variable names are letters, digits and underscores"
        if spec.formula is not None:
            try:
                names = formula_names(spec.formula)
            except ValueError as exc:
                yield (*at, name, "formula"), str(exc)
            else:
                for used in sorted(names):
                    if used not in declared:
                        yield (*at, name, "formula"), f"uses {used!r}, which is not declared above it"
                    elif not variables[used].is_number:
                        yield (*at, name, "formula"), f"uses {used!r}, which is not a number"
        declared.append(name)


# -- a tiny, safe arithmetic evaluator ------------------------------------------------

_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}


def _parse(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula, mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"cannot read formula {formula!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        allowed = (ast.BinOp, ast.UnaryOp, ast.USub, ast.Constant, ast.Name, ast.Load,
                   ast.Call, *_BINARY)
        if not isinstance(node, allowed):
            raise ValueError(f"formula {formula!r} may use only numbers, variables and + - * / // %")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id == "round"
        ):
            raise ValueError(f"formula {formula!r} may call only round()")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(f"formula {formula!r} may use only numbers")
    return tree


def formula_names(formula: str) -> set[str]:
    tree = _parse(formula)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


def evaluate(formula: str, names: Mapping[str, Value]) -> int | float:
    def ev(node: ast.expr) -> int | float:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            value = names[node.id]
            assert not isinstance(value, str), "check_variables admits numbers only"
            return value
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        if isinstance(node, ast.Call):
            return round(*(ev(a) for a in node.args))
        assert isinstance(node, ast.BinOp)
        return _BINARY[type(node.op)](ev(node.left), ev(node.right))

    result = ev(_parse(formula))
    return int(result) if isinstance(result, float) and result.is_integer() else result
