"""Run the Pulumi program in-process under Pulumi's unit-test mocks and capture what it declares.

This is what `pulumi preview` would send to the engine: every resource registration with its type, name,
parent, provider, dependencies and inputs (the camelCase property map), plus the stack outputs. Secret
values are masked as `[secret]` before anything leaves this module.
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pmocks
from pulumi.runtime import settings as psettings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from launchready.plan.mocks import PlanMocks
from launchready.stackfile import SECRET_PLACEHOLDER, StackFile

#: How Pulumi marks a secret value on the wire.
_SECRET_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270"


def mask_secrets(value: Any) -> Any:
    """Replace every wire-marked secret (and every placeholder) by the string `[secret]`."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == _SECRET_SIG_VALUE:
            return SECRET_PLACEHOLDER
        return {k: mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    provider: str
    inputs: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "provider": self.provider,
            "inputs": self.inputs,
            "dependencies": self.dependencies,
            "propertyDependencies": self.property_dependencies,
        }


@dataclass
class ProgramRun:
    stack_urn: str
    resources: list[PlannedResource]
    outputs: dict[str, Any]


class CapturingMonitor(pmocks.MockMonitor):
    """The stock mock monitor, also recording what the engine would see of each registration."""

    def __init__(self, mocks: PlanMocks) -> None:
        super().__init__(mocks)
        self.plan_mocks = mocks
        self.captured: list[PlannedResource] = []
        self.stack_urn = ""

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = urn
            return response
        if request.type == "pulumi:providers:aws":
            inputs = pmocks.rpc.deserialize_properties(request.object)
            region = inputs.get("region")
            if isinstance(region, str):
                self.plan_mocks.provider_regions[urn] = region
        inputs = pmocks.rpc.deserialize_properties(request.object, keep_unknowns=True)
        # Dependencies are sets to the engine; sorted, so the same program always gives the same document.
        prop_deps = {k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())}
        provider = request.provider.rsplit("::", 1)[0] if request.provider else ""
        self.captured.append(
            PlannedResource(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                provider=provider,
                inputs=mask_secrets(_plain(inputs)),
                dependencies=sorted(request.dependencies),
                property_dependencies=prop_deps,
            )
        )
        return response


def _plain(value: Any) -> Any:
    """Deserialized inputs can hold resource references; keep them JSON-friendly."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    return str(value)


@contextmanager
def _program_environment(root: Path) -> Any:
    old_cwd = os.getcwd()
    old_path = list(sys.path)
    os.chdir(root)
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


async def _resolve_outputs(outputs: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for key, value in outputs.items():
        out = pulumi.Output.from_input(value)
        plain = await out.future()
        secret = await out.is_secret()
        resolved[key] = SECRET_PLACEHOLDER if secret else mask_secrets(_plain(plain))
    return resolved


@contextmanager
def _own_event_loop() -> Iterator[None]:
    """Pulumi's runtime runs on `asyncio.get_event_loop()`. Each program run gets a loop of its own (so an
    earlier `asyncio.run()` elsewhere in the process, which leaves none, does not matter); its leftover tasks
    are cancelled, it is closed, and the thread's previous loop (or none) is current again."""
    previous = _current_loop()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(previous if previous is not None and not previous.is_closed() else None)


def _current_loop() -> asyncio.AbstractEventLoop | None:
    """The thread's current event loop, without creating one as `get_event_loop()` would (a loop created
    here would be left unclosed); None under a policy that does not say."""
    local = getattr(asyncio.get_event_loop_policy(), "_local", None)
    loop = getattr(local, "_loop", None)
    return loop if isinstance(loop, asyncio.AbstractEventLoop) and not loop.is_closed() else None


def run_program(stack_file: StackFile, root: Path, *, preview: bool = True) -> ProgramRun:
    """Run `<root>/__main__.py` for one stack under mocks. Exceptions from the program propagate."""
    with _own_event_loop():
        return _run_program(stack_file, root, preview=preview)


def _run_program(stack_file: StackFile, root: Path, *, preview: bool) -> ProgramRun:
    region = str(stack_file.values.get("aws:region") or "us-east-1")
    mocks = PlanMocks(default_region=region)
    monitor = CapturingMonitor(mocks)
    psettings.ROOT.set(None)
    pulumi.runtime.set_mocks(
        mocks, project=stack_file.project, stack=stack_file.stack, preview=preview, monitor=monitor
    )
    pulumi.runtime.set_all_config(stack_file.pulumi_config(), sorted(stack_file.secret_keys))
    program = root / "__main__.py"

    def body() -> None:
        with _program_environment(root):
            runpy.run_path(str(program), run_name="__main__")

    _sync_await(run_pulumi_func(body))
    stack = psettings.get_root_resource()
    raw_outputs: dict[str, Any] = dict(getattr(stack, "outputs", {}) or {})
    outputs = _sync_await(_resolve_outputs(raw_outputs))
    # Let late callbacks finish before the next run in this process.
    _sync_await(asyncio.sleep(0))
    return ProgramRun(stack_urn=monitor.stack_urn, resources=list(monitor.captured), outputs=outputs)
