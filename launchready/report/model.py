"""The daily report as data: what was measured, against which threshold, and what is flagged."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

#: The custom metric the rollout workflow publishes once per successful `pulumi up`
#: (`aws cloudwatch put-metric-data --namespace LaunchReady/Deploys --metric-name DeployCount
#: --dimensions Stack=<stack> --value 1 --unit Count`, in the stack's AWS region).
DEPLOY_NAMESPACE = "LaunchReady/Deploys"
DEPLOY_METRIC = "DeployCount"
DEPLOY_DIMENSION = "Stack"


def percent_down(value: float) -> str:
    """Uptime with three decimals, rounded down: 99.8996% shows as 99.899%, never as a passing 99.900%."""
    return f"{math.floor(value * 1000) / 1000:.3f}%"


@dataclass
class LatencyRow:
    route_class: str
    threshold_ms: int
    p95_ms: float | None = None
    error: str | None = None
    note: str | None = None

    @property
    def flagged(self) -> bool:
        return self.error is not None or (self.p95_ms is not None and self.p95_ms > self.threshold_ms)

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        if self.p95_ms is None:
            return "no data"
        return "above threshold" if self.flagged else "ok"

    def to_json(self) -> dict[str, Any]:
        return {"routeClass": self.route_class, "p95Ms": self.p95_ms, "thresholdMs": self.threshold_ms,
                "status": self.status, "flagged": self.flagged, "error": self.error, "note": self.note}


@dataclass
class ErrorSummary:
    metrics: list[str]
    threshold_percent: float
    count: float | None = None
    requests: float | None = None
    failed_jobs: float | None = None
    error: str | None = None

    @property
    def rate_percent(self) -> float | None:
        if self.count is None or not self.requests:
            return None
        return 100.0 * self.count / self.requests

    @property
    def flagged(self) -> bool:
        rate = self.rate_percent
        return self.error is not None or (rate is not None and rate > self.threshold_percent)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "requests": self.requests, "ratePercent": self.rate_percent,
                "thresholdPercent": self.threshold_percent, "failedJobs": self.failed_jobs,
                "metrics": self.metrics, "flagged": self.flagged, "error": self.error}


@dataclass
class DeploySummary:
    namespace: str
    metric: str
    dimensions: dict[str, str]
    count: float | None = None
    error: str | None = None

    @property
    def flagged(self) -> bool:
        return self.error is not None

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "namespace": self.namespace, "metric": self.metric,
                "dimensions": self.dimensions, "flagged": self.flagged, "error": self.error}


@dataclass
class UptimeRow:
    check: str
    url: str
    target_percent: float
    health_check_id: str | None = None
    uptime_percent: float | None = None
    error: str | None = None

    @property
    def flagged(self) -> bool:
        # No data counts as down, as the uptime alarms treat it.
        return self.error is not None or self.uptime_percent is None or self.uptime_percent < self.target_percent

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        if self.uptime_percent is None:
            return "no data"
        return "below target" if self.flagged else "ok"

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "url": self.url, "healthCheckId": self.health_check_id,
                "uptimePercent": self.uptime_percent, "targetPercent": self.target_percent,
                "status": self.status, "flagged": self.flagged, "error": self.error}


@dataclass
class FiredAlarm:
    name: str
    region: str
    at: dt.datetime
    reason: str = ""
    still_in_alarm: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "region": self.region, "at": self.at.isoformat(), "reason": self.reason,
                "stillInAlarm": self.still_in_alarm}


@dataclass
class AlarmSummary:
    #: "history" (describe_alarm_history) or "current-state" (describe_alarms, when history is unavailable)
    source: str = "history"
    fired: list[FiredAlarm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.fired or self.errors)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "fired": [a.to_json() for a in self.fired], "notes": self.notes,
                "errors": self.errors, "flagged": self.flagged}


@dataclass
class DailyReport:
    project: str
    stack: str
    day: dt.date
    region: str
    metrics_source: str
    latency: list[LatencyRow]
    errors: ErrorSummary
    deploys: DeploySummary
    uptime: list[UptimeRow]
    alarms: AlarmSummary

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time(0), tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(days=1)

    @property
    def flags(self) -> list[str]:
        """One line per thing that needs a person's attention."""
        out: list[str] = []
        for row in self.latency:
            if row.error:
                out.append(f"p95 latency of {row.route_class}: {row.error}")
            elif row.flagged:
                out.append(f"p95 latency of {row.route_class} was {row.p95_ms:.0f} ms, above {row.threshold_ms} ms")
        e = self.errors
        if e.error:
            out.append(f"error count: {e.error}")
        elif e.flagged and e.rate_percent is not None:
            out.append(f"5xx error rate was {e.rate_percent:.2f}%, above {e.threshold_percent:g}%")
        if self.deploys.error:
            out.append(f"deploy count: {self.deploys.error}")
        for up in self.uptime:
            if up.error:
                out.append(f"uptime of {up.check}: {up.error}")
            elif up.uptime_percent is None:
                out.append(f"uptime of {up.check}: no HealthCheckStatus data (counted as down)")
            elif up.flagged:
                out.append(f"uptime of {up.check} was {percent_down(up.uptime_percent)}, below {up.target_percent:g}%")
        for alarm in self.alarms.fired:
            out.append(f"alarm {alarm.name} fired ({alarm.region})")
        out.extend(f"alarms: {err}" for err in self.alarms.errors)
        return out

    @property
    def ok(self) -> bool:
        return not self.flags

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project, "stack": self.stack, "date": self.day.isoformat(),
            "window": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "region": self.region, "metricsSource": self.metrics_source,
            "latency": [r.to_json() for r in self.latency], "errors": self.errors.to_json(),
            "deploys": self.deploys.to_json(), "uptime": [u.to_json() for u in self.uptime],
            "alarms": self.alarms.to_json(), "flags": self.flags, "ok": self.ok,
        }
