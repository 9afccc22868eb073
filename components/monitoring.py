"""Uptime health checks, latency/error/job alarms, log groups with data protection, and the dashboard.

Skeleton: filled in by issue 5.
"""

from __future__ import annotations

import pulumi

from components.alerts import AlertRouting
from components.config import StackConfig


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
        self.register_outputs({})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {}
