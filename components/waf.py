"""WAF: managed rulesets for the plan tier, custom rules against probes, rate limits on public endpoints.

What a plan may have is checked by the config (`components/config/rules/waf.py`): which managed rulesets,
how many rate-limit rules, their periods and whether they may match on the method. The rules here stay
inside those limits: one custom rule for every probe path (Free allows 5), and rate-limit expressions on
the path alone unless methods are configured (which needs Business).
"""

from __future__ import annotations

import pulumi_cloudflare as cf

from components.config import PLAN_RANK, CloudflarePlan, ManagedRuleset, RateLimit, StackConfig
from components.expressions import PATH, any_of, quote, string_set

#: Counted per Cloudflare data centre and client IP; Cloudflare requires cf.colo.id in every rate limit.
RATE_LIMIT_CHARACTERISTICS = ["cf.colo.id", "ip.src"]

#: Cloudflare's managed ruleset ids (the same in every account).
MANAGED_RULESET_IDS = {
    ManagedRuleset.cloudflare_managed: "efb7b8c949ac4650a09736fc376e9aee",
    ManagedRuleset.owasp: "4814384a9e5d4991b9815dcfc25d2f1f",
    ManagedRuleset.exposed_credentials: "c2e184081120413c86c3ab7e14069605",
    ManagedRuleset.free_managed: "77454fe2d30c4220b5701f6fdfb893ba",
}


def managed_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    return [
        {
            "ref": f"managed_{name.value}",
            "description": f"deploy the {name.value} managed ruleset",
            "expression": "true",
            "action": "execute",
            "action_parameters": {"id": MANAGED_RULESET_IDS[name]},
        }
        for name in cfg.managed_rulesets
    ]


def custom_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    """One block rule for every probe path (matched anywhere in the lowercased path); nothing is skipped.

    Paid plans answer 404 with a plain-text body, so a scanner learns nothing. The Free plan keeps
    Cloudflare's default block page (403): per-rule custom responses are not offered on every plan, and a
    rule the zone cannot have would fail the deploy."""
    if not cfg.waf.block_paths:
        return []
    probes = [f"lower({PATH}) contains {quote(p.lower())}" for p in cfg.waf.block_paths]
    rule: cf.RulesetRuleArgsDict = {
        "ref": "block_probes",
        "description": "block probes for secrets and admin panels that this app does not have",
        "expression": any_of(probes),
        "action": "block",
    }
    if PLAN_RANK[cfg.zone.plan] >= PLAN_RANK[CloudflarePlan.pro]:
        rule["action_parameters"] = {
            "response": {"status_code": 404, "content": "Not found", "content_type": "text/plain"}
        }
    return [rule]


def rate_limit_expression(rl: RateLimit) -> str:
    """The path (every plan), and the methods only when configured (the config allows that on Business+)."""
    match = f"{PATH} eq {quote(rl.path)}"
    if rl.methods:
        return f"({match} and http.request.method in {string_set(list(rl.methods))})"
    return f"({match})"


def rate_limit_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    return [
        {
            "ref": f"ratelimit_{rl.name}",
            "description": f"{rl.requests_per_period} requests per {rl.period_seconds}s per client on {rl.path}",
            "expression": rate_limit_expression(rl),
            "action": rl.action,
            "ratelimit": {
                "characteristics": list(RATE_LIMIT_CHARACTERISTICS),
                "period": rl.period_seconds,
                "requests_per_period": rl.requests_per_period,
                "mitigation_timeout": rl.mitigation_timeout_seconds,
            },
        }
        for rl in cfg.waf.rate_limits
    ]
