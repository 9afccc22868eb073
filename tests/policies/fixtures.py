"""Fixtures for the policy pack, in the plan's resource format (what the engine sends the pack).

Every rule has `pass_*` and `fail_*` cases; each case is a whole set of resources and the exact set of
violations it must produce, as (policy, enforcement, resource name); "" is a violation with no resource.
A case is clean apart from what it shows, so its expected set is small and exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's "string not known during preview"
UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"

M, A = "mandatory", "advisory"
Violation = tuple[str, str, str]  # (policy, enforcement, resource name)


def urn(rtype: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{rtype}::{name}"


def res(rtype: str, name: str, inputs: dict[str, Any], *, provider: str = "",
        deps: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"urn": urn(rtype, name), "type": rtype, "name": name, "parent": "", "custom": True,
            "provider": provider, "inputs": inputs, "dependencies": sorted({u for v in (deps or {}).values()
                                                                            for u in v}),
            "propertyDependencies": deps or {}}


@dataclass
class Case:
    name: str
    rule: str
    resources: list[dict[str, Any]]
    expected: set[Violation]
    config: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


CASES: list[Case] = []


def case(rule: str, name: str, resources: list[dict[str, Any]], expected: set[Violation] | None = None,
         config: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
    assert name.startswith(("pass_", "fail_")), name
    assert (expected is None or not expected) == name.startswith("pass_"), name
    CASES.append(Case(name, rule, resources, expected or set(), config or {}, tags or {}))


# ---------------------------------------------------------------------------------------------- zone settings

def setting(name: str, setting_id: str, value: Any) -> dict[str, Any]:
    return res(SETTING, name, {"zoneId": "z", "settingId": setting_id, "value": value})


SSL = "cloudflare-zonesetting-disallow-insecure-ssl-mode"
TLS = "cloudflare-zonesetting-configure-min-tls"
HTTPS = "cloudflare-zonesetting-enable-always-use-https"
HSTS = "cloudflare-zonesetting-enable-hsts-prod"
DEV = "cloudflare-zonesetting-disallow-development-mode"

case(SSL, "pass_ssl_strict", [setting("pass_ssl_strict", "ssl", "strict")])
case(SSL, "fail_ssl_flexible", [setting("fail_ssl_flexible", "ssl", "flexible")], {(SSL, M, "fail_ssl_flexible")})
case(SSL, "fail_ssl_off", [setting("fail_ssl_off", "ssl", "off")], {(SSL, M, "fail_ssl_off")})
case(SSL, "fail_ssl_full", [setting("fail_ssl_full", "ssl", "full")], {(SSL, M, "fail_ssl_full")})
case(SSL, "pass_ssl_full_allowed", [setting("pass_ssl_full_allowed", "ssl", "full")],
     config={SSL: {"allowFull": True}})
case(TLS, "pass_tls_12", [setting("pass_tls_12", "min_tls_version", "1.2")])
case(TLS, "pass_tls_13", [setting("pass_tls_13", "min_tls_version", "1.3")])
case(TLS, "fail_tls_10", [setting("fail_tls_10", "min_tls_version", "1.0")], {(TLS, M, "fail_tls_10")})
case(TLS, "fail_tls_11", [setting("fail_tls_11", "min_tls_version", "1.1")], {(TLS, M, "fail_tls_11")})
case(TLS, "fail_tls_12_when_13_required", [setting("fail_tls_12_when_13_required", "min_tls_version", "1.2")],
     {(TLS, M, "fail_tls_12_when_13_required")}, config={TLS: {"minTls": "1.3"}})
case(HTTPS, "pass_https_on", [setting("pass_https_on", "always_use_https", "on")])
case(HTTPS, "fail_https_off", [setting("fail_https_off", "always_use_https", "off")], {(HTTPS, M, "fail_https_off")})
case(DEV, "pass_dev_mode_off", [setting("pass_dev_mode_off", "development_mode", "off")])
case(DEV, "fail_dev_mode_on", [setting("fail_dev_mode_on", "development_mode", "on")], {(DEV, M, "fail_dev_mode_on")})


def hsts(name: str, enabled: bool, max_age: int) -> dict[str, Any]:
    return setting(name, "security_header", {"strict_transport_security": {
        "enabled": enabled, "max_age": max_age, "include_subdomains": True, "nosniff": True}})


PROD = {"environment": "prod"}
case(HSTS, "pass_hsts_year_prod", [hsts("pass_hsts_year_prod", True, 31536000)], tags=PROD)
case(HSTS, "fail_hsts_off_prod", [hsts("fail_hsts_off_prod", False, 0)], {(HSTS, M, "fail_hsts_off_prod")}, tags=PROD)
case(HSTS, "fail_hsts_one_day_prod", [hsts("fail_hsts_one_day_prod", True, 86400)],
     {(HSTS, M, "fail_hsts_one_day_prod")}, tags=PROD)
case(HSTS, "fail_hsts_off_prod_by_config", [hsts("fail_hsts_off_prod_by_config", False, 0)],
     {(HSTS, M, "fail_hsts_off_prod_by_config")}, config={HSTS: {"environment": "production"}})
case(HSTS, "pass_hsts_off_staging", [hsts("pass_hsts_off_staging", False, 0)], tags={"environment": "staging"})
case(HSTS, "pass_hsts_one_day_prod_threshold", [hsts("pass_hsts_one_day_prod_threshold", True, 86400)],
     config={HSTS: {"minMaxAge": 3600}}, tags=PROD)

# ---------------------------------------------------------------------------------------------- cache rules

CACHE_AUTH = "cloudflare-ruleset-disallow-cache-authenticated-traffic"
CACHE_ALL = "cloudflare-ruleset-disallow-cache-everything-without-guard"

BYPASS = ('(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, "/account") or '
          'http.host in {"admin.example.com"} or http.cookie contains "fl_session=" or '
          'any(lower(http.request.headers.names[*])[*] eq "authorization"))')
STATIC = '(http.request.uri.path.extension in {"css" "js" "png"} or starts_with(http.request.uri.path, "/assets/"))'
CACHE_CONFIG = {"authenticatedPathPrefixes": ["/admin", "/account"], "sessionCookies": ["fl_session"],
                "internalHosts": ["admin.example.com"]}
CACHE_RULES_CONFIG = {CACHE_AUTH: CACHE_CONFIG, CACHE_ALL: {"sessionCookies": ["fl_session"]}}


def ruleset(name: str, phase: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return res(RULESET, name, {"zoneId": "z", "kind": "zone", "phase": phase, "name": name, "rules": rules})


def cache_rule(ref: str, expression: str, cache: bool, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"cache": cache}
    if cache:
        params["edgeTtl"] = {"mode": "override_origin", "default": 86400}
    return {"ref": ref, "expression": expression, "action": "set_cache_settings", "actionParameters": params,
            **extra}


def cache_case(name: str, rules: list[dict[str, Any]], *rules_hit: str) -> None:
    everything = "cache_everything" in name and (not rules_hit or CACHE_ALL in rules_hit)
    rule = CACHE_ALL if everything else CACHE_AUTH
    case(rule, name, [ruleset(name, "http_request_cache_settings", rules)], {(r, M, name) for r in rules_hit},
         config=CACHE_RULES_CONFIG)


cache_case("pass_static_then_bypass_last", [cache_rule("s", STATIC, True), cache_rule("b", BYPASS, False)])
cache_case("pass_bypass_only", [cache_rule("b", BYPASS, False)])
cache_case("pass_static_host_scoped", [
    cache_rule("s", '(http.host eq "static.example.com" and http.request.uri.path.extension in {"css" "js"})', True),
    cache_rule("b", BYPASS, False)])
cache_case("pass_disabled_cache_everything", [cache_rule("all", "true", True, enabled=False)])
cache_case("fail_bypass_first", [cache_rule("b", BYPASS, False), cache_rule("s", STATIC, True)], CACHE_AUTH)
cache_case("fail_static_without_bypass", [cache_rule("s", STATIC, True)], CACHE_AUTH)
cache_case("fail_starts_with_admin", [cache_rule("a", 'starts_with(http.request.uri.path, "/admin/reports")', True)],
           CACHE_AUTH)
cache_case("fail_contains_account", [cache_rule("a", 'http.request.uri.path contains "/account"', True)], CACHE_AUTH)
cache_case("fail_wildcard_admin", [cache_rule("a", 'http.request.full_uri wildcard "https://*/ADMIN/*"', True)],
           CACHE_AUTH)
cache_case("fail_eq_admin", [cache_rule("a", 'http.request.uri.path eq "/admin"', True)], CACHE_AUTH)
cache_case("fail_matches_admin", [cache_rule("a", 'http.request.uri.path matches "^/adm[i]n"', True)], CACHE_AUTH)
cache_case("fail_in_set_account", [cache_rule("a", 'http.request.uri.path in {"/pricing" "/account"}', True)],
           CACHE_AUTH)
cache_case("fail_guarded_cookie_only", [cache_rule(
    "a", 'starts_with(http.request.uri.path, "/assets/") and not http.cookie contains "fl_session="', True)],
    CACHE_AUTH)  # still cacheable with an Authorization header, and no later bypass
cache_case("fail_unknown_field", [cache_rule("a", "cf.bot_management.score gt 10", True)],
           CACHE_AUTH)  # a field the analysis does not model: it cannot be proved safe
cache_case("fail_unreadable_expression", [cache_rule("a", "http.request.uri.path eq", True)], CACHE_AUTH)
# cache everything: the auth rule names a request it would cache, the guard rule says what guard is missing
cache_case("fail_cache_everything", [cache_rule("all", "true", True)], CACHE_AUTH, CACHE_ALL)
cache_case("fail_internal_host", [cache_rule("a", 'http.host eq "admin.example.com"', True)], CACHE_AUTH, CACHE_ALL)
cache_case("fail_cache_everything_paths_bypassed", [
    cache_rule("all", "true", True),
    cache_rule("b", '(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, '
                    '"/account") or http.host eq "admin.example.com")', False)], CACHE_AUTH, CACHE_ALL)
cache_case("pass_cache_everything_with_bypass", [cache_rule("all", "true", True), cache_rule("b", BYPASS, False)])
# the guard in the rule itself covers credentials, so only the guard rule is satisfied: /admin is still cached
cache_case("fail_cache_everything_self_guarded", [cache_rule(
    "all", 'not http.cookie contains "fl_session" and not any(lower(http.request.headers.names[*])[*] eq '
           '"authorization")', True)], CACHE_AUTH)
cache_case("fail_cache_everything_cookie_guard_only", [
    cache_rule("all", "true", True),
    cache_rule("b", '(starts_with(http.request.uri.path, "/admin") or starts_with(http.request.uri.path, '
                    '"/account") or http.host eq "admin.example.com" or http.cookie contains "fl_session")', False)],
    CACHE_AUTH, CACHE_ALL)  # the Authorization header is not guarded

# ---------------------------------------------------------------------------------------------- redirects, WAF

REDIRECT = "cloudflare-ruleset-configure-secure-redirects"
WAF = "cloudflare-ruleset-disallow-waf-skip-all"


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


def waf_case(name: str, expression: str, fails: bool) -> None:
    rule = {"ref": "skip", "expression": expression, "action": "skip", "actionParameters": {"ruleset": "current"}}
    case(WAF, name, [ruleset(name, "http_request_firewall_custom", [rule])], {(WAF, M, name)} if fails else None)


waf_case("fail_waf_skip_true", "true", True)
waf_case("fail_waf_skip_tautology", 'not http.host eq "nothing.invalid"', True)
waf_case("pass_waf_skip_health_from_office",
         '(http.request.uri.path eq "/healthz" and ip.src in {198.51.100.7})', False)
waf_case("pass_waf_skip_named_list", "ip.src in $office_ips", False)
case(WAF, "pass_waf_block_everything_is_not_a_skip", [ruleset("pass_waf_block_everything_is_not_a_skip",
     "http_request_firewall_custom", [{"ref": "b", "expression": "true", "action": "block"}])])

# ---------------------------------------------------------------------------------------------- DNS and Access

PRIVATE = "cloudflare-dnsrecord-disallow-private-address"
PROXY = "cloudflare-dnsrecord-enable-proxy"
ACCESS = "cloudflare-zerotrust-missing-access-application"


def record(name: str, fqdn: str, rtype: str, content: str, proxied: bool = False, **extra: Any) -> dict[str, Any]:
    return res(DNS, name, {"zoneId": "z", "name": fqdn, "type": rtype, "content": content, "proxied": proxied,
                           "ttl": 1 if proxied else 3600, **extra})


for _name, _type, _ip in [("fail_private_10", "A", "10.0.0.5"), ("fail_private_192_168", "A", "192.168.1.10"),
                          ("fail_loopback", "A", "127.0.0.1"), ("fail_link_local", "A", "169.254.169.254"),
                          ("fail_cgnat", "A", "100.64.0.1"), ("fail_link_local_v6", "AAAA", "fe80::1"),
                          ("fail_unique_local_v6", "AAAA", "fd00::1"), ("fail_mapped_v6", "AAAA", "::ffff:10.0.0.1")]:
    case(PRIVATE, _name, [record(_name, "app.example.com", _type, _ip, proxied=True)], {(PRIVATE, M, _name)})
case(PRIVATE, "pass_public_v4", [record("pass_public_v4", "app.example.com", "A", "93.184.216.34", proxied=True)])
case(PRIVATE, "pass_public_v6", [record("pass_public_v6", "app.example.com", "AAAA", "2606:4700::1", proxied=True)])
case(PROXY, "fail_web_host_not_proxied", [record("fail_web_host_not_proxied", "app.example.com", "CNAME",
                                                 "app.fly.dev")], {(PROXY, A, "fail_web_host_not_proxied")})
case(PROXY, "pass_web_host_proxied", [record("pass_web_host_proxied", "app.example.com", "CNAME", "app.fly.dev",
                                             proxied=True)])
case(PROXY, "pass_dkim_dns_only", [record("pass_dkim_dns_only", "t._domainkey.example.com", "CNAME",
                                          "t.dkim.amazonses.com")])
case(PROXY, "pass_verification_dns_only", [record("pass_verification_dns_only", "_acme-challenge.example.com",
                                                  "CNAME", "x.acme.example.net")])
case(PROXY, "pass_named_dns_only_by_config", [record("pass_named_dns_only_by_config", "vpn.example.com", "A",
                                                     "93.184.216.34")],
     config={PROXY: {"dnsOnlyNames": [r"^vpn\."]}})

ADMIN = record("admin", "admin.example.com", "CNAME", "admin.fly.dev", proxied=True, tags=["access:internal"])


def app(name: str, domain: str, destinations: list[str] | None = None) -> dict[str, Any]:
    return res(ACCESS_APP, name, {"accountId": "a", "name": name, "type": "self_hosted", "domain": domain,
                                  "destinations": [{"type": "public", "uri": d} for d in destinations or []]})


case(ACCESS, "fail_internal_without_app", [ADMIN], {(ACCESS, M, "admin")})
case(ACCESS, "pass_internal_app_by_domain", [ADMIN, app("admin-app", "admin.example.com")])
case(ACCESS, "pass_internal_app_by_destination", [ADMIN, app("apps", "apps.example.com",
                                                             ["apps.example.com", "admin.example.com"])])
case(ACCESS, "pass_internal_app_wildcard", [ADMIN, app("all", "*.example.com")])
case(ACCESS, "fail_internal_app_only_a_path", [ADMIN, app("reports", "admin.example.com/reports")],
     {(ACCESS, M, "admin")})
case(ACCESS, "fail_internal_app_for_another_host", [ADMIN, app("ops", "ops.example.com")], {(ACCESS, M, "admin")})
case(ACCESS, "fail_internal_marked_by_launchready_tag", [
    record("ops", "ops.example.com", "CNAME", "ops.fly.dev", proxied=True, tags=["launchready:internal"])],
    {(ACCESS, M, "ops")})
case(ACCESS, "fail_internal_marked_by_comment", [
    record("ops", "ops.example.com", "CNAME", "ops.fly.dev", proxied=True, comment="ops | owner: platform [internal]"),
    app("admin-app", "admin.example.com")], {(ACCESS, M, "ops")})
case(ACCESS, "fail_internal_dns_only", [
    record("intranet", "intranet.example.com", "CNAME", "intranet.fly.dev", tags=["access:internal"]),
    app("intranet-app", "intranet.example.com")], {(ACCESS, M, "intranet"), (PROXY, A, "intranet")})
case(ACCESS, "fail_internal_host_from_config", [app("admin-app", "admin.example.com")], {(ACCESS, M, "")},
     config={ACCESS: {"internalHosts": ["ops.example.com"]}})
case(ACCESS, "pass_public_host_needs_no_app", [record("www", "www.example.com", "CNAME", "web.fly.dev", proxied=True)])

# ---------------------------------------------------------------------------------------------- email

DMARC = "aws-ses-emailidentity-missing-dmarc"
DMARC_PROD = "aws-ses-emailidentity-disallow-dmarc-none-prod"
DMARC_ADVICE = "aws-ses-emailidentity-configure-dmarc-enforcement"
SPF = "aws-ses-emailidentity-missing-spf"
DKIM = "aws-ses-emailidentity-missing-dkim"
PROXIED_MAIL = "cloudflare-dnsrecord-disallow-proxied-email-records"
IDENTITY_URN = urn(IDENTITY, "identity")


def sending_domain(**overrides: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A complete sending domain (identity, SPF, DMARC, 3 DKIM CNAMEs); an override replaces or removes one."""
    resources: dict[str, dict[str, Any] | None] = {
        "identity": res(IDENTITY, "identity", {"emailIdentity": "example.com", "region": "eu-west-1"}),
        "spf": record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com ~all"),
        "dmarc": record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=quarantine; rua=mailto:d@example.com"),
        **{f"dkim{i}": record(f"dkim{i}", f"t{i}._domainkey.example.com", "CNAME", f"t{i}.dkim.amazonses.com")
           for i in range(3)},
    }
    resources.update(overrides)
    return [r for r in resources.values() if r is not None]


def dkim_from_tokens(i: int) -> dict[str, Any]:
    """A DKIM CNAME as the first preview sees it: name and target wait for SES's tokens."""
    return res(DNS, f"dkim{i}", {"zoneId": "z", "name": UNKNOWN, "type": "CNAME", "content": UNKNOWN,
                                 "proxied": False, "ttl": 3600},
               deps={"name": [IDENTITY_URN], "content": [IDENTITY_URN]})


def mail_from(domain: str = "mail.example.com") -> dict[str, Any]:
    return res(MAIL_FROM, "mail-from", {"emailIdentity": "example.com", "mailFromDomain": domain})


MAIL_FROM_RECORDS = [record("mail-from-mx", "mail.example.com", "MX", "feedback-smtp.eu-west-1.amazonses.com",
                            priority=10),
                     record("mail-from-spf", "mail.example.com", "TXT", "v=spf1 include:amazonses.com ~all")]

case(DMARC, "pass_sending_domain_complete", sending_domain())
case(DKIM, "pass_dkim_tokens_unknown_in_preview", sending_domain(**{f"dkim{i}": dkim_from_tokens(i)
                                                                     for i in range(3)}))
case(SPF, "pass_mail_from_with_spf", [*sending_domain(), mail_from(), *MAIL_FROM_RECORDS])
case(DMARC, "pass_address_identity_needs_no_records", [res(IDENTITY, "addr", {"emailIdentity": "ops@example.com"})])
case(DMARC, "fail_dmarc_missing", sending_domain(dmarc=None), {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_invalid_policy", sending_domain(
    dmarc=record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=maybe")), {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_rua_not_mailto", sending_domain(
    dmarc=record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject; rua=https://x.example/r")),
    {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_two_records", sending_domain(
    dmarc2=record("dmarc2", "_dmarc.example.com", "TXT", '"v=DMARC1; p=reject"')), {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_on_the_wrong_name", sending_domain(
    dmarc=record("dmarc", "dmarc.example.com", "TXT", "v=DMARC1; p=reject")), {(DMARC, M, "identity")})
case(SPF, "fail_spf_missing", sending_domain(spf=None), {(SPF, M, "identity")})
case(SPF, "fail_spf_plus_all", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com +all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_question_all", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com ?all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_bare_all", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_two_records", sending_domain(
    spf2=record("spf2", "example.com", "TXT", "v=spf1 mx -all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_eleven_lookups", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:_spf.google.com include:mailgun.org "
               "include:sendgrid.net include:a.example include:b.example -all")), {(SPF, M, "identity")})
case(SPF, "fail_mail_from_without_spf", [*sending_domain(), mail_from(), MAIL_FROM_RECORDS[0]],
     {(SPF, M, "mail-from")})
case(DKIM, "fail_dkim_two_of_three", sending_domain(dkim2=None), {(DKIM, M, "identity")})
case(DKIM, "fail_dkim_pointing_elsewhere", sending_domain(
    dkim2=record("dkim2", "t2._domainkey.example.com", "CNAME", "t2.dkim.example.net")), {(DKIM, M, "identity")})

NONE_DMARC = {"dmarc": record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=none; rua=mailto:d@example.com")}
case(DMARC_PROD, "fail_dmarc_none_prod", sending_domain(**NONE_DMARC), {(DMARC_PROD, M, "dmarc")}, tags=PROD)
case(DMARC_PROD, "pass_dmarc_quarantine_prod", sending_domain(), tags=PROD)
case(DMARC_ADVICE, "fail_dmarc_none_staging", sending_domain(**NONE_DMARC), {(DMARC_ADVICE, A, "dmarc")},
     tags={"environment": "staging"})
case(DMARC_ADVICE, "pass_dmarc_reject_staging", sending_domain(
    dmarc=record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject")), tags={"environment": "staging"})

case(PROXIED_MAIL, "fail_dkim_proxied", sending_domain(dkim0=record(
    "dkim0", "t0._domainkey.example.com", "CNAME", "t0.dkim.amazonses.com", proxied=True)),
    {(PROXIED_MAIL, M, "dkim0")})
case(PROXIED_MAIL, "fail_dkim_from_tokens_proxied", sending_domain(dkim0={
    **dkim_from_tokens(0), "inputs": {**dkim_from_tokens(0)["inputs"], "proxied": True}}),
    {(PROXIED_MAIL, M, "dkim0")})
case(PROXIED_MAIL, "fail_mail_from_host_proxied", [*sending_domain(), mail_from("bounce.example.com"),
                                                   record("bounce", "bounce.example.com", "CNAME", "x.example.net",
                                                          proxied=True)],
     {(PROXIED_MAIL, M, "bounce"), (SPF, M, "mail-from")})
case(PROXIED_MAIL, "pass_email_records_dns_only", [*sending_domain(), mail_from(), *MAIL_FROM_RECORDS])

# ---------------------------------------------------------------------------------------------- alarms

ACTIONS = "aws-cloudwatch-metricalarm-missing-actions"
REACH = "aws-cloudwatch-metricalarm-disallow-unreachable-actions"
REGION = "aws-cloudwatch-metricalarm-configure-healthcheck-region"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"
TOPIC_RES = res(TOPIC, "alerts", {"name": "alerts", "region": "us-east-1"})
SUB_RES = res(SUBSCRIPTION, "sub", {"topic": TOPIC_ARN, "protocol": "email", "endpoint": "a@b.io",
                                    "region": "us-east-1"})
ROUTE53 = {"namespace": "AWS/Route53", "metricName": "HealthCheckStatus"}


def alarm(name: str, deps: dict[str, list[str]] | None = None, provider: str = "", **inputs: Any) -> dict[str, Any]:
    values = {"name": name, "namespace": "App", "metricName": "Errors", "threshold": 1.0,
              "alarmActions": [TOPIC_ARN], "region": "us-east-1", **inputs}
    return res(ALARM, name, {k: v for k, v in values.items() if v is not None}, deps=deps, provider=provider)


case(ACTIONS, "pass_alarm_routed", [alarm("pass_alarm_routed"), TOPIC_RES, SUB_RES])
case(ACTIONS, "fail_alarm_no_actions", [alarm("fail_alarm_no_actions", alarmActions=[]), TOPIC_RES, SUB_RES],
     {(ACTIONS, M, "fail_alarm_no_actions")})
case(ACTIONS, "fail_alarm_actions_missing", [alarm("fail_alarm_actions_missing", alarmActions=None)],
     {(ACTIONS, M, "fail_alarm_actions_missing")})
case(ACTIONS, "fail_alarm_actions_disabled", [alarm("fail_alarm_actions_disabled", actionsEnabled=False), TOPIC_RES,
                                              SUB_RES], {(ACTIONS, M, "fail_alarm_actions_disabled")})
case(REACH, "fail_alarm_topic_without_subscription", [alarm("a"), TOPIC_RES], {(REACH, M, "a")})
case(REACH, "fail_alarm_foreign_topic", [alarm("a", alarmActions=["arn:aws:sns:us-east-1:1:other"]), TOPIC_RES,
                                         SUB_RES], {(REACH, M, "a")})
case(REACH, "fail_alarm_topic_other_region", [alarm("a", alarmActions=["arn:aws:sns:eu-west-1:123456789012:alerts"]),
                                              TOPIC_RES, SUB_RES], {(REACH, M, "a")})
AUTO_TOPIC = res(TOPIC, "auto", {"region": "us-east-1"})  # auto-named: the ARN carries `auto-<random>`
AUTO_ARN = "arn:aws:sns:us-east-1:123456789012:auto-3f9a1c2"
case(REACH, "pass_alarm_auto_named_topic_by_arn", [
    alarm("a", alarmActions=[AUTO_ARN]), AUTO_TOPIC,
    res(SUBSCRIPTION, "sub", {"topic": AUTO_ARN, "protocol": "email"})])
case(REACH, "pass_alarm_arns_unknown_in_preview", [
    alarm("a", alarmActions=[UNKNOWN], deps={"alarmActions": [urn(TOPIC, "auto")]}), AUTO_TOPIC,
    res(SUBSCRIPTION, "sub", {"topic": UNKNOWN, "protocol": "email"}, deps={"topic": [urn(TOPIC, "auto")]})])
case(REACH, "fail_alarm_arns_unknown_topic_unsubscribed", [
    alarm("a", alarmActions=[UNKNOWN], deps={"alarmActions": [urn(TOPIC, "auto")]}), AUTO_TOPIC],
    {(REACH, M, "a")})
case(REACH, "fail_alarm_unknown_arn_of_no_topic", [alarm("a", alarmActions=[UNKNOWN]), TOPIC_RES, SUB_RES],
     {(REACH, M, "a")})

USE1 = res(AWS_PROVIDER, "use1", {"region": "us-east-1"})
EUW1 = res(AWS_PROVIDER, "euw1", {"region": "eu-west-1"})
case(REGION, "pass_hc_alarm_us_east_1", [alarm("hc", **ROUTE53), TOPIC_RES, SUB_RES])
case(REGION, "fail_hc_alarm_eu_west_1", [alarm("hc", **ROUTE53, region="eu-west-1"), TOPIC_RES, SUB_RES],
     {(REGION, M, "hc")})
case(REGION, "pass_hc_alarm_provider_us_east_1", [USE1, alarm("hc", **ROUTE53, region=None, provider=USE1["urn"]),
                                                  TOPIC_RES, SUB_RES])
case(REGION, "fail_hc_alarm_provider_eu_west_1", [
    EUW1, alarm("hc", **ROUTE53, region=None, provider=EUW1["urn"] + "::a1b2c3"), TOPIC_RES, SUB_RES],
    {(REGION, M, "hc")})
case(REGION, "fail_hc_alarm_default_region", [alarm("hc", **ROUTE53, region=None), TOPIC_RES, SUB_RES],
     {(REGION, M, "hc")}, config={REGION: {"defaultRegion": "eu-west-1"}})
case(REGION, "fail_hc_metric_query_eu_west_1", [alarm("hc", namespace=None, metricName=None, region="eu-west-1",
                                                      metricQueries=[{"id": "m", "returnData": True, "metric": {
                                                          **ROUTE53, "period": 60, "stat": "Minimum"}}]),
                                                TOPIC_RES, SUB_RES], {(REGION, M, "hc")})
case(REGION, "pass_other_namespace_eu_west_1", [alarm("app", region="eu-west-1",
                                                      alarmActions=["arn:aws:sns:eu-west-1:123456789012:alerts"]),
                                                res(TOPIC, "alerts", {"name": "alerts", "region": "eu-west-1"}),
                                                res(SUBSCRIPTION, "sub", {"topic": "arn:aws:sns:eu-west-1:"
                                                                          "123456789012:alerts"})])

# ---------------------------------------------------------------------------------------------- secrets

WINDOW = "aws-secretsmanager-secret-configure-recovery-window"
CMK = "aws-secretsmanager-secret-configure-customer-managed-key"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/k"


def secret(name: str, **inputs: Any) -> dict[str, Any]:
    return res(SECRET, name, {"name": name, "recoveryWindowInDays": 30, "kmsKeyId": KEY, **inputs})


case(WINDOW, "fail_secret_force_delete_prod", [secret("s", recoveryWindowInDays=0)], {(WINDOW, M, "s")}, tags=PROD)
case(WINDOW, "pass_secret_force_delete_staging", [secret("s", recoveryWindowInDays=0)],
     tags={"environment": "staging"})
case(WINDOW, "pass_secret_window_prod", [secret("s", recoveryWindowInDays=7)], tags=PROD)
case(CMK, "pass_secret_cmk", [secret("s")])
case(CMK, "pass_secret_key_created_in_this_update", [secret("s", kmsKeyId=UNKNOWN)])
case(CMK, "fail_secret_default_key", [res(SECRET, "s", {"name": "s", "recoveryWindowInDays": 30})], {(CMK, A, "s")})
case(CMK, "fail_secret_aws_managed_alias", [secret("s", kmsKeyId="alias/aws/secretsmanager")], {(CMK, A, "s")})
