"""The rollback runbook names commands that exist, and its first step, planning a previous commit, works."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from launchready.cli import COMMANDS, build_parser

RUNBOOK = Path(__file__).resolve().parent.parent / "docs" / "runbook.md"
_FENCE_RE = re.compile(r"```(?:bash|sh)?\n(.*?)```", re.DOTALL)
_INLINE_RE = re.compile(r"`([^`\n]*\blaunchready [^`\n]*)`")


def launchready_invocations(markdown: str) -> list[str]:
    """Every `launchready ...` command line in the runbook: in code blocks and in inline code."""
    found: list[str] = []
    for block in _FENCE_RE.findall(markdown):
        found.extend(line.strip() for line in block.splitlines() if re.search(r"(^|/)launchready ", line.strip()))
    found.extend(m.strip() for m in _INLINE_RE.findall(markdown))
    return list(dict.fromkeys(found))


def argv_of(command_line: str) -> list[str]:
    words = shlex.split(command_line)
    start = next(i for i, w in enumerate(words) if w == "launchready" or w.endswith("/launchready"))
    return words[start + 1 :]


COMMAND_LINES = launchready_invocations(RUNBOOK.read_text(encoding="utf-8"))


def test_the_runbook_names_the_rollback_tools() -> None:
    text = RUNBOOK.read_text(encoding="utf-8")
    for needed in ("pulumi stack history --stack prod", "git revert", "pulumi up --stack prod", "TTL",
                   "pulumi refresh --stack prod"):
        assert needed in text, needed
    used = {argv_of(line)[0] for line in COMMAND_LINES}
    assert {"plan", "verify", "smoke", "scan"} <= used


@pytest.mark.parametrize("command_line", COMMAND_LINES)
def test_every_launchready_command_in_the_runbook_parses(command_line: str) -> None:
    argv = argv_of(command_line)
    assert argv[0] in COMMANDS, f"{command_line}: no such command"
    missing = None
    try:
        parser = build_parser(argv)
    except ImportError as exc:
        missing = str(exc)
    if missing is not None:
        pytest.fail(f"{command_line!r}: its module {COMMANDS[argv[0]][0]} cannot be imported ({missing})")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse rejected it (and printed why)
        pytest.fail(f"{command_line!r} does not parse (exit {exc.code})")
    assert args.command == argv[0]


def test_planning_the_previous_commit_works(repo_root: Path, tmp_path: Path) -> None:
    """Section 2 of the runbook: check out the previous commit in a clone and plan it, offline."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(repo_root), str(clone)], check=True, capture_output=True)
    subprocess.run(["git", "checkout", "--quiet", "HEAD~1"], cwd=clone, check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    which = subprocess.run(
        [sys.executable, "-c", "import launchready; print(launchready.__file__)"],
        cwd=clone, env=env, capture_output=True, text=True, check=True,
    )
    # the clone's own code runs, not the installed checkout's
    assert Path(which.stdout.strip()).resolve().is_relative_to(clone.resolve()), which.stdout
    result = subprocess.run(
        [sys.executable, "-m", "launchready", "plan", "--stack", "staging", "--json"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    plan = json.loads(result.stdout)
    assert plan["stack"] == "staging"
    assert plan["resources"], "the previous commit's plan declares no resources"
