"""Cache rules and response headers: static assets cached hard, authenticated traffic never.

Cloudflare evaluates every cache rule and the last matching one wins, so the bypass rule for
authenticated traffic comes last: whatever a static-asset rule matched, a request with a session cookie,
an Authorization header, an authenticated path or an internal host is never cache-eligible.
"""

from __future__ import annotations

import pulumi_cloudflare as cf

from components.config import StackConfig
from components.expressions import authenticated, static_assets

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def cache_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    return [
        {
            "ref": "cache_static_assets",
            "description": "static assets: long edge TTL, errors not cached, cache deception armor",
            "expression": static_assets(cfg),
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
        },
        {
            "ref": "bypass_authenticated",
            "description": "LAST, so it wins: authenticated paths, internal hosts, session cookies, Authorization",
            "expression": authenticated(cfg),
            "action": "set_cache_settings",
            "action_parameters": {"cache": False},
        },
    ]


def response_header_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
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
            "action_parameters": {"headers": {"Cache-Control": {"operation": "set", "value": "private, no-store"}}},
        },
    ]
