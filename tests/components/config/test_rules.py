"""The cross-field rules as a package: facts shared with the policy pack decide which origins are
unreachable and which labels are internal, and a rule is one registered function of its area."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from components import facts
from components.config import ConfigError, Problem, StackConfig, parse_config
from components.config.rules import AREAS, RULES, rule

ORIGIN = "launchready:hostnames.api.origin"


def problems_of(values: dict[str, Any], secret: frozenset[str]) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return info.value.problems


@pytest.mark.parametrize(
    "address",
    ["100.64.0.1", "100.127.255.254", "192.0.0.8", "198.18.0.1", "10.0.0.8", "127.0.0.1", "169.254.169.254",
     "0.0.0.0", "240.0.0.1", "fd00::1", "fe80::1", "::1", "::ffff:192.168.0.1"],
)
def test_origin_on_a_special_purpose_address_is_rejected(stack_values, address: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:hostnames"]["api"]["origin"] = address
    found = [p for p in problems_of(values, secret) if p.path == ORIGIN]
    assert len(found) == 1, found
    assert found[0].value == address and "cannot reach" in found[0].message
    assert found[0].fix == "use the origin's public address"


@pytest.mark.parametrize("address", ["100.63.255.255", "100.128.0.1", "8.8.8.8", "2606:4700::1111"])
def test_origin_on_a_public_address_is_accepted(stack_values, address: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:hostnames"]["api"]["origin"] = address
    cfg = parse_config(values, secret)
    assert cfg.hostnames["api"].origin == address


def test_the_config_rejects_exactly_the_ranges_the_facts_name(stack_values) -> None:
    # 100.64.0.0/10 is the range the config accepted before the facts were reconciled.
    assert "100.64.0.0/10" in facts.NON_PUBLIC_NETWORKS
    assert facts.is_non_public_address("100.64.0.1") and not facts.is_non_public_address("100.128.0.1")


@pytest.mark.parametrize("label", ["ops", "staff", "internal", "backoffice", "admin-eu", "ops-tools"])
def test_a_staff_label_is_internal_by_convention(stack_values, label: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:hostnames"][label] = {"origin": "fanloom-ops.fly.dev", "purpose": "staff tools"}
    cfg = parse_config(values, secret)
    assert cfg.is_internal(label) and label in cfg.internal_labels


@pytest.mark.parametrize("label", ["opsy", "shop", "staffing", "app"])
def test_a_label_that_only_resembles_a_staff_label_is_public(stack_values, label: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:hostnames"][label] = {"origin": "fanloom-shop.fly.dev", "purpose": "public shop"}
    assert not parse_config(values, secret).is_internal(label)


def test_internal_false_overrides_the_convention(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:hostnames"]["ops"] = {"origin": "status.example.net", "purpose": "public status page",
                                              "internal": False}
    assert not parse_config(values, secret).is_internal("ops")


def test_an_unproxied_staff_label_must_be_proxied(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:hostnames"]["ops"] = {"origin": "fanloom-ops.fly.dev", "purpose": "staff tools",
                                              "proxied": False}
    assert "launchready:hostnames.ops.proxied" in {p.path for p in problems_of(values, secret)}


def test_every_rule_lives_in_the_module_of_its_area() -> None:
    modules = {r.check.__module__ for r in RULES}
    assert modules == {f"components.config.rules.{area}" for area in AREAS}
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


def test_a_rule_added_with_the_decorator_runs_and_reports_its_problem(stack_values) -> None:
    values, secret = stack_values("prod")
    before = len(RULES)

    @rule
    def no_reports_route_class(cfg: StackConfig) -> Iterator[Problem]:
        if "reports" in cfg.monitoring.route_classes:
            yield Problem("launchready:monitoring.routeClasses", "probe rule", value="reports")

    try:
        assert len(RULES) == before + 1
        found = problems_of(values, secret)
        assert [(p.path, p.message) for p in found] == [("launchready:monitoring.routeClasses", "probe rule")]
    finally:
        RULES.pop()
    parse_config(values, secret)


def test_a_conditional_rule_runs_only_where_it_applies(stack_values) -> None:
    staging_values, staging_secret = stack_values("staging")
    prod_values, prod_secret = stack_values("prod")

    @rule.when(lambda cfg: cfg.is_prod)
    def prod_only(cfg: StackConfig) -> Iterator[Problem]:
        yield Problem("launchready:environment", "prod probe")

    try:
        parse_config(staging_values, staging_secret)
        assert [p.message for p in problems_of(prod_values, prod_secret)] == ["prod probe"]
    finally:
        RULES.pop()
