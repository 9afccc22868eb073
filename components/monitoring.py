"""Monitoring that tells you first: uptime health checks, latency/error/job alarms, logs without secrets,
and a dashboard. Every alarm notifies the alert topic of its own region (components/alerts.py), on alarm
and on recovery.

Route 53 health-check metrics exist only in us-east-1, so those alarms live there, treating missing data as
down. p95 alarms ignore periods with too few samples to compute a percentile (fewer than 200 requests in
5 minutes) rather than paging on noise, and need 2 bad periods out of 3. Latency, errors and requests come
from the metrics source in config (the app's own EMF namespace, a load balancer, or API Gateway); failed
jobs always come from the app's namespace. Alarm names are deterministic (`<project>-<stack>-<what>`):
the dashboard, the daily report and the handover refer to them.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alerts import AlertRouting
from components.config import Endpoint, LogGroup, StackConfig
from components.naming import ENDPOINT_KEYS as ENDPOINT_KEYS
from components.naming import ERRORS_METRIC as ERRORS_METRIC
from components.naming import FAILED_JOBS_METRIC as FAILED_JOBS_METRIC
from components.naming import HEALTH_CHECK_REGION as HEALTH_CHECK_REGION
from components.naming import HEALTH_CHECKER_REGIONS as HEALTH_CHECKER_REGIONS
from components.naming import LATENCY_METRIC as LATENCY_METRIC
from components.naming import MANAGED_IDENTIFIER_ARN as MANAGED_IDENTIFIER_ARN
from components.naming import MASKED_DATA as MASKED_DATA
from components.naming import PERIOD as PERIOD
from components.naming import REQUESTS_METRIC as REQUESTS_METRIC
from components.naming import TOKEN_PATTERNS as TOKEN_PATTERNS
from components.naming import SourceMetrics as SourceMetrics
from components.naming import (
    dashboard_name,
    error_rate_alarm_name,
    failed_jobs_alarm_name,
    latency_alarm_name,
    uptime_alarm_name,
)
from components.naming import name_prefix as name_prefix
from components.naming import source_metrics as source_metrics


def data_protection_policy(name: str) -> str:
    """Audit and mask email addresses, credentials and tokens (CloudWatch Logs policy language 2021-06-01)."""
    identifiers = [MANAGED_IDENTIFIER_ARN.format(d) for d in MASKED_DATA] + list(TOKEN_PATTERNS)
    return json.dumps({
        "Name": name,
        "Description": "mask email addresses, credentials and tokens (launchready)",
        "Version": "2021-06-01",
        "Configuration": {"CustomDataIdentifier": [{"Name": n, "Regex": r} for n, r in TOKEN_PATTERNS.items()]},
        "Statement": [
            {"Sid": "audit", "DataIdentifier": identifiers, "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"Sid": "redact", "DataIdentifier": identifiers, "Operation": {"Deidentify": {"MaskConfig": {}}}},
        ],
    }, sort_keys=True)


def _dims_list(dims: dict[str, str]) -> list[str]:
    return [x for k, v in dims.items() for x in (k, v)]


def _widget(x: int, y: int, properties: dict[str, Any], kind: str = "metric", width: int = 12) -> dict[str, Any]:
    return {"type": kind, "x": x, "y": y, "width": width, "height": 6, "properties": properties}


class Monitoring(pulumi.ComponentResource):
    """Uptime checks, alarms (each to the alert topic of its region), masked log groups and a dashboard."""

    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        alerts: AlertRouting,
        default_region: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("launchready:monitoring:Monitoring", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self._alerts = alerts
        self._stack = pulumi.get_stack()
        self._prefix = name_prefix(pulumi.get_project(), self._stack)
        self.region = default_region
        self.alarms: dict[str, dict[str, Any]] = {}
        self.alarm_resources: dict[str, aws.cloudwatch.MetricAlarm] = {}
        self.health_checks: dict[str, dict[str, Any]] = {}
        self.health_check_resources: dict[str, aws.route53.HealthCheck] = {}
        self.source = source_metrics(cfg.monitoring.metrics_source)
        self.jobs_namespace = cfg.monitoring.metrics_source.namespace

        for field, key in ENDPOINT_KEYS.items():
            self._uptime_check(cfg, key, getattr(cfg.monitoring.endpoints, field))
        for route_class, limits in cfg.monitoring.route_classes.items():
            self._latency_alarm(route_class, limits.p95_ms)
        self._error_rate_alarm(cfg.monitoring.error_rate_percent)
        self._failed_jobs_alarm(cfg.monitoring.failed_jobs_threshold)
        self.log_groups = [self._log_group(cfg, group) for group in cfg.monitoring.log_groups]
        self._declare_dashboard(cfg)
        self.register_outputs({"dashboardName": self.dashboard_name})

    def _alarm(self, logical: str, alarm_name: str, region: str, summary: dict[str, Any], **kwargs: Any) -> None:
        """One alarm, on alarm and on recovery to the alert topic of its region, and its row in `alarms`."""
        topic = self._alerts.topic_arn(region)
        self.alarm_resources[alarm_name] = aws.cloudwatch.MetricAlarm(
            logical, name=alarm_name, region=region, alarm_actions=[topic], ok_actions=[topic],
            actions_enabled=True, tags={"stack": self._stack, "managed-by": "launchready"}, opts=self._child,
            **kwargs,
        )
        self.alarms[alarm_name] = {**summary, "region": region, "description": kwargs["alarm_description"]}

    def _uptime_check(self, cfg: StackConfig, key: str, endpoint: Endpoint) -> None:
        """A Route 53 HTTPS health check of one endpoint, and its alarm in the health-check region."""
        fqdn, prefix = cfg.fqdn(endpoint.host), self._prefix
        check = aws.route53.HealthCheck(
            f"hc-{key}",
            type="HTTPS_STR_MATCH",
            fqdn=fqdn,
            port=443,
            resource_path=endpoint.path,
            search_string=endpoint.expect_text,
            request_interval=30,
            failure_threshold=3,
            measure_latency=True,
            enable_sni=True,
            regions=HEALTH_CHECKER_REGIONS,
            tags={"Name": f"{prefix}-{key}", "stack": self._stack, "managed-by": "launchready"},
            opts=self._child,
        )
        self.health_check_resources[key] = check
        alarm_name = uptime_alarm_name(prefix, key)
        self.health_checks[key] = {"id": check.id, "fqdn": fqdn, "path": endpoint.path,
                                   "expectText": endpoint.expect_text, "alarm": alarm_name}
        self._alarm(
            f"uptime-{key}-alarm", alarm_name, HEALTH_CHECK_REGION,
            {"kind": "uptime", "metric": "AWS/Route53 HealthCheckStatus Minimum", "namespace": "AWS/Route53",
             "metricName": "HealthCheckStatus", "stat": "Minimum", "dimensions": {"HealthCheckId": check.id},
             "comparison": "<", "threshold": 1, "unit": "status (1 healthy, 0 down)", "period": 60,
             "datapoints": "2 of 2", "missingData": "breaching"},
            alarm_description=f"https://{fqdn}{endpoint.path} fails its health check "
                              f"(HTTPS, expects {endpoint.expect_text!r}) for 2 minutes",
            namespace="AWS/Route53", metric_name="HealthCheckStatus", dimensions={"HealthCheckId": check.id},
            statistic="Minimum", period=60, evaluation_periods=2, datapoints_to_alarm=2, threshold=1,
            comparison_operator="LessThanThreshold", treat_missing_data="breaching",
        )

    def _latency_alarm(self, route_class: str, p95_ms: int) -> None:
        """p95 latency of one route class, ignoring periods with too few samples for a percentile."""
        src = self.source
        split = "" if src.route_dimension else f" (the {src.type} source does not tell route classes apart)"
        dims = src.route_dimensions(route_class)
        threshold = src.latency_threshold(p95_ms)
        self._alarm(
            f"latency-{route_class}-alarm", latency_alarm_name(self._prefix, route_class), self.region,
            {"kind": "latency", "metric": f"{src.namespace} {src.latency} p95", "namespace": src.namespace,
             "metricName": src.latency, "stat": "p95", "dimensions": dims, "comparison": ">",
             "threshold": threshold, "unit": src.latency_unit, "thresholdMs": p95_ms, "period": PERIOD,
             "datapoints": "2 of 3", "missingData": "notBreaching"},
            alarm_description=f"p95 latency of {route_class} routes above {p95_ms} ms "
                              f"in 2 of 3 periods of 5 minutes{split}",
            namespace=src.namespace, metric_name=src.latency, dimensions=dims or None,
            extended_statistic="p95", evaluate_low_sample_count_percentiles="ignore",
            period=PERIOD, evaluation_periods=3, datapoints_to_alarm=2, threshold=threshold,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
        )

    def _error_rate_alarm(self, percent: float) -> None:
        """5xx as a share of requests (metric math over the source's error and request metrics)."""
        src = self.source
        metric_dims = dict(src.dimensions) or None
        error_queries: list[dict[str, Any]] = [
            {"id": f"errors{i}", "return_data": False, "metric": {
                "namespace": src.namespace, "metric_name": metric, "period": PERIOD, "stat": "Sum",
                "dimensions": metric_dims}}
            for i, metric in enumerate(src.errors)
        ]
        self._alarm(
            "error-rate-alarm", error_rate_alarm_name(self._prefix), self.region,
            {"kind": "errorRate", "metric": f"100 * {' + '.join(src.errors)} / {src.requests}",
             "namespace": src.namespace, "expression": src.error_rate_expression, "dimensions": src.dimensions,
             "comparison": ">", "threshold": percent, "unit": "%", "period": PERIOD,
             "datapoints": "2 of 3", "missingData": "notBreaching"},
            alarm_description=f"more than {percent}% of requests fail with 5xx "
                              "in 2 of 3 periods of 5 minutes",
            metric_queries=[
                *error_queries,
                {"id": "requests", "return_data": False, "metric": {
                    "namespace": src.namespace, "metric_name": src.requests, "period": PERIOD, "stat": "Sum",
                    "dimensions": metric_dims}},
                {"id": "rate", "return_data": True, "label": "5xx error rate (%)",
                 "expression": src.error_rate_expression},
            ],
            evaluation_periods=3, datapoints_to_alarm=2, threshold=percent,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
        )

    def _failed_jobs_alarm(self, threshold: int) -> None:
        """Failed background jobs, always from the app's own namespace."""
        namespace = self.jobs_namespace
        self._alarm(
            "failed-jobs-alarm", failed_jobs_alarm_name(self._prefix), self.region,
            {"kind": "failedJobs", "metric": f"{namespace} {FAILED_JOBS_METRIC} Sum",
             "namespace": namespace, "metricName": FAILED_JOBS_METRIC, "stat": "Sum", "dimensions": {},
             "comparison": ">=", "threshold": threshold, "unit": "jobs", "period": PERIOD,
             "datapoints": "1 of 1", "missingData": "notBreaching"},
            alarm_description=f"{threshold} or more background jobs failed in 5 minutes",
            namespace=namespace, metric_name=FAILED_JOBS_METRIC, statistic="Sum", period=PERIOD,
            evaluation_periods=1, threshold=threshold,
            comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching",
        )

    def _log_group(self, cfg: StackConfig, group: LogGroup) -> dict[str, Any]:
        """A log group with its retention and a data protection policy that masks secrets; its export row."""
        slug = group.name.strip("/").replace("/", "-")
        days = cfg.log_retention_days(group)
        log_group = aws.cloudwatch.LogGroup(
            f"logs-{slug}", name=group.name, retention_in_days=days,
            tags={"stack": self._stack, "managed-by": "launchready"}, opts=self._child,
        )
        aws.cloudwatch.LogDataProtectionPolicy(
            f"logs-{slug}-data-protection", log_group_name=log_group.name,
            policy_document=data_protection_policy(f"{self._prefix}-{slug}-mask"), opts=self._child,
        )
        return {"name": group.name, "retentionDays": days, "masked": [*MASKED_DATA, *TOKEN_PATTERNS]}

    def _declare_dashboard(self, cfg: StackConfig) -> None:
        """The dashboard, once the health-check ids and alarm ARNs are known."""
        self.dashboard_name = dashboard_name(self._prefix)
        keys = list(self.health_check_resources)
        names = list(self.alarm_resources)
        body = pulumi.Output.all(
            [self.health_check_resources[k].id for k in keys], [self.alarm_resources[n].arn for n in names]
        ).apply(lambda a: json.dumps(self._dashboard(cfg, dict(zip(keys, a[0], strict=True)),
                                                     dict(zip(names, a[1], strict=True))), sort_keys=True))
        self.dashboard = aws.cloudwatch.Dashboard(
            "dashboard", dashboard_name=self.dashboard_name, dashboard_body=body, opts=self._child)

    def _dashboard(self, cfg: StackConfig, hc_ids: dict[str, str], alarm_arns: dict[str, str]) -> dict[str, Any]:
        """The dashboard body: every metric it shows is one an alarm of this component watches."""
        src, region, mon = self.source, self.region, cfg.monitoring
        base = _dims_list(src.dimensions)
        latency: list[list[Any]] = []
        limits: list[dict[str, Any]] = []
        for route_class, rc in mon.route_classes.items():
            dims = _dims_list(src.route_dimensions(route_class))
            for stat in ("p50", "p95"):
                latency.append([src.namespace, src.latency, *dims, {"stat": stat, "label": f"{route_class} {stat}"}])
            limits.append({"label": f"{route_class} p95 limit", "value": src.latency_threshold(rc.p95_ms)})
        errors = [[src.namespace, metric, *base, {"stat": "Sum", "id": f"errors{i}", "visible": False}]
                  for i, metric in enumerate(src.errors)]
        uptime = [["AWS/Route53", "HealthCheckStatus", "HealthCheckId", hc_id, {"stat": "Average", "label": key}]
                  for key, hc_id in hc_ids.items()]
        uptime_pct: list[list[Any]] = []
        for i, (key, hc_id) in enumerate(hc_ids.items()):
            uptime_pct.append([{"expression": f"100 * hc{i}", "label": f"{key} uptime %", "id": f"up{i}"}])
            uptime_pct.append(["AWS/Route53", "HealthCheckStatus", "HealthCheckId", hc_id,
                               {"stat": "Average", "id": f"hc{i}", "visible": False}])
        widgets: list[dict[str, Any]] = [
            _widget(0, 0, {"title": f"Latency p50 / p95 per route class ({src.latency_unit})", "region": region,
                           "view": "timeSeries", "period": PERIOD, "metrics": latency,
                           "annotations": {"horizontal": limits}}),
            _widget(12, 0, {"title": "5xx error rate (%)", "region": region, "view": "timeSeries", "period": PERIOD,
                            "metrics": [[{"expression": src.error_rate_expression, "label": "error rate %",
                                          "id": "rate"}], *errors,
                                        [src.namespace, src.requests, *base,
                                         {"stat": "Sum", "id": "requests", "visible": False}]],
                            "annotations": {"horizontal": [{"label": "alarm", "value": mon.error_rate_percent}]}}),
            _widget(0, 6, {"title": "Requests", "region": region, "view": "timeSeries", "period": PERIOD,
                           "metrics": [[src.namespace, src.requests, *base, {"stat": "Sum"}]]}),
            _widget(12, 6, {"title": "Failed background jobs", "region": region, "view": "timeSeries",
                            "period": PERIOD, "metrics": [[self.jobs_namespace, FAILED_JOBS_METRIC, {"stat": "Sum"}]],
                            "annotations": {"horizontal": [{"label": "alarm",
                                                            "value": mon.failed_jobs_threshold}]}}),
            _widget(0, 12, {"title": "Health checks (1 = up)", "region": HEALTH_CHECK_REGION, "view": "timeSeries",
                            "period": 60, "metrics": uptime, "yAxis": {"left": {"min": 0, "max": 1}}}),
            _widget(12, 12, {"title": f"Uptime over the period (target {mon.uptime_target_percent}%)",
                             "region": HEALTH_CHECK_REGION, "view": "singleValue", "setPeriodToTimeRange": True,
                             "metrics": uptime_pct}),
        ]
        y = 18
        if cfg.email.enabled:
            widgets.append(_widget(0, y, {
                "title": "SES bounce and complaint rates", "region": cfg.email.ses_region, "view": "timeSeries",
                "period": 3600, "metrics": [["AWS/SES", "Reputation.BounceRate", {"stat": "Maximum"}],
                                            ["AWS/SES", "Reputation.ComplaintRate", {"stat": "Maximum"}]],
                "annotations": {"horizontal": [
                    {"label": "bounce alarm", "value": cfg.email.bounce_rate_threshold},
                    {"label": "complaint alarm", "value": cfg.email.complaint_rate_threshold}]}}))
            y += 6
        by_region: dict[str, list[str]] = {}
        for alarm_name, arn in alarm_arns.items():
            by_region.setdefault(self.alarms[alarm_name]["region"], []).append(arn)
        for i, (alarm_region, arns) in enumerate(sorted(by_region.items())):
            widgets.append(_widget(12 * (i % 2), y + 6 * (i // 2), {
                "title": f"Alarms in {alarm_region}", "alarms": sorted(arns)}, kind="alarm"))
        return {"widgets": widgets}

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover and the daily report read them)."""
        return {
            "healthChecks": self.health_checks,
            "alarms": self.alarms,
            "dashboardName": self.dashboard_name,
            "dashboardUrl": f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}"
                            f"#dashboards/dashboard/{self.dashboard_name}",
            "logGroups": self.log_groups,
            "metricsSource": {**self.source.to_json(self.region),
                              "failedJobs": {"namespace": self.jobs_namespace, "metricName": FAILED_JOBS_METRIC}},
        }
