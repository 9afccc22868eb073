"""Which project root and which stack file a command works on, found the way the Pulumi CLI finds them.

The root is `--root` when given, else the nearest directory holding `Pulumi.yaml`, from the current one
upwards (as `pulumi` looks for its project). There is no fallback to the installed checkout: a command run
outside a project says so and where to point `--root`. Every command then says which root and which stack
file it used (`describe`, or the `root`/`stackFile` fields of its `--json` document).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

PROJECT_FILE = "Pulumi.yaml"
#: spellings the Pulumi CLI also accepts; found first, they are named rather than skipped over
OTHER_PROJECT_FILES = ("Pulumi.yml", "Pulumi.json")


class ProjectError(Exception):
    """No project or no such stack file: a usage error (exit 2). The text says what is wrong and the fix."""


def _installed_hint() -> str:
    from launchready import PROJECT_ROOT

    if (PROJECT_ROOT / PROJECT_FILE).is_file():
        return f" (the project this tool was installed from is {PROJECT_ROOT})"
    return ""


def find_project_root(arg: Path | None = None, cwd: Path | None = None) -> tuple[Path, str]:
    """The project directory and how it was chosen ("--root", "the current directory", "a parent of the
    current directory"). Raises ProjectError naming the directory and the fix."""
    if arg is not None:
        root = arg.expanduser().resolve()
        if not root.is_dir():
            raise ProjectError(f"--root {arg}: no such directory")
        if not (root / PROJECT_FILE).is_file():
            raise ProjectError(f"--root {arg}: {root} holds no {PROJECT_FILE}; point --root at the project "
                               f"directory (the one holding {PROJECT_FILE} and the Pulumi.<stack>.yaml files)")
        return root, "--root"
    here = (cwd or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory, ("the current directory" if directory == here else "a parent of the current directory")
        other = next((directory / n for n in OTHER_PROJECT_FILES if (directory / n).is_file()), None)
        if other is not None:
            raise ProjectError(f"{other} is a Pulumi project file this tool does not read; rename it to "
                               f"{PROJECT_FILE} (and its stack files to Pulumi.<stack>.yaml)")
    raise ProjectError(f"no {PROJECT_FILE} in {here} or any directory above it; run the command in the project "
                       f"directory or point --root at it{_installed_hint()}")


def project_root(arg: Path | None = None) -> Path:
    """The project directory a command works on: --root, else the nearest one holding Pulumi.yaml from the
    current directory upwards. Raises ProjectError (never falls back to the installed checkout)."""
    return find_project_root(arg)[0]


def stack_config_dir(root: Path) -> Path:
    """Where the project's stack files live: `stackConfigDir` of Pulumi.yaml (relative to it), else the root.
    A Pulumi.yaml that cannot be read counts as naming none (reading the stack reports it)."""
    from launchready.stackyaml import YamlRefused, load  # bounded: no alias bomb or deep nesting gets far

    try:
        doc = load((root / PROJECT_FILE).read_bytes()).value
    except (OSError, YamlRefused):
        return root
    configured = doc.get("stackConfigDir") if isinstance(doc, dict) else None
    if isinstance(configured, str) and configured.strip():
        return (root / configured.strip()).resolve()
    return root


def stack_file_path(root: Path, stack: str) -> Path:
    """`Pulumi.<stack>.yaml` in the project's stack config directory."""
    return stack_config_dir(root) / f"Pulumi.{stack}.yaml"


def available_stacks(root: Path) -> list[str]:
    """The stacks with a stack file in the project's stack config directory, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_config_dir(root).glob("Pulumi.*.yaml"))


#: what the Pulumi CLI allows in a stack name (and in the org and project parts of a qualified one)
_STACK_PART_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def stack_short_name(stack: str) -> str:
    """`org/project/stack` and `org/stack` name the stack `stack`, as the Pulumi CLI reads them."""
    return stack.rsplit("/", 1)[-1] if "/" in stack else stack


@dataclass(frozen=True)
class StackTarget:
    """The project root and stack file a command uses, and how the root was chosen."""

    root: Path
    root_source: str
    stack: str
    stack_file: Path

    def describe(self) -> str:
        return f"project root {self.root} ({self.root_source}), stack file {self.stack_file.name}"

    def to_json(self) -> dict[str, str]:
        """The fields a command's --json document gains: `root` and `stackFile` (absolute paths)."""
        return {"root": str(self.root), "stackFile": str(self.stack_file)}


def resolve_stack(stack: str, root_arg: Path | None = None, cwd: Path | None = None) -> StackTarget:
    """Find the root (see find_project_root) and `Pulumi.<stack>.yaml` in it. Raises ProjectError that
    names the directory searched and the stacks that exist."""
    root, source = find_project_root(root_arg, cwd)
    parts = stack.strip().split("/")
    name = parts[-1]
    if len(parts) > 3 or not all(_STACK_PART_RE.match(p) and p not in {".", ".."} for p in parts):
        raise ProjectError(f"--stack {stack!r}: not a stack name: give the name of a Pulumi.<name>.yaml, e.g. "
                           "--stack prod (or org/project/prod); letters, digits, '-', '_' and '.'")
    path = stack_file_path(root, name)
    if not path.is_file():
        known = ", ".join(available_stacks(root)) or "none"
        raise ProjectError(f"--stack {stack}: no stack file {path.name} in {path.parent} ({source}); "
                           f"known stacks: {known}")
    return StackTarget(root, source, name, path)


def announce(target: StackTarget, *, json_output: bool = False, stream: TextIO | None = None) -> None:
    """Say on stderr which root and stack file are used (text output; --json carries target.to_json())."""
    if not json_output:
        print(f"using {target.describe()}", file=stream or sys.stderr)


def stack_target(args: Any) -> StackTarget | None:
    """For a command's run(): the target of `--stack`/`--root`, announced (see announce; `--json` when the
    command has it), or None after printing `error: ...` (then return ExitStatus.USAGE)."""
    try:
        target = resolve_stack(args.stack, args.root)
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    announce(target, json_output=bool(getattr(args, "json", False)))
    return target
