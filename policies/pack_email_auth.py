"""Rules for a sending domain: DMARC, SPF and DKIM records, and DKIM/MAIL FROM records kept DNS-only.

A sending domain is the domain of an SES identity (`aws:sesv2/emailIdentity:EmailIdentity`); the rules
look for its records among the stack's Cloudflare DNS records, so they are stack policies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_common import (
    ADVISORY,
    DNS_RECORD,
    MANDATORY,
    SES_IDENTITY,
    Ctx,
    Finding,
    get,
    of_type,
    stack_rule,
)
from pulumi_policy import Severity

MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
#: DNS lookups an include costs for common providers (RFC 7208 4.6.4); others count as one.
KNOWN_INCLUDE_LOOKUPS = {"amazonses.com": 1, "_spf.google.com": 4, "spf.protection.outlook.com": 2,
                         "sendgrid.net": 2, "mailgun.org": 3}
DMARC_POLICIES = {"none", "quarantine", "reject"}


def _txt(record: Any) -> str:
    return str(get(record.props, "content", default="")).strip().strip('"')


def _domains(ctx: Ctx) -> list[tuple[str, Any]]:
    return [(str(get(r.props, "emailIdentity", default="")).lower().rstrip("."), r)
            for r in of_type(ctx.resources or [], SES_IDENTITY)
            if "@" not in str(get(r.props, "emailIdentity", default=""))]


def _records(ctx: Ctx, name: str, rtype: str) -> list[Any]:
    return [r for r in of_type(ctx.resources or [], DNS_RECORD)
            if str(get(r.props, "name", default="")).lower().rstrip(".") == name and get(r.props, "type") == rtype]


def dmarc_tags(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            tags[k.strip().lower()] = v.strip()
    return tags


def _dmarc(ctx: Ctx) -> Iterator[Finding]:
    for domain, identity in _domains(ctx):
        records = [r for r in _records(ctx, f"_dmarc.{domain}", "TXT") if _txt(r).startswith("v=DMARC1")]
        if len(records) != 1:
            yield Finding(f"sending domain {domain} has {len(records)} DMARC records at _dmarc.{domain}; "
                          "receivers need exactly one", urn=identity.urn, name=identity.name)
            continue
        tags = dmarc_tags(_txt(records[0]))
        if tags.get("p") not in DMARC_POLICIES:
            yield Finding(f"the DMARC record of {domain} has no valid p= (got {tags.get('p')!r})",
                          urn=records[0].urn, name=records[0].name)
        for uri in filter(None, (u.strip() for u in tags.get("rua", "").split(","))):
            if not uri.startswith("mailto:"):
                yield Finding(f"the DMARC rua of {domain} must be mailto: URIs (got {uri!r})",
                              urn=records[0].urn, name=records[0].name)


def _dmarc_none(ctx: Ctx, prod: bool) -> Iterator[Finding]:
    if ctx.is_prod != prod:
        return
    for domain, _ in _domains(ctx):
        for record in _records(ctx, f"_dmarc.{domain}", "TXT"):
            if dmarc_tags(_txt(record)).get("p") == "none":
                yield Finding(f"the DMARC policy of {domain} is p=none: spoofed mail is still delivered",
                              urn=record.urn, name=record.name)


def spf_lookups(record: str) -> int:
    count = 0
    for term in record.split()[1:]:
        mech = term.lstrip("+-~?").lower()
        if mech.startswith("include:"):
            count += KNOWN_INCLUDE_LOOKUPS.get(mech.split(":", 1)[1], 1)
        elif mech.split(":")[0].split("/")[0] in ("a", "mx", "ptr", "exists") or mech.startswith("redirect="):
            count += 1
    return count


def _spf(ctx: Ctx) -> Iterator[Finding]:
    for domain, identity in _domains(ctx):
        records = [r for r in _records(ctx, domain, "TXT") if _txt(r).lower().startswith("v=spf1")]
        if len(records) != 1:
            yield Finding(f"sending domain {domain} has {len(records)} SPF records; exactly one is valid",
                          urn=identity.urn, name=identity.name)
            continue
        text = _txt(records[0])
        terms = text.split()
        if terms[-1] not in ("~all", "-all") or any(t in ("+all", "?all", "all") for t in terms):
            yield Finding(f"the SPF record of {domain} must end in ~all or -all, never +all or ?all ({text!r})",
                          urn=records[0].urn, name=records[0].name)
        lookups = spf_lookups(text)
        if lookups > 10:
            yield Finding(f"the SPF record of {domain} costs {lookups} DNS lookups; more than 10 is a permerror",
                          urn=records[0].urn, name=records[0].name)


def _dkim(ctx: Ctx) -> Iterator[Finding]:
    cnames = of_type(ctx.resources or [], DNS_RECORD)
    for domain, identity in _domains(ctx):
        found = 0
        for r in cnames:
            if get(r.props, "type") != "CNAME":
                continue
            name = str(get(r.props, "name", default="")).lower()
            depends = any(dep.urn == identity.urn for deps in r.property_dependencies.values() for dep in deps)
            if name.endswith(f"._domainkey.{domain}") or depends:
                found += 1
        if found < 3:
            yield Finding(f"sending domain {domain} has {found} DKIM CNAMEs; SES Easy DKIM needs all 3 "
                          "<token>._domainkey records", urn=identity.urn, name=identity.name)


def _email_records_proxied(ctx: Ctx) -> Iterator[Finding]:
    mail_from = {str(get(r.props, "mailFromDomain", default="")).lower() for r in
                 of_type(ctx.resources or [], MAIL_FROM)}
    for r in of_type(ctx.resources or [], DNS_RECORD):
        if get(r.props, "proxied") is not True:
            continue
        name = str(get(r.props, "name", default="")).lower()
        content = str(get(r.props, "content", default="")).lower()
        if "._domainkey." in name or content.endswith(".dkim.amazonses.com") or name in mail_from:
            yield Finding(f"{name} is an email record and must be DNS-only: a proxied record is answered with "
                          "Cloudflare's addresses and breaks DKIM or bounce handling", urn=r.urn, name=r.name)


EMAIL_RULES = [
    stack_rule(
        name="aws-ses-emailidentity-missing-dmarc",
        description="A sending domain needs exactly one valid DMARC record with mailto: report addresses.",
        severity=Severity.CRITICAL, level=MANDATORY, check=_dmarc,
        remediation="Declare one TXT record _dmarc.<domain> = \"v=DMARC1; p=quarantine; rua=mailto:...\" "
                    "(the email component does this from email.dmarc).",
    ),
    stack_rule(
        name="aws-ses-emailidentity-disallow-dmarc-none-prod",
        description="In prod, DMARC p=none is not allowed: it only monitors, and spoofed mail is delivered.",
        severity=Severity.HIGH, level=MANDATORY, check=lambda ctx: _dmarc_none(ctx, prod=True),
        remediation="Set email.dmarc.policy to quarantine (the prod default) or reject.",
    ),
    stack_rule(
        name="aws-ses-emailidentity-configure-dmarc-enforcement",
        description="Outside prod, DMARC p=none is allowed while reports are reviewed, but should move on.",
        severity=Severity.LOW, level=ADVISORY, check=lambda ctx: _dmarc_none(ctx, prod=False),
        remediation="Once the aggregate reports are clean, set email.dmarc.policy to quarantine.",
    ),
    stack_rule(
        name="aws-ses-emailidentity-missing-spf",
        description="A sending domain needs exactly one SPF record ending in ~all or -all with at most 10 lookups.",
        severity=Severity.HIGH, level=MANDATORY, check=_spf,
        remediation="Keep a single v=spf1 TXT at the apex (email.spf), ending ~all or -all, with few includes.",
    ),
    stack_rule(
        name="aws-ses-emailidentity-missing-dkim",
        description="A sending domain needs the three Easy DKIM CNAMEs SES gives it.",
        severity=Severity.HIGH, level=MANDATORY, check=_dkim,
        remediation="Declare <token>._domainkey.<domain> CNAME <token>.dkim.amazonses.com for each of the 3 "
                    "tokens of the identity (the email component does this).",
    ),
    stack_rule(
        name="cloudflare-dnsrecord-disallow-proxied-email-records",
        description="DKIM and MAIL FROM records must be DNS-only; proxying them breaks email authentication.",
        severity=Severity.HIGH, level=MANDATORY, check=_email_records_proxied,
        remediation="Set proxied: false on DKIM CNAMEs and on the MAIL FROM MX/TXT records.",
    ),
]

