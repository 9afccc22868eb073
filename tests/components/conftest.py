"""The component test harness: the plan's mocks with a record of every resource, a clean mock engine per
build, the example stacks' config (optionally changed), and waiting for every registration.

A test builds a component the way `__main__.py` does, under `pulumi.runtime.set_mocks`, then reads what the
component registered: `recorder.inputs[name]`, `recorder.types[name]`, `recorder.state[name]` (what the
mocks answered), `recorder.ids[name]`, or `recorder.of_type(type_or_suffix)`. `plan_program` runs the whole
program instead, as `launchready plan` does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pulumi
import pytest
from pulumi.runtime import settings as psettings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components import Exporter
from components.config import StackConfig, parse_config
from launchready import PROJECT_ROOT
from launchready.plan.mocks import PlanMocks
from launchready.plan.runner import ProgramRun, run_program
from launchready.stackfile import read_stack_file

REGION = "eu-west-1"
PROJECT = "launchready"
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"

StackValues = Callable[[str], tuple[dict[str, Any], frozenset[str]]]
Mutate = Callable[[dict[str, Any]], None]
T = TypeVar("T")


class Recorder(PlanMocks):
    """The plan's mocks, remembering each custom resource's type, inputs, fabricated state and id by name.

    `tokens=False` answers the SES identity without DKIM tokens, as in a preview before SES has answered.
    """

    def __init__(self, *, region: str = REGION, tokens: bool = True) -> None:
        super().__init__(default_region=region)
        self.tokens = tokens
        self.types: dict[str, str] = {}
        self.inputs: dict[str, dict[str, Any]] = {}
        self.state: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, str | None] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        rid, state = super().new_resource(args)
        if args.typ == EMAIL_IDENTITY and not self.tokens:
            state.pop("dkimSigningAttributes")
        if args.custom:
            self.types[args.name] = args.typ
            self.inputs[args.name] = dict(args.inputs)
            self.state[args.name] = state
            self.ids[args.name] = rid
        return rid, state

    def of_type(self, typ: str) -> dict[str, dict[str, Any]]:
        """Inputs by name of the resources whose type is `typ` or ends with it (`"DnsRecord"`)."""
        return {n: i for n, i in self.inputs.items() if self.types[n].endswith(typ)}


def start_mocks(recorder: Recorder, stack: str, *, preview: bool = False) -> None:
    """A fresh mock engine: drop what an earlier (or failed) run left behind, as `pulumi.runtime.test` does."""
    psettings.ROOT.set(None)
    psettings.SETTINGS.rpc_manager.clear()
    psettings.SETTINGS.outputs.clear()
    pulumi.runtime.set_mocks(recorder, project=PROJECT, stack=stack, preview=preview)


def set_stack_config(values: dict[str, Any], secret: frozenset[str]) -> None:
    """The stack's config as the engine hands it to the program (structured values as JSON)."""
    wire = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    pulumi.runtime.set_all_config(wire, sorted(secret))


def stack_input(stack_values: StackValues, stack: str,
                mutate: Mutate | None = None) -> tuple[StackConfig, dict[str, Any], frozenset[str]]:
    """An example stack's typed config after `mutate` changed its raw values, with those values."""
    values, secret = stack_values(stack)
    if mutate:
        mutate(values)
    return parse_config(values, secret), values, secret


def stack_config(stack_values: StackValues, stack: str, mutate: Mutate | None = None) -> StackConfig:
    return stack_input(stack_values, stack, mutate)[0]


def run(body: Callable[[], T]) -> T:
    """Run `body` as a Pulumi program under the mocks started last; wait for every registration."""
    holder: list[T] = []
    _sync_await(run_pulumi_func(lambda: holder.append(body())))
    return holder[0]


def resolved_exports(component: Exporter) -> dict[str, Any]:
    """A component's exports with every Output resolved."""
    return {key: _sync_await(pulumi.Output.from_input(value).future()) for key, value in component.exports().items()}


def after_all(resources: list[pulumi.CustomResource], check: Callable[[Any], None]) -> pulumi.Output[Any]:
    """For `@pulumi.runtime.test` tests: run `check` once every resource has been registered."""
    return pulumi.Output.all(*[r.id for r in resources]).apply(check)


def plan_program(stack: str, mutate: Mutate | None = None) -> ProgramRun:
    """The whole program (`__main__.py`) as `launchready plan` runs it, on an example stack changed by `mutate`."""
    stack_file = read_stack_file(stack, PROJECT_ROOT)
    values = json.loads(json.dumps(stack_file.values))
    if mutate:
        mutate(values)
    return run_program(dataclasses.replace(stack_file, values=values), PROJECT_ROOT)


@pytest.fixture(autouse=True)
def event_loop_of_its_own() -> Iterator[None]:
    """Pulumi's runtime runs on the thread's current event loop; an earlier `asyncio.run()` or program run in
    this process may have left none, so each component test gets a loop of its own, closed afterwards."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()


@pytest.fixture
def recorder() -> Recorder:
    """Mocks started for a stack named "test", for tests that build components inside `@pulumi.runtime.test`."""
    rec = Recorder()
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_mocks(rec, project=PROJECT, stack="test", preview=False)
    return rec
