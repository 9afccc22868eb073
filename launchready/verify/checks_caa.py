"""`dns.caa_issuer`: does CAA permit the certificate authority that issued the certificate in use?

A CA checks CAA before every issuance, so a CAA set that leaves out the issuer of the live certificate
(or says `issue ";"`, which forbids every CA) passes today and fails at the next renewal: the site goes
dark when the certificate expires. The relevant CAA set is found as a CA finds it (RFC 8659): the first
of the host and its parents, up to the domain, that has one. The issuer is named by its organisation in
the certificate; `CAA_IDENTIFIERS` maps organisations to the identifiers their CAA records use.
"""

from __future__ import annotations

from typing import Any

from launchready.probe.model import CheckResult, fail, passed, warn
from launchready.probe.resolver import Lookup, Resolver
from launchready.verify.checks_tls import describe_certificate, first_address, handshake, probing_context

#: issuer organisation (lower case, as in the certificate's issuer O=) -> CAA identifiers that permit it.
#: Sources: each CA's CPS section 4.2 ("CAA identifying domains") and the CCADB CAA identifiers list.
CAA_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "let's encrypt": ("letsencrypt.org",),
    "internet security research group": ("letsencrypt.org",),
    "google trust services": ("pki.goog",),
    "google trust services llc": ("pki.goog",),
    "digicert inc": ("digicert.com", "symantec.com", "thawte.com", "geotrust.com", "rapidssl.com"),
    "digicert, inc.": ("digicert.com", "symantec.com", "thawte.com", "geotrust.com", "rapidssl.com"),
    "cloudflare, inc.": ("digicert.com",),  # Cloudflare Inc ECC CA-3 is operated by DigiCert
    "sectigo limited": ("sectigo.com", "comodoca.com", "comodo.com"),
    "comodo ca limited": ("sectigo.com", "comodoca.com", "comodo.com"),
    "zerossl": ("sectigo.com", "zerossl.com"),
    "ssl corporation": ("ssl.com",),
    "ssl.com": ("ssl.com",),
    "amazon": ("amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com"),
    "globalsign nv-sa": ("globalsign.com",),
    "entrust, inc.": ("entrust.net", "affirmtrust.com"),
    "godaddy.com, inc.": ("godaddy.com",),
    "starfield technologies, inc.": ("starfieldtech.com",),
    "microsoft corporation": ("microsoft.com",),
    "buypass as-983163327": ("buypass.com", "buypass.no"),
    "certainly": ("certainly.com",),
    "actalis s.p.a.": ("actalis.it",),
}


def identifiers_for(organization: str | None) -> tuple[str, ...]:
    if not organization:
        return ()
    org = organization.strip().lower()
    if org in CAA_IDENTIFIERS:
        return CAA_IDENTIFIERS[org]
    return next((ids for name, ids in CAA_IDENTIFIERS.items() if org.startswith(name.rstrip(".,"))), ())


def _names_up(host: str, domain: str) -> list[str]:
    """host, its parent, ... down to the domain (RFC 8659 tree climbing, bounded at the registered domain)."""
    labels = host.split(".")
    names = [".".join(labels[i:]) for i in range(len(labels))]
    return [n for n in names if n == domain or n.endswith("." + domain)] or [host]


def caa_pairs(lookup: Lookup) -> list[tuple[str, str]]:
    """The (tag in lower case, value) pairs of a CAA answer."""
    pairs = []
    for rdata in lookup.rrset or []:
        tag = rdata.tag.decode() if isinstance(rdata.tag, bytes) else str(rdata.tag)
        value = rdata.value.decode() if isinstance(rdata.value, bytes) else str(rdata.value)
        pairs.append((tag.lower(), value))
    return pairs


async def relevant_caa(resolver: Resolver, host: str, domain: str) -> tuple[str | None, list[tuple[str, str]], str]:
    """(name holding the relevant CAA set or None, its (tag, value) pairs, a DNS error or "")."""
    for name in _names_up(host, domain):
        lookup = await resolver.lookup(name, "CAA")
        if lookup.broken:
            return None, [], lookup.reason()
        if lookup.found:
            return name, caa_pairs(lookup), ""
    return None, [], ""


def _allowed(pairs: list[tuple[str, str]], wildcard: bool = False) -> set[str] | None:
    """The identifiers `issue` permits (for a wildcard name: `issuewild` when there is one, RFC 8659 4.3);
    None when no tag restricts issuance."""
    tag_wanted = "issuewild" if wildcard and any(tag == "issuewild" for tag, _ in pairs) else "issue"
    values = [v for tag, v in pairs if tag == tag_wanted]
    if not values:
        return None
    return {v.split(";")[0].strip().lower() for v in values} - {""}


def _restriction(pairs: list[tuple[str, str]], names: list[str]) -> tuple[set[str] | None, str]:
    """What CAA permits for every name of the certificate (wildcard names under `issuewild` when present), and
    the tags that said so; None when nothing restricts."""
    wild = any(n.startswith("*.") for n in names)
    plain = not names or not all(n.startswith("*.") for n in names)
    wild_tag = "issuewild" if any(tag == "issuewild" for tag, _ in pairs) else "issue"
    checks = ([("issue", _allowed(pairs))] if plain else []) + ([(wild_tag, _allowed(pairs, True))] if wild else [])
    restricting = [(tag, allowed) for tag, allowed in checks if allowed is not None]
    if not restricting:
        return None, "issue"
    allowed = set.intersection(*(a for _, a in restricting))
    return allowed, " and ".join(dict.fromkeys(tag for tag, _ in restricting))


async def check_caa_issuer(
    resolver: Resolver, host: str, domain: str, port: int, timeout: float, ip: str | None = None
) -> CheckResult:
    ip, reason = await first_address(resolver, host, ip)
    if ip is None:
        return fail("dns.caa_issuer", host, f"no certificate to compare with CAA: {reason}")
    shake = await handshake(ip, port, host, probing_context(), timeout)
    if not shake.ok or not shake.leaf_der:
        return fail("dns.caa_issuer", host, f"no certificate to compare with CAA at {ip}: {shake.error}")
    cert = describe_certificate(shake.leaf_der)
    org = cert.get("issuer_organization")
    ids = identifiers_for(org)
    name, pairs, error = await relevant_caa(resolver, host, domain)
    details: dict[str, Any] = {
        "ip": ip,
        "issuer": cert.get("issuer"),
        "issuer_organization": org,
        "caa_identifiers": list(ids),
        "caa_name": name,
        "caa": [f"{t} {v}" for t, v in pairs],
    }
    if error:
        return fail("dns.caa_issuer", host, error, **details)
    allowed, tag = _restriction(pairs, list(cert.get("names") or []))
    details.update(allowed=sorted(allowed) if allowed is not None else None, tag=tag,
                   certificate_names=cert.get("names"))
    if allowed is not None and not allowed:
        return fail(
            "dns.caa_issuer",
            host,
            f'CAA at {name} permits no CA ({tag} ";") for the names of the certificate in use, so the certificate '
            f"from {org} cannot be renewed",
            **details,
        )
    if allowed is None:
        return passed("dns.caa_issuer", host, f"no CAA issue restriction applies; {org} may renew", **details)
    if not ids:
        return warn(
            "dns.caa_issuer",
            host,
            f"cannot tell which CAA identifier the issuer {org or cert.get('issuer')!r} uses; make sure CAA at "
            f"{name} ({', '.join(sorted(allowed))}) permits it",
            **details,
        )
    if not allowed & set(ids):
        return fail(
            "dns.caa_issuer",
            host,
            f"the certificate in use is from {org} ({ids[0]}), which CAA at {name} does not permit "
            f"({', '.join(sorted(allowed))}): its renewal will be refused",
            **details,
        )
    return passed("dns.caa_issuer", host, f"CAA at {name} permits {org} ({ids[0]}), the issuer in use", **details)
