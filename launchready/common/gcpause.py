"""Pausing Python's cyclic garbage collector while a command builds a large, short-lived heap.

Importing the provider SDKs creates hundreds of thousands of long-lived objects (pulumi_cloudflare alone
declares thousands of classes); every full collection during that import walks all of them again, which
costs about a third of the import time. Plan and handover pause the collector for their bounded work and
restore it afterwards. With `freeze=True` what was built is moved to the permanent generation first, so
the collections that rendering and interpreter shutdown trigger do not walk it again either (for a command
about to end; a long-running one, such as load or verify, uses neither).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-enable it after only if it was enabled before
    (having frozen what exists when `freeze`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
