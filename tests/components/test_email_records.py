"""The email records as pure functions of the config: DMARC for each policy, SPF, MAIL FROM, alarms."""

from __future__ import annotations

import copy
from typing import Any

import dns.resolver
import pytest
from checkdmarc.dmarc import parse_dmarc_record
from hypothesis import assume, given
from hypothesis import strategies as st

from components.config import ConfigError, StackConfig, parse_config
from components.dns import COMMENT_MAX, record_comment
from components.email import (
    dkim_name,
    dkim_target,
    mail_from_mx,
    record_row,
    render_dmarc,
    reputation_alarms,
    static_email_records,
)
from launchready.stackfile import read_stack_file

_STACKS = {name: read_stack_file(name) for name in ("staging", "prod")}


def config(stack: str, **email: Any) -> StackConfig:
    """An example stack with `email` keys merged over its email area (`dmarc` merged one level deeper)."""
    sf = _STACKS[stack]
    values = copy.deepcopy(sf.values)
    area = values["launchready:email"]
    for key, value in email.items():
        if key == "dmarc":
            area["dmarc"].update(value)
        else:
            area[key] = value
    return parse_config(values, sf.secret_keys)


class _Offline(dns.resolver.Resolver):
    """checkdmarc looks up the report domains' MX and authorization records: answer nothing, at once."""

    def resolve(self, *args: Any, **kwargs: Any) -> Any:
        raise dns.resolver.NXDOMAIN()


def checkdmarc_tags(record: str, domain: str) -> dict[str, Any]:
    parsed = parse_dmarc_record(record, domain, resolver=_Offline(configure=False))
    return {tag: item["value"] for tag, item in parsed["tags"].items()}


# ---- DMARC ----


@pytest.mark.parametrize(
    ("stack", "policy", "expected"),
    [
        ("staging", "none", "v=DMARC1; p=none; sp=none; rua=mailto:dmarc-reports@fanloom.io; adkim=r; aspf=r"),
        ("staging", "quarantine",
         "v=DMARC1; p=quarantine; sp=quarantine; rua=mailto:dmarc-reports@fanloom.io; adkim=r; aspf=r"),
        ("staging", "reject",
         "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc-reports@fanloom.io; adkim=r; aspf=r"),
        ("prod", "quarantine", "v=DMARC1; p=quarantine; sp=quarantine; "
                               "rua=mailto:dmarc-reports@fanloom.io,mailto:fanloom@rua.dmarcian.com; adkim=r; aspf=r"),
        ("prod", "reject", "v=DMARC1; p=reject; sp=reject; "
                           "rua=mailto:dmarc-reports@fanloom.io,mailto:fanloom@rua.dmarcian.com; adkim=r; aspf=r"),
    ],
)
def test_dmarc_record_for_each_policy(stack: str, policy: str, expected: str) -> None:
    cfg = config(stack, dmarc={"policy": policy})
    assert render_dmarc(cfg) == expected
    tags = checkdmarc_tags(expected, cfg.domain)
    assert (tags["p"], tags["sp"], tags["aspf"], tags["adkim"]) == (policy, policy, "r", "r")


def test_dmarc_policy_defaults_to_the_environment() -> None:
    prod = config("prod", dmarc={"policy": None})
    staging = config("staging", dmarc={"policy": None})
    assert render_dmarc(prod).startswith("v=DMARC1; p=quarantine; sp=quarantine; rua=")
    assert render_dmarc(staging).startswith("v=DMARC1; p=none; sp=none; rua=")


def test_prod_cannot_render_p_none() -> None:
    with pytest.raises(ConfigError) as info:
        config("prod", dmarc={"policy": "none"})
    assert [p.path for p in info.value.problems] == ["launchready:email.dmarc.policy"]


def test_subdomain_policy_and_percent_are_written_when_set() -> None:
    cfg = config("prod", dmarc={"policy": "reject", "subdomainPolicy": "quarantine", "percent": 25})
    assert render_dmarc(cfg) == (
        "v=DMARC1; p=reject; sp=quarantine; pct=25; "
        "rua=mailto:dmarc-reports@fanloom.io,mailto:fanloom@rua.dmarcian.com; adkim=r; aspf=r"
    )


def test_spf_alignment_is_relaxed_because_mail_from_is_a_subdomain() -> None:
    cfg = config("prod")
    assert cfg.mail_from_domain == "mail.fanloom.io" and cfg.mail_from_domain.endswith("." + cfg.domain)
    assert "aspf=r" in render_dmarc(cfg).split("; ")


_local = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}", fullmatch=True).filter(lambda s: ".." not in s)
_report_domain = st.sampled_from(["fanloom.io", "reports.fanloom.io", "rua.dmarcian.com", "example.net"])
_address = st.builds(lambda local, domain: f"{local}@{domain}", _local, _report_domain)
_policy = st.sampled_from([None, "none", "quarantine", "reject"])


@given(
    stack=st.sampled_from(["staging", "prod"]),
    policy=_policy,
    subdomain_policy=_policy,
    rua=st.lists(_address, min_size=1, max_size=3, unique=True),
    percent=st.one_of(st.just(100), st.integers(1, 100)),
)
def test_dmarc_record_says_what_the_config_says(
    stack: str, policy: str | None, subdomain_policy: str | None, rua: list[str], percent: int
) -> None:
    assume(not (stack == "prod" and "none" in (policy, subdomain_policy)))  # rejected by the config
    cfg = config(stack, dmarc={"policy": policy, "subdomainPolicy": subdomain_policy, "rua": rua,
                               "percent": percent})
    record = render_dmarc(cfg)
    pairs = [part.split("=", 1) for part in record.split("; ")]
    keys = [k for k, _ in pairs]
    tags = dict(pairs)
    expected_p = policy or ("quarantine" if stack == "prod" else "none")
    assert keys[:2] == ["v", "p"] and len(keys) == len(set(keys))
    assert keys == ["v", "p", "sp", *(["pct"] if percent != 100 else []), "rua", "adkim", "aspf"]
    assert tags["p"] == expected_p
    assert tags["sp"] == (subdomain_policy or expected_p)
    assert tags["rua"] == ",".join(f"mailto:{a}" for a in rua)
    assert (tags["aspf"], tags["adkim"]) == ("r", "r")
    parsed = checkdmarc_tags(record, cfg.domain)  # a real DMARC parser accepts it and reads the same
    assert (parsed["p"], parsed["sp"]) == (tags["p"], tags["sp"])
    assert [u["address"] for u in parsed["rua"]] == rua


# ---- the other records ----


def test_static_records_of_prod_exactly() -> None:
    rows = [(r["logical"], r["name"], r["type"], r["content"], r.get("priority"))
            for r in static_email_records(config("prod"))]
    assert rows == [
        ("mail-from-mx", "mail.fanloom.io", "MX", "feedback-smtp.eu-west-1.amazonses.com", 10),
        ("mail-from-spf-txt", "mail.fanloom.io", "TXT", "v=spf1 include:amazonses.com ~all", None),
        ("spf-txt", "fanloom.io", "TXT", "v=spf1 include:amazonses.com include:_spf.google.com ~all", None),
        ("dmarc-txt", "_dmarc.fanloom.io", "TXT", "v=DMARC1; p=quarantine; sp=quarantine; "
         "rua=mailto:dmarc-reports@fanloom.io,mailto:fanloom@rua.dmarcian.com; adkim=r; aspf=r", None),
    ]


def test_exactly_one_apex_spf_record() -> None:
    cfg = config("prod")
    apex_spf = [r for r in static_email_records(cfg)
                if r["name"] == cfg.domain and str(r["content"]).startswith("v=spf1")]
    assert len(apex_spf) == 1
    assert apex_spf[0]["purpose"] == "SPF: who may send as the domain (5 of 10 DNS lookups)"


def test_mail_from_follows_subdomain_and_region() -> None:
    cfg = config("staging", sesRegion="us-west-2", mailFromSubdomain="bounce")
    assert mail_from_mx(cfg) == "feedback-smtp.us-west-2.amazonses.com"
    mx = static_email_records(cfg)[0]
    assert (mx["name"], mx["content"]) == ("bounce.fanloom-staging.net", "feedback-smtp.us-west-2.amazonses.com")


def test_dkim_record_shape() -> None:
    assert dkim_name("abc234", "fanloom.io") == "abc234._domainkey.fanloom.io"
    assert dkim_target("abc234") == "abc234.dkim.amazonses.com"


def test_every_purpose_fits_a_record_comment_untruncated() -> None:
    for rec in static_email_records(config("prod")):
        comment = record_comment(rec["purpose"], "platform")
        assert len(comment) <= COMMENT_MAX and "..." not in comment, comment


def test_record_row_is_dns_only_with_priority_only_for_mx() -> None:
    mx, txt = static_email_records(config("prod"))[:2]
    assert record_row(mx) == {
        "name": "mail.fanloom.io", "type": "MX", "content": "feedback-smtp.eu-west-1.amazonses.com",
        "proxied": False, "ttl": 3600, "purpose": mx["purpose"], "owner": "platform", "priority": 10,
    }
    assert "priority" not in record_row(txt) and record_row(txt)["proxied"] is False
    assert "logical" not in record_row(txt)  # a resource name, not part of the handover


def test_alarm_thresholds_come_from_config() -> None:
    default = {a.key: a.threshold for a in reputation_alarms(config("prod"))}
    assert default == {"bounce-rate": 0.02, "complaint-rate": 0.001}
    tuned = config("prod", bounceRateThreshold=0.03, complaintRateThreshold=0.0005)
    alarms = {a.key: a for a in reputation_alarms(tuned)}
    assert (alarms["bounce-rate"].threshold, alarms["complaint-rate"].threshold) == (0.03, 0.0005)
    assert alarms["bounce-rate"].metric == "Reputation.BounceRate"
    assert alarms["complaint-rate"].metric == "Reputation.ComplaintRate"
    assert "3.00%" in alarms["bounce-rate"].description and "5.0%" in alarms["bounce-rate"].description
    assert alarms["complaint-rate"].name("launchready-prod") == "launchready-prod-ses-complaint-rate"
