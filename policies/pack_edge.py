"""Rules for the Cloudflare edge: SSL/TLS zone settings, cache rules, redirects, WAF custom rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_common import MANDATORY, RULESET, ZONE_SETTING, Ctx, Finding, get, resource_rule
from pack_expr import ExpressionError, Probe, evaluate_node, literals, parse
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
    hsts = get(value, "strict_transport_security", default=None) or get(value, "strictTransportSecurity", default={})
    minimum = int(ctx.setting("minMaxAge", 15552000))
    max_age = get(hsts, "max_age", default=None)
    max_age = get(hsts, "maxAge", default=0) if max_age is None else max_age
    if get(hsts, "enabled", default=False) is not True:
        yield Finding("HSTS is disabled in prod: a visitor's first request can be downgraded to HTTP")
    elif _number(max_age) < minimum:
        yield Finding(f"HSTS max-age {max_age} is below {minimum} seconds in prod")


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


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


AUTH_HEADERS = (("Authorization", "Bearer x"), ("authorization", "Bearer x"))  # HTTP/2 lower-cases names
Variant = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]  # (cookies, headers)


def _auth_variants(cookies: list[str]) -> list[Variant]:
    """Credentials a request can carry: one variant per session cookie, and the Authorization header."""
    variants: list[Variant] = [(((c, "1"),), ()) for c in cookies]
    variants += [((), (header,)) for header in AUTH_HEADERS]
    return variants


def _hosts(expression_literals: list[str], internal: list[str]) -> list[str]:
    """Hosts to probe: those the expressions name, the internal ones, and one the expressions do not name."""
    named = {lit.lower() for lit in expression_literals
             if "." in lit and "/" not in lit and " " not in lit and not lit.startswith(".") and "=" not in lit}
    return sorted(named | set(internal) | {"www.example.com"})


def authenticated_probes(expression_literals: list[str], cfg: Ctx) -> list[Probe]:
    """Requests that are authenticated by one of the signals: path, internal host, cookie, Authorization."""
    prefixes = [str(p) for p in cfg.setting("authenticatedPathPrefixes", DEFAULT_AUTH_PREFIXES)]
    cookies = [str(c) for c in cfg.setting("sessionCookies", DEFAULT_SESSION_COOKIES)]
    internal = [str(h).lower() for h in cfg.setting("internalHosts", [])]
    variants = _auth_variants(cookies)
    probes: list[Probe] = []
    for path in _probe_paths(expression_literals, prefixes):
        auth_path = any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)
        for host in _hosts(expression_literals, internal):
            if auth_path or host in internal:
                probes.append(Probe(host=host, path=path))
            probes += [Probe(host=host, path=path, cookies=c, headers=h) for c, h in variants]
    return probes


ParsedRule = tuple[int, Any, bool]  # (index in the ruleset, expression AST, cache eligible)


def _ref(rule: Any, index: int) -> str:
    return f'"{get(rule, "ref", default=None) or index}"'


def _parsed_cache_rules(ctx: Ctx) -> tuple[list[Any], list[ParsedRule], list[Finding]]:
    """The cache rules of a cache-settings ruleset, parsed; an unreadable cache-eligible rule is a finding."""
    if get(ctx.props, "phase") != "http_request_cache_settings":
        return [], [], []
    rules = list(get(ctx.props, "rules", default=[]))
    parsed: list[ParsedRule] = []
    unreadable: list[Finding] = []
    for i, rule in enumerate(rules):
        if get(rule, "enabled", default=True) is False or get(rule, "action") != "set_cache_settings":
            continue
        expression = str(get(rule, "expression", default=""))
        eligible = get(rule, "actionParameters", "cache") is True
        try:
            parsed.append((i, parse(expression), eligible))
        except ExpressionError as exc:
            if eligible:
                unreadable.append(Finding(f"cache rule {_ref(rule, i)}: cannot read the expression ({exc}), so it "
                                          "cannot be shown to leave authenticated traffic uncached"))
    return rules, parsed, unreadable


def _all_literals(parsed: list[ParsedRule]) -> list[str]:
    found: list[str] = []
    for _, ast, _ in parsed:
        found.extend(literals(ast))
    return found


def _covered_later(parsed: list[ParsedRule], index: int, probe: Probe) -> bool:
    """A later bypass rule (cache: false) surely matches this request, so it wins over rule `index`."""
    return any(evaluate_node(ast, probe) is True for j, ast, eligible in parsed if j > index and not eligible)


def _cache_rules(ctx: Ctx) -> Iterator[Finding]:
    rules, parsed, unreadable = _parsed_cache_rules(ctx)
    yield from unreadable
    if not any(eligible for _, _, eligible in parsed):
        return
    probes = authenticated_probes(_all_literals(parsed), ctx)
    for index, ast, eligible in parsed:
        if not eligible:
            continue
        for probe in probes:
            if evaluate_node(ast, probe) is False:
                continue  # unknown counts as a match: it cannot be proved safe
            if _covered_later(parsed, index, probe):
                continue
            yield Finding(f"cache rule {_ref(rules[index], index)} makes authenticated traffic cacheable: it matches "
                          f"{probe.describe()} and no later bypass rule covers that request")
            break


PAGE_PATHS = ("/", "/index.html", "/pricing", "/a/page")


def _cache_everything(ctx: Ctx) -> Iterator[Finding]:
    """A cache-eligible rule that matches every ordinary page caches everything; it needs a guard that keeps
    requests with a session cookie or an Authorization header out (in its expression or a later bypass)."""
    rules, parsed, _ = _parsed_cache_rules(ctx)
    if not any(eligible for _, _, eligible in parsed):
        return
    cookies = [str(c) for c in ctx.setting("sessionCookies", DEFAULT_SESSION_COOKIES)]
    hosts = _hosts(_all_literals(parsed), [])
    for index, ast, eligible in parsed:
        if not eligible:
            continue
        pages = [Probe(host, path) for host in hosts for path in PAGE_PATHS]
        broad = [p for p in pages if evaluate_node(ast, p) is True]
        if {p.path for p in broad} != set(PAGE_PATHS):
            continue  # scoped to assets or some paths: not "cache everything"
        unguarded: list[str] = []
        for page in broad:
            for cookie, headers in _auth_variants(cookies):
                probe = Probe(page.host, page.path, cookies=cookie, headers=headers)
                label = f"the {cookie[0][0]} cookie" if cookie else "the Authorization header"
                if label in unguarded or evaluate_node(ast, probe) is False or _covered_later(parsed, index, probe):
                    continue
                unguarded.append(label)
        if unguarded:
            mode = str(get(rules[index], "actionParameters", "edgeTtl", "mode", default=""))
            why = ", overriding the origin's Cache-Control," if mode == "override_origin" else ""
            yield Finding(f"cache rule {_ref(rules[index], index)} caches every page{why} with no guard for "
                          f"{' or '.join(unguarded)}: neither its expression nor a later bypass rule excludes them")


# ---------------------------------------------------------------------------------------------- redirects

REDIRECT_CODES = {301, 302, 307, 308}


def _redirects(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_dynamic_redirect":
        return
    for i, rule in enumerate(get(ctx.props, "rules", default=[])):
        ref = _ref(rule, i)
        if get(rule, "enabled", default=True) is False:
            continue
        if get(rule, "action") != "redirect":
            yield Finding(f'rule {ref} of a redirect ruleset has action "{get(rule, "action")}", not redirect')
            continue
        from_value = get(rule, "actionParameters", "fromValue", default={})
        code = get(from_value, "statusCode")
        if code is None or _number(code) not in REDIRECT_CODES:
            yield Finding(f"redirect rule {ref} uses status {code}, not one of 301, 302, 307, 308")
        target = str(get(from_value, "targetUrl", "value", default="") or "")
        target_expr = str(get(from_value, "targetUrl", "expression", default="") or "")
        if target.lower().startswith("http://") or '"http://' in target_expr.lower():
            yield Finding(f"redirect rule {ref} sends visitors to an http:// URL")


# ---------------------------------------------------------------------------------------------- WAF

_DIVERSE_PROBES = [
    Probe("www.example.com", "/"),
    Probe("api.example.org", "/v1/users?id=1", headers=(("Authorization", "x"),)),
    Probe("admin.example.net", "/admin/login", cookies=(("session", "1"),), method="POST"),
    Probe("cdn.example.com", "/assets/app.js"),
]


def _waf_skip_all(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_firewall_custom":
        return
    for i, rule in enumerate(get(ctx.props, "rules", default=[])):
        if get(rule, "action") != "skip" or get(rule, "enabled", default=True) is False:
            continue
        expression = str(get(rule, "expression", default=""))
        try:
            ast = parse(expression)
        except ExpressionError:
            continue  # cannot show it matches everything
        if all(evaluate_node(ast, p) is True for p in _DIVERSE_PROBES):
            yield Finding(f"WAF rule {_ref(rule, i)} skips security checks for every request ({expression!r})")


TLS_RULES = [
    resource_rule(
        name="cloudflare-zonesetting-disallow-insecure-ssl-mode",
        description="SSL mode must be Full (strict): off and flexible send traffic to the origin in clear text, "
                    "full accepts any origin certificate.",
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
        config={"minTls": {"type": "string", "default": "1.2", "enum": ["1.2", "1.3"],
                           "description": "The lowest TLS version clients may use."}},
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
        config={"minMaxAge": {"type": "integer", "default": 15552000, "minimum": 0,
                              "description": "The shortest HSTS max-age accepted in prod, in seconds."}},
    ),
    resource_rule(
        name="cloudflare-zonesetting-disallow-development-mode",
        description="Development mode must not stay on: it bypasses the cache, so every request hits the origin.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(ZONE_SETTING,), check=_dev_mode,
        remediation='Remove the development_mode ZoneSetting or set it to "off".',
    ),
]

_CACHE_CONFIG: dict[str, dict[str, Any]] = {
    "authenticatedPathPrefixes": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_AUTH_PREFIXES,
                                  "description": "Path prefixes served only to signed-in users."},
    "sessionCookies": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_SESSION_COOKIES,
                       "description": "Names of the cookies that carry a session."},
    "internalHosts": {"type": "array", "items": {"type": "string"}, "default": [],
                      "description": "Hostnames of internal apps (behind Access); never cacheable."},
}

RULESET_RULES = [
    resource_rule(
        name="cloudflare-ruleset-disallow-cache-authenticated-traffic",
        description="A cache rule must never make authenticated traffic cacheable (authenticated paths, internal "
                    "hosts, session cookies, Authorization headers), or one user's page is served to another.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(RULESET,), check=_cache_rules,
        remediation="Scope cache-eligible rules to static assets and end the cache ruleset with a bypass rule "
                    "(cache: false) that matches authenticated paths, internal hosts, session cookies and the "
                    "Authorization header; the last matching rule wins.",
        config=_CACHE_CONFIG,
    ),
    resource_rule(
        name="cloudflare-ruleset-disallow-cache-everything-without-guard",
        description="A cache rule that makes every page cache-eligible (cache everything) must be guarded: "
                    "requests with a session cookie or an Authorization header must never match it.",
        severity=Severity.HIGH, level=MANDATORY, types=(RULESET,), check=_cache_everything,
        remediation='Add `and not http.cookie contains "<session cookie>"` and an Authorization-header '
                    "exclusion to the rule, or follow it with a bypass rule (cache: false) for them; better, "
                    "scope it to static assets.",
        config={"sessionCookies": _CACHE_CONFIG["sessionCookies"]},
    ),
    resource_rule(
        name="cloudflare-ruleset-configure-secure-redirects",
        description="Redirect rules must redirect (301/302/307/308) and only to https:// targets: an http:// "
                    "target undoes HTTPS, another status breaks the redirect.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(RULESET,), check=_redirects,
        remediation="Use action redirect with status 301 or 308 and an https:// target URL.",
    ),
    resource_rule(
        name="cloudflare-ruleset-disallow-waf-skip-all",
        description="A WAF custom rule must not skip security checks for every request: that turns the WAF off "
                    "for the whole zone.",
        severity=Severity.HIGH, level=MANDATORY, types=(RULESET,), check=_waf_skip_all,
        remediation="Narrow the skip rule's expression (a path and a source IP list, for example).",
    ),
]

EDGE_RULES = TLS_RULES + RULESET_RULES
