"""Launch Ready's Pulumi components: one ComponentResource per concern, plus the config schema.

Importing the package loads nothing: `components.config`, `components.naming` and `components.facts` are
read by the operator tools without the Pulumi SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pulumi


class Exporter(Protocol):
    """A component that contributes stack outputs (the handover and the operator tools read them)."""

    def exports(self) -> dict[str, pulumi.Input[object]]: ...
