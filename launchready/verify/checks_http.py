"""HTTP checks: `redirect.https`, `redirect.canonical`, `http.hsts`.

These probes do not verify certificates (tls.certificate does), so a bad certificate fails one check, not
every check of the host. Redirects are followed by hand, hop by hop, each through our own resolver.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from launchready.probe.model import CheckResult, fail, passed, warn
from launchready.probe.web import Hop, Web, host_of, scheme_of
from launchready.verify.expectations import SIX_MONTHS, Expectations

PERMANENT = (301, 308)
#: the deep link every canonical redirect must keep, path and query
DEEP_PATH = "/launchready-check/deep/page"
DEEP_QUERY = "utm_source=launchready&q=1"
MAX_CANONICAL_HOPS = 2


def at(ip: str | None) -> str:
    """" at 192.0.2.1" for a summary, so a result names the address it probed."""
    return f" at {ip}" if ip else ""


async def check_https_redirect(web: Web, host: str, ip: str | None = None) -> CheckResult:
    """HTTP must upgrade to HTTPS on the same host first, so the host's HSTS is seen (internet.nl's rule)."""
    url = f"http://{host}/"
    hop = await web.get(url, ip=ip)
    details: dict[str, Any] = {"hops": [hop.to_json()], "ip": hop.ip}
    shown = f"{url}{at(hop.ip)}"
    if hop.error:
        return fail("redirect.https", host, f"{shown} did not answer: {hop.error}", **details)
    if not hop.is_redirect or hop.location is None:
        return fail("redirect.https", host, f"{shown} answered {hop.status} without redirecting to HTTPS", **details)
    to = web.resolve_location(url, hop.location)
    if scheme_of(to) != "https":
        return fail("redirect.https", host, f"{shown} redirects to {to}, which is not HTTPS", **details)
    if host_of(to) != host:
        return fail(
            "redirect.https",
            host,
            f"{shown} redirects to another host ({to}) before upgrading to HTTPS on {host}; "
            f"browsers never see {host}'s HSTS",
            **details,
        )
    if hop.status not in PERMANENT:
        return warn(
            "redirect.https",
            host,
            f"{shown} upgrades to HTTPS with a temporary {hop.status}; use 301 or 308",
            **details,
        )
    return passed("redirect.https", host, f"{shown} upgrades to {to} ({hop.status})", **details)


def _landing(hops: list[Hop]) -> tuple[str, Hop]:
    last = hops[-1]
    return host_of(last.url), last


async def _chain(web: Web, source: str) -> tuple[list[Hop], str | None]:
    return await web.follow(f"http://{source}/", max_hops=6)


async def check_canonical(web: Web, exp: Expectations, source: str, canonical: str | None) -> CheckResult:
    """From http://<source>/ to https://<canonical>/ in at most two redirects, without a loop."""
    hops, problem = await _chain(web, source)
    redirects = sum(1 for h in hops if h.is_redirect)
    details: dict[str, Any] = {"hops": [h.to_json() for h in hops], "redirects": redirects}
    if canonical is not None:
        details["canonical"] = canonical
    if problem:
        return fail("redirect.canonical", source, problem, **details)
    host, last = _landing(hops)
    if canonical is None:
        canonical = host  # bare domain: wherever the apex lands
        details["canonical"] = canonical
    if scheme_of(last.url) != "https":
        return fail("redirect.canonical", source, f"ends on {last.url}, which is not HTTPS", **details)
    if host != canonical:
        return fail("redirect.canonical", source, f"ends on {host}, not the canonical host {canonical}", **details)
    if redirects > MAX_CANONICAL_HOPS:
        return fail(
            "redirect.canonical",
            source,
            f"reaches {canonical} in {redirects} redirects; at most {MAX_CANONICAL_HOPS} are allowed",
            **details,
        )
    kept = await _deep_link_kept(web, source, canonical)
    details["deep_link"] = kept
    if kept["problem"]:
        return fail("redirect.canonical", source, kept["problem"], **details)
    if last.status is not None and last.status >= 400:
        return warn(
            "redirect.canonical", source, f"reaches https://{canonical}/ but it answers {last.status}", **details
        )
    return passed(
        "redirect.canonical",
        source,
        f"reaches https://{canonical}/ in {redirects} redirect(s), deep links keep their path and query",
        **details,
    )


async def _deep_link_kept(web: Web, source: str, canonical: str) -> dict[str, Any]:
    """http://<source><deep path>?<query> must land on https://<canonical> with the same path and query."""
    start = f"http://{source}{DEEP_PATH}?{DEEP_QUERY}"
    hops, problem = await web.follow(start, max_hops=6)
    row: dict[str, Any] = {"url": start, "hops": [h.to_json() for h in hops], "problem": None}
    if problem:
        row["problem"] = f"the deep link {start} does not land: {problem}"
        return row
    landed = httpx.URL(hops[-1].url)
    row["landed"] = str(landed)
    lost = [what for what, ok in (("path", landed.path == DEEP_PATH), ("query", landed.query.decode() == DEEP_QUERY))
            if not ok]
    if landed.host != canonical:
        row["problem"] = f"the deep link {start} ends on {landed.host}, not {canonical}"
    elif lost:
        row["problem"] = (
            f"the redirect drops the {' and '.join(lost)}: {start} lands on {landed}; old links and "
            "campaign links lose their page"
        )
    return row


async def check_canonical_all(web: Web, exp: Expectations, sources: list[str]) -> list[CheckResult]:
    canonical = exp.canonical_host
    results = []
    if canonical is None and sources:
        # A bare domain: the apex decides the canonical host; the others must agree with it.
        first = await check_canonical(web, exp, sources[0], None)
        results.append(first)
        canonical = first.details.get("canonical")
        if first.status.value == "fail" and canonical is None:
            canonical = sources[0]
        sources = sources[1:]
    for source in sources:
        results.append(await check_canonical(web, exp, source, canonical))
    return results


_MAX_AGE = re.compile(r'(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)', re.IGNORECASE)


def parse_hsts(value: str) -> tuple[int | None, bool, bool]:
    """(max-age or None if absent/invalid, includeSubDomains, preload) from a header value (RFC 6797)."""
    match = _MAX_AGE.search(value)
    directives = {d.strip().lower() for d in value.split(";")}
    return (int(match.group(1)) if match else None, "includesubdomains" in directives, "preload" in directives)


async def check_hsts(web: Web, exp: Expectations, host: str, ip: str | None = None) -> CheckResult:
    """The first HTTPS response of the host (before any redirect) carries a long enough HSTS header."""
    url = f"https://{host}/"
    hop = await web.get(url, ip=ip)
    details: dict[str, Any] = {"url": url, "rule": exp.hsts_rule(), "ip": hop.ip}
    url = f"{url}{at(hop.ip)}"
    if hop.error:
        return fail("http.hsts", host, f"{url} did not answer: {hop.error}", **details)
    header = hop.headers.get("strict-transport-security")
    details["status"] = hop.status
    details["header"] = header
    if header is None:
        if not exp.hsts_required:
            return warn("http.hsts", host, "no Strict-Transport-Security header (the stack disables HSTS)", **details)
        return fail("http.hsts", host, f"{url} sends no Strict-Transport-Security header", **details)
    max_age, subdomains, preload = parse_hsts(header)
    details.update(max_age=max_age, include_subdomains=subdomains, preload=preload)
    if max_age is None:
        return fail("http.hsts", host, f"the HSTS header has no valid max-age: {header!r}", **details)
    if max_age < exp.hsts_fail_below:
        return fail(
            "http.hsts", host, f"HSTS max-age={max_age}{at(hop.ip)} is too short: {exp.hsts_rule()}", **details
        )
    if max_age < exp.hsts_warn_below:
        why = "below six months" if exp.hsts_warn_below == SIX_MONTHS else "too short"
        return warn("http.hsts", host, f"HSTS max-age={max_age}{at(hop.ip)} is {why}", **details)
    if exp.hsts_include_subdomains and not subdomains:
        return warn("http.hsts", host, f"HSTS{at(hop.ip)} lacks includeSubDomains, which the stack declares", **details)
    return passed(
        "http.hsts",
        host,
        f"HSTS max-age={max_age}" + ("; includeSubDomains" if subdomains else "") + at(hop.ip),
        **details,
    )
