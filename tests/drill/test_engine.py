"""The drill against moto in server mode.

What moto can show: alarms and their actions (DescribeAlarms), SetAlarmState, SNS topics and whether their
subscriptions are confirmed. What it cannot: DescribeAlarmHistory is not implemented (HTTP 500) and setting
a state never publishes to SNS. So against moto alone every alarm's action is "unknown" and says why; the
history path is shown with a client that answers DescribeAlarmHistory in AWS's documented shape.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from launchready.drill.alarms import DeclaredAlarm
from launchready.drill.engine import RESTORE_REASON, action_outcome, run_drill
from tests.drill.conftest import STAGING_ALARMS, client, states

ALL = [DeclaredAlarm(n, r, "test") for r, names in STAGING_ALARMS.items() for n in names]


def factory(url: str, wrap: Callable[[Any], Any] = lambda c: c) -> Callable[[str], tuple[Any, Any]]:
    return lambda region: (wrap(client(url, "cloudwatch", region)), client(url, "sns", region))


class AwsHistory:
    """moto's CloudWatch client, plus DescribeAlarmHistory as AWS answers it once SNS accepted the publish."""

    def __init__(self, inner: Any, fail: bool = False, interrupt: bool = False) -> None:
        self.inner, self.fail, self.interrupt = inner, fail, interrupt

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def describe_alarm_history(self, **kwargs: Any) -> dict[str, Any]:
        if self.interrupt:
            raise KeyboardInterrupt
        alarm = self.inner.describe_alarms(AlarmNames=[kwargs["AlarmName"]])["MetricAlarms"][0]
        if alarm["StateValue"] != "ALARM":
            return {"AlarmHistoryItems": []}
        topic = alarm["AlarmActions"][0]
        summary = (f"Failed to execute action {topic}. Reason: AuthorizationError" if self.fail
                   else f"Successfully executed action {topic}")
        data = {"actionState": "Failed" if self.fail else "Succeeded", "notificationResource": topic}
        return {"AlarmHistoryItems": [{"AlarmName": alarm["AlarmName"], "HistoryItemType": "Action",
                                       "Timestamp": dt.datetime.now(dt.UTC), "HistorySummary": summary,
                                       "HistoryData": json.dumps(data)}]}


def test_alarms_whose_topic_has_no_subscription_are_reported_and_every_state_is_restored(
        aws: str, deploy: Callable[..., dict[str, str]]) -> None:
    topics = deploy(subscribed=("eu-west-1",))
    report = run_drill("staging", ALL, factory(aws), wait_seconds=5, poll_seconds=0.05)
    assert sorted(report.unreachable) == sorted(STAGING_ALARMS["us-east-1"])
    uptime = next(a for a in report.alarms if a.alarm.name == "launchready-staging-uptime-login")
    assert (f"would reach nobody: topic {topics['us-east-1']} has no confirmed subscription "
            "(subscribe the on-call: monitoring.alertEmails)") in uptime.problems()
    p95 = next(a for a in report.alarms if a.alarm.name == "launchready-staging-p95-core")
    assert p95.reaches_someone and p95.topics[0].confirmed == 1
    # moto has no alarm history: said so, not passed off as a success
    assert p95.actions == "unknown" and "alarm history is unavailable" in p95.action_detail
    assert not report.passed
    after = states(aws)
    assert len(after) == 9 and all(state == ("OK", RESTORE_REASON) for state in after.values()), after
    assert all(a.set_to_alarm and a.restored for a in report.alarms)


def test_with_an_action_in_the_history_and_subscribers_everywhere_the_drill_passes(
        aws: str, deploy: Callable[..., dict[str, str]]) -> None:
    deploy(subscribed=("eu-west-1", "us-east-1"))
    report = run_drill("staging", ALL, factory(aws, AwsHistory), wait_seconds=5, poll_seconds=0.05)
    assert [a.problems() for a in report.alarms if not a.passed] == []
    assert report.passed and all(a.actions == "ran" for a in report.alarms)
    assert all(state == "OK" for state, _ in states(aws).values())


def test_a_failed_action_and_a_missing_alarm_are_reported(aws: str, deploy: Callable[..., dict[str, str]]) -> None:
    deploy(subscribed=("eu-west-1", "us-east-1"), skip=("launchready-staging-error-rate",))
    report = run_drill("staging", ALL, factory(aws, lambda c: AwsHistory(c, fail=True)), wait_seconds=5,
                       poll_seconds=0.05)
    by_name = {a.alarm.name: a for a in report.alarms}
    assert by_name["launchready-staging-error-rate"].problems() == [
        "not found in eu-west-1: the stack declares it but it is not deployed (run pulumi up for this stack)"]
    failed = by_name["launchready-staging-p95-core"]
    assert failed.actions == "failed" and "AuthorizationError" in failed.problems()[0]


def test_an_interrupted_drill_still_sets_every_alarm_back_to_ok(
        aws: str, deploy: Callable[..., dict[str, str]]) -> None:
    deploy()
    with pytest.raises(KeyboardInterrupt):
        run_drill("staging", ALL, factory(aws, lambda c: AwsHistory(c, interrupt=True)), wait_seconds=5)
    assert all(state == ("OK", RESTORE_REASON) for state in states(aws).values())


def test_no_action_within_the_wait_is_reported_and_the_wait_is_bounded(
        aws: str, deploy: Callable[..., dict[str, str]]) -> None:
    deploy(subscribed=("eu-west-1", "us-east-1"))

    class Empty(AwsHistory):
        def describe_alarm_history(self, **kwargs: Any) -> dict[str, Any]:
            return {"AlarmHistoryItems": []}

    now = [0.0]
    report = run_drill("staging", ALL, factory(aws, Empty), wait_seconds=3, poll_seconds=1,
                       clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert now[0] <= 3
    assert all(a.actions == "not seen" for a in report.alarms)


def test_action_outcome_reads_summaries_and_history_data() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:launchready-prod-alerts"
    ok = [{"HistorySummary": f"Successfully executed action {topic}"}]
    other = [{"HistorySummary": "Successfully executed action arn:aws:sns:us-east-1:1:other"}]
    failed = [{"HistorySummary": "x", "HistoryData": json.dumps({"actionState": "Failed",
                                                                  "notificationResource": topic})}]
    assert action_outcome(ok, [topic]) == ("ran", ok[0]["HistorySummary"])
    assert action_outcome(other, [topic]) is None
    assert action_outcome(failed, [topic]) == ("failed", "x")


def test_a_subscription_still_pending_confirmation_reaches_nobody(aws: str,
                                                                  deploy: Callable[..., dict[str, str]]) -> None:
    """moto confirms every subscription at once; AWS keeps an email one PendingConfirmation until the link in
    the email is opened. ListSubscriptionsByTopic then shows it with SubscriptionArn "PendingConfirmation"."""
    topics = deploy(subscribed=("eu-west-1", "us-east-1"))

    class Pending:
        def get_paginator(self, name: str) -> Any:
            assert name == "list_subscriptions_by_topic"
            page = {"Subscriptions": [{"SubscriptionArn": "PendingConfirmation", "Protocol": "email",
                                       "Endpoint": "oncall@fanloom.io", "TopicArn": topics["us-east-1"]}]}
            return type("P", (), {"paginate": lambda self, **kw: [page]})()

    def make(region: str) -> tuple[Any, Any]:
        cloudwatch = AwsHistory(client(aws, "cloudwatch", region))
        return cloudwatch, Pending() if region == "us-east-1" else client(aws, "sns", region)

    report = run_drill("staging", ALL, make, wait_seconds=5, poll_seconds=0.05)
    login = next(a for a in report.alarms if a.alarm.name == "launchready-staging-uptime-login")
    assert login.topics[0].pending == 1 and login.topics[0].confirmed == 0 and not login.reaches_someone
    assert "(1 pending confirmation: open the confirmation email)" in login.problems()[0]
    assert sorted(report.unreachable) == sorted(STAGING_ALARMS["us-east-1"])
