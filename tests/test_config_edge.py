"""Config rules for the edge that the plan tier decides: how many single redirects a zone may have, and
that a legacy URL is listed once (each becomes one redirect rule with a ref derived from its path)."""

from __future__ import annotations

import pytest

from components.config import REDIRECT_RULE_LIMITS, CloudflarePlan, ConfigError, parse_config


def problems(values, secret) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return [(p.path, p.message) for p in info.value.problems]


def legacy(n: int) -> list[dict[str, str]]:
    return [{"from": f"/old-{i}.html", "to": f"/new-{i}"} for i in range(n)]


@pytest.mark.parametrize("plan", list(CloudflarePlan))
def test_redirect_rules_up_to_the_plan_quota_are_accepted_one_more_is_not(stack_values, plan) -> None:
    values, secret = stack_values("prod")
    values["launchready:zone"]["plan"] = plan.value
    values["launchready:waf"] = {}  # the prod rate limits need Business; not what this test is about
    limit = REDIRECT_RULE_LIMITS[plan]
    values["launchready:redirects"]["legacy"] = legacy(limit - 1)  # + the www -> apex rule = the quota
    parse_config(values, secret)
    values["launchready:redirects"]["legacy"] = legacy(limit)
    found = problems(values, secret)
    assert len(found) == 1
    path, message = found[0]
    assert path == "launchready:redirects.legacy"
    assert f"{limit + 1} redirect rules" in message and f"{plan.value} plan allows {limit}" in message


def test_without_www_every_rule_of_the_quota_is_a_legacy_url(stack_values) -> None:
    values, secret = stack_values("staging")  # pro
    del values["launchready:hostnames"]["www"]
    values["launchready:redirects"]["legacy"] = legacy(REDIRECT_RULE_LIMITS[CloudflarePlan.pro])
    parse_config(values, secret)


def test_a_legacy_url_listed_twice_is_rejected(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:redirects"]["legacy"].append({"from": "/pricing.html", "to": "/plans"})
    assert problems(values, secret) == [
        ("launchready:redirects.legacy[4].from", "listed twice; only the first entry would ever redirect")
    ]
