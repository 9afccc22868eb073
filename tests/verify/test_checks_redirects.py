"""redirect.legacy (every declared old URL) and redirect.canonical's deep link, against the site's HTTPS."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver
from launchready.verify.checks_http import DEEP_PATH, DEEP_QUERY, check_canonical_all
from launchready.verify.checks_redirects import PROBE_QUERY, check_legacy, expected_target, probe_url
from launchready.verify.expectations import LegacyRule, for_domain
from tests.fixtures.site import DOMAIN, with_web
from tests.fixtures.web import Page, RunningWeb

D, WWW = DOMAIN, f"www.{DOMAIN}"
RULES = [
    LegacyRule("/pricing.html", "/pricing", 301),
    LegacyRule("/blog/*", "/journal/${1}", 308),
    LegacyRule("/creators/signup", f"https://app.{D}/signup", 301),
]


def legacy(resolver: Resolver, web: RunningWeb, rules: list[LegacyRule] = RULES) -> dict[str, object]:
    exp = dataclasses.replace(for_domain(D), canonical_host=D, legacy=rules, legacy_hosts=[D, WWW])
    results = with_web(resolver, web, lambda w: check_legacy(w, exp, [D, WWW]))
    return {r.target: r for r in results}


def test_a_wildcard_is_asked_with_a_generated_path_and_keeps_it_and_the_query() -> None:
    url, matched = probe_url(D, RULES[1])
    assert url.startswith(f"https://{D}/blog/") and url.endswith(f"?{PROBE_QUERY}") and matched
    assert expected_target(RULES[1], D, matched) == httpx.URL(f"https://{D}/journal/{matched}?{PROBE_QUERY}")
    assert expected_target(RULES[2], D, "") == httpx.URL(f"https://app.{D}/signup?{PROBE_QUERY}")


def test_every_declared_redirect_answers_as_declared_on_apex_and_www(resolver: Resolver, web: RunningWeb) -> None:
    got = legacy(resolver, web)
    assert len(got) == 6
    assert all(r.status is Status.passed for r in got.values()), {t: r.summary for t, r in got.items()}


@pytest.mark.parametrize(
    ("path", "page", "message"),
    [
        ("/blog/*", Page(308, f"https://{D}/journal/"), "the path is /journal/, not /journal/launchready-check"),
        ("/pricing.html", Page(301, f"https://{D}/pricing"), "the query string is dropped"),
        ("/pricing.html", Page(302, f"https://{D}/pricing{{query}}"), "status 302, not the declared 301"),
        ("/creators/signup", Page(301, f"https://{D}/signup{{query}}"), f"goes to https://{D}, not https://app.{D}"),
        ("/pricing.html", Page(404, body="gone"), "answered 404 instead of a 301"),
    ],
)
def test_a_redirect_that_loses_its_target_fails_naming_what(
    resolver: Resolver, web: RunningWeb, path: str, page: Page, message: str
) -> None:
    web.routes[("https", WWW, path)] = page
    got = legacy(resolver, web)
    bad = got[f"{WWW}{path}"]
    assert bad.status is Status.fail and message in bad.summary, bad.summary
    assert got[f"{D}{path}"].status is Status.passed  # the apex still has the good rule


def test_a_canonical_redirect_that_drops_the_path_and_query_fails(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", WWW, "*")] = Page(301, f"https://{D}/", {"Strict-Transport-Security": "max-age=31536000"})
    results = with_web(resolver, web, lambda w: check_canonical_all(w, for_domain(D), [D, WWW]))
    by_source = {r.target: r for r in results}
    assert by_source[D].status is Status.passed
    www = by_source[WWW]
    assert www.status is Status.fail and "drops the path and query" in www.summary, www.summary
    assert www.details["deep_link"]["url"] == f"http://{WWW}{DEEP_PATH}?{DEEP_QUERY}"


def test_a_canonical_redirect_that_drops_only_the_query_fails(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", WWW, DEEP_PATH)] = Page(301, f"https://{D}{DEEP_PATH}")
    results = with_web(resolver, web, lambda w: check_canonical_all(w, for_domain(D), [D, WWW]))
    www = next(r for r in results if r.target == WWW)
    assert www.status is Status.fail and "drops the query" in www.summary
