"""A strict parser for the Mermaid flowchart subset the diagrams use, so tests can prove they parse.

Accepted, one statement per line (indentation free, blank lines allowed):
  flowchart LR|RL|TB|TD|BT                      (first line)
  ID["label"]  ID("label")  ID(["label"])  ID[("label")]  ID{{"label"}}  ID[["label"]]
  ID --> ID    ID -.-> ID    ID -->|"label"| ID    ID -.->|"label"| ID
  subgraph ID["label"]  ...  end                (nested, balanced)
  direction LR|RL|TB|TD|BT                      (inside a subgraph)
  classDef NAME prop:value,prop:value
  class ID,ID NAME
A label is quoted and holds no raw `"`, backtick, `%` (a `%%{init}%%` directive is found anywhere) or
control character; `<` and `>` only as `<br/>`; `#`
only as an entity code (`#quot;`, `#35;`...). Edges may join only declared nodes, ids are unique and never
a Mermaid keyword, classes name declared classDefs and nodes. Anything else raises MermaidError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"[^"]*"'
DIRECTIONS = {"LR", "RL", "TB", "TD", "BT"}
RESERVED = {"end", "subgraph", "graph", "flowchart", "style", "class", "classdef", "click", "linkstyle",
            "direction", "default", "call", "href"}
SHAPES = {"[": "]", "(": ")", "([": "])", "[(": ")]", "{{": "}}", "[[": "]]"}
_OPEN = r"\(\[|\[\(|\[\[|\{\{|\[|\("
_CLOSE = r"\]\)|\)\]|\]\]|\}\}|\]|\)"
_NODE = re.compile(rf"^(?P<id>{ID})(?P<open>{_OPEN})(?P<label>{LABEL})(?P<close>{_CLOSE})$")
_EDGE = re.compile(rf"^(?P<a>{ID}) (?P<arrow>-->|-\.->)(?:\|(?P<label>{LABEL})\|)? (?P<b>{ID})$")
_SUBGRAPH = re.compile(rf"^subgraph (?P<id>{ID})\[(?P<label>{LABEL})\]$")
_STYLE = r"[a-z-]+:[#A-Za-z0-9. ]+"
_CLASSDEF = re.compile(rf"^classDef (?P<name>[A-Za-z][A-Za-z0-9_]*) (?P<styles>{_STYLE}(?:,{_STYLE})*)$")
_CLASS = re.compile(rf"^class (?P<ids>{ID}(?:,{ID})*) (?P<name>[A-Za-z][A-Za-z0-9_]*)$")
_ENTITY = re.compile(r"#(?P<code>[A-Za-z]+|\d+);")
_NAMED = {"quot": '"', "lt": "<", "gt": ">", "amp": "&", "nbsp": "\u00a0", "hash": "#"}


class MermaidError(AssertionError):
    pass


@dataclass
class Chart:
    direction: str
    nodes: dict[str, str] = field(default_factory=dict)  # id -> decoded label
    shapes: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # a, b, label, arrow
    subgraphs: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)  # node id -> subgraph id
    classes: dict[str, set[str]] = field(default_factory=dict)

    def following(self, start: str) -> list[str]:
        """Every node reachable from `start` along edges, in walk order (start included)."""
        seen, todo = [start], [start]
        while todo:
            current = todo.pop(0)
            for a, b, _, _ in self.edges:
                if a == current and b not in seen:
                    seen.append(b)
                    todo.append(b)
        return seen

    def css(self, node_id: str) -> set[str]:
        return {name for name, ids in self.classes.items() if node_id in ids}


def decode(quoted: str, where: str) -> str:
    text = quoted[1:-1]
    if any(ch in text for ch in '"`%') or re.search(r"[\x00-\x1f\x7f]", text):
        raise MermaidError(f"{where}: raw quote, backtick, % or control character in label {quoted!r}")
    if re.search(r"<(?!br/>)|(?<!<br/)>", text):
        raise MermaidError(f"{where}: raw < or > in label {quoted!r}")
    for m in re.finditer("#", text):
        entity = _ENTITY.match(text, m.start())
        if entity is None or (not entity["code"].isdigit() and entity["code"] not in _NAMED):
            raise MermaidError(f"{where}: '#' that is not an entity code in label {quoted!r}")
    text = text.replace("<br/>", "\n")
    return _ENTITY.sub(lambda e: chr(int(e["code"])) if e["code"].isdigit() else _NAMED[e["code"]], text)


def _check_id(node_id: str, where: str) -> None:
    if node_id.lower() in RESERVED:
        raise MermaidError(f"{where}: id {node_id!r} is a Mermaid keyword")


def _statement(chart: Chart, line: str, where: str, stack: list[str], class_defs: set[str]) -> None:
    if m := _NODE.match(line):
        _check_id(m["id"], where)
        if SHAPES[m["open"]] != m["close"]:
            raise MermaidError(f"{where}: shape opened with {m['open']} closed with {m['close']}")
        if m["id"] in chart.nodes or m["id"] in chart.subgraphs:
            raise MermaidError(f"{where}: {m['id']} declared twice")
        chart.nodes[m["id"]] = decode(m["label"], where)
        chart.shapes[m["id"]] = m["open"]
        chart.parent[m["id"]] = stack[-1] if stack else None
    elif m := _EDGE.match(line):
        for end in (m["a"], m["b"]):
            if end not in chart.nodes:
                raise MermaidError(f"{where}: edge to undeclared node {end}")
        chart.edges.append((m["a"], m["b"], decode(m["label"], where) if m["label"] else None, m["arrow"]))
    elif m := _SUBGRAPH.match(line):
        _check_id(m["id"], where)
        if m["id"] in chart.nodes or m["id"] in chart.subgraphs:
            raise MermaidError(f"{where}: {m['id']} declared twice")
        chart.subgraphs[m["id"]] = decode(m["label"], where)
        stack.append(m["id"])
    elif line == "end":
        if not stack:
            raise MermaidError(f"{where}: end without subgraph")
        stack.pop()
    elif line.startswith("direction "):
        if not stack or line.split(" ", 1)[1] not in DIRECTIONS:
            raise MermaidError(f"{where}: direction outside a subgraph or unknown: {line!r}")
    elif m := _CLASSDEF.match(line):
        class_defs.add(m["name"])
    elif m := _CLASS.match(line):
        if m["name"] not in class_defs:
            raise MermaidError(f"{where}: class {m['name']} has no classDef")
        for node_id in m["ids"].split(","):
            if node_id not in chart.nodes:
                raise MermaidError(f"{where}: class for undeclared node {node_id}")
            chart.classes.setdefault(m["name"], set()).add(node_id)
    else:
        raise MermaidError(f"{where}: not a statement of the flowchart subset: {line!r}")


def parse(text: str) -> Chart:
    lines = text.split("\n")
    header = lines[0].split(" ")
    if len(header) != 2 or header[0] != "flowchart" or header[1] not in DIRECTIONS:
        raise MermaidError(f"line 1: expected 'flowchart <direction>', found {lines[0]!r}")
    chart = Chart(header[1])
    stack: list[str] = []
    class_defs: set[str] = set()
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if line:
            _statement(chart, line, f"line {number}", stack, class_defs)
    if stack:
        raise MermaidError(f"subgraph {stack[-1]} is never closed")
    if not chart.nodes:
        raise MermaidError("no nodes")
    return chart


def mermaid_blocks(markdown: str) -> list[str]:
    """The bodies of the ```mermaid fences of a Markdown document; an unclosed fence is an error."""
    blocks = re.findall(r"^```mermaid\n(.*?)\n```$", markdown, flags=re.S | re.M)
    if markdown.count("```mermaid") != len(blocks):
        raise MermaidError("a ```mermaid fence is not closed")
    return blocks
