"""Email through Amazon SES: identity, Easy DKIM, MAIL FROM, SPF, DMARC, reputation alarms.

Skeleton: filled in by issue 4.
"""

from __future__ import annotations

import pulumi

from components.alerts import AlertRouting
from components.config import StackConfig


class EmailSending(pulumi.ComponentResource):
    def __init__(
        self, name: str, cfg: StackConfig, alerts: AlertRouting, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:email:Sending", name, None, opts)
        self.register_outputs({})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {}
