"""Shared fixtures: the example stacks as raw config maps, ready to mutate."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from launchready import PROJECT_ROOT
from launchready.stackfile import StackFile, read_stack_file
from tests.fixtures.moto import fake_credentials, moto_server, reset

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


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto in server mode on loopback, one per test module that asks for it."""
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto and fake credentials in the environment (each client is told the endpoint)."""
    reset(moto_url)
    fake_credentials(monkeypatch)
    return moto_url
