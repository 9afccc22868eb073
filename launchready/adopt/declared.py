"""What the program declares for a stack: run it under mocks the way `launchready plan` does (its runner),
so types, logical names, parents and inputs are the program's own, never re-derived here."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from components.config import ConfigError, StackConfig
from launchready.plan.runner import PlannedResource, ProgramRun, run_program
from launchready.stackfile import StackFile, read_stack_file, validate

DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
RULESET = "cloudflare:index/ruleset:Ruleset"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
SNS_TOPIC = "aws:sns/topic:Topic"


@dataclass
class Declared:
    stack_file: StackFile
    config: StackConfig
    resources: list[PlannedResource]
    stack_urn: str

    def of_type(self, type_token: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_token]

    def by_urn(self) -> dict[str, PlannedResource]:
        return {r.urn: r for r in self.resources}

    def region_of(self, res: PlannedResource) -> str:
        """The AWS region a resource lives in: its own `region`, its provider's, else the stack's."""
        region = res.inputs.get("region")
        if isinstance(region, str) and region:
            return region
        provider = self.by_urn().get(res.provider)
        if provider is not None and isinstance(provider.inputs.get("region"), str):
            return str(provider.inputs["region"])
        return str(self.stack_file.values.get("aws:region") or "us-east-1")


#: Runs of the program by what determines them (the program's text, project, stack, config): the same stack
#: declares the same resources, so a process that adopts one stack repeatedly (a test suite) runs it once.
_RUNS: OrderedDict[str, ProgramRun] = OrderedDict()
_RUNS_KEPT = 8


def _run_key(stack_file: StackFile, root: Path) -> str:
    program = (root / "__main__.py").read_bytes() if (root / "__main__.py").is_file() else b""
    facts = [stack_file.project, stack_file.stack, sorted(stack_file.secret_keys), stack_file.values]
    return hashlib.sha256(program + json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _run(stack_file: StackFile, root: Path) -> ProgramRun:
    key = _run_key(stack_file, root)
    if key not in _RUNS:
        _RUNS[key] = run_program(stack_file, root)
        while len(_RUNS) > _RUNS_KEPT:
            _RUNS.popitem(last=False)
    return _RUNS[key]


def declare(stack_file: StackFile, root: Path) -> Declared:
    """Validate the stack and run the program for it. Raises ConfigError for a bad stack file."""
    config = validate(stack_file, root)
    run = _run(stack_file, root)
    return Declared(stack_file, config, list(run.resources), run.stack_urn)


def declare_text(stack: str, root: Path, text: str) -> Declared:
    """As `declare`, for a stack file's proposed new text (read back through the one loader)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy2(root / "Pulumi.yaml", Path(tmp) / "Pulumi.yaml")
        (Path(tmp) / f"Pulumi.{stack}.yaml").write_text(text, encoding="utf-8")
        proposed = read_stack_file(stack, Path(tmp))
    real = StackFile(proposed.project, proposed.stack, root / f"Pulumi.{stack}.yaml", proposed.values,
                     proposed.secret_keys)
    return declare(real, root)


__all__ = ["ConfigError", "Declared", "declare", "declare_text"]
