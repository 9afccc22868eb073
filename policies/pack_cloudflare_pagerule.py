"""Rules for legacy Cloudflare page rules (`cloudflare:index/pageRule:PageRule`): Cache Everything on the
whole site, on an authenticated path or an internal host; SSL off or flexible for a path; security off.

A target is a URL pattern (`example.com/*`, `*.example.com/admin*`, `https://www.example.com/*`). Page
rules still take precedence over zone settings for what they match, so each of these undoes a zone-wide
protection for part of the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pack_cache import AUTH_SIGNALS_CONFIG, DEFAULT_AUTH_PREFIXES, DEFAULT_SESSION_COOKIES
from pack_common import (
    ALLOW_FULL_CONFIG,
    INTERNAL_LABELS_CONFIG,
    MANDATORY,
    PAGE_RULE,
    Ctx,
    Finding,
    get,
    is_internal_name,
    resource_rule,
    weak_ssl_modes,
)
from pack_expr import wildcard_match
from pulumi_policy import Severity


def _target(ctx: Ctx) -> tuple[str, str]:
    """(host pattern, path pattern) of the rule's target URL pattern."""
    text = str(get(ctx.props, "target", default="")).strip().lower()
    text = text.split("://", 1)[1] if "://" in text else text
    host, _, path = text.partition("/")
    return host, "/" + path if path else "/*" if host.endswith("*") else "/"


def _active(ctx: Ctx) -> bool:
    return get(ctx.props, "status", default="active") != "disabled"


def _covers(path_pattern: str, path: str) -> bool:
    return wildcard_match(path_pattern, path) or wildcard_match(path_pattern, path.rstrip("/"))


def _cache_everything(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "actions", "cacheLevel") != "cache_everything" or not _active(ctx):
        return
    host, path = _target(ctx)
    cookies = [str(c) for c in ctx.setting("sessionCookies", DEFAULT_SESSION_COOKIES)]
    bypass = str(get(ctx.props, "actions", "bypassCacheOnCookie", default="") or "")
    guarded = bool(bypass) and all(_regex_search(bypass, c) for c in cookies)
    prefixes = [str(p).rstrip("/") for p in ctx.setting("authenticatedPathPrefixes", DEFAULT_AUTH_PREFIXES)]
    internal_host = is_internal_name(host.lstrip("*."), ctx.internal_labels()) or \
        any(wildcard_match(host, h) for h in (str(x) for x in ctx.setting("internalHosts", [])))
    if internal_host:
        yield Finding(f"page rule {get(ctx.props, 'target')} caches everything on the internal host {host}")
    elif guarded:
        return  # Cloudflare's pattern for signed-in visitors: their session cookie bypasses the cache
    elif any(_covers(path, p + "/x") or _covers(path, p) for p in prefixes if p):
        hit = next(p for p in prefixes if p and (_covers(path, p + "/x") or _covers(path, p)))
        yield Finding(f"page rule {get(ctx.props, 'target')} caches everything under the authenticated path {hit}")
    elif _covers(path, "/") and _covers(path, "/a/page"):
        yield Finding(f"page rule {get(ctx.props, 'target')} caches every page of the site (Cache Everything on "
                      "/*): signed-in pages are served to everyone")


def _regex_search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _ssl(ctx: Ctx) -> Iterator[Finding]:
    mode = get(ctx.props, "actions", "ssl")
    if mode is not None and str(mode).strip().lower() in weak_ssl_modes(ctx) and _active(ctx):
        yield Finding(f'page rule {get(ctx.props, "target")} sets SSL to "{mode}": Cloudflare reaches the origin '
                      "without a verified certificate for those URLs")


def _security_off(ctx: Ctx) -> Iterator[Finding]:
    if not _active(ctx):
        return
    actions = get(ctx.props, "actions", default={})
    target = get(ctx.props, "target")
    if get(actions, "disableSecurity") is True:
        yield Finding(f"page rule {target} disables security (disableSecurity): no WAF or browser checks there")
    if get(actions, "waf") == "off":
        yield Finding(f"page rule {target} turns the WAF off")
    if get(actions, "securityLevel") == "essentially_off":
        yield Finding(f"page rule {target} sets the security level to essentially off")


def _has(key: str) -> Callable[[Ctx], bool]:
    return lambda ctx: get(ctx.props, "actions", key) is not None


PAGERULE_RULES = [
    resource_rule(
        name="cloudflare-pagerule-disallow-cache-everything",
        description="A page rule must not Cache Everything on the whole site, an authenticated path or an "
                    "internal host: signed-in pages would be cached and served to other visitors.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(PAGE_RULE,), check=_cache_everything,
        applies=_has("cacheLevel"),
        remediation="Delete the page rule; cache static assets with a cache rule (ruleset phase "
                    "http_request_cache_settings) scoped to /assets/ or file types.",
        config={**AUTH_SIGNALS_CONFIG,
                "internalHosts": {"type": "array", "items": {"type": "string"}, "default": [],
                                  "description": "Hostnames of internal apps."},
                **INTERNAL_LABELS_CONFIG},
    ),
    resource_rule(
        name="cloudflare-pagerule-disallow-insecure-ssl",
        description="A page rule must not set SSL to off or flexible (or full) for part of the site: that traffic "
                    "reaches the origin in clear text or unverified, whatever the zone setting says.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(PAGE_RULE,), check=_ssl,
        applies=_has("ssl"),
        remediation='Remove the ssl action (the zone\'s "strict" applies) after fixing the origin certificate.',
        config=ALLOW_FULL_CONFIG,
    ),
    resource_rule(
        name="cloudflare-pagerule-disallow-disable-security",
        description="A page rule must not switch security off (disableSecurity, waf off, security level "
                    "essentially off): the WAF stops protecting those URLs.",
        severity=Severity.HIGH, level=MANDATORY, types=(PAGE_RULE,), check=_security_off,
        remediation="Remove the action; for a false positive, skip the one WAF rule with a narrow custom rule.",
    ),
]
