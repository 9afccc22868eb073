"""`redirect.legacy`: every old URL the stack declares (`redirects.legacy`) answers with its declared status
and target, on every host that serves the site, keeping the query string (the rules set
`preserve_query_string`) and, for a wildcard, the part the `*` matched where the target says `${1}`.

A wildcard rule is requested with a generated path under its prefix, so the check proves the pattern, not
one lucky URL. Only the first hop is judged: the target page itself is the new site's business.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from launchready.probe.model import CheckResult, fail, passed
from launchready.probe.web import Web
from launchready.verify.expectations import Expectations, LegacyRule

#: what a wildcard's `*` is asked to match, and the query every old link is asked with
PROBE_TAIL = "launchready-check/old-page"
PROBE_QUERY = "ref=launchready&page=2"


def probe_url(host: str, rule: LegacyRule) -> tuple[str, str]:
    """The URL requested for a rule on a host, and what its `*` matched ("" for an exact rule)."""
    if rule.wildcard:
        matched = PROBE_TAIL
        path = rule.from_[:-1] + matched
    else:
        matched, path = "", rule.from_
    return f"https://{host}{path}?{PROBE_QUERY}", matched


def expected_target(rule: LegacyRule, canonical_host: str, matched: str) -> httpx.URL:
    """Where the rule sends the probe: its target on the canonical host, `${1}` filled, the query kept."""
    target = rule.to if rule.to.startswith("https://") else f"https://{canonical_host}{rule.to}"
    target = target.replace("${1}", matched)
    url = httpx.URL(target)
    query = "&".join(q for q in (url.query.decode(), PROBE_QUERY) if q)
    return url.copy_with(query=query.encode())


def _differences(got: httpx.URL, want: httpx.URL) -> list[str]:
    out = []
    if (got.scheme, got.host, got.port) != (want.scheme, want.host, want.port):
        out.append(f"goes to {got.scheme}://{got.host}, not {want.scheme}://{want.host}")
    if got.path != want.path:
        out.append(f"the path is {got.path}, not {want.path}")
    got_q = set(got.query.decode().split("&")) - {""}
    want_q = set(want.query.decode().split("&")) - {""}
    if not want_q <= got_q:
        out.append("the query string is dropped" if not got_q else f"the query is {got.query.decode()!r}")
    return out


async def check_legacy_rule(web: Web, exp: Expectations, host: str, rule: LegacyRule) -> CheckResult:
    url, matched = probe_url(host, rule)
    want = expected_target(rule, exp.canonical_host or exp.domain, matched)
    target = f"{host}{rule.from_}"
    hop = await web.get(url)
    details: dict[str, Any] = {
        "rule": {"from": rule.from_, "to": rule.to, "status": rule.status},
        "requested": url,
        "expected": {"status": rule.status, "location": str(want)},
        "hop": hop.to_json(),
    }
    if hop.error:
        return fail("redirect.legacy", target, f"{url} did not answer: {hop.error}", **details)
    if not hop.is_redirect or hop.location is None:
        return fail(
            "redirect.legacy", target, f"{url} answered {hop.status} instead of a {rule.status} to {want}", **details
        )
    got = httpx.URL(web.resolve_location(url, hop.location))
    problems = _differences(got, want)
    if hop.status != rule.status:
        problems.insert(0, f"status {hop.status}, not the declared {rule.status}")
    if problems:
        return fail("redirect.legacy", target, f"{url} -> {got}: " + "; ".join(problems), **details)
    return passed("redirect.legacy", target, f"{rule.from_} answers {hop.status} to {got}", **details)


async def check_legacy(web: Web, exp: Expectations, hosts: list[str]) -> list[CheckResult]:
    return list(await asyncio.gather(*(check_legacy_rule(web, exp, h, r) for r in exp.legacy for h in hosts)))
