"""policies/pack_cloudflare_ruleset.py: every cloudflare-ruleset-* rule (cache rules, redirects, WAF custom and
managed phases, rate limits) against its pass_*/fail_* fixtures, over the Analyzer gRPC protocol, asserting
the exact set of violations. The cache fixtures are written the way people write cache rules by hand."""

from __future__ import annotations

from typing import Any

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    ZONE,
    Case,
    Cases,
    M,
    app,
    found,
    record,
    res,
    ruleset,
)

CASES = Cases()
case = CASES.add

CACHE_AUTH = "cloudflare-ruleset-disallow-cache-authenticated-traffic"
CACHE_ALL = "cloudflare-ruleset-disallow-cache-everything-without-guard"
CACHE = "http_request_cache_settings"

BYPASS = ('(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, "/account") or '
          'http.host in {"admin.example.com"} or http.cookie contains "fl_session=" or '
          'any(lower(http.request.headers.names[*])[*] eq "authorization"))')
STATIC = '(http.request.uri.path.extension in {"css" "js" "png"} or starts_with(http.request.uri.path, "/assets/"))'
CACHE_CONFIG = {"authenticatedPathPrefixes": ["/admin", "/account"], "sessionCookies": ["fl_session"],
                "internalHosts": ["admin.example.com"]}
CACHE_RULES_CONFIG = {CACHE_AUTH: CACHE_CONFIG, CACHE_ALL: {"sessionCookies": ["fl_session"]}}


def cache_rule(ref: str, expression: str, cache: bool, mode: str | None = "override_origin",
               **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"cache": cache}
    if cache and mode:
        params["edgeTtl"] = {"mode": mode, "default": 86400}
    return {"ref": ref, "expression": expression, "action": "set_cache_settings", "actionParameters": params,
            **extra}


def cache_case(name: str, rules: list[dict[str, Any]], *rules_hit: str, rule: str = CACHE_AUTH,
               extra: list[dict[str, Any]] | None = None, config: dict[str, Any] | None = None) -> None:
    case(rule, name, [ruleset(name, CACHE, rules), *(extra or [])], {(r, M, name) for r in rules_hit},
         config=CACHE_RULES_CONFIG if config is None else config)


ZONE_RES = res(ZONE, "zone", {"accountId": "a", "name": "example.com"})
ADMIN_DNS = record("admin-dns", "admin.example.com", "CNAME", "admin.fly.dev", proxied=True)
ADMIN_APP = app("admin-app", "admin.example.com")  # internal by convention, behind Access
WWW_DNS = record("www-dns", "www.example.com", "CNAME", "web.fly.dev", proxied=True)

# ---- kept from the first pack (the cache-everything cases are CACHE_ALL's) ----
cache_case("pass_static_then_bypass_last", [cache_rule("s", STATIC, True), cache_rule("b", BYPASS, False)])
cache_case("pass_bypass_only", [cache_rule("b", BYPASS, False)])
cache_case("pass_static_host_scoped", [
    cache_rule("s", '(http.host eq "static.example.com" and http.request.uri.path.extension in {"css" "js"})', True),
    cache_rule("b", BYPASS, False)])
cache_case("pass_disabled_cache_everything", [cache_rule("all", "true", True, enabled=False)], rule=CACHE_ALL)
cache_case("fail_bypass_first", [cache_rule("b", BYPASS, False), cache_rule("p", 'http.request.uri.path.extension '
                                                                                 'in {"html" "json"}', True)],
           CACHE_AUTH)
cache_case("fail_starts_with_admin", [cache_rule("a", 'starts_with(http.request.uri.path, "/admin/reports")', True)],
           CACHE_AUTH)
cache_case("fail_contains_account", [cache_rule("a", 'http.request.uri.path contains "/account"', True)], CACHE_AUTH)
cache_case("fail_wildcard_admin", [cache_rule("a", 'http.request.full_uri wildcard "https://*/ADMIN/*"', True)],
           CACHE_AUTH)
cache_case("fail_eq_admin", [cache_rule("a", 'http.request.uri.path eq "/admin"', True)], CACHE_AUTH)
cache_case("fail_matches_admin", [cache_rule("a", 'http.request.uri.path matches "^/adm[i]n"', True)], CACHE_AUTH)
cache_case("fail_in_set_account", [cache_rule("a", 'http.request.uri.path in {"/pricing" "/account"}', True)],
           CACHE_AUTH)
cache_case("fail_unknown_field", [cache_rule("a", "cf.bot_management.score gt 10", True)],
           CACHE_AUTH)  # a field the analysis does not model: it cannot be proved safe
cache_case("fail_unreadable_expression", [cache_rule("a", "http.request.uri.path eq", True)], CACHE_AUTH)
cache_case("fail_cache_everything", [cache_rule("all", "true", True)], CACHE_AUTH, CACHE_ALL, rule=CACHE_ALL)
cache_case("fail_internal_host", [cache_rule("a", 'http.host eq "admin.example.com"', True)], CACHE_AUTH, CACHE_ALL)
cache_case("fail_cache_everything_paths_bypassed", [
    cache_rule("all", "true", True),
    cache_rule("b", '(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, '
                    '"/account") or http.host eq "admin.example.com")', False)], CACHE_AUTH, CACHE_ALL, rule=CACHE_ALL)
cache_case("pass_cache_everything_with_bypass", [cache_rule("all", "true", True), cache_rule("b", BYPASS, False)],
           rule=CACHE_ALL)
# the guard in the rule itself covers credentials, so only the guard rule is satisfied: /admin is still cached
cache_case("fail_cache_everything_self_guarded", [cache_rule(
    "all", 'not http.cookie contains "fl_session" and not any(lower(http.request.headers.names[*])[*] eq '
           '"authorization")', True)], CACHE_AUTH)
cache_case("fail_cache_everything_cookie_guard_only", [
    cache_rule("all", "true", True),
    cache_rule("b", '(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, '
                    '"/account") or http.host eq "admin.example.com" or http.cookie contains "fl_session")', False)],
    CACHE_AUTH, CACHE_ALL, rule=CACHE_ALL)  # the Authorization header is not guarded

# ---- static assets are safe whoever asks for them (they were rejected before) ----
cache_case("pass_static_without_bypass", [cache_rule("s", STATIC, True)])
cache_case("pass_assets_guarded_cookie_only", [cache_rule(
    "a", 'starts_with(http.request.uri.path, "/assets/") and not http.cookie contains "fl_session="', True)])
cache_case("pass_static_first_then_bypass_first_order", [cache_rule("b", BYPASS, False), cache_rule("s", STATIC, True)])
cache_case("pass_assets_prefix_default_config", [cache_rule("assets", 'starts_with(http.request.uri.path, '
                                                                      '"/assets/")', True)], config={})
cache_case("pass_hashed_bundles_regex", [cache_rule(
    "h", r'http.request.uri.path matches "\\.[0-9a-f]{8}\\.(js|css)$"', True)], config={})
cache_case("pass_file_types_ends_with_or", [cache_rule(
    "t", 'ends_with(http.request.uri.path, ".woff2") || ends_with(http.request.uri.path, ".svg") || '
         'http.request.uri.path.extension == "webp"', True)], config={})
cache_case("pass_static_everywhere_with_internal_dns", [cache_rule("s", STATIC, True)], config={},
           extra=[ADMIN_DNS, ADMIN_APP])
# respecting the origin's Cache-Control (the Cloudflare default) is safe for signed-in visitors' requests
cache_case("pass_blog_respect_origin", [cache_rule("blog", 'starts_with(http.request.uri.path, "/blog/")', True,
                                                   mode="respect_origin")], config={})
cache_case("pass_blog_no_edge_ttl", [cache_rule("blog", 'http.request.uri.path wildcard "/blog/*"', True,
                                                mode=None)], config={})
cache_case("fail_blog_overriding_origin_with_session", [cache_rule(
    "blog", 'starts_with(http.request.uri.path, "/blog/")', True)], CACHE_AUTH, config={})

# ---- every field and operator, against the zone's real hostnames and authenticated paths ----
cache_case("fail_full_uri_wildcard_every_subdomain", [cache_rule(
    "w", 'http.request.full_uri wildcard "https://*.example.com/*"', True, mode="respect_origin")], CACHE_AUTH,
    config={}, extra=[ZONE_RES, WWW_DNS, ADMIN_DNS, ADMIN_APP])
cache_case("fail_host_ne_www_reaches_the_admin_host", [cache_rule(
    "h", 'http.host ne "www.example.com" and not starts_with(http.request.uri.path, "/admin")', True,
    mode="respect_origin")], CACHE_AUTH, config={}, extra=[WWW_DNS, ADMIN_DNS, ADMIN_APP])
cache_case("fail_ends_with_zone_host_conventional_internal", [cache_rule(
    "h", 'ends_with(http.host, ".example.com") and http.request.uri.path eq "/"', True, mode="respect_origin")],
    CACHE_AUTH, config={}, extra=[ZONE_RES])
cache_case("pass_host_in_public_set_assets", [cache_rule(
    "h", 'http.host in {"www.example.com" "cdn.example.com"} and starts_with(http.request.uri.path, "/assets/")',
    True)], config={}, extra=[ZONE_RES, WWW_DNS, ADMIN_DNS, ADMIN_APP])
cache_case("fail_or_chain_symbols", [cache_rule(
    "o", 'http.request.uri.path == "/pricing" || http.request.uri.path == "/account/settings"', True)], CACHE_AUTH)
cache_case("fail_lower_starts_with_default_prefix", [cache_rule(
    "l", 'starts_with(lower(http.request.uri.path), "/dashboard")', True, mode="respect_origin")], CACHE_AUTH,
    config={})
cache_case("fail_uri_with_query_contains_api", [cache_rule(
    "q", 'http.request.uri contains "/api/" and http.request.method eq "GET"', True, mode="respect_origin")],
    CACHE_AUTH, config={})
cache_case("fail_strict_wildcard_uri", [cache_rule(
    "s", 'http.request.uri.path strict wildcard "/login*"', True, mode="respect_origin")], CACHE_AUTH, config={})
cache_case("fail_not_bang_negation", [cache_rule(
    "n", '!(http.request.uri.path.extension in {"css" "js"}) && http.host eq "www.example.com"', True)],
    CACHE_AUTH, CACHE_ALL, config={}, extra=[WWW_DNS])
cache_case("fail_access_app_path_is_authenticated", [cache_rule(
    "b", 'starts_with(http.request.uri.path, "/billing")', True, mode="respect_origin")], CACHE_AUTH, config={},
    extra=[app("billing", "www.example.com/billing")])
cache_case("pass_public_pages_respect_origin_with_bypass", [
    cache_rule("pages", 'http.host eq "www.example.com" and not starts_with(http.request.uri.path, "/account")',
               True, mode="respect_origin"),
    cache_rule("b", BYPASS, False)], extra=[WWW_DNS])
cache_case("fail_ruleset_rules_not_judged_later_rule_wins", [
    cache_rule("b", BYPASS, False), cache_rule("all", "true", True, mode="respect_origin")], CACHE_AUTH)

# ---- respect-origin rules on a public host: Cloudflare never caches Set-Cookie/private responses under them ----
ACME = [res(ZONE, "acme-zone", {"accountId": "acc", "name": "acme.dev", "type": "full"}),
        record("acme-www", "www.acme.dev", "CNAME", "web.fly.dev", proxied=True),
        record("acme-apex", "acme.dev", "CNAME", "web.fly.dev", proxied=True),
        record("acme-admin", "admin.acme.dev", "CNAME", "admin.fly.dev", proxied=True),
        app("acme-admin-app", "admin.acme.dev")]
WWW = 'http.host eq "www.acme.dev"'
OVERRIDE = {"mode": "override_origin", "default": 3600}


def www_rule(ref: str, expression: str = WWW, cache: bool = True, **params: Any) -> dict[str, Any]:
    return {"ref": ref, "expression": expression, "action": "set_cache_settings", "enabled": True,
            "actionParameters": {"cache": cache, **params}}


def www_case(name: str, rules: list[dict[str, Any]], *rules_hit: str, config: dict[str, Any] | None = None) -> None:
    cache_case(name, rules, *rules_hit, extra=ACME, config={} if config is None else config)


www_case("pass_www_cache_true_no_edge_ttl", [www_rule("www")])
www_case("pass_www_respect_origin", [www_rule("www", edgeTtl={"mode": "respect_origin"})])
www_case("pass_apex_and_www_respect_origin_browser_ttl", [www_rule(
    "pages", 'http.host in {"acme.dev" "www.acme.dev"}', edgeTtl={"mode": "respect_origin"},
    browserTtl={"mode": "respect_origin"})])
cache_case("pass_everything_respect_origin_no_internal_host", [www_rule("all", "true")], config={},
           extra=ACME[:3])  # ops.acme.dev, staff.acme.dev... are only assumed: no such records
cache_case("fail_everything_respect_origin_reaches_the_admin_host", [www_rule("all", "true")], CACHE_AUTH,
           config={}, extra=ACME)  # admin.acme.dev exists, behind Access: cache everything there is refused
cache_case("fail_everything_override_origin_no_internal_host", [www_rule("all", "true", edgeTtl=OVERRIDE)],
           CACHE_AUTH, CACHE_ALL, config={}, extra=ACME[:3])
www_case("fail_www_respect_origin_on_admin_path", [www_rule(
    "admin", f'{WWW} and starts_with(http.request.uri.path, "/admin")', edgeTtl={"mode": "respect_origin"})],
    CACHE_AUTH)
www_case("fail_respect_origin_on_internal_host", [www_rule("staff", 'http.host eq "admin.acme.dev"')], CACHE_AUTH)
www_case("fail_www_respect_origin_declared_account_path", [www_rule("www", edgeTtl={"mode": "respect_origin"})],
         CACHE_AUTH, config={CACHE_AUTH: {"authenticatedPathPrefixes": ["/me"]}})
www_case("fail_www_override_origin_unguarded", [www_rule("www", edgeTtl=OVERRIDE)], CACHE_AUTH, CACHE_ALL)
www_case("fail_www_override_origin_on_account", [www_rule(
    "acct", f'{WWW} and http.request.uri.path wildcard "/account/*"', edgeTtl=OVERRIDE)], CACHE_AUTH)

# ---- override-origin rules on www guarded against every signal of a signed-in request ----
COOKIE_BYPASS = www_rule("no-session", 'http.cookie contains "session"', cache=False)
for _i, _header_bypass in enumerate([
        'http.request.headers["authorization"][0] ne ""',
        'len(http.request.headers["authorization"]) gt 0',
        'any(lower(http.request.headers.names[*])[*] eq "authorization")',
        'any(http.request.headers.names[*] in {"Authorization" "authorization"})',
        'any(lower(http.request.headers.names[*])[*] in {"authorization"}) or http.cookie contains "sessionid"']):
    www_case(f"pass_www_override_with_later_bypasses_{_i}", [
        www_rule("www", edgeTtl=OVERRIDE), COOKIE_BYPASS, www_rule("no-auth", _header_bypass, cache=False)])
www_case("pass_www_override_self_guarded", [www_rule(
    "www", f'{WWW} and not http.cookie contains "session" and not any(lower(http.request.headers.names[*])[*] eq '
           '"authorization")', edgeTtl=OVERRIDE)])
www_case("pass_www_override_guarded_len_eq_0_and_path_excluded", [www_rule(
    "www", f'{WWW} and not starts_with(http.request.uri.path, "/me") and not http.cookie contains "session" and '
           'len(http.request.headers["authorization"]) eq 0', edgeTtl=OVERRIDE)],
    config={CACHE_AUTH: {"authenticatedPathPrefixes": ["/me"]}})
www_case("pass_www_override_guard_not_ne_empty", [www_rule(
    "www", f'{WWW} and not http.cookie contains "session" and not http.request.headers["authorization"][0] ne ""',
    edgeTtl=OVERRIDE)])
www_case("pass_www_override_earlier_bypass_then_later_bypass", [
    COOKIE_BYPASS, www_rule("www", edgeTtl=OVERRIDE),
    www_rule("no-auth-or-session", 'http.cookie contains "session" or len(http.request.headers["authorization"]) '
                                   'gt 0', cache=False)])
www_case("fail_www_override_bypass_before_it_is_overridden", [
    www_rule("no-session", 'http.cookie contains "session" or len(http.request.headers["authorization"]) gt 0',
             cache=False), www_rule("www", edgeTtl=OVERRIDE)], CACHE_AUTH, CACHE_ALL)  # the last match wins
www_case("fail_www_override_cookie_guard_only", [www_rule(
    "www", f'{WWW} and not http.cookie contains "session"', edgeTtl=OVERRIDE)], CACHE_AUTH, CACHE_ALL)
www_case("fail_www_override_case_sensitive_header_name_guard", [www_rule(
    "www", f'{WWW} and not http.cookie contains "session" and not any(http.request.headers.names[*] == '
           '"Authorization")', edgeTtl=OVERRIDE)], CACHE_AUTH, CACHE_ALL)  # HTTP/2 sends "authorization"
www_case("fail_www_override_guarded_but_declared_path_cached", [www_rule(
    "www", f'{WWW} and not http.cookie contains "session" and len(http.request.headers["authorization"]) eq 0',
    edgeTtl=OVERRIDE)], CACHE_AUTH, config={CACHE_AUTH: {"authenticatedPathPrefixes": ["/me"]}})

# ---- redirects, WAF ----
REDIRECT = "cloudflare-ruleset-configure-secure-redirects"
WAF = "cloudflare-ruleset-disallow-waf-skip-all"
MANAGED = "cloudflare-ruleset-disallow-disabled-managed-waf"
RATE_LOG = "cloudflare-ruleset-disallow-log-only-rate-limit"
RATE = "cloudflare-ruleset-configure-rate-limit-threshold"


def redirect(ref: str, status: Any, target: str | None = None, target_expression: str | None = None,
             action: str = "redirect") -> dict[str, Any]:
    url = {"value": target} if target is not None else {"expression": target_expression}
    return {"ref": ref, "expression": 'http.host eq "www.example.com"', "action": action,
            "actionParameters": {"fromValue": {"statusCode": status, "targetUrl": url}}}


def redirect_case(name: str, rule: dict[str, Any], fails: bool) -> None:
    case(REDIRECT, name, [ruleset(name, "http_request_dynamic_redirect", [rule])],
         {(REDIRECT, M, name)} if fails else None)


redirect_case("pass_redirect_301_https", redirect("a", 301, "https://example.com/"), False)
redirect_case("pass_redirect_308_expression", redirect(
    "a", 308, target_expression='concat("https://example.com", http.request.uri.path)'), False)
redirect_case("fail_redirect_http_target", redirect("a", 301, "http://example.com/"), True)
redirect_case("fail_redirect_http_expression", redirect(
    "a", 302, target_expression='concat("http://example.com", http.request.uri.path)'), True)
redirect_case("fail_redirect_status_200", redirect("a", 200, "https://example.com/"), True)
redirect_case("fail_redirect_status_missing", redirect("a", None, "https://example.com/"), True)


OWASP = "4814384a9e5d4991b9815dcfc25d2f1f"  # pragma: allowlist secret


def managed(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return ruleset(name, "http_request_firewall_managed", list(rules))


def execute(ref: str, **extra: Any) -> dict[str, Any]:
    params = {"id": OWASP, **extra.pop("params", {})}
    return {"ref": ref, "expression": "true", "action": "execute", "actionParameters": params, **extra}


def waf_case(name: str, expression: str, fails: bool, phase: str = "http_request_firewall_custom") -> None:
    rule = {"ref": "skip", "expression": expression, "action": "skip", "actionParameters": {"ruleset": "current"}}
    rules = [rule] if phase == "http_request_firewall_custom" else [rule, execute("owasp")]
    case(WAF, name, [ruleset(name, phase, rules)], {(WAF, M, name)} if fails else None)


waf_case("fail_waf_skip_true", "true", True)
waf_case("fail_waf_skip_tautology", 'not http.host eq "nothing.invalid"', True)
waf_case("fail_waf_skip_every_source", "ip.src in {0.0.0.0/0 ::/0}", True)
waf_case("fail_waf_skip_every_ipv4_source", "(ip.src in {0.0.0.0/0})", True)
waf_case("fail_waf_skip_path_not_empty", 'http.request.uri.path ne ""', True)
waf_case("fail_waf_skip_not_false", "not false", True)
waf_case("fail_waf_skip_or_tautology", 'http.request.method eq "GET" or http.request.method ne "GET"', True)
waf_case("fail_waf_skip_contains_slash", 'http.request.uri.path contains "/"', True)
waf_case("fail_waf_skip_in_managed_phase", "true", True, phase="http_request_firewall_managed")
waf_case("fail_waf_skip_any_user_agent", 'http.user_agent ne ""', True)
waf_case("fail_waf_skip_all_but_one_country", 'ip.src.country ne "KP"', True)
waf_case("pass_waf_skip_two_countries", 'ip.src.country in {"US" "GB"} and http.request.uri.path eq "/feed"', False)
waf_case("pass_waf_skip_known_bot_agent", 'http.user_agent contains "UptimeRobot"', False)
waf_case("pass_waf_skip_health_from_office",
         '(http.request.uri.path eq "/healthz" and ip.src in {198.51.100.7})', False)
waf_case("pass_waf_skip_named_list", "ip.src in $office_ips", False)
waf_case("pass_waf_skip_office_range", "ip.src in {192.0.2.0/24 2001:db8:1::/48}", False)
case(WAF, "pass_waf_block_everything_is_not_a_skip", [ruleset("pass_waf_block_everything_is_not_a_skip",
     "http_request_firewall_custom", [{"ref": "b", "expression": "true", "action": "block"}])])

case(MANAGED, "pass_managed_ruleset_runs", [managed("m", execute("owasp"))])
case(MANAGED, "pass_managed_one_rule_tuned", [managed("m", execute("owasp", params={"overrides": {
    "rules": [{"id": "5de7edfa648c4d6891dc3e7f84534ffa", "enabled": False}]}}))])  # pragma: allowlist secret
case(MANAGED, "fail_managed_execute_disabled", [managed("m", execute("owasp", enabled=False))], {(MANAGED, M, "m")})
case(MANAGED, "fail_managed_overrides_enabled_false", [managed("m", execute("owasp", params={
    "overrides": {"enabled": False}}))], {(MANAGED, M, "m")})
case(MANAGED, "fail_managed_overrides_log_only", [managed("m", execute("owasp", params={
    "overrides": {"action": "log"}}))], {(MANAGED, M, "m")})
case(MANAGED, "fail_managed_execute_never_matches", [managed("m", {**execute("owasp"), "expression": "false"})],
     {(MANAGED, M, "m")})
case(MANAGED, "fail_managed_phase_empty", [managed("m")], {(MANAGED, M, "m")})


def limit(ref: str, action: str = "block", requests: Any = 5, period: Any = 60) -> dict[str, Any]:
    return {"ref": ref, "expression": 'http.request.uri.path eq "/login"', "action": action,
            "ratelimit": {"characteristics": ["ip.src", "cf.colo.id"], "period": period,
                          "requestsPerPeriod": requests, "mitigationTimeout": 600}}


def limits(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return ruleset(name, "http_ratelimit", list(rules))


case(RATE_LOG, "pass_rate_limit_blocks", [limits("r", limit("login"))])
case(RATE_LOG, "fail_rate_limit_only_logs", [limits("r", limit("login", action="log"))], {(RATE_LOG, M, "r")})
case(RATE, "pass_rate_limit_threshold_sane", [limits("r", limit("login", requests=10, period=60))])
case(RATE, "fail_login_rate_limit_too_loose", [limits("r", limit("login", requests=100, period=10))], {(RATE, M, "r")})
API_LIMIT = {**limit("api", requests=100, period=10), "expression": 'starts_with(http.request.uri.path, "/v1/")'}
case(RATE, "pass_api_rate_limit_100_per_10s", [limits("r", API_LIMIT)])
case(RATE, "fail_rate_limit_threshold_huge", [limits("r", limit("login", requests=1_000_000, period=10))],
     {(RATE, M, "r")})
case(RATE, "fail_rate_limit_no_threshold", [limits("r", limit("login", requests=0))], {(RATE, M, "r")})
case(RATE, "pass_rate_limit_threshold_by_config", [limits("r", limit("login", requests=10_000, period=10))],
     config={RATE: {"maxRequestsPerSecond": 2000, "maxLoginRequestsPerMinute": 60_000}})


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected


def test_a_violation_names_what_it_found(pack: PolicyPackClient) -> None:
    case = CASES.named("fail_starts_with_admin")
    pack.configure(case.config)
    [violation] = pack.analyze(case.resources)
    assert "/admin/reports" in violation["message"] and violation["enforcement"] == "mandatory"
    assert violation["severity"] == "critical" and not violation["message"].startswith(violation["description"])


def test_a_cache_finding_names_every_path_host_and_credential_and_the_guard(pack: PolicyPackClient) -> None:
    rules = [www_rule("all", "true", edgeTtl=OVERRIDE)]
    pack.configure({CACHE_AUTH: {"authenticatedPathPrefixes": ["/me", "/billing"], "sessionCookies": ["sid"]}})
    [message] = [v["message"] for v in pack.analyze([ruleset("c", CACHE, rules), *ACME])
                 if v["policy"] == CACHE_AUTH]
    for part in ("/billing", "/me", "admin.acme.dev", "the sid cookie", "Authorization header",
                 'not starts_with(http.request.uri.path, "/billing")', 'not starts_with(http.request.uri.path, "/me")',
                 'not http.cookie contains "sid"', 'lower(http.request.headers.names[*])[*] eq "authorization"',
                 "bypass rule (cache: false)"):
        assert part in message, part
