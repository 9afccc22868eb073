"""Alert routing: SNS topics with email and webhook subscriptions, one topic per region that alarms live in.

CloudWatch alarm actions can only reach a topic in the alarm's own region, and Route 53 health-check
metrics exist only in us-east-1, so the topic is declared once per region the stack's alarms use, each
with the same subscribers. The topic policy lets CloudWatch (alarms) and SES (event destinations) of this
account publish, and nobody else.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.config import NAMESPACE, StackConfig
from components.naming import HEALTH_CHECK_REGION as HEALTH_CHECK_REGION
from components.naming import alert_regions as alert_regions
from components.naming import alert_topic_name


def topic_policy(topic_arn: str, account_id: str) -> str:
    """Only CloudWatch alarms and SES event destinations of this account may publish."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowAlarmsAndSesOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com", "ses.amazonaws.com"]},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        },
        sort_keys=True,
    )


class AlertRouting(pulumi.ComponentResource):
    """SNS topics (one per region in `regions`) and their subscriptions."""

    def __init__(
        self, name: str, cfg: StackConfig, regions: list[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:monitoring:AlertRouting", name, None, opts)
        self.regions = regions
        self._topic_arns: dict[str, pulumi.Output[str]] = {}
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        topic_name = alert_topic_name(pulumi.get_project(), pulumi.get_stack())
        secret_config = pulumi.Config(NAMESPACE)
        webhooks: list[tuple[str, pulumi.Input[str]]] = []
        for hook in cfg.monitoring.alert_webhooks:
            if hook.url is not None:
                webhooks.append((hook.name, hook.url))
            else:
                webhooks.append((hook.name, secret_config.require_secret(hook.config_key or "")))

        for region in regions:
            topic = aws.sns.Topic(
                f"alerts-{region}",
                name=topic_name,
                display_name=f"{cfg.domain} alerts ({cfg.environment.value})",
                region=region,
                tags={"stack": pulumi.get_stack(), "purpose": "alerts"},
                opts=child,
            )
            aws.sns.TopicPolicy(
                f"alerts-{region}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, account_id).apply(lambda a: topic_policy(a[0], a[1])),
                region=region,
                opts=child,
            )
            for address in cfg.monitoring.alert_emails:
                aws.sns.TopicSubscription(
                    f"alerts-{region}-email-{address.replace('@', '-at-').replace('.', '-')}",
                    topic=topic.arn,
                    protocol="email",
                    endpoint=address,
                    region=region,
                    opts=child,
                )
            for hook_name, url in webhooks:
                aws.sns.TopicSubscription(
                    f"alerts-{region}-webhook-{hook_name}",
                    topic=topic.arn,
                    protocol="https",
                    endpoint=url,
                    endpoint_auto_confirms=False,
                    region=region,
                    opts=child,
                )
            self._topic_arns[region] = topic.arn
        self.routes = [f"email: {a}" for a in cfg.monitoring.alert_emails] + [
            f"webhook: {n}" for n, _ in webhooks
        ]
        self.register_outputs({"topicArns": self._topic_arns})

    def topic_arn(self, region: str) -> pulumi.Output[str]:
        """The ARN of the alert topic in `region` (one of `regions`)."""
        return self._topic_arns[region]

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {"alertTopics": self._topic_arns, "alertRoutes": self.routes}
