"""Cache rules and response headers: static assets cached hard, authenticated traffic never.

Cloudflare evaluates every cache rule and the last matching one wins, so the bypass rule for
authenticated traffic comes last: whatever an earlier rule matched, a request with a session cookie,
an Authorization header, an authenticated path or an internal host is never cache-eligible. The
static-asset rule also excludes authenticated requests itself, so the guarantee does not rest on the
order alone, and a response-header rule marks the same requests `private, no-store` for browsers and
any proxy on the way.
"""

from __future__ import annotations

import pulumi_cloudflare as cf

from components.config import StackConfig
from components.expressions import authenticated, static_assets

CACHE_STATIC_REF = "cache_static_assets"
BYPASS_AUTHENTICATED_REF = "bypass_authenticated"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
PRIVATE_CACHE_CONTROL = "private, no-store"


def cache_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    """The cache-settings phase, in order; the bypass rule for authenticated traffic is always last."""
    rules: list[cf.RulesetRuleArgsDict] = []
    static = static_assets(cfg)
    if static is not None:
        rules.append({
            "ref": CACHE_STATIC_REF,
            "description": "static assets: long edge TTL, errors not cached, cache deception armor",
            "expression": f"{static} and not {authenticated(cfg)}",
            "action": "set_cache_settings",
            "action_parameters": {
                "cache": True,
                "edge_ttl": {
                    "mode": "override_origin",
                    "default": cfg.cache.edge_ttl_seconds,
                    "status_code_ttls": [{"status_code_range": {"from_": 400, "to": 599}, "value": 0}],
                },
                "browser_ttl": {"mode": "override_origin", "default": cfg.cache.browser_ttl_seconds},
                "cache_key": {"cache_deception_armor": True},
            },
        })
    rules.append({
        "ref": BYPASS_AUTHENTICATED_REF,
        "description": "LAST, so it wins: authenticated paths, internal hosts, session cookies, Authorization",
        "expression": authenticated(cfg),
        "action": "set_cache_settings",
        "action_parameters": {"cache": False},
    })
    return rules


def response_header_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    """Response headers: security headers everywhere, then `private, no-store` on authenticated traffic."""
    return [
        {
            "ref": "security_headers",
            "description": "security headers on every response",
            "expression": "true",
            "action": "rewrite",
            "action_parameters": {"headers": {
                name: {"operation": "set", "value": value} for name, value in SECURITY_HEADERS.items()
            }},
        },
        {
            "ref": "private_no_store",
            "description": "authenticated responses are never stored by browsers or proxies",
            "expression": authenticated(cfg),
            "action": "rewrite",
            "action_parameters": {"headers": {"Cache-Control": {"operation": "set", "value": PRIVATE_CACHE_CONTROL}}},
        },
    ]
