"""The whole stack config (`StackConfig`) and the values derived from it.

The derived properties are the one place where environment-dependent defaults live (HSTS max-age, DMARC
policy, recovery windows, ...). The cross-field rules run after the areas parse: `components/config/rules/`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from components.config.access import Access
from components.config.cache import Cache
from components.config.email import DmarcPolicy, Email
from components.config.fields import Label, Model
from components.config.monitoring import LogGroup, Monitoring
from components.config.problems import RuleViolations
from components.config.redirects import Redirects
from components.config.rules import check
from components.config.secrets import Secrets
from components.config.tls import HSTS_DEFAULT_MAX_AGE_PROD, HSTS_DEFAULT_MAX_AGE_STAGING, Tls
from components.config.waf import ManagedRuleset, Waf
from components.config.zone import CloudflarePlan, Dns, Hostname, Zone, is_internal_by_convention


class Environment(StrEnum):
    staging = "staging"
    prod = "prod"


#: top-level config keys (camelCase, under the launchready: namespace) -> StackConfig field
AREA_KEYS = {
    "environment": "environment",
    "zone": "zone",
    "hostnames": "hostnames",
    "dns": "dns",
    "redirects": "redirects",
    "tls": "tls",
    "cache": "cache",
    "waf": "waf",
    "access": "access",
    "email": "email",
    "secrets": "secrets",
    "monitoring": "monitoring",
}


class StackConfig(Model):
    environment: Environment = Field(description="staging or prod; prod gets the safer defaults.")
    zone: Zone = Field(description="The Cloudflare zone.")
    hostnames: dict[Label, Hostname] = Field(description="Web hostnames by label; '@' is the apex.", min_length=1)
    dns: Dns = Field(default_factory=Dns, description="CAA and non-web records.")
    redirects: Redirects = Field(default_factory=Redirects, description="Canonical host and legacy URLs.")
    tls: Tls = Field(default_factory=Tls, description="TLS and HSTS at the edge.")
    cache: Cache = Field(description="Cache rules.")
    waf: Waf = Field(default_factory=Waf, description="WAF and rate limits.")
    access: Access = Field(default_factory=Access, description="Who may reach internal hostnames.")
    email: Email = Field(description="Sending email through SES.")
    secrets: Secrets = Field(description="Secrets in AWS Secrets Manager.")
    monitoring: Monitoring = Field(description="Uptime, latency and error alarms.")

    # ---- derived values: the one place where environment-dependent defaults live ----

    @property
    def is_prod(self) -> bool:
        return self.environment is Environment.prod

    @property
    def domain(self) -> str:
        return self.zone.domain

    def fqdn(self, label: str) -> str:
        return self.domain if label == "@" else f"{label}.{self.domain}"

    def is_internal(self, label: str) -> bool:
        host = self.hostnames[label]
        if host.internal is not None:
            return host.internal
        return is_internal_by_convention(label)

    @property
    def internal_labels(self) -> list[str]:
        return [label for label in self.hostnames if self.is_internal(label)]

    @property
    def canonical_host(self) -> str:
        return self.fqdn("www") if self.redirects.canonical == "www" else self.domain

    @property
    def hsts_max_age(self) -> int:
        if self.tls.hsts.max_age_seconds is not None:
            return self.tls.hsts.max_age_seconds
        return HSTS_DEFAULT_MAX_AGE_PROD if self.is_prod else HSTS_DEFAULT_MAX_AGE_STAGING

    @property
    def dmarc_policy(self) -> DmarcPolicy:
        if self.email.dmarc.policy is not None:
            return self.email.dmarc.policy
        return DmarcPolicy.quarantine if self.is_prod else DmarcPolicy.none

    @property
    def mail_from_domain(self) -> str:
        return f"{self.email.mail_from_subdomain}.{self.domain}"

    @property
    def managed_rulesets(self) -> list[ManagedRuleset]:
        if self.waf.managed_rulesets is not None:
            return self.waf.managed_rulesets
        if self.zone.plan is CloudflarePlan.free:
            return [ManagedRuleset.free_managed]
        return [ManagedRuleset.cloudflare_managed, ManagedRuleset.owasp]

    @property
    def access_session_duration(self) -> str:
        return self.access.session_duration or ("8h" if self.is_prod else "24h")

    @property
    def secret_recovery_window_days(self) -> int:
        if self.secrets.recovery_window_days is not None:
            return self.secrets.recovery_window_days
        return 30 if self.is_prod else 7

    def log_retention_days(self, group: LogGroup) -> int:
        if group.retention_days is not None:
            return group.retention_days
        return 90 if self.is_prod else 14

    def dmarc_external_report_domains(self) -> list[str]:
        """Report domains outside this one: each must publish <domain>._report._dmarc.<it> (RFC 7489 7.1)."""
        domains = {addr.rsplit("@", 1)[1].lower() for addr in self.email.dmarc.rua}
        own = self.domain
        return sorted(d for d in domains if d != own and not d.endswith("." + own))

    def notes(self) -> list[str]:
        """Things a person must do outside this stack, shown by the plan and written into the handover."""
        found: list[str] = []
        for report_domain in self.dmarc_external_report_domains():
            found.append(
                f"DMARC reports go to {report_domain}: that domain must publish the TXT record "
                f'"{self.domain}._report._dmarc.{report_domain}" = "v=DMARC1" or receivers will not send them.'
            )
        found.append("DNSSEC: publish the DS record from the stack output dnssecDs at the registrar.")
        return found

    # ---- cross-field rules ----

    @model_validator(mode="after")
    def _cross_field(self) -> StackConfig:
        problems = list(check(self))
        if problems:
            raise RuleViolations(problems)
        return self
