"""Every A and AAAA address of a web host is probed (redirect, HSTS, TLS), and each result names it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from launchready.probe.model import Status
from launchready.verify.expectations import for_domain
from tests.fixtures.dnsserver import RunningDns, serve_dns
from tests.fixtures.site import (
    DOMAIN,
    SECURITY_HEADERS,
    WEB_HOSTS,
    by_id,
    good_routes,
    verify_report,
    zone_text,
)
from tests.fixtures.web import Page, RunningWeb, serve_web

PER_ADDRESS = ("redirect.https", "http.hsts", "tls.certificate", "tls.expiry", "tls.versions", "web.headers")


def host_only(host: str):
    """Expectations that probe one web host (the domain's DNS and mail checks run as well)."""
    return dataclasses.replace(for_domain(DOMAIN), web_hosts=[host], optional_hosts=frozenset(),
                               canonical_sources=[], probe_when_resolving=frozenset(), internal_hosts=[],
                               staging_hosts=[], api_host=None, homepage_url=None)


def test_both_addresses_of_a_healthy_host_are_probed_and_pass(dns_server: RunningDns, web: RunningWeb) -> None:
    report = verify_report(dns_server, web, host_only(f"multi.{DOMAIN}"))
    for check_id in PER_ADDRESS:
        results = by_id(report, check_id)
        ips = {r.details.get("ip") for r in results}
        assert ips == {"127.0.0.1", "127.0.0.2"}, (check_id, ips)
        assert all(r.status is Status.passed for r in results), [(r.id, r.summary) for r in results]


def test_a_stale_second_a_record_fails_naming_the_address(dns_server: RunningDns, web: RunningWeb) -> None:
    report = verify_report(dns_server, web, host_only(f"stale.{DOMAIN}"))
    for check_id in ("redirect.https", "http.hsts", "tls.certificate", "tls.versions"):
        results = {r.details.get("ip"): r for r in by_id(report, check_id)}
        assert results["127.0.0.1"].status is Status.passed, results["127.0.0.1"].summary
        assert results["127.0.0.3"].status is Status.fail
        assert "127.0.0.3" in results["127.0.0.3"].summary
    assert report.failed


def test_an_aaaa_record_where_nothing_listens_fails(dns_server: RunningDns, web: RunningWeb) -> None:
    report = verify_report(dns_server, web, host_only(f"v6dead.{DOMAIN}"))
    tls = {r.details.get("ip"): r for r in by_id(report, "tls.certificate")}
    assert set(tls) == {"127.0.0.1", "::1"}
    assert tls["127.0.0.1"].status is Status.passed
    assert tls["::1"].status is Status.fail and "::1" in tls["::1"].summary
    redirect = {r.details.get("ip"): r for r in by_id(report, "redirect.https")}
    assert redirect["::1"].status is Status.fail and "connection refused" in redirect["::1"].summary


def test_a_dual_stack_host_that_serves_both_passes(tmp_path: Path) -> None:
    host = f"dual.{DOMAIN}"
    zone = zone_text() + f"{host}. 300 IN A 127.0.0.1\n{host}. 300 IN AAAA ::1\n"
    with serve_dns(zone) as dns, serve_web(tmp_path, [*(f"{p}{DOMAIN}" for p in WEB_HOSTS), host], DOMAIN,
                                           addresses=("127.0.0.1", "::1")) as web:
        good_routes(web)
        web.routes[("http", host, "*")] = Page(301, f"https://{host}{{path}}")
        web.routes[("https", host, "*")] = Page(200, headers=SECURITY_HEADERS, body="Welcome")
        report = verify_report(dns, web, host_only(host))
    for check_id in PER_ADDRESS:
        results = by_id(report, check_id)
        assert {r.details.get("ip") for r in results} == {"127.0.0.1", "::1"}, check_id
        assert all(r.status is Status.passed for r in results), [(r.id, r.summary) for r in results]
