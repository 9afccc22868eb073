"""Monitoring that tells you first: uptime health checks, latency/error/job alarms, logs without secrets,
and a dashboard. Every alarm notifies the alert topic of its own region (components/alerts.py).

Route 53 health-check metrics exist only in us-east-1, so those alarms live there. p95 alarms ignore
periods with too few samples to compute a percentile (fewer than 200 requests in 5 minutes) rather than
paging on noise, and need 2 of 3 bad periods.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alerts import HEALTH_CHECK_REGION, AlertRouting
from components.config import MetricsSource, StackConfig

HEALTH_CHECKER_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"]
ENDPOINT_KEYS = {"homepage": "homepage", "login": "login", "api_health": "api-health"}
MASKED_DATA = ["EmailAddress", "AwsSecretKey", "OpenSshPrivateKey", "PgpPrivateKey", "PkcsPrivateKey",
               "PuttyPrivateKey"]
LATENCY_METRIC, ERRORS_METRIC, REQUESTS_METRIC, FAILED_JOBS_METRIC = "Latency", "Errors5xx", "Requests", "FailedJobs"


def name_prefix(project: str, stack: str) -> str:
    return f"{project}-{stack}"


@dataclass(frozen=True)
class SourceMetrics:
    """Where latency, errors and requests live for one metrics source."""

    namespace: str
    latency: str
    latency_scale: float  # threshold unit per millisecond
    errors: str
    requests: str
    dimensions: dict[str, str]
    route_dimension: str | None  # dimension that separates route classes, when the source has one


def source_metrics(src: MetricsSource) -> SourceMetrics:
    if src.type == "alb":
        dims = {"LoadBalancer": src.load_balancer or ""}
        return SourceMetrics("AWS/ApplicationELB", "TargetResponseTime", 0.001, "HTTPCode_Target_5XX_Count",
                             "RequestCount", dims, None)
    if src.type == "apigateway":
        dims = {"ApiName": src.api_name or ""}
        return SourceMetrics("AWS/ApiGateway", "Latency", 1.0, "5XXError", "Count", dims, None)
    return SourceMetrics(src.namespace, LATENCY_METRIC, 1.0, ERRORS_METRIC, REQUESTS_METRIC, {}, "RouteClass")


def data_protection_policy(name: str) -> str:
    identifiers = [f"arn:aws:dataprotection::aws:data-identifier/{d}" for d in MASKED_DATA]
    return json.dumps({
        "Name": name,
        "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": identifiers, "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"Sid": "redact", "DataIdentifier": identifiers, "Operation": {"Deidentify": {"MaskConfig": {}}}},
        ],
    }, sort_keys=True)


class Monitoring(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        alerts: AlertRouting,
        default_region: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("launchready:monitoring:Monitoring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        mon = cfg.monitoring
        prefix = name_prefix(pulumi.get_project(), pulumi.get_stack())
        self.alarms: dict[str, dict[str, Any]] = {}
        self.alarm_arns: list[pulumi.Output[str]] = []

        def alarm(logical: str, alarm_name: str, region: str, summary: dict[str, Any], **kwargs: Any) -> None:
            topic = alerts.topic_arn(region)
            resource = aws.cloudwatch.MetricAlarm(
                logical, name=alarm_name, region=region, alarm_actions=[topic], ok_actions=[topic],
                actions_enabled=True, opts=child, **kwargs,
            )
            self.alarms[alarm_name] = {**summary, "region": region}
            self.alarm_arns.append(resource.arn)

        # ---- uptime ----
        self.health_checks: dict[str, dict[str, Any]] = {}
        for field, key in ENDPOINT_KEYS.items():
            endpoint = getattr(mon.endpoints, field)
            fqdn = cfg.fqdn(endpoint.host)
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
                tags={"Name": f"{prefix}-{key}", "stack": pulumi.get_stack()},
                opts=child,
            )
            self.health_checks[key] = {"id": check.id, "fqdn": fqdn, "path": endpoint.path,
                                       "expectText": endpoint.expect_text}
            alarm(
                f"uptime-{key}-alarm", f"{prefix}-uptime-{key}", HEALTH_CHECK_REGION,
                {"metric": "AWS/Route53 HealthCheckStatus", "threshold": "< 1 for 2 minutes"},
                alarm_description=f"https://{fqdn}{endpoint.path} fails its health check",
                namespace="AWS/Route53", metric_name="HealthCheckStatus", dimensions={"HealthCheckId": check.id},
                statistic="Minimum", period=60, evaluation_periods=2, datapoints_to_alarm=2, threshold=1,
                comparison_operator="LessThanThreshold", treat_missing_data="breaching",
            )

        # ---- latency, errors, jobs ----
        src = source_metrics(mon.metrics_source)
        for route_class, limits in mon.route_classes.items():
            dims = dict(src.dimensions)
            if src.route_dimension:
                dims[src.route_dimension] = route_class
            threshold = limits.p95_ms * src.latency_scale
            alarm(
                f"latency-{route_class}-alarm", f"{prefix}-p95-{route_class}", default_region,
                {"metric": f"{src.namespace} {src.latency} p95", "threshold": f"> {limits.p95_ms} ms"},
                alarm_description=f"p95 latency of {route_class} routes above {limits.p95_ms} ms",
                namespace=src.namespace, metric_name=src.latency, dimensions=dims or None,
                extended_statistic="p95", evaluate_low_sample_count_percentiles="ignore",
                period=300, evaluation_periods=3, datapoints_to_alarm=2, threshold=threshold,
                comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
            )
        metric_dims = dict(src.dimensions) or None
        alarm(
            "error-rate-alarm", f"{prefix}-error-rate", default_region,
            {"metric": f"100 * {src.errors} / {src.requests}", "threshold": f"> {mon.error_rate_percent} %"},
            alarm_description=f"more than {mon.error_rate_percent}% of requests fail with 5xx",
            metric_queries=[
                {"id": "errors", "return_data": False, "metric": {
                    "namespace": src.namespace, "metric_name": src.errors, "period": 300, "stat": "Sum",
                    "dimensions": metric_dims}},
                {"id": "requests", "return_data": False, "metric": {
                    "namespace": src.namespace, "metric_name": src.requests, "period": 300, "stat": "Sum",
                    "dimensions": metric_dims}},
                {"id": "rate", "return_data": True, "label": "5xx error rate (%)",
                 "expression": "IF(requests > 0, 100 * errors / requests, 0)"},
            ],
            evaluation_periods=3, datapoints_to_alarm=2, threshold=mon.error_rate_percent,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
        )
        jobs_namespace = mon.metrics_source.namespace
        alarm(
            "failed-jobs-alarm", f"{prefix}-failed-jobs", default_region,
            {"metric": f"{jobs_namespace} {FAILED_JOBS_METRIC} Sum", "threshold": f">= {mon.failed_jobs_threshold}"},
            alarm_description="background jobs are failing",
            namespace=jobs_namespace, metric_name=FAILED_JOBS_METRIC, statistic="Sum", period=300,
            evaluation_periods=1, threshold=mon.failed_jobs_threshold,
            comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching",
        )

        # ---- logs ----
        self.log_groups: list[dict[str, Any]] = []
        for group in mon.log_groups:
            slug = group.name.strip("/").replace("/", "-")
            log_group = aws.cloudwatch.LogGroup(
                f"logs-{slug}", name=group.name, retention_in_days=cfg.log_retention_days(group), opts=child,
            )
            aws.cloudwatch.LogDataProtectionPolicy(
                f"logs-{slug}-data-protection", log_group_name=log_group.name,
                policy_document=data_protection_policy(f"{prefix}-{slug}-mask"), opts=child,
            )
            self.log_groups.append({"name": group.name, "retentionDays": cfg.log_retention_days(group),
                                    "masked": MASKED_DATA})

        # ---- dashboard ----
        self.dashboard_name = f"{prefix}-overview"
        body = pulumi.Output.all(
            [hc["id"] for hc in self.health_checks.values()], self.alarm_arns
        ).apply(lambda a: json.dumps(self._dashboard(cfg, src, default_region, list(a[0]), list(a[1])),
                                     sort_keys=True))
        aws.cloudwatch.Dashboard("dashboard", dashboard_name=self.dashboard_name, dashboard_body=body, opts=child)
        self.register_outputs({"dashboardName": self.dashboard_name})

    def _dashboard(self, cfg: StackConfig, src: SourceMetrics, region: str, hc_ids: list[str],
                   alarm_arns: list[str]) -> dict[str, Any]:
        def dims_list(extra: dict[str, str]) -> list[str]:
            return [x for k, v in extra.items() for x in (k, v)]

        latency: list[list[Any]] = []
        for route_class in cfg.monitoring.route_classes:
            dims = dict(src.dimensions)
            if src.route_dimension:
                dims[src.route_dimension] = route_class
            for stat in ("p50", "p95"):
                latency.append([src.namespace, src.latency, *dims_list(dims),
                                {"stat": stat, "label": f"{route_class} {stat}"}])
        base = dims_list(src.dimensions)
        widgets: list[dict[str, Any]] = [
            {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
                "title": "Latency p50 / p95 per route class", "region": region, "view": "timeSeries",
                "period": 300, "metrics": latency}},
            {"type": "metric", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {
                "title": "5xx error rate (%)", "region": region, "view": "timeSeries", "period": 300, "metrics": [
                    [{"expression": "IF(requests > 0, 100 * errors / requests, 0)", "label": "error rate",
                      "id": "rate"}],
                    [src.namespace, src.errors, *base, {"stat": "Sum", "id": "errors", "visible": False}],
                    [src.namespace, src.requests, *base, {"stat": "Sum", "id": "requests", "visible": False}],
                ]}},
            {"type": "metric", "x": 0, "y": 6, "width": 12, "height": 6, "properties": {
                "title": "Requests", "region": region, "view": "timeSeries", "period": 300,
                "metrics": [[src.namespace, src.requests, *base, {"stat": "Sum"}]]}},
            {"type": "metric", "x": 12, "y": 6, "width": 12, "height": 6, "properties": {
                "title": "Uptime (health checks)", "region": HEALTH_CHECK_REGION, "view": "timeSeries",
                "period": 60, "metrics": [["AWS/Route53", "HealthCheckStatus", "HealthCheckId", hc_id,
                                           {"stat": "Minimum", "label": key}]
                                          for key, hc_id in zip(self.health_checks, hc_ids, strict=True)]}},
        ]
        if cfg.email.enabled:
            widgets.append({"type": "metric", "x": 0, "y": 12, "width": 12, "height": 6, "properties": {
                "title": "SES bounce and complaint rates", "region": cfg.email.ses_region, "view": "timeSeries",
                "period": 3600, "metrics": [["AWS/SES", "Reputation.BounceRate", {"stat": "Maximum"}],
                                            ["AWS/SES", "Reputation.ComplaintRate", {"stat": "Maximum"}]]}})
        widgets.append({"type": "alarm", "x": 12, "y": 12, "width": 12, "height": 6, "properties": {
            "title": "Alarms", "alarms": sorted(alarm_arns)}})
        return {"widgets": widgets}

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover and the daily report read them)."""
        return {
            "healthChecks": self.health_checks,
            "alarms": self.alarms,
            "dashboardName": self.dashboard_name,
            "logGroups": self.log_groups,
        }
