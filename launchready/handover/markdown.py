"""A small Markdown writer: headings, paragraphs, lists and tables whose cells are escaped, so every row
of a table has exactly the columns of its header."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any


def cell(value: Any) -> str:
    """Text safe inside a table cell: one line, pipes escaped, empty shown as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"\s*\n\s*", " ", text).strip() or "—"


def code(value: Any) -> str:
    """Inline code that survives backticks in the value (CommonMark: a longer fence)."""
    text = str(value)
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_cell(value: Any) -> str:
    """Inline code inside a table cell (pipes escaped even inside code, as GitHub requires)."""
    if value is None or value == "":
        return "—"
    return code(str(value).replace("\n", " ")).replace("|", "\\|")


def anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return slug.replace(" ", "-")


class Document:
    def __init__(self) -> None:
        self.blocks: list[str] = []

    def heading(self, level: int, text: str) -> None:
        self.blocks.append(f"{'#' * level} {text}")

    def para(self, *lines: str) -> None:
        self.blocks.append("\n".join(lines))

    def bullets(self, items: Iterable[str]) -> None:
        lines = [f"- {item}" for item in items]
        if lines:
            self.blocks.append("\n".join(lines))

    def numbered(self, items: Iterable[str]) -> None:
        lines = [f"{i}. {item}" for i, item in enumerate(items, start=1)]
        if lines:
            self.blocks.append("\n".join(lines))

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]], empty: str = "None.") -> None:
        """Cells are written as given: pass them through `cell` or `code_cell` first."""
        body = [list(r) for r in rows]
        if not body:
            self.blocks.append(empty)
            return
        for row in body:
            if len(row) != len(header):
                raise ValueError(f"table row has {len(row)} cells, header has {len(header)}: {row}")
        lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        self.blocks.append("\n".join(lines))

    def render(self) -> str:
        return "\n\n".join(self.blocks).rstrip() + "\n"
