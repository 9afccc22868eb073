"""The app's secrets in AWS Secrets Manager, encrypted with a customer-managed KMS key.

Skeleton: filled in by issue 5.
"""

from __future__ import annotations

import pulumi

from components.config import StackConfig


class AppSecrets(pulumi.ComponentResource):
    def __init__(
        self, name: str, cfg: StackConfig, project: str, stack: str, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:secrets:AppSecrets", name, None, opts)
        self.register_outputs({})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {}
