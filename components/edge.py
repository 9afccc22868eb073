"""Cloudflare edge: SSL/TLS zone settings, DNSSEC, and one entry-point ruleset per phase (redirects, cache,
response headers, managed WAF, custom WAF, rate limits). The rules themselves are built by pure functions
in redirects.py, cache_rules.py and waf.py, so they can be read and tested without Pulumi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_cloudflare as cf

from components.cache_rules import cache_rules, response_header_rules
from components.config import StackConfig
from components.expressions import MAX_EXPRESSION_LENGTH
from components.redirects import redirect_rules
from components.waf import custom_rules, managed_rules, rate_limit_rules


@dataclass(frozen=True)
class RulesetSpec:
    """One phase entry-point ruleset: Cloudflare allows exactly one per phase and zone."""

    logical: str  # the Pulumi logical name, also in the ruleset's name
    phase: str
    description: str
    config_keys: str  # where its rules come from, for error messages
    rules: list[cf.RulesetRuleArgsDict]

    @property
    def refs(self) -> list[str]:
        return [str(rule.get("ref")) for rule in self.rules]


def zone_settings(cfg: StackConfig) -> dict[str, Any]:
    """setting id -> value, exactly as Cloudflare's API takes it.

    `ZoneSetting.value` is sent verbatim (no key translation), so the HSTS keys are written snake_case as
    the API has them; camelCase would be accepted and then show a diff on every preview."""
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


def setting_logical_name(setting_id: str) -> str:
    return f"setting-{setting_id.replace('_', '-')}"


def rulesets(cfg: StackConfig) -> list[RulesetSpec]:
    """Every ruleset the edge declares, in a fixed order. A phase with no rules gets no ruleset."""
    specs = [
        RulesetSpec("redirects", "http_request_dynamic_redirect", "legacy URLs and the canonical host",
                    "launchready:redirects", redirect_rules(cfg)),
        RulesetSpec("cache-rules", "http_request_cache_settings", "static assets cached, authenticated traffic never",
                    "launchready:cache", cache_rules(cfg)),
        RulesetSpec("response-headers", "http_response_headers_transform", "security and private-cache headers",
                    "launchready:cache", response_header_rules(cfg)),
        RulesetSpec("waf-managed", "http_request_firewall_managed", "managed WAF rulesets",
                    "launchready:waf.managedRulesets", managed_rules(cfg)),
        RulesetSpec("waf-custom", "http_request_firewall_custom", "block probes",
                    "launchready:waf.blockPaths", custom_rules(cfg)),
        RulesetSpec("rate-limits", "http_ratelimit", "rate limits on public endpoints",
                    "launchready:waf.rateLimits", rate_limit_rules(cfg)),
    ]
    return [spec for spec in specs if spec.rules]


def expression_problems(specs: list[RulesetSpec]) -> list[str]:
    """Rules whose expression Cloudflare would refuse for its length (the config decides the length)."""
    return [
        f"{spec.config_keys}: rule {rule.get('ref')} of {spec.logical} has an expression of "
        f"{len(str(rule['expression']))} characters; Cloudflare accepts at most {MAX_EXPRESSION_LENGTH}. "
        "Shorten the lists it is built from."
        for spec in specs
        for rule in spec.rules
        if len(str(rule["expression"])) > MAX_EXPRESSION_LENGTH
    ]


class Edge(pulumi.ComponentResource):
    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("launchready:edge:Edge", name, None, opts)
        # Build every rule first: a rule Cloudflare would refuse stops the program before any is declared.
        specs = rulesets(cfg)
        problems = expression_problems(specs)
        if problems:
            raise pulumi.RunError("the edge rules cannot be deployed:\n  - " + "\n  - ".join(problems))
        child = pulumi.ResourceOptions(parent=self)
        zone_id = cfg.zone.zone_id
        self.settings = zone_settings(cfg)
        self.zone_settings = {
            setting_id: cf.ZoneSetting(setting_logical_name(setting_id), zone_id=zone_id, setting_id=setting_id,
                                       value=value, opts=child)
            for setting_id, value in self.settings.items()
        }
        self.dnssec = cf.ZoneDnssec("dnssec", zone_id=zone_id, status="active", opts=child)
        self.rulesets: dict[str, cf.Ruleset] = {}
        self.rule_refs: dict[str, list[str]] = {}
        for spec in specs:
            self.rulesets[spec.logical] = cf.Ruleset(
                spec.logical, zone_id=zone_id, kind="zone", phase=spec.phase, name=f"launchready {spec.logical}",
                description=spec.description, rules=spec.rules, opts=child,
            )
            self.rule_refs[spec.phase] = spec.refs
        self.dnssec_ds_fields: pulumi.Output[dict[str, Any]] = pulumi.Output.all(
            self.dnssec.key_tag, self.dnssec.algorithm, self.dnssec.digest_type, self.dnssec.digest
        ).apply(lambda v: {"keyTag": int(v[0]) if v[0] is not None else None, "algorithm": v[1],
                           "digestType": v[2], "digest": v[3]})
        self.register_outputs({"settings": self.settings, "ruleRefs": self.rule_refs, "ds": self.dnssec.ds})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them).

        edgeSettings: zone setting id -> value; edgeRules: ruleset phase -> rule refs in evaluation order;
        dnssecDs: the DS record for the registrar; dnssecDsFields: the same, field by field, as registrar
        forms ask for it."""
        return {
            "edgeSettings": self.settings,
            "edgeRules": self.rule_refs,
            "dnssecDs": self.dnssec.ds,
            "dnssecDsFields": self.dnssec_ds_fields,
        }
