"""The path model of the stack file at another git revision, for `plan --markdown --base REF`.

The stack file is read with `git show REF:./<stack file>` (relative to the project root, which may sit
anywhere in the repository; Pulumi.yaml's `stackConfigDir` is honoured), validated like the current one
(`stackfile.validate`: problems show no secret value) and planned with the current program under the same
mocks, so the comparison shows what the change of the stack file does to the path. A stack file that did
not exist at REF is a new stack: everything on its path is added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from components.config import ConfigError
from launchready.diagram.build import build_model
from launchready.diagram.model import PathModel, empty_model

GIT_TIMEOUT = 30


class BaseRefError(Exception):
    """The base revision cannot be read or planned; the message says why and what to do."""


@dataclass(frozen=True)
class Base:
    ref: str
    model: PathModel
    existed: bool  # the stack file existed at REF


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=GIT_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BaseRefError(f"--base: cannot run git in {root}: {exc}") from None


def stack_file_at(ref: str, stack: str, root: Path) -> str | None:
    """The text of Pulumi.<stack>.yaml at `ref`, or None when the file did not exist there."""
    if not ref or ref.startswith("-") or any(c.isspace() for c in ref):
        raise BaseRefError(f"--base {ref!r}: not a git revision (give a branch, tag or commit, e.g. origin/main)")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if "not a git repository" in found.stderr:
        raise BaseRefError(f"--base {ref}: the project root {root} is not inside a git repository")
    if found.returncode != 0:
        hint = (found.stderr.strip().splitlines() or [""])[-1]
        raise BaseRefError(f"--base {ref}: no such commit in the repository at {root}"
                           + (f" ({hint})" if hint else "")
                           + "; fetch it first (e.g. git fetch origin main) or give another revision")
    shown = _git(root, "show", f"{ref}:./{stack_file_in(root, stack)}")
    return shown.stdout if shown.returncode == 0 else None


def stack_file_in(root: Path, stack: str) -> str:
    """The stack file's path relative to the project root (Pulumi.yaml's `stackConfigDir` honoured)."""
    from launchready.common.project import stack_file_path

    path = stack_file_path(root, stack)
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:  # a stackConfigDir outside the project: git still reads it relative to the root
        return Path(os.path.relpath(path, root.resolve())).as_posix()


def base_model(ref: str, stack: str, root: Path) -> Base:
    """Raises BaseRefError for a bad revision or a stack file at REF that does not validate."""
    from launchready.plan.document import Plan
    from launchready.plan.runner import run_program
    from launchready.stackfile import read_stack_file, validate

    text = stack_file_at(ref, stack, root)
    if text is None:
        return Base(ref, empty_model(), existed=False)
    with tempfile.TemporaryDirectory(prefix="launchready-base-") as tmp:
        shutil.copyfile(root / "Pulumi.yaml", Path(tmp) / "Pulumi.yaml")
        # where the project keeps it, and at the root too, for a reader that does not follow stackConfigDir
        for place in {stack_file_in(root, stack), f"Pulumi.{stack}.yaml"}:
            target = Path(tmp) / place
            if target.resolve().is_relative_to(Path(tmp).resolve()):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        try:
            stack_file = read_stack_file(stack, Path(tmp))
            config = validate(stack_file, Path(tmp))
        except ConfigError as exc:
            raise BaseRefError(f"--base {ref}: the stack file there does not validate:\n{exc.render()}") from None
    run = run_program(stack_file, root)
    plan = Plan(stack_file, config, run, []).to_json()
    return Base(ref, build_model(config, plan), existed=True)
