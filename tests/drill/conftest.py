"""moto in server mode on loopback, and the staging stack's alarms and topics deployed into it the way the
program would have created them (names as they appear in the AWS console)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

STAGING_ALARMS = {
    "us-east-1": ["launchready-staging-uptime-homepage", "launchready-staging-uptime-login",
                  "launchready-staging-uptime-api-health"],
    "eu-west-1": ["launchready-staging-p95-core", "launchready-staging-p95-reports", "launchready-staging-error-rate",
                  "launchready-staging-failed-jobs", "launchready-staging-ses-bounce-rate",
                  "launchready-staging-ses-complaint-rate"],
}


def client(url: str, service: str, region: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url)


@pytest.fixture
def deploy(aws: str) -> Callable[..., dict[str, str]]:
    """Create the alert topic per region (subscribed with an email where `subscribed` says so) and every
    alarm of the staging stack pointing at its region's topic. Returns region -> topic ARN."""

    def make(subscribed: tuple[str, ...] = ("eu-west-1",), skip: tuple[str, ...] = ()) -> dict[str, str]:
        topics = {}
        for region, names in STAGING_ALARMS.items():
            sns = client(aws, "sns", region)
            arn = sns.create_topic(Name="launchready-staging-alerts")["TopicArn"]
            topics[region] = arn
            if region in subscribed:
                sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="oncall@fanloom.io")
            cloudwatch = client(aws, "cloudwatch", region)
            for name in names:
                if name in skip:
                    continue
                cloudwatch.put_metric_alarm(
                    AlarmName=name, Namespace="Fanloom/App", MetricName="Latency", Statistic="Maximum", Period=300,
                    EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
                    AlarmActions=[arn], OKActions=[arn], ActionsEnabled=True)
        return topics

    return make


def states(url: str) -> dict[str, tuple[str, str]]:
    """alarm name -> (state, reason) across both regions."""
    out = {}
    for region in STAGING_ALARMS:
        for alarm in client(url, "cloudwatch", region).describe_alarms()["MetricAlarms"]:
            out[alarm["AlarmName"]] = (alarm["StateValue"], alarm["StateReason"])
    return out
