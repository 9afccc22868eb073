"""What holds for every rule of the pack, over the Analyzer gRPC protocol: each rule lives in the module of
its name prefix and has pass_*/fail_* fixtures in the test module of the same name; it is documented,
named and tunable; unknown values and odd shapes never crash it; the memoized SDK path changes nothing."""

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
from tests.policies import (
    test_pack_aws_cloudwatch,
    test_pack_aws_iam,
    test_pack_aws_route53,
    test_pack_aws_secretsmanager,
    test_pack_aws_ses,
    test_pack_cloudflare_dnsrecord,
    test_pack_cloudflare_pagerule,
    test_pack_cloudflare_ruleset,
    test_pack_cloudflare_zerotrust,
    test_pack_cloudflare_zonesetting,
)
from tests.policies.fixtures import (
    ACCESS_APP,
    ACCESS_POLICY,
    ALARM,
    DNS,
    IDENTITY,
    PAGE_RULE,
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
    found,
    res,
)

MODULES = [test_pack_aws_cloudwatch, test_pack_aws_iam, test_pack_aws_route53, test_pack_aws_secretsmanager,
           test_pack_aws_ses, test_pack_cloudflare_dnsrecord, test_pack_cloudflare_pagerule,
           test_pack_cloudflare_ruleset, test_pack_cloudflare_zerotrust, test_pack_cloudflare_zonesetting]
CASES: list[Case] = [c for m in MODULES for c in m.CASES]


def module_of(policy: str) -> str:
    """The module that holds a rule: `pack_<vendor>_<service>` from the rule name's first two parts."""
    return "pack_" + "_".join(policy.split("-")[:2])


def test_every_rule_has_pass_and_fail_fixtures(pack: PolicyPackClient) -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for case in CASES:
        kinds[case.rule].add(case.name.split("_", 1)[0])
    names = {p.name for p in pack.info.policies}
    assert set(kinds) <= names, set(kinds) - names
    missing = {name: {"pass", "fail"} - kinds[name] for name in names if {"pass", "fail"} - kinds[name]}
    assert missing == {}
    # ... in the test module named after the rule's module
    for module in MODULES:
        for case in module.CASES:
            assert module.__name__.rsplit(".", 1)[1] == "test_" + module_of(case.rule), (case.name, case.rule)
    # and every fail_* fixture of a rule does fail that rule
    for case in CASES:
        if case.name.startswith("fail_"):
            assert case.rule in {p for p, _, _ in case.expected}, case.name


def test_every_rule_lives_in_the_module_of_its_prefix(repo_root: Path, pack: PolicyPackClient) -> None:
    for policy in pack.info.policies:
        module = repo_root / "policies" / f"{module_of(policy.name)}.py"
        assert module.is_file() and f'"{policy.name}"' in module.read_text(), policy.name
        assert (repo_root / "tests" / "policies" / f"test_{module.name}").is_file(), policy.name
    others = [p for p in (repo_root / "policies").glob("pack_*.py") if 'name="' in p.read_text()
              and "_rule(" in p.read_text() and p.stem not in {module_of(x.name) for x in pack.info.policies}]
    assert others == []


def test_every_rule_is_documented_named_and_tunable(pack: PolicyPackClient) -> None:
    assert len(pack.info.policies) >= 41
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
        # the cache rules judge a ruleset against the zone's hostnames (DNS records, zones, Access apps)
        "cloudflare-ruleset-disallow-cache-authenticated-traffic",
        "cloudflare-ruleset-disallow-cache-everything-without-guard",
        # Access policies are judged for the internal hosts their applications protect
        "cloudflare-zerotrust-accesspolicy-disallow-open-decision",
        "cloudflare-zerotrust-accesspolicy-disallow-public-email-domain",
        "cloudflare-zerotrust-accessapplication-configure-session-duration",
    }


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
    res(SECRET, "u-secret", {"recoveryWindowInDays": UNKNOWN_NUMBER, "kmsKeyId": UNKNOWN, "name": UNKNOWN,
                             "policy": UNKNOWN}),
    res(PAGE_RULE, "u-page", {"target": UNKNOWN, "actions": {"cacheLevel": UNKNOWN, "ssl": UNKNOWN}}),
    res(ACCESS_POLICY, "u-policy", {"decision": UNKNOWN, "includes": UNKNOWN_ARRAY, "sessionDuration": UNKNOWN}),
    res("aws:iam/policy:Policy", "u-iam", {"policy": UNKNOWN}),
    res("aws:iam/role:Role", "u-role", {"inlinePolicies": UNKNOWN_ARRAY, "managedPolicyArns": UNKNOWN_ARRAY}),
    res("aws:route53/healthCheck:HealthCheck", "u-hc", {"disabled": UNKNOWN_BOOL}),
    res(RULESET, "u-managed", {"phase": "http_request_firewall_managed", "rules": [
        {"expression": UNKNOWN, "action": "execute", "actionParameters": {"id": "x", "overrides": UNKNOWN}}]}),
    res(RULESET, "u-limits", {"phase": "http_ratelimit", "rules": [
        {"expression": "true", "action": UNKNOWN, "ratelimit": {"period": UNKNOWN_NUMBER}}]}),
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
    case = test_pack_aws_ses.CASES.named("pass_dkim_tokens_unknown_in_preview")
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
        assert cells[7] == f"`{module_of(policy.name)}.py`", policy.name


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
    res(SECRET, "odd-secret", {"recoveryWindowInDays": "thirty", "kmsKeyId": 12, "policy": 7}),
    res(PAGE_RULE, "odd-page", {"target": 5, "actions": "cache_everything"}),
    res(PAGE_RULE, "odd-page-list", {"target": "example.com/*", "actions": [{"cacheLevel": "cache_everything"}]}),
    res(ACCESS_APP, "odd-app", {"domain": ["admin.example.com"], "policies": "p", "sessionDuration": 24}),
    res(ACCESS_POLICY, "odd-policy", {"decision": 1, "includes": [{"everyone": True}, "x", {"emailDomain": "gmail"}],
                                      "sessionDuration": "forever"}),
    res("aws:iam/policy:Policy", "odd-iam", {"policy": {"Statement": "Allow everything"}}),
    res("aws:iam/rolePolicy:RolePolicy", "odd-iam-2", {"policy": '{"Statement": [1, {"Effect": "Allow"}]}'}),
    res("aws:iam/role:Role", "odd-role", {"inlinePolicies": [{"policy": 3}], "managedPolicyArns": "arn"}),
    res("aws:route53/healthCheck:HealthCheck", "odd-hc", {"disabled": "yes"}),
    res(RULESET, "odd-managed", {"phase": "http_request_firewall_managed", "rules": [
        {"action": "execute", "actionParameters": "x", "expression": 4}]}),
    res(RULESET, "odd-limits", {"phase": "http_ratelimit", "rules": [{"action": "block", "ratelimit": "fast"}]}),
    res(ALARM, "odd-uptime", {"namespace": "AWS/Route53", "metricName": "HealthCheckStatus", "period": "a minute",
                              "evaluationPeriods": [2], "treatMissingData": 0, "okActions": "arn"}),
    res(DNS, "odd-txt", {"name": "x._domainkey.example.com", "type": "TXT", "content": {"p": "key"}}),
]


def test_odd_shapes_never_crash_the_pack(pack: PolicyPackClient) -> None:
    """Wrong types are judged (or fail closed with a message naming the resource), never a gRPC error."""
    names = {r["urn"]: r["name"] for r in ODD_SHAPES}
    got = {(v["policy"], names.get(v["urn"], "")) for v in found_violations(pack, ODD_SHAPES)}
    assert ("cloudflare-zonesetting-configure-min-tls", "odd-tls") in got
    assert ("cloudflare-dnsrecord-disallow-private-address", "odd-record") in got
    assert ("cloudflare-ruleset-configure-secure-redirects", "odd-redirect") in got
    assert not any(name == "odd-identity" for _, name in got)  # not a domain name: no sending domain
    assert ("aws-iam-policy-disallow-full-admin", "odd-iam") in got  # a Statement string: cannot be shown safe
    assert ("cloudflare-zerotrust-accessapplication-configure-session-duration", "odd-policy") in got


def found_violations(pack: PolicyPackClient, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pack.configure({}, {"environment": "prod"})
    try:
        return pack.analyze(resources)
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"the pack failed on odd shapes: {exc}")
