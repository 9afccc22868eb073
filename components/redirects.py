"""Single redirects (`http_request_dynamic_redirect`): legacy URLs and apex/www to the canonical host.

Legacy rules come first and send both hosts straight to the canonical one, so an old link needs one hop;
then the non-canonical host goes to the canonical one, path and query kept. `/.well-known/` is never
redirected (certificate and email validation fetch it on whichever host they ask for).
"""

from __future__ import annotations

import re

import pulumi_cloudflare as cf

from components.config import LegacyRedirect, StackConfig
from components.expressions import host_in, not_well_known, quote


def _ref(item: LegacyRedirect) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", item.from_.lower()).strip("_") or "root"
    return f"legacy_{slug}"[:50]


def _target(cfg: StackConfig, to: str) -> str:
    return to if to.startswith("https://") else f"https://{cfg.canonical_host}{to}"


def redirect_rules(cfg: StackConfig) -> list[cf.RulesetRuleArgsDict]:
    hosts = [cfg.domain, cfg.fqdn("www")] if "www" in cfg.hostnames else [cfg.domain]
    guard = not_well_known()
    rules: list[cf.RulesetRuleArgsDict] = []
    for item in cfg.redirects.legacy:
        status = item.status_code or cfg.redirects.status_code
        target = _target(cfg, item.to)
        if item.is_wildcard:
            pattern = item.from_
            match = f"http.request.uri.path wildcard {quote(pattern)}"
            replacement = target.replace("${1}", "${1}")
            target_url: cf.RulesetRuleActionParametersFromValueTargetUrlArgsDict = {
                "expression": f"wildcard_replace(http.request.uri.path, {quote(pattern)}, {quote(replacement)})"
            }
        else:
            match = f"http.request.uri.path eq {quote(item.from_)}"
            target_url = {"value": target}
        rules.append({
            "ref": _ref(item),
            "description": f"legacy URL {item.from_} -> {item.to}",
            "expression": f"({host_in(hosts)} and {match} and {guard})",
            "action": "redirect",
            "action_parameters": {"from_value": {"status_code": status, "preserve_query_string": True,
                                                 "target_url": target_url}},
        })
    other = cfg.fqdn("www") if cfg.redirects.canonical == "apex" else cfg.domain
    if other in hosts or cfg.redirects.canonical == "www":
        rules.append({
            "ref": "canonical_host",
            "description": f"{other} -> {cfg.canonical_host}, http and https, one hop",
            "expression": f"(http.host eq {quote(other)} and {guard})",
            "action": "redirect",
            "action_parameters": {"from_value": {
                "status_code": cfg.redirects.status_code,
                "preserve_query_string": True,
                "target_url": {"expression": f"concat({quote('https://' + cfg.canonical_host)}, "
                                             "http.request.uri.path)"},
            }},
        })
    return rules
