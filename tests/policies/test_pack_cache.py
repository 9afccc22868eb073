"""policies/pack_cache.py: what makes a request sensitive, static assets, the probes built from a rule's own
literals, last match wins, and the linear shape (one hashed set per rule, hosts a rule cannot match
dropped before any path is tried)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from launchready import PROJECT_ROOT


@pytest.fixture(scope="module")
def pc() -> Iterator[ModuleType]:
    sys.path.insert(0, str(PROJECT_ROOT / "policies"))
    try:
        import pack_cache

        yield pack_cache
    finally:
        sys.path.remove(str(PROJECT_ROOT / "policies"))


def signals(pc: ModuleType, **overrides: object) -> object:
    values = {"prefixes": ["/admin", "/account/"], "cookies": ["sid"], "internal_hosts": {"ops.example.com"},
              "internal_labels": ["admin", "ops"], "public_hosts": ["www.example.com"], **overrides}
    return pc.Signals(**values)


@pytest.mark.parametrize(("path", "static"), [
    ("/assets/app", True), ("/static/x/y", True), ("/x.JS", True), ("/admin/app.css", True),
    ("/account/avatar.png", True), ("/admin/assets/x", False), ("/account", False), ("/", False),
    ("/page.html", False), ("/api/data.json?x=1", False), ("/favicon.ico", True),
])
def test_static_assets(pc: ModuleType, path: str, static: bool) -> None:
    assert signals(pc).static(path) is static


def test_what_makes_a_request_sensitive(pc: ModuleType) -> None:
    s = signals(pc)
    probe = pc.Probe
    assert s.danger(probe("admin.example.com", "/")) == pc.INTERNAL_HOST  # by convention
    assert s.danger(probe("ops.example.com", "/x")) == pc.INTERNAL_HOST  # configured
    assert s.danger(probe("www.example.com", "/ADMIN/users")) == pc.AUTH_PATH  # case-insensitive prefix
    assert s.danger(probe("www.example.com", "/administrator")) is None  # a prefix is a path segment
    assert s.danger(probe("www.example.com", "/", cookies=(("sid", "1"),))) == pc.CREDENTIAL
    assert s.danger(probe("www.example.com", "/", cookies=(("theme", "dark"),))) is None
    assert s.danger(probe("www.example.com", "/", headers=(("authorization", "x"),))) == pc.CREDENTIAL
    assert s.danger(probe("admin.example.com", "/app.js", cookies=(("sid", "1"),))) is None  # static


def test_prefixes_are_normalised(pc: ModuleType) -> None:
    s = signals(pc, prefixes=["/Admin*", "api/", " /account/ ", "/"])
    assert s.prefixes == ["/account", "/admin", "/api"]
    assert s.authenticated("/admin/x") and s.authenticated("/API") and not s.authenticated("/apiary")


def test_regex_literals_become_example_paths(pc: ModuleType) -> None:
    assert pc._regex_example("^/adm[i]n/.*$") == "/admin/x"
    assert pc._regex_example("^/(account|billing)/\\d+") == "/account/x"
    assert pc._regex_example("\\.css$") is None


def rule(pc: ModuleType, index: int, expression: str, eligible: bool, override: bool = True) -> object:
    from pack_expr import parse

    return pc.CacheRule(index, str(index), parse(expression), eligible, override)


def test_the_last_matching_rule_wins(pc: ModuleType) -> None:
    bypass = 'starts_with(http.request.uri.path, "/admin") or http.cookie contains "sid"'
    rules = [rule(pc, 0, "true", True), rule(pc, 1, bypass, False)]
    judge = pc.Judge(rules, pc.Universe(signals(pc, internal_hosts=set(), internal_labels=[])))
    hit = judge.sensitive_match(rules[0])
    assert hit is not None and hit[0].headers  # the Authorization header is not bypassed
    rules = [rule(pc, 0, bypass, False), rule(pc, 1, "true", True)]
    judge = pc.Judge(rules, pc.Universe(signals(pc, internal_hosts=set(), internal_labels=[])))
    hit = judge.sensitive_match(rules[1])
    assert hit is not None  # the bypass came first: the later rule wins for every request


def test_respecting_the_origin_ignores_credentials_not_paths(pc: ModuleType) -> None:
    universe = pc.Universe(signals(pc, internal_hosts=set(), internal_labels=[]))
    blog = rule(pc, 0, 'starts_with(http.request.uri.path, "/blog/")', True, override=False)
    assert pc.Judge([blog], universe).sensitive_match(blog) is None
    account = rule(pc, 0, 'starts_with(http.request.uri.path, "/account/")', True, override=False)
    assert pc.Judge([account], universe).sensitive_match(account) is not None


def test_a_big_set_is_hashed_once_and_other_hosts_are_dropped(pc: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    import pack_expr

    built = []
    original = pack_expr._SetIndex

    def counting(values: list[object]) -> object:
        built.append(len(values))
        return original(values)

    monkeypatch.setattr(pack_expr, "_SetIndex", counting)
    names = " ".join(f'"h{i}.example.com"' for i in range(10_000))
    big = rule(pc, 0, f"http.host in {{{names}}} and http.request.uri.path eq \"/x\"", True)
    universe = pc.Universe(signals(pc))
    assert universe.hosts_for(big.ast, big.seen, ["h1.example.com"]) == ["h1.example.com"]
    assert pc.Judge([big], universe).sensitive_match(big) is not None  # h1.example.com/x with a cookie
    assert built == [10_000]
