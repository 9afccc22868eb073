"""The one list of cross-field rules, and the decorator that adds a rule to it.

A rule is a small function `(cfg) -> Iterator[Problem]` in the module of its area (`rules/email.py`, ...),
decorated with `@rule` (or `@rule.when(condition)` when it applies only to some stacks). Rules run in
registration order: the order `rules/__init__.py` imports the area modules, then definition order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from components.config.problems import Problem

if TYPE_CHECKING:
    from components.config.stack import StackConfig

Check = Callable[["StackConfig"], Iterator[Problem]]
Condition = Callable[["StackConfig"], bool]


@dataclass(frozen=True)
class Rule:
    check: Check
    applies: Condition | None = None

    @property
    def name(self) -> str:
        return f"{self.check.__module__.rsplit('.', 1)[-1]}.{self.check.__name__}"

    def __call__(self, cfg: StackConfig) -> Iterator[Problem]:
        if self.applies is None or self.applies(cfg):
            yield from self.check(cfg)


RULES: list[Rule] = []


class _Register:
    """`@rule` registers a check; `@rule.when(cond)` registers one that runs only when `cond(cfg)`."""

    def __call__(self, check: Check) -> Check:
        RULES.append(Rule(check))
        return check

    def when(self, applies: Condition) -> Callable[[Check], Check]:
        def register(check: Check) -> Check:
            RULES.append(Rule(check, applies))
            return check

        return register


rule = _Register()


def check(cfg: StackConfig) -> Iterator[Problem]:
    """Every problem every registered rule finds in `cfg`."""
    for registered in RULES:
        yield from registered(cfg)
