"""DNS checks: `dns.records` (declared records resolve as declared), `dns.caa`, `dns.dnssec`."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import dns.dnssec
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from launchready.probe.model import CheckResult, fail, passed, warn
from launchready.probe.resolver import Lookup, LookupStatus, Resolver
from launchready.verify.checks_caa import caa_pairs
from launchready.verify.expectations import Expectations, ExpectedRecord


def _norm(value: str) -> str:
    return value.strip().strip('"').lower().rstrip(".")


async def _match(resolver: Resolver, exp: ExpectedRecord) -> dict[str, Any]:
    """One expected record against the live answer: {"expected", "seen", "ok", "reason", "broken"}."""
    row: dict[str, Any] = {"expected": exp.describe(), "required": exp.required}
    if exp.type == "ADDRESS":
        addresses, why = await resolver.addresses(exp.name)
        row["seen"] = addresses
        row["ok"] = bool(addresses)
        row["broken"] = bool(why and why.broken)
        row["reason"] = "" if addresses else (why.reason() if why else "no address")
        return row
    lookup = await resolver.lookup(exp.name, exp.type)
    row["seen"] = lookup.records
    row["broken"] = lookup.broken
    if not lookup.found:
        row["ok"], row["reason"] = False, lookup.reason()
        return row
    if exp.content is None:
        row["ok"], row["reason"] = True, ""
        return row
    if exp.type == "MX":
        wanted = f"{exp.priority} {_norm(exp.content)}"
        seen = {" ".join(_norm(part) for part in r.split()) for r in lookup.records}
        row["ok"] = wanted in seen
    elif exp.type == "TXT":
        row["ok"] = exp.content.strip().strip('"') in {r.strip() for r in lookup.records}
    elif exp.type == "SRV":
        row["ok"] = any(_norm(exp.content) in _norm(r) for r in lookup.records)
    else:  # A, AAAA, CNAME
        row["ok"] = _norm(exp.content) in {_norm(r) for r in lookup.records}
    row["reason"] = "" if row["ok"] else f"{exp.describe()} is not live; the name has: {', '.join(lookup.records)}"
    return row


async def check_records_of(resolver: Resolver, name: str, expected: list[ExpectedRecord]) -> CheckResult:
    rows = await asyncio.gather(*(_match(resolver, e) for e in expected))
    failures = [r for r in rows if not r["ok"] and (r["required"] or r["broken"])]
    warnings = [r for r in rows if not r["ok"] and not r["required"]]
    details = {"records": list(rows), "resolver": resolver.describe()}
    if failures:
        return fail("dns.records", name, "; ".join(r["reason"] for r in failures), **details)
    if warnings:
        return warn("dns.records", name, "; ".join(r["reason"] for r in warnings), **details)
    return passed("dns.records", name, f"{len(rows)} declared record(s) live", **details)


async def check_records(resolver: Resolver, exp: Expectations) -> list[CheckResult]:
    by_name: dict[str, list[ExpectedRecord]] = defaultdict(list)
    for record in exp.records:
        by_name[record.name].append(record)
    return list(await asyncio.gather(*(check_records_of(resolver, n, rs) for n, rs in by_name.items())))


async def check_caa(resolver: Resolver, exp: Expectations) -> CheckResult:
    lookup = await resolver.lookup(exp.domain, "CAA")
    target = exp.domain
    if lookup.broken:
        return fail("dns.caa", target, lookup.reason())
    if lookup.missing:
        if exp.caa_issuers:
            return fail(
                "dns.caa",
                target,
                f"no CAA record; the stack declares issuers {', '.join(exp.caa_issuers)}",
                expected=exp.caa_issuers,
            )
        return warn("dns.caa", target, "no CAA record: any certificate authority may issue for this domain")
    values = caa_pairs(lookup)
    issuers = sorted({v.split(";")[0].strip().lower() for tag, v in values if tag == "issue"} - {""})
    details: dict[str, Any] = {"records": [f"{t} {v}" for t, v in values], "issuers": issuers}
    if not issuers and not any(tag == "issue" for tag, _ in values):
        return warn("dns.caa", target, "CAA has no issue tag, so it restricts nothing", **details)
    if exp.caa_issuers is None:
        if not issuers:
            return fail(
                "dns.caa",
                target,
                'CAA says issue ";": no certificate authority may issue for this domain, so no certificate '
                "can be issued or renewed",
                **details,
            )
        return passed("dns.caa", target, f"CAA allows {', '.join(issuers)}", **details)
    missing = sorted(set(exp.caa_issuers) - set(issuers))
    extra = sorted(set(issuers) - set(exp.caa_issuers))
    details.update(expected=exp.caa_issuers, missing=missing, extra=extra)
    if missing:
        return fail(
            "dns.caa",
            target,
            f"CAA does not allow {', '.join(missing)}: certificates from them (Cloudflare's edge CAs) would be refused",
            **details,
        )
    if extra:
        return warn(
            "dns.caa", target, f"CAA also allows {', '.join(extra)}, which the stack does not declare", **details
        )
    return passed("dns.caa", target, f"CAA allows exactly the declared issuers ({', '.join(issuers)})", **details)


def _rrsig_for(lookup: Lookup, covers: dns.rdatatype.RdataType) -> dns.rrset.RRset | None:
    if lookup.response is None or lookup.rrset is None:
        return None
    for rrset in lookup.response.answer:
        if rrset.rdtype == dns.rdatatype.RRSIG and rrset.covers == covers and rrset.name == lookup.rrset.name:
            return rrset
    return None


async def check_dnssec(resolver: Resolver, exp: Expectations) -> CheckResult:
    """Signed zone whose DNSKEY matches the DS at the parent, with valid signatures on DNSKEY and SOA.

    Absent DNSSEC is a warning (the issue's rule); a DS that matches nothing, or a bad signature, is a
    failure: validating resolvers would then answer SERVFAIL for the whole domain.
    """
    target = exp.domain
    ds, dnskey, soa = await asyncio.gather(
        resolver.lookup(target, "DS"),
        resolver.lookup(target, "DNSKEY", dnssec=True),
        resolver.lookup(target, "SOA", dnssec=True),
    )
    for lookup in (ds, dnskey):
        if lookup.broken:
            return fail("dns.dnssec", target, lookup.reason())
    if not ds.found and not dnskey.found:
        return warn("dns.dnssec", target, "DNSSEC is not enabled (no DS at the parent, no DNSKEY)")
    if not ds.found:
        return warn(
            "dns.dnssec",
            target,
            "the zone is signed but no DS record is published at the parent: publish the DS at the registrar",
            dnskeys=len(dnskey.records),
        )
    if not dnskey.found or dnskey.rrset is None:
        return fail(
            "dns.dnssec",
            target,
            "a DS is published at the parent but the zone serves no DNSKEY: validating resolvers fail the domain",
            ds=ds.records,
        )
    name = dns.name.from_text(target)
    matched = []
    for ds_rdata in ds.rrset or []:
        for key in dnskey.rrset:
            try:
                if dns.dnssec.make_ds(name, key, ds_rdata.digest_type) == ds_rdata:
                    matched.append(dns.dnssec.key_id(key))
            except (dns.dnssec.UnsupportedAlgorithm, ValueError):
                continue
    details: dict[str, Any] = {"ds": ds.records, "matching_key_tags": sorted(set(matched))}
    if not matched:
        return fail(
            "dns.dnssec",
            target,
            "no key in the zone's DNSKEY set matches the DS at the parent: validating resolvers fail the domain",
            **details,
        )
    keys: dict[dns.name.Name, Any] = {name: dnskey.rrset}
    for lookup, what in ((dnskey, dns.rdatatype.DNSKEY), (soa, dns.rdatatype.SOA)):
        if lookup.rrset is None:
            continue
        sig = _rrsig_for(lookup, what)
        if sig is None:
            return fail("dns.dnssec", target, f"the {what.name} set is not signed (no RRSIG)", **details)
        try:
            dns.dnssec.validate(lookup.rrset, sig, keys)
        except dns.dnssec.ValidationFailure as exc:
            return fail("dns.dnssec", target, f"the {what.name} signature does not validate: {exc}", **details)
    return passed("dns.dnssec", target, "DNSSEC is on: the DS matches a DNSKEY and the signatures validate", **details)


def declared_names(exp: Expectations) -> list[str]:
    """Every name the stack (or the audit) declares: records, web hosts, the hosts probed when they resolve."""
    names = [r.name for r in exp.records] + exp.web_hosts + sorted(exp.probe_when_resolving)
    if exp.mail_from_domain:
        names.append(exp.mail_from_domain)
    return list(dict.fromkeys(n.lower().rstrip(".") for n in names))


async def _dangling(resolver: Resolver, name: str) -> dict[str, Any] | None:
    """The CNAME chain at `name` when it ends at a name that does not exist; None otherwise.

    Asks for A (the answer the web checks share): an NXDOMAIN that followed a CNAME means the target, not
    the name, is gone; that holds whatever type is asked, so one question settles it.
    """
    lookup = await resolver.lookup(name, "A")
    if lookup.status is not LookupStatus.nxdomain or not lookup.cnames:
        return None
    return {"name": name, "target": lookup.cnames[0][1], "missing": lookup.cnames[-1][1]}


async def check_dangling(resolver: Resolver, exp: Expectations) -> CheckResult:
    """`dns.dangling_cname`: no declared name is a CNAME to a name that no longer exists (takeover risk)."""
    names = declared_names(exp)
    rows = [r for r in await asyncio.gather(*(_dangling(resolver, n) for n in names)) if r is not None]
    details: dict[str, Any] = {"names": names, "dangling": rows}
    if rows:
        shown = "; ".join(
            f"{r['name']} -> {r['target']}" + (f" -> {r['missing']}" if r["missing"] != r["target"] else "")
            + " (does not exist)"
            for r in rows
        )
        return fail(
            "dns.dangling_cname",
            exp.domain,
            f"dangling CNAME: {shown}; whoever registers the target serves your subdomain",
            **details,
        )
    return passed("dns.dangling_cname", exp.domain, f"no CNAME of {len(names)} declared name(s) dangles", **details)
