"""components/config/rules/cache.py: nothing under an authenticated path may be declared static (cacheable)."""

from __future__ import annotations

import pytest

from components.config import ConfigError, parse_config


@pytest.mark.parametrize(
    ("static", "authenticated"),
    [("/admin/assets/", "/admin"), ("/account", "/account"), ("/", "/api"), ("/api/static/", "/api")],
)
def test_a_static_prefix_overlapping_an_authenticated_one_is_rejected(stack_values, static, authenticated) -> None:
    values, secret = stack_values("prod")
    values["launchready:cache"]["staticPathPrefixes"] = ["/assets/", static]
    values["launchready:cache"]["authenticatedPathPrefixes"] = [authenticated]
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    [problem] = [p for p in info.value.problems if p.path == "launchready:cache.staticPathPrefixes"]
    assert problem.value == static
    assert problem.message == f'"{static}" overlaps the authenticated prefix "{authenticated}"'
    assert "outside the authenticated" in problem.fix


def test_static_prefixes_beside_the_authenticated_ones_are_accepted(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:cache"]["staticPathPrefixes"] = ["/assets/", "/static/", "/apidocs-assets/"]
    values["launchready:cache"]["authenticatedPathPrefixes"] = ["/admin", "/api/"]
    cfg = parse_config(values, secret)
    assert cfg.cache.static_path_prefixes == ["/assets/", "/static/", "/apidocs-assets/"]
