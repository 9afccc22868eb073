"""email.spf, email.dmarc, email.dkim and email.mail_from: checkdmarc semantics, our own DNS verdicts."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import time

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver, parse_nameserver
from launchready.verify.checks_email import check_dkim, check_dmarc, check_mail_from, check_spf
from launchready.verify.expectations import DkimSelector, for_domain, ses_dkim_selectors
from tests.fixtures.dnsserver import RunningDns
from tests.fixtures.site import DOMAIN, TOKENS


def spf(resolver: Resolver, domain: str, **changes):
    return asyncio.run(check_spf(resolver, dataclasses.replace(for_domain(domain), **changes), 2.0))


def test_one_valid_spf_ending_in_all_passes(resolver: Resolver) -> None:
    result = spf(resolver, DOMAIN)
    assert result.status is Status.passed, result.summary
    assert result.details["dns_lookups"] == 1 and result.details["all"] == "fail"


def test_spf_that_differs_from_the_declared_record_warns(resolver: Resolver) -> None:
    result = spf(resolver, DOMAIN, spf_record="v=spf1 include:amazonses.com include:_spf.google.com ~all")
    assert result.status is Status.warn and "differs from the declared record" in result.summary


def test_bad_spf_fails_with_the_reason(resolver: Resolver) -> None:
    assert "2 SPF records" in spf(resolver, "twospf.test").summary
    assert "+all" in spf(resolver, "plusall.test").summary
    assert "no SPF record" in spf(resolver, "nospf.test").summary
    too_many = spf(resolver, "toomany.test")
    assert too_many.status is Status.fail and "11" in too_many.summary
    for domain in ("twospf.test", "plusall.test", "nospf.test"):
        assert spf(resolver, domain).status is Status.fail


def test_a_timeout_is_not_reported_as_a_missing_record(dead_dns: RunningDns) -> None:
    resolver = Resolver([parse_nameserver(dead_dns.nameserver)], 0.3)
    started = time.monotonic()
    result = asyncio.run(check_spf(resolver, for_domain(DOMAIN), 0.3))
    dmarc = asyncio.run(check_dmarc(resolver, for_domain(DOMAIN), 0.3))
    assert time.monotonic() - started < 2
    for r in (result, dmarc):
        assert r.status is Status.fail and "DNS timeout" in r.summary and "does not exist" not in r.summary


def dmarc(resolver: Resolver, domain: str, **changes):
    return asyncio.run(check_dmarc(resolver, dataclasses.replace(for_domain(domain), **changes), 2.0))


def test_enforcing_dmarc_with_reports_passes(resolver: Resolver) -> None:
    result = dmarc(resolver, DOMAIN, dmarc_policy="quarantine", dmarc_rua=[f"dmarc@{DOMAIN}"])
    assert result.status is Status.passed, result.summary
    assert result.details["policy"] == "quarantine" and result.details["rua"] == [f"dmarc@{DOMAIN}"]


def test_dmarc_weaker_than_declared_or_missing_reports_fails(resolver: Resolver) -> None:
    assert "weaker than the declared p=reject" in dmarc(resolver, DOMAIN, dmarc_policy="reject").summary
    missing = dmarc(resolver, DOMAIN, dmarc_policy="quarantine", dmarc_rua=["ops@other.test"])
    assert missing.status is Status.fail and "ops@other.test" in missing.summary


def test_missing_or_invalid_dmarc_fails_and_p_none_warns(resolver: Resolver) -> None:
    assert dmarc(resolver, "nodmarc.test").status is Status.fail
    assert dmarc(resolver, "baddmarc.test").status is Status.fail
    weak = dmarc(resolver, "weak.test")
    assert weak.status is Status.warn and "p=none" in weak.summary


def test_dkim_selectors_with_public_keys_pass(resolver: Resolver) -> None:
    exp = for_domain(DOMAIN, dkim_selectors=["sel1"])
    assert asyncio.run(check_dkim(resolver, exp)).status is Status.passed
    ses = asyncio.run(check_dkim(resolver, exp, ses_dkim_selectors(TOKENS)))
    assert ses.status is Status.passed, ses.summary


def test_missing_revoked_or_misdirected_dkim_fails(resolver: Resolver) -> None:
    exp = for_domain(DOMAIN)
    missing = asyncio.run(check_dkim(resolver, exp, [DkimSelector("nosuch")]))
    assert missing.status is Status.fail and "nosuch._domainkey.example.test" in missing.summary
    revoked = asyncio.run(check_dkim(resolver, exp, [DkimSelector("revoked")]))
    assert revoked.status is Status.fail and "revoked" in revoked.summary
    wrong = asyncio.run(check_dkim(resolver, exp, [DkimSelector("tok1", "tok1.dkim.eu-west-1.amazonses.com")]))
    assert wrong.status is Status.fail and "not tok1.dkim.eu-west-1.amazonses.com" in wrong.summary


def test_no_selector_is_a_warning_that_says_what_to_do(resolver: Resolver) -> None:
    result = asyncio.run(check_dkim(resolver, for_domain(DOMAIN)))
    assert result.status is Status.warn and "--dkim-selector" in result.summary


def test_mail_from_with_the_ses_mx_and_spf_passes(resolver: Resolver) -> None:
    exp = dataclasses.replace(
        for_domain(DOMAIN, mail_from="mail"), mail_from_mx="feedback-smtp.eu-west-1.amazonses.com"
    )
    result = asyncio.run(check_mail_from(resolver, exp, 2.0))
    assert result.status is Status.passed, result.summary


def test_mail_from_with_another_mx_or_missing_fails(resolver: Resolver) -> None:
    wrong = dataclasses.replace(
        for_domain("badmail.test", mail_from="mail"), mail_from_mx="feedback-smtp.eu-west-1.amazonses.com"
    )
    result = asyncio.run(check_mail_from(resolver, wrong, 2.0))
    assert result.status is Status.fail and "mx.elsewhere.test" in result.summary
    no_ses_spf = dataclasses.replace(wrong, mail_from_mx=None)
    result = asyncio.run(check_mail_from(resolver, no_ses_spf, 2.0))
    assert result.status is Status.passed  # bare mode: any MX and a valid SPF
    missing = asyncio.run(check_mail_from(resolver, for_domain(DOMAIN, mail_from="bounce"), 2.0))
    assert missing.status is Status.fail and "no MX" in missing.summary


def test_a_512_bit_dkim_key_fails_and_a_1536_bit_key_warns(resolver: Resolver) -> None:
    weak = asyncio.run(check_dkim(resolver, for_domain(DOMAIN, dkim_selectors=["sel512"])))
    assert weak.status is Status.fail and "512-bit RSA key" in weak.summary
    assert weak.details["selectors"][0]["key_bits"] == 512
    short = asyncio.run(check_dkim(resolver, for_domain(DOMAIN, dkim_selectors=["sel1536"])))
    assert short.status is Status.warn and "1536-bit" in short.summary
    good = asyncio.run(check_dkim(resolver, for_domain(DOMAIN, dkim_selectors=["sel1"])))
    assert good.status is Status.passed and good.details["selectors"][0]["key_bits"] == 2048


def test_a_mail_from_mx_host_that_does_not_resolve_fails(resolver: Resolver) -> None:
    result = asyncio.run(check_mail_from(resolver, for_domain("deadmx.test", mail_from="mail"), 2.0))
    assert result.status is Status.fail
    assert "feedback-smtp.eu-north-9.amazonses.com" in result.summary and "does not resolve" in result.summary


def test_with_a_stack_the_mail_from_mx_must_be_the_feedback_endpoint_of_its_region(resolver: Resolver) -> None:
    exp = dataclasses.replace(
        for_domain(DOMAIN, mail_from="mail"), mail_from_mx="feedback-smtp.us-east-1.amazonses.com",
        ses_region="us-east-1",
    )
    result = asyncio.run(check_mail_from(resolver, exp, 2.0))
    assert result.status is Status.fail and "not feedback-smtp.us-east-1.amazonses.com" in result.summary
    assert "us-east-1" in result.summary


def test_an_ed25519_dkim_key_passes_and_a_short_one_fails() -> None:
    from launchready.verify.checks_email import _dkim_key

    good = base64.b64encode(bytes(range(32))).decode()
    assert _dkim_key(f"v=DKIM1; k=ed25519; p={good}")[0] is Status.passed
    bad = base64.b64encode(bytes(16)).decode()
    status, why, _ = _dkim_key(f"v=DKIM1; k=ed25519; p={bad}")
    assert status is Status.fail and "16 bytes" in why
