"""Running the offline program for a command, and saying briefly why it failed: one shape for plan and
handover. A stack-file problem is its rendered list, a Pulumi RunError its message, anything else one line
naming the exception (its traceback only with --debug)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_or_explain(work: Callable[[], T], *, debug: bool, what: str = "the plan",
                   plain: tuple[type[Exception], ...] = ()) -> T | None:
    """`work()`, or None after printing `error: ...` on stderr (the command then exits 2). Exceptions of the
    types in `plain` are shown by their message alone, like a RunError."""
    import pulumi  # imported here: callers run this under the paused collector with the program's imports

    from components.config import ConfigError

    try:
        return work()
    except ConfigError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
    except Exception as exc:  # the program or the policy pack failed: say so, briefly
        if isinstance(exc, (pulumi.RunError, *plain)):
            print(f"error: {exc}", file=sys.stderr)
            return None
        if debug:
            traceback.print_exc()
        print(f"error: {what} failed: {type(exc).__name__}: {exc}"
              + ("" if debug else " (run with --debug for the traceback)"), file=sys.stderr)
    return None
