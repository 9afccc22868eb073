"""policies/pack_aws_cloudwatch.py: every aws-cloudwatch-* rule (actions, reachable subscribed topics in the
alarm's region, health-check region, uptime alarms' missing data and time to alarm) against its
pass_*/fail_* fixtures, over the Analyzer gRPC protocol."""

from __future__ import annotations

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    AWS_PROVIDER,
    ROUTE53,
    SUB_RES,
    SUBSCRIPTION,
    TOPIC,
    TOPIC_ARN,
    TOPIC_RES,
    UNKNOWN,
    Case,
    Cases,
    M,
    alarm,
    found,
    res,
    urn,
)

CASES = Cases()
case = CASES.add

ACTIONS = "aws-cloudwatch-metricalarm-missing-actions"
REACH = "aws-cloudwatch-metricalarm-disallow-unreachable-actions"
REGION = "aws-cloudwatch-metricalarm-configure-healthcheck-region"
CROSS = "aws-cloudwatch-metricalarm-disallow-cross-region-actions"
MISSING = "aws-cloudwatch-metricalarm-disallow-missing-data-ok"
SLOW = "aws-cloudwatch-metricalarm-configure-time-to-alarm"

case(ACTIONS, "pass_alarm_routed", [alarm("pass_alarm_routed"), TOPIC_RES, SUB_RES])
case(ACTIONS, "fail_alarm_no_actions", [alarm("fail_alarm_no_actions", alarmActions=[]), TOPIC_RES, SUB_RES],
     {(ACTIONS, M, "fail_alarm_no_actions")})
case(ACTIONS, "fail_alarm_actions_missing", [alarm("fail_alarm_actions_missing", alarmActions=None)],
     {(ACTIONS, M, "fail_alarm_actions_missing")})
case(ACTIONS, "fail_alarm_actions_disabled", [alarm("fail_alarm_actions_disabled", actionsEnabled=False), TOPIC_RES,
                                              SUB_RES], {(ACTIONS, M, "fail_alarm_actions_disabled")})
case(REACH, "fail_alarm_topic_without_subscription", [alarm("a"), TOPIC_RES], {(REACH, M, "a")})
case(REACH, "fail_alarm_foreign_topic", [alarm("a", alarmActions=["arn:aws:sns:us-east-1:1:other"]), TOPIC_RES,
                                         SUB_RES], {(REACH, M, "a")})
case(REACH, "fail_alarm_topic_other_region", [alarm("a", alarmActions=["arn:aws:sns:eu-west-1:123456789012:alerts"]),
                                              TOPIC_RES, SUB_RES], {(REACH, M, "a"), (CROSS, M, "a")})
AUTO_TOPIC = res(TOPIC, "auto", {"region": "us-east-1"})  # auto-named: the ARN carries `auto-<random>`
AUTO_ARN = "arn:aws:sns:us-east-1:123456789012:auto-3f9a1c2"
case(REACH, "pass_alarm_auto_named_topic_by_arn", [
    alarm("a", alarmActions=[AUTO_ARN]), AUTO_TOPIC,
    res(SUBSCRIPTION, "sub", {"topic": AUTO_ARN, "protocol": "email"})])
case(REACH, "pass_alarm_arns_unknown_in_preview", [
    alarm("a", alarmActions=[UNKNOWN], deps={"alarmActions": [urn(TOPIC, "auto")]}), AUTO_TOPIC,
    res(SUBSCRIPTION, "sub", {"topic": UNKNOWN, "protocol": "email"}, deps={"topic": [urn(TOPIC, "auto")]})])
case(REACH, "fail_alarm_arns_unknown_topic_unsubscribed", [
    alarm("a", alarmActions=[UNKNOWN], deps={"alarmActions": [urn(TOPIC, "auto")]}), AUTO_TOPIC],
    {(REACH, M, "a")})
case(REACH, "fail_alarm_unknown_arn_of_no_topic", [alarm("a", alarmActions=[UNKNOWN]), TOPIC_RES, SUB_RES],
     {(REACH, M, "a")})

USE1 = res(AWS_PROVIDER, "use1", {"region": "us-east-1"})
EUW1 = res(AWS_PROVIDER, "euw1", {"region": "eu-west-1"})
case(REGION, "pass_hc_alarm_us_east_1", [alarm("hc", **ROUTE53), TOPIC_RES, SUB_RES])
# these alarms also notify the us-east-1 topic from eu-west-1: the cross-region rule says so too
case(REGION, "fail_hc_alarm_eu_west_1", [alarm("hc", **ROUTE53, region="eu-west-1"), TOPIC_RES, SUB_RES],
     {(REGION, M, "hc"), (CROSS, M, "hc")})
case(REGION, "pass_hc_alarm_provider_us_east_1", [USE1, alarm("hc", **ROUTE53, region=None, provider=USE1["urn"]),
                                                  TOPIC_RES, SUB_RES])
case(REGION, "fail_hc_alarm_provider_eu_west_1", [
    EUW1, alarm("hc", **ROUTE53, region=None, provider=EUW1["urn"] + "::a1b2c3"), TOPIC_RES, SUB_RES],
    {(REGION, M, "hc"), (CROSS, M, "hc")})
case(REGION, "fail_hc_alarm_default_region", [alarm("hc", **ROUTE53, region=None), TOPIC_RES, SUB_RES],
     {(REGION, M, "hc")}, config={REGION: {"defaultRegion": "eu-west-1"}})
case(REGION, "fail_hc_metric_query_eu_west_1", [alarm("hc", namespace=None, metricName=None, region="eu-west-1",
                                                      metricQueries=[{"id": "m", "returnData": True, "metric": {
                                                          **ROUTE53, "period": 60, "stat": "Minimum"}}]),
                                                TOPIC_RES, SUB_RES], {(REGION, M, "hc"), (CROSS, M, "hc")})
case(REGION, "pass_other_namespace_eu_west_1", [alarm("app", region="eu-west-1",
                                                      alarmActions=["arn:aws:sns:eu-west-1:123456789012:alerts"]),
                                                res(TOPIC, "alerts", {"name": "alerts", "region": "eu-west-1"}),
                                                res(SUBSCRIPTION, "sub", {"topic": "arn:aws:sns:eu-west-1:"
                                                                          "123456789012:alerts"})])

# ---- a topic in another region than the alarm's (its own region, else its provider's) ----
EU_ARN = "arn:aws:sns:eu-west-1:123456789012:alerts"
EU_TOPIC = res(TOPIC, "eu-alerts", {"name": "alerts", "region": "eu-west-1"})
EU_SUB = res(SUBSCRIPTION, "eu-sub", {"topic": EU_ARN, "protocol": "email", "endpoint": "a@b.io"})
case(CROSS, "pass_alarm_topic_same_region", [alarm("a", region="eu-west-1", alarmActions=[EU_ARN]), EU_TOPIC, EU_SUB])
case(CROSS, "fail_alarm_provider_region_differs", [
    EUW1, alarm("a", region=None, provider=EUW1["urn"] + "::id", alarmActions=[TOPIC_ARN]), TOPIC_RES, SUB_RES],
    {(CROSS, M, "a")})
case(CROSS, "fail_alarm_ok_action_other_region", [
    alarm("a", okActions=[EU_ARN]), TOPIC_RES, SUB_RES, EU_TOPIC, EU_SUB], {(CROSS, M, "a")})

# ---- uptime alarms: missing data is an outage, and they fire within the hour ----
UPTIME = {**ROUTE53, "period": 60, "evaluationPeriods": 3, "comparisonOperator": "LessThanThreshold"}
case(MISSING, "pass_uptime_missing_data_breaching", [alarm("up", **UPTIME, treatMissingData="breaching"), TOPIC_RES,
                                                     SUB_RES])
case(MISSING, "fail_uptime_missing_data_not_breaching", [alarm("up", **UPTIME, treatMissingData="notBreaching"),
                                                         TOPIC_RES, SUB_RES], {(MISSING, M, "up")})
case(MISSING, "fail_uptime_missing_data_ignore", [alarm("up", **UPTIME, treatMissingData="ignore"), TOPIC_RES,
                                                  SUB_RES], {(MISSING, M, "up")})
case(MISSING, "pass_app_alarm_may_ignore_missing_data", [alarm("errors", treatMissingData="notBreaching"), TOPIC_RES,
                                                         SUB_RES])
case(SLOW, "pass_uptime_fires_in_minutes", [alarm("up", **UPTIME, treatMissingData="breaching"), TOPIC_RES, SUB_RES])
case(SLOW, "fail_uptime_needs_hours", [alarm("up", **{**UPTIME, "period": 3600, "evaluationPeriods": 6},
                                             treatMissingData="breaching"), TOPIC_RES, SUB_RES], {(SLOW, M, "up")})
case(SLOW, "fail_uptime_metric_query_needs_a_day", [alarm("up", namespace=None, metricName=None, evaluationPeriods=24,
                                                          treatMissingData="breaching", metricQueries=[{
                                                              "id": "m", "returnData": True, "metric": {
                                                                  **ROUTE53, "period": 3600, "stat": "Minimum"}}]),
                                                    TOPIC_RES, SUB_RES], {(SLOW, M, "up")})


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
