"""What the handover is written from: the stack config, the offline plan of the program under mocks, every
stack's effective settings (for the environment matrix) and, optionally, the deployed stack's outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from components.config import ConfigError, StackConfig, parse_config
from launchready.handover.deployed import Deployed, read_deployed
from launchready.handover.matrix import settings
from launchready.stackfile import StackFile, available_stacks, read_stack_file


@dataclass
class HandoverInput:
    stack_file: StackFile
    config: StackConfig
    #: `Plan.to_json()`: resources[] and outputs (values unknown until deploy are fabricated by the mocks)
    plan: dict[str, Any]
    #: stack name -> effective settings, staging first, prod next, others after
    environments: dict[str, dict[str, str]]
    environment_problems: list[str] = field(default_factory=list)
    #: `pulumi stack output --json` of the deployed stack, when given: ids, tokens and records that exist
    #: only after deploy come from here
    deployed: dict[str, Any] | None = None

    @property
    def stack(self) -> str:
        return self.stack_file.stack

    @property
    def project(self) -> str:
        return self.stack_file.project

    @cached_property
    def known(self) -> Deployed:
        """The deployed outputs by shape (launchready.handover.deployed); ValueError for a wrong shape."""
        return read_deployed(self.deployed)

    @property
    def outputs(self) -> dict[str, Any]:
        return dict(self.plan.get("outputs") or {})

    def resources(self, type_token: str) -> list[dict[str, Any]]:
        return [r for r in self.plan.get("resources", []) if r.get("type") == type_token]


def _environment_rank(name: str, cfg: StackConfig | None) -> tuple[int, str]:
    env = cfg.environment.value if cfg is not None else name
    return ({"staging": 0, "prod": 1}.get(env, 2), name)


def environments(stack_file: StackFile, cfg: StackConfig, root: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Effective settings of every stack in the project (this one as given), and the stacks that failed."""
    loaded: dict[str, tuple[dict[str, str], StackConfig | None]] = {
        stack_file.stack: (settings(cfg, stack_file), cfg)
    }
    problems: list[str] = []
    for name in available_stacks(root):
        if name == stack_file.stack:
            continue
        try:
            other = read_stack_file(name, root)
            other_cfg = parse_config(other.values, other.secret_keys, source=other.path.name)
        except ConfigError as exc:
            problems.append(f"Pulumi.{name}.yaml is left out: {len(exc.problems)} config problem(s) "
                            f"(run `launchready plan --stack {name}`)")
            continue
        loaded[name] = (settings(other_cfg, other), other_cfg)
    order = sorted(loaded, key=lambda n: _environment_rank(n, loaded[n][1]))
    return {name: loaded[name][0] for name in order}, problems


def gather(stack: str, root: Path, deployed: dict[str, Any] | None = None) -> HandoverInput:
    """Validate the stack, plan it offline (no policy pack: the handover describes, it does not judge).

    Raises ConfigError for a bad stack file; exceptions of the program itself propagate.
    """
    from launchready.plan.document import build_plan

    plan = build_plan(stack, root, with_policies=False)
    envs, problems = environments(plan.stack_file, plan.config, root)
    return HandoverInput(plan.stack_file, plan.config, plan.to_json(), envs, problems, deployed)
