"""Read YAML while remembering where every value came from.

Validation errors must name the file, the line and the field, so the loader keeps a
map from each value's path (``("arc", "opening", 2)``) to its 1-based line. YAML
timestamps stay strings: a card that says ``date: 2024-03-01`` means the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DataInvalid, Problem

Path_ = tuple[str | int, ...]


# libyaml parses about ten times faster than the pure-Python parser; both give marks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StringDateLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader without the timestamp resolver, so dates stay the text they were."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LineMap:
    """Lines of every value in a YAML document, looked up by the nearest known path."""

    def __init__(self, lines: dict[Path_, int]) -> None:
        self._lines = lines

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its closest ancestor that the document has."""
        path = tuple(path)
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, 1)


class YamlDocument:
    """A parsed YAML file: its plain data and where each value stands."""

    def __init__(self, path: Path, data: Any, lines: LineMap) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    def problem(self, loc: Path_, reason: str) -> Problem:
        return Problem(self.path, self.lines.line_of(loc), dotted(loc), reason)


def dotted(loc: Path_) -> str:
    """``("arc", "opening", 2)`` → ``arc.opening[2]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: Path | str) -> YamlDocument:
    """Parse one YAML file; raise DataInvalid with the line of any syntax error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataInvalid([Problem(path, 1, "", f"cannot read file: {exc}")]) from exc
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path | str = "<string>") -> YamlDocument:
    path = Path(path)
    loader = _StringDateLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataInvalid([Problem(path, 1, "", "file is empty")])
        lines: dict[Path_, int] = {}
        problems: list[Problem] = []
        _index(node, (), lines, problems, path)
        if problems:
            raise DataInvalid(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = f"YAML syntax: {exc.problem}"
        if "{" in "".join(text.splitlines()[line - 1 : line]):
            reason += ' (text with a {placeholder} at its start or inside [ ] must be quoted: "{name}")'
        raise DataInvalid([Problem(path, line, "", reason)]) from exc
    finally:
        loader.dispose()
    return YamlDocument(path, data, LineMap(lines))


def _index(
    node: yaml.Node, at: Path_, lines: dict[Path_, int], problems: list[Problem], path: Path
) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            key_line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(path, key_line, dotted((*at, key)),
                            f"duplicate key (first written on line {seen[key]})")
                )
            seen[key] = key_line
            _index(value_node, (*at, key), lines, problems, path)
            # A value is reported at its key: that is the line a person looks for.
            lines[(*at, key)] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*at, i), lines, problems, path)
