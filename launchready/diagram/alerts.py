"""The alert path: health checks and alarms -> SNS topics -> subscribers.

Subscribers are shown as the handover shows them: email addresses as the config lists them, webhooks by
their name only (their URL may hold a token). Topics are joined to alarms and subscriptions by the region
and name inside the topic ARN the program wires; no ARN, id or account number is ever shown.
"""

from __future__ import annotations

from typing import Any

from components.config import StackConfig
from launchready.diagram.model import Graph
from launchready.diagram.web import resources

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SES_EVENTS = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"


def topic_key(arn: Any) -> str | None:
    """`topic:<region>/<name>` of an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), else None."""
    parts = str(arn).split(":")
    if len(parts) != 6 or parts[2] != "sns":
        return None
    return f"topic:{parts[3]}/{parts[5]}"


def _subscriber(cfg: StackConfig, res: dict[str, Any]) -> tuple[str, str]:
    inputs = res.get("inputs") or {}
    protocol = str(inputs.get("protocol") or "")
    if protocol in ("email", "email-json"):
        address = str(inputs.get("endpoint"))
        return f"sub:email:{address.lower()}", f"email: {address}"
    name = next((h.name for h in cfg.monitoring.alert_webhooks if str(res.get("name")).endswith(f"-{h.name}")),
                None)
    if name is None:
        return f"sub:{protocol}:{res.get('name')}", f"{protocol or 'other'} subscriber (endpoint not shown)"
    return f"sub:webhook:{name}", f"webhook: {name}"


def _topics(g: Graph, cfg: StackConfig, plan: dict[str, Any]) -> None:
    for res in resources(plan, TOPIC):
        inputs = res.get("inputs") or {}
        g.add(f"topic:{inputs.get('region')}/{inputs.get('name')}", "topic", f"SNS topic {inputs.get('name')}",
              str(inputs.get("region")))
    for res in resources(plan, SUBSCRIPTION):
        topic = topic_key((res.get("inputs") or {}).get("topic"))
        if topic in g.nodes:
            key, text = _subscriber(cfg, res)
            g.link(topic, g.add(key, "subscriber", text))
    for topic in [k for k, n in g.nodes.items() if n.kind == "topic"]:
        if not any(source == topic for source, _ in g.edges):
            g.link(topic, g.add(f"nobody:{topic}", "note", "nobody is subscribed: its alerts reach no one"))


def _alarms(g: Graph, plan: dict[str, Any]) -> None:
    checks = plan.get("outputs", {}).get("healthChecks") or {}
    by_alarm = {str(hc.get("alarm")): name for name, hc in checks.items() if isinstance(hc, dict)}
    for res in sorted(resources(plan, ALARM), key=lambda r: str((r.get("inputs") or {}).get("name"))):
        inputs = res.get("inputs") or {}
        name = str(inputs.get("name") or res.get("name"))
        alarm = g.add(f"alarm:{name}", "alarm", f"Alarm {name}", str(inputs.get("region") or ""))
        if name in by_alarm:
            hc = checks[by_alarm[name]]
            check = g.add(f"check:{by_alarm[name]}", "check", f"Health check {by_alarm[name]}",
                          f"https://{hc.get('fqdn')}{hc.get('path')}", f"expects {hc.get('expectText')!r}")
            g.link(check, alarm)
        for arn in [*(inputs.get("alarmActions") or []), *(inputs.get("okActions") or [])]:
            topic = topic_key(arn)
            if topic in g.nodes:
                g.link(alarm, topic)
        if not any(source == alarm for source, _ in g.edges):
            g.link(alarm, g.add(f"silent:{name}", "note", "notifies no alert topic"))


def _ses_events(g: Graph, plan: dict[str, Any]) -> None:
    for res in resources(plan, SES_EVENTS):
        inputs = res.get("inputs") or {}
        dest = inputs.get("eventDestination") or {}
        topic = topic_key((dest.get("snsDestination") or {}).get("topicArn"))
        if topic in g.nodes:
            events = ", ".join(str(e) for e in dest.get("matchingEventTypes") or [])
            key = g.add(f"events:{inputs.get('configurationSetName')}", "events",
                        f"SES events of {inputs.get('configurationSetName')}", events)
            g.link(key, topic)


def alerts_graph(cfg: StackConfig, plan: dict[str, Any]) -> Graph:
    g = Graph()
    _topics(g, cfg, plan)
    _alarms(g, plan)
    _ses_events(g, plan)
    if not g.nodes:
        g.add("none", "note", "No alarms or alert topics are declared")
    return g
