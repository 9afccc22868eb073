"""Rules for alarms: they must notify someone, through a subscribed topic in a region that works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_common import (
    MANDATORY,
    METRIC_ALARM,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    Ctx,
    Finding,
    get,
    of_type,
    resource_rule,
    stack_rule,
)
from pulumi_policy import Severity

HEALTH_CHECK_REGION = "us-east-1"


def _missing_actions(ctx: Ctx) -> Iterator[Finding]:
    actions = list(get(ctx.props, "alarmActions", default=[]) or [])
    if not actions:
        yield Finding(f"alarm {get(ctx.props, 'name', default=ctx.name)} has no alarm actions: it notifies nobody")
    if get(ctx.props, "actionsEnabled") is False:
        yield Finding(f"alarm {get(ctx.props, 'name', default=ctx.name)} has its actions disabled")


def _topic_arn_parts(arn: str) -> tuple[str, str] | None:
    parts = arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[2] == "sns":
        return parts[3], parts[5]
    return None


def _unreachable(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    topics = of_type(resources, SNS_TOPIC)
    subscriptions = of_type(resources, SNS_SUBSCRIPTION)

    def topic_for(action: str, alarm: Any) -> Any:
        parts = _topic_arn_parts(action)
        for topic in topics:
            if parts and get(topic.props, "name") == parts[1] and get(topic.props, "region", default=parts[0]) == \
                    parts[0]:
                return topic
        deps = alarm.property_dependencies.get("alarmActions", [])
        matches = [d for d in deps if d.resource_type == SNS_TOPIC]
        return matches[0] if len(matches) == 1 else None

    def subscribed(topic: Any, action: str) -> bool:
        for sub in subscriptions:
            if get(sub.props, "topic") == action:
                return True
            if any(d.urn == topic.urn for d in sub.property_dependencies.get("topic", [])):
                return True
        return False

    for alarm in of_type(resources, METRIC_ALARM):
        for action in list(get(alarm.props, "alarmActions", default=[]) or []):
            topic = topic_for(str(action), alarm)
            label = get(alarm.props, "name", default=alarm.name)
            if topic is None:
                yield Finding(f"alarm {label} notifies {action}, which is not an SNS topic of this stack",
                              urn=alarm.urn, name=alarm.name)
            elif not subscribed(topic, str(action)):
                yield Finding(f"alarm {label} notifies topic {get(topic.props, 'name')}, which has no "
                              "subscription: nobody receives it", urn=alarm.urn, name=alarm.name)


def _namespaces(props: Any) -> set[str]:
    found = {str(get(props, "namespace", default=""))}
    for query in get(props, "metricQueries", default=[]) or []:
        found.add(str(get(query, "metric", "namespace", default="")))
    return found - {""}


def _healthcheck_region(ctx: Ctx) -> Iterator[Finding]:
    if "AWS/Route53" not in _namespaces(ctx.props):
        return
    region = get(ctx.props, "region") or get(ctx.provider_props, "region") or ctx.setting("defaultRegion", "")
    if region and region != HEALTH_CHECK_REGION:
        yield Finding(f"alarm {get(ctx.props, 'name', default=ctx.name)} watches Route 53 health-check metrics "
                      f"from {region}; they exist only in us-east-1, so it would never fire")


ALARM_RULES = [
    resource_rule(
        name="aws-cloudwatch-metricalarm-missing-actions",
        description="An alarm must have alarm actions, enabled: an alarm that notifies nobody is no alarm.",
        severity=Severity.HIGH, level=MANDATORY, types=(METRIC_ALARM,), check=_missing_actions,
        remediation="Route the alarm to the stack's alert topic (alarm_actions and ok_actions) and keep "
                    "actions_enabled true.",
    ),
    stack_rule(
        name="aws-cloudwatch-metricalarm-disallow-unreachable-actions",
        description="Alarm actions must reach an SNS topic of this stack that has at least one subscription.",
        severity=Severity.HIGH, level=MANDATORY, check=_unreachable,
        remediation="Use the alert topic of the alarm's region (components/alerts.py) and configure "
                    "monitoring.alertEmails or alertWebhooks.",
    ),
    resource_rule(
        name="aws-cloudwatch-metricalarm-configure-healthcheck-region",
        description="Alarms on Route 53 health-check metrics must live in us-east-1, the only region with them.",
        severity=Severity.HIGH, level=MANDATORY, types=(METRIC_ALARM,), check=_healthcheck_region,
        remediation='Declare the alarm (and its topic) with region="us-east-1".',
        config={"defaultRegion": {"type": "string", "default": "",
                                  "description": "Region of resources that set none (the aws:region config)."}},
    ),
]
