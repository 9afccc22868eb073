"""The drill's alarm list is the program's: run the Pulumi program under mocks for both example stacks and
compare every MetricAlarm it declares (name and region) with `declared_alarms`."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchready.drill.alarms import declared_alarms
from launchready.plan.runner import run_program
from launchready.stackfile import load_stack_config, read_stack_file


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_declared_alarms_are_exactly_the_programs_metric_alarms(stack: str, repo_root: Path) -> None:
    sf = read_stack_file(stack, repo_root)
    program = run_program(sf, repo_root)
    default_region = str(sf.values["aws:region"])
    declared = {(str(r.inputs["name"]), str(r.inputs.get("region") or default_region))
                for r in program.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"}
    derived = declared_alarms(load_stack_config(stack, repo_root), sf.project, stack, default_region)
    assert {(a.name, a.region) for a in derived} == declared
    assert len(derived) == len(declared) >= 9
