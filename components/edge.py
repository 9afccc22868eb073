"""Cloudflare edge: SSL/TLS zone settings, DNSSEC, and one ruleset per phase (redirects, cache, response
headers, managed WAF, custom WAF, rate limits). The rules themselves are built by pure functions in
redirects.py, cache_rules.py and waf.py, so they can be read and tested without Pulumi."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_cloudflare as cf

from components.cache_rules import cache_rules, response_header_rules
from components.config import StackConfig
from components.redirects import redirect_rules
from components.waf import custom_rules, managed_rules, rate_limit_rules


def zone_settings(cfg: StackConfig) -> dict[str, Any]:
    """setting id -> value, exactly as Cloudflare's API takes it (HSTS keys are snake_case)."""
    hsts = cfg.tls.hsts
    return {
        "ssl": "strict",
        "always_use_https": "on",
        "min_tls_version": cfg.tls.min_version,
        "tls_1_3": "on",
        "automatic_https_rewrites": "on",
        "security_header": {
            "strict_transport_security": {
                "enabled": True,
                "max_age": cfg.hsts_max_age,
                "include_subdomains": hsts.include_subdomains,
                "preload": hsts.preload,
                "nosniff": True,
            }
        },
    }


def rulesets(cfg: StackConfig) -> dict[str, tuple[str, str, list[cf.RulesetRuleArgsDict]]]:
    """logical name -> (phase, description, rules). A phase with no rules gets no ruleset."""
    all_sets = {
        "redirects": ("http_request_dynamic_redirect", "legacy URLs and the canonical host", redirect_rules(cfg)),
        "cache-rules": ("http_request_cache_settings", "static assets cached, authenticated traffic never",
                        cache_rules(cfg)),
        "response-headers": ("http_response_headers_transform", "security and private-cache headers",
                             response_header_rules(cfg)),
        "waf-managed": ("http_request_firewall_managed", "managed WAF rulesets", managed_rules(cfg)),
        "waf-custom": ("http_request_firewall_custom", "block probes", custom_rules(cfg)),
        "rate-limits": ("http_ratelimit", "rate limits on public endpoints", rate_limit_rules(cfg)),
    }
    return {name: spec for name, spec in all_sets.items() if spec[2]}


class Edge(pulumi.ComponentResource):
    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("launchready:edge:Edge", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zone_id = cfg.zone.zone_id
        self.settings = zone_settings(cfg)
        for setting_id, value in self.settings.items():
            cf.ZoneSetting(f"setting-{setting_id.replace('_', '-')}", zone_id=zone_id, setting_id=setting_id,
                           value=value, opts=child)
        self.dnssec = cf.ZoneDnssec("dnssec", zone_id=zone_id, status="active", opts=child)
        self.rule_refs: dict[str, list[str]] = {}
        for logical, (phase, description, rules) in rulesets(cfg).items():
            cf.Ruleset(logical, zone_id=zone_id, kind="zone", phase=phase, name=f"launchready {logical}",
                       description=description, rules=rules, opts=child)
            self.rule_refs[phase] = [str(rule.get("ref")) for rule in rules]
        self.register_outputs({"settings": self.settings, "ruleRefs": self.rule_refs, "ds": self.dnssec.ds})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {"edgeSettings": self.settings, "edgeRules": self.rule_refs, "dnssecDs": self.dnssec.ds}
