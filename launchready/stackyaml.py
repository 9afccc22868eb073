"""A bounded YAML reader for stack files: what Pulumi would read, or one clear error with file:line:column.

Built on PyYAML's pure-Python scanner and parser with its own composer checks and its own conversion to
Python values, so nothing unbounded is ever allocated:
- size, nesting depth and the number of values (aliases counted as what they expand to) are bounded while
  the document is composed, so an alias bomb ("billion laughs") stops at the first level that crosses the
  bound, before anything is expanded; an alias inside its own anchor is refused;
- a mapping key written twice is an error naming both lines (merge keys `<<` may be overridden, as YAML
  intends);
- only plain values, lists and mappings: `!!binary`, `!!set`, dates and timestamps, `!!python/...` and custom
  tags are refused, naming the key;
- scalars are resolved with YAML 1.2's core schema, as the Pulumi CLI's YAML library does: `yes`, `no`,
  `on` and `off` are text, integers longer than 19 digits are refused (Pulumi would turn them into
  floats), and mapping keys are the text as written;
- invalid UTF-8 names its line and column; a byte order mark is fine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

#: A stack file is a few kilobytes; this is a hundred times the largest one seen.
MAX_BYTES = 512 * 1024
#: Nesting levels, counted after aliases are expanded; the schema needs six.
MAX_DEPTH = 64
#: Values (scalars, lists, mappings) after aliases are expanded; the example stacks hold about 250.
MAX_VALUES = 10_000
#: Longest integer accepted: 19 digits hold every signed 64-bit integer; Pulumi reads longer ones as floats.
MAX_INT_DIGITS = 19

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, SEQ, MAP, MERGE = (
    _T + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
)
_SCALAR_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL})
_TAG_WORDS = {
    _T + "timestamp": "a date or timestamp",
    _T + "binary": "binary data (!!binary)",
    _T + "set": "a set (!!set)",
    _T + "omap": "an ordered map (!!omap)",
    _T + "pairs": "a list of pairs (!!pairs)",
    _T + "value": "a value key (=)",
}
_DATE_RE = re.compile(r"^\d{4}-\d\d?-\d\d?([Tt ]|$)")
#: Control characters a value may not hold (written with a double-quoted escape such as "\u001b"): C0 but tab
#: and newline, DEL, C1, and the bidirectional overrides that make text read differently from what it holds.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class YamlProblem:
    """Where (1-based line and column) and what; `key` is the key path when the problem is under a key."""

    line: int
    column: int
    message: str
    fix: str = ""
    key: str = ""


class YamlRefused(Exception):
    """The document cannot be read; `problems` says where and why (never a value)."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass
class Document:
    """The document's value, and the line of every mapping key (by key path) for later messages."""

    value: Any
    key_lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema (what go-yaml v3, the Pulumi CLI's reader, resolves), plus timestamps to refuse."""


_CoreResolver.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreResolver.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_CoreResolver.add_implicit_resolver(
    INT, re.compile(r"^(?:[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$"), list("-+0123456789")
)
_CoreResolver.add_implicit_resolver(
    FLOAT,
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
               r"|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"),
)
_CoreResolver.add_implicit_resolver(
    _T + "timestamp", re.compile(r"^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?"
                                r"(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$"), list("0123456789"),
)
_CoreResolver.add_implicit_resolver(MERGE, re.compile(r"^<<$"), ["<"])


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Refuse(Exception):
    def __init__(self, mark: Any, message: str, fix: str = "") -> None:
        self.mark, self.message, self.fix = mark, message, fix
        super().__init__(message)


class _BoundedLoader(Reader, Scanner, Parser, Composer, _CoreResolver):
    """PyYAML's pure-Python reader, scanner and parser; the composer counts depth and expanded values."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreResolver.__init__(self)
        self.open_anchors: set[str] = set()
        self.depth = 0
        #: id(node) -> (values it expands to, nesting height)
        self.size: dict[int, tuple[int, int]] = {}
        self.total = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open_anchors:
                raise _Refuse(event.start_mark, f"the alias *{event.anchor} refers to the anchor it is inside of",
                              "a value cannot contain itself: copy the part you need instead")
            node = super().compose_node(parent, index)
            self._count(self.size[id(node)][0], event.start_mark)
            return node
        self._count(1, event.start_mark)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refuse(event.start_mark, f"nested more than {MAX_DEPTH} levels deep",
                          "a stack file needs a few levels; remove the extra nesting")
        anchor = getattr(event, "anchor", None)
        if anchor:
            self.open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
            if anchor:
                self.open_anchors.discard(anchor)
        self._measure(node)
        return node

    def _count(self, values: int, mark: Any) -> None:
        """The running total of values the document expands to, stopped as soon as it crosses the bound."""
        self.total += values
        if self.total > MAX_VALUES:
            raise _Refuse(mark, f"expands to more than {MAX_VALUES:,} values (aliases included)",
                          "an alias repeats its anchor's whole value; write the values out instead of nesting "
                          "aliases, and keep data out of the stack file")

    def _measure(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        sizes = [self.size[id(c)] for c in children]
        count = 1 + sum(s[0] for s in sizes)
        height = 1 + max((s[1] for s in sizes), default=0)
        if height > MAX_DEPTH:
            raise _Refuse(node.start_mark, f"nested more than {MAX_DEPTH} levels deep once aliases are expanded",
                          "remove the extra nesting")
        self.size[id(node)] = (count, height)


def render_key(parts: tuple[str | int, ...]) -> str:
    """`("config", "launchready:zone", "plan")` -> `launchready:zone.plan`; list items as `[0]`."""
    if parts and parts[0] == "config" and len(parts) > 1:
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise YamlRefused([YamlProblem(1, 1, "starts with a UTF-16 byte order mark but is not valid UTF-16",
                                           "save the file as UTF-8")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", errors="replace")) + 1
        raise YamlRefused([YamlProblem(line, column, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                       "save the file as UTF-8")]) from None


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _syntax(exc: yaml.MarkedYAMLError) -> tuple[str, str]:
    problem = exc.problem or "not valid YAML"
    if "another document" in problem:
        return "the file holds more than one YAML document (a second ---)", "keep one document per stack file"
    if "'\\t'" in problem:
        return "a tab where YAML needs spaces", "indent with spaces, not tabs"
    context = f" ({exc.context})" if exc.context else ""
    return f"YAML syntax error: {problem}{context}", "fix the indentation or quoting on that line"


_OPENERS_AFTER = frozenset(" \t\n[{,:-?")


def _deep_flow(text: str) -> tuple[int, int] | None:
    """Where flow brackets (`[[[...`) first nest past MAX_DEPTH, or None.

    PyYAML's scanner keeps one possible simple key per open bracket and re-checks them all for every token,
    so 5,000 of them cost seconds before the composer's depth bound is ever reached; this pass is linear.
    Brackets inside quotes, comments and plain words (`a[b`) do not open anything and are not counted.
    """
    depth = 0
    quote = ""
    previous = "\n"
    line, line_start = 1, 0
    for index, char in enumerate(text):
        if char == "\n":
            line, line_start = line + 1, index + 1
            if quote == "#":
                quote = ""
        elif quote:
            if char == quote and quote != "#":
                quote = ""
        elif char in "'\"" and previous in _OPENERS_AFTER:
            quote = char
        elif char == "#" and previous in " \t\n":
            quote = "#"
        elif char in "[{" and previous in _OPENERS_AFTER:
            depth += 1
            if depth > MAX_DEPTH:
                return line, index - line_start + 1
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
    return None


def load(data: bytes) -> Document:
    """Read one YAML document (bytes as on disk). Raises YamlRefused with every problem found."""
    if len(data) > MAX_BYTES:
        raise YamlRefused([YamlProblem(1, 1, f"the file is larger than {MAX_BYTES:,} bytes, the most a stack file "
                                       "is read up to", "a stack file holds config, not data: trim it")])
    text = _decode(data)
    deep = _deep_flow(text)
    if deep is not None:
        raise YamlRefused([YamlProblem(*deep, f"nested more than {MAX_DEPTH} levels deep",
                                       "a stack file needs a few levels; remove the extra nesting")])
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)
        node = loader.get_single_node()
    except _Refuse as exc:
        line, column = _mark(exc.mark)
        raise YamlRefused([YamlProblem(line, column, exc.message, exc.fix)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        raise YamlRefused([YamlProblem(line, column, f"the character #x{exc.character:04x} is not allowed in YAML",
                                       "remove it (control characters cannot be written in a stack file)")]) from None
    except yaml.MarkedYAMLError as exc:
        line, column = _mark(exc.problem_mark)
        raise YamlRefused([YamlProblem(line, column, *_syntax(exc))]) from None
    except yaml.YAMLError as exc:
        raise YamlRefused([YamlProblem(1, 1, f"YAML syntax error: {str(exc).splitlines()[0]}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(None)
    if node is None:
        return doc
    converter = _Converter(doc)
    doc.value = converter.value(node, ())
    if converter.problems:
        unique = {(p.line, p.column, p.message): p for p in converter.problems}
        raise YamlRefused(sorted(unique.values(), key=lambda p: (p.line, p.column)))
    return doc


class _Converter:
    """Nodes to Python values: every problem collected, with the key path it sits under."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[YamlProblem] = []

    def refuse(self, node: yaml.Node, path: tuple[str | int, ...], message: str, fix: str) -> None:
        line, column = _mark(node.start_mark)
        self.problems.append(YamlProblem(line, column, message, fix, render_key(path)))

    def value(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ:
                return self.bad_tag(node, path)
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != MAP:
                return self.bad_tag(node, path)
            return self.mapping(node, path)
        return None

    def bad_tag(self, node: yaml.Node, path: tuple[str | int, ...]) -> None:
        what = _TAG_WORDS.get(node.tag) or (
            f"a Python object ({node.tag})" if node.tag.startswith(_T + "python/") else f"the tag {node.tag}"
        )
        if isinstance(node, yaml.ScalarNode) and _DATE_RE.match(str(node.value)):
            fix = "write it quoted, as text: a stack value is text, a number, true/false, a list or a mapping"
        else:
            fix = "remove the tag: a stack value is text, a number, true/false, a list or a mapping"
        self.refuse(node, path, f"{what} is not a stack-file value", fix)
        return None

    def scalar(self, node: yaml.ScalarNode, path: tuple[str | int, ...]) -> Any:
        text = str(node.value)
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            return self.bad_tag(node, path)
        if tag == STR:
            control = _CONTROL_RE.search(text)
            if control:
                self.refuse(node, path, f"holds the control character U+{ord(control.group()):04X}, which would "
                            "reach DNS comments, tags and documents as it is", "remove it")
                return None
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            if text.lower() not in ("true", "false"):
                self.refuse(node, path, "!!bool needs true or false", "write true or false")
                return None
            return text.lower() == "true"
        if tag == INT:
            return self.integer(node, path, text)
        return self.floating(node, path, text)

    def integer(self, node: yaml.ScalarNode, path: tuple[str | int, ...], text: str) -> int | None:
        plain = text.replace("_", "")
        digits = len(plain.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            self.refuse(node, path, f"a {digits}-digit number is longer than any setting takes "
                        f"(at most {MAX_INT_DIGITS} digits)", "if it is an id or text, write it quoted")
            return None
        body = plain.lstrip("+-")
        if len(body) > 1 and body[0] == "0" and body[1].isdigit():
            self.refuse(node, path, "a number with a leading zero is read differently by YAML versions "
                        "(octal or decimal)", "write it without the leading zero, or quoted if it is text")
            return None
        try:
            return int(plain, 0)
        except ValueError:
            self.refuse(node, path, "!!int needs a whole number", "write a whole number, or quote it as text")
            return None

    def floating(self, node: yaml.ScalarNode, path: tuple[str | int, ...], text: str) -> float | None:
        lowered = text.lower().lstrip("+")
        if lowered in (".inf", "-.inf", ".nan"):
            return math.nan if lowered == ".nan" else (-math.inf if lowered.startswith("-") else math.inf)
        try:
            return float(text.replace("_", ""))
        except ValueError:
            self.refuse(node, path, "!!float needs a number", "write a number, or quote it as text")
            return None

    def mapping(self, node: yaml.MappingNode, path: tuple[str | int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: set[str] = set()
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == MERGE:
                self.merge(value_node, path, out, merged)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.refuse(key_node, path, "a key must be plain text", "write the key as text followed by a colon")
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if _CONTROL_RE.search(key):
                self.refuse(key_node, path, "a key holds a control character", "remove it")
                continue
            if key in seen:
                self.refuse(key_node, (*path, key), f"written twice, at lines {seen[key]} and {line}; Pulumi would "
                            "silently keep only the last one", "keep one of them (merge their contents if both "
                            "hold something)")
                continue
            seen[key] = line
            merged.discard(key)
            self.doc.key_lines[(*path, key)] = line
            out[key] = self.value(value_node, (*path, key))
        return out

    def merge(self, node: yaml.Node, path: tuple[str | int, ...], out: dict[str, Any], merged: set[str]) -> None:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode) or source.tag != MAP:
                self.refuse(node, path, "a merge key (<<) takes a mapping or a list of mappings",
                            "merge an anchored mapping: <<: *name")
                return
            for key, value in self.mapping(source, path).items():
                if key not in out:
                    out[key] = value
                    merged.add(key)
