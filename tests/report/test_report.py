"""`launchready report` against moto in server mode (sums, averages, Route 53, alarms) with botocore's Stubber
answering the p95 queries, which moto cannot (it fails them with HTTP 500)."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from components.config import StackConfig
from launchready import cli
from launchready.report.aws import AwsClients
from launchready.report.collect import collect
from launchready.report.model import DailyReport
from launchready.stackfile import load_stack_config
from tests.fixtures.moto import fake_credentials, reset

DAY = dt.date(2026, 3, 14)
START = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)
END = START + dt.timedelta(days=1)
REGION = "eu-west-1"  # aws:region of both example stacks
AT_NOON = START + dt.timedelta(hours=12)


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto and an environment that points boto3 at it with fake credentials."""
    reset(moto_url)
    fake_credentials(monkeypatch, endpoint=moto_url, region=REGION)
    return moto_url


@pytest.fixture(scope="module")
def prod(repo_root: Path) -> StackConfig:
    return load_stack_config("prod", repo_root)


# ---- seeding moto ----


def put(region: str, namespace: str, metric: str, dims: dict[str, str], at: dt.datetime, **value: Any) -> None:
    cw = boto3.client("cloudwatch", region_name=region)
    datum = {"MetricName": metric, "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
             "Timestamp": at, **value}
    cw.put_metric_data(Namespace=namespace, MetricData=[datum])


def create_check(fqdn: str, path: str, name: str | None) -> str:
    r53 = boto3.client("route53", region_name="us-east-1")
    hc = r53.create_health_check(CallerReference=f"{fqdn}{path}{name}", HealthCheckConfig={
        "Type": "HTTPS_STR_MATCH", "FullyQualifiedDomainName": fqdn, "ResourcePath": path, "Port": 443,
        "SearchString": "x"})
    hc_id: str = hc["HealthCheck"]["Id"]
    if name:
        r53.change_tags_for_resource(ResourceType="healthcheck", ResourceId=hc_id,
                                     AddTags=[{"Key": "Name", "Value": name}])
    return hc_id


def seed_prod_day(*, homepage_down_minutes: int = 0) -> dict[str, str]:
    """A day of prod: 6 errors in 1000 requests, 2 failed jobs, 3 deploys, three health checks."""
    ns = "Fanloom/App"
    put(REGION, ns, "Errors5xx", {}, AT_NOON, Values=[1, 2, 3], Counts=[1, 1, 1])
    put(REGION, ns, "Errors5xx", {}, START - dt.timedelta(minutes=5), Value=500)  # the day before: not counted
    put(REGION, ns, "Errors5xx", {}, END + dt.timedelta(minutes=5), Value=700)  # the day after: not counted
    put(REGION, ns, "Requests", {}, AT_NOON, Values=[400, 600], Counts=[1, 1])
    put(REGION, ns, "FailedJobs", {}, AT_NOON, Value=2)
    for hour in (9, 14, 17):
        put(REGION, "LaunchReady/Deploys", "DeployCount", {"Stack": "prod"}, START + dt.timedelta(hours=hour),
            Value=1)
    put(REGION, "LaunchReady/Deploys", "DeployCount", {"Stack": "staging"}, AT_NOON, Value=5)  # other stack
    ids = {
        "homepage": create_check("fanloom.io", "/", "launchready-prod-homepage"),
        "login": create_check("app.fanloom.io", "/login", "launchready-prod-login"),
        # Untagged: found by host and path.
        "api-health": create_check("api.fanloom.io", "/healthz", None),
    }
    create_check("fanloom-staging.net", "/", "launchready-staging-homepage")  # another stack's: ignored
    for key, hc_id in ids.items():
        down = homepage_down_minutes if key == "homepage" else 0
        values = [1, 0] if down else [1]
        counts = [1440 - down, down] if down else [1440]
        put("us-east-1", "AWS/Route53", "HealthCheckStatus", {"HealthCheckId": hc_id}, AT_NOON,
            Values=values, Counts=counts)
    return ids


# ---- p95 through botocore's Stubber ----


class StubbedClients(AwsClients):
    """moto for everything but percentiles, which a Stubber answers after checking the exact query."""

    def __init__(self, p95: dict[str, float], route_classes: dict[str, str]) -> None:
        super().__init__(timeout=5)
        self.p95_client = boto3.client("cloudwatch", region_name=REGION, endpoint_url="http://127.0.0.1:9",
                                       aws_access_key_id="x", aws_secret_access_key="y")
        self.stubber = Stubber(self.p95_client)
        queries = [
            {"Id": qid, "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": "Fanloom/App", "MetricName": "Latency",
                           "Dimensions": [{"Name": "RouteClass", "Value": rc}]},
                "Period": 86400, "Stat": "p95"}}
            for qid, rc in route_classes.items()
        ]
        answer = {"MetricDataResults": [
            {"Id": qid, "Label": "Latency p95", "StatusCode": "Complete",
             "Timestamps": [START] if qid in p95 else [], "Values": [p95[qid]] if qid in p95 else []}
            for qid in route_classes
        ]}
        self.stubber.add_response("get_metric_data", answer, {
            "MetricDataQueries": queries, "StartTime": START, "EndTime": END, "ScanBy": "TimestampAscending"})
        self.stubber.activate()

    def percentiles(self, region: str) -> Any:
        assert region == REGION
        return self.p95_client


PROD_CLASSES = {"p95_0": "core", "p95_1": "reports"}


def run_collect(cfg: StackConfig, p95: dict[str, float], outputs: dict[str, Any] | None = None,
                day: dt.date = DAY) -> DailyReport:
    clients = StubbedClients(p95, PROD_CLASSES)
    report = collect(cfg, project="launchready", stack="prod", region=REGION, day=day, clients=clients,
                     outputs=outputs)
    clients.stubber.assert_no_pending_responses()
    return report


# ---- the figures ----


def test_sums_and_averages_are_exact(aws: str, prod: StackConfig) -> None:
    ids = seed_prod_day(homepage_down_minutes=2)
    report = run_collect(prod, {"p95_0": 420.0, "p95_1": 1800.0})
    assert report.errors.count == 6
    assert report.errors.requests == 1000
    assert report.errors.rate_percent == pytest.approx(0.6)
    assert report.errors.failed_jobs == 2
    assert report.deploys.count == 3
    uptime = {u.check: u for u in report.uptime}
    assert {k: u.health_check_id for k, u in uptime.items()} == ids
    assert uptime["homepage"].uptime_percent == pytest.approx(100 * 1438 / 1440)
    assert uptime["login"].uptime_percent == pytest.approx(100.0)
    assert uptime["api-health"].uptime_percent == pytest.approx(100.0)
    assert [(r.route_class, r.p95_ms) for r in report.latency] == [("core", 420.0), ("reports", 1800.0)]


def test_a_quiet_day_flags_nothing(aws: str, prod: StackConfig) -> None:
    seed_prod_day()
    report = run_collect(prod, {"p95_0": 420.0, "p95_1": 1800.0})
    assert report.flags == []
    assert report.ok


def test_breaches_are_flagged(aws: str, prod: StackConfig) -> None:
    seed_prod_day(homepage_down_minutes=2)  # 99.861% < 99.9%
    put(REGION, "Fanloom/App", "Errors5xx", {}, AT_NOON, Value=30)  # 36 of 1000 = 3.6% > 2%
    report = run_collect(prod, {"p95_0": 620.0, "p95_1": 1800.0})
    assert report.flags == [
        "p95 latency of core was 620 ms, above 500 ms",
        "5xx error rate was 3.60%, above 2%",
        "uptime of homepage was 99.861%, below 99.9%",
    ]
    assert [r.flagged for r in report.latency] == [True, False]


def test_a_route_class_without_traffic_is_not_flagged(aws: str, prod: StackConfig) -> None:
    seed_prod_day()
    report = run_collect(prod, {"p95_0": 300.0})
    assert report.latency[1].p95_ms is None and report.latency[1].status == "no data"
    assert report.ok


def test_health_check_ids_come_from_the_stack_outputs(aws: str, prod: StackConfig) -> None:
    seed_prod_day()
    # Ids only in the outputs (not in Route 53): the report must use them, not search.
    outputs = {"healthChecks": {"homepage": {"id": "hc-a"}, "login": {"id": "hc-b"}, "api-health": {"id": "hc-c"}}}
    for hc_id, up in (("hc-a", 1), ("hc-b", 1), ("hc-c", 0)):
        put("us-east-1", "AWS/Route53", "HealthCheckStatus", {"HealthCheckId": hc_id}, AT_NOON, Value=up)
    report = run_collect(prod, {"p95_0": 1.0, "p95_1": 1.0}, outputs=outputs)
    assert [(u.health_check_id, u.uptime_percent) for u in report.uptime] == [
        ("hc-a", 100.0), ("hc-b", 100.0), ("hc-c", 0.0)]


def test_a_missing_health_check_is_flagged(aws: str, prod: StackConfig) -> None:
    seed_prod_day()
    outputs = {"healthChecks": {"homepage": {"id": "hc-a"}}}
    put("us-east-1", "AWS/Route53", "HealthCheckStatus", {"HealthCheckId": "hc-a"}, AT_NOON, Value=1)
    report = run_collect(prod, {"p95_0": 1.0, "p95_1": 1.0}, outputs=outputs)
    assert [u.status for u in report.uptime] == ["ok", "error", "error"]
    assert "uptime of login: no health check for https://app.fanloom.io/login found in the stack outputs " \
           "(healthChecks)" in report.flags


def test_alarms_in_alarm_are_listed_with_the_history_fallback(aws: str, prod: StackConfig) -> None:
    seed_prod_day()
    for region, name in (("us-east-1", "launchready-prod-uptime-login"), (REGION, "launchready-prod-p95-core"),
                         (REGION, "launchready-prod-error-rate"), (REGION, "launchready-staging-p95-core")):
        cw = boto3.client("cloudwatch", region_name=region)
        cw.put_metric_alarm(AlarmName=name, Namespace="N", MetricName="M", Statistic="Sum", Period=60,
                            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        if not name.endswith("error-rate"):  # moto's alarms start in OK; this one stays there
            cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed: test")
    today = dt.datetime.now(dt.UTC).date()
    report = collect(prod, project="launchready", stack="prod", region=REGION, day=today,
                     clients=StubbedAlarmsOnly())
    assert report.alarms.source == "current-state"  # moto has no alarm history
    assert sorted((a.name, a.region) for a in report.alarms.fired) == [
        ("launchready-prod-p95-core", REGION), ("launchready-prod-uptime-login", "us-east-1")]
    assert "alarm launchready-prod-p95-core fired (eu-west-1)" in report.flags
    assert any("an alarm that fired and recovered is not shown" in n for n in report.alarms.notes)
    # The day before, the same alarms had not fired yet.
    yesterday = collect(prod, project="launchready", stack="prod", region=REGION,
                        day=today - dt.timedelta(days=1), clients=StubbedAlarmsOnly())
    assert yesterday.alarms.fired == []


class StubbedAlarmsOnly(AwsClients):
    """Percentile queries answered with no data (for tests about other figures)."""

    def percentiles(self, region: str) -> Any:
        client = boto3.client("cloudwatch", region_name=region, endpoint_url="http://127.0.0.1:9",
                              aws_access_key_id="x", aws_secret_access_key="y")
        stubber = Stubber(client)
        stubber.add_response("get_metric_data", {"MetricDataResults": []})
        stubber.activate()
        return client


# ---- the command ----


def cli_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clients: AwsClients | None,
            *args: str) -> tuple[int, str, str]:
    if clients is not None:
        monkeypatch.setattr("launchready.report.cli.make_clients", lambda timeout: clients)
    code = cli.main(["report", "--stack", "prod", "--date", DAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape_and_exit_code_of_a_quiet_day(aws: str, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    seed_prod_day()
    code, out, err = cli_run(monkeypatch, capsys, StubbedClients({"p95_0": 420.0, "p95_1": 900.0}, PROD_CLASSES),
                             "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"project", "stack", "date", "window", "region", "metricsSource", "latency", "errors",
                        "deploys", "uptime", "alarms", "flags", "ok", "root", "stackFile"}
    assert doc["date"] == "2026-03-14" and doc["ok"] is True and doc["flags"] == []
    assert doc["window"] == {"start": "2026-03-14T00:00:00+00:00", "end": "2026-03-15T00:00:00+00:00"}
    assert [(r["routeClass"], r["p95Ms"], r["thresholdMs"], r["status"]) for r in doc["latency"]] == [
        ("core", 420.0, 500, "ok"), ("reports", 900.0, 2000, "ok")]
    assert doc["errors"]["count"] == 6 and doc["errors"]["thresholdPercent"] == 2
    assert doc["deploys"] == {"count": 3, "namespace": "LaunchReady/Deploys", "metric": "DeployCount",
                              "dimensions": {"Stack": "prod"}, "flagged": False, "error": None}
    assert [u["uptimePercent"] for u in doc["uptime"]] == [100.0, 100.0, 100.0]
    assert doc["alarms"]["fired"] == []


def _table_widths(markdown: str) -> list[int]:
    return [len(re.split(r"(?<!\\)\|", line)) for line in markdown.splitlines() if line.startswith("|")]


def test_markdown_flags_a_breach_and_exits_1(aws: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    seed_prod_day(homepage_down_minutes=10)
    code, out, _ = cli_run(monkeypatch, capsys, StubbedClients({"p95_0": 750.0, "p95_1": 900.0}, PROD_CLASSES),
                           "--markdown")
    assert code == 1
    assert out.startswith("# Daily report: launchready prod, 2026-03-14 (UTC)\n")
    assert "**2 flagged.**" in out
    assert "- p95 latency of core was 750 ms, above 500 ms" in out
    assert "- uptime of homepage was 99.305%, below 99.9%" in out
    assert "| core | 750 ms | 500 ms | FLAG |" in out
    assert "| homepage | https://fanloom.io/ | 99.305% | 99.9% | FLAG |" in out
    for title in ("## p95 latency per route class", "## Errors", "## Deploys", "## Uptime per health check",
                  "## Alarms that fired"):
        assert title in out
    # Every table row has the column count of its header.
    blocks = [b for b in out.split("\n\n") if b.startswith("|")]
    assert len(blocks) == 4  # latency, errors, deploys, uptime (no alarm fired: "None.")
    for block in blocks:
        assert len(set(_table_widths(block))) == 1, block


def test_text_is_the_default(aws: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seed_prod_day()
    code, out, _ = cli_run(monkeypatch, capsys, StubbedClients({"p95_0": 1.0, "p95_1": 1.0}, PROD_CLASSES))
    assert code == 0
    assert out.startswith("Daily report for launchready prod on 2026-03-14 (UTC)")
    assert out.rstrip().endswith("all within thresholds")


def test_missing_credentials_exit_2_without_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    code, out, err = cli_run(monkeypatch, capsys, None)
    assert code == 2
    assert out == ""
    assert "error: no AWS credentials found" in err and "Traceback" not in err


def test_an_unreachable_endpoint_fails_the_checks_not_the_command(
        aws: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    code, out, err = cli_run(monkeypatch, capsys, None, "--json", "--timeout", "2")
    assert code == 1, err
    doc = json.loads(out)
    assert {r["status"] for r in doc["latency"]} == {"error"}
    assert doc["errors"]["error"] and doc["deploys"]["error"]
    assert all(u["status"] == "error" for u in doc["uptime"])
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--date", "2026-02-30"], ["--date", "2999-01-01"], ["--stack", "nope"]])
def test_bad_input_is_a_usage_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--stack", "prod", *args]
    assert cli.main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--help"]) == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "1  report produced, something flagged" in out


def test_the_deploy_metric_is_the_one_the_rollout_workflow_publishes(repo_root: Path) -> None:
    import shlex

    import yaml

    from launchready.report.model import DEPLOY_DIMENSION, DEPLOY_METRIC, DEPLOY_NAMESPACE

    workflow = yaml.safe_load((repo_root / ".github" / "workflows" / "deploy.yml").read_text())
    counted: dict[str, str] = {}
    for job in workflow["jobs"].values():
        steps = job.get("steps", [])
        ups = [s["with"]["stack-name"] for s in steps
               if str(s.get("uses", "")).startswith("pulumi/actions") and s.get("with", {}).get("command") == "up"]
        for step in steps:
            if "put-metric-data" not in str(step.get("run", "")):
                continue
            argv = shlex.split(step["run"])
            opts = dict(zip(argv[3::2], argv[4::2], strict=False))
            assert (opts["--namespace"], opts["--metric-name"]) == (DEPLOY_NAMESPACE, DEPLOY_METRIC)
            name, _, stack = opts["--dimensions"].partition("=")
            assert name == DEPLOY_DIMENSION
            assert ups == [stack]  # counted under the stack the job deployed
            counted[stack] = opts["--value"]
    assert counted == {"staging": "1", "prod": "1"}


def test_uptime_is_rounded_down_so_a_breach_never_looks_like_the_target() -> None:
    from launchready.report.model import percent_down

    assert percent_down(99.89996) == "99.899%"
    assert percent_down(100.0) == "100.000%"


class FixedClients(AwsClients):
    """Stubbed CloudWatch clients per region (no moto): for AWS answers moto cannot give."""

    def __init__(self, by_region: dict[str, Any], percentiles: Any | None = None) -> None:
        super().__init__(timeout=5)
        self.by_region = by_region
        self.p95 = percentiles

    def cloudwatch(self, region: str) -> Any:
        return self.by_region[region]

    def percentiles(self, region: str) -> Any:
        return self.p95 if self.p95 is not None else super().percentiles(region)


def stubbed_cloudwatch(region: str) -> tuple[Any, Stubber]:
    client = boto3.client("cloudwatch", region_name=region, endpoint_url="http://127.0.0.1:9",
                          aws_access_key_id="x", aws_secret_access_key="y")
    return client, Stubber(client)


def test_alarm_history_lists_each_entry_into_alarm(prod: StackConfig) -> None:
    from launchready.report.collect import collect_alarms

    def item(name: str, new: str, hour: int) -> dict[str, Any]:
        data = {"oldState": {"stateValue": "OK"}, "newState": {"stateValue": new, "stateReason": f"{name} {new}"}}
        return {"AlarmName": name, "AlarmType": "MetricAlarm", "Timestamp": START + dt.timedelta(hours=hour),
                "HistoryItemType": "StateUpdate", "HistorySummary": f"Alarm updated from OK to {new}",
                "HistoryData": json.dumps(data)}

    answers = {
        REGION: [item("launchready-prod-p95-core", "ALARM", 9), item("launchready-prod-p95-core", "OK", 10),
                 item("launchready-staging-p95-core", "ALARM", 11)],  # another stack's
        "us-east-1": [item("launchready-prod-uptime-login", "ALARM", 3)],
    }
    clients: dict[str, Any] = {}
    for region, items in answers.items():
        client, stubber = stubbed_cloudwatch(region)
        stubber.add_response("describe_alarm_history", {"AlarmHistoryItems": items}, {
            "HistoryItemType": "StateUpdate", "StartDate": START, "EndDate": END, "ScanBy": "TimestampAscending"})
        stubber.activate()
        clients[region] = client
    summary = collect_alarms(prod, "launchready", "prod", FixedClients(clients), REGION, None, START, END)
    assert summary.source == "history" and summary.notes == [] and summary.errors == []
    assert [(a.name, a.region, a.at.hour, a.reason) for a in summary.fired] == [
        ("launchready-prod-uptime-login", "us-east-1", 3, "launchready-prod-uptime-login ALARM"),
        ("launchready-prod-p95-core", REGION, 9, "launchready-prod-p95-core ALARM"),
    ]


def test_a_load_balancer_source_reads_seconds_and_both_5xx_counts(aws: str, stack_values: Any) -> None:
    from components.config import parse_config

    values, secret_keys = stack_values("prod")
    values["launchready:monitoring"]["metricsSource"] = {"type": "alb", "loadBalancer": "app/fanloom/0123abcd"}
    cfg = parse_config(values, secret_keys)
    lb = {"LoadBalancer": "app/fanloom/0123abcd"}
    put(REGION, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, AT_NOON, Value=7)
    put(REGION, "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, AT_NOON, Value=3)
    put(REGION, "AWS/ApplicationELB", "RequestCount", lb, AT_NOON, Value=2000)
    client, stubber = stubbed_cloudwatch(REGION)
    query = {"Id": "p95_all", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "TargetResponseTime",
                   "Dimensions": [{"Name": "LoadBalancer", "Value": "app/fanloom/0123abcd"}]},
        "Period": 86400, "Stat": "p95"}}
    stubber.add_response("get_metric_data", {"MetricDataResults": [
        {"Id": "p95_all", "Values": [0.62], "Timestamps": [START], "StatusCode": "Complete"}]},
        {"MetricDataQueries": [query], "StartTime": START, "EndTime": END, "ScanBy": "TimestampAscending"})
    stubber.activate()

    class Clients(AwsClients):
        def percentiles(self, region: str) -> Any:
            return client

    report = collect(cfg, project="launchready", stack="prod", region=REGION, day=DAY, clients=Clients(timeout=5))
    stubber.assert_no_pending_responses()
    assert [(r.route_class, r.p95_ms, r.flagged) for r in report.latency] == [
        ("core", pytest.approx(620.0), True), ("reports", pytest.approx(620.0), False)]
    assert report.latency[0].note and "does not tell route classes apart" in report.latency[0].note
    assert (report.errors.count, report.errors.requests) == (10, 2000)


@pytest.mark.parametrize("region", [5, None, "", "not a region", ["eu-west-1"], "eu-west-1; rm -rf /"])
def test_a_hand_edited_alarm_region_in_the_outputs_is_ignored_not_a_traceback(prod, region) -> None:
    from launchready.report.collect import alarm_regions

    regions = alarm_regions(prod, "eu-west-1", {"alarms": {"x": {"region": region}, "y": {"region": "eu-central-1"}}})
    assert "eu-central-1" in regions
    assert all(re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-\d", r) for r in regions), regions
