"""email.mta_sts, email.tls_rpt and web.security_txt: advisories that warn, never fail."""

from __future__ import annotations

import asyncio
import datetime as dt

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver, parse_nameserver
from launchready.verify.checks_advisory import check_mta_sts, check_security_txt, check_tls_rpt
from tests.fixtures.dnsserver import serve_dns
from tests.fixtures.site import DOMAIN, with_web, zone_text
from tests.fixtures.web import Page, RunningWeb

POLICY = f"version: STSv1\nmode: enforce\nmx: mx.{DOMAIN}\nmax_age: 604800\n"


def test_tls_rpt_published_passes_and_missing_warns(resolver: Resolver) -> None:
    assert asyncio.run(check_tls_rpt(resolver, DOMAIN)).status is Status.passed
    missing = asyncio.run(check_tls_rpt(resolver, "weak.test"))  # weak.test has no MX
    assert missing.status is Status.passed and "no MX" in missing.summary


def test_mta_sts_missing_warns_and_an_enforced_policy_passes(web: RunningWeb) -> None:
    zone = zone_text() + f'_mta-sts.{DOMAIN}. 300 IN TXT "v=STSv1; id=20261201"\nmta-sts.{DOMAIN}. 300 IN A 127.0.0.1\n'
    with serve_dns(zone) as dns:
        resolver = Resolver([parse_nameserver(dns.nameserver)], 2.0)
        web.routes[("https", f"mta-sts.{DOMAIN}", "/.well-known/mta-sts.txt")] = Page(
            200, body=POLICY, content_type="text/plain")
        assert with_web(resolver, web, lambda w: check_mta_sts(resolver, w, DOMAIN)).status is Status.passed
        web.routes[("https", f"mta-sts.{DOMAIN}", "/.well-known/mta-sts.txt")] = Page(
            200, body=POLICY.replace("enforce", "testing"), content_type="text/plain")
        testing = with_web(resolver, web, lambda w: check_mta_sts(resolver, w, DOMAIN))
        assert testing.status is Status.warn and "testing" in testing.summary


def test_no_mta_sts_record_warns(resolver: Resolver, web: RunningWeb) -> None:
    result = with_web(resolver, web, lambda w: check_mta_sts(resolver, w, DOMAIN))
    assert result.status is Status.warn and f"_mta-sts.{DOMAIN}" in result.summary


def test_security_txt_present_passes_expired_or_missing_warns(resolver: Resolver, web: RunningWeb) -> None:
    assert with_web(resolver, web, lambda w: check_security_txt(w, DOMAIN)).status is Status.passed
    later = dt.datetime(2032, 1, 1, tzinfo=dt.UTC)
    expired = with_web(resolver, web, lambda w: check_security_txt(w, DOMAIN, now=later))
    assert expired.status is Status.warn and "expired" in expired.summary
    missing = with_web(resolver, web, lambda w: check_security_txt(w, f"app.{DOMAIN}"))
    assert missing.status is Status.warn and "no security.txt" in missing.summary and "HTML page" in missing.summary
