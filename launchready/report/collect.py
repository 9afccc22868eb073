"""Collecting one UTC day of figures from CloudWatch for the daily report.

- p95 latency per route class: `get_metric_data` Stat p95 on the configured metrics source (the same
  metric and dimensions as the monitoring component's p95 alarms);
- 5xx errors, requests and failed jobs: Sum over the day (the error-rate alarm's metrics);
- deploys: Sum of the custom metric the rollout workflow publishes (`model.DEPLOY_*`);
- uptime per health check: Average of `AWS/Route53 HealthCheckStatus` in us-east-1, x 100;
- alarms that fired: `describe_alarm_history` state updates into ALARM; where history is unavailable,
  `describe_alarms` in state ALARM (an alarm that fired and recovered the same day is then missed).

The four parts, and the alarm regions, are read concurrently; every call has the clients' timeouts. A failed
call makes the figures it should have produced an error in the report (flagged); only credential problems
stop the report (`aws.CredentialsProblem`).
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from components.config import StackConfig
from components.config.fields import AWS_REGION_RE
from components.naming import FAILED_JOBS_METRIC, HEALTH_CHECK_REGION, alert_regions, name_prefix, source_metrics
from launchready.report.aws import AWS_ERRORS, AwsClients, describe_error
from launchready.report.healthchecks import ids_from_outputs, ids_from_route53, wanted_checks
from launchready.report.model import (
    DEPLOY_DIMENSION,
    DEPLOY_METRIC,
    DEPLOY_NAMESPACE,
    AlarmSummary,
    DailyReport,
    DeploySummary,
    ErrorSummary,
    FiredAlarm,
    LatencyRow,
    UptimeRow,
)

DAY_SECONDS = 86400
_MAX_QUERIES = 500  # get_metric_data accepts at most 500 queries per call


@dataclass(frozen=True)
class MetricQuery:
    id: str  # [a-z][a-zA-Z0-9_]*, unique within one fetch
    namespace: str
    metric: str
    dimensions: dict[str, str]
    stat: str

    def to_api(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "ReturnData": True,
            "MetricStat": {
                "Metric": {
                    "Namespace": self.namespace,
                    "MetricName": self.metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(self.dimensions.items())],
                },
                "Period": DAY_SECONDS,
                "Stat": self.stat,
            },
        }


def fetch_metrics(client: Any, queries: list[MetricQuery], start: dt.datetime, end: dt.datetime) -> dict[str, float]:
    """One value per query id over [start, end) at a one-day period; ids without data are absent."""
    values: dict[str, list[float]] = {}
    stats = {q.id: q.stat for q in queries}
    for i in range(0, len(queries), _MAX_QUERIES):
        batch = [q.to_api() for q in queries[i : i + _MAX_QUERIES]]
        kwargs: dict[str, Any] = {"MetricDataQueries": batch, "StartTime": start, "EndTime": end,
                                  "ScanBy": "TimestampAscending"}
        while True:
            answer = client.get_metric_data(**kwargs)
            for result in answer.get("MetricDataResults", []):
                values.setdefault(result["Id"], []).extend(float(v) for v in result.get("Values", []))
            token = answer.get("NextToken")
            if not token:
                break
            kwargs["NextToken"] = token
    out: dict[str, float] = {}
    for qid, vals in values.items():
        if not vals:
            continue
        # One period covers the day, so there is one value; should CloudWatch split it, sums add up and
        # anything else is averaged over the pieces.
        out[qid] = sum(vals) if stats.get(qid) == "Sum" else sum(vals) / len(vals)
    return out


def _ms(value: float, unit: str) -> float:
    return value * 1000.0 if unit == "s" else value


def collect_latency(cfg: StackConfig, clients: AwsClients, region: str, start: dt.datetime,
                    end: dt.datetime) -> list[LatencyRow]:
    src = source_metrics(cfg.monitoring.metrics_source)
    classes = cfg.monitoring.route_classes
    rows = [LatencyRow(name, rc.p95_ms) for name, rc in classes.items()]
    if not rows:
        return rows
    if src.route_dimension:
        queries = [MetricQuery(f"p95_{i}", src.namespace, src.latency, src.route_dimensions(name), "p95")
                   for i, name in enumerate(classes)]
        ids = [q.id for q in queries]
    else:
        queries = [MetricQuery("p95_all", src.namespace, src.latency, dict(src.dimensions), "p95")]
        ids = ["p95_all"] * len(rows)
        note = f"the {src.type} source does not tell route classes apart: one p95 for every route"
        for row in rows:
            row.note = note
    try:
        got = fetch_metrics(clients.percentiles(region), queries, start, end)
    except AWS_ERRORS as exc:
        reason = describe_error(exc)
        for row in rows:
            row.error = reason
        return rows
    for row, qid in zip(rows, ids, strict=True):
        if qid in got:
            row.p95_ms = _ms(got[qid], src.latency_unit)
    return rows


def collect_counts(cfg: StackConfig, stack: str, clients: AwsClients, region: str, start: dt.datetime,
                   end: dt.datetime) -> tuple[ErrorSummary, DeploySummary]:
    src = source_metrics(cfg.monitoring.metrics_source)
    dims = dict(src.dimensions)
    errors = ErrorSummary(list(src.errors), cfg.monitoring.error_rate_percent)
    deploy_dims = {DEPLOY_DIMENSION: stack}
    deploys = DeploySummary(DEPLOY_NAMESPACE, DEPLOY_METRIC, deploy_dims)
    queries = [MetricQuery(f"errors{i}", src.namespace, m, dims, "Sum") for i, m in enumerate(src.errors)]
    queries += [
        MetricQuery("requests", src.namespace, src.requests, dims, "Sum"),
        MetricQuery("jobs", cfg.monitoring.metrics_source.namespace, FAILED_JOBS_METRIC, {}, "Sum"),
        MetricQuery("deploys", DEPLOY_NAMESPACE, DEPLOY_METRIC, deploy_dims, "Sum"),
    ]
    try:
        got = fetch_metrics(clients.cloudwatch(region), queries, start, end)
    except AWS_ERRORS as exc:
        errors.error = deploys.error = describe_error(exc)
        return errors, deploys
    # No datapoint in a Sum means nothing was counted that day: zero, not unknown.
    errors.count = sum(got.get(f"errors{i}", 0.0) for i in range(len(src.errors)))
    errors.requests = got.get("requests", 0.0)
    errors.failed_jobs = got.get("jobs", 0.0)
    deploys.count = got.get("deploys", 0.0)
    return errors, deploys


def collect_uptime(cfg: StackConfig, project: str, stack: str, clients: AwsClients, outputs: dict[str, Any] | None,
                   start: dt.datetime, end: dt.datetime) -> list[UptimeRow]:
    wanted = wanted_checks(cfg, project, stack)
    target = cfg.monitoring.uptime_target_percent
    rows = [UptimeRow(w.key, w.url, target) for w in wanted]
    from_outputs = outputs is not None and isinstance(outputs.get("healthChecks"), dict)
    try:
        ids = ids_from_outputs(outputs or {}, wanted) if from_outputs else ids_from_route53(clients.route53(), wanted)
    except AWS_ERRORS as exc:
        reason = describe_error(exc)
        for row in rows:
            row.error = f"cannot list Route 53 health checks: {reason}"
        return rows
    where = "the stack outputs (healthChecks)" if from_outputs else "Route 53"
    queries: list[MetricQuery] = []
    for i, row in enumerate(rows):
        hc_id = ids.get(row.check)
        if hc_id is None:
            row.error = f"no health check for {row.url} found in {where}"
            continue
        row.health_check_id = hc_id
        queries.append(MetricQuery(f"up{i}", "AWS/Route53", "HealthCheckStatus", {"HealthCheckId": hc_id}, "Average"))
    if not queries:
        return rows
    try:
        got = fetch_metrics(clients.cloudwatch(HEALTH_CHECK_REGION), queries, start, end)
    except AWS_ERRORS as exc:
        reason = describe_error(exc)
        for row in rows:
            row.error = row.error or reason
        return rows
    for i, row in enumerate(rows):
        if f"up{i}" in got:
            row.uptime_percent = 100.0 * got[f"up{i}"]
    return rows


def alarm_regions(cfg: StackConfig, region: str, outputs: dict[str, Any] | None) -> list[str]:
    regions = list(alert_regions(cfg, region))
    alarms = (outputs or {}).get("alarms")
    if isinstance(alarms, dict):
        # only well-formed region names: a hand-edited outputs file may hold anything here
        regions += [a["region"] for a in alarms.values()
                    if isinstance(a, dict) and isinstance(a.get("region"), str) and AWS_REGION_RE.match(a["region"])]
    return list(dict.fromkeys(regions))


def _history_fired(client: Any, prefix: str, region: str, start: dt.datetime, end: dt.datetime) -> list[FiredAlarm]:
    fired: list[FiredAlarm] = []
    pages = client.get_paginator("describe_alarm_history").paginate(
        HistoryItemType="StateUpdate", StartDate=start, EndDate=end, ScanBy="TimestampAscending"
    )
    for page in pages:
        for item in page.get("AlarmHistoryItems", []):
            name = str(item.get("AlarmName", ""))
            if not name.startswith(prefix):
                continue
            try:
                data = json.loads(item.get("HistoryData") or "{}")
            except ValueError:
                data = {}
            new_state = (data.get("newState") or {}).get("stateValue")
            if new_state != "ALARM":
                continue
            reason = str((data.get("newState") or {}).get("stateReason") or item.get("HistorySummary", ""))
            fired.append(FiredAlarm(name, region, item["Timestamp"], reason))
    return fired


def _current_fired(client: Any, prefix: str, region: str, end: dt.datetime) -> list[FiredAlarm]:
    fired: list[FiredAlarm] = []
    pages = client.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix, StateValue="ALARM")
    for page in pages:
        for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
            at = alarm.get("StateUpdatedTimestamp")
            if alarm.get("StateValue") == "ALARM" and isinstance(at, dt.datetime) and at < end:
                fired.append(FiredAlarm(alarm["AlarmName"], region, at, str(alarm.get("StateReason", "")), True))
    return fired


def _alarms_in(client: Any, prefix: str, region: str, start: dt.datetime, end: dt.datetime
               ) -> tuple[list[FiredAlarm], bool, str | None]:
    """(alarms that fired, whether the fallback was used, the error if even the fallback failed)."""
    try:
        return _history_fired(client, prefix, region, start, end), False, None
    except AWS_ERRORS as exc:
        describe_error(exc)  # credentials problems stop the report
    try:
        return _current_fired(client, prefix, region, end), True, None
    except AWS_ERRORS as exc:
        return [], True, describe_error(exc)


def collect_alarms(cfg: StackConfig, project: str, stack: str, clients: AwsClients, region: str,
                   outputs: dict[str, Any] | None, start: dt.datetime, end: dt.datetime) -> AlarmSummary:
    prefix = name_prefix(project, stack) + "-"
    summary = AlarmSummary()
    regions = alarm_regions(cfg, region, outputs)
    with ThreadPoolExecutor(max_workers=len(regions)) as pool:
        results = list(pool.map(lambda reg: _alarms_in(clients.cloudwatch(reg), prefix, reg, start, end), regions))
    fallback_regions: list[str] = []
    for reg, (fired, used_fallback, error) in zip(regions, results, strict=True):
        summary.fired += fired
        if used_fallback:
            fallback_regions.append(reg)
        if error:
            summary.errors.append(f"{reg}: {error}")
    if fallback_regions:
        summary.source = "current-state" if len(fallback_regions) == len(regions) else "history+current-state"
        summary.notes.append(
            f"alarm history unavailable in {', '.join(fallback_regions)}: listed are alarms in ALARM now "
            "whose state changed before the day ended; an alarm that fired and recovered is not shown"
        )
    summary.fired.sort(key=lambda a: (a.at, a.name))
    return summary


def collect(cfg: StackConfig, *, project: str, stack: str, region: str, day: dt.date, clients: AwsClients,
            outputs: dict[str, Any] | None = None) -> DailyReport:
    """Gather the day's report. Raises aws.CredentialsProblem when AWS cannot be used at all."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1)
    src = source_metrics(cfg.monitoring.metrics_source)
    with ThreadPoolExecutor(max_workers=4) as pool:
        latency_f = pool.submit(collect_latency, cfg, clients, region, start, end)
        counts_f = pool.submit(collect_counts, cfg, stack, clients, region, start, end)
        uptime_f = pool.submit(collect_uptime, cfg, project, stack, clients, outputs, start, end)
        alarms_f = pool.submit(collect_alarms, cfg, project, stack, clients, region, outputs, start, end)
        latency, (errors, deploys) = latency_f.result(), counts_f.result()
        uptime, alarms = uptime_f.result(), alarms_f.result()
    return DailyReport(project, stack, day, region, f"{src.type} ({src.namespace})", latency, errors, deploys,
                       uptime, alarms)
