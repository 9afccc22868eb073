"""components.naming is what the operator tools read instead of the component modules: it must not load a
provider SDK, and the component modules must keep re-exporting the same objects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from components import alerts, dns, email, monitoring, naming
from components.config import parse_config
from tests.components.conftest import plan_program

REPO = Path(__file__).resolve().parents[2]
PROVIDERS = ("pulumi_aws", "pulumi_cloudflare")
#: What the operator tools import from the program side: none of it may load the Pulumi SDK.
LIGHT_MODULES = ["components.naming", "components.config", "components.facts", "components.expressions"]


def loaded_after_import(module: str) -> list[str]:
    sdk = ("pulumi", *PROVIDERS)
    code = (
        f"import json, sys; import {module}; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {sdk!r})))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                            check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_module_loads_neither_a_provider_sdk_nor_pulumi(module: str) -> None:
    assert loaded_after_import(module) == []


def test_the_probe_sees_a_provider_sdk_when_one_is_loaded() -> None:
    # Negative control: the component modules do load the SDK, so the probe above can fail.
    assert any(m.startswith(PROVIDERS) for m in loaded_after_import("components.monitoring"))


def test_component_modules_re_export_the_same_objects() -> None:
    assert alerts.HEALTH_CHECK_REGION is naming.HEALTH_CHECK_REGION == "us-east-1"
    assert alerts.alert_regions is naming.alert_regions
    assert monitoring.HEALTH_CHECKER_REGIONS is naming.HEALTH_CHECKER_REGIONS
    assert monitoring.ENDPOINT_KEYS is naming.ENDPOINT_KEYS
    assert monitoring.source_metrics is naming.source_metrics
    assert monitoring.name_prefix is naming.name_prefix
    assert monitoring.FAILED_JOBS_METRIC == naming.FAILED_JOBS_METRIC == "FailedJobs"
    assert dns.record_comment is naming.record_comment
    assert dns.COMMENT_MAX == naming.COMMENT_MAX == 100
    assert email.mail_from_mx is naming.mail_from_mx


def test_record_comment_is_cut_to_cloudflares_limit_and_keeps_owner_and_mark() -> None:
    comment = naming.record_comment("x" * 200, "platform", internal=True)
    assert len(comment) == naming.COMMENT_MAX
    assert comment.endswith("... | owner: platform [internal] | launchready")
    assert naming.record_comment("web", "team") == "web | owner: team | launchready"


def test_names_derive_from_project_and_stack() -> None:
    assert naming.name_prefix("launch-ready", "prod") == "launch-ready-prod"
    assert naming.alert_topic_name("launch-ready", "prod") == "launch-ready-prod-alerts"
    assert naming.ses_feedback_mx("eu-west-1") == "feedback-smtp.eu-west-1.amazonses.com"
    assert naming.dkim_name("abc", "example.com") == "abc._domainkey.example.com"
    assert naming.dkim_target("abc") == "abc.dkim.amazonses.com"


def test_alarm_names_are_exactly_the_alarms_the_program_declares(stack_values) -> None:
    run = plan_program("prod")
    declared = sorted((r.inputs["name"], r.inputs["region"]) for r in run.resources
                      if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm")
    cfg = parse_config(*stack_values("prod"))
    named = naming.alarm_names(cfg, "launchready", "prod", "eu-west-1")
    assert sorted(named) == declared
    assert ("launchready-prod-uptime-homepage", "us-east-1") in named
    assert ("launchready-prod-ses-bounce-rate", cfg.email.ses_region) in named
