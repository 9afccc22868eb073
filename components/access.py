"""Cloudflare Zero Trust Access for internal hostnames (admin by default).

Skeleton: filled in by issue 3.
"""

from __future__ import annotations

import pulumi

from components.config import StackConfig


class AccessApps(pulumi.ComponentResource):
    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("launchready:access:Apps", name, None, opts)
        self.register_outputs({})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {}
