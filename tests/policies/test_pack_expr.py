"""policies/pack_expr.py: the Cloudflare expression evaluator the cache and WAF rules rely on."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.policies.fixtures import load_pack_module

expr = load_pack_module("pack_expr", "pack_expr")
ADMIN = expr.Probe("app.example.com", "/admin/users?page=2", cookies=(("fl_session", "abc"),),
                   headers=(("Authorization", "Bearer t"),))
ASSET = expr.Probe("www.example.com", "/assets/app.CSS")


@pytest.mark.parametrize(("expression", "admin", "asset"), [
    ("true", True, True),
    ("false", False, False),
    ('starts_with(http.request.uri.path, "/admin")', True, False),
    ('ends_with(http.request.uri.path, ".CSS")', False, True),
    ('http.request.uri.path contains "/users"', True, False),
    ('http.request.uri.path eq "/admin/users"', True, False),
    ('http.request.uri.path == "/admin/users"', True, False),
    ('http.request.uri.path ne "/admin/users"', False, True),
    ('http.request.uri.path matches "^/adm[i]n/"', True, False),
    ('http.request.uri.path ~ "users$"', True, False),
    ('http.request.uri.path wildcard "/ADMIN/*"', True, False),  # case-insensitive
    ('http.request.uri.path strict wildcard "/ADMIN/*"', False, False),  # case-sensitive
    ('http.request.full_uri wildcard "https://*.example.com/admin/*"', True, False),
    ('http.request.uri wildcard "/admin/users?page=*"', True, False),
    ('http.request.uri.query eq "page=2"', True, False),
    ('http.request.uri.path.extension in {"css" "js"}', False, True),  # the extension is lower-cased
    ('http.host in {"app.example.com" "api.example.com"}', True, False),
    ('lower(http.host) eq "www.example.com"', False, True),
    ('http.cookie contains "fl_session="', True, False),
    ('http.request.cookies["fl_session"][0] eq "abc"', True, False),
    ('len(http.request.headers["authorization"]) gt 0', True, False),
    ('any(lower(http.request.headers.names[*])[*] eq "authorization")', True, False),
    ('any(http.request.headers["authorization"][*] contains "Bearer")', True, False),
    ('not starts_with(http.request.uri.path, "/admin") and ssl', False, True),
    ('(http.host eq "x" or http.host eq "app.example.com") and not http.cookie contains "zzz"', True, False),
    ('http.host eq "app.example.com" xor http.request.uri.path contains "users"', False, False),
    ("http.host eq \"app.example.com\" || http.request.uri.path contains \"assets\"", True, True),
    ("!(http.host eq \"app.example.com\") && ssl", False, True),
])
def test_known_fields_and_operators(expression: str, admin: bool, asset: bool) -> None:
    assert expr.evaluate(expression, ADMIN) is admin
    assert expr.evaluate(expression, ASSET) is asset


@pytest.mark.parametrize("expression", [
    "cf.bot_management.score gt 30",
    "ip.src in {10.0.0.0/8 2001:db8::/32 192.0.2.1}",
    "ip.src in $office_ips",
    "tcp.dstport in {80 443 8000..8100}",
    'regex_replace(http.request.uri.path, "/a", "/b") eq "/b"',
])
def test_what_is_not_modelled_is_unknown(expression: str) -> None:
    assert expr.evaluate(expression, ADMIN) is None


def test_unknown_is_three_valued() -> None:
    assert expr.evaluate("cf.threat_score gt 1 or true", ADMIN) is True
    assert expr.evaluate("cf.threat_score gt 1 and false", ADMIN) is False
    assert expr.evaluate("not cf.threat_score gt 1", ADMIN) is None


@pytest.mark.parametrize("bad", ['http.host eq', '(http.host eq "a"', 'http.host eq "a" )', "http.host # x",
                                 'http.host in {"a" (}'])
def test_a_malformed_expression_is_an_expression_error(bad: str) -> None:
    with pytest.raises(expr.ExpressionError):
        expr.parse(bad)


def test_literals_feed_the_probes() -> None:
    ast = expr.parse('http.host in {"a.example.com" "b.example.com"} and starts_with(http.request.uri.path, "/x")')
    assert sorted(expr.literals(ast)) == ["/x", "a.example.com", "b.example.com"]


PATHS = st.text(alphabet="/abcAB.-_*[]", min_size=0, max_size=12).map(lambda s: "/" + s)


@given(path=PATHS, prefix=PATHS)
def test_starts_with_and_contains_agree_with_python(path: str, prefix: str) -> None:
    probe = expr.Probe("h.example", path)
    quoted = prefix.replace("\\", "\\\\").replace('"', '\\"')
    assert expr.evaluate(f'starts_with(http.request.uri.path, "{quoted}")', probe) is path.startswith(prefix)
    assert expr.evaluate(f'http.request.uri.path contains "{quoted}"', probe) is (prefix in path)
    assert expr.evaluate(f'http.request.uri.path eq "{quoted}"', probe) is (path == prefix)


@given(path=PATHS, pattern=PATHS)
def test_wildcard_is_a_whole_match_with_star_only(path: str, pattern: str) -> None:
    regex = "".join(".*" if c == "*" else re.escape(c) for c in pattern)
    expected = re.fullmatch(regex, path, re.IGNORECASE | re.DOTALL) is not None
    assert expr.wildcard_match(pattern, path) is expected


@given(st.text(max_size=40))
def test_parse_never_fails_other_than_with_expression_error(text: str) -> None:
    try:
        ast = expr.parse(text)
    except expr.ExpressionError:
        return
    expr.evaluate_node(ast, ADMIN)  # and evaluating what parsed never raises


FROM_V4 = expr.Probe("www.example.com", "/a%2Fb", ip="198.51.100.7")
FROM_V6 = expr.Probe("www.example.com", "/", ip="2001:db8::5")


@pytest.mark.parametrize(("expression", "v4", "v6"), [
    ("ip.src in {0.0.0.0/0 ::/0}", True, True),
    ("ip.src in {0.0.0.0/0}", True, False),
    ("ip.src in {198.51.100.0/24}", True, False),
    ("ip.src eq 198.51.100.7", True, False),
    ("ip.src ne 198.51.100.7", False, True),
    ('url_decode(http.request.uri.path) eq "/a/b"', True, False),
    ('concat(http.host, http.request.uri.path) eq "www.example.com/"', False, True),
    ("not false", True, True),
    ('http.request.uri.path ne ""', True, True),
])
def test_sources_and_tautologies(expression: str, v4: bool, v6: bool) -> None:
    assert expr.evaluate(expression, FROM_V4) is v4
    assert expr.evaluate(expression, FROM_V6) is v6


def test_long_chains_are_one_node_and_never_recurse() -> None:
    chain = " or ".join(f'http.host eq "h{i}.example.com"' for i in range(10_000))
    ast = expr.parse(chain)
    assert ast.kind == "or" and len(ast.args) == 10_000
    assert expr.evaluate_node(ast, expr.Probe("h9999.example.com", "/")) is True
    assert expr.evaluate_node(ast, expr.Probe("other.example.com", "/")) is False
    assert expr.parse(" && ".join(["true"] * 5000)).kind == "and"


def test_only_the_host_known() -> None:
    probe = expr.Probe("a.example.com", "/", only_host=True)
    assert expr.evaluate('http.host eq "b.example.com" and http.request.uri.path eq "/"', probe) is False
    assert expr.evaluate('http.host eq "a.example.com" and http.request.uri.path eq "/"', probe) is None
    assert expr.evaluate('http.request.full_uri wildcard "https://b.example.com/*"', probe) is False
    assert expr.evaluate('http.request.full_uri ne "https://b.example.com/"', probe) is None
