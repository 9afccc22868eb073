"""Sending email through SES (`launchready:email`): DMARC, SPF and the reputation thresholds.

The DMARC record is rendered from `Dmarc` and the stack's derived `dmarc_policy` by
`components/email.py` (`render_dmarc`); the cross-field checks are in `components/config/rules/email.py`.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Literal

from pydantic import Field

from components.config.fields import AwsRegion, EmailAddress, Label, Model
from components.facts import KNOWN_SPF_LOOKUPS as KNOWN_SPF_LOOKUPS
from components.facts import SPF_MAX_LOOKUPS as SPF_MAX_LOOKUPS
from components.facts import spf_include_lookups


class DmarcPolicy(StrEnum):
    none = "none"
    quarantine = "quarantine"
    reject = "reject"


class Dmarc(Model):
    policy: DmarcPolicy | None = Field(None, description="p=; default quarantine in prod, none in staging.")
    subdomain_policy: DmarcPolicy | None = Field(None, description="sp=; defaults to the policy.")
    rua: list[EmailAddress] = Field(description="Aggregate report addresses (mailto: is added).", min_length=1)
    percent: int = Field(100, ge=1, le=100, description="pct=: share of failing mail the policy applies to.")


#: Longest SPF record kept: above it the DNS answer may not fit in 512 bytes of UDP (RFC 7208 3.4).
SPF_MAX_LENGTH = 450

SPF_MECHANISM_RE = re.compile(
    r"^(include:[a-z0-9._-]+|ip4:[0-9./]+|ip6:[0-9a-f:./]+|a(:[a-z0-9._-]+)?|mx(:[a-z0-9._-]+)?)$"
)


class Spf(Model):
    extra_senders: list[str] = Field(
        default_factory=list,
        description='Extra SPF mechanisms besides SES, e.g. "include:_spf.google.com" or "ip4:203.0.113.5".',
    )
    all: Literal["~all", "-all"] = Field("~all", description="What receivers do with other senders.")

    @property
    def mechanisms(self) -> list[str]:
        return ["include:amazonses.com", *self.extra_senders]

    @property
    def record(self) -> str:
        return " ".join(["v=spf1", *self.mechanisms, self.all])

    @property
    def lookup_count(self) -> int:
        return sum(spf_lookups(m) for m in self.mechanisms)


def spf_lookups(mechanism: str) -> int:
    """DNS lookups one SPF term costs (RFC 7208 section 4.6.4).

    SPF is case-insensitive and a term may carry a qualifier (`-include:...`), so both are ignored; an include
    of a known provider costs its own lookup plus the ones its record makes.
    """
    term = mechanism.strip().lower().lstrip("+-~?")
    if term.startswith("include:"):
        return spf_include_lookups(term.removeprefix("include:"))
    if term.startswith(("ip4:", "ip6:", "exp=", "v=")) or term == "all":
        return 0
    return 1  # a, mx, ptr, exists, redirect


def is_spf_record(content: str) -> bool:
    """Whether TXT content is an SPF record: it starts with the version term `v=spf1` (RFC 7208 4.5)."""
    text = content.strip().strip('"').strip().lower()
    return text == "v=spf1" or text.startswith("v=spf1 ")


def spf_ip_ok(mechanism: str) -> bool:
    kind, _, value = mechanism.partition(":")
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return network.version == (4 if kind == "ip4" else 6)


class Email(Model):
    enabled: bool = Field(True, description="Send email from this domain through Amazon SES.")
    ses_region: AwsRegion = Field("eu-west-1", description="AWS region of the SES identity.")
    mail_from_subdomain: Label = Field("mail", description="Custom MAIL FROM subdomain (bounces), e.g. mail.")
    dmarc: Dmarc = Field(description="The DMARC record.")
    spf: Spf = Field(default_factory=Spf, description="The apex SPF record.")
    bounce_rate_threshold: float = Field(0.02, gt=0, lt=0.1, description="Alarm when SES bounce rate reaches this.")
    complaint_rate_threshold: float = Field(
        0.001, gt=0, lt=0.005, description="Alarm when SES complaint rate reaches this."
    )
