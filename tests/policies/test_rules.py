"""Every rule of the pack against its pass_*/fail_* fixtures, over the Analyzer gRPC protocol: Configure
(the CLI's merge), then Analyze per resource and AnalyzeStack, asserting the exact set of violations."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    ACCESS_APP,
    ALARM,
    CASES,
    DNS,
    IDENTITY,
    RULESET,
    SECRET,
    SETTING,
    SUBSCRIPTION,
    TOPIC,
    UNKNOWN,
    UNKNOWN_ARRAY,
    UNKNOWN_BOOL,
    UNKNOWN_NUMBER,
    Case,
    Violation,
    res,
)


def found(pack: PolicyPackClient, resources: list[dict[str, Any]], config: dict[str, Any] | None = None,
          tags: dict[str, str] | None = None) -> set[Violation]:
    """(policy, enforcement, resource name) of every violation; "" names a violation without a resource."""
    pack.configure(config or {}, tags)
    names = {r["urn"]: r["name"] for r in resources}
    return {(v["policy"], v["enforcement"], names.get(v["urn"], v["urn"])) for v in pack.analyze(resources)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected


def test_every_rule_has_pass_and_fail_fixtures(pack: PolicyPackClient) -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for case in CASES:
        kinds[case.rule].add(case.name.split("_", 1)[0])
    names = {p.name for p in pack.info.policies}
    assert set(kinds) <= names, set(kinds) - names
    missing = {name: {"pass", "fail"} - kinds[name] for name in names if {"pass", "fail"} - kinds[name]}
    assert missing == {}
    # and every fail_* fixture of a rule does fail that rule
    for case in CASES:
        if case.name.startswith("fail_"):
            assert case.rule in {p for p, _, _ in case.expected}, case.name


def test_every_rule_is_documented_named_and_tunable(pack: PolicyPackClient) -> None:
    assert len(pack.info.policies) >= 23
    for policy in pack.info.policies:
        assert re.fullmatch(r"(cloudflare|aws)(-[a-z0-9]+){3,}", policy.name), policy.name
        assert len(policy.description) > 40 and policy.remediation_steps, policy.name
        assert policy.severity != 0, policy.name
        assert policy.enforcementLevel in (1, 0), policy.name  # mandatory or advisory by default
        schema = json_format.MessageToDict(policy.configSchema.properties)
        assert {"includeFor", "excludeFor", "exemptions", "environment"} <= set(schema), policy.name
        assert all("type" in spec for spec in schema.values()), policy.name


def test_stack_policies_are_the_multi_resource_rules(pack: PolicyPackClient) -> None:
    stack = {p.name for p in pack.info.policies if p.policy_type == 2}
    assert stack == {
        "aws-ses-emailidentity-missing-dmarc", "aws-ses-emailidentity-disallow-dmarc-none-prod",
        "aws-ses-emailidentity-configure-dmarc-enforcement", "aws-ses-emailidentity-missing-spf",
        "aws-ses-emailidentity-missing-dkim", "cloudflare-dnsrecord-disallow-proxied-email-records",
        "cloudflare-zerotrust-missing-access-application", "aws-cloudwatch-metricalarm-disallow-unreachable-actions",
    }


def test_a_violation_names_what_it_found(pack: PolicyPackClient) -> None:
    case = next(c for c in CASES if c.name == "fail_starts_with_admin")
    pack.configure(case.config)
    [violation] = pack.analyze(case.resources)
    assert "/admin/reports" in violation["message"] and violation["enforcement"] == "mandatory"
    assert violation["severity"] == "critical" and not violation["message"].startswith(violation["description"])


# ---- unknown values during preview ----

UNKNOWN_RESOURCES = [
    res(SETTING, "u-ssl", {"settingId": "ssl", "value": UNKNOWN}),
    res(SETTING, "u-id", {"settingId": UNKNOWN, "value": UNKNOWN}),
    res(SETTING, "u-hsts", {"settingId": "security_header", "value": {"strict_transport_security": {
        "enabled": UNKNOWN_BOOL, "max_age": UNKNOWN_NUMBER}}}),
    res(DNS, "u-rec", {"name": UNKNOWN, "type": "A", "content": UNKNOWN, "proxied": UNKNOWN_BOOL,
                       "tags": UNKNOWN_ARRAY}),
    res(DNS, "u-txt", {"name": "_dmarc.example.com", "type": "TXT", "content": UNKNOWN}),
    res(RULESET, "u-rules", {"phase": "http_request_cache_settings", "rules": UNKNOWN_ARRAY}),
    res(RULESET, "u-rule", {"phase": "http_request_cache_settings", "rules": [
        {"expression": UNKNOWN, "action": "set_cache_settings", "actionParameters": {"cache": True}}]}),
    res(RULESET, "u-waf", {"phase": "http_request_firewall_custom", "rules": [
        {"expression": UNKNOWN, "action": "skip"}]}),
    res(ACCESS_APP, "u-app", {"domain": UNKNOWN, "destinations": UNKNOWN_ARRAY}),
    res(ALARM, "u-alarm", {"alarmActions": UNKNOWN_ARRAY, "namespace": UNKNOWN, "actionsEnabled": UNKNOWN_BOOL}),
    res(TOPIC, "u-topic", {"name": UNKNOWN}),
    res(SUBSCRIPTION, "u-sub", {"topic": UNKNOWN}),
    res(IDENTITY, "u-id", {"emailIdentity": UNKNOWN}),
    res(IDENTITY, "known-id", {"emailIdentity": "example.com"}),
    res(SECRET, "u-secret", {"recoveryWindowInDays": UNKNOWN_NUMBER, "kmsKeyId": UNKNOWN, "name": UNKNOWN}),
]


@pytest.mark.parametrize("environment", ["staging", "prod"])
def test_unknown_values_never_crash_a_rule(pack: PolicyPackClient, environment: str) -> None:
    pack.configure({}, {"environment": environment})
    try:
        violations = pack.analyze(UNKNOWN_RESOURCES)
    except grpc.RpcError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"a rule raised: {exc}")
    crashed = [v for v in violations if "could not evaluate" in v["message"]]
    assert crashed == []
    # what cannot be known is said, advisory; what is known still counts (the known domain lacks its records)
    assert any("during preview" in v["message"] and v["enforcement"] == "advisory" for v in violations)
    mandatory = {v["policy"] for v in violations if v["enforcement"] == "mandatory"}
    assert mandatory == {"aws-ses-emailidentity-missing-spf", "aws-ses-emailidentity-missing-dkim"}


def test_dkim_tokens_unknown_keep_the_email_rules_mandatory(pack: PolicyPackClient) -> None:
    """The first preview of a new identity: the DKIM names are unknown, the other email rules still decide."""
    case = next(c for c in CASES if c.name == "pass_dkim_tokens_unknown_in_preview")
    without_dmarc = [r for r in case.resources if r["name"] != "dmarc"]
    assert found(pack, without_dmarc) == {("aws-ses-emailidentity-missing-dmarc", "mandatory", "identity")}


# ---- the pack as the CLI loads it ----

def test_pack_modules_do_not_shadow_other_modules(repo_root: Path) -> None:
    """The CLI runs the pack with runpy.run_path('.') from policies/, which puts it first on sys.path."""
    import subprocess

    modules = sorted({p.stem for p in (repo_root / "policies").glob("*.py")} - {"__main__"})
    assert modules and all(m.startswith("pack_") for m in modules), modules
    assert not set(modules) & set(sys.stdlib_module_names)
    check = f"import importlib.util as u; print([m for m in {modules!r} if u.find_spec(m)])"
    result = subprocess.run([sys.executable, "-c", check], cwd=repo_root, capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]", f"installed modules the pack would shadow: {result.stdout}"


def test_pack_declares_its_runtime_and_pinned_requirements(repo_root: Path) -> None:
    import yaml

    manifest = yaml.safe_load((repo_root / "policies" / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python" and manifest["runtime"]["options"]["virtualenv"] == "venv"
    lines = (repo_root / "policies" / "requirements.txt").read_text().splitlines()
    pins = {line.split(">=")[0]: line for line in lines if line and not line.startswith("#")}
    assert pins["pulumi-policy"] == "pulumi-policy>=1.21.0,<1.22" and pins["pulumi"] == "pulumi>=3.272.0,<3.273"


def test_the_memoized_sdk_path_gives_the_same_results(repo_root: Path, pack: PolicyPackClient) -> None:
    """policies/pack_runtime.py only removes repeated decoding: every fixture analyses identically without it."""
    import subprocess

    from tests.policies.fixtures import PROJECT, STACK

    installs = "import pack_runtime; print(pack_runtime.install())"
    result = subprocess.run([sys.executable, "-c", installs], cwd=repo_root / "policies", capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip() == "True", "the memoization no longer applies to the installed SDK"

    with PolicyPackClient(repo_root / "policies", stack=STACK, project=PROJECT,
                          env={"LAUNCHREADY_POLICY_PLAIN_SDK": "1"}) as plain:
        for case in CASES:
            results = []
            for client in (pack, plain):
                client.configure(case.config, case.tags)
                results.append(sorted(client.analyze(case.resources), key=lambda v: sorted(v.items())))
            assert results[0] == results[1], case.name


def test_the_rule_table_documents_every_rule(repo_root: Path, pack: PolicyPackClient) -> None:
    doc = (repo_root / "docs" / "policies.md").read_text()
    rows = {line.split("|")[1].strip().split("`")[1]: line for line in doc.splitlines()
            if line.startswith("| `") and line.count("|") >= 7}
    severities = {1: "low", 2: "medium", 3: "high", 4: "critical"}
    for policy in pack.info.policies:
        assert policy.name in rows, f"docs/policies.md has no row for {policy.name}"
        cells = [c.strip() for c in rows[policy.name].split("|")]
        level = "mandatory" if policy.enforcementLevel == 1 else "advisory"
        assert cells[4:6] == [severities[policy.severity], level], policy.name
        assert ("(stack)" in cells[1]) == (policy.policy_type == 2), policy.name
        schema = json_format.MessageToDict(policy.configSchema.properties)
        for key in set(schema) - {"includeFor", "excludeFor", "exemptions", "environment"}:
            assert f"`{key}`" in cells[6], (policy.name, key)


ODD_SHAPES = [
    res(SETTING, "odd-ssl", {"settingId": "ssl", "value": 3}),
    res(SETTING, "odd-tls", {"settingId": "min_tls_version", "value": "TLSv1.2"}),
    res(SETTING, "odd-hsts", {"settingId": "security_header", "value": "on"}),
    res(RULESET, "odd-rules", {"phase": "http_request_cache_settings", "rules": "oops"}),
    res(RULESET, "odd-redirect", {"phase": "http_request_dynamic_redirect", "rules": [
        {"action": "redirect", "actionParameters": {"fromValue": {"statusCode": "abc", "targetUrl": 5}}}]}),
    res(DNS, "odd-record", {"name": 7, "type": "A", "content": "not-an-ip", "proxied": "yes", "tags": "x"}),
    res(ALARM, "odd-alarm", {"alarmActions": "arn:aws:sns:x", "metricQueries": [1, {"metric": "m"}]}),
    res(IDENTITY, "odd-identity", {"emailIdentity": ["example.com"]}),
    res(SECRET, "odd-secret", {"recoveryWindowInDays": "thirty", "kmsKeyId": 12}),
]


def test_odd_shapes_never_crash_the_pack(pack: PolicyPackClient) -> None:
    """Wrong types are judged (or fail closed with a message naming the resource), never a gRPC error."""
    names = {r["urn"]: r["name"] for r in ODD_SHAPES}
    got = {(v["policy"], names.get(v["urn"], "")) for v in found_violations(pack, ODD_SHAPES)}
    assert ("cloudflare-zonesetting-configure-min-tls", "odd-tls") in got
    assert ("cloudflare-dnsrecord-disallow-private-address", "odd-record") in got
    assert ("cloudflare-ruleset-configure-secure-redirects", "odd-redirect") in got
    assert not any(name == "odd-identity" for _, name in got)  # not a domain name: no sending domain


def found_violations(pack: PolicyPackClient, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pack.configure({}, {"environment": "prod"})
    try:
        return pack.analyze(resources)
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"the pack failed on odd shapes: {exc}")
