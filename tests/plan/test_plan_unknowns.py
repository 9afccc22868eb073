"""Values known only after apply (ids, ARNs, DKIM tokens, audience tags the plan's mocks make up) read as
`pulumi preview` shows them: "(known after apply)" in the text plan; in --json the value is kept (the
diagram and adopt read the document) and named in the resource's unknownInputs / the document's
unknownOutputs (JSON Pointers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launchready.plan.document import KNOWN_AFTER_APPLY, Plan, build_plan, shown
from launchready.plan.render import render_text

_plans: dict[str, Plan] = {}


@pytest.fixture(scope="module")
def prod(repo_root: Path) -> tuple[Plan, dict[str, Any]]:
    if "prod" not in _plans:
        _plans["prod"] = build_plan("prod", repo_root, with_policies=False)
    return _plans["prod"], _plans["prod"].to_json()


def _of(doc: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r for r in doc["resources"] if r["type"] == type_token]


def test_the_text_plan_shows_no_made_up_arn_or_account(prod: tuple[Plan, dict[str, Any]]) -> None:
    plan, _ = prod
    text = render_text(plan)
    assert "123456789012" not in text and "arn:aws:" not in text
    assert "kmsKeyId=(known after apply)" in text
    assert "name=launchready/prod/database-url" in text  # a value the program declares stays as it is


def test_json_keeps_the_values_and_names_the_unknown_ones(prod: tuple[Plan, dict[str, Any]]) -> None:
    _, doc = prod
    for secret in _of(doc, "aws:secretsmanager/secret:Secret"):
        assert secret["inputs"]["kmsKeyId"].startswith("arn:aws:kms:")  # kept: other tools read it
        assert "/kmsKeyId" in secret["unknownInputs"] and "/name" not in secret["unknownInputs"]
    for policy in _of(doc, "aws:secretsmanager/secretPolicy:SecretPolicy"):
        assert "/secretArn" in policy["unknownInputs"]
    for alarm in _of(doc, "aws:cloudwatch/metricAlarm:MetricAlarm"):
        assert {f"/alarmActions/{i}" for i in range(len(alarm["inputs"]["alarmActions"]))} <= set(
            alarm["unknownInputs"])
        assert "/metricName" not in alarm["unknownInputs"] and "/threshold" not in alarm["unknownInputs"]
    for record in _of(doc, "cloudflare:index/dnsRecord:DnsRecord"):
        dkim = "._domainkey." in record["inputs"]["name"]
        assert ("/name" in record["unknownInputs"]) is dkim  # SES picks the tokens at deploy
        assert "/type" not in record["unknownInputs"]
    unknown = set(doc["unknownOutputs"])
    assert {"/sesIdentityArn", "/secretsKeyArn", "/healthChecks/homepage/id"} <= unknown
    assert not unknown & {"/domain", "/canonicalHost", "/environment", "/healthChecks/homepage/fqdn"}
    host = next(iter(doc["outputs"]["accessApps"]))
    assert f"/accessApps/{host}/aud" in unknown  # a hostname's dots stay inside one pointer segment


def test_shown_replaces_exactly_the_pointed_values() -> None:
    value = {"a/b": ["x", {"arn": "made"}], "keep": "y", "~t": "z"}
    assert shown(value, ["/a~1b/1/arn", "/~0t"]) == {"a/b": ["x", {"arn": KNOWN_AFTER_APPLY}], "keep": "y",
                                                     "~t": KNOWN_AFTER_APPLY}
    assert shown(value, []) is value


def test_the_summary_counts_violations_past_the_per_rule_cap(prod: tuple[Plan, dict[str, Any]]) -> None:
    import dataclasses

    plan, _ = prod
    shown_one = {"policy": "r", "enforcement": "mandatory", "urn": "u", "message": "m"}
    capped = dataclasses.replace(plan, violations=[shown_one], policy_rules=[
        {"policy": "r", "enforcement": "mandatory", "violations": 60, "violationsNotShown": 59, "status": "violated"},
        {"policy": "a", "enforcement": "advisory", "violations": 0, "violationsNotShown": 0, "status": "passed"},
    ])
    assert capped.to_json()["summary"]["violations"] == {"mandatory": 60, "advisory": 0}
