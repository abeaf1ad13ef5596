"""Read YAML while remembering where every value came from.

Validation errors must name the file, the line and the field, so the loader keeps a
map from each value's path (``("arc", "opening", 2)``) to its 1-based line. YAML
timestamps stay strings: a card that says ``date: 2024-03-01`` means the text.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import DataInvalid, Problem

Path_ = tuple[str | int, ...]

# Bounds that keep a damaged or hostile file from hanging or filling memory. The largest
# shipped card is 13 KB and uses no aliases; these leave room for any honest file.
MAX_FILE_BYTES = 512 * 1024
MAX_VALUES = 20_000  # values after aliases are expanded: a "billion laughs" file is millions
MAX_DEPTH = 60
MAX_NUMBER_DIGITS = 100  # Python refuses to read ints past 4,300 digits, with a traceback
_INT_TAG = "tag:yaml.org,2002:int"
_FILE_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
               stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


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
    """Parse one YAML file; raise DataInvalid with the line of any syntax error.

    Only a regular file of at most MAX_FILE_BYTES is read: a FIFO would block for ever and
    a link to /dev/zero would never end."""
    path = Path(path)
    try:
        text = _read_regular_file(path)
    except UnicodeDecodeError as exc:  # the line of the bad byte, as an editor shows it
        line = exc.object[:exc.start].count(b"\n") + 1
        column = exc.start - (exc.object.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataInvalid([Problem(path, line, "", f"byte {exc.object[exc.start]:#04x} at column {column} is "
                                   "not UTF-8 text: save the file as UTF-8")]) from exc
    except OSError as exc:
        raise DataInvalid([Problem(path, 1, "", f"cannot read file: {exc}")]) from exc
    return parse_yaml(text, path)


def _read_regular_file(path: Path) -> str:
    # O_NONBLOCK: opening a FIFO swapped in after the check must not wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode), "not a file")
            reason = f"not a regular file ({kind}); cards are read from files"
            raise DataInvalid([Problem(path, 1, "", reason)])
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        size = max(info.st_size, len(data))
        raise DataInvalid([Problem(path, 1, "", f"the file is {size // 1024} KB; "
                                   f"a card or rubric is at most {MAX_FILE_BYTES // 1024} KB")])
    return data.decode("utf-8")


def parse_yaml(text: str, path: Path | str = "<string>") -> YamlDocument:
    path = Path(path)
    if "\0" in text:  # libyaml stops with a reader error that names no line
        line = text.count("\n", 0, text.index("\0")) + 1
        raise DataInvalid([Problem(path, line, "", "the file holds a NUL byte (it is not text)")])
    loader = _StringDateLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataInvalid([Problem(path, 1, "", "file is empty")])
        index = _Index(path)
        index.walk(node, (), ())
        if index.problems:
            raise DataInvalid(index.problems)
        data = loader.construct_document(node)
        lines = index.lines
    except RecursionError as exc:  # nesting the parser itself could not follow
        raise DataInvalid([Problem(path, 1, "", f"nested more than {MAX_DEPTH} levels deep")]) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = f"YAML syntax: {exc.problem}"
        if "{" in "".join(text.splitlines()[line - 1 : line]):
            reason += ' (text with a {placeholder} at its start or inside [ ] must be quoted: "{name}")'
        raise DataInvalid([Problem(path, line, "", reason)]) from exc
    except yaml.YAMLError as exc:  # a reader or emitter error carries no mark
        raise DataInvalid([Problem(path, 1, "", f"YAML syntax: {exc}")]) from exc
    finally:
        loader.dispose()
    return YamlDocument(path, data, LineMap(lines))


class _Aborted(Exception):
    """The walk stopped at a bound; its problem is already recorded."""


class _Index:
    """One walk over the node graph: the line of every value, and every problem found.

    Aliases make the graph a DAG (or, written ``&x [*x]``, a cycle), so the walk counts the
    values it visits after expansion and stops at MAX_VALUES or MAX_DEPTH, before anything
    is constructed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.visited = 0

    def stop(self, node: yaml.Node, at: Path_, reason: str, *, at_field: bool = False) -> _Aborted:
        """Record ``reason``; at the line of field ``at`` when the node itself is elsewhere
        (an anchor far above), else at the node."""
        line = self.lines.get(at, 1) if at_field else node.start_mark.line + 1
        self.problems.append(Problem(self.path, line, dotted(at), reason))
        return _Aborted()

    def walk(self, node: yaml.Node, at: Path_, open_nodes: tuple[int, ...]) -> None:
        with contextlib.suppress(_Aborted):  # the bound's problem is already recorded
            self._walk(node, at, open_nodes)

    def _walk(self, node: yaml.Node, at: Path_, open_nodes: tuple[int, ...]) -> None:
        self.visited += 1
        if self.visited > MAX_VALUES:
            reason = f"aliases expand to more than {MAX_VALUES} values; write the values out"
            raise self.stop(node, at[:1], reason, at_field=True)
        if id(node) in open_nodes:
            raise self.stop(node, at[:-1], "an alias refers to itself", at_field=True)
        if len(at) > MAX_DEPTH:
            raise self.stop(node, at[:1], f"nested more than {MAX_DEPTH} levels deep", at_field=True)
        self.lines.setdefault(at, node.start_mark.line + 1)
        inside = (*open_nodes, id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value) > MAX_NUMBER_DIGITS:
                digits = sum(c.isdigit() for c in node.value)
                reason = f"a number of {digits} digits; at most {MAX_NUMBER_DIGITS} are read"
                raise self.stop(node, at, reason)
        elif isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    shape = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                    raise self.stop(key_node, at, f"a key must be plain text, not {shape}")
                key = key_node.value
                if key in seen:
                    self.problems.append(Problem(self.path, key_line, dotted((*at, key)),
                                                 f"duplicate key (first written on line {seen[key]})"))
                seen[key] = key_line
                self._walk(value_node, (*at, key), inside)
                # A value is reported at its key: that is the line a person looks for.
                self.lines[(*at, key)] = key_line
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*at, i), inside)
