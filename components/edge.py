"""Cloudflare edge: SSL/TLS zone settings, DNSSEC, redirects, cache rules, WAF, rate limits, headers.

Skeleton: filled in by issue 3.
"""

from __future__ import annotations

import pulumi

from components.config import StackConfig


class Edge(pulumi.ComponentResource):
    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("launchready:edge:Edge", name, None, opts)
        self.register_outputs({})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {}
