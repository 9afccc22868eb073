"""Resources in the plan's format (what the engine sends the pack), named for what they show:
`pass_*` must produce no violation, `fail_*` exactly the listed ones."""

from __future__ import annotations

from typing import Any

STACK, PROJECT = "test", "launchready"

DNS = "cloudflare:index/dnsRecord:DnsRecord"
SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SECRET = "aws:secretsmanager/secret:Secret"
AWS_PROVIDER = "pulumi:providers:aws"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's "not known during preview" sentinel


def urn(rtype: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{rtype}::{name}"


def res(rtype: str, name: str, inputs: dict[str, Any], *, provider: str = "",
        deps: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"urn": urn(rtype, name), "type": rtype, "name": name, "parent": "", "custom": True,
            "provider": provider, "inputs": inputs, "dependencies": [], "propertyDependencies": deps or {}}


def setting(name: str, setting_id: str, value: Any) -> dict[str, Any]:
    return res(SETTING, name, {"zoneId": "z", "settingId": setting_id, "value": value})


def record(name: str, fqdn: str, rtype: str, content: str, proxied: bool = False, **extra: Any) -> dict[str, Any]:
    return res(DNS, name, {"zoneId": "z", "name": fqdn, "type": rtype, "content": content, "proxied": proxied,
                           "ttl": 1 if proxied else 3600, **extra})


def ruleset(name: str, phase: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return res(RULESET, name, {"zoneId": "z", "kind": "zone", "phase": phase, "name": name, "rules": rules})


# ---- cache rules ----

AUTH = ('(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, "/account") or '
        'http.host in {"admin.example.com"} or http.cookie contains "fl_session=" or '
        'any(lower(http.request.headers.names[*])[*] eq "authorization"))')
STATIC = '(http.request.uri.path.extension in {"css" "js" "png"} or starts_with(http.request.uri.path, "/assets/"))'
CACHE_CONFIG = {"authenticatedPathPrefixes": ["/admin", "/account"], "sessionCookies": ["fl_session"],
                "internalHosts": ["admin.example.com"]}


def cache_rule(ref: str, expression: str, cache: bool) -> dict[str, Any]:
    return {"ref": ref, "expression": expression, "action": "set_cache_settings",
            "actionParameters": {"cache": cache}}


def cache_set(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return ruleset(name, "http_request_cache_settings", list(rules))


CACHE_CASES: dict[str, tuple[dict[str, Any], bool]] = {
    "pass_static_then_bypass_last": (cache_set("pass_static_then_bypass_last", cache_rule("s", STATIC, True),
                                               cache_rule("b", AUTH, False)), False),
    "pass_bypass_only": (cache_set("pass_bypass_only", cache_rule("b", AUTH, False)), False),
    "fail_bypass_first": (cache_set("fail_bypass_first", cache_rule("b", AUTH, False),
                                    cache_rule("s", STATIC, True)), True),
    "fail_static_without_bypass": (cache_set("fail_static_without_bypass", cache_rule("s", STATIC, True)), True),
    "fail_cache_everything": (cache_set("fail_cache_everything", cache_rule("all", "true", True)), True),
    "fail_starts_with_admin": (cache_set("fail_starts_with_admin", cache_rule(
        "a", 'starts_with(http.request.uri.path, "/admin/reports")', True)), True),
    "fail_contains_account": (cache_set("fail_contains_account", cache_rule(
        "a", 'http.request.uri.path contains "/account"', True)), True),
    "fail_wildcard_admin": (cache_set("fail_wildcard_admin", cache_rule(
        "a", 'http.request.full_uri wildcard "https://*/admin/*"', True)), True),
    "fail_eq_admin": (cache_set("fail_eq_admin", cache_rule("a", 'http.request.uri.path eq "/admin"', True)), True),
    "fail_matches_admin": (cache_set("fail_matches_admin", cache_rule(
        "a", 'http.request.uri.path matches "^/adm[i]n"', True)), True),
    "fail_in_set_account": (cache_set("fail_in_set_account", cache_rule(
        "a", 'http.request.uri.path in {"/pricing" "/account"}', True)), True),
    "fail_internal_host": (cache_set("fail_internal_host", cache_rule(
        "a", 'http.host eq "admin.example.com"', True)), True),
    "fail_guarded_cookie_only": (cache_set("fail_guarded_cookie_only", cache_rule(
        "a", 'starts_with(http.request.uri.path, "/assets/") and not http.cookie contains "fl_session="', True)),
        True),  # still cacheable with an Authorization header and no later bypass
    "fail_unknown_field": (cache_set("fail_unknown_field", cache_rule("a", "cf.bot_management.score gt 10", True)),
                           True),  # cannot prove it safe
}
