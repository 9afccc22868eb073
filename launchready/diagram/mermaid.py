"""A Mermaid flowchart writer that escapes every label, so no user text can break the diagram.

Labels are always quoted, so brackets, parentheses, braces, pipes and semicolons are plain text in
them (Mermaid's documented way to write special characters). The characters that would still be read as
syntax are written as Mermaid entity codes: `"` (ends the label), `#` (starts an entity code), `<` `>`
`&` (the label is rendered as HTML), the backtick (starts a Markdown string) and `%` (Mermaid looks
for `%%{init: ...}%%` directives anywhere in the text, even inside a label). Line breaks become
`<br/>`, other control characters a space.

Node ids are never user text: a node given a stable key (a hostname, a phase, a record) gets `n` plus a
short hash of it, so the same thing keeps its id from one version of the stack to the next and a text
diff of two diagrams shows only what changed; other nodes are numbered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_ENTITIES = {
    "#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "%": "#37;",
}
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")
BREAK = "<br/>"

#: Shapes by node kind: (open, close).
SHAPES = {
    "box": ("[", "]"),
    "round": ("(", ")"),
    "stadium": ("([", "])"),
    "cylinder": ("[(", ")]"),
    "hexagon": ("{{", "}}"),
    "subroutine": ("[[", "]]"),
}

#: Classes for what a change does; the label says it in words too (colour is not the only signal).
CLASS_DEFS = {
    "added": "fill:#e6ffed,stroke:#1a7f37,stroke-width:2px",
    "removed": "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5",
    "changed": "fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
}


def escape_line(text: str) -> str:
    return "".join(_ENTITIES.get(ch, ch) for ch in _CONTROL.sub(" ", text))


def label(text: str) -> str:
    """A quoted Mermaid label; each line of `text` becomes a line of the label."""
    lines = [escape_line(_CONTROL.sub(" ", line).strip()) for line in str(text).replace("\r\n", "\n").split("\n")]
    return '"' + BREAK.join(line for line in lines if line) + '"'


@dataclass
class Flowchart:
    direction: str = "LR"
    lines: list[str] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)
    _count: int = 0
    _depth: int = 1
    _ids: set[str] = field(default_factory=set)

    def _emit(self, line: str) -> None:
        self.lines.append("    " * self._depth + line)

    def _id(self, prefix: str, key: str | None) -> str:
        if key is None:
            self._count += 1
            base = f"{prefix}{self._count}"
        else:
            base = prefix + hashlib.sha256(key.encode()).hexdigest()[:10]
        node_id, n = base, 1
        while node_id in self._ids:
            n += 1
            node_id = f"{base}_{n}"
        self._ids.add(node_id)
        return node_id

    def node(self, text: str, shape: str = "box", css: str | None = None, key: str | None = None) -> str:
        node_id = self._id("n", key)
        opening, closing = SHAPES[shape]
        self._emit(f"{node_id}{opening}{label(text)}{closing}")
        if css:
            self.classes.setdefault(css, []).append(node_id)
        return node_id

    def edge(self, source: str, target: str, text: str | None = None, dotted: bool = False) -> None:
        arrow = "-.->" if dotted else "-->"
        middle = f"{arrow}|{label(text)}|" if text else arrow
        self._emit(f"{source} {middle} {target}")

    def open(self, title: str, key: str | None = None) -> None:
        self._emit(f"subgraph {self._id('s', key)}[{label(title)}]")
        self._depth += 1
        self._emit("direction LR")

    def close(self) -> None:
        self._depth -= 1
        self._emit("end")

    def render(self) -> str:
        out = [f"flowchart {self.direction}", *self.lines]
        for name in sorted(self.classes):
            out.append(f"    classDef {name} {CLASS_DEFS[name]}")
            out.append(f"    class {','.join(self.classes[name])} {name}")
        return "\n".join(out)
