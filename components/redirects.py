"""Single redirects (`http_request_dynamic_redirect`): legacy URLs and apex/www to the canonical host.

Legacy rules come first and send both hosts straight to their new URL on the canonical host, so an old
link needs one hop; then the non-canonical host goes to the canonical one, path and query kept. No rule
looks at the scheme, so `http://` and `https://` requests alike are answered with an https:// URL in one
hop. `/.well-known/` is never redirected (certificate and email validation fetch it on whichever host
they ask for). A redirect is a terminating action: the first matching rule answers.
"""

from __future__ import annotations

import hashlib
import re

import pulumi_cloudflare as cf

from components.config import LegacyRedirect, StackConfig
from components.expressions import PATH, host_in, not_well_known, quote

CANONICAL_REF = "canonical_host"
_REF_MAX = 50


def _slug(item: LegacyRedirect) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", item.from_.lower()).strip("_") or "root"
    return f"legacy_{slug}"[: _REF_MAX - 7].rstrip("_")


def legacy_refs(items: list[LegacyRedirect]) -> list[str]:
    """A stable ref per legacy redirect, derived from its `from` path; a short hash of the path tells apart
    two paths that read the same once slugged ("/a.html" and "/a-html")."""
    slugs = [_slug(item) for item in items]
    return [
        slug if slugs.count(slug) == 1 else f"{slug}_{hashlib.sha256(item.from_.encode()).hexdigest()[:6]}"
        for slug, item in zip(slugs, items, strict=True)
    ]


def _target(cfg: StackConfig, to: str) -> str:
    return to if to.startswith("https://") else f"https://{cfg.canonical_host}{to}"


def redirect_hosts(cfg: StackConfig) -> list[str]:
    """The hosts that serve the site and its legacy URLs: the apex, and www when it is declared."""
    return [cfg.domain, cfg.fqdn("www")] if "www" in cfg.hostnames else [cfg.domain]


def legacy_rule(cfg: StackConfig, item: LegacyRedirect, ref: str) -> cf.RulesetRuleArgsDict:
    status = item.status_code or cfg.redirects.status_code
    target = _target(cfg, item.to)
    target_url: cf.RulesetRuleActionParametersFromValueTargetUrlArgsDict
    if item.is_wildcard:
        # "${1}" in the target is what "*" matched; the query string is kept by preserve_query_string.
        match = f"{PATH} wildcard {quote(item.from_)}"
        target_url = {"expression": f"wildcard_replace({PATH}, {quote(item.from_)}, {quote(target)})"}
    else:
        match = f"{PATH} eq {quote(item.from_)}"
        target_url = {"value": target}
    return {
        "ref": ref,
        "description": f"legacy URL {item.from_} -> {item.to}",
        "expression": f"({host_in(redirect_hosts(cfg))} and {match} and {not_well_known()})",
        "action": "redirect",
        "action_parameters": {"from_value": {"status_code": status, "preserve_query_string": True,
                                             "target_url": target_url}},
    }


def canonical_rule(cfg: StackConfig) -> cf.RulesetRuleArgsDict | None:
    """The other one of apex/www to the canonical host; None when the other host is not declared."""
    other = cfg.fqdn("www") if cfg.redirects.canonical == "apex" else cfg.domain
    if other not in redirect_hosts(cfg):
        return None
    return {
        "ref": CANONICAL_REF,
        "description": f"{other} -> {cfg.canonical_host}, http and https, one hop",
        "expression": f"(http.host eq {quote(other)} and {not_well_known()})",
        "action": "redirect",
        "action_parameters": {"from_value": {
            "status_code": cfg.redirects.status_code,
            "preserve_query_string": True,
            "target_url": {"expression": f"concat({quote('https://' + cfg.canonical_host)}, {PATH})"},
        }},
    }


def redirect_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    items = cfg.redirects.legacy
    rules = [legacy_rule(cfg, item, ref) for item, ref in zip(items, legacy_refs(items), strict=True)]
    canonical = canonical_rule(cfg)
    if canonical is not None:
        rules.append(canonical)
    return rules
