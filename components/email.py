"""Email through Amazon SES that lands in inboxes: identity with Easy DKIM, a configuration set that
requires TLS and suppresses bad addresses, bounce/complaint events and reputation alarms to the alert
topic, and every DNS record receivers check (DKIM, MAIL FROM MX and SPF, apex SPF, DMARC), DNS-only.

SPF aligns with the From domain only through the custom MAIL FROM, a subdomain, hence relaxed SPF
alignment in DMARC; Easy DKIM signs as the domain itself, so DKIM aligns either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_cloudflare as cf
from pulumi_aws.sesv2.outputs import EmailIdentityDkimSigningAttributes

from components.alerts import AlertRouting
from components.config import SPF_MAX_LOOKUPS, StackConfig
from components.dns import declare_record
from components.naming import DKIM_TOKENS as DKIM_TOKENS
from components.naming import MAIL_FROM_SPF as MAIL_FROM_SPF
from components.naming import SES_REPUTATION_KEYS, name_prefix, record_comment, ses_alarm_name
from components.naming import dkim_name as dkim_name
from components.naming import dkim_target as dkim_target
from components.naming import mail_from_mx as mail_from_mx

#: The events worth a page: mail that did not arrive, and recipients who said it was spam.
SES_EVENTS = ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"]
RECORD_TTL = 3600
OWNER = "platform"
#: What SES does when it cannot find the MAIL FROM MX. USE_DEFAULT_VALUE sends with amazonses.com as the
#: MAIL FROM instead: SPF then stops aligning, but DMARC still passes through the aligned Easy DKIM
#: signature, so invites and password resets keep arriving. REJECT_MESSAGE would fail every send with
#: MailFromDomainNotVerified, including during the hours after the first deploy while SES has not yet seen
#: the MX. A missing MX shows as MailFromDomainStatus != SUCCESS, which the go-live checks look at.
BEHAVIOR_ON_MX_FAILURE = "USE_DEFAULT_VALUE"


class EmailRecord(TypedDict):
    """One DNS record the email area declares: its logical name, what it holds, and why it exists.

    A plain dict (typed), so callers and tests can read and filter rows like the exported ones.
    """

    logical: str  # stable resource name, e.g. "dmarc-txt"
    name: pulumi.Input[str]  # fully qualified; an Output for the DKIM records
    type: str
    content: pulumi.Input[str]
    purpose: str  # short enough to fit a record comment untruncated
    priority: NotRequired[int]


def record_row(rec: EmailRecord) -> dict[str, Any]:
    """A row of the handover's record list, in the shape of the DNS map rows: every email record is DNS-only."""
    row: dict[str, Any] = {
        "name": rec["name"],
        "type": rec["type"],
        "content": rec["content"],
        "proxied": False,
        "ttl": RECORD_TTL,
        "purpose": rec["purpose"],
        "owner": OWNER,
    }
    if "priority" in rec:
        row["priority"] = rec["priority"]
    return row


@dataclass(frozen=True)
class ReputationAlarm:
    """A CloudWatch alarm on an account-wide SES reputation metric (a fraction, 0-1)."""

    key: str  # "bounce-rate"
    metric: str  # "Reputation.BounceRate"
    threshold: float
    review_at: float  # SES puts the account under review here
    pause_at: float  # SES may pause sending here

    @property
    def logical(self) -> str:
        return f"ses-{self.key}-alarm"

    def name(self, prefix: str) -> str:
        return ses_alarm_name(prefix, self.key)

    @property
    def description(self) -> str:
        what = self.key.removesuffix("-rate")
        return (
            f"SES {what} rate reached {self.threshold:.2%} in the last hour. SES reviews the account at "
            f"{self.review_at:.1%} and may pause all sending at {self.pause_at:.1%}: find the addresses in the "
            f"{what} events on this topic and stop mailing them."
        )


def render_dmarc(cfg: StackConfig) -> str:
    """The DMARC record: policy from config (prod default quarantine), relaxed alignment, mailto reports.

    `pct` is written only when it is not 100 (the default; DMARCbis drops the tag). SPF alignment must be
    relaxed because SPF authenticates the MAIL FROM subdomain, not the From domain itself.
    """
    dmarc = cfg.email.dmarc
    policy = cfg.dmarc_policy
    subdomain_policy = dmarc.subdomain_policy or policy
    tags = [("v", "DMARC1"), ("p", policy.value), ("sp", subdomain_policy.value)]
    if dmarc.percent != 100:
        tags.append(("pct", str(dmarc.percent)))
    tags += [
        ("rua", ",".join(f"mailto:{address}" for address in dmarc.rua)),
        ("adkim", "r"),
        ("aspf", "r"),
    ]
    return "; ".join(f"{k}={v}" for k, v in tags)


def static_email_records(cfg: StackConfig) -> list[EmailRecord]:
    """The records whose content is known before SES answers (the DKIM CNAMEs come from the identity)."""
    spf = cfg.email.spf
    return [
        EmailRecord(logical="mail-from-mx", name=cfg.mail_from_domain, type="MX", content=mail_from_mx(cfg),
                    purpose="MAIL FROM: receivers send bounces to SES here", priority=10),
        EmailRecord(logical="mail-from-spf-txt", name=cfg.mail_from_domain, type="TXT", content=MAIL_FROM_SPF,
                    purpose="MAIL FROM SPF: SES may send as the bounce domain"),
        EmailRecord(logical="spf-txt", name=cfg.domain, type="TXT", content=spf.record,
                    purpose=f"SPF: who may send as the domain ({spf.lookup_count} of {SPF_MAX_LOOKUPS} DNS lookups)"),
        EmailRecord(logical="dmarc-txt", name=f"_dmarc.{cfg.domain}", type="TXT", content=render_dmarc(cfg),
                    purpose="DMARC: policy for unauthenticated mail, and where reports go"),
    ]


def reputation_alarms(cfg: StackConfig) -> list[ReputationAlarm]:
    """Alarms below the levels where SES reviews (5% bounces, 0.1% complaints) or pauses (10%, 0.5%)."""
    bounce, complaint = SES_REPUTATION_KEYS
    return [
        ReputationAlarm(bounce, "Reputation.BounceRate", cfg.email.bounce_rate_threshold, 0.05, 0.10),
        ReputationAlarm(complaint, "Reputation.ComplaintRate", cfg.email.complaint_rate_threshold, 0.001, 0.005),
    ]


def _dkim_token(index: int, domain: str) -> Callable[[EmailIdentityDkimSigningAttributes | None], str]:
    """Picks token `index` out of the identity's dkimSigningAttributes once SES has answered."""

    def pick(attributes: EmailIdentityDkimSigningAttributes | None) -> str:
        tokens = list(attributes.tokens or []) if attributes is not None else []
        if len(tokens) != DKIM_TOKENS:
            raise ValueError(
                f"SES returned {len(tokens)} Easy DKIM tokens for {domain}, expected {DKIM_TOKENS}; "
                "check the identity's DKIM settings in the SES console"
            )
        return str(tokens[index])

    return pick


class EmailSending(pulumi.ComponentResource):
    """The SES identity, configuration set, events, MAIL FROM, reputation alarms and every email DNS record."""

    identity: aws.sesv2.EmailIdentity
    configuration_set: aws.sesv2.ConfigurationSet
    dns_records: dict[str, cf.DnsRecord]
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    records: list[EmailRecord]

    def __init__(
        self, name: str, cfg: StackConfig, alerts: AlertRouting, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:email:Sending", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self.region = cfg.email.ses_region
        self._zone_id = cfg.zone.zone_id
        self._topic_arn = alerts.topic_arn(self.region)
        stack = pulumi.get_stack()
        self._prefix = name_prefix(pulumi.get_project(), stack)
        self._tags = {"stack": stack, "purpose": "email"}
        self.mail_from_domain = cfg.mail_from_domain
        self.dns_records = {}
        self.records = []

        self.configuration_set = self._configuration_set()
        self.identity = self._identity(cfg.domain)
        self._dkim_records(cfg.domain)
        self._mail_from(cfg, self._static_records(cfg))
        self._reputation_alarms(cfg)
        self.register_outputs(
            {"identityArn": self.identity.arn, "mailFromDomain": self.mail_from_domain, "alarms": self.alarm_names}
        )

    def _configuration_set(self) -> aws.sesv2.ConfigurationSet:
        """TLS required, reputation metrics on, bounces and complaints suppressed; events to the alert topic."""
        configuration_set = aws.sesv2.ConfigurationSet(
            "ses-configuration-set",
            configuration_set_name=self._prefix,
            delivery_options={"tls_policy": "REQUIRE"},
            reputation_options={"reputation_metrics_enabled": True},
            suppression_options={"suppressed_reasons": ["BOUNCE", "COMPLAINT"]},
            sending_options={"sending_enabled": True},
            tags=self._tags,
            region=self.region,
            opts=self._child,
        )
        aws.sesv2.ConfigurationSetEventDestination(
            "ses-events-to-alerts",
            configuration_set_name=configuration_set.configuration_set_name,
            event_destination_name="alerts",
            event_destination={
                "enabled": True,
                "matching_event_types": SES_EVENTS,
                "sns_destination": {"topic_arn": self._topic_arn},
            },
            region=self.region,
            opts=self._child,
        )
        return configuration_set

    def _identity(self, domain: str) -> aws.sesv2.EmailIdentity:
        """The domain identity with Easy DKIM (2048-bit keys), sending through the configuration set."""
        return aws.sesv2.EmailIdentity(
            "ses-identity",
            email_identity=domain,
            configuration_set_name=self.configuration_set.configuration_set_name,
            dkim_signing_attributes={"next_signing_key_length": "RSA_2048_BIT"},
            tags=self._tags,
            region=self.region,
            opts=self._child,
        )

    def _dkim_records(self, domain: str) -> None:
        """The tokens are unknown until SES creates the identity: each record takes one of them as an Output,
        so the three records exist in every preview and depend on the identity."""
        for i in range(DKIM_TOKENS):
            token = self.identity.dkim_signing_attributes.apply(_dkim_token(i, domain))
            self._declare(
                EmailRecord(
                    logical=f"dkim-{i + 1}-cname",
                    name=token.apply(lambda t: dkim_name(t, domain)),
                    type="CNAME",
                    content=token.apply(dkim_target),
                    purpose=f"DKIM key {i + 1} of {DKIM_TOKENS} (SES Easy DKIM): receivers fetch the public key here",
                ),
                self._zone_id,
            )

    def _static_records(self, cfg: StackConfig) -> list[pulumi.Resource]:
        """MAIL FROM MX and SPF, apex SPF and DMARC; returns the MAIL FROM records (SES looks for those)."""
        mail_from_records: list[pulumi.Resource] = []
        for rec in static_email_records(cfg):
            record = self._declare(rec, self._zone_id)
            if rec["name"] == cfg.mail_from_domain:
                mail_from_records.append(record)
        return mail_from_records

    def _mail_from(self, cfg: StackConfig, records: list[pulumi.Resource]) -> None:
        """The custom MAIL FROM, set once its records exist."""
        aws.sesv2.EmailIdentityMailFromAttributes(
            "ses-mail-from",
            email_identity=self.identity.email_identity,
            mail_from_domain=cfg.mail_from_domain,
            behavior_on_mx_failure=BEHAVIOR_ON_MX_FAILURE,
            region=self.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=records),
        )

    def _reputation_alarms(self, cfg: StackConfig) -> None:
        self.alarms = {}
        self.alarm_names: dict[str, str] = {}
        for alarm in reputation_alarms(cfg):
            self.alarm_names[alarm.key] = alarm.name(self._prefix)
            self.alarms[alarm.key] = aws.cloudwatch.MetricAlarm(
                alarm.logical,
                name=alarm.name(self._prefix),
                alarm_description=alarm.description,
                namespace="AWS/SES",
                metric_name=alarm.metric,
                statistic="Maximum",
                period=3600,
                evaluation_periods=1,
                threshold=alarm.threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",  # no mail sent, no rate: nothing is wrong
                alarm_actions=[self._topic_arn],
                ok_actions=[self._topic_arn],
                tags=self._tags,
                region=self.region,
                opts=self._child,
            )

    def _declare(self, rec: EmailRecord, zone_id: str) -> cf.DnsRecord:
        """Every email record is DNS-only: a proxied record answers with Cloudflare's addresses."""
        record = declare_record(
            rec["logical"],
            zone_id=zone_id,
            name=rec["name"],
            type=rec["type"],
            content=rec["content"],
            priority=rec.get("priority"),
            proxied=False,
            ttl=RECORD_TTL,
            comment=record_comment(rec["purpose"], OWNER),
            parent=self,
        )
        self.dns_records[rec["logical"]] = record
        self.records.append(rec)
        return record

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {
            "emailRecords": [record_row(rec) for rec in self.records],
            "sesIdentityArn": self.identity.arn,
            "sesRegion": self.region,
            "sesConfigurationSet": self.configuration_set.configuration_set_name,
            "mailFromDomain": self.mail_from_domain,
            "sesAlarms": self.alarm_names,
        }
