"""Rules for who may reach internal hostnames (`launchready:access`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def someone_may_reach_internal_hostnames(cfg: StackConfig) -> Iterator[Problem]:
    if cfg.internal_labels and not cfg.access.has_anyone:
        yield Problem(
            key("access"),
            f"internal hostnames ({', '.join(cfg.internal_labels)}) have nobody allowed in",
            fix="add allowEmails, allowEmailDomains or allowGroups",
        )
