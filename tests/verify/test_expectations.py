"""Expectations are a pure function of the stack config: checked here against the example stacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from components.config import parse_config
from launchready.verify.expectations import ONE_YEAR, SIX_MONTHS, for_domain, for_stack, ses_dkim_selectors

Loader = Callable[[str], tuple[dict[str, Any], frozenset[str]]]


def cfg(stack_values: Loader, stack: str, **changes: Any):
    values, secret = stack_values(stack)
    for key, value in changes.items():
        values[key] = value
    return parse_config(values, secret)


def test_prod_expects_every_hostname_canonical_apex_and_a_year_of_hsts(stack_values: Loader) -> None:
    c = cfg(stack_values, "prod")
    exp = for_stack(c)
    assert exp.environment == "prod"
    assert exp.web_hosts == [c.fqdn(label) for label in c.hostnames]
    assert exp.canonical_host == c.domain
    assert exp.canonical_sources == [c.domain, f"www.{c.domain}"]
    assert (exp.hsts_fail_below, exp.hsts_warn_below) == (ONE_YEAR, ONE_YEAR)
    assert exp.hsts_include_subdomains is True
    assert exp.dmarc_policy == "quarantine"
    assert exp.mail_from_domain == f"mail.{c.domain}"
    assert exp.caa_issuers == ["letsencrypt.org", "pki.goog", "ssl.com"]
    names = {(r.name, r.type) for r in exp.records}
    assert (c.domain, "MX") in names and (c.domain, "TXT") in names
    web_types = {r.type for r in exp.records if r.name in exp.web_hosts}
    assert "ADDRESS" in web_types and not web_types & {"A", "AAAA", "CNAME"}  # proxied: edge addresses


def test_staging_hsts_fails_below_what_it_declares_and_warns_below_six_months(stack_values: Loader) -> None:
    c = cfg(stack_values, "staging")
    exp = for_stack(c)
    assert exp.environment == "staging"
    assert exp.hsts_fail_below == min(SIX_MONTHS, c.hsts_max_age)
    assert exp.hsts_warn_below == SIX_MONTHS


def test_a_dns_only_hostname_must_point_at_its_origin(stack_values: Loader) -> None:
    values, _ = stack_values("prod")
    hosts = values["launchready:hostnames"]
    hosts["api"]["proxied"] = False
    exp = for_stack(cfg(stack_values, "prod", **{"launchready:hostnames": hosts}))
    api = next(r for r in exp.records if r.name.startswith("api."))
    assert (api.type, api.content) == ("CNAME", "fanloom-api.fly.dev")


def test_canonical_www_and_command_line_overrides(stack_values: Loader) -> None:
    values, _ = stack_values("prod")
    redirects = values["launchready:redirects"]
    redirects["canonical"] = "www"
    c = cfg(stack_values, "prod", **{"launchready:redirects": redirects})
    exp = for_stack(c, dkim_selectors=["s1"], mail_from="bounce")
    assert exp.canonical_host == f"www.{c.domain}"
    assert [s.selector for s in exp.dkim] == ["s1"]
    assert exp.mail_from_domain == f"bounce.{c.domain}"


def test_mail_from_and_spf_match_what_the_email_component_declares(stack_values: Loader) -> None:
    from components.email import mail_from_mx, static_email_records

    c = cfg(stack_values, "prod")
    exp = for_stack(c)
    records = static_email_records(c)
    assert exp.mail_from_mx == mail_from_mx(c)
    assert any(r["content"] == exp.spf_record and r["name"] == c.domain for r in records)
    assert any(r["name"] == exp.mail_from_domain and r["type"] == "MX" for r in records)


def test_bare_domains_get_generic_expectations() -> None:
    exp = for_domain("Example.COM.", dkim_selectors=["s1"], mail_from="mail")
    assert exp.domain == "example.com"
    assert exp.web_hosts == ["example.com", "www.example.com"]
    assert exp.optional_hosts == {"www.example.com"}
    assert exp.canonical_host is None and exp.caa_issuers is None and exp.dmarc_policy is None
    assert exp.hsts_fail_below == ONE_YEAR  # go-live is prod-grade
    assert exp.mail_from_domain == "mail.example.com"
    assert [r.required for r in exp.records] == [True, False]


def test_ses_tokens_become_cname_selectors() -> None:
    assert [(s.selector, s.cname_target) for s in ses_dkim_selectors(["abc"])] == [("abc", "abc.dkim.amazonses.com")]


def test_prod_expects_its_legacy_redirects_access_login_api_and_homepage(stack_values: Loader) -> None:
    c = cfg(stack_values, "prod")
    exp = for_stack(c)
    rules = {r.from_: (r.to, r.status) for r in exp.legacy}
    assert rules["/pricing.html"] == ("/pricing", 301)  # the stack's redirects.statusCode
    assert rules["/blog/*"] == ("/journal/${1}", 308)  # the rule's own statusCode
    assert exp.legacy_hosts == [c.domain, f"www.{c.domain}"]
    assert exp.internal_hosts == [f"admin.{c.domain}"]
    assert exp.login_url == f"https://{c.fqdn(c.monitoring.endpoints.login.host)}{c.monitoring.endpoints.login.path}"
    assert exp.api_host == f"api.{c.domain}"
    assert exp.session_cookies == ["fl_session", "fl_remember"]
    assert exp.staging_hosts == []  # prod may be indexed
    assert exp.mail_from_mx == "feedback-smtp.eu-west-1.amazonses.com"


def test_staging_hosts_must_not_be_indexed_and_a_bare_domain_audits_the_usual_hosts(stack_values: Loader) -> None:
    c = cfg(stack_values, "staging")
    assert for_stack(c).staging_hosts == [c.fqdn(label) for label in c.hostnames]
    bare = for_domain("example.com")
    assert bare.internal_hosts == ["admin.example.com"] and bare.api_host == "api.example.com"
    assert bare.staging_hosts == ["staging.example.com"] and bare.legacy == [] and bare.login_url is None
    assert bare.probe_when_resolving == {"admin.example.com", "api.example.com", "staging.example.com"}
