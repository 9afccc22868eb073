"""Rules for the WAF (`launchready:waf`): what the zone's plan can have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule
from components.config.waf import MANAGED_RULESET_MIN_PLAN, RATE_LIMIT_ALLOWED_SECONDS, RATE_LIMIT_PLAN_LIMITS
from components.config.zone import PLAN_RANK

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def managed_rulesets_on_the_plan(cfg: StackConfig) -> Iterator[Problem]:
    plan = cfg.zone.plan
    for name in cfg.managed_rulesets:
        need = MANAGED_RULESET_MIN_PLAN[name]
        if PLAN_RANK[plan] < PLAN_RANK[need]:
            yield Problem(
                key("waf.managedRulesets"),
                f"the {name.value} ruleset needs the {need.value} plan or higher; this zone is on {plan.value}",
                value=name.value,
                fix="use free_managed, or upgrade the zone's plan and update zone.plan",
            )


@rule
def rate_limit_count_on_the_plan(cfg: StackConfig) -> Iterator[Problem]:
    plan, count = cfg.zone.plan, len(cfg.waf.rate_limits)
    max_rules = RATE_LIMIT_PLAN_LIMITS[plan][0]
    if count > max_rules:
        yield Problem(
            key("waf.rateLimits"),
            f"the {plan.value} plan allows {max_rules} rate-limit rule(s), {count} are configured",
            value=str(count),
            fix="merge or drop rules, or upgrade the plan",
        )


@rule
def rate_limit_names_unique(cfg: StackConfig) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, limit in enumerate(cfg.waf.rate_limits):
        if limit.name in seen:
            yield Problem(key(f"waf.rateLimits[{i}].name"), "rate-limit names must be unique", value=limit.name)
        seen.add(limit.name)


@rule
def rate_limit_durations_cloudflare_accepts(cfg: StackConfig) -> Iterator[Problem]:
    plan = cfg.zone.plan
    _, max_period, max_mitigation, _ = RATE_LIMIT_PLAN_LIMITS[plan]
    for i, limit in enumerate(cfg.waf.rate_limits):
        for field, value, most in (
            ("periodSeconds", limit.period_seconds, max_period),
            ("mitigationTimeoutSeconds", limit.mitigation_timeout_seconds, max_mitigation),
        ):
            if value not in RATE_LIMIT_ALLOWED_SECONDS:
                yield Problem(
                    key(f"waf.rateLimits[{i}].{field}"),
                    "Cloudflare accepts only " + ", ".join(map(str, RATE_LIMIT_ALLOWED_SECONDS[:-1]))
                    + f" or {RATE_LIMIT_ALLOWED_SECONDS[-1]}",
                    value=str(value),
                )
            elif value > most:
                yield Problem(
                    key(f"waf.rateLimits[{i}].{field}"),
                    f"the {plan.value} plan allows at most {most} s",
                    value=str(value),
                    fix="use a shorter value or upgrade the plan",
                )


@rule
def rate_limit_methods_on_the_plan(cfg: StackConfig) -> Iterator[Problem]:
    plan = cfg.zone.plan
    if RATE_LIMIT_PLAN_LIMITS[plan][3]:
        return
    for i, limit in enumerate(cfg.waf.rate_limits):
        if limit.methods:
            yield Problem(
                key(f"waf.rateLimits[{i}].methods"),
                f"matching on the request method needs the Business plan; this zone is on {plan.value}",
                value=",".join(limit.methods),
                fix="remove methods (the limit then counts every method) or upgrade the plan",
            )


@rule
def block_paths_have_no_wildcards(cfg: StackConfig) -> Iterator[Problem]:
    """Probe paths are matched with `contains` on the lowercased path: a "*" is a literal star there."""
    for i, path in enumerate(cfg.waf.block_paths):
        if "*" in path:
            yield Problem(
                key(f"waf.blockPaths[{i}]"),
                'a probe path already matches wherever it appears in the request path, and "*" would be '
                "matched as a literal star",
                value=path,
                fix=f'write the path alone: "{path.split("*", 1)[0] or "/"}"',
            )


@rule
def rate_limit_paths_are_exact(cfg: StackConfig) -> Iterator[Problem]:
    """A rate limit matches its path with `eq`, so a `*` is a literal character and the limit would never
    count the requests it was meant for."""
    for i, limit in enumerate(cfg.waf.rate_limits):
        if "*" in limit.path:
            yield Problem(
                key(f"waf.rateLimits[{i}].path"),
                'the path is matched exactly, so "*" is not a wildcard here: this limit would only count '
                "requests for a path with a literal star in it",
                value=limit.path,
                fix="write the exact path of the endpoint (e.g. /login); add one limit per endpoint to protect",
            )
