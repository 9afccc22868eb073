"""Rules for the Cloudflare edge: SSL/TLS zone settings, cache rules, redirects, WAF custom rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_common import MANDATORY, RULESET, ZONE_SETTING, Ctx, Finding, get, resource_rule
from pack_expr import ExpressionError, Probe, evaluate, evaluate_node, literals, parse
from pulumi_policy import Severity


def _setting(ctx: Ctx, setting_id: str) -> Any:
    """The value of a ZoneSetting with this id, or None when the resource is another setting."""
    if get(ctx.props, "settingId") != setting_id:
        return None
    return get(ctx.props, "value")


# ---------------------------------------------------------------------------------------------- TLS


def _ssl_mode(ctx: Ctx) -> Iterator[Finding]:
    mode = _setting(ctx, "ssl")
    if mode is None:
        return
    weak = {"off", "flexible"} | ({"full"} if not ctx.setting("allowFull", False) else set())
    if str(mode) in weak:
        yield Finding(f'SSL mode is "{mode}": Cloudflare talks to the origin without a verified certificate '
                      f'({"in clear text" if mode != "full" else "accepting any certificate"})')


def _min_tls(ctx: Ctx) -> Iterator[Finding]:
    version = _setting(ctx, "min_tls_version")
    if version is None:
        return
    minimum = str(ctx.setting("minTls", "1.2"))
    try:
        too_low = float(str(version)) < float(minimum)
    except ValueError:
        too_low = True
    if too_low:
        yield Finding(f"minimum TLS version {version} is below {minimum}")


def _always_https(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "always_use_https")
    if value is not None and str(value) != "on":
        yield Finding('always_use_https is "off": visitors can stay on plain HTTP')


def _hsts(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "security_header")
    if value is None or not ctx.is_prod:
        return
    hsts = get(value, "strict_transport_security", default={})
    minimum = int(ctx.setting("minMaxAge", 15552000))
    if not get(hsts, "enabled", default=False):
        yield Finding("HSTS is disabled in prod")
    elif int(get(hsts, "max_age", default=0)) < minimum:
        yield Finding(f"HSTS max-age {get(hsts, 'max_age', default=0)} is below {minimum} seconds in prod")


def _dev_mode(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "development_mode")
    if value is not None and str(value) == "on":
        yield Finding("development mode is on: the cache is bypassed and changes go straight to the origin")


# ---------------------------------------------------------------------------------------------- cache

DEFAULT_AUTH_PREFIXES = ["/admin", "/account", "/api", "/login", "/logout", "/dashboard"]
DEFAULT_SESSION_COOKIES = ["session", "sessionid"]


def _probe_paths(rule_literals: list[str], prefixes: list[str]) -> list[str]:
    """Paths that exercise the expression: its own literals, under and outside authenticated prefixes."""
    exts = {lit.lstrip(".").lower() for lit in rule_literals if lit.lstrip(".").isalnum() and len(lit) <= 6}
    exts |= {"css", "js", "png", "html", "json"}
    paths = {"/", "/index.html"}
    for lit in rule_literals:
        if lit.startswith("/"):
            base = lit.replace("*", "x")
            paths |= {base, base.rstrip("/") + "/x", base.rstrip("/") + "/x.css"}
        elif lit.startswith("https://") or lit.startswith("http://"):
            rest = lit.split("://", 1)[1]
            path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
            paths.add(path.replace("*", "x"))
    for prefix in prefixes:
        paths |= {prefix, prefix + "/", prefix + "/x"} | {f"{prefix}/x.{ext}" for ext in exts}
        paths |= {f"{prefix}{lit}" for lit in rule_literals if lit.startswith("/")}
    return sorted(paths)


def authenticated_probes(expression_literals: list[str], cfg: Ctx) -> list[Probe]:
    """Requests that are authenticated by one of the signals: path, internal host, cookie, Authorization."""
    prefixes = list(cfg.setting("authenticatedPathPrefixes", DEFAULT_AUTH_PREFIXES))
    cookies = list(cfg.setting("sessionCookies", DEFAULT_SESSION_COOKIES))
    internal = list(cfg.setting("internalHosts", []))
    hosts = sorted({lit for lit in expression_literals if "." in lit and "/" not in lit and " " not in lit}
                   | set(internal) | {"www.example.com"})
    probes: list[Probe] = []
    for path in _probe_paths(expression_literals, prefixes):
        auth_path = any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)
        for host in hosts:
            signals = auth_path or host in internal
            variants: list[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = [((), ())]
            variants += [(((c, "1"),), ()) for c in cookies]
            variants.append(((), (("Authorization", "Bearer x"),)))
            for cookie, headers in variants:
                if signals or cookie or headers:
                    probes.append(Probe(host=host, path=path, cookies=cookie, headers=headers))
    return probes


def _cache_rules(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_cache_settings":
        return
    rules = list(get(ctx.props, "rules", default=[]))
    parsed: list[tuple[int, Any, bool]] = []  # (index, ast, cache eligible)
    for i, rule in enumerate(rules):
        if get(rule, "enabled", default=True) is False or get(rule, "action") != "set_cache_settings":
            continue
        expression = str(get(rule, "expression", default=""))
        eligible = get(rule, "actionParameters", "cache") is True
        try:
            parsed.append((i, parse(expression), eligible))
        except ExpressionError as exc:
            if eligible:
                yield Finding(f"cache rule {get(rule, 'ref', default=i)}: cannot read the expression ({exc}), so "
                              "it cannot be shown to leave authenticated traffic uncached")
    for index, ast, eligible in parsed:
        if not eligible:
            continue
        ref = get(rules[index], "ref", default=str(index))
        later_bypass = [a for j, a, e in parsed if j > index and not e]
        for probe in authenticated_probes(_all_literals(parsed), ctx):
            if evaluate_node(ast, probe) is False:
                continue  # unknown counts as a match: cannot prove it safe
            if any(evaluate_node(b, probe) is True for b in later_bypass):
                continue
            yield Finding(f'cache rule "{ref}" makes authenticated traffic cacheable: it matches '
                          f"{probe.describe()} and no later bypass rule covers that request")
            break


def _all_literals(parsed: list[tuple[int, Any, bool]]) -> list[str]:
    found: list[str] = []
    for _, ast, _ in parsed:
        found.extend(literals(ast))
    return found


# ---------------------------------------------------------------------------------------------- redirects

REDIRECT_CODES = {301, 302, 307, 308}


def _redirects(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_dynamic_redirect":
        return
    for i, rule in enumerate(get(ctx.props, "rules", default=[])):
        ref = get(rule, "ref", default=str(i))
        if get(rule, "action") != "redirect":
            yield Finding(f'redirect rule "{ref}" has action "{get(rule, "action")}", not redirect')
            continue
        from_value = get(rule, "actionParameters", "fromValue", default={})
        code = get(from_value, "statusCode")
        if code is None or int(code) not in REDIRECT_CODES:
            yield Finding(f'redirect rule "{ref}" uses status {code}, not one of 301, 302, 307, 308')
        target = str(get(from_value, "targetUrl", "value", default="") or "")
        target_expr = str(get(from_value, "targetUrl", "expression", default="") or "")
        if target.startswith("http://") or '"http://' in target_expr:
            yield Finding(f'redirect rule "{ref}" sends visitors to an http:// URL')


# ---------------------------------------------------------------------------------------------- WAF

_DIVERSE_PROBES = [
    Probe("www.example.com", "/"),
    Probe("api.example.org", "/v1/users?id=1", headers=(("Authorization", "x"),)),
    Probe("admin.example.net", "/admin/login", cookies=(("session", "1"),)),
    Probe("cdn.example.com", "/assets/app.js"),
]


def _waf_skip_all(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_firewall_custom":
        return
    for i, rule in enumerate(get(ctx.props, "rules", default=[])):
        if get(rule, "action") != "skip" or get(rule, "enabled", default=True) is False:
            continue
        ref = get(rule, "ref", default=str(i))
        expression = str(get(rule, "expression", default=""))
        try:
            results = [evaluate(expression, p) for p in _DIVERSE_PROBES]
        except ExpressionError:
            results = [None]
        if all(r is True for r in results):
            yield Finding(f'WAF rule "{ref}" skips security checks for every request ({expression!r})')


TLS_RULES = [
    resource_rule(
        name="cloudflare-zonesetting-disallow-insecure-ssl-mode",
        description="SSL mode must be Full (strict): off and flexible send traffic to the origin in clear text.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(ZONE_SETTING,), check=_ssl_mode,
        remediation='Set the ssl ZoneSetting to "strict" after installing a valid origin certificate '
                    "(publicly trusted or a Cloudflare Origin CA certificate).",
        config={"allowFull": {"type": "boolean", "default": False,
                              "description": 'Also accept "full" (origin certificate not verified).'}},
    ),
    resource_rule(
        name="cloudflare-zonesetting-configure-min-tls",
        description="Clients must use TLS 1.2 or newer; TLS 1.0 and 1.1 are broken and deprecated.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_min_tls,
        remediation='Set the min_tls_version ZoneSetting to "1.2" (or "1.3").',
        config={"minTls": {"type": "string", "default": "1.2", "enum": ["1.2", "1.3"]}},
    ),
    resource_rule(
        name="cloudflare-zonesetting-enable-always-use-https",
        description="Always Use HTTPS must be on, so that no visitor stays on plain HTTP.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_always_https,
        remediation='Set the always_use_https ZoneSetting to "on".',
    ),
    resource_rule(
        name="cloudflare-zonesetting-enable-hsts-prod",
        description="In prod, HSTS must be on with a max-age of at least six months, so browsers refuse HTTP.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_hsts,
        remediation="Enable strict_transport_security in the security_header ZoneSetting with max_age "
                    "31536000 (remove any maxAgeSeconds override from the prod stack file).",
        config={"minMaxAge": {"type": "integer", "default": 15552000}},
    ),
    resource_rule(
        name="cloudflare-zonesetting-disallow-development-mode",
        description="Development mode bypasses the cache and must not stay on.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(ZONE_SETTING,), check=_dev_mode,
        remediation='Remove the development_mode ZoneSetting or set it to "off".',
    ),
]

RULESET_RULES = [
    resource_rule(
        name="cloudflare-ruleset-disallow-cache-authenticated-traffic",
        description="A cache rule must never make authenticated traffic cacheable (authenticated paths, internal "
                    "hosts, session cookies, Authorization headers), or one user's page is served to another.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(RULESET,), check=_cache_rules,
        remediation="Scope cache-eligible rules to static assets and end the cache ruleset with a bypass rule "
                    "(cache: false) that matches authenticated paths, internal hosts, session cookies and the "
                    "Authorization header; the last matching rule wins.",
        config={
            "authenticatedPathPrefixes": {"type": "array", "items": {"type": "string"},
                                          "default": DEFAULT_AUTH_PREFIXES},
            "sessionCookies": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_SESSION_COOKIES},
            "internalHosts": {"type": "array", "items": {"type": "string"}, "default": []},
        },
    ),
    resource_rule(
        name="cloudflare-ruleset-configure-secure-redirects",
        description="Redirect rules must redirect (301/302/307/308) and only to https:// targets.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(RULESET,), check=_redirects,
        remediation="Use action redirect with status 301 or 308 and an https:// target URL.",
    ),
    resource_rule(
        name="cloudflare-ruleset-disallow-waf-skip-all",
        description="A WAF custom rule must not skip security checks for every request.",
        severity=Severity.HIGH, level=MANDATORY, types=(RULESET,), check=_waf_skip_all,
        remediation="Narrow the skip rule's expression (a path and a source IP list, for example).",
    ),
]

EDGE_RULES = TLS_RULES + RULESET_RULES
