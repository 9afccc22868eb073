"""tls.certificate, tls.expiry and tls.versions against trustme certificates chosen by SNI."""

from __future__ import annotations

import asyncio

import pytest

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver
from launchready.verify.checks_tls import check_certificate, check_versions
from tests.fixtures.site import DOMAIN
from tests.fixtures.web import RunningWeb, closed_port, legacy_context, serve_https


def cert(resolver: Resolver, web: RunningWeb, host: str, port: int | None = None):
    results = asyncio.run(check_certificate(resolver, host, port or web.https_port, str(web.ca_file), 2.0))
    return {r.id: r for r in results}


def test_a_trusted_chain_for_the_host_passes(resolver: Resolver, web: RunningWeb) -> None:
    got = cert(resolver, web, DOMAIN)
    assert got["tls.certificate"].status is Status.passed, got["tls.certificate"].summary
    assert got["tls.expiry"].status is Status.passed
    assert DOMAIN in got["tls.certificate"].details["certificate"]["names"]


def test_without_the_extra_ca_the_chain_is_not_trusted(resolver: Resolver, web: RunningWeb) -> None:
    results = asyncio.run(check_certificate(resolver, DOMAIN, web.https_port, None, 2.0))
    assert results[0].status is Status.fail and "certificate rejected" in results[0].summary


@pytest.mark.parametrize(
    ("label", "summary"),
    [
        ("expired", "certificate has expired"),
        ("wronghost", "Hostname mismatch"),
        ("leafonly", "the server may not send its intermediate certificate"),
    ],
)
def test_bad_certificates_fail_with_the_reason(resolver: Resolver, web: RunningWeb, label: str, summary: str) -> None:
    got = cert(resolver, web, f"{label}.{DOMAIN}")
    assert got["tls.certificate"].status is Status.fail
    assert summary in got["tls.certificate"].summary


def test_expiry_fails_when_expired_or_under_14_days_and_warns_under_30(resolver: Resolver, web: RunningWeb) -> None:
    assert cert(resolver, web, f"expired.{DOMAIN}")["tls.expiry"].status is Status.fail
    expiring = cert(resolver, web, f"expiring.{DOMAIN}")
    assert expiring["tls.certificate"].status is Status.passed  # still valid, but not for long
    assert expiring["tls.expiry"].status is Status.fail and expiring["tls.expiry"].details["days_left"] in (9, 10)
    assert cert(resolver, web, f"soon.{DOMAIN}")["tls.expiry"].status is Status.warn


def test_a_refused_connection_fails_both(resolver: Resolver, web: RunningWeb) -> None:
    with closed_port() as port:
        got = cert(resolver, web, DOMAIN, port)
    assert got["tls.certificate"].status is Status.fail and "connection refused" in got["tls.certificate"].summary
    assert got["tls.expiry"].status is Status.fail


def test_only_tls_12_and_13_pass(resolver: Resolver, web: RunningWeb) -> None:
    result = asyncio.run(check_versions(resolver, DOMAIN, web.https_port, 2.0))
    assert result.status is Status.passed, result.summary
    assert result.details["accepted"] == ["TLSv1.2", "TLSv1.3"]


def test_a_server_that_accepts_tls_10_fails(resolver: Resolver, web: RunningWeb) -> None:
    with serve_https(web.routes, legacy_context(web.certs, DOMAIN)) as port:
        result = asyncio.run(check_versions(resolver, DOMAIN, port, 2.0))
    assert result.status is Status.fail, result.summary
    assert "TLSv1.0" in result.summary and "TLSv1.0" in result.details["accepted"]
