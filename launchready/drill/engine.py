"""The alarm drill: does every alarm of the stack reach a person?

For each declared alarm: read it (`DescribeAlarms`: exists, actions enabled, its SNS alarm actions), check
each topic for a confirmed subscription (`ListSubscriptionsByTopic`), set it to ALARM (`SetAlarmState`),
then read its history (`DescribeAlarmHistory`, type Action) until an entry says the action on its topic
ran ("Successfully executed action arn:aws:sns:...") or failed, within a bounded wait. Every alarm that was
set to ALARM is set back to OK in a `finally`, also when a call fails or the drill is interrupted.

AWS errors become messages: per alarm when one call fails (access denied, not found), a DrillError (exit 2)
when nothing can work (no credentials, unknown profile, unreachable endpoint).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from launchready.drill.alarms import DeclaredAlarm

REASON = "launchready drill: testing that this alarm reaches someone (set back to OK right after)"
RESTORE_REASON = "launchready drill: set back to OK after the drill"
MAX_WAIT_SECONDS = 300.0


class DrillError(Exception):
    """Nothing can be drilled: credentials, profile or endpoint. The text says what to fix."""


@dataclass
class TopicStatus:
    arn: str
    confirmed: int = 0
    pending: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"arn": self.arn, "confirmedSubscriptions": self.confirmed, "pendingSubscriptions": self.pending,
                "error": self.error}


@dataclass
class AlarmResult:
    alarm: DeclaredAlarm
    exists: bool = False
    actions_enabled: bool = False
    topics: list[TopicStatus] = field(default_factory=list)
    state_before: str | None = None
    set_to_alarm: bool = False
    #: "ran", "failed", "not seen" (no entry within the wait), "unknown" (history unreadable), "" (not tried)
    actions: str = ""
    action_detail: str = ""
    restored: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def reaches_someone(self) -> bool:
        return self.exists and self.actions_enabled and any(t.confirmed > 0 for t in self.topics)

    def problems(self) -> list[str]:
        a = self.alarm
        if not self.exists:
            return self.errors or [f"not found in {a.region}: the stack declares it but it is not deployed "
                                   "(run pulumi up for this stack)"]
        out = list(self.errors)
        if not self.actions_enabled:
            out.append("its actions are disabled (ActionsEnabled=false): it would notify nobody")
        if not self.topics:
            out.append("it has no SNS alarm action: it would notify nobody")
        for t in self.topics:
            if t.error:
                out.append(f"topic {t.arn}: {t.error}")
            elif t.confirmed == 0:
                out.append(f"would reach nobody: topic {t.arn} has no confirmed subscription"
                           + (f" ({t.pending} pending confirmation: open the confirmation email)" if t.pending
                              else " (subscribe the on-call: monitoring.alertEmails)"))
        if self.actions == "failed":
            out.append(f"its action failed: {self.action_detail}")
        elif self.actions == "not seen":
            out.append(f"no action entry in its history: {self.action_detail}")
        elif self.actions == "unknown":
            out.append(f"its action could not be confirmed: {self.action_detail}")
        if self.set_to_alarm and not self.restored:
            out.append("it could not be set back to OK: set it by hand (aws cloudwatch set-alarm-state "
                       f"--alarm-name {a.name} --state-value OK --state-reason restore --region {a.region})")
        return out

    @property
    def passed(self) -> bool:
        return not self.problems()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.alarm.name, "region": self.alarm.region, "kind": self.alarm.kind,
                "exists": self.exists, "actionsEnabled": self.actions_enabled,
                "topics": [t.to_json() for t in self.topics], "reachesSomeone": self.reaches_someone,
                "stateBefore": self.state_before, "setToAlarm": self.set_to_alarm,
                "actions": self.actions or None, "actionDetail": self.action_detail or None,
                "restored": self.restored, "passed": self.passed, "problems": self.problems()}


@dataclass
class DrillReport:
    stack: str
    alarms: list[AlarmResult]
    duration_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(a.passed for a in self.alarms)

    @property
    def unreachable(self) -> list[str]:
        return [a.alarm.name for a in self.alarms if a.exists and not a.reaches_someone]

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "stack": self.stack, "durationSeconds": round(self.duration_seconds, 3),
                "reachNobody": self.unreachable, "alarms": [a.to_json() for a in self.alarms]}


#: region -> (cloudwatch client, sns client)
ClientFactory = Callable[[str], tuple[Any, Any]]


def aws_error(exc: Exception) -> str:
    """`Code: message` of a botocore ClientError; the class name and text otherwise (no secrets in either)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        err = response.get("Error", {})
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = err.get("Code") or f"HTTP {status}"
        return f"{code}: {err.get('Message') or 'no message'}"
    return f"{type(exc).__name__}: {exc}"


def action_outcome(items: list[dict[str, Any]], topics: list[str]) -> tuple[str, str] | None:
    """("ran"|"failed", summary) from Action history items about one of `topics`, or None if none is there."""
    for item in items:
        summary = str(item.get("HistorySummary", ""))
        try:
            data = json.loads(item.get("HistoryData") or "{}")
        except ValueError:
            data = {}
        resource = str(data.get("notificationResource", "")) if isinstance(data, dict) else ""
        if not any(t in summary or t == resource for t in topics):
            continue
        state = str(data.get("actionState", "")) if isinstance(data, dict) else ""
        if state == "Succeeded" or summary.startswith("Successfully executed action"):
            return "ran", summary
        if state == "Failed" or summary.startswith("Failed to execute action"):
            return "failed", summary
    return None


def fatal_error(exc: Exception) -> DrillError | None:
    name = type(exc).__name__
    if name == "NoCredentialsError":
        return DrillError("no AWS credentials: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY, or run where a role is available")
    if name in ("EndpointConnectionError", "ConnectTimeoutError"):
        return DrillError(f"cannot reach AWS: {exc} (check --endpoint-url and the network)")
    if name == "ProfileNotFound":
        return DrillError(f"{exc}: check --profile / AWS_PROFILE against ~/.aws/config")
    if name == "PartialCredentialsError":
        return DrillError(f"incomplete AWS credentials: {exc}")
    return None


def _inspect(result: AlarmResult, cloudwatch: Any, sns: Any) -> None:
    found = cloudwatch.describe_alarms(AlarmNames=[result.alarm.name]).get("MetricAlarms", [])
    if not found:
        return
    alarm = found[0]
    result.exists = True
    result.actions_enabled = bool(alarm.get("ActionsEnabled", True))
    result.state_before = alarm.get("StateValue")
    for arn in [a for a in alarm.get("AlarmActions", []) if a.startswith("arn:aws:sns:")]:
        topic = TopicStatus(arn)
        try:
            pages = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn)
            for page in pages:
                for sub in page.get("Subscriptions", []):
                    state = sub.get("SubscriptionArn", "")
                    if state == "PendingConfirmation":
                        topic.pending += 1
                    elif state.startswith("arn:"):
                        topic.confirmed += 1
        except Exception as exc:
            if fatal_error(exc):
                raise
            topic.error = aws_error(exc)
        result.topics.append(topic)


def _history(result: AlarmResult, cloudwatch: Any, since: dt.datetime) -> bool:
    """One look at the history; True when the outcome is settled."""
    try:
        items = cloudwatch.describe_alarm_history(AlarmName=result.alarm.name, HistoryItemType="Action",
                                                  StartDate=since, MaxRecords=50).get("AlarmHistoryItems", [])
    except Exception as exc:
        if fatal_error(exc):
            raise
        result.actions, result.action_detail = "unknown", f"the alarm history is unavailable ({aws_error(exc)})"
        return True
    outcome = action_outcome(items, [t.arn for t in result.topics])
    if outcome:
        result.actions, result.action_detail = outcome
        return True
    return False


def _restore(results: list[AlarmResult], clients: dict[str, tuple[Any, Any]]) -> None:
    for result in results:
        if not result.set_to_alarm:
            continue
        cloudwatch = clients[result.alarm.region][0]
        try:
            cloudwatch.set_alarm_state(AlarmName=result.alarm.name, StateValue="OK", StateReason=RESTORE_REASON)
            now = cloudwatch.describe_alarms(AlarmNames=[result.alarm.name]).get("MetricAlarms", [])
            result.restored = bool(now) and now[0].get("StateValue") == "OK"
        except Exception as exc:
            result.errors.append(f"restoring to OK failed: {aws_error(exc)}")


def run_drill(stack: str, alarms: list[DeclaredAlarm], factory: ClientFactory, *, wait_seconds: float = 30.0,
              poll_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic,
              sleep: Callable[[float], None] = time.sleep) -> DrillReport:
    """Inspect, fire and restore every alarm. Bounded: the history is read for at most wait_seconds."""
    started = clock()
    results = [AlarmResult(a) for a in alarms]
    clients: dict[str, tuple[Any, Any]] = {}
    try:
        _fire(results, clients, factory, wait_seconds, poll_seconds, started, clock, sleep)
    except Exception as exc:
        fatal = fatal_error(exc)
        if fatal is None:
            raise
        raise fatal from None
    finally:
        _restore(results, clients)
    return DrillReport(stack, results, clock() - started)


def _fire(results: list[AlarmResult], clients: dict[str, tuple[Any, Any]], factory: ClientFactory,
          wait_seconds: float, poll_seconds: float, started: float, clock: Callable[[], float],
          sleep: Callable[[float], None]) -> None:
    for result in results:
        region = result.alarm.region
        if region not in clients:
            clients[region] = factory(region)
        try:
            _inspect(result, *clients[region])
        except Exception as exc:
            if fatal_error(exc):
                raise
            result.errors.append(aws_error(exc))
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    for result in results:
        if not result.exists:
            continue
        try:
            clients[result.alarm.region][0].set_alarm_state(AlarmName=result.alarm.name, StateValue="ALARM",
                                                            StateReason=REASON)
            result.set_to_alarm = True
        except Exception as exc:
            if fatal_error(exc):
                raise
            result.errors.append(f"setting it to ALARM failed: {aws_error(exc)}")
    _await_actions(results, clients, since, started + min(wait_seconds, MAX_WAIT_SECONDS), poll_seconds,
                   clock, sleep)


def _await_actions(results: list[AlarmResult], clients: dict[str, tuple[Any, Any]], since: dt.datetime,
                   deadline: float, poll: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    waiting = [r for r in results if r.set_to_alarm and r.topics]
    while waiting:
        waiting = [r for r in waiting if not _history(r, clients[r.alarm.region][0], since)]
        if not waiting:
            return
        if clock() + poll > deadline:
            break
        sleep(poll)
    for r in waiting:
        r.actions, r.action_detail = "not seen", "no Action entry for its topic in the alarm history in time"
