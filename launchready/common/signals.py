"""SIGTERM (and SIGHUP) end a command the way Ctrl-C does: by unwinding, so every `with` block cleans up
(temporary files above all) before the process exits with 128 + the signal number.

A second signal while that cleanup runs is ignored, so it cannot cut the cleanup short; SIGKILL still ends
the process at once. Outside the main thread signal handlers cannot be installed and this does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Terminated(SystemExit):
    """Raised in the main thread when SIGTERM or SIGHUP arrives; its code is 128 + the signal number."""


@contextmanager
def exit_cleanly_on_signals() -> Iterator[None]:
    """Inside the block, SIGTERM/SIGHUP raise Terminated (once); the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        nonlocal fired
        if fired:
            return  # already unwinding: let the cleanup finish
        fired = True
        raise Terminated(128 + signum)

    previous: dict[int, Any] = {s: signal.signal(s, handler) for s in _SIGNALS}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
