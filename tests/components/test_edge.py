"""The edge component under Pulumi's mocks: zone settings, DNSSEC and every ruleset, as the engine receives
them (wire form: camelCase keys, except inside ZoneSetting.value which is sent verbatim).

The guarantee that matters most, "authenticated traffic is never cache-eligible", is checked twice: the exact
expression and its position (last), and by evaluating the cache rules against concrete requests the way
Cloudflare does (every matching rule applies, the last one wins) with the Rules-language evaluator the
policy pack uses.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest

from components.edge import Edge
from tests.components.conftest import (
    Mutate,
    Recorder,
    StackValues,
    resolved_exports,
    run,
    stack_config,
    start_mocks,
)
from tests.policies.fixtures import load_pack_module

ZONE_PROD = "9a8b7c6d5e4f40312a3b4c5d6e7f8091"
ZONE_STAGING = "5f1c3a0e9b7d42c68e0a1b2c3d4e5f60"
SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
DNSSEC = "cloudflare:index/zoneDnssec:ZoneDnssec"

#: The prod stack's guard, exactly: every signal of an authenticated request, case-insensitive on path and host.
PROD_AUTHENTICATED = (
    '(starts_with(lower(http.request.uri.path), "/admin") or starts_with(lower(http.request.uri.path), "/account")'
    ' or starts_with(lower(http.request.uri.path), "/api") or starts_with(lower(http.request.uri.path), "/login")'
    ' or starts_with(lower(http.request.uri.path), "/logout")'
    ' or starts_with(lower(http.request.uri.path), "/dashboard")'
    ' or lower(http.host) in {"admin.fanloom.io"}'
    ' or http.cookie contains "fl_session=" or http.cookie contains "fl_remember="'
    ' or any(lower(http.request.headers.names[*])[*] eq "authorization"))'
)
PROD_STATIC = (
    '(http.request.uri.path.extension in {"css" "js" "mjs" "png" "jpg" "jpeg" "gif" "svg" "webp" "ico" "woff2"}'
    ' or starts_with(lower(http.request.uri.path), "/assets/")'
    ' or starts_with(lower(http.request.uri.path), "/static/"))'
)
WELL_KNOWN_GUARD = 'not starts_with(lower(http.request.uri.path), "/.well-known/")'


expr = load_pack_module("pack_expr", "_edge_test_pack_expr")


def matches(expression: str, host: str, path: str, cookies: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> bool:
    """Whether a rule expression matches a request; the evaluator must be sure either way."""
    probe = expr.Probe(host=host, path=path, cookies=tuple((cookies or {}).items()),
                       headers=tuple((headers or {}).items()))
    result = expr.evaluate(expression, probe)
    assert result is not None, f"cannot decide {expression!r} for {probe.describe()}"
    return bool(result)


# ---------------------------------------------------------------------------------------------- harness


@dataclass
class Built:
    recorder: Recorder
    edge: Edge
    exports: dict[str, Any] = field(default_factory=dict)

    def of_type(self, typ: str) -> dict[str, dict[str, Any]]:
        return self.recorder.of_type(typ)

    def rules(self, ruleset: str) -> list[dict[str, Any]]:
        return list(self.recorder.inputs[ruleset]["rules"])

    def rule(self, ruleset: str, ref: str) -> dict[str, Any]:
        found = [r for r in self.rules(ruleset) if r["ref"] == ref]
        assert len(found) == 1, f"{ref} in {ruleset}: {len(found)}"
        return found[0]


def build(stack_values: StackValues, stack: str, mutate: Mutate | None = None) -> Built:
    """Build the Edge for an example stack (optionally changed) and wait for every registration."""
    cfg = stack_config(stack_values, stack, mutate)
    recorder = Recorder()
    start_mocks(recorder, stack)
    edge = run(lambda: Edge("edge", cfg))
    return Built(recorder, edge, resolved_exports(edge))


@pytest.fixture
def prod(stack_values) -> Built:
    return build(stack_values, "prod")


@pytest.fixture
def staging(stack_values) -> Built:
    return build(stack_values, "staging")


def free_plan(values: dict[str, Any]) -> None:
    values["launchready:zone"]["plan"] = "free"
    values["launchready:waf"] = {"rateLimits": [
        {"name": "login", "path": "/login", "requestsPerPeriod": 5, "periodSeconds": 10,
         "mitigationTimeoutSeconds": 10},
    ]}


# ---------------------------------------------------------------------------------------------- SSL/TLS


def test_one_zone_setting_per_setting_with_exact_values(prod: Built) -> None:
    settings = prod.of_type(SETTING)
    assert {n: (s["settingId"], s["value"]) for n, s in settings.items() if n != "setting-security-header"} == {
        "setting-ssl": ("ssl", "strict"),
        "setting-always-use-https": ("always_use_https", "on"),
        "setting-min-tls-version": ("min_tls_version", "1.2"),
        "setting-tls-1-3": ("tls_1_3", "on"),
        "setting-automatic-https-rewrites": ("automatic_https_rewrites", "on"),
    }
    assert all(s["zoneId"] == ZONE_PROD for s in settings.values())


def test_hsts_is_sent_snake_case_with_the_prod_max_age(prod: Built) -> None:
    hsts = prod.recorder.inputs["setting-security-header"]
    assert hsts["settingId"] == "security_header"
    # ZoneSetting.value is not translated: these exact keys reach the API (camelCase would diff forever).
    assert hsts["value"] == {"strict_transport_security": {
        "enabled": True, "max_age": 31536000, "include_subdomains": True, "preload": False, "nosniff": True,
    }}


def test_staging_hsts_is_a_day_without_subdomains(staging: Built) -> None:
    hsts = staging.recorder.inputs["setting-security-header"]["value"]["strict_transport_security"]
    assert (hsts["max_age"], hsts["include_subdomains"], hsts["preload"]) == (86400, False, False)


def test_preload_and_tls_13_minimum_follow_the_config(stack_values) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["launchready:tls"] = {"minVersion": "1.3", "hsts": {"includeSubdomains": True, "preload": True}}

    built = build(stack_values, "prod", mutate)
    assert built.recorder.inputs["setting-min-tls-version"]["value"] == "1.3"
    assert built.recorder.inputs["setting-security-header"]["value"]["strict_transport_security"]["preload"] is True
    assert built.exports["edgeSettings"]["min_tls_version"] == "1.3"


def test_dnssec_is_active_and_its_ds_record_is_exported(prod: Built) -> None:
    assert prod.of_type(DNSSEC) == {"dnssec": {"zoneId": ZONE_PROD, "status": "active"}}  # not presigned
    state = prod.recorder.state["dnssec"]
    assert prod.exports["dnssecDs"] == state["ds"]
    assert prod.exports["dnssecDsFields"] == {
        "keyTag": state["keyTag"], "algorithm": "13", "digestType": "2", "digest": state["digest"],
    }


def test_edge_settings_export_is_what_was_declared(prod: Built) -> None:
    declared = {s["settingId"]: s["value"] for s in prod.of_type(SETTING).values()}
    assert prod.exports["edgeSettings"] == declared


# ---------------------------------------------------------------------------------------------- rulesets


def test_one_zone_entry_point_ruleset_per_phase(prod: Built) -> None:
    rulesets = prod.of_type(RULESET)
    assert {n: r["phase"] for n, r in rulesets.items()} == {
        "redirects": "http_request_dynamic_redirect",
        "cache-rules": "http_request_cache_settings",
        "response-headers": "http_response_headers_transform",
        "waf-managed": "http_request_firewall_managed",
        "waf-custom": "http_request_firewall_custom",
        "rate-limits": "http_ratelimit",
    }
    assert all(r["kind"] == "zone" and r["zoneId"] == ZONE_PROD for r in rulesets.values())
    refs = {r["phase"]: [rule["ref"] for rule in r["rules"]] for r in rulesets.values()}
    assert prod.exports["edgeRules"] == refs
    for phase_refs in refs.values():
        assert len(set(phase_refs)) == len(phase_refs)


# ---- redirects


def test_prod_redirects_exactly(prod: Built) -> None:
    hosts = '{"fanloom.io" "www.fanloom.io"}'
    assert prod.rules("redirects") == [
        {"ref": "legacy_pricing_html", "description": "legacy URL /pricing.html -> /pricing", "action": "redirect",
         "expression": f'(http.host in {hosts} and http.request.uri.path eq "/pricing.html" and {WELL_KNOWN_GUARD})',
         "actionParameters": {"fromValue": {"statusCode": 301, "preserveQueryString": True,
                                            "targetUrl": {"value": "https://fanloom.io/pricing"}}}},
        {"ref": "legacy_blog_8caafe", "description": "legacy URL /blog -> /journal", "action": "redirect",
         "expression": f'(http.host in {hosts} and http.request.uri.path eq "/blog" and {WELL_KNOWN_GUARD})',
         "actionParameters": {"fromValue": {"statusCode": 301, "preserveQueryString": True,
                                            "targetUrl": {"value": "https://fanloom.io/journal"}}}},
        {"ref": "legacy_blog_8a7cdb", "description": "legacy URL /blog/* -> /journal/${1}", "action": "redirect",
         "expression": f'(http.host in {hosts} and http.request.uri.path wildcard "/blog/*" and {WELL_KNOWN_GUARD})',
         "actionParameters": {"fromValue": {"statusCode": 308, "preserveQueryString": True, "targetUrl": {
             "expression": 'wildcard_replace(http.request.uri.path, "/blog/*", "https://fanloom.io/journal/${1}")'}}}},
        {"ref": "legacy_creators_signup", "description": "legacy URL /creators/signup -> https://app.fanloom.io/signup",
         "action": "redirect",
         "expression": f'(http.host in {hosts} and http.request.uri.path eq "/creators/signup" and {WELL_KNOWN_GUARD})',
         "actionParameters": {"fromValue": {"statusCode": 301, "preserveQueryString": True,
                                            "targetUrl": {"value": "https://app.fanloom.io/signup"}}}},
        {"ref": "canonical_host", "description": "www.fanloom.io -> fanloom.io, http and https, one hop",
         "action": "redirect", "expression": f'(http.host eq "www.fanloom.io" and {WELL_KNOWN_GUARD})',
         "actionParameters": {"fromValue": {"statusCode": 301, "preserveQueryString": True, "targetUrl": {
             "expression": 'concat("https://fanloom.io", http.request.uri.path)'}}}},
    ]


def first_redirect(built: Built, host: str, path: str) -> str | None:
    """The rule that answers (a redirect is terminating: the first match wins)."""
    for rule in built.rules("redirects"):
        if matches(rule["expression"], host, path):
            return str(rule["ref"])
    return None


@pytest.mark.parametrize(("host", "path", "answered_by"), [
    ("www.fanloom.io", "/", "canonical_host"),
    ("www.fanloom.io", "/pricing.html", "legacy_pricing_html"),  # one hop to the new URL, not via the apex
    ("www.fanloom.io", "/blog/2024/hello", "legacy_blog_8a7cdb"),
    ("fanloom.io", "/blog/2024/hello", "legacy_blog_8a7cdb"),
    ("fanloom.io", "/blog", "legacy_blog_8caafe"),  # the section's own page, which "/blog/*" does not match
    ("fanloom.io", "/pricing", None),
    ("fanloom.io", "/.well-known/acme-challenge/token", None),
    ("www.fanloom.io", "/.well-known/acme-challenge/token", None),
    ("www.fanloom.io", "/.Well-Known/security.txt", None),
    ("app.fanloom.io", "/pricing.html", None),
])
def test_which_redirect_answers_a_request(prod: Built, host: str, path: str, answered_by: str | None) -> None:
    assert first_redirect(prod, host, path) == answered_by


def test_no_redirect_looks_at_the_scheme_so_http_is_one_hop_too(prod: Built) -> None:
    for rule in prod.rules("redirects"):
        assert "ssl" not in rule["expression"] and "http.request.full_uri" not in rule["expression"]
        target = rule["actionParameters"]["fromValue"]["targetUrl"]
        assert target.get("value", "").startswith("https://") or '"https://' in target.get("expression", "")


def test_canonical_www_sends_the_apex_to_www(stack_values) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["launchready:redirects"]["canonical"] = "www"

    built = build(stack_values, "prod", mutate)
    rule = built.rule("redirects", "canonical_host")
    assert rule["expression"] == f'(http.host eq "fanloom.io" and {WELL_KNOWN_GUARD})'
    assert rule["actionParameters"]["fromValue"]["targetUrl"] == {
        "expression": 'concat("https://www.fanloom.io", http.request.uri.path)'}
    assert built.rule("redirects", "legacy_pricing_html")["actionParameters"]["fromValue"]["targetUrl"] == {
        "value": "https://www.fanloom.io/pricing"}


def test_without_www_there_is_no_host_redirect(stack_values) -> None:
    built = build(stack_values, "prod", lambda v: v["launchready:hostnames"].pop("www"))
    assert [r["ref"] for r in built.rules("redirects")] == [
        "legacy_pricing_html", "legacy_blog_8caafe", "legacy_blog_8a7cdb", "legacy_creators_signup"]
    assert all('http.host in {"fanloom.io"}' in r["expression"] for r in built.rules("redirects"))


def test_legacy_paths_that_slug_alike_get_distinct_stable_refs(stack_values) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["launchready:redirects"]["legacy"] = [{"from": "/a.html", "to": "/a"}, {"from": "/a-html", "to": "/b"}]

    refs = [r["ref"] for r in build(stack_values, "prod", mutate).rules("redirects")]
    suffix = [hashlib.sha256(p.encode()).hexdigest()[:6] for p in ("/a.html", "/a-html")]
    assert refs == [f"legacy_a_html_{suffix[0]}", f"legacy_a_html_{suffix[1]}", "canonical_host"]


# ---- cache


def test_cache_rules_static_first_then_the_authenticated_bypass_last(prod: Built) -> None:
    rules = prod.rules("cache-rules")
    assert [r["ref"] for r in rules] == ["cache_static_assets", "bypass_authenticated"]
    static, bypass = rules
    assert bypass == {
        "ref": "bypass_authenticated", "action": "set_cache_settings", "expression": PROD_AUTHENTICATED,
        "description": "LAST, so it wins: authenticated paths, internal hosts, session cookies, Authorization",
        "actionParameters": {"cache": False},
    }
    assert static["expression"] == f"{PROD_STATIC} and not {PROD_AUTHENTICATED}"
    assert static["actionParameters"] == {
        "cache": True,
        "edgeTtl": {"mode": "override_origin", "default": 2592000,
                    "statusCodeTtls": [{"statusCodeRange": {"from": 400, "to": 599}, "value": 0}]},
        "browserTtl": {"mode": "override_origin", "default": 86400},
        "cacheKey": {"cacheDeceptionArmor": True},
    }


def cache_eligible(built: Built, host: str, path: str, **kw: Any) -> bool | None:
    """Cloudflare's evaluation: every matching cache rule applies and the last one's `cache` wins."""
    decision: bool | None = None
    for rule in built.rules("cache-rules"):
        if matches(rule["expression"], host, path, **kw):
            decision = rule["actionParameters"]["cache"]
    return decision


AUTHENTICATED_REQUESTS = [
    pytest.param("fanloom.io", "/admin/users", {}, id="admin-path"),
    pytest.param("fanloom.io", "/admin/app.js", {}, id="admin-path-static-extension"),
    pytest.param("fanloom.io", "/Admin/app.js", {}, id="admin-path-other-case"),
    pytest.param("app.fanloom.io", "/api/v1/me.json", {}, id="api-path"),
    pytest.param("app.fanloom.io", "/account/avatar.png", {}, id="account-path-image"),
    pytest.param("admin.fanloom.io", "/", {}, id="internal-host"),
    pytest.param("admin.fanloom.io", "/assets/app.css", {}, id="internal-host-static"),
    pytest.param("ADMIN.fanloom.io", "/static/app.js", {}, id="internal-host-other-case"),
    pytest.param("app.fanloom.io", "/assets/app.js", {"cookies": {"fl_session": "s3cr3t"}}, id="session-cookie"),
    pytest.param("fanloom.io", "/static/x.png", {"cookies": {"theme": "dark", "fl_remember": "1"}}, id="remember"),
    pytest.param("fanloom.io", "/assets/app.js", {"headers": {"Authorization": "Bearer t"}}, id="authorization"),
    pytest.param("fanloom.io", "/feed.css", {"headers": {"authorization": "Basic x"}}, id="authorization-lower"),
]


@pytest.mark.parametrize(("host", "path", "kw"), AUTHENTICATED_REQUESTS)
def test_an_authenticated_request_is_never_cache_eligible(prod: Built, host: str, path: str, kw: dict) -> None:
    assert cache_eligible(prod, host, path, **kw) is False
    # Defence in depth, each on its own: the bypass alone catches it, and the static rule alone never does.
    static, bypass = prod.rules("cache-rules")
    assert matches(bypass["expression"], host, path, **kw)
    assert not matches(static["expression"], host, path, **kw)


@pytest.mark.parametrize(("host", "path", "eligible"), [
    ("fanloom.io", "/assets/app.3f2a.js", True),
    ("www.fanloom.io", "/static/logo.svg", True),
    ("fanloom.io", "/img/hero.WEBP", True),  # Cloudflare lowercases the extension field
    ("fanloom.io", "/", None),  # HTML: left to Cloudflare's default (not cached)
    ("fanloom.io", "/pricing", None),
])
def test_public_static_assets_are_cache_eligible_and_nothing_else_is(prod: Built, host: str, path: str,
                                                                     eligible: bool | None) -> None:
    assert cache_eligible(prod, host, path) is eligible


def test_the_guard_follows_the_config(stack_values) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["launchready:cache"] = {"sessionCookies": ["sid"], "authenticatedPathPrefixes": ["/me"],
                                       "staticPathPrefixes": ["/build/"], "staticExtensions": ["css"]}
        values["launchready:hostnames"]["ops"] = {"origin": "ops.fly.dev", "purpose": "ops console",
                                                  "internal": True}

    built = build(stack_values, "prod", mutate)
    assert built.rule("cache-rules", "bypass_authenticated")["expression"] == (
        '(starts_with(lower(http.request.uri.path), "/me") or lower(http.host) in {"admin.fanloom.io" '
        '"ops.fanloom.io"} or http.cookie contains "sid=" or '
        'any(lower(http.request.headers.names[*])[*] eq "authorization"))'
    )
    assert cache_eligible(built, "ops.fanloom.io", "/build/a.css") is False
    assert cache_eligible(built, "fanloom.io", "/build/a.css") is True


def test_response_headers_mark_authenticated_traffic_private_and_set_security_headers(prod: Built) -> None:
    assert prod.rules("response-headers") == [
        {"ref": "security_headers", "description": "security headers on every response", "expression": "true",
         "action": "rewrite", "actionParameters": {"headers": {
             "X-Content-Type-Options": {"operation": "set", "value": "nosniff"},
             "Referrer-Policy": {"operation": "set", "value": "strict-origin-when-cross-origin"},
             "X-Frame-Options": {"operation": "set", "value": "DENY"}}}},
        {"ref": "private_no_store", "description": "authenticated responses are never stored by browsers or proxies",
         "expression": PROD_AUTHENTICATED, "action": "rewrite",
         "actionParameters": {"headers": {"Cache-Control": {"operation": "set", "value": "private, no-store"}}}},
    ]


# ---- WAF


def test_paid_plan_runs_cloudflare_managed_and_owasp(prod: Built) -> None:
    assert prod.rules("waf-managed") == [
        {"ref": "managed_cloudflare_managed", "description": "deploy the cloudflare_managed managed ruleset",
         "expression": "true", "action": "execute", "actionParameters": {"id": "efb7b8c949ac4650a09736fc376e9aee"}},
        {"ref": "managed_owasp", "description": "deploy the owasp managed ruleset",
         "expression": "true", "action": "execute", "actionParameters": {"id": "4814384a9e5d4991b9815dcfc25d2f1f"}},
    ]


def test_probes_are_blocked_with_a_404_and_nothing_is_skipped(prod: Built) -> None:
    (rule,) = prod.rules("waf-custom")
    assert rule["ref"] == "block_probes" and rule["action"] == "block"
    assert rule["actionParameters"] == {"response": {"statusCode": 404, "content": "Not found",
                                                     "contentType": "text/plain"}}
    for path in ("/.env", "/app/.ENV.bak", "/.git/config", "/wp-login.php", "/phpmyadmin/index.php"):
        assert matches(rule["expression"], "fanloom.io", path), path
    for path in ("/", "/.well-known/security.txt", "/login", "/assets/app.js"):
        assert not matches(rule["expression"], "fanloom.io", path), path


def test_prod_rate_limits_exactly(prod: Built) -> None:
    assert prod.rules("rate-limits") == [
        {"ref": "ratelimit_login", "description": "5 requests per 60s per client on /login", "action": "block",
         "expression": '(http.request.uri.path eq "/login" and http.request.method in {"POST"})',
         "ratelimit": {"characteristics": ["cf.colo.id", "ip.src"], "period": 60, "requestsPerPeriod": 5,
                       "mitigationTimeout": 600}},
        {"ref": "ratelimit_password_reset", "description": "3 requests per 300s per client on /password/reset",
         "action": "managed_challenge",
         "expression": '(http.request.uri.path eq "/password/reset" and http.request.method in {"POST"})',
         "ratelimit": {"characteristics": ["cf.colo.id", "ip.src"], "period": 300, "requestsPerPeriod": 3,
                       "mitigationTimeout": 3600}},
        {"ref": "ratelimit_api_auth", "description": "20 requests per 60s per client on /api/v1/auth/token",
         "action": "block", "expression": '(http.request.uri.path eq "/api/v1/auth/token")',
         "ratelimit": {"characteristics": ["cf.colo.id", "ip.src"], "period": 60, "requestsPerPeriod": 20,
                       "mitigationTimeout": 600}},
    ]


def test_free_plan_gets_free_managed_a_path_only_rate_limit_and_the_default_block_page(stack_values) -> None:
    built = build(stack_values, "prod", free_plan)
    assert [(r["ref"], r["actionParameters"]) for r in built.rules("waf-managed")] == [
        ("managed_free_managed", {"id": "77454fe2d30c4220b5701f6fdfb893ba"})]
    assert built.rules("rate-limits") == [
        {"ref": "ratelimit_login", "description": "5 requests per 10s per client on /login", "action": "block",
         "expression": '(http.request.uri.path eq "/login")',
         "ratelimit": {"characteristics": ["cf.colo.id", "ip.src"], "period": 10, "requestsPerPeriod": 5,
                       "mitigationTimeout": 10}},
    ]
    (custom,) = built.rules("waf-custom")
    assert "actionParameters" not in custom and custom["action"] == "block"


def test_phases_without_rules_get_no_ruleset(stack_values) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["launchready:waf"] = {"blockPaths": []}

    built = build(stack_values, "prod", mutate)
    assert set(built.of_type(RULESET)) == {"redirects", "cache-rules", "response-headers", "waf-managed"}
    assert set(built.exports["edgeRules"]) == {"http_request_dynamic_redirect", "http_request_cache_settings",
                                                "http_response_headers_transform", "http_request_firewall_managed"}


def test_an_expression_cloudflare_would_refuse_stops_the_edge_before_any_resource(stack_values) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["launchready:waf"]["blockPaths"] = [f"/probe-{i:03d}-{'x' * 40}" for i in range(80)]

    cfg = stack_config(stack_values, "prod", mutate)
    recorder = Recorder()
    start_mocks(recorder, "prod")
    with pytest.raises(pulumi.RunError) as info:
        run(lambda: Edge("edge", cfg))
    assert "launchready:waf.blockPaths: rule block_probes of waf-custom" in str(info.value)
    assert "at most 4096" in str(info.value)
    assert recorder.inputs == {}


# ---------------------------------------------------------------------------------------------- staging vs prod


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) and "ref" in v for v in value):
        out = {}
        for v in value:
            out.update(_flatten(v, f"{path}[{v['ref']}]"))
        return out
    return {path: value}


def test_staging_differs_from_prod_only_where_its_config_does(prod: Built, staging: Built) -> None:
    def normalised(built: Built, domain: str, zone: str) -> dict[str, Any]:
        text = json.dumps(built.recorder.inputs).replace(domain, "DOMAIN").replace(zone, "ZONE")
        return _flatten(json.loads(text))

    p = normalised(prod, "fanloom.io", ZONE_PROD)
    s = normalised(staging, "fanloom-staging.net", ZONE_STAGING)
    differing = {k for k in p.keys() | s.keys() if p.get(k) != s.get(k)}
    hsts = "setting-security-header.value.strict_transport_security"
    legacy_signup = "redirects.rules[legacy_creators_signup]"
    assert {k for k in differing if not k.startswith(("rate-limits.", legacy_signup))} == {
        f"{hsts}.max_age",  # tls.hsts.maxAgeSeconds: 86400 in staging
        f"{hsts}.include_subdomains",  # tls.hsts.includeSubdomains only in prod
        "redirects.rules[legacy_blog_8a7cdb].actionParameters.fromValue.statusCode",  # 308 only in prod
    }
    assert not any(k.startswith(legacy_signup) for k in s)  # only prod has that legacy URL
    assert [r["ref"] for r in staging.rules("rate-limits")] == ["ratelimit_login"]  # waf.rateLimits
    assert staging.rule("rate-limits", "ratelimit_login")["expression"] == '(http.request.uri.path eq "/login")'


def test_building_twice_declares_the_same_thing(stack_values) -> None:
    first = copy.deepcopy(build(stack_values, "prod").recorder.inputs)
    assert build(stack_values, "prod").recorder.inputs == first
