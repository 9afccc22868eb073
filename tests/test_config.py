"""The stack config schema: every bad input is one readable list of problems with key paths and fixes."""

from __future__ import annotations

import copy
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.config import (
    KNOWN_SPF_LOOKUPS,
    ConfigError,
    DmarcPolicy,
    StackConfig,
    parse_config,
    spf_lookups,
)


def problems_of(values: dict[str, Any], secret: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return [(p.path, p.message) for p in info.value.problems]


def paths_of(values: dict[str, Any], secret: frozenset[str] = frozenset()) -> set[str]:
    return {path for path, _ in problems_of(values, secret)}


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_example_stacks_are_valid(stack_values, stack: str) -> None:
    values, secret = stack_values(stack)
    cfg = parse_config(values, secret)
    assert isinstance(cfg, StackConfig)
    assert cfg.environment.value == stack


def test_prod_gets_safer_defaults_than_staging(stack_values) -> None:
    prod = parse_config(*stack_values("prod"))
    staging = parse_config(*stack_values("staging"))
    assert prod.hsts_max_age == 31536000
    assert prod.dmarc_policy is DmarcPolicy.quarantine
    assert prod.secret_recovery_window_days == 30 and staging.secret_recovery_window_days == 7
    assert prod.access_session_duration == "8h" and staging.access_session_duration == "24h"
    assert prod.monitoring.route_classes["core"].p95_ms == 500
    assert prod.monitoring.route_classes["reports"].p95_ms == 2000


def test_unknown_key_is_named(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:zone"]["planTier"] = "pro"
    assert ("launchready:zone.planTier", "unknown key") in problems_of(values, secret)


def test_unknown_top_level_key_lists_the_known_ones(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:zones"] = {"domain": "x.io"}
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    problem = next(p for p in info.value.problems if p.path == "launchready:zones")
    assert problem.message == "unknown key" and "launchready:zone" in problem.fix


def test_wrong_type_names_key_and_value(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:cache"]["edgeTtlSeconds"] = "a month"
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    [problem] = info.value.problems
    assert problem.path == "launchready:cache.edgeTtlSeconds"
    assert problem.value == '"a month"'
    assert "integer" in problem.message


def test_plaintext_password_is_rejected_without_echoing_it(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:dbPassword"] = "hunter2-correct-horse"
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    text = info.value.render()
    assert "launchready:dbPassword" in text
    assert "pulumi config set --secret launchready:dbPassword" in text
    assert "hunter2" not in text


def test_credential_url_inside_an_area_is_rejected(stack_values) -> None:
    values, secret = stack_values("staging")
    values["launchready:hostnames"]["app"]["purpose"] = "postgres://app:s3cr3tpw@db.internal/app"
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    assert "launchready:hostnames.app.purpose" in {p.path for p in info.value.problems}
    assert "s3cr3tpw" not in info.value.render()


def test_plaintext_provider_token_is_rejected(stack_values) -> None:
    values, secret = stack_values("staging")
    values["cloudflare:apiToken"] = "abc123abc123"
    assert "cloudflare:apiToken" in paths_of(values, secret)


def test_referenced_secret_must_be_set_as_secret(stack_values) -> None:
    values, secret = stack_values("prod")
    assert "launchready:databaseUrl" in paths_of(values, secret - {"launchready:databaseUrl"})
    del values["launchready:databaseUrl"]
    problems = problems_of(values, secret)
    assert ("launchready:databaseUrl", "referenced as configKey but not set") in problems


def test_every_problem_is_listed_at_once(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:zone"]["plan"] = "gold"
    values["launchready:zone"]["zoneId"] = "not-an-id"
    values["launchready:email"]["dmarc"]["rua"] = ["not an email"]
    values["launchready:apiKey"] = "plain"
    assert {
        "launchready:zone.plan",
        "launchready:zone.zoneId",
        "launchready:email.dmarc.rua[0]",
        "launchready:apiKey",
    } <= paths_of(values, secret)


@pytest.mark.parametrize(
    ("mutate", "path", "needle"),
    [
        (lambda v: v["launchready:email"]["dmarc"].update(policy="none"), "launchready:email.dmarc.policy",
         "p=none"),
        (lambda v: v["launchready:hostnames"]["admin"].update(proxied=False), "launchready:hostnames.admin.proxied",
         "proxied"),
        (lambda v: v["launchready:access"].update(allowEmailDomains=[], allowGroups=[]), "launchready:access",
         "nobody"),
        (lambda v: v["launchready:tls"]["hsts"].update(maxAgeSeconds=0), "launchready:tls.hsts.maxAgeSeconds",
         "HSTS"),
        (lambda v: v["launchready:monitoring"].update(alertEmails=[], alertWebhooks=[]), "launchready:monitoring",
         "nobody"),
        (lambda v: v["launchready:secrets"].update(recoveryWindowDays=7), "launchready:secrets.recoveryWindowDays",
         "30"),
        (lambda v: v["launchready:zone"].update(plan="free"), "launchready:waf.rateLimits", "free plan allows 1"),
        (lambda v: v["launchready:hostnames"]["api"].update(origin="10.0.0.8"), "launchready:hostnames.api.origin",
         "private"),
    ],
)
def test_prod_cross_field_rules(stack_values, mutate, path: str, needle: str) -> None:
    values, secret = stack_values("prod")
    mutate(values)
    problems = problems_of(values, secret)
    assert any(p == path and needle in m for p, m in problems), problems


def test_free_plan_rejects_paid_rulesets_and_method_matching(stack_values) -> None:
    values, secret = stack_values("staging")
    values["launchready:zone"]["plan"] = "free"
    values["launchready:waf"]["managedRulesets"] = ["owasp"]
    values["launchready:waf"]["rateLimits"][0].update(methods=["POST"], periodSeconds=10, mitigationTimeoutSeconds=10)
    problems = problems_of(values, secret)
    assert any(p == "launchready:waf.managedRulesets" and "pro plan" in m for p, m in problems)
    assert any(p == "launchready:waf.rateLimits[0].methods" and "Business" in m for p, m in problems)


def test_spf_over_ten_lookups_is_rejected(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["spf"]["extraSenders"] = [
        "include:_spf.google.com", "include:mailgun.org", "include:sendgrid.net", "include:spf.example.net",
    ]
    problems = problems_of(values, secret)
    assert any(p == "launchready:email.spf.extraSenders" and "11 DNS lookups" in m for p, m in problems)


def test_second_spf_record_is_rejected(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:dns"]["extraRecords"].append(
        {"name": "@", "type": "TXT", "content": "v=spf1 include:spf.example.net -all", "purpose": "old SPF"}
    )
    problems = problems_of(values, secret)
    assert any("second SPF record" in m for _, m in problems)


def test_spf_all_term_belongs_to_the_policy_field(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["spf"]["extraSenders"] = ["+all"]
    assert "launchready:email.spf.extraSenders[0]" in paths_of(values, secret)
    values["launchready:email"]["spf"] = {"all": "?all"}
    assert "launchready:email.spf.all" in paths_of(values, secret)


# ---- property-based ----

_known = st.sampled_from(sorted(set(KNOWN_SPF_LOOKUPS) - {"amazonses.com"}))  # SES is always in
_mechanism = st.one_of(
    _known.map(lambda d: f"include:{d}"),
    st.from_regex(r"include:[a-z]{3,8}\.example\.(com|net)", fullmatch=True),
    st.from_regex(r"ip4:203\.0\.113\.[1-9][0-9]?", fullmatch=True),  # no leading zeros (RFC 7208 qnum)
    st.just("mx"),
    st.just("a"),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(senders=st.lists(_mechanism, max_size=8, unique=True))
def test_spf_lookup_limit_matches_the_count(stack_values, senders: list[str]) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["spf"]["extraSenders"] = senders
    expected = 1 + sum(
        KNOWN_SPF_LOOKUPS.get(m.removeprefix("include:"), 1) if m.startswith("include:")
        else 0 if m.startswith("ip4:") else 1
        for m in senders
    )
    assert expected == 1 + sum(spf_lookups(m) for m in senders)
    if expected > 10:
        assert "launchready:email.spf.extraSenders" in paths_of(values, secret)
    else:
        cfg = parse_config(values, secret)
        assert cfg.email.spf.lookup_count == expected
        assert cfg.email.spf.record.split()[1] == "include:amazonses.com"


_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=12))
_json = st.recursive(
    _json_leaf,
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children,
                                                                              max_size=3)),
    max_leaves=8,
)
_areas = st.sampled_from(["zone", "hostnames", "dns", "redirects", "tls", "cache", "waf", "access", "email",
                          "secrets", "monitoring", "environment"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(area=_areas, junk=_json)
def test_any_garbage_in_an_area_is_a_config_error_never_a_crash(stack_values, area: str, junk: Any) -> None:
    values, secret = stack_values("prod")
    values[f"launchready:{area}"] = junk
    try:
        parse_config(values, secret)
    except ConfigError as exc:
        assert exc.problems
        assert all(p.path.startswith("launchready") for p in exc.problems)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(secret_value=st.text(alphabet=string.ascii_letters + string.digits, min_size=12, max_size=30).map(
    lambda s: f"Zq7-{s}"),
       area=_areas)
def test_secret_values_never_appear_in_errors(stack_values, secret_value: str, area: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:databaseUrl"] = secret_value  # still marked secret
    values["launchready:apiToken"] = secret_value  # plaintext, secret-like: rejected
    broken = copy.deepcopy(values)
    broken[f"launchready:{area}"] = {"bogus": True}
    with pytest.raises(ConfigError) as info:
        parse_config(broken, secret)
    assert secret_value not in info.value.render()


@settings(max_examples=80, deadline=None)
@given(domain=st.text(max_size=30))
def test_domain_validation_accepts_only_domain_names(domain: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from components.config import Domain

    adapter = TypeAdapter(Domain)
    try:
        result = adapter.validate_python(domain)
    except ValidationError:
        return
    labels = result.split(".")
    assert len(labels) >= 2 and labels[-1].isalpha()
    assert all(label and not label.startswith("-") and not label.endswith("-") for label in labels)
