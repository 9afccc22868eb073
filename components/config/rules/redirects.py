"""Rules for the canonical host and legacy URLs (`launchready:redirects`): one Single Redirect rule per
legacy URL plus one from the other of apex/www, within the plan's quota."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.redirects import REDIRECT_RULE_LIMITS
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def canonical_www_is_declared(cfg: StackConfig) -> Iterator[Problem]:
    if cfg.redirects.canonical == "www" and "www" not in cfg.hostnames:
        yield Problem(
            key("redirects.canonical"),
            "canonical host is www but no www hostname is declared",
            value="www",
            fix='declare hostnames.www or set redirects.canonical to "apex"',
        )


@rule
def legacy_url_listed_once(cfg: StackConfig) -> Iterator[Problem]:
    froms = [item.from_ for item in cfg.redirects.legacy]
    for i, source in enumerate(froms):
        if source in froms[:i]:
            yield Problem(
                key(f"redirects.legacy[{i}].from"),
                "listed twice; only the first entry would ever redirect",
                value=source,
                fix="remove the duplicate",
            )


@rule
def redirects_within_plan_quota(cfg: StackConfig) -> Iterator[Problem]:
    legacy = len(cfg.redirects.legacy)
    count = legacy + (1 if "www" in cfg.hostnames else 0)
    limit = REDIRECT_RULE_LIMITS[cfg.zone.plan]
    if count > limit:
        yield Problem(
            key("redirects.legacy"),
            f"{count} redirect rules (the legacy URLs and the apex/www rule); the "
            f"{cfg.zone.plan.value} plan allows {limit}",
            value=str(legacy),
            fix="drop legacy URLs nobody visits any more, merge them into wildcard rules, or upgrade the plan",
        )
