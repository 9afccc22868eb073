"""The monitoring component inside the whole program, as `launchready plan` runs it under mocks.

Alarms are only worth something if they reach a person, so these tests follow each alarm to its topic and the
topic to its subscriptions, check the us-east-1 rule for health-check alarms, that every threshold comes from
config, and that the dashboard shows only metrics and alarms the stack declares.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.monitoring import HEALTH_CHECKER_REGIONS, MANAGED_IDENTIFIER_ARN, MASKED_DATA, TOKEN_PATTERNS
from launchready.plan.runner import PlannedResource, ProgramRun
from tests.components.conftest import Mutate, plan_program

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ROUTE53_CHECKER_REGIONS = {"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2",
                           "ap-northeast-1", "sa-east-1"}


class Stack:
    """One planned program run, indexed for the questions these tests ask."""

    def __init__(self, run: ProgramRun) -> None:
        self.run = run
        self.outputs = run.outputs
        self.monitoring_urn = next(r.urn for r in run.resources if r.type == "launchready:monitoring:Monitoring")

    def of_type(self, typ: str, *, ours: bool = False) -> list[PlannedResource]:
        return [r for r in self.run.resources
                if r.type == typ and (not ours or r.parent == self.monitoring_urn)]

    def one(self, name: str) -> PlannedResource:
        (found,) = [r for r in self.run.resources if r.name == name]
        return found

    def alarms(self) -> dict[str, dict[str, Any]]:
        """Monitoring's alarms by their AWS name."""
        return {r.inputs["name"]: r.inputs for r in self.of_type(ALARM, ours=True)}


def plan(stack: str, mutate: Mutate | None = None) -> Stack:
    return Stack(plan_program(stack, mutate))


def on_alb(values: dict[str, Any]) -> None:
    mon = values["launchready:monitoring"]
    mon["metricsSource"] = {"type": "alb", "namespace": "Fanloom/Jobs", "loadBalancer": "app/fanloom/50dc6c495c0c9188"}
    mon["routeClasses"] = {"core": {"p95Ms": 350}, "exports": {"p95Ms": 5000}}
    mon["errorRatePercent"] = 7.5
    mon["failedJobsThreshold"] = 3


@pytest.fixture(scope="module")
def prod() -> Stack:
    return plan("prod")


@pytest.fixture(scope="module")
def staging() -> Stack:
    return plan("staging")


@pytest.fixture(scope="module")
def alb() -> Stack:
    return plan("prod", on_alb)


# ---- uptime ----


def test_three_https_string_match_health_checks_from_config(prod: Stack) -> None:
    checks = {r.name: r.inputs for r in prod.of_type(HEALTH_CHECK, ours=True)}
    assert {n: (c["fqdn"], c["resourcePath"], c["searchString"]) for n, c in checks.items()} == {
        "hc-homepage": ("fanloom.io", "/", "Fanloom"),
        "hc-login": ("app.fanloom.io", "/login", "Sign in"),
        "hc-api-health": ("api.fanloom.io", "/healthz", '"status":"ok"'),
    }
    for check in checks.values():
        assert check["type"] == "HTTPS_STR_MATCH" and check["port"] == 443
        assert check["requestInterval"] == 30 and check["failureThreshold"] == 3
        assert check["measureLatency"] is True and check["enableSni"] is True
        assert len(check["regions"]) >= 3 and set(check["regions"]) <= ROUTE53_CHECKER_REGIONS
        assert "region" not in check  # a global resource
    assert set(HEALTH_CHECKER_REGIONS) <= ROUTE53_CHECKER_REGIONS


def test_health_check_alarms_and_their_topic_live_in_us_east_1(prod: Stack) -> None:
    use1_topic = prod.outputs["alertTopics"]["us-east-1"]
    assert use1_topic.startswith("arn:aws:sns:us-east-1:")
    topics = {r.inputs["region"]: r for r in prod.of_type(TOPIC)}
    assert "us-east-1" in topics
    ids = {key: hc["id"] for key, hc in prod.outputs["healthChecks"].items()}
    uptime = {n: a for n, a in prod.alarms().items() if a.get("namespace") == "AWS/Route53"}
    assert set(uptime) == {f"launchready-prod-uptime-{k}" for k in ("homepage", "login", "api-health")}
    for name, inputs in uptime.items():
        key = name.removeprefix("launchready-prod-uptime-")
        assert inputs["region"] == "us-east-1"
        assert inputs["metricName"] == "HealthCheckStatus"
        assert inputs["dimensions"] == {"HealthCheckId": ids[key]}
        assert inputs["statistic"] == "Minimum" and inputs["comparisonOperator"] == "LessThanThreshold"
        assert inputs["threshold"] == 1
        assert inputs["treatMissingData"] == "breaching"
        assert inputs["alarmActions"] == [use1_topic] and inputs["okActions"] == [use1_topic]
    assert sorted(ids.values()) == sorted(a["dimensions"]["HealthCheckId"] for a in uptime.values())


@pytest.mark.parametrize("which", ["prod", "staging", "alb"])
def test_every_alarm_notifies_a_subscribed_topic_of_its_own_region(which: str, request) -> None:
    stack: Stack = request.getfixturevalue(which)
    topics = stack.outputs["alertTopics"]
    subscribed: dict[str, int] = {}
    for sub in stack.of_type(SUBSCRIPTION):
        subscribed[sub.inputs["topic"]] = subscribed.get(sub.inputs["topic"], 0) + 1
    alarms = stack.of_type(ALARM)  # every alarm of the stack, the email component's too
    assert len(alarms) >= 7
    for alarm in alarms:
        inputs = alarm.inputs
        region = inputs["region"]
        assert inputs.get("actionsEnabled", True) is True
        assert inputs["alarmActions"] == [topics[region]], inputs["name"]
        assert inputs["okActions"] == [topics[region]], inputs["name"]
        assert subscribed.get(topics[region], 0) >= 1, f"{inputs['name']} reaches a topic nobody subscribed to"
        assert topics[region].split(":")[3] == region


# ---- latency, errors, jobs ----


def test_p95_alarms_per_route_class_use_the_custom_namespace_and_config_thresholds(prod: Stack) -> None:
    alarms = prod.alarms()
    for route_class, limit in (("core", 500), ("reports", 2000)):
        inputs = alarms[f"launchready-prod-p95-{route_class}"]
        assert (inputs["namespace"], inputs["metricName"]) == ("Fanloom/App", "Latency")
        assert inputs["dimensions"] == {"RouteClass": route_class}
        assert inputs["extendedStatistic"] == "p95" and "statistic" not in inputs
        assert inputs["evaluateLowSampleCountPercentiles"] == "ignore"
        assert (inputs["period"], inputs["evaluationPeriods"], inputs["datapointsToAlarm"]) == (300, 3, 2)
        assert inputs["threshold"] == limit and inputs["comparisonOperator"] == "GreaterThanThreshold"
        assert inputs["region"] == "eu-west-1"


def test_on_a_load_balancer_latency_is_in_seconds_and_both_5xx_kinds_count(alb: Stack) -> None:
    alarms = alb.alarms()
    assert {n for n in alarms if "-p95-" in n} == {"launchready-prod-p95-core", "launchready-prod-p95-exports"}
    core = alarms["launchready-prod-p95-core"]
    assert (core["namespace"], core["metricName"]) == ("AWS/ApplicationELB", "TargetResponseTime")
    assert core["dimensions"] == {"LoadBalancer": "app/fanloom/50dc6c495c0c9188"}
    assert core["threshold"] == pytest.approx(0.35)
    assert alarms["launchready-prod-p95-exports"]["threshold"] == pytest.approx(5.0)
    errors = alarms["launchready-prod-error-rate"]
    metrics = {q["metric"]["metricName"] for q in errors["metricQueries"] if "metric" in q}
    assert metrics == {"HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"}
    assert errors["threshold"] == 7.5
    jobs = alarms["launchready-prod-failed-jobs"]
    assert (jobs["namespace"], jobs["metricName"], jobs["threshold"]) == ("Fanloom/Jobs", "FailedJobs", 3)


def test_error_rate_is_metric_math_over_5xx_and_requests_with_the_config_threshold(prod: Stack) -> None:
    inputs = prod.alarms()["launchready-prod-error-rate"]
    assert inputs["threshold"] == 2  # errorRatePercent in Pulumi.prod.yaml (default 5)
    assert "metricName" not in inputs
    queries = {q["id"]: q for q in inputs["metricQueries"]}
    (returned,) = [q for q in queries.values() if q.get("returnData")]
    referenced = set(re.findall(r"[a-z][A-Za-z0-9_]*", returned["expression"])) & set(queries)
    assert referenced == set(queries) - {returned["id"]}
    assert {q["metric"]["metricName"] for q in queries.values() if "metric" in q} == {"Errors5xx", "Requests"}
    assert all(q["metric"]["stat"] == "Sum" and q["metric"]["period"] == 300
               for q in queries.values() if "metric" in q)
    assert (inputs["evaluationPeriods"], inputs["datapointsToAlarm"]) == (3, 2)


def test_failed_jobs_alarm_sums_the_app_metric(prod: Stack, staging: Stack) -> None:
    for stack, name in ((prod, "launchready-prod-failed-jobs"), (staging, "launchready-staging-failed-jobs")):
        inputs = stack.alarms()[name]
        assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == ("Fanloom/App", "FailedJobs", "Sum")
        assert inputs["threshold"] == 1 and inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_alarm_names_are_deterministic_and_exported_with_their_thresholds(prod: Stack, alb: Stack) -> None:
    names = {"launchready-prod-" + n for n in (
        "uptime-homepage", "uptime-login", "uptime-api-health", "p95-core", "p95-reports", "error-rate",
        "failed-jobs")}
    assert set(prod.alarms()) == names
    exported = prod.outputs["alarms"]
    assert set(exported) == names
    for name, inputs in prod.alarms().items():
        assert exported[name]["region"] == inputs["region"]
        assert exported[name]["threshold"] == inputs["threshold"]
    assert exported["launchready-prod-p95-core"]["unit"] == "ms"
    assert alb.outputs["alarms"]["launchready-prod-p95-exports"]["thresholdMs"] == 5000
    assert alb.outputs["alarms"]["launchready-prod-p95-exports"]["unit"] == "s"


# ---- logs ----


def test_log_groups_keep_logs_as_configured_and_mask_secrets(prod: Stack, staging: Stack) -> None:
    for stack, expected in ((prod, {"/fanloom/prod/app": 90, "/fanloom/prod/worker": 30}),
                            (staging, {"/fanloom/staging/app": 14, "/fanloom/staging/worker": 14})):
        groups = {r.inputs["name"]: r.inputs["retentionInDays"]
                  for r in stack.of_type("aws:cloudwatch/logGroup:LogGroup", ours=True)}
        assert groups == expected
        policies = {r.inputs["logGroupName"]: json.loads(r.inputs["policyDocument"])
                    for r in stack.of_type("aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy")}
        assert set(policies) == set(expected)
        for doc in policies.values():
            audit, redact = doc["Statement"]
            assert "Audit" in audit["Operation"] and "Deidentify" in redact["Operation"]
            assert audit["DataIdentifier"] == redact["DataIdentifier"]
            custom = {c["Name"] for c in doc["Configuration"]["CustomDataIdentifier"]}
            assert set(audit["DataIdentifier"]) == {MANAGED_IDENTIFIER_ARN.format(d) for d in MASKED_DATA} | custom
            assert MANAGED_IDENTIFIER_ARN.format("EmailAddress") in audit["DataIdentifier"]
            assert {"JsonWebToken", "BearerToken", "PasswordField"} <= custom
        assert [g["name"] for g in stack.outputs["logGroups"]] == list(expected)


_CDI_ALLOWED = re.compile(r"^[A-Za-z0-9_#=@/;,\- ^$?\[\]{}|\\*+.]+$")


def test_token_identifiers_fit_cloudwatch_limits() -> None:
    assert len(TOKEN_PATTERNS) <= 10
    for name, regex in TOKEN_PATTERNS.items():
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,128}", name) and name not in MASKED_DATA
        assert len(regex) <= 200 and _CDI_ALLOWED.match(regex), name
        re.compile(regex)


@pytest.mark.parametrize(("name", "line"), [
    ("JsonWebToken", "auth ok eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFU"),
    ("BearerToken", "Authorization: Bearer 0b79bab50daca910b000d4f1a2b675d604257e42"),
    ("UrlCredentials", "connecting to postgres://app:hunter2hunter2@db.internal:5432/app"),
    ("PasswordField", 'login payload {"email":"x","password":"correct-horse"}'),
    ("PasswordField", "retrying with passwd=s3cr3tvalue"),
    ("TokenField", "refresh_token=1f2e3d4c5b6a79880f1e2d3c4b5a6978"),
    ("StripeKey", "stripe client with sk_live_51H8xYzAbCdEfGhIjKlMn"),
    ("SlackToken", "posting to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"),
])
def test_token_identifiers_catch_what_they_are_named_for(name: str, line: str) -> None:
    assert re.search(TOKEN_PATTERNS[name], line)


def test_token_identifiers_leave_ordinary_lines_alone() -> None:
    for line in ("password reset requested for user 42", "GET /api/v1/reports 200 183ms",
                 "token bucket refilled", "job 7 failed: timeout after 30s"):
        assert not any(re.search(regex, line) for regex in TOKEN_PATTERNS.values()), line


# ---- dashboard ----


def _metric_rows(widget: dict[str, Any]) -> list[list[Any]]:
    return widget["properties"].get("metrics", [])


def _declared_metrics(stack: Stack) -> set[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """(namespace, metric, dimensions) of every metric an alarm of the stack watches."""
    found = set()
    for alarm in stack.of_type(ALARM):
        inputs = alarm.inputs
        if "metricName" in inputs:
            found.add((inputs["namespace"], inputs["metricName"],
                       tuple(sorted((inputs.get("dimensions") or {}).items()))))
        for query in inputs.get("metricQueries", []):
            if "metric" in query:
                m = query["metric"]
                found.add((m["namespace"], m["metricName"], tuple(sorted((m.get("dimensions") or {}).items()))))
    return found


@pytest.mark.parametrize("which", ["prod", "staging", "alb"])
def test_dashboard_shows_only_metrics_and_alarms_the_stack_declares(which: str, request) -> None:
    stack: Stack = request.getfixturevalue(which)
    (dashboard,) = stack.of_type("aws:cloudwatch/dashboard:Dashboard", ours=True)
    assert dashboard.inputs["dashboardName"] == stack.outputs["dashboardName"]
    body = json.loads(dashboard.inputs["dashboardBody"])
    declared = _declared_metrics(stack)
    metric_regions: dict[tuple[str, str], set[str]] = {}
    for alarm in stack.of_type(ALARM):
        for query in [alarm.inputs, *[q["metric"] for q in alarm.inputs.get("metricQueries", []) if "metric" in q]]:
            if "metricName" in query:
                metric_regions.setdefault((query["namespace"], query["metricName"]), set()).add(
                    alarm.inputs["region"])
    alarms = {r.inputs["name"]: r.inputs["region"] for r in stack.of_type(ALARM, ours=True)}
    hc_ids = {hc["id"] for hc in stack.outputs["healthChecks"].values()}
    shown_alarms: set[str] = set()
    shown_hc: set[str] = set()
    titles = []
    for widget in body["widgets"]:
        props = widget["properties"]
        titles.append(props["title"])
        assert 0 <= widget["x"] and widget["x"] + widget["width"] <= 24
        if widget["type"] == "alarm":
            for arn in props["alarms"]:
                region, name = arn.split(":")[3], arn.split(":alarm:")[1]
                assert alarms.get(name) == region, f"the dashboard shows an alarm the stack lacks: {arn}"
                shown_alarms.add(name)
            continue
        assert widget["type"] == "metric" and props["region"]
        ids = {row[-1].get("id") for row in _metric_rows(widget) if isinstance(row[-1], dict)}
        for row in _metric_rows(widget):
            if isinstance(row[0], dict):  # metric math: every query id it uses is a row of the same widget
                used = set(re.findall(r"\b[a-z][A-Za-z0-9_]*\b", row[0]["expression"]))
                assert used and used <= ids, row
                continue
            namespace, metric, *dims = row[:-1] if isinstance(row[-1], dict) else row
            pairs = tuple(sorted(zip(dims[0::2], dims[1::2], strict=True)))
            assert (namespace, metric, pairs) in declared, f"no alarm of the stack watches {row}"
            if namespace == "AWS/Route53":
                assert props["region"] == "us-east-1"  # the only region with health-check metrics
                shown_hc.add(dict(pairs)["HealthCheckId"])
            else:
                assert props["region"] in metric_regions[(namespace, metric)], row
    assert shown_alarms == set(alarms)
    assert shown_hc == hc_ids
    assert any("p50 / p95" in t for t in titles) and any("error rate" in t for t in titles)
    assert any("SES" in t for t in titles) and any("Uptime" in t for t in titles)


def test_exports_describe_the_metrics_source_for_the_daily_report(prod: Stack, alb: Stack) -> None:
    src = prod.outputs["metricsSource"]
    assert (src["type"], src["namespace"], src["routeDimension"], src["latencyUnit"]) == (
        "custom", "Fanloom/App", "RouteClass", "ms")
    assert src["failedJobs"] == {"namespace": "Fanloom/App", "metricName": "FailedJobs"}
    assert alb.outputs["metricsSource"]["dimensions"] == {"LoadBalancer": "app/fanloom/50dc6c495c0c9188"}
    assert prod.outputs["dashboardUrl"].endswith("#dashboards/dashboard/launchready-prod-overview")
    assert prod.outputs["healthChecks"]["login"]["alarm"] == "launchready-prod-uptime-login"
