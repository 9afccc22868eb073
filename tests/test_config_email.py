"""The email area of the stack config: SPF lookup counting and the rules that keep SPF and DMARC valid."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.config import (
    KNOWN_SPF_LOOKUPS,
    SPF_MAX_LENGTH,
    ConfigError,
    Problem,
    is_spf_record,
    parse_config,
    spf_lookups,
)


def problems(values: dict[str, Any], secret: frozenset[str]) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return info.value.problems


def only_problem(values: dict[str, Any], secret: frozenset[str]) -> Problem:
    found = problems(values, secret)
    assert len(found) == 1, [p.render() for p in found]
    return found[0]


def set_senders(values: dict[str, Any], senders: list[str]) -> None:
    values["launchready:email"]["spf"]["extraSenders"] = senders


# ---- SPF lookup counting ----


def test_lookups_of_each_kind_of_term() -> None:
    assert spf_lookups("include:_spf.google.com") == 4  # the include plus the three Google includes in it
    assert spf_lookups("include:amazonses.com") == 1
    assert spf_lookups("include:spf.example.net") == 1  # unknown provider: the include itself
    assert spf_lookups("ip4:203.0.113.5") == 0
    assert spf_lookups("ip6:2001:db8::/32") == 0
    assert spf_lookups("a") == 1
    assert spf_lookups("mx:mail.example.net") == 1
    assert spf_lookups("exists:%{i}.spf.example.net") == 1
    assert spf_lookups("-all") == 0


def test_lookups_ignore_case_qualifiers_and_a_trailing_dot() -> None:
    assert spf_lookups("INCLUDE:_SPF.Google.COM") == 4
    assert spf_lookups("~include:_spf.google.com") == 4
    assert spf_lookups("include:_spf.google.com.") == 4


def test_exactly_ten_lookups_is_accepted(stack_values) -> None:
    values, secret = stack_values("prod")
    set_senders(values, ["include:_spf.google.com", "include:mailgun.org", "include:sendgrid.net"])
    cfg = parse_config(values, secret)
    assert cfg.email.spf.lookup_count == 10  # SES 1 + Google 4 + Mailgun 3 + SendGrid 2
    assert cfg.email.spf.record == (
        "v=spf1 include:amazonses.com include:_spf.google.com include:mailgun.org include:sendgrid.net ~all"
    )


def test_eleven_lookups_is_rejected_with_the_count(stack_values) -> None:
    values, secret = stack_values("prod")
    set_senders(values, ["include:_spf.google.com", "include:mailgun.org", "include:sendgrid.net", "mx"])
    problem = only_problem(values, secret)
    assert problem.path == "launchready:email.spf.extraSenders"
    assert problem.value == "11"
    assert problem.message == (
        "the SPF record would cost 11 DNS lookups; receivers reject more than 10 (permerror)"
    )


def test_upper_case_include_is_counted_like_lower_case(stack_values) -> None:
    values, secret = stack_values("prod")
    set_senders(values, ["INCLUDE:_spf.google.com", "include:mailgun.org", "include:sendgrid.net", "a"])
    assert only_problem(values, secret).path == "launchready:email.spf.extraSenders"


# ---- SPF: one record per name, a valid all, valid terms ----


def test_second_apex_spf_record_is_rejected_even_quoted(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:dns"]["extraRecords"].append(
        {"name": "@", "type": "TXT", "content": '"V=SPF1 include:spf.example.net -all"', "purpose": "old SPF"}
    )
    problem = only_problem(values, secret)
    assert problem.path == "launchready:dns.extraRecords[2].content"
    assert problem.message == "a second SPF record at the apex makes SPF fail (permerror)"
    assert problem.fix == "move the mechanisms into email.spf.extraSenders"


def test_txt_that_only_starts_like_spf_is_not_spf() -> None:
    assert is_spf_record("v=spf1 -all") and is_spf_record('"v=spf1"') and is_spf_record("  V=SPF1 a -all")
    assert not is_spf_record("v=spf10 -all")
    assert not is_spf_record("google-site-verification=v=spf1")


def test_mail_from_subdomain_keeps_its_single_mx_and_spf(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:dns"]["extraRecords"] += [
        {"name": "mail", "type": "TXT", "content": "v=spf1 -all", "purpose": "stray SPF"},
        {"name": "mail", "type": "MX", "content": "mx.example.net", "priority": 5, "purpose": "inbound"},
    ]
    found = {(p.path, p.message) for p in problems(values, secret)}
    assert found == {
        ("launchready:dns.extraRecords[2].content", 'a second SPF record at "mail" makes SPF fail (permerror)'),
        ("launchready:dns.extraRecords[3].name",
         "the MAIL FROM subdomain carries exactly one MX, the SES bounce MX the email area declares"),
    }


def test_without_ses_one_apex_spf_may_come_from_extra_records(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["enabled"] = False
    spf = {"name": "@", "type": "TXT", "content": "v=spf1 include:_spf.google.com -all", "purpose": "Workspace"}
    values["launchready:dns"]["extraRecords"].append(dict(spf))
    parse_config(values, secret)  # the only SPF record: fine
    values["launchready:dns"]["extraRecords"].append(dict(spf, content="v=spf1 mx -all"))
    problem = only_problem(values, secret)
    assert problem.path == "launchready:dns.extraRecords[3].content"
    assert problem.fix == "merge it into the one declared by launchready:dns.extraRecords[2]"


@pytest.mark.parametrize("policy", ["?all", "+all", "all", "neutral"])
def test_all_other_than_softfail_or_fail_is_rejected(stack_values, policy: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["spf"]["all"] = policy
    problem = only_problem(values, secret)
    assert problem.path == "launchready:email.spf.all"
    assert "'~all' or '-all'" in problem.message


def test_fail_all_ends_the_record(stack_values) -> None:
    values, secret = stack_values("staging")
    values["launchready:email"]["spf"] = {"all": "-all", "extraSenders": ["ip4:203.0.113.5"]}
    assert parse_config(values, secret).email.spf.record == "v=spf1 include:amazonses.com ip4:203.0.113.5 -all"


@pytest.mark.parametrize(
    ("sender", "message"),
    [
        ("-all", "the all/redirect term is set by email.spf.all"),
        ("redirect=_spf.example.net", "the all/redirect term is set by email.spf.all"),
        ("ptr", "not an SPF mechanism this stack supports (include:, ip4:, ip6:, a, mx)"),
        ("include:amazonses.com", "SES is always included"),
        ("ip4:203.0.113.256", "not a valid IPv4 address or range; receivers fail the whole SPF record on it "
                              "(permerror)"),
        ("ip4:203.0.113.0/33", "not a valid IPv4 address or range; receivers fail the whole SPF record on it "
                               "(permerror)"),
        ("ip6:203.0.113.5", "not a valid IPv6 address or range; receivers fail the whole SPF record on it "
                            "(permerror)"),
    ],
)
def test_bad_extra_sender_is_named_by_index(stack_values, sender: str, message: str) -> None:
    values, secret = stack_values("prod")
    set_senders(values, ["include:_spf.google.com", sender])
    problem = only_problem(values, secret)
    assert (problem.path, problem.message, problem.value) == ("launchready:email.spf.extraSenders[1]", message, sender)


def test_a_sender_listed_twice_is_rejected(stack_values) -> None:
    values, secret = stack_values("prod")
    set_senders(values, ["include:_spf.google.com", "include:_SPF.google.com."])
    problem = only_problem(values, secret)
    assert problem.path == "launchready:email.spf.extraSenders[1]"
    assert problem.message.startswith("listed twice")


def test_a_record_too_long_for_one_dns_answer_is_rejected(stack_values) -> None:
    values, secret = stack_values("prod")
    set_senders(values, [f"ip4:198.51.100.{i}" for i in range(1, 30)])
    problem = only_problem(values, secret)
    assert problem.path == "launchready:email.spf.extraSenders"
    assert int(problem.value or 0) > SPF_MAX_LENGTH and "characters" in problem.message


# ---- DMARC ----


def test_prod_rejects_p_none_and_sp_none(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["dmarc"].update(policy="none", subdomainPolicy="none")
    assert {p.path for p in problems(values, secret)} == {
        "launchready:email.dmarc.policy",
        "launchready:email.dmarc.subdomainPolicy",
    }


def test_staging_may_monitor_with_none(stack_values) -> None:
    values, secret = stack_values("staging")
    values["launchready:email"]["dmarc"].update(policy="none", subdomainPolicy="none")
    cfg = parse_config(values, secret)
    assert cfg.dmarc_policy.value == "none"


def test_rua_is_a_bare_address(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["dmarc"]["rua"] = ["mailto:dmarc@fanloom.io", "a,b@fanloom.io"]
    found = {(p.path, p.message, p.fix) for p in problems(values, secret)}
    assert found == {
        ("launchready:email.dmarc.rua[0]", "write the bare address: mailto: is added in the DMARC record",
         "use dmarc@fanloom.io"),
        ("launchready:email.dmarc.rua[1]",
         "a report address may not contain , ; or ! (they separate URIs, tags and size limits in DMARC)", ""),
    }


# ---- property-based ----

_term = st.one_of(
    st.sampled_from(sorted(KNOWN_SPF_LOOKUPS)).map(lambda d: f"include:{d}"),
    st.from_regex(r"include:[a-z]{3,8}\.example\.net", fullmatch=True),
    st.from_regex(r"ip4:198\.51\.100\.[1-9][0-9]?", fullmatch=True),
    st.sampled_from(["a", "mx", "ip6:2001:db8::/32"]),
)


def _recase(term: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c for c, flip in zip(term, flips + [False] * len(term), strict=False))


@given(term=_term, flips=st.lists(st.booleans(), max_size=40), qualifier=st.sampled_from(["", "+", "-", "~", "?"]))
def test_lookup_count_does_not_depend_on_case_or_qualifier(term: str, flips: list[bool], qualifier: str) -> None:
    assert spf_lookups(qualifier + _recase(term, flips)) == spf_lookups(term)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(senders=st.lists(_term, max_size=9, unique=True), all_term=st.sampled_from(["~all", "-all"]))
def test_record_is_accepted_exactly_when_it_fits(stack_values, senders: list[str], all_term: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:email"]["spf"] = {"extraSenders": senders, "all": all_term}
    ses_listed = "include:amazonses.com" in senders
    lookups = 1 + sum(spf_lookups(s) for s in senders)
    if lookups > 10 or ses_listed:
        paths = {p.path for p in problems(values, secret)}
        assert ("launchready:email.spf.extraSenders" in paths) == (lookups > 10)
        if ses_listed:
            assert f"launchready:email.spf.extraSenders[{senders.index('include:amazonses.com')}]" in paths
        return
    spf = parse_config(values, secret).email.spf
    terms = spf.record.split()
    assert terms == ["v=spf1", "include:amazonses.com", *senders, all_term]
    assert spf.record.count("v=spf1") == 1
    assert spf.lookup_count == lookups
