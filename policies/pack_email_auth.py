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
    UNKNOWN,
    Ctx,
    Finding,
    of_type,
    peek,
    stack_rule,
)
from pulumi_policy import Severity

MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
#: DNS lookups an include costs for common providers (RFC 7208 4.6.4); others count as one.
KNOWN_INCLUDE_LOOKUPS = {"amazonses.com": 1, "_spf.google.com": 4, "spf.protection.outlook.com": 2,
                         "sendgrid.net": 2, "mailgun.org": 3}
DMARC_POLICIES = {"none", "quarantine", "reject"}


def _text(value: Any) -> Any:
    """A record's text without surrounding quotes; UNKNOWN stays UNKNOWN."""
    if value is UNKNOWN:
        return UNKNOWN
    return str(value or "").strip().strip('"').strip()


def _txt(record: Any) -> Any:
    return _text(peek(record.props, "content", default=""))


def _name(record: Any) -> Any:
    name = peek(record.props, "name", default="")
    return UNKNOWN if name is UNKNOWN else str(name).lower().rstrip(".")


def _domains(ctx: Ctx) -> list[tuple[str, Any]]:
    """(domain, identity) of every SES domain identity (an address identity has no DNS records of its own)."""
    found = []
    for identity in of_type(ctx.resources or [], SES_IDENTITY):
        value = peek(identity.props, "emailIdentity", default="")
        if isinstance(value, str) and value and "@" not in value:
            found.append((str(value).lower().rstrip("."), identity))
    return found


def _records(ctx: Ctx, name: str, rtype: str) -> list[Any]:
    return [r for r in of_type(ctx.resources or [], DNS_RECORD)
            if peek(r.props, "type") == rtype and _name(r) == name]


def _depends_on(record: Any, urn: str) -> bool:
    return any(dep.urn == urn for deps in record.property_dependencies.values() for dep in deps)


def dmarc_tags(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            tags.setdefault(k.strip().lower(), v.strip())
    return tags


def dmarc_problems(text: str) -> list[str]:
    """What makes a DMARC record invalid (RFC 7489 6.3), in words; [] when it is valid."""
    problems = []
    if not text.replace(" ", "").startswith("v=DMARC1;") and text.replace(" ", "") != "v=DMARC1":
        problems.append("it must start with v=DMARC1;")
    tags = dmarc_tags(text)
    if tags.get("p") not in DMARC_POLICIES:
        problems.append(f"p= must be none, quarantine or reject (got {tags.get('p')!r})")
    if "sp" in tags and tags["sp"] not in DMARC_POLICIES:
        problems.append(f"sp= must be none, quarantine or reject (got {tags['sp']!r})")
    if "pct" in tags and not (tags["pct"].isdigit() and 0 <= int(tags["pct"]) <= 100):
        problems.append(f"pct= must be 0-100 (got {tags['pct']!r})")
    for key in ("rua", "ruf"):
        for uri in filter(None, (u.strip() for u in tags.get(key, "").split(","))):
            if not uri.lower().startswith("mailto:"):
                problems.append(f"{key}= takes mailto: URIs (got {uri!r})")
    return problems


def _is_dmarc(text: Any) -> bool:
    return text is UNKNOWN or str(text).replace(" ", "").upper().startswith("V=DMARC1")


def _dmarc(ctx: Ctx) -> Iterator[Finding]:
    for domain, identity in _domains(ctx):
        records = [r for r in _records(ctx, f"_dmarc.{domain}", "TXT") if _is_dmarc(_txt(r))]
        if len(records) != 1:
            yield Finding(f"sending domain {domain} has {len(records)} DMARC records at _dmarc.{domain}; "
                          "receivers need exactly one", urn=identity.urn, name=identity.name)
            continue
        text = _txt(records[0])
        if text is UNKNOWN:
            continue
        problems = dmarc_problems(text)
        if problems:
            yield Finding(f"the DMARC record of {domain} is invalid: {'; '.join(problems)}",
                          urn=identity.urn, name=identity.name)


def _dmarc_none(ctx: Ctx, prod: bool) -> Iterator[Finding]:
    if ctx.is_prod != prod:
        return
    for domain, _ in _domains(ctx):
        for record in _records(ctx, f"_dmarc.{domain}", "TXT"):
            text = _txt(record)
            if text is not UNKNOWN and _is_dmarc(text) and dmarc_tags(text).get("p") == "none":
                yield Finding(f"the DMARC policy of {domain} is p=none: spoofed mail is still delivered",
                              urn=record.urn, name=record.name)


def spf_lookups(record: str) -> int:
    """DNS lookups an SPF record costs (RFC 7208 4.6.4), counting known includes at their own cost."""
    count = 0
    for term in record.split()[1:]:
        mech = term.lstrip("+-~?").lower()
        if mech.startswith("include:"):
            count += KNOWN_INCLUDE_LOOKUPS.get(mech.split(":", 1)[1], 1)
        elif mech.split(":")[0].split("/")[0] in ("a", "mx", "ptr", "exists") or mech.startswith("redirect="):
            count += 1
    return count


def spf_problems(text: str) -> list[str]:
    """What makes an SPF record unsafe or invalid, in words; [] when it is fine."""
    terms = text.split()
    problems = []
    alls = [t for t in terms[1:] if t.lstrip("+-~?").lower() == "all"]
    if any(t.lower() in ("+all", "?all", "all") for t in alls):
        problems.append("it ends in +all or ?all, which lets anyone send as the domain")
    elif not alls and not any(t.lower().startswith("redirect=") for t in terms[1:]):
        problems.append("it has no ~all or -all")
    lookups = spf_lookups(text)
    if lookups > 10:
        problems.append(f"it costs {lookups} DNS lookups; more than 10 is a permerror")
    return problems


def _spf_for(ctx: Ctx, name: str, subject: Any, what: str) -> Iterator[Finding]:
    records = [r for r in _records(ctx, name, "TXT")
               if _txt(r) is UNKNOWN or str(_txt(r)).lower().startswith("v=spf1")]
    if len(records) != 1:
        yield Finding(f"{what} {name} has {len(records)} SPF records; exactly one is valid",
                      urn=subject.urn, name=subject.name)
        return
    text = _txt(records[0])
    if text is not UNKNOWN and (problems := spf_problems(text)):
        yield Finding(f"the SPF record of {name} is unsafe: {'; '.join(problems)} ({text!r})",
                      urn=subject.urn, name=subject.name)


def _spf(ctx: Ctx) -> Iterator[Finding]:
    for domain, identity in _domains(ctx):
        yield from _spf_for(ctx, domain, identity, "sending domain")
    for mail_from in of_type(ctx.resources or [], MAIL_FROM):
        name = peek(mail_from.props, "mailFromDomain", default="")
        if name and name is not UNKNOWN:
            yield from _spf_for(ctx, str(name).lower().rstrip("."), mail_from, "MAIL FROM domain")


def _is_dkim(record: Any, domain: str, identity_urn: str) -> bool:
    if peek(record.props, "type") != "CNAME":
        return False
    if _depends_on(record, identity_urn):
        return True  # its name or target comes from the identity's DKIM tokens (unknown until SES answers)
    name, content = _name(record), peek(record.props, "content", default="")
    return (name is not UNKNOWN and name.endswith(f"._domainkey.{domain}")
            and (content is UNKNOWN or str(content).lower().rstrip(".").endswith(".dkim.amazonses.com")))


def _dkim(ctx: Ctx) -> Iterator[Finding]:
    records = of_type(ctx.resources or [], DNS_RECORD)
    for domain, identity in _domains(ctx):
        found = sum(1 for r in records if _is_dkim(r, domain, identity.urn))
        if found < 3:
            yield Finding(f"sending domain {domain} has {found} DKIM CNAMEs; SES Easy DKIM needs all 3 "
                          "<token>._domainkey records", urn=identity.urn, name=identity.name)


def _email_records_proxied(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    mail_from = {str(v).lower().rstrip(".") for v in
                 (peek(r.props, "mailFromDomain", default="") for r in of_type(resources, MAIL_FROM))
                 if v and v is not UNKNOWN}
    identities = {r.urn for r in of_type(resources, SES_IDENTITY, MAIL_FROM)}
    for r in of_type(resources, DNS_RECORD):
        if peek(r.props, "proxied") is not True:
            continue
        name, content = _name(r), str(peek(r.props, "content", default="")).lower()
        dkim = (name is not UNKNOWN and "._domainkey." in name) or content.endswith(".dkim.amazonses.com") or \
            any(_depends_on(r, urn) for urn in identities)
        if dkim or name in mail_from:
            label = name if name is not UNKNOWN else r.name
            yield Finding(f"{label} is an email record and must be DNS-only: a proxied record is answered with "
                          "Cloudflare's addresses and breaks DKIM or bounce handling", urn=r.urn, name=r.name)


EMAIL_RULES = [
    stack_rule(
        name="aws-ses-emailidentity-missing-dmarc",
        description="A sending domain needs exactly one valid DMARC record (v=DMARC1, a valid p=, mailto: "
                    "report addresses): without it receivers cannot reject mail spoofing the domain.",
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
        description="A sending domain (and its MAIL FROM domain) needs exactly one SPF record, never +all or ?all, "
                    "with at most 10 DNS lookups; two records or too many lookups make SPF fail everywhere.",
        severity=Severity.HIGH, level=MANDATORY, check=_spf,
        remediation="Keep a single v=spf1 TXT at the apex (email.spf), ending ~all or -all, with few includes.",
    ),
    stack_rule(
        name="aws-ses-emailidentity-missing-dkim",
        description="A sending domain needs the three Easy DKIM CNAMEs SES gives it, or its mail is unsigned "
                    "and fails DMARC alignment.",
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

