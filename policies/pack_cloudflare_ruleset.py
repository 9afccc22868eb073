"""Rules for Cloudflare rulesets (`cloudflare:index/ruleset:Ruleset`): cache rules, redirects, the WAF
(custom and managed phases) and rate limits.

The cache rules are stack policies: they judge each cache ruleset against the zone's hostnames (the
stack's DNS records and zones), its internal hosts and its authenticated paths (pack_cache.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_cache import (
    AUTH_SIGNALS_CONFIG,
    DEFAULT_AUTH_PREFIXES,
    DEFAULT_SESSION_COOKIES,
    DEFAULT_STATIC_PREFIXES,
    CacheRule,
    Judge,
    Signals,
    Universe,
    credential_guard,
    describe_hits,
    merge_credentials,
)
from pack_common import (
    ACCESS_APP,
    INTERNAL_LABELS_CONFIG,
    MANDATORY,
    RULESET,
    UNKNOWN,
    Ctx,
    Finding,
    get,
    items,
    number,
    of_type,
    peek,
    resource_rule,
    stack_hosts,
    stack_rule,
)
from pack_expr import ExpressionError, Probe, evaluate_node, parse
from pulumi_policy import Severity
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

CACHE_PHASE = "http_request_cache_settings"


def ref(rule: Any, index: int) -> str:
    return f'"{get(rule, "ref", default=None) or get(rule, "description", default=None) or index}"'


def _app_paths(ctx: Ctx) -> list[str]:
    """Paths an Access application protects (a path-scoped `domain` or destination): authenticated paths."""
    paths = []
    for app in of_type(ctx.resources or [], ACCESS_APP):
        values = [peek(app.props, "domain")] + [peek(d, "uri") for d in items(app.props, "destinations")]
        for value in values:
            if isinstance(value, str) and "/" in value.split("://", 1)[-1]:
                path = "/" + value.split("://", 1)[-1].split("/", 1)[1].rstrip("*")
                if path.strip("/"):
                    paths.append(path)
    return paths


def signals(ctx: Ctx) -> Signals:
    labels = ctx.internal_labels()
    hosts = stack_hosts(ctx.resources or [], labels, [str(h) for h in ctx.setting("internalHosts", [])])
    prefixes = [str(p) for p in ctx.setting("authenticatedPathPrefixes", DEFAULT_AUTH_PREFIXES)]
    # The default list is an assumption (the CLI fills schema defaults in, so equal means not declared);
    # a list of the stack's own, and the paths its Access applications protect, are declared.
    declared = [] if sorted(prefixes) == sorted(DEFAULT_AUTH_PREFIXES) else list(prefixes)
    return Signals(prefixes=prefixes + _app_paths(ctx), declared=declared + _app_paths(ctx),
                   cookies=[str(c) for c in ctx.setting("sessionCookies", DEFAULT_SESSION_COOKIES)],
                   internal_hosts=hosts.internal | hosts.conventional, assumed_hosts=set(hosts.conventional),
                   internal_labels=labels,
                   public_hosts=hosts.public,
                   static_prefixes=[str(p) for p in ctx.setting("staticPathPrefixes", DEFAULT_STATIC_PREFIXES)])


def _overrides_origin(params: Any) -> bool:
    """Whether the rule ignores the origin's Cache-Control (an edge TTL that overrides it, or Origin Cache
    Control off). The default, respect the origin's headers, does not."""
    mode = peek(params, "edgeTtl", "mode", default="respect_origin")
    return mode is UNKNOWN or str(mode) == "override_origin" or peek(params, "originCacheControl") is False


_PARSED: dict[int, tuple[Any, tuple[list[CacheRule], list[Finding], bool]]] = {}


def cache_rules(ruleset: Any) -> tuple[list[CacheRule], list[Finding], bool]:
    """cache_rules_of, once per decoded request (both cache rules read the same properties object)."""
    props = ruleset.props
    hit = _PARSED.get(id(props))
    if hit is None or hit[0] is not props:
        if len(_PARSED) > 64:
            _PARSED.clear()
        hit = (props, cache_rules_of(ruleset))
        _PARSED[id(props)] = hit
    return hit[1]


def cache_rules_of(ruleset: Any) -> tuple[list[CacheRule], list[Finding], bool]:
    """A cache ruleset's enabled cache rules in order; a finding for each unreadable cache-eligible rule;
    whether some expression is unknown during preview."""
    parsed: list[CacheRule] = []
    unreadable: list[Finding] = []
    unknown = False
    for i, rule in enumerate(items(ruleset.props, "rules")):
        if rule is UNKNOWN:
            unknown = True
            continue
        if peek(rule, "enabled", default=True) is False or peek(rule, "action") != "set_cache_settings":
            continue
        params = peek(rule, "actionParameters", default={})
        eligible = peek(params, "cache") is True
        if peek(params, "cache") is not True and peek(params, "cache") is not False:
            continue  # leaves eligibility as it is (e.g. only a TTL)
        expression = peek(rule, "expression", default="")
        if expression is UNKNOWN:
            unknown = True
            continue
        try:
            parsed.append(CacheRule(i, ref(rule, i), parse(str(expression)), eligible, _overrides_origin(params)))
        except ExpressionError as exc:
            if eligible:
                unreadable.append(Finding(f"cache rule {ref(rule, i)}: cannot read the expression ({exc}), so it "
                                          "cannot be shown to leave authenticated traffic uncached",
                                          urn=ruleset.urn, name=ruleset.name))
    return parsed, unreadable, unknown


def _cache_rulesets(ctx: Ctx) -> Iterator[tuple[Any, Judge, list[Finding]]]:
    universe = Universe(signals(ctx))
    unknown = False
    for ruleset in of_type(ctx.resources or [], RULESET):
        if peek(ruleset.props, "phase") != CACHE_PHASE:
            continue
        rules, unreadable, some_unknown = cache_rules(ruleset)
        unknown = unknown or some_unknown
        yield ruleset, Judge(rules, universe), unreadable
    if unknown:
        raise UnknownValueError(UNKNOWN_STRING_VALUE, ["rules", "expression"])  # reported "can't run during preview"


def _cache_authenticated(ctx: Ctx) -> Iterator[Finding]:
    found: list[Finding] = []
    try:
        for ruleset, judge, unreadable in _cache_rulesets(ctx):
            found += unreadable
            for rule in judge.rules:
                hits = judge.sensitive_matches(rule) if rule.eligible else []
                if hits:
                    found.append(Finding(
                        f"cache rule {rule.ref} makes authenticated traffic cacheable (no later bypass rule "
                        f"covers it): {describe_hits(hits)}",
                        urn=ruleset.urn, name=ruleset.name))
    except UnknownValueError:
        if not found:
            raise
    yield from found


def _cache_everything(ctx: Ctx) -> Iterator[Finding]:
    """A cache-eligible rule that matches every ordinary page and overrides the origin's Cache-Control caches
    everything; it needs a guard that keeps requests with a session cookie or an Authorization header out."""
    found: list[Finding] = []
    try:
        for ruleset, judge, _ in _cache_rulesets(ctx):
            for rule in judge.rules:
                if not rule.eligible or not rule.overrides_origin:
                    continue
                unguarded = judge.unguarded_credentials(rule)
                if unguarded:
                    found.append(Finding(
                        f"cache rule {rule.ref} caches every page, overriding the origin's Cache-Control, with no "
                        f"guard for {' or '.join(merge_credentials(unguarded))}: neither its expression nor a later "
                        f"bypass rule excludes them. Fix: add `and {' and '.join(credential_guard(unguarded))}` to "
                        "the rule, or follow it with a bypass rule (cache: false) matching them",
                        urn=ruleset.urn, name=ruleset.name))
    except UnknownValueError:
        if not found:
            raise
    yield from found


# ---------------------------------------------------------------------------------------------- redirects

REDIRECT_CODES = {301, 302, 307, 308}


def _is_phase(phase: str) -> Any:
    return lambda ctx: get(ctx.props, "phase") == phase


def _redirects(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_dynamic_redirect":
        return
    for i, rule in enumerate(items(ctx.props, "rules")):
        label = ref(rule, i)
        if get(rule, "enabled", default=True) is False:
            continue
        if get(rule, "action") != "redirect":
            yield Finding(f'rule {label} of a redirect ruleset has action "{get(rule, "action")}", not redirect')
            continue
        from_value = get(rule, "actionParameters", "fromValue", default={})
        code = get(from_value, "statusCode")
        if code is None or number(code) not in REDIRECT_CODES:
            yield Finding(f"redirect rule {label} uses status {code}, not one of 301, 302, 307, 308")
        target = str(get(from_value, "targetUrl", "value", default="") or "")
        target_expr = str(get(from_value, "targetUrl", "expression", default="") or "")
        if target.lower().startswith("http://") or '"http://' in target_expr.lower():
            yield Finding(f"redirect rule {label} sends visitors to an http:// URL")


# ---------------------------------------------------------------------------------------------- WAF

#: Requests as different as they come: hosts, paths, methods, credentials, IPv4 and IPv6 sources.
DIVERSE_PROBES = [
    Probe("www.example.com", "/", ip="203.0.113.9", extra=(
        ("http.user_agent", "Mozilla/5.0 (Windows NT 10.0)"), ("ip.src.country", "US"), ("ip.geoip.country", "US"),
        ("http.referer", ""), ("ip.src.asnum", 7922), ("cf.bot_management.score", 90))),
    Probe("api.example.org", "/v1/users?id=1", headers=(("Authorization", "x"),), ip="198.51.100.23", extra=(
        ("http.user_agent", "curl/8.5.0"), ("ip.src.country", "DE"), ("ip.geoip.country", "DE"),
        ("http.referer", "https://example.org/"), ("ip.src.asnum", 3320), ("cf.bot_management.score", 1))),
    Probe("admin.example.net", "/admin/login", cookies=(("session", "1"),), method="POST", ip="192.0.2.200", extra=(
        ("http.user_agent", "python-requests/2.32"), ("ip.src.country", "BR"), ("ip.geoip.country", "BR"),
        ("ip.src.asnum", 28573), ("cf.bot_management.score", 30))),
    Probe("cdn.example.com", "/assets/app.js", ip="2001:db8::1", extra=(
        ("http.user_agent", "Mozilla/5.0 (iPhone)"), ("ip.src.country", "JP"), ("ip.geoip.country", "JP"),
        ("ip.src.asnum", 2516))),
    Probe("shop.example.io", "/checkout/pay.php", method="PUT", ip="2606:4700:4700::1111", extra=(
        ("http.user_agent", "Go-http-client/1.1"), ("ip.src.country", "IN"), ("ip.geoip.country", "IN"),
        ("ip.src.asnum", 13335))),
    Probe("x.example.co.uk", "/wp-login.php?redirect=%2F", method="DELETE", ip="10.1.2.3", extra=(
        ("http.user_agent", "sqlmap/1.8"), ("ip.src.country", "T1"), ("ip.geoip.country", "T1"))),
]
_V4 = [p for p in DIVERSE_PROBES if ":" not in p.ip]
_V6 = [p for p in DIVERSE_PROBES if ":" in p.ip]
WAF_PHASES = ("http_request_firewall_custom", "http_request_firewall_managed")


def _too_broad(expression: Any) -> str | None:
    """"every request", "every IPv4 source", ... when an expression is true for all such requests."""
    if expression is UNKNOWN:
        return None
    try:
        ast = parse(str(expression))
    except ExpressionError:
        return None
    results = [evaluate_node(ast, p) is True for p in DIVERSE_PROBES]
    if all(results):
        return "every request"
    by_ip = dict(zip(DIVERSE_PROBES, results, strict=True))
    for family, probes in (("IPv4", _V4), ("IPv6", _V6)):
        if all(by_ip[p] for p in probes):
            return f"every request from an {family} source"
    return None


def _waf_skip_all(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") not in WAF_PHASES:
        return
    for i, rule in enumerate(items(ctx.props, "rules")):
        if peek(rule, "action") != "skip" or peek(rule, "enabled", default=True) is False:
            continue
        expression = get(rule, "expression", default="")
        scope = _too_broad(expression)
        if scope is not None:
            yield Finding(f"WAF rule {ref(rule, i)} skips security checks for {scope} ({str(expression)!r})")


def _managed_waf_off(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "phase") != "http_request_firewall_managed":
        return
    executes = [(i, r) for i, r in enumerate(items(ctx.props, "rules")) if peek(r, "action") == "execute"]
    for i, rule in executes:
        label = ref(rule, i)
        overrides = peek(rule, "actionParameters", "overrides", default={})
        expression = peek(rule, "expression", default="true")
        if peek(rule, "enabled", default=True) is False:
            yield Finding(f"the managed ruleset rule {label} is disabled: the managed WAF does not run")
        elif peek(overrides, "enabled") is False:
            yield Finding(f"rule {label} switches the managed ruleset off (overrides.enabled: false)")
        elif peek(overrides, "action") == "log":
            yield Finding(f"rule {label} makes every managed rule only log (overrides.action: log): nothing "
                          "is blocked")
        elif peek(overrides, "sensitivityLevel") == "eoff":
            yield Finding(f"rule {label} sets the managed ruleset's sensitivity to essentially off")
        elif expression is not UNKNOWN and _never(str(expression)):
            yield Finding(f"rule {label} executes the managed ruleset for no request ({expression!r})")
    if not executes:
        yield Finding("the managed WAF phase executes no managed ruleset: the zone has no managed protection")


def _never(expression: str) -> bool:
    try:
        ast = parse(expression)
    except ExpressionError:
        return False
    return all(evaluate_node(ast, p) is False for p in DIVERSE_PROBES)


# ---------------------------------------------------------------------------------------------- rate limits

def _rate_limits(ctx: Ctx) -> Iterator[tuple[str, Any]]:
    if get(ctx.props, "phase") != "http_ratelimit":
        return
    for i, rule in enumerate(items(ctx.props, "rules")):
        if rule is not UNKNOWN and peek(rule, "enabled", default=True) is not False:
            yield ref(rule, i), rule


def _log_only_rate_limit(ctx: Ctx) -> Iterator[Finding]:
    for label, rule in _rate_limits(ctx):
        if peek(rule, "action") == "log":
            yield Finding(f"rate limit {label} only logs: requests over the limit still reach the origin")


LOGIN_WORDS = ("login", "signin", "sign-in", "sign_in", "auth", "password", "passwd", "otp", "token", "session")


def _rate_limit_threshold(ctx: Ctx) -> Iterator[Finding]:
    ceiling = number(ctx.setting("maxRequestsPerSecond", 100))
    login_ceiling = number(ctx.setting("maxLoginRequestsPerMinute", 60)) / 60
    for label, rule in _rate_limits(ctx):
        limit = peek(rule, "ratelimit", default={})
        requests, period = peek(limit, "requestsPerPeriod"), peek(limit, "period")
        if requests is UNKNOWN or period is UNKNOWN or (requests is None and peek(limit, "scorePerPeriod")):
            continue
        requests, period = number(requests), number(period)
        expression = str(peek(rule, "expression", default="") or "").lower()
        login = any(word in expression for word in LOGIN_WORDS)
        allowed = min(ceiling, login_ceiling) if login else ceiling
        if not requests >= 1 or not period >= 1:
            yield Finding(f"rate limit {label} has no usable threshold (requestsPerPeriod {requests}, "
                          f"period {period} s)")
        elif requests / period > allowed:
            what = "a sign-in path, " if login else ""
            yield Finding(f"rate limit {label} allows {requests:g} requests per {period:g} s on {what}"
                          f"{requests / period:,.1f}/s per client, above {allowed:g}/s: it never triggers")


_CACHE_CONFIG: dict[str, dict[str, Any]] = {
    **AUTH_SIGNALS_CONFIG,
    "internalHosts": {"type": "array", "items": {"type": "string"}, "default": [],
                      "description": "Hostnames of internal apps (behind Access); their pages are never cacheable."},
    "staticPathPrefixes": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_STATIC_PREFIXES,
                           "description": "Path prefixes that serve only static files (safe to cache)."},
    **INTERNAL_LABELS_CONFIG,
}

RULESET_RULES = [
    stack_rule(
        name="cloudflare-ruleset-disallow-cache-authenticated-traffic",
        description="A cache rule must never make authenticated traffic cacheable (pages of internal hosts or "
                    "authenticated paths, and requests with a session cookie or an Authorization header when it "
                    "overrides the origin's Cache-Control), or one user's page is served to another.",
        severity=Severity.CRITICAL, level=MANDATORY, check=_cache_authenticated, types=(RULESET,),
        remediation="Scope cache-eligible rules to static assets (file types, /assets/) and end the cache "
                    "ruleset with a bypass rule (cache: false) that matches authenticated paths, internal hosts, "
                    "session cookies and the Authorization header; the last matching rule wins.",
        config=_CACHE_CONFIG,
    ),
    stack_rule(
        name="cloudflare-ruleset-disallow-cache-everything-without-guard",
        description="A cache rule that makes every page cache-eligible and overrides the origin's Cache-Control "
                    "(cache everything) must be guarded: requests with a session cookie or an Authorization "
                    "header must never match it.",
        severity=Severity.HIGH, level=MANDATORY, check=_cache_everything, types=(RULESET,),
        remediation='Add `and not http.cookie contains "<session cookie>"` and an Authorization-header '
                    "exclusion to the rule, or follow it with a bypass rule (cache: false) for them; better, "
                    "scope it to static assets or respect the origin's Cache-Control (edgeTtl mode "
                    "respect_origin).",
        config={"sessionCookies": _CACHE_CONFIG["sessionCookies"]},
    ),
    resource_rule(
        name="cloudflare-ruleset-configure-secure-redirects",
        description="Redirect rules must redirect (301/302/307/308) and only to https:// targets: an http:// "
                    "target undoes HTTPS, another status breaks the redirect.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(RULESET,), check=_redirects,
        applies=_is_phase("http_request_dynamic_redirect"),
        remediation="Use action redirect with status 301 or 308 and an https:// target URL.",
    ),
    resource_rule(
        name="cloudflare-ruleset-disallow-waf-skip-all",
        description="A WAF rule must not skip security checks for every request (or every IPv4 or IPv6 "
                    "source): that turns the WAF off for the whole zone, whatever the expression looks like.",
        severity=Severity.HIGH, level=MANDATORY, types=(RULESET,), check=_waf_skip_all,
        applies=lambda ctx: get(ctx.props, "phase") in WAF_PHASES,
        remediation="Narrow the skip rule's expression (a path and a source IP list, for example).",
    ),
    resource_rule(
        name="cloudflare-ruleset-disallow-disabled-managed-waf",
        description="The managed WAF phase must execute its managed rulesets: a disabled execute rule, an "
                    "override that switches the ruleset off, makes it log only or sets sensitivity to "
                    "essentially off stops the protection.",
        severity=Severity.HIGH, level=MANDATORY, types=(RULESET,), check=_managed_waf_off,
        applies=_is_phase("http_request_firewall_managed"),
        remediation="Keep each execute rule enabled, remove overrides.enabled: false and overrides.action: log; "
                    "turn off single noisy rules through overrides.rules instead.",
    ),
    resource_rule(
        name="cloudflare-ruleset-disallow-log-only-rate-limit",
        description="A rate limit must act (block, challenge): one that only logs lets the flood through.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(RULESET,), check=_log_only_rate_limit,
        applies=_is_phase("http_ratelimit"),
        remediation='Set the rate-limit rule\'s action to "block" (or managed_challenge) once its threshold is '
                    "tuned.",
    ),
    resource_rule(
        name="cloudflare-ruleset-configure-rate-limit-threshold",
        description="A rate limit's threshold and period must be able to trigger: a limit far above what one "
                    "client sends, or no threshold at all, protects nothing.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(RULESET,), check=_rate_limit_threshold,
        applies=_is_phase("http_ratelimit"),
        remediation="Set requestsPerPeriod and period to what one client legitimately sends (e.g. 5 login "
                    "attempts per 60 s).",
        config={"maxRequestsPerSecond": {"type": "number", "default": 100, "minimum": 0,
                                         "description": "The highest per-client rate a limit may allow."},
                "maxLoginRequestsPerMinute": {"type": "number", "default": 60, "minimum": 0,
                                              "description": "The highest per-client rate a limit on a sign-in "
                                                             "path (login, auth, password, otp) may allow."}},
    ),
]
