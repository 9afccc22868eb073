"""The alarms a stack declares, by name and region: `components.naming.alarm_names`, the list the program's
own naming gives (components/monitoring.py and components/email.py name their alarms with the same
functions), without loading the AWS SDK or running the program. tests/drill/test_alarms.py runs the program
under mocks and keeps this list equal to its MetricAlarms.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.config import StackConfig
from components.naming import (
    alarm_names,
    error_rate_alarm_name,
    failed_jobs_alarm_name,
    latency_alarm_name,
    name_prefix,
    ses_alarm_name,
    uptime_alarm_name,
)


@dataclass(frozen=True)
class DeclaredAlarm:
    name: str
    region: str
    kind: str  # uptime, latency, errorRate, failedJobs, sesReputation (or "other")


def _kinds(prefix: str) -> list[tuple[str, str]]:
    """(name start, kind): each naming function called with an empty key gives the start of its names."""
    return [(uptime_alarm_name(prefix, ""), "uptime"), (latency_alarm_name(prefix, ""), "latency"),
            (error_rate_alarm_name(prefix), "errorRate"), (failed_jobs_alarm_name(prefix), "failedJobs"),
            (ses_alarm_name(prefix, ""), "sesReputation")]


def declared_alarms(cfg: StackConfig, project: str, stack: str, default_region: str) -> list[DeclaredAlarm]:
    """Every CloudWatch alarm the program declares for this stack, in declaration order, with its kind."""
    kinds = _kinds(name_prefix(project, stack))
    return [DeclaredAlarm(name, region, next((k for start, k in kinds if name.startswith(start)), "other"))
            for name, region in alarm_names(cfg, project, stack, default_region)]
