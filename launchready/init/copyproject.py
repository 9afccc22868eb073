"""What `launchready init` copies into a directory without the program: the whole project, planned in memory.

The source is this checkout: the files git tracks (`git ls-files`) when it is a git repository, else the
fixed list of top-level entries below. Left out: the example stack files (init writes new ones), this
repository's own tests and benchmarks, its engineers' working rules, adopt's import/adopt files, and any
file that still names the example company. `.secrets.baseline` keeps only the entries of the files copied:
detect-secrets keys an entry by file name and hashed secret, so the reviewed false positives of the copied
files (same relative paths) still match. A starter test that plans both stacks takes the suite's place.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: The example company of the example stacks; nothing copied may name it.
EXAMPLE_COMPANY = "fanloom"
BASELINE = ".secrets.baseline"
STARTER_TEST = "tests/test_stacks.py"

#: Top-level entries copied when the source is not a git repository (an unpacked release).
TOP_LEVEL = (".ci", ".github", ".gitignore", ".pre-commit-config.yaml", BASELINE, "README.md", "__main__.py",
             "components", "docs", "examples", "launchready", "policies", "pyproject.toml", "requirements.txt",
             "schema", "scripts")
_SKIP_DIRS = {"__pycache__", "venv", ".venv", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis",
              ".git"}

#: (pattern, why it is left out); fnmatch patterns on the relative path.
EXCLUDED: tuple[tuple[str, str], ...] = (
    ("Pulumi.yaml", "written by init"),
    ("Pulumi.*.yaml", "the example stacks: init writes the new ones"),
    ("tests/*", "Launch Ready's own test suite (it tests the example stacks); a starter test plans yours"),
    ("benchmarks/*", "Launch Ready's own benchmarks"),
    ("docs/TEAM.md", "the working rules of Launch Ready's own engineers"),
    ("import-*.json", "adopt's import file of the example stacks"),
    ("adopt-*.json", "adopt's record of the example stacks"),
    ("*.pyc", "compiled"),
)

#: (file, pattern, replacement): text written for the example stacks, said of the user's own.
REWRITES: tuple[tuple[str, str, str], ...] = (
    ("README.md", r"The example stack files describe[\s\S]*?replaces them with your product's own\.",
     "The stack files describe {project}; `launchready init` wrote them (edit them, or run it again with\n"
     "`--force`)."),
    ("README.md", r"(?m)^tests/ .*$",
     "tests/                a plan of both stacks (Launch Ready's own suite is not copied)"),
    ("README.md", r"(?m)^benchmarks/ .*\n", ""),
    ("docs/policies.md", r"\bfl_session\b", "app_session"),
)

STARTER_TEST_TEXT = '''\
"""Both stacks plan offline with no mandatory policy violation (written by `launchready init`)."""

from pathlib import Path

import pytest

from launchready.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_the_stack_plans_with_no_mandatory_violation(stack: str) -> None:
    assert main(["plan", "--stack", stack, "--root", str(ROOT)]) == 0
'''


@dataclass
class CopyPlan:
    """Files to write (relative path -> bytes, mode), and what was left out and why."""

    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def top_level(self) -> list[str]:
        return sorted({rel.split("/", 1)[0] for rel in self.files})


def has_program(root: Path) -> bool:
    """The target already holds a program (this checkout, a clone, a project init wrote before)."""
    return (root / "__main__.py").is_file() and (root / "components").is_dir()


def _git_files(src: Path) -> list[str] | None:
    try:
        done = subprocess.run(["git", "-C", str(src), "ls-files", "-z"], capture_output=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return [name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name]


def _walked_files(src: Path) -> list[str]:
    out: list[str] = []
    for name in TOP_LEVEL:
        path = src / name
        if path.is_file():
            out.append(name)
        elif path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
                rel_dir = Path(dirpath).relative_to(src).as_posix()
                out += [f"{rel_dir}/{f}" for f in sorted(filenames)]
    return out


def source_files(src: Path) -> list[str]:
    """Relative paths (posix) of the project's files in the source checkout."""
    listed = _git_files(src)
    return sorted(listed if listed is not None else _walked_files(src))


def _excluded(rel: str) -> tuple[str, str] | None:
    """(what is left out: the path, or the folder for a folder pattern; why), or None."""
    for pattern, why in EXCLUDED:
        if fnmatch.fnmatchcase(rel, pattern):
            return (pattern[:-1] if pattern.endswith("/*") else rel), why
    return None


def _rewrite(rel: str, data: bytes, project: str) -> bytes:
    rules = [(p, r) for name, p, r in REWRITES if name == rel]
    if not rules:
        return data
    text = data.decode("utf-8")
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement.replace("{project}", project), text)
    return text.encode("utf-8")


def _baseline(data: bytes, copied: set[str]) -> bytes:
    """The baseline with only the entries of copied files (detect-secrets keys them by file name)."""
    doc = json.loads(data.decode("utf-8"))
    results = doc.get("results")
    if isinstance(results, dict):
        doc["results"] = {name: items for name, items in results.items() if name in copied}
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def plan_copy(src: Path, target: Path, project: str) -> CopyPlan:
    """Read what to copy from src into target; files that already exist in target are kept, not overwritten."""
    plan = CopyPlan()
    for rel in source_files(src):
        path = src / rel
        why = _excluded(rel)
        if why is not None:
            if why[0] not in (item[0] for item in plan.left_out):
                plan.left_out.append(why)
            continue
        if not path.is_file() or path.is_symlink():
            continue
        if (target / rel).exists():
            plan.kept.append(rel)
            continue
        data = _rewrite(rel, path.read_bytes(), project)
        if EXAMPLE_COMPANY.encode() in data.lower():
            plan.left_out.append((rel, "names the example company"))
            continue
        plan.files[rel] = (data, path.stat().st_mode & 0o777)
    if BASELINE in plan.files:
        data, mode = plan.files[BASELINE]
        try:
            plan.files[BASELINE] = (_baseline(data, set(plan.files) | set(plan.kept)), mode)
        except (UnicodeDecodeError, json.JSONDecodeError):
            plan.left_out.append((BASELINE, "not valid JSON"))
            del plan.files[BASELINE]
    if not (target / STARTER_TEST).exists():
        plan.files[STARTER_TEST] = (STARTER_TEST_TEXT.encode("utf-8"), 0o644)
    return plan


def write_copy(target: Path, plan: CopyPlan) -> None:
    for rel, (data, mode) in sorted(plan.files.items()):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, mode)
