"""The alarms a stack declares, by name and region, derived from its config the way the program names them
(components/monitoring.py and components/email.py, both from `components.naming.name_prefix`), without
loading the AWS SDK or running the program. tests/drill/test_alarms.py runs the program under mocks and
keeps this list equal to the MetricAlarms it declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.config import StackConfig
from components.naming import ENDPOINT_KEYS, HEALTH_CHECK_REGION, name_prefix

#: the SES reputation alarms (components/email.py ReputationAlarm keys)
SES_ALARM_KEYS = ("bounce-rate", "complaint-rate")


@dataclass(frozen=True)
class DeclaredAlarm:
    name: str
    region: str
    kind: str  # uptime, latency, errorRate, failedJobs, sesReputation


def declared_alarms(cfg: StackConfig, project: str, stack: str, default_region: str) -> list[DeclaredAlarm]:
    """Every CloudWatch alarm the program declares for this stack, in a stable order."""
    prefix = name_prefix(project, stack)
    alarms = [DeclaredAlarm(f"{prefix}-uptime-{key}", HEALTH_CHECK_REGION, "uptime") for key in ENDPOINT_KEYS.values()]
    alarms += [DeclaredAlarm(f"{prefix}-p95-{rc}", default_region, "latency") for rc in cfg.monitoring.route_classes]
    alarms.append(DeclaredAlarm(f"{prefix}-error-rate", default_region, "errorRate"))
    alarms.append(DeclaredAlarm(f"{prefix}-failed-jobs", default_region, "failedJobs"))
    if cfg.email.enabled:
        alarms += [DeclaredAlarm(f"{prefix}-ses-{key}", cfg.email.ses_region, "sesReputation")
                   for key in SES_ALARM_KEYS]
    return alarms
