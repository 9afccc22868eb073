"""WAF managed rulesets, probe-path blocks and rate limits (`launchready:waf`), and what each plan allows."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from components.config.fields import Model, UrlPath
from components.config.zone import CloudflarePlan


class ManagedRuleset(StrEnum):
    cloudflare_managed = "cloudflare_managed"
    owasp = "owasp"
    exposed_credentials = "exposed_credentials"
    free_managed = "free_managed"


#: The lowest plan on which each managed ruleset can be deployed.
MANAGED_RULESET_MIN_PLAN = {
    ManagedRuleset.free_managed: CloudflarePlan.free,
    ManagedRuleset.cloudflare_managed: CloudflarePlan.pro,
    ManagedRuleset.owasp: CloudflarePlan.pro,
    ManagedRuleset.exposed_credentials: CloudflarePlan.pro,
}

#: Rate limiting, per plan: number of rules, longest period, longest mitigation timeout, and whether
#: the expression may use the request method (Free and Pro may not).
RATE_LIMIT_PLAN_LIMITS: dict[CloudflarePlan, tuple[int, int, int, bool]] = {
    CloudflarePlan.free: (1, 10, 10, False),
    CloudflarePlan.pro: (2, 60, 3600, False),
    CloudflarePlan.business: (5, 600, 86400, True),
    CloudflarePlan.enterprise: (100, 3600, 86400, True),
}

RATE_LIMIT_ALLOWED_SECONDS = (
    10,
    15,
    20,
    30,
    40,
    45,
    60,
    90,
    120,
    180,
    240,
    300,
    480,
    600,
    900,
    1200,
    1800,
    2400,
    3600,
    65535,
    86400,
)

#: WAF custom rules per plan.
CUSTOM_RULE_LIMITS = {
    CloudflarePlan.free: 5,
    CloudflarePlan.pro: 20,
    CloudflarePlan.business: 100,
    CloudflarePlan.enterprise: 1000,
}


class RateLimit(Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")] = Field(
        description="Stable rule name (lowercase, digits, underscores); used as the rule ref."
    )
    path: UrlPath = Field(description="Path the limit applies to (exact match).")
    methods: list[Literal["GET", "POST", "PUT", "PATCH", "DELETE"]] = Field(
        default_factory=list, description="Only these methods (Business plan and up); empty means all."
    )
    requests_per_period: int = Field(ge=1, le=100000, description="Requests allowed per period per client.")
    period_seconds: int = Field(10, description="Counting period in seconds.")
    mitigation_timeout_seconds: int = Field(10, description="How long a client stays blocked.")
    action: Literal["block", "managed_challenge"] = Field("block", description="What happens past the limit.")


class Waf(Model):
    managed_rulesets: list[ManagedRuleset] | None = Field(
        None,
        description="Managed rulesets to deploy; default: Cloudflare Managed + OWASP on paid plans, "
        "the Free managed ruleset on free.",
    )
    block_paths: list[UrlPath] = Field(
        default_factory=lambda: ["/.env", "/.git", "/.aws", "/wp-admin", "/wp-login.php", "/phpmyadmin"],
        description="Probe paths answered with 404 at the edge.",
    )
    rate_limits: list[RateLimit] = Field(default_factory=list, description="Rate limits on public endpoints.")
