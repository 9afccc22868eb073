"""Email checks: `email.spf`, `email.dmarc`, `email.dkim`, `email.mail_from`.

checkdmarc supplies SPF and DMARC semantics (grammar, lookup counting, the DMARC tree walk, external
report authorization). It cannot tell a timeout from a missing record, so every check first looks the
record up itself and only hands checkdmarc a name whose server answered. checkdmarc caches answers
process-wide without the nameserver in the key: `clear_checkdmarc_caches()` runs before each run.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Any

import checkdmarc.dmarc
import checkdmarc.dnssec
import checkdmarc.smtp
import checkdmarc.spf
import checkdmarc.utils
import dns.resolver
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from launchready.probe.model import CheckResult, Status, fail, passed, warn, worst
from launchready.probe.resolver import Resolver
from launchready.verify.expectations import SES_SPF_INCLUDE, DkimSelector, Expectations

SPF_MAX_LOOKUPS = 10
DKIM_FAIL_BITS = 1024
DKIM_WARN_BITS = 2048
POLICY_STRENGTH = {"none": 0, "quarantine": 1, "reject": 2}


def clear_checkdmarc_caches() -> None:
    for cache in (
        checkdmarc.utils.DNS_CACHE,
        checkdmarc.dnssec.DNSSEC_CACHE,
        checkdmarc.dnssec.DNSKEY_CACHE,
        checkdmarc.dnssec.TLSA_CACHE,
        checkdmarc.smtp.TLS_CACHE,
        checkdmarc.smtp.STARTTLS_CACHE,
    ):
        cache.clear()


def _is_spf(text: str) -> bool:
    text = text.strip().lower()
    return text == "v=spf1" or text.startswith("v=spf1 ")


def _spf_semantics(record: str, domain: str, resolver: dns.resolver.Resolver, timeout: float) -> dict[str, Any]:
    """checkdmarc's parse of one SPF record: lookups counted, includes followed through our resolver."""
    try:
        parsed = checkdmarc.spf.parse_spf_record(
            record, domain, ignore_too_many_lookups=True, resolver=resolver, timeout=timeout
        )
    except checkdmarc.spf.SPFError as exc:
        data = getattr(exc, "data", None) or {}
        return {"error": str(exc.args[0]) if exc.args else str(exc), **{k: v for k, v in data.items() if k != "parsed"}}
    return dict(parsed)


async def _spf_record(resolver: Resolver, name: str) -> tuple[str | None, CheckResult | None, list[str]]:
    """The one SPF record at a name, or the failing result that explains why there is not exactly one."""
    lookup = await resolver.lookup(name, "TXT")
    if lookup.broken:
        return None, fail("", name, lookup.reason()), []
    spf = [r for r in lookup.records if _is_spf(r)]
    if not spf:
        reason = lookup.reason() if lookup.missing else f"no TXT record at {name} starts with v=spf1"
        return None, fail("", name, f"no SPF record: {reason}"), []
    if len(spf) > 1:
        return (
            None,
            fail("", name, f"{len(spf)} SPF records: receivers treat that as a permanent error", records=spf),
            spf,
        )
    return spf[0], None, spf


def _relabel(result: CheckResult, check_id: str, target: str) -> CheckResult:
    return CheckResult(check_id, target, result.status, result.summary, result.details)


async def _judge_spf(
    check_id: str, target: str, resolver: Resolver, timeout: float, require: str | None = None
) -> tuple[CheckResult, dict[str, Any]]:
    record, problem, _ = await _spf_record(resolver, target)
    if problem is not None or record is None:
        assert problem is not None
        return _relabel(problem, check_id, target), {}
    parsed = await asyncio.to_thread(_spf_semantics, record, target, resolver.sync_resolver(), timeout)
    lookups = parsed.get("dns_lookups")
    details: dict[str, Any] = {
        "record": record,
        "dns_lookups": lookups,
        "void_dns_lookups": parsed.get("void_dns_lookups"),
    }
    if "error" in parsed:
        return fail(check_id, target, f"invalid SPF record: {parsed['error']}", **details), parsed
    all_action = (parsed.get("parsed") or {}).get("all")
    details["all"] = all_action
    if isinstance(lookups, int) and lookups > SPF_MAX_LOOKUPS:
        return fail(
            check_id, target, f"SPF needs {lookups} DNS lookups; receivers allow {SPF_MAX_LOOKUPS}", **details
        ), parsed
    if all_action not in ("fail", "softfail"):
        shown = {"pass": "+all", "neutral": "?all"}.get(str(all_action), "no all term")
        return fail(check_id, target, f"SPF ends with {shown}: it must end with ~all or -all", **details), parsed
    if require and require not in record.lower().split():
        return fail(check_id, target, f"SPF does not contain {require}", **details), parsed
    warnings = list(parsed.get("warnings") or [])
    details["warnings"] = warnings
    return passed(
        check_id,
        target,
        f"one valid SPF record, {lookups} lookup(s), ends {'-all' if all_action == 'fail' else '~all'}",
        **details,
    ), parsed


async def check_spf(resolver: Resolver, exp: Expectations, timeout: float) -> CheckResult:
    result, _ = await _judge_spf("email.spf", exp.domain, resolver, timeout)
    if result.status.value != "pass":
        return result
    if result.details.get("warnings"):
        return warn(
            "email.spf",
            exp.domain,
            "SPF valid with warnings: " + "; ".join(result.details["warnings"]),
            **result.details,
        )
    if exp.spf_record and " ".join(result.details["record"].lower().split()) != exp.spf_record.lower():
        return warn(
            "email.spf",
            exp.domain,
            f"SPF differs from the declared record {exp.spf_record!r}",
            expected=exp.spf_record,
            **result.details,
        )
    return result


def _dmarc_semantics(domain: str, resolver: dns.resolver.Resolver, timeout: float) -> dict[str, Any]:
    return dict(checkdmarc.dmarc.check_dmarc(domain, resolver=resolver, timeout=timeout))


async def check_dmarc(resolver: Resolver, exp: Expectations, timeout: float) -> CheckResult:
    target = exp.domain
    own = await resolver.lookup(f"_dmarc.{target}", "TXT")
    if own.broken:
        return fail("email.dmarc", target, own.reason())
    result = await asyncio.to_thread(_dmarc_semantics, target, resolver.sync_resolver(), timeout)
    details: dict[str, Any] = {"record": result.get("record"), "location": result.get("location")}
    if not result.get("valid"):
        return fail("email.dmarc", target, f"DMARC: {result.get('error')}", **details)
    tags = {k: v.get("value") for k, v in (result.get("tags") or {}).items()}
    policy = str(tags.get("p") or "none")
    rua = tags.get("rua") or []
    addresses = sorted(str(u.get("address") if isinstance(u, dict) else u).removeprefix("mailto:").lower() for u in rua)
    warnings = list(result.get("warnings") or [])
    details.update(policy=policy, rua=addresses, warnings=warnings)
    if exp.dmarc_policy is not None:
        details["expected_policy"] = exp.dmarc_policy
        if POLICY_STRENGTH.get(policy, 0) < POLICY_STRENGTH[exp.dmarc_policy]:
            return fail(
                "email.dmarc", target, f"DMARC p={policy} is weaker than the declared p={exp.dmarc_policy}", **details
            )
        missing = sorted({a.lower() for a in exp.dmarc_rua} - set(addresses))
        if missing:
            return fail("email.dmarc", target, f"DMARC reports do not go to {', '.join(missing)}", **details)
        if policy != exp.dmarc_policy:
            return warn(
                "email.dmarc", target, f"DMARC p={policy} differs from the declared p={exp.dmarc_policy}", **details
            )
    if policy == "none":
        return warn("email.dmarc", target, "DMARC p=none: spoofed mail is still delivered", **details)
    if not addresses:
        return warn("email.dmarc", target, f"DMARC p={policy} but no rua: nobody receives aggregate reports", **details)
    if warnings:
        return warn("email.dmarc", target, f"DMARC p={policy} with warnings: " + "; ".join(warnings), **details)
    return passed("email.dmarc", target, f"DMARC p={policy}, reports to {', '.join(addresses)}", **details)


def _dkim_key(record: str) -> tuple[Status, str, int | None]:
    """(pass/warn/fail, why, RSA key bits) for one DKIM TXT record: < 1024 bits fails, < 2048 warns."""
    tags = {}
    for part in record.split(";"):
        if "=" in part:
            k, _, v = part.partition("=")
            tags[k.strip().lower()] = "".join(v.split())
    if "p" not in tags:
        return Status.fail, "no p= tag (not a DKIM key record)", None
    if not tags["p"]:
        return Status.fail, "p= is empty: the key is revoked", None
    try:
        raw = base64.b64decode(tags["p"], validate=True)
    except (binascii.Error, ValueError) as exc:
        return Status.fail, f"p= is not base64: {exc}", None
    if tags.get("k", "rsa").lower() == "ed25519":  # RFC 8463: p= is the raw 32-byte key, not a DER structure
        if len(raw) == 32:
            return Status.passed, "an Ed25519 public key", None
        return Status.fail, f"k=ed25519 but p= holds {len(raw)} bytes, not a 32-byte Ed25519 key", None
    try:
        key = load_der_public_key(raw)
    except (ValueError, TypeError) as exc:
        return Status.fail, f"p= is not a public key: {exc}", None
    if not isinstance(key, rsa.RSAPublicKey):
        return Status.passed, f"{tags.get('k', 'ed25519')} public key", None
    bits = key.key_size
    if bits < DKIM_FAIL_BITS:
        return Status.fail, f"a {bits}-bit RSA key: receivers reject it and it can be factored; publish 2048 bits", bits
    if bits < DKIM_WARN_BITS:
        return Status.warn, f"a {bits}-bit RSA key: below the 2048 bits recommended; rotate to 2048", bits
    return Status.passed, f"a {bits}-bit RSA public key", bits


async def _dkim_one(resolver: Resolver, domain: str, sel: DkimSelector) -> dict[str, Any]:
    name = f"{sel.selector}._domainkey.{domain}"
    row: dict[str, Any] = {"selector": sel.selector, "name": name}

    def verdict(status: Status, reason: str) -> dict[str, Any]:
        row.update(ok=status is not Status.fail, status=status.value, reason=reason)
        return row

    if sel.cname_target:
        row["expected_cname"] = sel.cname_target
        cname = await resolver.lookup(name, "CNAME")
        row["cname"] = cname.records
        if not cname.found:
            return verdict(Status.fail, f"{name}: no CNAME to {sel.cname_target} ({cname.reason()})")
        if sel.cname_target not in {r.lower().rstrip(".") for r in cname.records}:
            return verdict(Status.fail, f"{name} points to {', '.join(cname.records)}, not {sel.cname_target}")
    txt = await resolver.lookup(name, "TXT")
    if not txt.found:
        return verdict(Status.fail, f"{name}: {txt.reason()}")
    keys = [_dkim_key(r) for r in txt.records]
    row["key_bits"] = next((bits for _, _, bits in keys if bits), None)
    best = min(keys, key=lambda k: {Status.passed: 0, Status.warn: 1, Status.fail: 2}[k[0]])
    if best[0] is Status.passed:
        return verdict(Status.passed, best[1])
    return verdict(best[0], f"{name}: " + "; ".join(why for _, why, _ in keys))


async def check_dkim(
    resolver: Resolver, exp: Expectations, selectors: list[DkimSelector] | None = None, no_selector_reason: str = ""
) -> CheckResult:
    target = exp.domain
    selectors = exp.dkim if selectors is None else selectors
    if not selectors:
        return warn(
            "email.dkim",
            target,
            no_selector_reason or "no DKIM selector to check: give --dkim-selector NAME (or --stack with SES access)",
        )
    rows = await asyncio.gather(*(_dkim_one(resolver, target, s) for s in selectors))
    status = worst(Status(r["status"]) for r in rows)
    if status is not Status.passed:
        reasons = "; ".join(r["reason"] for r in rows if r["status"] == status.value)
        return CheckResult("email.dkim", target, status, reasons, {"selectors": list(rows)})
    return passed("email.dkim", target, f"{len(rows)} DKIM selector(s) publish a public key", selectors=list(rows))


async def _mx_hosts_resolve(resolver: Resolver, hosts: list[str]) -> list[str]:
    """The MX hosts that have no address, each with the reason."""
    answers = await asyncio.gather(*(resolver.addresses(h) for h in hosts))
    return [
        f"{host} ({why.reason() if why else 'no address'})"
        for host, (addresses, why) in zip(hosts, answers, strict=True)
        if not addresses
    ]


async def check_mail_from(resolver: Resolver, exp: Expectations, timeout: float) -> CheckResult:
    """The MAIL FROM subdomain has exactly the SES bounce MX and an SPF record that lets SES send."""
    target = exp.mail_from_domain
    if target is None:
        return warn("email.mail_from", exp.domain, "no MAIL FROM subdomain to check: give --mail-from SUBDOMAIN")
    mx = await resolver.lookup(target, "MX")
    if not mx.found:
        return fail("email.mail_from", target, f"no MX: {mx.reason()}")
    hosts = sorted({r.split()[-1].lower().rstrip(".") for r in mx.records})
    details: dict[str, Any] = {"mx": mx.records}
    if exp.mail_from_mx and exp.mail_from_mx not in hosts:
        return fail(
            "email.mail_from",
            target,
            f"MX is {', '.join(hosts)}, not {exp.mail_from_mx} (the SES feedback endpoint of {exp.ses_region})",
            **details,
        )
    unresolved = await _mx_hosts_resolve(resolver, hosts)
    if unresolved:
        return fail(
            "email.mail_from",
            target,
            f"the MX host does not resolve: {', '.join(unresolved)}; bounces are lost and SES falls back "
            "to its own MAIL FROM (SPF stops aligning)",
            **details,
        )
    spf_result, _ = await _judge_spf(
        "email.mail_from", target, resolver, timeout, require=SES_SPF_INCLUDE if exp.mail_from_mx else None
    )
    details["spf"] = spf_result.details.get("record")
    if spf_result.status.value != "pass":
        return CheckResult(
            "email.mail_from",
            target,
            spf_result.status,
            f"MX ok, SPF: {spf_result.summary}",
            {**details, **spf_result.details},
        )
    if len(mx.records) > 1:
        return warn("email.mail_from", target, f"{len(mx.records)} MX records; SES expects exactly one", **details)
    return passed("email.mail_from", target, f"MX {hosts[0]} and a valid SPF record", **details)
