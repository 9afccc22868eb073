"""launchready/diagram/expressions.py: which hosts a rule applies to, read from its expression."""

from __future__ import annotations

import pytest

from launchready.diagram.expressions import host_scope

HOSTS = ["example.com", "www.example.com", "app.example.com", "admin.example.com"]


@pytest.mark.parametrize(("expression", "expected", "all_hosts"), [
    ("true", HOSTS, True),
    ('(http.request.uri.path eq "/login" and http.request.method in {"POST"})', HOSTS, True),
    ('(http.host eq "www.example.com" and not starts_with(lower(http.request.uri.path), "/.well-known/"))',
     ["www.example.com"], False),
    ('http.host in {"example.com" "www.example.com"} and http.request.uri.path eq "/a"',
     ["example.com", "www.example.com"], False),
    ('not (lower(http.host) in {"admin.example.com"})', ["example.com", "www.example.com", "app.example.com"], False),
    ('starts_with(http.request.uri.path, "/static/") and not (http.cookie contains "s=" or '
     'lower(http.host) in {"admin.example.com"})', ["example.com", "www.example.com", "app.example.com"], False),
    ('http.cookie contains "s=" or lower(http.host) in {"admin.example.com"}', HOSTS, False),
    ('http.host wildcard "*.example.com"', ["www.example.com", "app.example.com", "admin.example.com"], False),
    ('ends_with(http.host, "app.example.com")', ["app.example.com"], False),
    ('http.host ne "app.example.com"', ["example.com", "www.example.com", "admin.example.com"], False),
    ('starts_with(http.request.full_uri, "https://admin.example.com/")', HOSTS, False),  # unknown, not "all"
    ("this is (not an expression", HOSTS, True),
])
def test_rule_applies_to_the_hosts_its_expression_can_match(expression: str, expected: list[str],
                                                            all_hosts: bool) -> None:
    scope = host_scope(expression)
    assert [h for h in HOSTS if scope.applies_to(h)] == expected
    assert scope.all_hosts is all_hosts
