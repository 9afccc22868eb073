"""How a stack tunes the pack: enforcement levels, each rule's config schema, include/exclude patterns,
exemptions that expire, and where the environment (prod or not) comes from."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from launchready.plan.policy import PolicyPackClient, PolicyPackError
from tests.policies.fixtures import IDENTITY_URN, PROJECT, found, hsts, sending_domain, setting, urn
from tests.policies.test_pack_aws_ses import DMARC
from tests.policies.test_pack_cloudflare_zonesetting import HSTS, SSL

FLEXIBLE = setting("flex", "ssl", "flexible")
MANDATORY_SSL = {(SSL, "mandatory", "flex")}
ADVISORY_SSL = {(SSL, "advisory", "flex")}


# ---- enforcement levels ----

@pytest.mark.parametrize(("config", "expected"), [
    ({}, MANDATORY_SSL),
    ({SSL: "advisory"}, ADVISORY_SSL),
    ({SSL: {"enforcementLevel": "advisory"}}, ADVISORY_SSL),
    ({SSL: {"enforcementLevel": "disabled"}}, set()),
    ({SSL: "remediate"}, MANDATORY_SSL),  # the SDK reports a remediate-level policy that still fails as mandatory
    ({"all": "advisory"}, ADVISORY_SSL),
    ({"all": "advisory", SSL: "mandatory"}, MANDATORY_SSL),  # a policy's own entry wins over `all`
    ({"all": "disabled"}, set()),
])
def test_a_stack_can_change_the_enforcement_level(pack: PolicyPackClient, config: dict[str, Any],
                                                  expected: set[tuple[str, str, str]]) -> None:
    assert found(pack, [FLEXIBLE], config) == expected


def test_config_without_a_level_keeps_the_default_level(pack: PolicyPackClient) -> None:
    """The SDK makes a policy configured without a level advisory; the CLI's merge (and ours) never does."""
    merged = pack.configure({SSL: {"allowFull": False}})
    assert merged[SSL][0] == 1  # MANDATORY
    assert found(pack, [FLEXIBLE], {SSL: {"allowFull": False}}) == MANDATORY_SSL


def test_the_merge_order_is_defaults_then_all_then_the_policy(pack: PolicyPackClient) -> None:
    merged = pack.reconciled_config({"all": "advisory", HSTS: {"minMaxAge": 60, "enforcementLevel": "mandatory"}})
    level, props = merged[HSTS]
    assert level == 1 and props["minMaxAge"] == 60 and props["includeFor"] == [] and props["exemptions"] == []
    assert merged[SSL] == (0, {"includeFor": [], "excludeFor": [], "exemptions": [], "environment": "",
                               "allowFull": False})


# ---- config schemas ----

RULE_SETTINGS = {
    "cloudflare-zonesetting-disallow-insecure-ssl-mode": {"allowFull"},
    "cloudflare-zonesetting-configure-min-tls": {"minTls"},
    "cloudflare-zonesetting-enable-hsts-prod": {"minMaxAge"},
    "cloudflare-ruleset-disallow-cache-authenticated-traffic": {"authenticatedPathPrefixes", "sessionCookies",
                                                                "internalHosts", "internalLabels",
                                                                "staticPathPrefixes"},
    "cloudflare-ruleset-disallow-cache-everything-without-guard": {"sessionCookies"},
    "cloudflare-ruleset-configure-rate-limit-threshold": {"maxRequestsPerSecond", "maxLoginRequestsPerMinute"},
    "cloudflare-pagerule-disallow-cache-everything": {"authenticatedPathPrefixes", "sessionCookies", "internalHosts",
                                                      "internalLabels"},
    "cloudflare-pagerule-disallow-insecure-ssl": {"allowFull"},
    "cloudflare-dnsrecord-enable-proxy": {"dnsOnlyNames"},
    "cloudflare-zerotrust-missing-access-application": {"internalHosts", "internalLabels"},
    "cloudflare-zerotrust-accesspolicy-disallow-open-decision": {"internalHosts", "internalLabels"},
    "cloudflare-zerotrust-accesspolicy-disallow-public-email-domain": {"internalHosts", "internalLabels",
                                                                       "publicEmailDomains"},
    "cloudflare-zerotrust-accessapplication-configure-session-duration": {"maxSessionHours"},
    "aws-cloudwatch-metricalarm-configure-healthcheck-region": {"defaultRegion"},
    "aws-cloudwatch-metricalarm-disallow-cross-region-actions": {"defaultRegion"},
    "aws-cloudwatch-metricalarm-disallow-missing-data-ok": {"uptimeMetrics"},
    "aws-cloudwatch-metricalarm-configure-time-to-alarm": {"uptimeMetrics", "maxMinutesToAlarm"},
}
COMMON = {"includeFor", "excludeFor", "exemptions", "environment"}


def test_each_rule_has_its_settings_with_defaults(pack: PolicyPackClient) -> None:
    for policy in pack.info.policies:
        schema = json_format.MessageToDict(policy.configSchema.properties)
        assert set(schema) == COMMON | RULE_SETTINGS.get(policy.name, set()), policy.name
        assert all("default" in spec and "description" in spec for spec in schema.values()), policy.name
    # the defaults alone are a valid config for every rule
    assert set(pack.reconciled_config({})) == {p.name for p in pack.info.policies}


@pytest.mark.parametrize(("config", "problem"), [
    ({"cloudflare-zonesetting-configure-min-tls": {"minTls": "1.1"}}, "minTls must be one of"),
    ({SSL: {"allowFull": "yes"}}, "allowFull must be boolean"),
    ({HSTS: {"minMaxAge": -1}}, "minMaxAge must be at least 0"),
    ({HSTS: {"minMaxAge": 1.5}}, "minMaxAge must be integer"),
    ({"cloudflare-ruleset-disallow-cache-authenticated-traffic": {"authenticatedPathPrefixes": "/admin"}},
     "authenticatedPathPrefixes must be array"),
    ({"cloudflare-ruleset-disallow-cache-everything-without-guard": {"sessionCookies": [1]}},
     "sessionCookies[0] must be string"),
    ({SSL: {"includeFor": "flex"}}, "includeFor must be array"),
    ({SSL: {"exemptions": [{"resource": "flex", "expires": "2030-01-01"}]}}, "exemptions[0].reason is required"),
    ({SSL: "strict"}, "enforcement level 'strict'"),
    ({"cloudflare-zonesetting-disallow-flexible": "advisory"}, "no such policy"),
])
def test_an_invalid_config_is_rejected_naming_the_key(pack: PolicyPackClient, config: dict[str, Any],
                                                      problem: str) -> None:
    with pytest.raises(PolicyPackError, match="invalid policy pack config") as err:
        pack.configure(config)
    assert problem in str(err.value)


@pytest.mark.parametrize(("config", "expected"), [
    ({SSL: {"allowFull": True}}, set()),
    ({"cloudflare-zonesetting-configure-min-tls": {"minTls": "1.3"}},
     {SSL, "cloudflare-zonesetting-configure-min-tls"}),
])
def test_a_setting_changes_what_a_rule_accepts(pack: PolicyPackClient, config: dict[str, Any],
                                               expected: set[str]) -> None:
    resources = [setting("full", "ssl", "full"), setting("tls", "min_tls_version", "1.2")]
    default = {p for p, _, _ in found(pack, resources)}
    assert default == {SSL}
    assert {p for p, _, _ in found(pack, resources, config)} == expected


def test_cache_rules_follow_the_configured_lists(pack: PolicyPackClient) -> None:
    from tests.policies.fixtures import ruleset
    from tests.policies.test_pack_cloudflare_ruleset import CACHE_AUTH, cache_rule

    rules = [cache_rule("api", 'starts_with(http.request.uri.path, "/api/")', True),
             cache_rule("b", 'http.cookie contains "sid" or any(lower(http.request.headers.names[*])[*] eq '
                             '"authorization")', False)]
    resource = ruleset("cache", "http_request_cache_settings", rules)
    assert found(pack, [resource], {CACHE_AUTH: {"authenticatedPathPrefixes": ["/admin"],
                                                 "sessionCookies": ["sid"]}}) == set()
    assert found(pack, [resource], {CACHE_AUTH: {"authenticatedPathPrefixes": ["/api"],
                                                 "sessionCookies": ["sid"]}}) == {(CACHE_AUTH, "mandatory", "cache")}
    assert found(pack, [resource], {CACHE_AUTH: {"authenticatedPathPrefixes": ["/admin"],
                                                 "sessionCookies": ["fl_session"]}}) == {
        (CACHE_AUTH, "mandatory", "cache")}


# ---- include / exclude ----

@pytest.mark.parametrize(("config", "expected"), [
    ({SSL: {"excludeFor": ["^fl"]}}, set()),
    ({SSL: {"includeFor": ["^other"]}}, set()),
    ({SSL: {"includeFor": ["^flex$"]}}, MANDATORY_SSL),
    ({SSL: {"includeFor": ["flex"], "excludeFor": ["x$"]}}, set()),  # exclude wins
    ({SSL: {"excludeFor": ["[unclosed"]}}, MANDATORY_SSL),  # a broken pattern matches nothing
])
def test_include_and_exclude_by_resource_name(pack: PolicyPackClient, config: dict[str, Any],
                                              expected: set[tuple[str, str, str]]) -> None:
    assert found(pack, [FLEXIBLE], config) == expected


def test_stack_rules_include_and_exclude_the_resource_they_report(pack: PolicyPackClient) -> None:
    no_dmarc = sending_domain(dmarc=None)
    assert found(pack, no_dmarc) == {(DMARC, "mandatory", "identity")}
    assert found(pack, no_dmarc, {DMARC: {"excludeFor": ["^identity$"]}}) == set()
    assert found(pack, no_dmarc, {DMARC: {"includeFor": ["^other-identity$"]}}) == set()


# ---- exemptions ----

def days(n: int) -> str:
    return (dt.date.today() + dt.timedelta(days=n)).isoformat()


def exemption(resource: str, expires: str, reason: str = "origin certificate being issued") -> dict[str, Any]:
    return {"exemptions": [{"resource": resource, "reason": reason, "expires": expires}]}


def test_a_current_exemption_exempts_that_resource_only(pack: PolicyPackClient) -> None:
    other = setting("other", "ssl", "off")
    assert found(pack, [FLEXIBLE, other], {SSL: exemption("flex", days(30))}) == {(SSL, "mandatory", "other")}
    assert found(pack, [FLEXIBLE], {SSL: exemption("flex", days(0))}) == set()  # through the expiry day
    assert found(pack, [FLEXIBLE], {SSL: exemption(urn("cloudflare:index/zoneSetting:ZoneSetting", "flex"),
                                                   days(30))}) == set()


@pytest.mark.parametrize(("expires", "says"), [
    (days(-1), f"expired on {days(-1)}, so it no longer exempts"),
    ("next week", "has no valid expiry date, so it does not apply"),
])
def test_an_expired_or_undated_exemption_no_longer_exempts_and_says_so(pack: PolicyPackClient, expires: str,
                                                                       says: str) -> None:
    pack.configure({SSL: exemption("flex", expires)})
    [violation] = pack.analyze([FLEXIBLE])
    assert violation["enforcement"] == "mandatory" and says in violation["message"]


def test_stack_rules_honour_exemptions(pack: PolicyPackClient) -> None:
    no_dmarc = sending_domain(dmarc=None)
    assert found(pack, no_dmarc, {DMARC: exemption("identity", days(7), "domain moving to a new DNS host")}) == set()
    assert found(pack, no_dmarc, {DMARC: exemption(IDENTITY_URN, days(7))}) == set()
    pack.configure({DMARC: exemption("identity", days(-3))})
    [violation] = pack.analyze(no_dmarc)
    assert "no longer exempts" in violation["message"]


# ---- the environment ----

def hsts_off() -> list[dict[str, Any]]:
    return [hsts("hsts", False, 0)]


PROD_HSTS = {(HSTS, "mandatory", "hsts")}


def test_environment_from_the_stack_tag_or_the_rule_config(pack: PolicyPackClient) -> None:
    assert found(pack, hsts_off()) == set()  # stack "test" is not prod
    assert found(pack, hsts_off(), tags={"environment": "prod"}) == PROD_HSTS
    assert found(pack, hsts_off(), tags={"environment": "Production"}) == PROD_HSTS
    assert found(pack, hsts_off(), {HSTS: {"environment": "prod"}}) == PROD_HSTS
    # the rule's own setting wins over the tag
    assert found(pack, hsts_off(), {HSTS: {"environment": "staging"}}, tags={"environment": "prod"}) == set()


@pytest.fixture(scope="module")
def prod_pack(repo_root: Path) -> Iterator[PolicyPackClient]:
    with PolicyPackClient(repo_root / "policies", stack="production", project=PROJECT) as client:
        yield client


@pytest.fixture(scope="module")
def configured_prod_pack(repo_root: Path) -> Iterator[PolicyPackClient]:
    config = {"launchready:environment": "prod", "aws:region": "eu-west-1"}
    with PolicyPackClient(repo_root / "policies", stack="main", project=PROJECT, stack_config=config) as client:
        yield client


def test_environment_from_the_stack_name(prod_pack: PolicyPackClient) -> None:
    assert found(prod_pack, hsts_off()) == PROD_HSTS


def test_environment_and_region_from_the_stack_config(configured_prod_pack: PolicyPackClient) -> None:
    from tests.policies.fixtures import ROUTE53, SUB_RES, TOPIC_RES, alarm
    from tests.policies.test_pack_aws_cloudwatch import CROSS, REGION

    assert found(configured_prod_pack, hsts_off()) == PROD_HSTS
    no_region = alarm("hc", **ROUTE53, region=None)  # aws:region eu-west-1, notifying a us-east-1 topic
    assert found(configured_prod_pack, [no_region, TOPIC_RES, SUB_RES]) == {(REGION, "mandatory", "hc"),
                                                                            (CROSS, "mandatory", "hc")}
    assert json.loads(json.dumps(configured_prod_pack.info.name)) == "launchready"
