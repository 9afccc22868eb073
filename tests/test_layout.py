"""The layout limits every engineer works to (docs/TEAM.md): no module over 600 lines and no function over
100 lines in the program, the operator tools and the policy pack."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TREES = ("components", "launchready", "policies")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


def modules() -> list[Path]:
    found: list[Path] = []
    for tree in TREES:
        found += [p for p in sorted((REPO / tree).rglob("*.py")) if "venv" not in p.relative_to(REPO).parts]
    return found


def long_functions(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function or method longer than the limit."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > MAX_FUNCTION_LINES:
                out.append((node.name, node.lineno, length))
    return out


def test_the_walk_finds_the_trees() -> None:
    names = {p.relative_to(REPO).as_posix() for p in modules()}
    assert {"components/naming.py", "launchready/cli.py", "policies/__main__.py"} <= names


def test_the_function_limit_can_fail() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def too_long() -> None:\n{body}\n") == [("too_long", 1, MAX_FUNCTION_LINES + 1)]
    assert long_functions("def short() -> None:\n    pass\n") == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_module_and_function_sizes(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines (limit {MAX_MODULE_LINES}): split it by concern"
    too_long = long_functions(source)
    assert too_long == [], f"functions over {MAX_FUNCTION_LINES} lines (name, line, length): {too_long}"
