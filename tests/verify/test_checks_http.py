"""redirect.https, redirect.canonical and http.hsts against HTTP/HTTPS servers on 127.0.0.1."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver
from launchready.probe.web import Web
from launchready.verify.checks_http import check_canonical_all, check_hsts, check_https_redirect, parse_hsts
from launchready.verify.expectations import SIX_MONTHS, for_domain
from tests.fixtures.site import DOMAIN, with_web
from tests.fixtures.web import Page, RunningWeb

D, WWW = DOMAIN, f"www.{DOMAIN}"


def run(resolver: Resolver, web: RunningWeb, fn: Callable[[Web], Awaitable[Any]]) -> Any:
    return with_web(resolver, web, fn)


def test_http_upgrading_to_https_on_the_same_host_passes(resolver: Resolver, web: RunningWeb) -> None:
    result = run(resolver, web, lambda w: check_https_redirect(w, D))
    assert result.status is Status.passed, result.summary


def test_http_only_site_fails(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("http", D, "*")] = Page(200, body="plain")
    result = run(resolver, web, lambda w: check_https_redirect(w, D))
    assert result.status is Status.fail
    assert "answered 200 without redirecting to HTTPS" in result.summary


def test_redirecting_to_another_host_before_upgrading_fails(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("http", WWW, "*")] = Page(301, f"https://{D}/")
    result = run(resolver, web, lambda w: check_https_redirect(w, WWW))
    assert result.status is Status.fail and "another host" in result.summary


def test_a_temporary_upgrade_warns(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("http", D, "*")] = Page(302, f"https://{D}/")
    assert run(resolver, web, lambda w: check_https_redirect(w, D)).status is Status.warn


def test_nothing_listening_fails_with_connection_refused(resolver: Resolver, web: RunningWeb) -> None:
    async def go(w: Web):
        w.ports["http"] = 1  # nothing listens on 127.0.0.1:1
        return await check_https_redirect(w, D)

    result = run(resolver, web, go)
    assert result.status is Status.fail and "connection refused" in result.summary


def canonical(resolver: Resolver, web: RunningWeb, canonical_host: str | None):
    exp = dataclasses.replace(for_domain(D), canonical_host=canonical_host)
    results = run(resolver, web, lambda w: check_canonical_all(w, exp, [D, WWW]))
    return {r.target: r for r in results}


def test_apex_and_www_reach_the_canonical_host_in_two_hops(resolver: Resolver, web: RunningWeb) -> None:
    got = canonical(resolver, web, D)
    assert {t: r.status for t, r in got.items()} == {D: Status.passed, WWW: Status.passed}
    assert got[WWW].details["redirects"] == 2


def test_bare_domain_canonical_is_where_the_apex_lands(resolver: Resolver, web: RunningWeb) -> None:
    got = canonical(resolver, web, None)
    assert got[WWW].status is Status.passed and got[WWW].details["canonical"] == D


def test_wrong_canonical_host_fails(resolver: Resolver, web: RunningWeb) -> None:
    got = canonical(resolver, web, WWW)
    assert got[D].status is Status.fail and "not the canonical host www.example.test" in got[D].summary


def test_a_redirect_loop_fails(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", D, "*")] = Page(301, f"https://{WWW}/")
    got = canonical(resolver, web, D)
    assert got[D].status is Status.fail and "redirect loop" in got[D].summary


def test_three_hops_are_too_many(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", WWW, "*")] = Page(301, f"https://{WWW}/step")
    web.routes[("https", WWW, "/step")] = Page(301, f"https://{D}/")
    got = canonical(resolver, web, D)
    assert got[WWW].status is Status.fail and "in 3 redirects" in got[WWW].summary


def hsts(resolver: Resolver, web: RunningWeb, **changes: Any):
    exp = dataclasses.replace(for_domain(D), **changes)
    return run(resolver, web, lambda w: check_hsts(w, exp, D))


def test_a_year_of_hsts_passes(resolver: Resolver, web: RunningWeb) -> None:
    result = hsts(resolver, web)
    assert result.status is Status.passed and result.details["max_age"] == 31536000


def test_missing_or_short_hsts_fails(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", D, "*")] = Page(200)
    assert hsts(resolver, web).status is Status.fail
    web.routes[("https", D, "*")] = Page(200, headers={"Strict-Transport-Security": "max-age=86400"})
    short = hsts(resolver, web)
    assert short.status is Status.fail and "too short" in short.summary


def test_staging_hsts_below_six_months_but_as_declared_warns(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", D, "*")] = Page(200, headers={"Strict-Transport-Security": "max-age=86400"})
    result = hsts(resolver, web, environment="staging", hsts_fail_below=86400, hsts_warn_below=SIX_MONTHS)
    assert result.status is Status.warn


@given(st.integers(min_value=0, max_value=10**9), st.booleans(), st.booleans())
def test_hsts_header_parsing(max_age: int, subdomains: bool, preload: bool) -> None:
    parts = [f"max-age={max_age}"] + (["includeSubDomains"] if subdomains else []) + (["preload"] if preload else [])
    assert parse_hsts("; ".join(parts)) == (max_age, subdomains, preload)


@pytest.mark.parametrize("value", ["", "includeSubDomains", "max-age=", "max-age=abc"])
def test_hsts_without_a_valid_max_age(value: str) -> None:
    assert parse_hsts(value)[0] is None
