"""The offline plan as data: the `plan --json` document other tools read.

Contract (extend, never rename): `stack`, `project`, `environment`, `resources[]` (each `urn`, `type`,
`name`, `parent`, `custom`, `provider`, `inputs`, `dependencies`, `propertyDependencies`), `outputs`,
`violations[]` (each `policy`, `enforcement`, `urn`, `message`, plus `severity`), `notes[]`, `summary`;
`launchready plan --json` adds `root` and `stackFile` (the project root and stack file it used) and
`paths` (the request paths, launchready.diagram.model).
Values known only after apply (ids, ARNs, tokens the plan's mocks make up, as `pulumi preview` shows them
unknown) are kept, and named: each resource's `unknownInputs` and the document's `unknownOutputs` list the
JSON Pointers (RFC 6901) of the values that hold one (launchready.plan.document.unknown_pointers).
A resource that `import-<stack>.json` adopts also has `importId` and `adoption` (`changes`, `live`,
`protect`); `summary.adopt` counts them. With the policy pack, each violation also has `remediation`,
`policies[]` has one row per rule (`policy`, `type`, `enforcement`, `severity`, `evaluated` resources,
`violations`, `status`: passed / violated / nothing to judge / disabled), and `summary.policies` counts them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.config import StackConfig
from launchready.plan.mocks import ACCOUNT_ID
from launchready.plan.runner import ProgramRun, run_program
from launchready.plan.todos import stack_todos
from launchready.stackfile import StackFile, read_stack_file, validate

#: how the text plan and the Markdown show a value known only after apply (as `pulumi preview` does)
KNOWN_AFTER_APPLY = "(known after apply)"
#: made-up values shorter than this (a ruleset version "1", a status) are not looked for inside other values
_MIN_MADE_UP = 8


def _segment(key: Any) -> str:
    """One JSON Pointer segment (RFC 6901: ~ and / escaped)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def _leaves(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(JSON Pointer, value) of every scalar inside `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{pointer}/{_segment(key)}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{pointer}/{i}")
    else:
        yield pointer, value


def made_up_values(run: ProgramRun, default_region: str) -> frozenset[str]:
    """Every value the plan's mocks fabricated for the resources of `run` (what a real deploy returns: ids,
    ARNs, tokens), found by asking the same mocks again: what they return beyond a resource's inputs."""
    import pulumi

    from launchready.plan.mocks import PlanMocks

    mocks = PlanMocks(default_region)
    for res in run.resources:
        if res.type == "pulumi:providers:aws" and isinstance(res.inputs.get("region"), str):
            mocks.provider_regions[res.urn] = res.inputs["region"]
    made: set[str] = {ACCOUNT_ID}
    for res in run.resources:
        if not res.custom:
            continue
        args = pulumi.runtime.MockResourceArgs(res.type, res.name, dict(res.inputs), res.provider, None, True)
        rid, state = mocks.new_resource(args)
        given = {v for _, v in _leaves(res.inputs) if isinstance(v, str)}
        state.pop("region", None)  # the provider's region: known before apply
        made.update(v for _, v in _leaves([rid, state]) if isinstance(v, str) and v not in given)
    return frozenset(v for v in made if len(v) >= _MIN_MADE_UP)


def unknown_pointers(value: Any, made_up: frozenset[str]) -> list[str]:
    """JSON Pointers of the strings inside `value` that hold a made-up value (known only after apply)."""
    if not made_up:
        return []
    pattern = re.compile("|".join(re.escape(v) for v in sorted(made_up, key=len, reverse=True)))
    return [p for p, v in _leaves(value) if isinstance(v, str) and pattern.search(v)]


def shown(value: Any, pointers: list[str], at: str = "") -> Any:
    """A copy of `value` with each value at `pointers` replaced by KNOWN_AFTER_APPLY (for people)."""
    if at in pointers:
        return KNOWN_AFTER_APPLY
    if not any(p.startswith(at + "/") for p in pointers):
        return value
    if isinstance(value, dict):
        return {k: shown(v, pointers, f"{at}/{_segment(k)}") for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v, pointers, f"{at}/{i}") for i, v in enumerate(value)]
    return value


@dataclass
class Plan:
    stack_file: StackFile
    config: StackConfig
    run: ProgramRun
    violations: list[dict[str, Any]]
    #: URN -> the fields its resource gains when import-<stack>.json adopts it (launchready.adopt.planview)
    adoption: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: one row per rule of the policy pack: what it evaluated (launchready.plan.policy.PolicyRun.rules)
    policy_rules: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mandatory_violations(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("enforcement") == "mandatory"]

    def to_json(self) -> dict[str, Any]:
        by_type = Counter(r.type for r in self.run.resources)
        enforcement = Counter(str(v.get("enforcement")) for v in self.violations)
        for row in self.policy_rules:  # violations past the per-rule cap still count
            enforcement[str(row.get("enforcement"))] += int(row.get("violationsNotShown") or 0)
        made_up = made_up_values(self.run, str(self.stack_file.values.get("aws:region") or "us-east-1"))
        return {
            "stack": self.stack_file.stack,
            "project": self.stack_file.project,
            "environment": self.config.environment.value,
            "stackUrn": self.run.stack_urn,
            "resources": [{**r.to_json(), "unknownInputs": unknown_pointers(r.inputs, made_up),
                           **self.adoption.get(r.urn, {})}
                          for r in sorted(self.run.resources, key=lambda r: r.urn)],
            "outputs": self.run.outputs,
            "unknownOutputs": unknown_pointers(self.run.outputs, made_up),
            "violations": self.violations,
            "notes": [*self.config.notes(), *stack_todos(self.stack_file)],
            "summary": {
                "resources": len(self.run.resources),
                "byType": dict(sorted(by_type.items())),
                "adopt": len(self.adoption),
                "violations": {
                    "mandatory": enforcement.get("mandatory", 0),
                    "advisory": enforcement.get("advisory", 0),
                },
                "policies": dict(sorted(Counter(r["status"] for r in self.policy_rules).items())),
            },
            "policies": self.policy_rules,
        }


def policy_settings_for(cfg: StackConfig, default_region: str) -> dict[str, Any]:
    """What the policy pack should know of this stack (the lists it checks against)."""
    return {
        "environment": cfg.environment.value,
        "defaultRegion": default_region,
        "authenticatedPathPrefixes": list(cfg.cache.authenticated_path_prefixes),
        "sessionCookies": list(cfg.cache.session_cookies),
        "internalHosts": [cfg.fqdn(label) for label in cfg.internal_labels],
    }


def build_plan(stack: str, root: Path, *, with_policies: bool = True) -> Plan:
    """Validate the stack file, run the program under mocks, run the policy pack. Raises ConfigError.

    The pack's process starts first, in a thread, so its interpreter starts up on the other core while
    the program runs here."""
    from launchready.adopt.planview import plan_adoption
    from launchready.plan.policy import PolicyPackClient, PolicyRun, run_policy_pack_report

    stack_file = read_stack_file(stack, root)
    config = validate(stack_file, root)  # the same checks and redaction as every other command
    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = (pool.submit(PolicyPackClient, root / "policies", stack=stack_file.stack,
                                project=stack_file.project) if with_policies else None)
        try:
            run = run_program(stack_file, root)
            adoption = plan_adoption(root, stack_file.stack, config, run.resources, run.stack_urn)
        except BaseException:
            if starting is not None:
                with suppress(Exception):
                    starting.result().close()
            raise
        pack_run = PolicyRun([], [])
        if starting is not None:
            default_region = str(stack_file.values.get("aws:region") or "us-east-1")
            pack_run = run_policy_pack_report(
                [r.to_json() for r in run.resources],
                stack=stack_file.stack,
                project=stack_file.project,
                policy_config=policy_settings_for(config, default_region),
                client=starting.result(),
            )
    return Plan(stack_file, config, run, pack_run.violations, adoption, pack_run.rules)
