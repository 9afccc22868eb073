"""Rules for cache settings (`launchready:cache`): nothing per-user may become cache-eligible."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def static_prefix_outside_authenticated_paths(cfg: StackConfig) -> Iterator[Problem]:
    for static in cfg.cache.static_path_prefixes:
        for authenticated in cfg.cache.authenticated_path_prefixes:
            if static.startswith(authenticated) or authenticated.startswith(static):
                yield Problem(
                    key("cache.staticPathPrefixes"),
                    f'"{static}" overlaps the authenticated prefix "{authenticated}"',
                    value=static,
                    fix="serve static files from a path outside the authenticated ones",
                )
