"""Launch Ready's Pulumi components: one ComponentResource per concern, plus the config schema."""

from typing import Protocol

import pulumi


class Exporter(Protocol):
    """A component that contributes stack outputs (the handover and the operator tools read them)."""

    def exports(self) -> dict[str, pulumi.Input[object]]: ...
