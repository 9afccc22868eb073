"""Alert routing: SNS topics with email and webhook subscriptions, one topic per region that alarms live in.

CloudWatch alarm actions can only reach a topic in the alarm's own region, and Route 53 health-check
metrics exist only in us-east-1, so the topic is declared once per region the stack's alarms use.
"""

from __future__ import annotations

import pulumi

from components.config import StackConfig

#: Route 53 publishes health-check metrics only here.
HEALTH_CHECK_REGION = "us-east-1"


def alert_regions(cfg: StackConfig, default_region: str) -> list[str]:
    """Every region an alarm of this stack lives in, in a stable order."""
    regions = [default_region, HEALTH_CHECK_REGION]
    if cfg.email.enabled:
        regions.append(cfg.email.ses_region)
    return list(dict.fromkeys(regions))


class AlertRouting(pulumi.ComponentResource):
    """SNS topics (one per region in `regions`) and their subscriptions. Skeleton: filled in by issue 5."""

    def __init__(
        self, name: str, cfg: StackConfig, regions: list[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:monitoring:AlertRouting", name, None, opts)
        self.regions = regions
        self._topic_arns: dict[str, pulumi.Output[str]] = {}
        self.register_outputs({})

    def topic_arn(self, region: str) -> pulumi.Output[str]:
        """The ARN of the alert topic in `region` (one of `regions`)."""
        return self._topic_arns[region]

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {}
