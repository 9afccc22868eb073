"""dns.records, dns.caa and dns.dnssec against real servers: dnslib for records, knot for DNSSEC."""

from __future__ import annotations

import asyncio
import dataclasses

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver, parse_nameserver
from launchready.verify.checks_dns import check_caa, check_dangling, check_dnssec, check_records
from launchready.verify.expectations import ExpectedRecord, for_domain
from tests.fixtures.dnsserver import RunningDns

D = "example.test"


def records(resolver: Resolver, *expected: ExpectedRecord):
    exp = dataclasses.replace(for_domain(D), records=list(expected))
    return {r.target: r for r in asyncio.run(check_records(resolver, exp))}


def test_declared_records_that_are_live_pass(resolver: Resolver) -> None:
    got = records(
        resolver,
        ExpectedRecord(D, "ADDRESS"),
        ExpectedRecord(D, "MX", "mx.example.test", 10),
        ExpectedRecord(D, "TXT", "google-site-verification=abc123"),
        ExpectedRecord(f"alias.{D}", "CNAME", f"www.{D}"),
    )
    assert {t: r.status for t, r in got.items()} == {D: Status.passed, f"alias.{D}": Status.passed}


def test_missing_wrong_and_dangling_records_fail_with_the_reason(resolver: Resolver) -> None:
    got = records(
        resolver,
        ExpectedRecord(f"nope.{D}", "ADDRESS"),
        ExpectedRecord(D, "MX", "smtp.google.com", 1),
        ExpectedRecord(f"dangling.{D}", "ADDRESS"),
        ExpectedRecord(f"mail.{D}", "TXT", "v=spf1 -all"),
    )
    assert all(r.status is Status.fail for r in got.values())
    assert "does not exist (NXDOMAIN)" in got[f"nope.{D}"].summary
    assert "the name has: 10 mx.example.test." in got[D].summary
    assert "dangling.example.test does not exist" in got[f"dangling.{D}"].summary


def test_a_missing_optional_record_warns(resolver: Resolver) -> None:
    got = records(resolver, ExpectedRecord(f"nope.{D}", "ADDRESS", required=False))
    assert got[f"nope.{D}"].status is Status.warn


def test_a_dead_nameserver_fails_records_even_optional_ones(dead_dns: RunningDns) -> None:
    resolver = Resolver([parse_nameserver(dead_dns.nameserver)], 0.3)
    got = records(resolver, ExpectedRecord(f"www.{D}", "ADDRESS", required=False))
    assert got[f"www.{D}"].status is Status.fail
    assert "DNS timeout" in got[f"www.{D}"].summary


def test_caa_with_the_declared_issuers_passes(resolver: Resolver) -> None:
    exp = dataclasses.replace(for_domain(D), caa_issuers=["letsencrypt.org", "pki.goog"])
    result = asyncio.run(check_caa(resolver, exp))
    assert result.status is Status.passed, result.summary


def test_caa_missing_a_declared_issuer_fails_and_no_caa_warns(resolver: Resolver) -> None:
    exp = dataclasses.replace(for_domain(D), caa_issuers=["letsencrypt.org", "pki.goog", "ssl.com"])
    result = asyncio.run(check_caa(resolver, exp))
    assert result.status is Status.fail and "ssl.com" in result.summary
    assert asyncio.run(check_caa(resolver, for_domain("weak.test"))).status is Status.warn
    declared = dataclasses.replace(for_domain("weak.test"), caa_issuers=["letsencrypt.org"])
    assert asyncio.run(check_caa(resolver, declared)).status is Status.fail


def dnssec(knot: RunningDns, domain: str):
    return asyncio.run(check_dnssec(Resolver([parse_nameserver(knot.nameserver)], 2.0), for_domain(domain)))


def test_dnssec_with_a_matching_ds_passes(knot: RunningDns) -> None:
    result = dnssec(knot, "signed.test")
    assert result.status is Status.passed, result.summary
    assert result.details["matching_key_tags"]


def test_dnssec_with_a_ds_matching_no_key_fails(knot: RunningDns) -> None:
    result = dnssec(knot, "broken.test")
    assert result.status is Status.fail
    assert "matches the DS" in result.summary


def test_dnssec_absent_or_without_ds_warns(knot: RunningDns) -> None:
    unsigned, no_ds = dnssec(knot, "unsigned.test"), dnssec(knot, "nods.test")
    assert (unsigned.status, no_ds.status) == (Status.warn, Status.warn)
    assert "not enabled" in unsigned.summary
    assert "publish the DS at the registrar" in no_ds.summary


def test_dnssec_against_a_dead_nameserver_fails(dead_dns: RunningDns) -> None:
    result = asyncio.run(check_dnssec(Resolver([parse_nameserver(dead_dns.nameserver)], 0.3), for_domain(D)))
    assert result.status is Status.fail and "DNS timeout" in result.summary


def test_a_dangling_cname_is_named_with_its_target(resolver: Resolver) -> None:
    exp = dataclasses.replace(
        for_domain(D), records=[ExpectedRecord(f"shop.{D}", "CNAME"), ExpectedRecord(f"alias.{D}", "CNAME")]
    )
    result = asyncio.run(check_dangling(resolver, exp))
    assert result.status is Status.fail
    assert f"shop.{D} -> shops-old.herokudns.test (does not exist)" in result.summary
    assert [r["name"] for r in result.details["dangling"]] == [f"shop.{D}"]  # alias -> www resolves


def test_declared_names_whose_cnames_resolve_pass(resolver: Resolver) -> None:
    exp = dataclasses.replace(for_domain(D), records=[ExpectedRecord(f"alias.{D}", "CNAME")])
    result = asyncio.run(check_dangling(resolver, exp))
    assert result.status is Status.passed and f"alias.{D}" in result.details["names"]


def test_a_dangling_record_reason_names_the_missing_target(resolver: Resolver) -> None:
    got = records(resolver, ExpectedRecord(f"dangling.{D}", "ADDRESS"))
    assert f"points to gone.{D}, which does not exist" in got[f"dangling.{D}"].summary


def test_caa_issue_semicolon_on_a_bare_domain_fails(resolver: Resolver) -> None:
    exp = dataclasses.replace(for_domain(f"caanone.{D}"))
    result = asyncio.run(check_caa(resolver, exp))
    assert result.status is Status.fail and "no certificate authority may issue" in result.summary
