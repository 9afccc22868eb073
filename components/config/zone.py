"""The zone, its web hostnames and its other DNS records (`launchready:zone`, `:hostnames`, `:dns`)."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from components.config.fields import Domain, EmailAddress, Hex32, Label, Model, domain_name
from components.facts import INTERNAL_LABELS


class CloudflarePlan(StrEnum):
    free = "free"
    pro = "pro"
    business = "business"
    enterprise = "enterprise"


PLAN_RANK = {
    CloudflarePlan.free: 0,
    CloudflarePlan.pro: 1,
    CloudflarePlan.business: 2,
    CloudflarePlan.enterprise: 3,
}


def is_internal_by_convention(label: str) -> bool:
    """A label that names a staff-only hostname when `internal` is not set: `admin`, or `admin-<anything>`."""
    return any(label == name or label.startswith(f"{name}-") for name in INTERNAL_LABELS)


class Zone(Model):
    domain: Domain = Field(description="The apex domain of the product, e.g. example.com.")
    zone_id: Hex32 = Field(description="Cloudflare zone id (Overview page of the zone).")
    account_id: Hex32 = Field(description="Cloudflare account id (needed for Access and account rulesets).")
    plan: CloudflarePlan = Field(description="Cloudflare plan tier; decides which WAF and rate-limit rules exist.")


class Hostname(Model):
    origin: str = Field(description="Where traffic goes: an IPv4/IPv6 address (A/AAAA) or a target host (CNAME).")
    proxied: bool = Field(True, description="Served through Cloudflare's proxy (needed for WAF, cache and Access).")
    internal: bool | None = Field(
        None,
        description="Reachable only through Cloudflare Access. Defaults to true for staff labels such as "
        "admin, ops or admin-eu (INTERNAL_LABELS in components/facts.py).",
    )
    purpose: str = Field(description="What this hostname serves; written into the record's comment.", min_length=3)
    owner: str = Field("platform", description="Team or person who owns this hostname.", min_length=1)

    @property
    def record_type(self) -> Literal["A", "AAAA", "CNAME"]:
        try:
            ip = ipaddress.ip_address(self.origin)
        except ValueError:
            return "CNAME"
        return "A" if ip.version == 4 else "AAAA"

    @model_validator(mode="after")
    def _origin_shape(self) -> Hostname:
        if self.record_type == "CNAME":
            domain_name(self.origin)
        return self


class ExtraRecord(Model):
    """A record the product needs that is not a web hostname: inbound MX, site verification TXT..."""

    name: Label = Field(description='Record name relative to the zone ("@" for the apex).')
    type: Literal["MX", "TXT", "CNAME", "A", "AAAA", "SRV"] = Field(description="DNS record type.")
    content: str = Field(description="Record content, exactly as Cloudflare stores it.", min_length=1)
    priority: int | None = Field(None, ge=0, le=65535, description="MX/SRV priority.")
    ttl: int = Field(3600, description="TTL in seconds (60-86400); these records are never proxied.")
    purpose: str = Field(description="What the record is for; written into its comment.", min_length=3)
    owner: str = Field("platform", description="Who owns the record.")

    @model_validator(mode="after")
    def _shape(self) -> ExtraRecord:
        if not 60 <= self.ttl <= 86400:
            raise ValueError("ttl must be between 60 and 86400 seconds")
        if self.type in ("MX", "SRV") and self.priority is None:
            raise ValueError(f"a {self.type} record needs a priority")
        return self


class Dns(Model):
    caa_issuers: list[Domain] = Field(
        default_factory=lambda: ["letsencrypt.org", "pki.goog", "ssl.com", "digicert.com"],
        description="Certificate authorities allowed to issue (CAA issue); Cloudflare's edge CAs by default.",
        min_length=1,
    )
    caa_report_email: EmailAddress | None = Field(None, description="Where CAs report refused requests (CAA iodef).")
    extra_records: list[ExtraRecord] = Field(default_factory=list, description="Non-web records to declare.")
