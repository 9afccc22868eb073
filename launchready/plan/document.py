"""The offline plan as data: the `plan --json` document other tools read.

Contract (extend, never rename): `stack`, `project`, `environment`, `resources[]` (each `urn`, `type`,
`name`, `parent`, `custom`, `provider`, `inputs`, `dependencies`, `propertyDependencies`), `outputs`,
`violations[]` (each `policy`, `enforcement`, `urn`, `message`, plus `severity`), `notes[]`, `summary`;
`launchready plan --json` adds `root` and `stackFile` (the project root and stack file it used) and
`paths` (the request paths, launchready.diagram.model).
A resource that `import-<stack>.json` adopts also has `importId` and `adoption` (`changes`, `live`,
`protect`); `summary.adopt` counts them. With the policy pack, each violation also has `remediation`,
`policies[]` has one row per rule (`policy`, `type`, `enforcement`, `severity`, `evaluated` resources,
`violations`, `status`: passed / violated / nothing to judge / disabled), and `summary.policies` counts them.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.config import StackConfig
from launchready.plan.runner import ProgramRun, run_program
from launchready.plan.todos import stack_todos
from launchready.stackfile import StackFile, read_stack_file, validate


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
        return {
            "stack": self.stack_file.stack,
            "project": self.stack_file.project,
            "environment": self.config.environment.value,
            "stackUrn": self.run.stack_urn,
            "resources": [{**r.to_json(), **self.adoption.get(r.urn, {})}
                          for r in sorted(self.run.resources, key=lambda r: r.urn)],
            "outputs": self.run.outputs,
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
