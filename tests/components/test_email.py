"""The email component under Pulumi's mocks: SES resources, exact DNS records, alarms, outputs, and the
whole program as `launchready plan` runs it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.alerts import AlertRouting, alert_regions
from components.email import EmailSending
from launchready.plan.mocks import PlanMocks
from launchready.plan.runner import run_program
from launchready.stackfile import StackFile, read_stack_file
from tests.components.conftest import (
    Recorder,
    resolved_exports,
    run,
    set_stack_config,
    stack_input,
    start_mocks,
)

DNS = "cloudflare:index/dnsRecord:DnsRecord"
EMAIL_RECORDS = {"dkim-1-cname", "dkim-2-cname", "dkim-3-cname", "mail-from-mx", "mail-from-spf-txt", "spf-txt",
                 "dmarc-txt"}


@dataclass
class Built:
    recorder: Recorder
    email: EmailSending
    exports: dict[str, Any] = field(default_factory=dict)

    def res(self, name: str) -> dict[str, Any]:
        return self.recorder.inputs[name]

    def records(self) -> dict[str, dict[str, Any]]:
        return {n: i for n, i in self.recorder.of_type(DNS).items() if n in EMAIL_RECORDS}

    @property
    def tokens(self) -> list[str]:
        return list(self.recorder.state["ses-identity"]["dkimSigningAttributes"]["tokens"])

    def topic_arn(self, region: str) -> str:
        return str(self.recorder.state[f"alerts-{region}"]["arn"])


def build(stack_values, stack: str, mutate=None, *, preview: bool = False, tokens: bool = True,
          stack_name: str | None = None) -> Built:
    """Build AlertRouting and EmailSending for an example stack under mocks; wait for every registration."""
    cfg, values, secret = stack_input(stack_values, stack, mutate)
    recorder = Recorder(tokens=tokens)
    start_mocks(recorder, stack_name or stack, preview=preview)
    set_stack_config(values, secret)

    def body() -> EmailSending:
        alerts = AlertRouting("alerts", cfg, alert_regions(cfg, "eu-west-1"))
        return EmailSending("email", cfg, alerts)

    email = run(body)
    return Built(recorder, email, {} if preview else resolved_exports(email))


@pytest.fixture
def prod(stack_values) -> Built:
    return build(stack_values, "prod")


# ---- DNS records ----


def test_prod_declares_exactly_these_email_records(prod: Built) -> None:
    t = prod.tokens
    assert len(t) == 3 and len(set(t)) == 3
    got = {n: (r["name"], r["type"], r["content"], r.get("priority"), r["proxied"], r["ttl"])
           for n, r in prod.records().items()}
    assert got == {
        "dkim-1-cname": (f"{t[0]}._domainkey.fanloom.io", "CNAME", f"{t[0]}.dkim.amazonses.com", None, False, 3600),
        "dkim-2-cname": (f"{t[1]}._domainkey.fanloom.io", "CNAME", f"{t[1]}.dkim.amazonses.com", None, False, 3600),
        "dkim-3-cname": (f"{t[2]}._domainkey.fanloom.io", "CNAME", f"{t[2]}.dkim.amazonses.com", None, False, 3600),
        "mail-from-mx": ("mail.fanloom.io", "MX", "feedback-smtp.eu-west-1.amazonses.com", 10, False, 3600),
        "mail-from-spf-txt": ("mail.fanloom.io", "TXT", "v=spf1 include:amazonses.com ~all", None, False, 3600),
        "spf-txt": ("fanloom.io", "TXT", "v=spf1 include:amazonses.com include:_spf.google.com ~all", None,
                    False, 3600),
        "dmarc-txt": ("_dmarc.fanloom.io", "TXT", "v=DMARC1; p=quarantine; sp=quarantine; "
                      "rua=mailto:dmarc-reports@fanloom.io,mailto:fanloom@rua.dmarcian.com; adkim=r; aspf=r",
                      None, False, 3600),
    }


def test_email_records_sit_in_the_zone_with_readable_comments(prod: Built) -> None:
    for name, rec in prod.records().items():
        assert rec["zoneId"] == "9a8b7c6d5e4f40312a3b4c5d6e7f8091", name
        assert rec["comment"].endswith("| owner: platform | launchready") and "..." not in rec["comment"], name
    assert prod.records()["dkim-2-cname"]["comment"].startswith("DKIM key 2 of 3 (SES Easy DKIM)")


def test_dkim_records_exist_in_a_preview_before_ses_answers(stack_values) -> None:
    built = build(stack_values, "prod", preview=True, tokens=False)
    dkim = {n: r for n, r in built.records().items() if n.startswith("dkim-")}
    assert sorted(dkim) == ["dkim-1-cname", "dkim-2-cname", "dkim-3-cname"]
    for rec in dkim.values():
        assert rec["type"] == "CNAME" and rec["proxied"] is False
        assert "name" not in rec or not isinstance(rec["name"], str)  # unknown until SES creates the identity


def test_a_token_count_other_than_three_stops_the_program(stack_values, monkeypatch) -> None:
    real = PlanMocks.new_resource

    def two_tokens(self: PlanMocks, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        rid, state = real(self, args)
        if args.typ == "aws:sesv2/emailIdentity:EmailIdentity":
            state["dkimSigningAttributes"]["tokens"] = state["dkimSigningAttributes"]["tokens"][:2]
        return rid, state

    monkeypatch.setattr(PlanMocks, "new_resource", two_tokens)
    with pytest.raises(Exception, match=r"SES returned 2 Easy DKIM tokens for fanloom\.io, expected 3"):
        build(stack_values, "prod")


# ---- SES resources ----


def test_identity_signs_with_2048_bit_easy_dkim_through_the_configuration_set(prod: Built) -> None:
    identity = prod.res("ses-identity")
    assert identity["emailIdentity"] == "fanloom.io"
    assert identity["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    assert identity["configurationSetName"] == "launchready-prod"
    assert identity["region"] == "eu-west-1"


def test_configuration_set_requires_tls_tracks_reputation_and_suppresses(prod: Built) -> None:
    cs = prod.res("ses-configuration-set")
    assert cs["configurationSetName"] == "launchready-prod"
    assert cs["deliveryOptions"] == {"tlsPolicy": "REQUIRE"}
    assert cs["reputationOptions"] == {"reputationMetricsEnabled": True}
    assert cs["suppressionOptions"] == {"suppressedReasons": ["BOUNCE", "COMPLAINT"]}
    assert cs["region"] == "eu-west-1"


def test_bounces_complaints_rejects_and_delays_go_to_the_alert_topic(prod: Built) -> None:
    dest = prod.res("ses-events-to-alerts")
    assert dest["configurationSetName"] == "launchready-prod"
    assert dest["eventDestination"] == {
        "enabled": True,
        "matchingEventTypes": ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"],
        "snsDestination": {"topicArn": "arn:aws:sns:eu-west-1:123456789012:launchready-prod-alerts"},
    }
    assert dest["eventDestination"]["snsDestination"]["topicArn"] == prod.topic_arn("eu-west-1")


def test_mail_from_uses_the_subdomain_and_falls_back_rather_than_rejecting(prod: Built) -> None:
    mail_from = prod.res("ses-mail-from")
    assert mail_from == {
        "emailIdentity": "fanloom.io",
        "mailFromDomain": "mail.fanloom.io",
        "behaviorOnMxFailure": "USE_DEFAULT_VALUE",
        "region": "eu-west-1",
    }


def test_reputation_alarms_page_the_topic_in_the_ses_region(stack_values) -> None:
    def tune(values: dict[str, Any]) -> None:
        values["launchready:email"].update(bounceRateThreshold=0.03, complaintRateThreshold=0.0008)

    built = build(stack_values, "prod", tune)
    topic = built.topic_arn("eu-west-1")
    expected = {
        "ses-bounce-rate-alarm": ("launchready-prod-ses-bounce-rate", "Reputation.BounceRate", 0.03),
        "ses-complaint-rate-alarm": ("launchready-prod-ses-complaint-rate", "Reputation.ComplaintRate", 0.0008),
    }
    for logical, (name, metric, threshold) in expected.items():
        alarm = built.res(logical)
        assert (alarm["name"], alarm["metricName"], alarm["threshold"]) == (name, metric, threshold)
        assert alarm["namespace"] == "AWS/SES"
        assert alarm["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["treatMissingData"] == "notBreaching"
        assert alarm["alarmActions"] == [topic] and alarm["okActions"] == [topic]
        assert alarm["region"] == "eu-west-1"
        assert "dimensions" not in alarm  # the account-wide rate, the one SES reviews


def test_another_ses_region_moves_identity_mx_and_alarms_together(stack_values) -> None:
    built = build(stack_values, "staging", lambda v: v["launchready:email"].update(sesRegion="us-west-2"))
    assert built.records()["mail-from-mx"]["content"] == "feedback-smtp.us-west-2.amazonses.com"
    topic = built.topic_arn("us-west-2")
    assert topic.startswith("arn:aws:sns:us-west-2:")
    for name in ("ses-identity", "ses-configuration-set", "ses-events-to-alerts", "ses-mail-from",
                 "ses-bounce-rate-alarm", "ses-complaint-rate-alarm"):
        assert built.res(name)["region"] == "us-west-2", name
    assert built.res("ses-bounce-rate-alarm")["alarmActions"] == [topic]
    assert built.res("ses-events-to-alerts")["eventDestination"]["snsDestination"]["topicArn"] == topic


# ---- outputs for the handover ----


def test_exports_list_every_record_with_its_purpose(prod: Built) -> None:
    out = prod.exports
    assert out["sesIdentityArn"] == "arn:aws:ses:eu-west-1:123456789012:identity/fanloom.io"
    assert out["mailFromDomain"] == "mail.fanloom.io"
    assert out["sesRegion"] == "eu-west-1"
    assert out["sesConfigurationSet"] == "launchready-prod"
    assert out["sesAlarms"] == {"bounce-rate": "launchready-prod-ses-bounce-rate",
                                "complaint-rate": "launchready-prod-ses-complaint-rate"}
    rows = out["emailRecords"]
    declared = prod.records()
    assert len(rows) == len(declared) == 7
    by_key = {(r["name"], r["type"], r["content"]) for r in rows}
    assert by_key == {(d["name"], d["type"], d["content"]) for d in declared.values()}
    for row in rows:
        assert row["proxied"] is False and len(row["purpose"]) >= 10 and row["owner"] == "platform"
    assert [r.get("priority") for r in rows if r["type"] == "MX"] == [10]


# ---- staging and prod differ only where the config says ----


def _email_inputs(built: Built) -> dict[str, dict[str, Any]]:
    keep = EMAIL_RECORDS | {"ses-identity", "ses-configuration-set", "ses-events-to-alerts", "ses-mail-from",
                            "ses-bounce-rate-alarm", "ses-complaint-rate-alarm"}
    return {n: i for n, i in built.recorder.inputs.items() if n in keep}


def _normalised(built: Built, domain: str, zone_id: str) -> dict[str, dict[str, Any]]:
    text = json.dumps(_email_inputs(built), sort_keys=True)
    for i, token in enumerate(built.tokens):
        text = text.replace(token, f"<token{i}>")
    text = text.replace(zone_id, "<zone>").replace(domain, "<domain>")
    return dict(json.loads(text))


def test_environment_alone_changes_only_the_default_dmarc_policy(stack_values) -> None:
    def as_staging(values: dict[str, Any]) -> None:
        values["launchready:environment"] = "staging"

    def no_policy(values: dict[str, Any]) -> None:
        values["launchready:email"]["dmarc"].pop("policy")

    prod = _email_inputs(build(stack_values, "prod", no_policy, stack_name="same"))
    staging = _email_inputs(build(stack_values, "prod", lambda v: (no_policy(v), as_staging(v)), stack_name="same"))
    assert sorted(prod) == sorted(staging)
    differ = {n for n in prod if prod[n] != staging[n]}
    assert differ == {"dmarc-txt"}
    assert {k for k in prod["dmarc-txt"] if prod["dmarc-txt"][k] != staging["dmarc-txt"][k]} == {"content"}
    assert staging["dmarc-txt"]["content"].startswith("v=DMARC1; p=none; sp=none;")
    assert prod["dmarc-txt"]["content"].startswith("v=DMARC1; p=quarantine; sp=quarantine;")


def test_example_stacks_differ_only_in_the_configured_dmarc(stack_values) -> None:
    # Beyond the domain, zone and DKIM tokens, the example stacks configure email differently only in
    # email.dmarc (policy none in staging, and one more report address in prod).
    prod = _normalised(build(stack_values, "prod", stack_name="same"), "fanloom.io",
                       "9a8b7c6d5e4f40312a3b4c5d6e7f8091")
    staging = _normalised(build(stack_values, "staging", stack_name="same"), "fanloom-staging.net",
                          "5f1c3a0e9b7d42c68e0a1b2c3d4e5f60")
    assert sorted(prod) == sorted(staging)
    differ = {(n, k) for n in prod for k in set(prod[n]) | set(staging[n]) if prod[n].get(k) != staging[n].get(k)}
    assert differ == {("dmarc-txt", "content")}
    assert staging["dmarc-txt"]["content"] == (
        "v=DMARC1; p=none; sp=none; rua=mailto:dmarc-reports@fanloom.io; adkim=r; aspf=r"
    )


# ---- the whole program, as `launchready plan --stack prod` runs it ----


@pytest.fixture(scope="module")
def prod_plan(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    sf = read_stack_file("prod", repo_root)
    path = tmp_path_factory.mktemp("stack") / "Pulumi.prod.yaml"
    path.write_text(json.dumps({"config": sf.values}))
    stack = StackFile(sf.project, sf.stack, path, copy.deepcopy(sf.values), sf.secret_keys)
    return run_program(stack, repo_root)


def test_plan_shows_every_email_resource_and_no_proxied_record(prod_plan: Any) -> None:
    email = [r for r in prod_plan.resources if r.parent.endswith("launchready:email:Sending::email")]
    counts: dict[str, int] = {}
    for r in email:
        counts[r.type] = counts.get(r.type, 0) + 1
    assert counts == {
        "aws:sesv2/configurationSet:ConfigurationSet": 1,
        "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": 1,
        "aws:sesv2/emailIdentity:EmailIdentity": 1,
        "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": 1,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 2,
        DNS: 7,
    }
    records = [r for r in prod_plan.resources if r.type == DNS]
    apex_spf = [r for r in records if r.inputs["name"] == "fanloom.io" and r.inputs["type"] == "TXT"
                and r.inputs["content"].startswith("v=spf1")]
    dmarc = [r for r in records if r.inputs["name"] == "_dmarc.fanloom.io"]
    assert len(apex_spf) == 1 and len(dmarc) == 1
    assert all(r.inputs["proxied"] is False for r in email if r.type == DNS)
    assert {"emailRecords", "sesIdentityArn", "mailFromDomain"} <= set(prod_plan.outputs)


def test_plan_links_dkim_to_the_identity_and_mail_from_to_its_records(prod_plan: Any) -> None:
    by_name = {r.name: r for r in prod_plan.resources}
    identity = by_name["ses-identity"].urn
    for i in (1, 2, 3):
        deps = by_name[f"dkim-{i}-cname"].property_dependencies
        assert identity in deps["name"] and identity in deps["content"]
    mail_from = by_name["ses-mail-from"]
    assert {by_name["mail-from-mx"].urn, by_name["mail-from-spf-txt"].urn} <= set(mail_from.dependencies)
    assert by_name["ses-identity"].urn in mail_from.property_dependencies["emailIdentity"]
