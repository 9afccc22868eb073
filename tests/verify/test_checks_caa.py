"""dns.caa_issuer: CAA must permit the CA that issued the certificate in use (found as a CA finds CAA)."""

from __future__ import annotations

import asyncio

import pytest

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver
from launchready.verify.checks_caa import check_caa_issuer, identifiers_for
from tests.fixtures.site import DOMAIN
from tests.fixtures.web import RunningWeb


def caa(resolver: Resolver, web: RunningWeb, host: str):
    return asyncio.run(check_caa_issuer(resolver, host, DOMAIN, web.https_port, 2.0))


@pytest.mark.parametrize(
    ("organization", "identifier"),
    [("Let's Encrypt", "letsencrypt.org"), ("Google Trust Services", "pki.goog"), ("DigiCert Inc", "digicert.com"),
     ("Sectigo Limited", "sectigo.com"), ("SSL Corporation", "ssl.com"), ("Amazon", "amazon.com")],
)
def test_issuer_organisations_map_to_their_caa_identifiers(organization: str, identifier: str) -> None:
    assert identifier in identifiers_for(organization)


def test_caa_that_permits_the_live_issuer_passes(resolver: Resolver, web: RunningWeb) -> None:
    result = caa(resolver, web, f"app.{DOMAIN}")  # no CAA at app: the apex's set applies
    assert result.status is Status.passed, result.summary
    assert result.details["caa_name"] == DOMAIN and result.details["issuer_organization"] == "Let's Encrypt"


def test_issue_semicolon_forbids_every_ca_and_fails(resolver: Resolver, web: RunningWeb) -> None:
    result = caa(resolver, web, f"caanone.{DOMAIN}")
    assert result.status is Status.fail and 'issue ";"' in result.summary and "cannot be renewed" in result.summary


def test_caa_that_permits_only_another_ca_fails_naming_both(resolver: Resolver, web: RunningWeb) -> None:
    result = caa(resolver, web, f"caaother.{DOMAIN}")
    assert result.status is Status.fail
    assert "Let's Encrypt (letsencrypt.org)" in result.summary and "pki.goog" in result.summary


def test_an_issuer_that_cannot_be_mapped_warns(resolver: Resolver, web: RunningWeb, monkeypatch) -> None:
    monkeypatch.setattr("launchready.verify.checks_caa.CAA_IDENTIFIERS", {})
    result = caa(resolver, web, DOMAIN)
    assert result.status is Status.warn and "cannot tell which CAA identifier" in result.summary


def test_a_wildcard_certificate_needs_issuewild_to_permit_its_ca(resolver: Resolver, web: RunningWeb) -> None:
    result = caa(resolver, web, f"wildcard.{DOMAIN}")  # issue letsencrypt.org, issuewild ";"
    assert result.status is Status.fail and 'issue and issuewild ";"' in result.summary, result.summary
    plain = caa(resolver, web, DOMAIN)  # the same CA, a certificate without wildcard names
    assert plain.status is Status.passed and plain.details["tag"] == "issue"
