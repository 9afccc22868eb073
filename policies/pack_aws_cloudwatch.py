"""Rules for CloudWatch alarms (`aws:cloudwatch/metricAlarm:MetricAlarm`): they must notify someone, through a
subscribed topic in the alarm's own region, and an uptime alarm must fire when the checks stop or fail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_common import (
    MANDATORY,
    METRIC_ALARM,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    UNKNOWN,
    Ctx,
    Finding,
    get,
    items,
    label,
    number,
    of_type,
    peek,
    resource_rule,
    stack_config_value,
    stack_rule,
)
from pulumi_policy import Severity

HEALTH_CHECK_REGION = "us-east-1"
_REGION_CONFIG: dict[str, dict[str, Any]] = {
    "defaultRegion": {"type": "string", "default": "",
                      "description": "Region of resources that set none (the aws:region config)."}}
_UPTIME_CONFIG: dict[str, dict[str, Any]] = {
    "uptimeMetrics": {"type": "array", "items": {"type": "string"}, "default": [],
                      "description": "More uptime metrics, as `<namespace>:<metric name>`."}}


def _missing_actions(ctx: Ctx) -> Iterator[Finding]:
    actions = peek(ctx.props, "alarmActions", default=[])
    if actions is not UNKNOWN and len(actions) == 0:
        yield Finding(f"alarm {label(ctx.props, ctx.name)} has no alarm actions: it notifies nobody")
    if get(ctx.props, "actionsEnabled") is False:
        yield Finding(f"alarm {label(ctx.props, ctx.name)} has its actions disabled: it notifies nobody")


def _topic_arn_parts(arn: str) -> tuple[str, str] | None:
    """(region, name) of an SNS topic ARN."""
    parts = arn.split(":")
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "sns":
        return parts[3], parts[5]
    return None


def _region(resource: Any) -> Any:
    """The region a resource lives in: its own `region` input, else its provider's, else None."""
    region = peek(resource.props, "region")
    if region:
        return region
    provider = getattr(resource, "provider", None)
    return peek(provider.props, "region") if provider is not None else None


def _unreachable(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    topics = of_type(resources, SNS_TOPIC)
    subscriptions = of_type(resources, SNS_SUBSCRIPTION)

    def topic_by_arn(arn: str) -> Any:
        parts = _topic_arn_parts(arn)
        if parts is None:
            return None
        for topic in topics:
            region = _region(topic)
            if peek(topic.props, "name") == parts[1] and region in (parts[0], None, UNKNOWN):
                return topic
        return None

    def could_be(topic: Any, arn: str) -> bool:
        """An ARN of this topic although its name is not an input: Pulumi auto-names it `<logical>-<random>`."""
        parts = _topic_arn_parts(arn)
        return parts is not None and not isinstance(peek(topic.props, "name"), str) and \
            _region(topic) in (parts[0], None, UNKNOWN) and \
            (parts[1] == topic.name or parts[1].startswith(f"{topic.name}-"))

    def subscribed(topic: Any) -> bool:
        for sub in subscriptions:
            if any(d.urn == topic.urn for d in sub.property_dependencies.get("topic", [])):
                return True
            target = peek(sub.props, "topic")
            if isinstance(target, str) and (topic_by_arn(target) is topic or could_be(topic, target)):
                return True
        return False

    for alarm in of_type(resources, METRIC_ALARM):
        shown_alarm = label(alarm.props, alarm.name)
        dep_topics = [d for d in alarm.property_dependencies.get("alarmActions", []) if d.resource_type == SNS_TOPIC]
        for action in items(alarm.props, "alarmActions"):
            topic = topic_by_arn(action) if isinstance(action, str) else None
            if topic is None:
                # an ARN not known yet, or of an auto-named topic: a topic the action list depends on
                candidates = [t for t in (dep_topics if action is UNKNOWN else topics) if
                              action is UNKNOWN or could_be(t, str(action))]
                if len(candidates) > 1:
                    continue  # cannot tell which; each candidate is checked through the other actions
                topic = candidates[0] if candidates else None
            if topic is None:
                shown = "an ARN not known yet" if action is UNKNOWN else action
                yield Finding(f"alarm {shown_alarm} notifies {shown}, which is not an SNS topic of this stack",
                              urn=alarm.urn, name=alarm.name)
            elif not subscribed(topic):
                yield Finding(f"alarm {shown_alarm} notifies topic {label(topic.props, topic.name)}, which has no "
                              "subscription: nobody receives it", urn=alarm.urn, name=alarm.name)


def _namespaces(props: Any) -> set[str]:
    found = {str(peek(props, "namespace", default=""))}
    for query in items(props, "metricQueries"):
        found.add(str(peek(query, "metric", "namespace", default="")))
    return found - {""}


def _healthcheck_region(ctx: Ctx) -> Iterator[Finding]:
    region = alarm_region(ctx)
    if region and region is not UNKNOWN and region != HEALTH_CHECK_REGION:
        yield Finding(f"alarm {label(ctx.props, ctx.name)} watches Route 53 health-check metrics from {region}; "
                      "they exist only in us-east-1, so it would never fire")


def alarm_region(ctx: Ctx) -> Any:
    """The alarm's region: its own `region`, else its provider's, else `defaultRegion` / `aws:region`."""
    region = peek(ctx.props, "region") or (peek(ctx.provider_props, "region") if ctx.provider_props else None)
    if region is UNKNOWN:
        return UNKNOWN
    return region or ctx.setting("defaultRegion", "") or stack_config_value("aws:region")


def _cross_region(ctx: Ctx) -> Iterator[Finding]:
    region = alarm_region(ctx)
    if not region or region is UNKNOWN:
        return
    for key in ("alarmActions", "okActions", "insufficientDataActions"):
        for action in items(ctx.props, key):
            parts = _topic_arn_parts(action) if isinstance(action, str) else None
            if parts is not None and parts[0] != region:
                yield Finding(f"alarm {label(ctx.props, ctx.name)} in {region} notifies topic {parts[1]} in "
                              f"{parts[0]}: CloudWatch only notifies topics of its own region")


UPTIME_METRICS = {("AWS/Route53", "HealthCheckStatus"), ("AWS/Route53", "HealthCheckPercentageHealthy"),
                  ("CloudWatchSynthetics", "SuccessPercent")}


def _metrics(props: Any) -> list[tuple[str, str, float]]:
    """(namespace, metric name, period) of the alarm's metric and of each metric query."""
    found = [(str(peek(props, "namespace", default="")), str(peek(props, "metricName", default="")),
              number(peek(props, "period", default=60)))]
    for query in items(props, "metricQueries"):
        metric = peek(query, "metric", default=None)
        if isinstance(metric, dict) or hasattr(metric, "get"):
            found.append((str(peek(metric, "namespace", default="")), str(peek(metric, "metricName", default="")),
                          number(peek(metric, "period", default=60))))
    return found


def _is_uptime(ctx: Ctx) -> bool:
    extra = {tuple(str(x).split(":", 1)) for x in ctx.setting("uptimeMetrics", [])}
    return any((ns, name) in UPTIME_METRICS | extra for ns, name, _ in _metrics(ctx.props))


def _missing_data_ok(ctx: Ctx) -> Iterator[Finding]:
    value = peek(ctx.props, "treatMissingData", default="missing")
    if value in ("notBreaching", "ignore"):
        yield Finding(f"uptime alarm {label(ctx.props, ctx.name)} treats missing data as {value}: when the "
                      "health check stops reporting, the alarm stays OK")


def _slow_to_fire(ctx: Ctx) -> Iterator[Finding]:
    limit = number(ctx.setting("maxMinutesToAlarm", 60))
    periods = number(peek(ctx.props, "datapointsToAlarm", default=None) or peek(ctx.props, "evaluationPeriods",
                                                                                 default=1))
    period = max((p for _, _, p in _metrics(ctx.props) if p == p), default=60.0)
    minutes = periods * period / 60
    if minutes > limit:
        yield Finding(f"uptime alarm {label(ctx.props, ctx.name)} needs {periods:g} failing periods of "
                      f"{period:g} s ({minutes:,.0f} min) before it fires; the limit is {limit:g} min")


CLOUDWATCH_RULES = [
    resource_rule(
        name="aws-cloudwatch-metricalarm-missing-actions",
        description="An alarm must have alarm actions, enabled: an alarm that notifies nobody is no alarm.",
        severity=Severity.HIGH, level=MANDATORY, types=(METRIC_ALARM,), check=_missing_actions,
        remediation="Route the alarm to the stack's alert topic (alarm_actions and ok_actions) and keep "
                    "actions_enabled true.",
    ),
    stack_rule(
        name="aws-cloudwatch-metricalarm-disallow-unreachable-actions",
        description="Alarm actions must reach an SNS topic of this stack that has at least one subscription, or "
                    "the alarm fires and nobody hears it.",
        severity=Severity.HIGH, level=MANDATORY, check=_unreachable, types=(METRIC_ALARM,),
        remediation="Use the alert topic of the alarm's region (components/alerts.py) and configure "
                    "monitoring.alertEmails or alertWebhooks.",
    ),
    resource_rule(
        name="aws-cloudwatch-metricalarm-configure-healthcheck-region",
        description="Alarms on Route 53 health-check metrics must live in us-east-1, the only region with them.",
        severity=Severity.HIGH, level=MANDATORY, types=(METRIC_ALARM,), check=_healthcheck_region,
        applies=lambda ctx: "AWS/Route53" in _namespaces(ctx.props),
        remediation='Declare the alarm (and its topic) with region="us-east-1".',
        config=_REGION_CONFIG,
    ),
    resource_rule(
        name="aws-cloudwatch-metricalarm-disallow-cross-region-actions",
        description="An alarm's actions must be SNS topics in the alarm's own region: AWS refuses (or never "
                    "delivers) notifications to a topic in another region.",
        severity=Severity.HIGH, level=MANDATORY, types=(METRIC_ALARM,), check=_cross_region,
        remediation="Create the alert topic in the alarm's region (or move the alarm) and use that topic's ARN.",
        config=_REGION_CONFIG,
    ),
    resource_rule(
        name="aws-cloudwatch-metricalarm-disallow-missing-data-ok",
        description="An uptime alarm (Route 53 health-check metrics) must not treat missing data as OK "
                    "(notBreaching or ignore): a health check that stops reporting would look healthy.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(METRIC_ALARM,), check=_missing_data_ok,
        applies=_is_uptime,
        remediation='Set treat_missing_data to "breaching" on uptime alarms.',
        config=_UPTIME_CONFIG,
    ),
    resource_rule(
        name="aws-cloudwatch-metricalarm-configure-time-to-alarm",
        description="An uptime alarm must fire within the hour: evaluation periods times the period (or "
                    "datapoints to alarm) of many hours means the site is down long before anyone hears.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(METRIC_ALARM,), check=_slow_to_fire, applies=_is_uptime,
        remediation="Use a 60 s period with 2-5 evaluation periods for uptime alarms.",
        config={**_UPTIME_CONFIG, "maxMinutesToAlarm": {"type": "number", "default": 60, "minimum": 1,
                                                        "description": "The longest outage before it alarms."}},
    ),
]
