"""Rules for the app's secrets (`launchready:secrets`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def recovery_window_allowed(cfg: StackConfig) -> Iterator[Problem]:
    window = cfg.secret_recovery_window_days
    if not 7 <= window <= 30:
        yield Problem(key("secrets.recoveryWindowDays"), "must be between 7 and 30 days", value=str(window))
    elif cfg.is_prod and window < 30:
        yield Problem(
            key("secrets.recoveryWindowDays"),
            "prod keeps deleted secrets restorable for 30 days",
            value=str(window),
            fix="remove the key (30 in prod)",
        )


@rule
def secret_names_unique(cfg: StackConfig) -> Iterator[Problem]:
    names = [s.name for s in cfg.secrets.items]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        yield Problem(key("secrets.items"), "secret names must be unique", value=dup)
