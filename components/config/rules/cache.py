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


@rule
def cache_prefixes_have_no_wildcards(cfg: StackConfig) -> Iterator[Problem]:
    """Prefixes are matched with `starts_with`, where "*" is a literal character: "/admin/*" would not keep
    /admin/users out of the cache, which is what it was written for."""
    for field, prefixes in (("staticPathPrefixes", cfg.cache.static_path_prefixes),
                            ("authenticatedPathPrefixes", cfg.cache.authenticated_path_prefixes)):
        for i, prefix in enumerate(prefixes):
            if "*" in prefix:
                yield Problem(
                    key(f"cache.{field}[{i}]"),
                    'a prefix already covers everything below it, and "*" would be matched as a literal star',
                    value=prefix,
                    fix=f'write the prefix alone: "{prefix.split("*", 1)[0]}"',
                )
