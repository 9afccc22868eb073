"""moto in server mode on loopback, and the staging stack's alarms and topics deployed into it the way the
program would have created them (names as they appear in the AWS console)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

STAGING_ALARMS = {
    "us-east-1": ["launchready-staging-uptime-homepage", "launchready-staging-uptime-login",
                  "launchready-staging-uptime-api-health"],
    "eu-west-1": ["launchready-staging-p95-core", "launchready-staging-p95-reports", "launchready-staging-error-rate",
                  "launchready-staging-failed-jobs", "launchready-staging-ses-bounce-rate",
                  "launchready-staging-ses-complaint-rate"],
}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + 10
    while True:  # poll until it answers, with a deadline
        try:
            httpx.get(f"{url}/moto-api/", timeout=1)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
    yield url
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto and fake credentials in the environment."""
    httpx.post(f"{moto_url}/moto-api/reset", timeout=5).raise_for_status()
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    return moto_url


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
