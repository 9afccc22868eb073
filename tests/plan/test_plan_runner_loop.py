"""The offline program runs in a process where something else already used (and closed) an event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from launchready.plan.runner import run_program
from launchready.stackfile import read_stack_file

pytestmark = pytest.mark.slow


async def _nothing() -> None:
    return None


def test_run_program_after_asyncio_run(repo_root: Path) -> None:
    asyncio.run(_nothing())  # leaves no current event loop in the main thread
    run = run_program(read_stack_file("staging", repo_root), repo_root)
    assert run.stack_urn.startswith("urn:pulumi:staging::launchready::")
    assert run.resources
