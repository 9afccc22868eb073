"""Rules for SES sending domains: DMARC, SPF and DKIM records, and DKIM key strength.

A sending domain is the domain of an SES identity (`aws:sesv2/emailIdentity:EmailIdentity`, or the SES v1
`aws:ses/domainIdentity:DomainIdentity`); the rules look for its records among the stack's Cloudflare DNS
records, so they are stack policies. A subdomain identity without its own DMARC record is covered by the
organisational domain's record (RFC 7489 6.6.3), whose `sp=` (else `p=`) then applies.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

from pack_common import (
    ADVISORY,
    DNS_RECORD,
    MANDATORY,
    SES_IDENTITY,
    SES_V1_DKIM,
    SES_V1_IDENTITY,
    UNKNOWN,
    Ctx,
    Finding,
    get,
    is_type,
    items,
    of_type,
    peek,
    resource_rule,
    stack_rule,
)
from pack_facts import SPF_MAX_LOOKUPS, spf_include_lookups
from pulumi_policy import Severity

MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
IDENTITY_TYPES = (SES_IDENTITY, SES_V1_IDENTITY)
DMARC_POLICIES = {"none", "quarantine", "reject"}
#: Public suffixes of two labels, so that the organisational domain of `mail.example.co.uk` is
#: `example.co.uk` (a subset of the Public Suffix List, https://publicsuffix.org/list/).
TWO_LABEL_SUFFIXES = frozenset({
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "com.au", "net.au", "org.au", "co.nz", "org.nz", "co.jp",
    "ne.jp", "or.jp", "com.br", "com.mx", "co.za", "co.in", "com.sg", "com.hk", "com.tr", "co.kr", "com.cn",
    "com.ar", "co.il", "com.pl", "co.id", "com.my", "com.tw",
})
MIN_DKIM_BITS = 2048


def text_of(value: Any) -> Any:
    """A record's text without surrounding quotes (several quoted strings joined); UNKNOWN stays UNKNOWN."""
    if value is UNKNOWN:
        return UNKNOWN
    text = str(value or "").strip()
    if text.startswith('"') and text.endswith('"') and '" "' in text:
        text = "".join(part for part in text[1:-1].split('" "'))
    return text.strip('"').strip()


def txt(record: Any) -> Any:
    return text_of(peek(record.props, "content", default=""))


def name_of(record: Any) -> Any:
    name = peek(record.props, "name", default="")
    return UNKNOWN if name is UNKNOWN else str(name).lower().rstrip(".")


def sending_domains(ctx: Ctx) -> list[tuple[str, Any]]:
    """(domain, identity) of every SES domain identity (an address identity has no DNS records of its own)."""
    found = []
    for identity in of_type(ctx.resources or [], *IDENTITY_TYPES):
        key = "emailIdentity" if identity.resource_type == SES_IDENTITY else "domain"
        value = peek(identity.props, key, default="")
        if isinstance(value, str) and value and "@" not in value:
            found.append((value.lower().rstrip("."), identity))
    return found


def records(ctx: Ctx, name: str, rtype: str) -> list[Any]:
    return [r for r in of_type(ctx.resources or [], DNS_RECORD)
            if peek(r.props, "type") == rtype and name_of(r) == name]


def depends_on(record: Any, urn: str) -> bool:
    return any(dep.urn == urn for deps in record.property_dependencies.values() for dep in deps)


def organisational_domain(domain: str) -> str:
    labels = domain.split(".")
    keep = 3 if ".".join(labels[-2:]) in TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


# ---------------------------------------------------------------------------------------------- DMARC


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


def is_dmarc(text: Any) -> bool:
    return text is UNKNOWN or str(text).replace(" ", "").upper().startswith("V=DMARC1")


def dmarc_records(ctx: Ctx, domain: str) -> tuple[list[Any], bool]:
    """The DMARC records that govern `domain`, and whether they were inherited from the organisational
    domain (RFC 7489 6.6.3: no record at the domain itself)."""
    own = [r for r in records(ctx, f"_dmarc.{domain}", "TXT") if is_dmarc(txt(r))]
    org = organisational_domain(domain)
    if own or org == domain:
        return own, False
    return [r for r in records(ctx, f"_dmarc.{org}", "TXT") if is_dmarc(txt(r))], True


def _dmarc(ctx: Ctx) -> Iterator[Finding]:
    for domain, identity in sending_domains(ctx):
        found, inherited = dmarc_records(ctx, domain)
        where = f"_dmarc.{organisational_domain(domain)}" if inherited else f"_dmarc.{domain}"
        if len(found) != 1:
            yield Finding(f"sending domain {domain} has {len(found)} DMARC records at {where}; receivers need "
                          "exactly one (a subdomain may inherit its organisational domain's)",
                          urn=identity.urn, name=identity.name)
            continue
        text = txt(found[0])
        if text is UNKNOWN:
            continue
        problems = dmarc_problems(text)
        if problems:
            yield Finding(f"the DMARC record governing {domain} ({where}) is invalid: {'; '.join(problems)}",
                          urn=identity.urn, name=identity.name)


def _weak_dmarc(tags: dict[str, str], inherited: bool, prod: bool) -> list[str]:
    """Why a DMARC record does not enforce: p=none (or sp=none for an inheriting subdomain), and in prod
    also sp=none on the organisational domain and pct below 100."""
    weak = []
    policy = tags.get("sp", tags.get("p")) if inherited else tags.get("p")
    if policy == "none":
        weak.append(f"{'sp' if inherited and 'sp' in tags else 'p'}=none")
    if prod and not inherited and tags.get("sp") == "none" and tags.get("p") != "none":
        weak.append("sp=none (subdomains are not protected)")
    if prod and tags.get("pct", "100").isdigit() and int(tags.get("pct", "100")) < 100:
        weak.append(f"pct={tags['pct']} (the policy applies to part of the mail only)")
    return weak


def _dmarc_none(ctx: Ctx, prod: bool) -> Iterator[Finding]:
    if ctx.is_prod != prod:
        return
    reported: set[str] = set()
    for domain, _ in sending_domains(ctx):
        found, inherited = dmarc_records(ctx, domain)
        for record in found:
            text = txt(record)
            if text is UNKNOWN or not is_dmarc(text) or record.urn in reported:
                continue
            weak = _weak_dmarc(dmarc_tags(text), inherited, prod)
            if weak:
                reported.add(record.urn)
                yield Finding(f"the DMARC record governing {domain} does not enforce: {', '.join(weak)}; spoofed "
                              "mail is still delivered", urn=record.urn, name=record.name)


# ---------------------------------------------------------------------------------------------- SPF


def spf_lookups(record: str) -> int:
    """DNS lookups an SPF record costs (RFC 7208 4.6.4), counting known includes at their own cost."""
    count = 0
    for term in record.split()[1:]:
        mech = term.lstrip("+-~?").lower()
        if mech.startswith("include:"):
            count += spf_include_lookups(mech.split(":", 1)[1])
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
    if lookups > SPF_MAX_LOOKUPS:
        problems.append(f"it costs {lookups} DNS lookups; more than {SPF_MAX_LOOKUPS} is a permerror")
    return problems


def _spf_for(ctx: Ctx, name: str, subject: Any, what: str) -> Iterator[Finding]:
    found = [r for r in records(ctx, name, "TXT") if txt(r) is UNKNOWN or str(txt(r)).lower().startswith("v=spf1")]
    if len(found) != 1:
        yield Finding(f"{what} {name} has {len(found)} SPF records; exactly one is valid",
                      urn=subject.urn, name=subject.name)
        return
    text = txt(found[0])
    if text is not UNKNOWN and (problems := spf_problems(text)):
        yield Finding(f"the SPF record of {name} is unsafe: {'; '.join(problems)} ({text!r})",
                      urn=subject.urn, name=subject.name)


def _spf(ctx: Ctx) -> Iterator[Finding]:
    for domain, identity in sending_domains(ctx):
        yield from _spf_for(ctx, domain, identity, "sending domain")
    for mail_from in of_type(ctx.resources or [], MAIL_FROM):
        name = peek(mail_from.props, "mailFromDomain", default="")
        if name and name is not UNKNOWN:
            yield from _spf_for(ctx, str(name).lower().rstrip("."), mail_from, "MAIL FROM domain")


# ---------------------------------------------------------------------------------------------- DKIM


def dkim_sources(ctx: Ctx, domain: str, identity: Any) -> set[str]:
    """URNs whose outputs carry the domain's DKIM tokens: the identity, and SES v1 DomainDkim of the domain."""
    urns = {identity.urn}
    for dkim in of_type(ctx.resources or [], SES_V1_DKIM):
        value = peek(dkim.props, "domain", default="")
        if value is UNKNOWN or str(value).lower().rstrip(".") == domain or depends_on(dkim, identity.urn):
            urns.add(dkim.urn)
    return urns


def known_tokens(ctx: Ctx, sources: set[str]) -> set[str] | None:
    """The identity's DKIM tokens when the stack knows them (outputs after an update: the sesv2 identity's
    `dkimSigningAttributes.tokens`, a v1 DomainDkim's `dkimTokens`); None when it does not."""
    tokens: set[str] = set()
    for resource in ctx.resources or []:
        if resource.urn not in sources:
            continue
        values = items(resource.props, "dkimSigningAttributes", "tokens") + items(resource.props, "dkimTokens")
        tokens |= {str(t).lower() for t in values if isinstance(t, str)}
    return tokens or None


def dkim_state(record: Any, domain: str, sources: set[str], tokens: set[str] | None = None) -> str:
    """"ok" for an Easy DKIM CNAME of the domain, "mismatch" when its name's token is not its target's or
    not one of the identity's known tokens, "" for any other record."""
    if peek(record.props, "type") != "CNAME":
        return ""
    if any(depends_on(record, urn) for urn in sources):
        return "ok"  # its name or target comes from the identity's DKIM tokens (unknown until SES answers)
    name, content = name_of(record), peek(record.props, "content", default="")
    if name is UNKNOWN or not name.endswith(f"._domainkey.{domain}"):
        return ""
    if content is UNKNOWN:
        return "ok"
    target = str(content).lower().rstrip(".")
    if not target.endswith(".dkim.amazonses.com"):
        return ""
    token = name[: -len(f"._domainkey.{domain}")]
    if target != f"{token}.dkim.amazonses.com" or (tokens is not None and token not in tokens):
        return "mismatch"
    return "ok"


def _byodkim(ctx: Ctx, domain: str, identity: Any) -> Iterator[Finding] | None:
    """For a BYODKIM identity (its own private key): the selector's TXT record instead of 3 CNAMEs."""
    signing = peek(identity.props, "dkimSigningAttributes", default=None)
    if signing is None or peek(signing, "domainSigningPrivateKey") is None:
        return None
    selector = peek(signing, "domainSigningSelector", default="")
    if selector is UNKNOWN:
        return iter(())
    name = f"{str(selector).lower()}._domainkey.{domain}"
    found = [r for r in records(ctx, name, "TXT") if txt(r) is UNKNOWN or "p=" in str(txt(r))]
    if found:
        return iter(())
    return iter([Finding(f"BYODKIM identity {domain} has no public key record {name} (TXT \"v=DKIM1; k=rsa; "
                         "p=...\"): receivers cannot verify its signatures", urn=identity.urn, name=identity.name)])


def _dkim(ctx: Ctx) -> Iterator[Finding]:
    all_records = of_type(ctx.resources or [], DNS_RECORD)
    for domain, identity in sending_domains(ctx):
        own_key = _byodkim(ctx, domain, identity)
        if own_key is not None:
            yield from own_key
            continue
        sources = dkim_sources(ctx, domain, identity)
        tokens = known_tokens(ctx, sources)
        states = [(r, dkim_state(r, domain, sources, tokens)) for r in all_records]
        for record, state in states:
            if state == "mismatch":
                yield Finding(f"DKIM record {name_of(record)} points at {peek(record.props, 'content')}: not the "
                              "token of its own name, or not one of the identity's tokens, so SES cannot verify it",
                              urn=record.urn, name=record.name)
        found = sum(1 for _, state in states if state == "ok")
        if found < 3:
            yield Finding(f"sending domain {domain} has {found} DKIM CNAMEs; SES Easy DKIM needs all 3 "
                          "<token>._domainkey records", urn=identity.urn, name=identity.name)


def rsa_bits(der: bytes) -> int | None:
    """The modulus size of an RSA key in DER (SubjectPublicKeyInfo, PKCS#1 or PKCS#8), or None."""
    def read(data: bytes, pos: int) -> tuple[int, int, int]:
        tag, length = data[pos], data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            length, pos = int.from_bytes(data[pos:pos + count], "big"), pos + count
        return tag, pos, pos + length

    def children(data: bytes) -> list[tuple[int, bytes]]:
        tag, start, end = read(data, 0)
        if tag != 0x30:
            return []
        out, pos = [], start
        while pos < end:
            tag, s, e = read(data, pos)
            out.append((tag, data[s:e]))
            pos = e
        return out

    try:
        parts = children(der)
        tags = [t for t, _ in parts]
        if tags[:2] == [0x02, 0x02]:  # PKCS#1: public (n, e) or private (0, n, ...)
            modulus = parts[1][1] if int.from_bytes(parts[0][1], "big") == 0 else parts[0][1]
            return int.from_bytes(modulus, "big").bit_length()
        if tags[:2] == [0x30, 0x03]:  # SubjectPublicKeyInfo: the key in a BIT STRING
            return rsa_bits(parts[1][1][1:])
        if tags[:3] == [0x02, 0x30, 0x04]:  # PKCS#8 private key: the PKCS#1 key in an OCTET STRING
            return rsa_bits(parts[2][1])
    except (IndexError, ValueError):
        return None
    return None


def key_bits(text: str) -> int | None:
    body = "".join(line for line in text.strip().splitlines() if not line.startswith("-----"))
    try:
        return rsa_bits(base64.b64decode("".join(body.split()), validate=True))
    except (binascii.Error, ValueError):
        return None


def _dkim_key_length(ctx: Ctx) -> Iterator[Finding]:
    if is_type(ctx.resource_type, DNS_RECORD):
        name = str(peek(ctx.props, "name", default="") or "")
        text = text_of(peek(ctx.props, "content", default=""))
        if text is UNKNOWN or "._domainkey." not in f".{name.lower()}." or "p=" not in str(text):
            return
        tags = dmarc_tags(str(text))
        bits = key_bits(tags.get("p", "")) if tags.get("p") else None
        if bits is not None and bits < MIN_DKIM_BITS:
            yield Finding(f"the DKIM key published at {name} is {bits}-bit RSA; use at least {MIN_DKIM_BITS} bits")
        return
    signing = peek(ctx.props, "dkimSigningAttributes", default={})
    length = peek(signing, "nextSigningKeyLength")
    if length == "RSA_1024_BIT":
        yield Finding("the identity's Easy DKIM key is RSA_1024_BIT; set nextSigningKeyLength to RSA_2048_BIT")
    private = peek(signing, "domainSigningPrivateKey")
    if isinstance(private, str) and (bits := key_bits(private)) is not None and bits < MIN_DKIM_BITS:
        yield Finding(f"the identity's BYODKIM private key is {bits}-bit RSA; use at least {MIN_DKIM_BITS} bits")


def _is_dkim_subject(ctx: Ctx) -> bool:
    if is_type(ctx.resource_type, DNS_RECORD):
        name = str(get(ctx.props, "name", default="")).lower()
        return get(ctx.props, "type") == "TXT" and "._domainkey." in f".{name}."
    return get(ctx.props, "dkimSigningAttributes") is not None


SES_RULES = [
    stack_rule(
        name="aws-ses-emailidentity-missing-dmarc",
        description="A sending domain needs exactly one valid DMARC record (v=DMARC1, a valid p=, mailto: "
                    "report addresses), its own or its organisational domain's (RFC 7489 6.6.3): without it "
                    "receivers cannot reject mail spoofing the domain.",
        severity=Severity.CRITICAL, level=MANDATORY, check=_dmarc, types=IDENTITY_TYPES,
        remediation="Declare one TXT record _dmarc.<domain> = \"v=DMARC1; p=quarantine; rua=mailto:...\" "
                    "(the email component does this from email.dmarc).",
    ),
    stack_rule(
        name="aws-ses-emailidentity-disallow-dmarc-none-prod",
        description="In prod, DMARC must enforce: p=none (or sp=none for subdomains) only monitors, and pct "
                    "below 100 applies the policy to part of the mail; spoofed mail is delivered.",
        severity=Severity.HIGH, level=MANDATORY, check=lambda ctx: _dmarc_none(ctx, prod=True),
        types=IDENTITY_TYPES,
        remediation="Set email.dmarc.policy to quarantine (the prod default) or reject, keep sp= at least "
                    "quarantine and drop pct (100 by default).",
    ),
    stack_rule(
        name="aws-ses-emailidentity-configure-dmarc-enforcement",
        description="Outside prod, DMARC p=none is allowed while reports are reviewed, but should move on.",
        severity=Severity.LOW, level=ADVISORY, check=lambda ctx: _dmarc_none(ctx, prod=False),
        types=IDENTITY_TYPES,
        remediation="Once the aggregate reports are clean, set email.dmarc.policy to quarantine.",
    ),
    stack_rule(
        name="aws-ses-emailidentity-missing-spf",
        description="A sending domain (and its MAIL FROM domain) needs exactly one SPF record, never +all or ?all, "
                    "with at most 10 DNS lookups; two records or too many lookups make SPF fail everywhere.",
        severity=Severity.HIGH, level=MANDATORY, check=_spf, types=IDENTITY_TYPES,
        remediation="Keep a single v=spf1 TXT at the apex (email.spf), ending ~all or -all, with few includes.",
    ),
    stack_rule(
        name="aws-ses-emailidentity-missing-dkim",
        description="A sending domain needs the three Easy DKIM CNAMEs SES gives it, each pointing at its own "
                    "token, or its mail is unsigned and fails DMARC alignment.",
        severity=Severity.HIGH, level=MANDATORY, check=_dkim, types=IDENTITY_TYPES,
        remediation="Declare <token>._domainkey.<domain> CNAME <token>.dkim.amazonses.com for each of the 3 "
                    "tokens of the identity (the email component does this).",
    ),
    resource_rule(
        name="aws-ses-emailidentity-configure-dkim-key-length",
        description="DKIM keys must be at least 2048-bit RSA: 1024-bit keys are within reach of factoring and "
                    "receivers increasingly distrust them.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(SES_IDENTITY, DNS_RECORD), check=_dkim_key_length,
        applies=_is_dkim_subject,
        remediation="Set dkimSigningAttributes.nextSigningKeyLength to RSA_2048_BIT (Easy DKIM), or generate a "
                    "2048-bit key for BYODKIM and publish its public key.",
    ),
]
