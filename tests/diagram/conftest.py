"""Path models of the example stacks and of mutated copies, planned in-process under the plan's mocks."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import pytest

from components.config import parse_config
from launchready import PROJECT_ROOT
from launchready.diagram.build import build_model
from launchready.diagram.model import PathModel
from launchready.plan.document import Plan
from launchready.plan.runner import run_program
from launchready.stackfile import read_stack_file

Mutate = Callable[[dict[str, Any]], None]


def plan_values(stack: str, mutate: Mutate | None = None,
                secrets: frozenset[str] = frozenset()) -> tuple[Any, dict[str, Any]]:
    """(config, plan document) of an example stack after `mutate` changed its config map; `secrets` are
    more keys set with `pulumi config set --secret`. The unchanged stacks are planned once (a copy each)."""
    if mutate is None and not secrets:
        cfg, plan = _unchanged(stack)
        return cfg, copy.deepcopy(plan)
    return _plan(stack, mutate, secrets)


@functools.cache
def _unchanged(stack: str) -> tuple[Any, dict[str, Any]]:
    return _plan(stack, None, frozenset())


def _plan(stack: str, mutate: Mutate | None, secrets: frozenset[str]) -> tuple[Any, dict[str, Any]]:
    sf = read_stack_file(stack, PROJECT_ROOT)
    values = copy.deepcopy(sf.values)
    if mutate is not None:
        mutate(values)
    sf = dataclasses.replace(sf, values=values, secret_keys=sf.secret_keys | secrets)
    cfg = parse_config(sf.values, sf.secret_keys, source=sf.path.name)
    return cfg, Plan(sf, cfg, run_program(sf, PROJECT_ROOT), []).to_json()


@pytest.fixture(autouse=True)
def _event_loop() -> None:
    """Pulumi's runtime needs a current event loop; a test elsewhere that ran asyncio.run() leaves none."""
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())


@pytest.fixture
def planned() -> Callable[..., tuple[Any, dict[str, Any]]]:
    return plan_values


@pytest.fixture
def model_of() -> Callable[..., PathModel]:
    def build(stack: str, mutate: Mutate | None = None) -> PathModel:
        cfg, plan = plan_values(stack, mutate)
        return build_model(cfg, plan)

    return build
