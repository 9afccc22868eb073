"""Shared fixtures: the example stacks as raw config maps, ready to mutate."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from launchready import PROJECT_ROOT
from launchready.stackfile import StackFile, read_stack_file

REPO = PROJECT_ROOT


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@functools.cache
def _read(stack: str) -> StackFile:
    return read_stack_file(stack, REPO)


@pytest.fixture
def stack_values() -> Callable[[str], tuple[dict[str, Any], frozenset[str]]]:
    """A fresh, mutable copy of an example stack's config map and its secret keys."""

    def load(stack: str) -> tuple[dict[str, Any], frozenset[str]]:
        sf = _read(stack)
        return copy.deepcopy(sf.values), sf.secret_keys

    return load
