"""Email through Amazon SES that lands in inboxes: identity with Easy DKIM, a configuration set that
requires TLS and suppresses bad addresses, bounce/complaint events and reputation alarms to the alert
topic, and every DNS record receivers check (DKIM, MAIL FROM MX and SPF, apex SPF, DMARC), DNS-only.

SPF aligns with the From domain only through the custom MAIL FROM, a subdomain, hence relaxed SPF
alignment in DMARC; Easy DKIM signs as the domain itself, so DKIM aligns either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alerts import AlertRouting
from components.config import StackConfig
from components.dns import declare_record, record_comment

DKIM_TOKENS = 3
SES_EVENTS = ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"]
MAIL_FROM_SPF = "v=spf1 include:amazonses.com ~all"


def render_dmarc(cfg: StackConfig) -> str:
    """The DMARC record: policy from config (prod default quarantine), relaxed alignment, mailto reports."""
    dmarc = cfg.email.dmarc
    policy = cfg.dmarc_policy.value
    sub = (dmarc.subdomain_policy or cfg.dmarc_policy).value
    tags = [("v", "DMARC1"), ("p", policy), ("sp", sub)]
    if dmarc.percent != 100:
        tags.append(("pct", str(dmarc.percent)))
    tags += [("rua", ",".join(f"mailto:{a}" for a in dmarc.rua)), ("adkim", "r"), ("aspf", "r"), ("fo", "1")]
    return "; ".join(f"{k}={v}" for k, v in tags)


def mail_from_mx(cfg: StackConfig) -> str:
    return f"feedback-smtp.{cfg.email.ses_region}.amazonses.com"


def static_email_records(cfg: StackConfig) -> list[dict[str, Any]]:
    """The records whose content is known before SES answers (DKIM CNAMEs come from the identity)."""
    return [
        {"name": cfg.mail_from_domain, "type": "MX", "content": mail_from_mx(cfg), "priority": 10,
         "proxied": False, "purpose": "MAIL FROM: where receivers send bounces (SES feedback)"},
        {"name": cfg.mail_from_domain, "type": "TXT", "content": MAIL_FROM_SPF, "proxied": False,
         "purpose": "MAIL FROM: SPF for the bounce domain, so SPF passes and aligns"},
        {"name": cfg.domain, "type": "TXT", "content": cfg.email.spf.record, "proxied": False,
         "purpose": f"SPF of the domain ({cfg.email.spf.lookup_count} DNS lookups of 10)"},
        {"name": f"_dmarc.{cfg.domain}", "type": "TXT", "content": render_dmarc(cfg), "proxied": False,
         "purpose": "DMARC: what receivers do with mail that fails SPF and DKIM, and where reports go"},
    ]


def _nth(i: int) -> Callable[[list[str]], str]:
    def pick(tokens: list[str]) -> str:
        return tokens[i]

    return pick


class EmailSending(pulumi.ComponentResource):
    def __init__(
        self, name: str, cfg: StackConfig, alerts: AlertRouting, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:email:Sending", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        region = cfg.email.ses_region
        domain = cfg.domain
        zone_id = cfg.zone.zone_id
        topic_arn = alerts.topic_arn(region)
        stack = pulumi.get_stack()
        set_name = f"{pulumi.get_project()}-{stack}"

        config_set = aws.sesv2.ConfigurationSet(
            "ses-configuration-set",
            configuration_set_name=set_name,
            delivery_options={"tls_policy": "REQUIRE"},
            reputation_options={"reputation_metrics_enabled": True},
            suppression_options={"suppressed_reasons": ["BOUNCE", "COMPLAINT"]},
            sending_options={"sending_enabled": True},
            region=region,
            opts=child,
        )
        aws.sesv2.ConfigurationSetEventDestination(
            "ses-events-to-alerts",
            configuration_set_name=config_set.configuration_set_name,
            event_destination_name="alerts",
            event_destination={
                "enabled": True,
                "matching_event_types": SES_EVENTS,
                "sns_destination": {"topic_arn": topic_arn},
            },
            region=region,
            opts=child,
        )
        self.identity = aws.sesv2.EmailIdentity(
            "ses-identity",
            email_identity=domain,
            configuration_set_name=config_set.configuration_set_name,
            dkim_signing_attributes={"next_signing_key_length": "RSA_2048_BIT"},
            region=region,
            opts=child,
        )

        tokens = self.identity.dkim_signing_attributes.apply(lambda d: list(d.tokens or []) if d else [])
        self.records: list[dict[str, Any]] = []
        for i in range(DKIM_TOKENS):
            token = tokens.apply(_nth(i))
            declare_record(
                f"dkim-{i + 1}-cname",
                zone_id=zone_id,
                name=token.apply(lambda t: f"{t}._domainkey.{domain}"),
                type="CNAME",
                content=token.apply(lambda t: f"{t}.dkim.amazonses.com"),
                proxied=False,
                ttl=3600,
                comment=record_comment(f"SES Easy DKIM key {i + 1} of {DKIM_TOKENS}", "platform"),
                parent=self,
            )
            self.records.append({
                "name": token.apply(lambda t: f"{t}._domainkey.{domain}"), "type": "CNAME",
                "content": token.apply(lambda t: f"{t}.dkim.amazonses.com"), "proxied": False,
                "purpose": f"DKIM key {i + 1} of {DKIM_TOKENS} (token known after deploy)",
            })

        logical = {("MX", cfg.mail_from_domain): "mail-from-mx", ("TXT", cfg.mail_from_domain): "mail-from-spf-txt",
                   ("TXT", domain): "spf-txt", ("TXT", f"_dmarc.{domain}"): "dmarc-txt"}
        mail_from_records = []
        for rec in static_email_records(cfg):
            record = declare_record(
                logical[(rec["type"], rec["name"])],
                zone_id=zone_id,
                name=rec["name"],
                type=rec["type"],
                content=rec["content"],
                priority=rec.get("priority"),
                proxied=False,
                ttl=3600,
                comment=record_comment(rec["purpose"], "platform"),
                parent=self,
            )
            if rec["name"] == cfg.mail_from_domain:
                mail_from_records.append(record)
            self.records.append(rec)

        aws.sesv2.EmailIdentityMailFromAttributes(
            "ses-mail-from",
            email_identity=self.identity.email_identity,
            mail_from_domain=cfg.mail_from_domain,
            # Fall back to amazonses.com if the MX is ever missing: mail still goes out (SPF then aligns only
            # through DKIM) rather than password resets failing outright.
            behavior_on_mx_failure="USE_DEFAULT_VALUE",
            region=region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=mail_from_records),
        )

        self.alarm_names: dict[str, str] = {}
        for metric, threshold, key in (
            ("Reputation.BounceRate", cfg.email.bounce_rate_threshold, "bounce-rate"),
            ("Reputation.ComplaintRate", cfg.email.complaint_rate_threshold, "complaint-rate"),
        ):
            alarm_name = f"{set_name}-ses-{key}"
            aws.cloudwatch.MetricAlarm(
                f"ses-{key}-alarm",
                name=alarm_name,
                alarm_description=f"SES {metric} reached {threshold}; SES reviews accounts at 5% bounces / "
                                  "0.1% complaints",
                namespace="AWS/SES",
                metric_name=metric,
                statistic="Maximum",
                period=3600,
                evaluation_periods=1,
                threshold=threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                region=region,
                opts=child,
            )
            self.alarm_names[key] = alarm_name
        self.mail_from_domain = cfg.mail_from_domain
        self.register_outputs({"identityArn": self.identity.arn, "mailFromDomain": self.mail_from_domain})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {
            "emailRecords": self.records,
            "sesIdentityArn": self.identity.arn,
            "mailFromDomain": self.mail_from_domain,
            "sesAlarms": self.alarm_names,
        }
