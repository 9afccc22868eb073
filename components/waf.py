"""WAF: managed rulesets for the plan tier, custom rules against probes, rate limits on public endpoints."""

from __future__ import annotations

import pulumi_cloudflare as cf

from components.config import ManagedRuleset, RateLimit, StackConfig
from components.expressions import any_of, quote

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
    if not cfg.waf.block_paths:
        return []
    probes = [f"lower(http.request.uri.path) contains {quote(p.lower())}" for p in cfg.waf.block_paths]
    return [{
        "ref": "block_probes",
        "description": "block probes for secrets and admin panels that this app does not have",
        "expression": any_of(probes),
        "action": "block",
    }]


def rate_limit_expression(rl: RateLimit) -> str:
    match = f"http.request.uri.path eq {quote(rl.path)}"
    if rl.methods:
        methods = " ".join(quote(m) for m in rl.methods)
        match = f"({match} and http.request.method in {{{methods}}})"
    return f"({match})" if not match.startswith("(") else match


def rate_limit_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    return [
        {
            "ref": f"ratelimit_{rl.name}",
            "description": f"{rl.requests_per_period} requests per {rl.period_seconds}s per client on {rl.path}",
            "expression": rate_limit_expression(rl),
            "action": rl.action,
            "ratelimit": {
                "characteristics": ["cf.colo.id", "ip.src"],
                "period": rl.period_seconds,
                "requests_per_period": rl.requests_per_period,
                "mitigation_timeout": rl.mitigation_timeout_seconds,
            },
        }
        for rl in cfg.waf.rate_limits
    ]
