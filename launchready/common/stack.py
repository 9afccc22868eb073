"""A command's stack, read and validated once: the target (root and stack file, announced), the stack file
as the Pulumi CLI reads it, and its typed config, or None after printing why not (exit 2)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from launchready.common.project import StackTarget, stack_target

if TYPE_CHECKING:
    from components.config import StackConfig
    from launchready.stackfile import StackFile


@dataclass(frozen=True)
class LoadedStack:
    target: StackTarget
    stack_file: StackFile
    config: StackConfig


def loaded_stack(args: Any) -> LoadedStack | None:
    """From `--stack`/`--root`: the validated stack (the same checks and redaction in every command), or None
    after printing `error: ...` (then return ExitStatus.USAGE)."""
    target = stack_target(args)
    if target is None:
        return None
    from components.config import ConfigError
    from launchready.stackfile import read_stack_file, validate

    try:
        stack_file = read_stack_file(target.stack, target.root)
        return LoadedStack(target, stack_file, validate(stack_file, target.root))
    except ConfigError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return None
