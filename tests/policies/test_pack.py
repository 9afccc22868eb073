"""The policy pack, driven exactly as the Pulumi CLI drives it: a subprocess speaking the Analyzer gRPC
protocol (GetAnalyzerInfo, ConfigureStack, Configure with the CLI's config merge, Analyze, AnalyzeStack)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    ACCESS_APP,
    ALARM,
    AWS_PROVIDER,
    CACHE_CASES,
    CACHE_CONFIG,
    IDENTITY,
    MAIL_FROM,
    PROJECT,
    SECRET,
    STACK,
    SUBSCRIPTION,
    TOPIC,
    UNKNOWN,
    record,
    res,
    ruleset,
    setting,
    urn,
)


@pytest.fixture(scope="module")
def pack(repo_root: Path) -> Iterator[PolicyPackClient]:
    with PolicyPackClient(repo_root / "policies", stack=STACK, project=PROJECT) as client:
        yield client


def violations(pack: PolicyPackClient, resources: list[dict[str, Any]], config: dict[str, Any] | None = None,
               tags: dict[str, str] | None = None) -> set[tuple[str, str, str]]:
    """(policy, enforcement, resource name) of every violation."""
    pack.configure(config or {}, tags)
    names = {r["urn"]: r["name"] for r in resources}
    return {(v["policy"], v["enforcement"], names.get(v["urn"], v["urn"])) for v in pack.analyze(resources)}


def only(pack: PolicyPackClient, resources: list[dict[str, Any]], config: dict[str, Any] | None = None,
         tags: dict[str, str] | None = None) -> set[tuple[str, str]]:
    return {(p, n) for p, _, n in violations(pack, resources, config, tags)}


# ---- the pack's metadata ----

def test_every_rule_is_documented_and_tunable(pack: PolicyPackClient) -> None:
    from google.protobuf import json_format

    assert len(pack.info.policies) >= 20
    for policy in pack.info.policies:
        assert policy.description and policy.remediation_steps, policy.name
        assert policy.severity != 0, policy.name
        schema = json_format.MessageToDict(policy.configSchema.properties)
        assert {"includeFor", "excludeFor", "exemptions", "environment"} <= set(schema), policy.name
        parts = policy.name.split("-")
        assert parts[0] in ("cloudflare", "aws") and len(parts) >= 4, policy.name


# ---- zone settings ----

@pytest.mark.parametrize(("resource", "expected"), [
    (setting("pass_ssl_strict", "ssl", "strict"), set()),
    (setting("fail_ssl_flexible", "ssl", "flexible"),
     {("cloudflare-zonesetting-disallow-insecure-ssl-mode", "fail_ssl_flexible")}),
    (setting("fail_ssl_off", "ssl", "off"), {("cloudflare-zonesetting-disallow-insecure-ssl-mode", "fail_ssl_off")}),
    (setting("pass_tls_12", "min_tls_version", "1.2"), set()),
    (setting("fail_tls_10", "min_tls_version", "1.0"), {("cloudflare-zonesetting-configure-min-tls", "fail_tls_10")}),
    (setting("pass_https_on", "always_use_https", "on"), set()),
    (setting("fail_https_off", "always_use_https", "off"),
     {("cloudflare-zonesetting-enable-always-use-https", "fail_https_off")}),
    (setting("fail_dev_mode", "development_mode", "on"),
     {("cloudflare-zonesetting-disallow-development-mode", "fail_dev_mode")}),
])
def test_zone_settings(pack: PolicyPackClient, resource: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert only(pack, [resource]) == expected


def hsts(name: str, enabled: bool, max_age: int) -> dict[str, Any]:
    return setting(name, "security_header", {"strict_transport_security": {"enabled": enabled, "max_age": max_age}})


def test_hsts_disabled_is_rejected_in_prod_only(pack: PolicyPackClient) -> None:
    rule = "cloudflare-zonesetting-enable-hsts-prod"
    prod = {rule: {"environment": "prod"}}
    assert only(pack, [hsts("fail_hsts_off", False, 0)], prod) == {(rule, "fail_hsts_off")}
    assert only(pack, [hsts("fail_hsts_short", True, 86400)], prod) == {(rule, "fail_hsts_short")}
    assert only(pack, [hsts("pass_hsts_year", True, 31536000)], prod) == set()
    assert only(pack, [hsts("pass_hsts_off_staging", False, 0)], {rule: {"environment": "staging"}}) == set()
    # the environment can also come from a stack tag
    assert only(pack, [hsts("fail_hsts_tag", False, 0)], tags={"environment": "prod"}) == {(rule, "fail_hsts_tag")}


# ---- cache rules ----

@pytest.mark.parametrize("case", sorted(CACHE_CASES))
def test_cache_rules(pack: PolicyPackClient, case: str) -> None:
    resource, fails = CACHE_CASES[case]
    rule = "cloudflare-ruleset-disallow-cache-authenticated-traffic"
    expected = {(rule, case)} if fails else set()
    assert only(pack, [resource], {rule: CACHE_CONFIG}) == expected


def test_cache_violation_names_the_request_it_would_cache(pack: PolicyPackClient) -> None:
    resource, _ = CACHE_CASES["fail_starts_with_admin"]
    rule = "cloudflare-ruleset-disallow-cache-authenticated-traffic"
    pack.configure({rule: CACHE_CONFIG})
    [violation] = pack.analyze([resource])
    assert "/admin" in violation["message"] and violation["enforcement"] == "mandatory"


# ---- redirects and WAF ----

def redirect(ref: str, status: int, target: str) -> dict[str, Any]:
    return {"ref": ref, "expression": 'http.host eq "www.example.com"', "action": "redirect",
            "actionParameters": {"fromValue": {"statusCode": status, "targetUrl": {"value": target}}}}


def test_redirect_rules(pack: PolicyPackClient) -> None:
    rule = "cloudflare-ruleset-configure-secure-redirects"
    phase = "http_request_dynamic_redirect"
    assert only(pack, [ruleset("pass_redirect", phase, [redirect("a", 301, "https://example.com/")])]) == set()
    assert only(pack, [ruleset("fail_http_target", phase, [redirect("a", 301, "http://example.com/")])]) == {
        (rule, "fail_http_target")}
    assert only(pack, [ruleset("fail_status_200", phase, [redirect("a", 200, "https://example.com/")])]) == {
        (rule, "fail_status_200")}


def test_waf_skip_for_everyone_is_rejected(pack: PolicyPackClient) -> None:
    rule = "cloudflare-ruleset-disallow-waf-skip-all"
    phase = "http_request_firewall_custom"
    skip_all = {"ref": "s", "expression": "true", "action": "skip", "actionParameters": {"ruleset": "current"}}
    narrow = {**skip_all, "expression": '(http.request.uri.path eq "/healthz" and ip.src in {198.51.100.7})'}
    assert only(pack, [ruleset("fail_skip_all", phase, [skip_all])]) == {(rule, "fail_skip_all")}
    assert only(pack, [ruleset("pass_skip_narrow", phase, [narrow])]) == set()


# ---- DNS and Access ----

def test_dns_records(pack: PolicyPackClient) -> None:
    private = "cloudflare-dnsrecord-disallow-private-address"
    proxy = "cloudflare-dnsrecord-enable-proxy"
    assert only(pack, [record("fail_private", "app.example.com", "A", "10.0.0.5", proxied=True)]) == {
        (private, "fail_private")}
    assert only(pack, [record("fail_loopback", "app.example.com", "A", "127.0.0.1", proxied=True)]) == {
        (private, "fail_loopback")}
    assert only(pack, [record("fail_link_local", "app.example.com", "AAAA", "fe80::1", proxied=True)]) == {
        (private, "fail_link_local")}
    assert only(pack, [record("pass_public", "app.example.com", "A", "93.184.216.34", proxied=True)]) == set()
    found = violations(pack, [record("fail_unproxied", "app.example.com", "CNAME", "app.fly.dev")])
    assert found == {(proxy, "advisory", "fail_unproxied")}
    assert only(pack, [record("pass_dkim_dns_only", "t._domainkey.example.com", "CNAME",
                              "t.dkim.amazonses.com")]) == set()


def test_internal_hostname_needs_an_access_application(pack: PolicyPackClient) -> None:
    rule = "cloudflare-zerotrust-missing-access-application"
    admin = record("fail_admin_open", "admin.example.com", "CNAME", "admin.fly.dev", proxied=True,
                   tags=["access:internal"])
    app = res(ACCESS_APP, "admin-app", {"domain": "admin.example.com", "type": "self_hosted",
                                        "destinations": [{"type": "public", "uri": "admin.example.com"}]})
    assert only(pack, [admin]) == {(rule, "fail_admin_open")}
    assert only(pack, [admin, app]) == set()
    by_comment = record("fail_marked_by_comment", "ops.example.com", "CNAME", "ops.fly.dev", proxied=True,
                        comment="ops | owner: platform [internal] | launchready")
    assert only(pack, [by_comment, app]) == {(rule, "fail_marked_by_comment")}


# ---- email authentication ----

def sending_domain(**overrides: dict[str, Any] | None) -> list[dict[str, Any]]:
    resources = {
        "identity": res(IDENTITY, "identity", {"emailIdentity": "example.com"}),
        "spf": record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com ~all"),
        "dmarc": record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=quarantine; rua=mailto:d@example.com"),
        **{f"dkim{i}": record(f"dkim{i}", f"t{i}._domainkey.example.com", "CNAME", f"t{i}.dkim.amazonses.com")
           for i in range(3)},
    }
    for key, value in overrides.items():
        if value is None:
            resources.pop(key)
        else:
            resources[key] = value
    return list(resources.values())


def test_complete_sending_domain_passes(pack: PolicyPackClient) -> None:
    assert only(pack, sending_domain()) == set()


@pytest.mark.parametrize(("overrides", "rule"), [
    ({"dmarc": None}, "aws-ses-emailidentity-missing-dmarc"),
    ({"dmarc": record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=maybe")},
     "aws-ses-emailidentity-missing-dmarc"),
    ({"spf": None}, "aws-ses-emailidentity-missing-spf"),
    ({"spf": record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com +all")},
     "aws-ses-emailidentity-missing-spf"),
    ({"spf2": record("spf2", "example.com", "TXT", "v=spf1 mx -all")}, "aws-ses-emailidentity-missing-spf"),
    ({"spf": record("spf", "example.com", "TXT", "v=spf1 include:_spf.google.com include:mailgun.org "
                    "include:sendgrid.net include:a.example include:b.example -all")},
     "aws-ses-emailidentity-missing-spf"),
    ({"dkim2": None}, "aws-ses-emailidentity-missing-dkim"),
])
def test_broken_sending_domain(pack: PolicyPackClient, overrides: dict[str, Any], rule: str) -> None:
    found = only(pack, sending_domain(**overrides))
    assert {p for p, _ in found} == {rule}


def test_dmarc_none_is_mandatory_in_prod_and_advisory_elsewhere(pack: PolicyPackClient) -> None:
    monitor_only = {"dmarc": record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=none; rua=mailto:d@x.io")}
    prod = {"aws-ses-emailidentity-disallow-dmarc-none-prod": {"environment": "prod"},
            "aws-ses-emailidentity-configure-dmarc-enforcement": {"environment": "prod"}}
    assert violations(pack, sending_domain(**monitor_only), prod) == {
        ("aws-ses-emailidentity-disallow-dmarc-none-prod", "mandatory", "dmarc")}
    assert violations(pack, sending_domain(**monitor_only)) == {
        ("aws-ses-emailidentity-configure-dmarc-enforcement", "advisory", "dmarc")}


def test_proxied_email_records_are_rejected(pack: PolicyPackClient) -> None:
    rule = "cloudflare-dnsrecord-disallow-proxied-email-records"
    proxied_dkim = record("dkim0", "t0._domainkey.example.com", "CNAME", "t0.dkim.amazonses.com", proxied=True)
    mail_from = res(MAIL_FROM, "mail-from", {"emailIdentity": "example.com", "mailFromDomain": "mail.example.com"})
    proxied_mx_host = record("fail_mail_from", "mail.example.com", "CNAME", "x.example.net", proxied=True)
    found = only(pack, [*sending_domain(dkim0=proxied_dkim), mail_from, proxied_mx_host])
    assert {(p, n) for p, n in found if p == rule} == {(rule, "dkim0"), (rule, "fail_mail_from")}


# ---- alarms ----

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


def alarm(name: str, **inputs: Any) -> dict[str, Any]:
    return res(ALARM, name, {"name": name, "namespace": "App", "metricName": "Errors", "threshold": 1.0,
                             "alarmActions": [TOPIC_ARN], "region": "us-east-1", **inputs})


TOPIC_RES = res(TOPIC, "alerts", {"name": "alerts", "region": "us-east-1"})
SUB_RES = res(SUBSCRIPTION, "sub", {"topic": TOPIC_ARN, "protocol": "email", "endpoint": "a@b.io",
                                    "region": "us-east-1"})


def test_alarms_must_notify_a_subscribed_topic(pack: PolicyPackClient) -> None:
    missing = "aws-cloudwatch-metricalarm-missing-actions"
    unreachable = "aws-cloudwatch-metricalarm-disallow-unreachable-actions"
    assert only(pack, [alarm("pass_alarm"), TOPIC_RES, SUB_RES]) == set()
    assert only(pack, [alarm("fail_no_actions", alarmActions=[]), TOPIC_RES, SUB_RES]) == {
        (missing, "fail_no_actions")}
    assert only(pack, [alarm("fail_disabled", actionsEnabled=False), TOPIC_RES, SUB_RES]) == {
        (missing, "fail_disabled")}
    assert only(pack, [alarm("fail_no_subscriber"), TOPIC_RES]) == {(unreachable, "fail_no_subscriber")}
    assert only(pack, [alarm("fail_foreign_topic", alarmActions=["arn:aws:sns:us-east-1:1:other"]),
                       TOPIC_RES, SUB_RES]) == {(unreachable, "fail_foreign_topic")}


def test_health_check_alarms_live_in_us_east_1(pack: PolicyPackClient) -> None:
    rule = "aws-cloudwatch-metricalarm-configure-healthcheck-region"
    route53 = {"namespace": "AWS/Route53", "metricName": "HealthCheckStatus"}
    assert only(pack, [alarm("pass_hc_use1", **route53), TOPIC_RES, SUB_RES]) == set()
    eu = alarm("fail_hc_eu", **route53, region="eu-west-1")
    assert (rule, "fail_hc_eu") in only(pack, [eu, TOPIC_RES, SUB_RES])
    provider = res(AWS_PROVIDER, "euw1", {"region": "eu-west-1"})
    via_provider = alarm("fail_hc_provider", **route53)
    del via_provider["inputs"]["region"]
    via_provider["provider"] = provider["urn"]
    assert (rule, "fail_hc_provider") in only(pack, [provider, via_provider, TOPIC_RES, SUB_RES])


# ---- secrets ----

def test_secrets(pack: PolicyPackClient) -> None:
    window = "aws-secretsmanager-secret-configure-recovery-window"
    cmk = "aws-secretsmanager-secret-configure-customer-managed-key"
    key = "arn:aws:kms:eu-west-1:1:key/k"
    forced = res(SECRET, "fail_force_delete", {"name": "s", "recoveryWindowInDays": 0, "kmsKeyId": key})
    assert only(pack, [forced], {window: {"environment": "prod"}}) == {(window, "fail_force_delete")}
    assert only(pack, [forced], {window: {"environment": "staging"}}) == set()
    default_key = res(SECRET, "fail_default_key", {"name": "s", "recoveryWindowInDays": 30})
    assert violations(pack, [default_key]) == {(cmk, "advisory", "fail_default_key")}


# ---- configuration: levels, include/exclude, exemptions, unknowns ----

FLEXIBLE = setting("flex", "ssl", "flexible")
SSL_RULE = "cloudflare-zonesetting-disallow-insecure-ssl-mode"


def test_a_stack_can_change_the_enforcement_level(pack: PolicyPackClient) -> None:
    assert violations(pack, [FLEXIBLE], {SSL_RULE: "advisory"}) == {(SSL_RULE, "advisory", "flex")}
    assert violations(pack, [FLEXIBLE], {SSL_RULE: {"enforcementLevel": "disabled"}}) == set()
    assert violations(pack, [FLEXIBLE], {"all": "advisory"}) == {(SSL_RULE, "advisory", "flex")}


def test_include_and_exclude_by_resource_name(pack: PolicyPackClient) -> None:
    assert only(pack, [FLEXIBLE], {SSL_RULE: {"excludeFor": ["^fl"]}}) == set()
    assert only(pack, [FLEXIBLE], {SSL_RULE: {"includeFor": ["^other"]}}) == set()
    assert only(pack, [FLEXIBLE], {SSL_RULE: {"includeFor": ["^flex$"]}}) == {(SSL_RULE, "flex")}


def test_exemptions_expire(pack: PolicyPackClient) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    current = {SSL_RULE: {"exemptions": [{"resource": "flex", "reason": "origin cert pending", "expires": future}]}}
    assert only(pack, [FLEXIBLE], current) == set()
    expired = {SSL_RULE: {"exemptions": [{"resource": "flex", "reason": "origin cert pending", "expires": past}]}}
    pack.configure(expired)
    [violation] = pack.analyze([FLEXIBLE])
    assert "expired on" in violation["message"] and "no longer exempts" in violation["message"]


def test_unknown_values_never_crash_a_rule(pack: PolicyPackClient) -> None:
    resources = [
        setting("u1", "ssl", UNKNOWN),
        setting("u2", UNKNOWN, UNKNOWN),
        record("u3", UNKNOWN, "A", UNKNOWN, proxied=True),
        res("cloudflare:index/ruleset:Ruleset", "u4", {"phase": "http_request_cache_settings", "rules": UNKNOWN}),
        res(ALARM, "u5", {"alarmActions": UNKNOWN, "namespace": UNKNOWN}),
        res(IDENTITY, "u6", {"emailIdentity": UNKNOWN}),
        res(SECRET, "u7", {"recoveryWindowInDays": UNKNOWN}),
    ]
    pack.configure({})
    try:
        found = pack.analyze(resources)
    except grpc.RpcError as exc:  # pragma: no cover - the assertion message is the point
        pytest.fail(f"a rule raised: {exc}")
    assert all(v["enforcement"] == "advisory" or "u" in v["urn"] for v in found)
    assert any("during preview" in v["message"] for v in found)
    assert urn(ALARM, "u5")
