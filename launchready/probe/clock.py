"""When a command's run bound starts: at the start of the process when the process is the `launchready`
command (so interpreter start-up and loading the stack count, as a user timing the command sees it), else
(the command called inside a longer-lived process: a test, a tool embedding it) when it is called.
"""

from __future__ import annotations

import os
import sys
import time


def _process_age() -> float | None:
    """Seconds since this process started (Linux /proc), or None where that cannot be read."""
    try:
        with open(f"/proc/{os.getpid()}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
        # the command name (field 2) may hold spaces and parentheses: fields after the last ')' are fixed
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
        age = since_boot - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return age if age >= 0 else None


def _is_the_command() -> bool:
    """True when `__main__` is `python -m launchready` or the `launchready` script (both import cli.main)."""
    from launchready.cli import main

    return getattr(sys.modules.get("__main__"), "main", None) is main


def command_started() -> float:
    """`time.monotonic()` at the moment the command's run bound counts from (see the module docstring)."""
    now = time.monotonic()
    if not _is_the_command():
        return now
    age = _process_age()
    return now - age if age is not None else now
