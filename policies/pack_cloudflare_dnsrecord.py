"""Rules for Cloudflare DNS records (`cloudflare:index/dnsRecord:DnsRecord`): non-public addresses, proxying,
email records kept DNS-only, and secrets published in TXT records.

The secret detectors are written here (the pack's virtualenv holds only pulumi-policy): the detect-secrets
patterns for the token formats that matter (AWS keys, private keys, GitHub, GitLab, Slack, Stripe keys and
webhook secrets, SendGrid, Twilio, Google, npm, JWTs; a known prefix counts at any length after `=`, a
space or the start), URLs carrying a password (`postgres://user:pass@host`, any scheme) and a keyword
detector (`password=...`). High-entropy strings alone
are not flagged: DKIM public keys and verification tokens are high-entropy by design.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pack_aws_ses import IDENTITY_TYPES, MAIL_FROM, depends_on, name_of, text_of
from pack_common import (
    ADVISORY,
    DNS_RECORD,
    MANDATORY,
    UNKNOWN,
    Ctx,
    Finding,
    get,
    matches_any,
    of_type,
    peek,
    resource_rule,
    stack_rule,
)
from pack_facts import is_non_public_address
from pulumi_policy import Severity

DEFAULT_DNS_ONLY = [r"(^|\.)_domainkey\.", r"^_", r"^mail\.", r"^bounce\."]


def _private_address(ctx: Ctx) -> Iterator[Finding]:
    content = str(get(ctx.props, "content", default=""))
    try:
        ipaddress.ip_address(content.strip())
    except ValueError:
        yield Finding(f"{get(ctx.props, 'type')} record {get(ctx.props, 'name')} holds {content!r}, not an address")
        return
    if is_non_public_address(content):
        yield Finding(f"{get(ctx.props, 'name')} points at {content}, a private, loopback, link-local or other "
                      "non-public address that leaks internal topology and cannot be reached from the internet")


def _not_proxied(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "proxied") is True:
        return
    name, content = peek(ctx.props, "name", default=""), peek(ctx.props, "content", default="")
    if name is UNKNOWN:
        return  # a name derived from another resource (DKIM tokens): not a web hostname anyone typed
    patterns = list(ctx.setting("dnsOnlyNames", DEFAULT_DNS_ONLY))
    if matches_any(patterns, str(name)) or (content is not UNKNOWN and str(content).endswith("amazonses.com")):
        return
    yield Finding(f"{name} is a web hostname that is not proxied: no WAF, cache rules or hidden origin")


def _email_records_proxied(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    mail_from = {str(v).lower().rstrip(".") for v in
                 (peek(r.props, "mailFromDomain", default="") for r in of_type(resources, MAIL_FROM))
                 if v and v is not UNKNOWN}
    identities = {r.urn for r in of_type(resources, *IDENTITY_TYPES, MAIL_FROM)}
    for r in of_type(resources, DNS_RECORD):
        if peek(r.props, "proxied") is not True:
            continue
        name, content = name_of(r), str(peek(r.props, "content", default="")).lower()
        dkim = (name is not UNKNOWN and "._domainkey." in name) or content.endswith(".dkim.amazonses.com") or \
            any(depends_on(r, urn) for urn in identities)
        if dkim or name in mail_from:
            label = name if name is not UNKNOWN else r.name
            yield Finding(f"{label} is an email record and must be DNS-only: a proxied record is answered with "
                          "Cloudflare's addresses and breaks DKIM or bounce handling", urn=r.urn, name=r.name)


# ---------------------------------------------------------------------------------------------- secrets

#: Not inside base64 (a DKIM key): a prefix of letters and digits only counts at the start of a word. The
#: prefixes with `_`, `-` or `.` (sk_live_, xoxb-, ghp_) cannot occur in base64 and count anywhere.
_START = r"(?<![A-Za-z0-9+/])"
SECRET_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("an AWS access key id",
     re.compile(_START + r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}")),
    ("an AWS secret access key", re.compile(r"aws.{0,20}?(?:secret|key).{0,5}?[=:]\s*[A-Za-z0-9/+]{40}\b", re.I)),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----|PRIVATE KEY-----")),
    ("a URL with a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/?#@:]*:[^\s/?#@]+@[^\s/?#@]", re.I)),
    ("a GitHub token", re.compile(r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{8,}|\bgithub_pat_[A-Za-z0-9_]{20,}")),
    ("a GitLab token", re.compile(r"glpat-[A-Za-z0-9_-]{8,}")),
    ("a Slack token", re.compile(r"xox[abposre]-[A-Za-z0-9-]{6,}")),
    ("a Slack webhook", re.compile(r"hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+")),
    ("a Stripe secret key", re.compile(r"(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{6,}")),
    ("a Stripe webhook secret", re.compile(r"whsec_[A-Za-z0-9+/=]{8,}")),
    ("a SendGrid key", re.compile(_START + r"SG\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]{8,})?")),
    ("a Twilio key", re.compile(r"\bSK[0-9a-fA-F]{32}\b")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("a password or secret", re.compile(
        r"(?:^|[^a-z0-9])(?:[a-z0-9]+[_-])*(?:password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|apikey|"
        r"access[_-]?key|private[_-]?key|(?:auth|access|refresh|bearer|api)?[_-]?token)\s*[=:]\s*['\"]?"
        r"[^\s'\";]{6,}", re.I)),
]


def secret_kinds(text: str) -> list[str]:
    """What kinds of secret a text holds, by the detectors above; [] when none."""
    return [kind for kind, pattern in SECRET_PATTERNS if pattern.search(text)]


def _secret_in_txt(ctx: Ctx) -> Iterator[Finding]:
    text = text_of(peek(ctx.props, "content", default=""))
    if text is UNKNOWN:
        return
    kinds = secret_kinds(str(text))
    if kinds:
        yield Finding(f"TXT record {get(ctx.props, 'name')} publishes what looks like {kinds[0]}: DNS is public, "
                      "anyone can read it (the value is not shown here)")


DNSRECORD_RULES = [
    resource_rule(
        name="cloudflare-dnsrecord-disallow-private-address",
        description="DNS records must not point at private, loopback, link-local or other non-public addresses: "
                    "they leak internal addresses and cannot serve internet visitors.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(DNS_RECORD,), check=_private_address,
        applies=lambda ctx: get(ctx.props, "type") in ("A", "AAAA"),
        remediation="Point the record at the origin's public address (or a tunnel hostname).",
    ),
    resource_rule(
        name="cloudflare-dnsrecord-enable-proxy",
        description="Web hostnames should be proxied so the WAF, cache rules and Access apply and the origin stays "
                    "hidden.",
        severity=Severity.MEDIUM, level=ADVISORY, types=(DNS_RECORD,), check=_not_proxied,
        applies=lambda ctx: get(ctx.props, "type") in ("A", "AAAA", "CNAME"),
        remediation="Set proxied: true for the hostname in the stack file.",
        config={"dnsOnlyNames": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_DNS_ONLY,
                                 "description": "Regexes of names that must stay DNS-only (mail, verification)."}},
    ),
    stack_rule(
        name="cloudflare-dnsrecord-disallow-proxied-email-records",
        description="DKIM and MAIL FROM records must be DNS-only; proxying them breaks email authentication.",
        severity=Severity.HIGH, level=MANDATORY, check=_email_records_proxied, types=(DNS_RECORD,),
        remediation="Set proxied: false on DKIM CNAMEs and on the MAIL FROM MX/TXT records.",
    ),
    resource_rule(
        name="cloudflare-dnsrecord-disallow-secret-in-txt",
        description="A TXT record must not hold a secret (an API key, a token, a private key, a password): DNS "
                    "is public and cached everywhere, so the secret is leaked for good.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(DNS_RECORD,), check=_secret_in_txt,
        applies=lambda ctx: get(ctx.props, "type") == "TXT",
        remediation="Remove the record, rotate the secret at once (it is compromised), and keep secrets in "
                    "Secrets Manager.",
    ),
]
