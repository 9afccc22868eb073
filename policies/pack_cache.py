"""Which requests a Cloudflare cache rule makes cacheable, judged against the zone's real hostnames and the
stack's authenticated paths (used by the cloudflare-ruleset cache rules).

A request is *sensitive* when it is not a static asset and it goes to an internal host, to an authenticated
path, or (when the rule overrides the origin's Cache-Control) carries a session cookie or an Authorization
header. A static asset (a file type in STATIC_EXTENSIONS, or a path under a static prefix that is not
also authenticated) is never sensitive: caching /assets/ or hashed bundles is safe whoever asks for it.

The probe requests are built once per ruleset (`Universe`) and per rule only from that rule's own
literals; hosts a rule cannot match at all are dropped first by evaluating the rule with every non-host
field unknown, and requests that the rule cannot tell apart (it does not read the host, cookies or
headers) are evaluated once. So the work is linear in the number of rules and in the size of their sets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pack_common import is_internal_name
from pack_expr import Node, Probe, Tri, aspects, evaluate_node, literals
from pack_runtime import check_cancelled

DEFAULT_AUTH_PREFIXES = ["/admin", "/account", "/api", "/login", "/logout", "/dashboard"]
DEFAULT_SESSION_COOKIES = ["session", "sessionid"]
DEFAULT_STATIC_PREFIXES = ["/assets/", "/static/", "/_next/static/", "/_nuxt/", "/_astro/", "/build/", "/dist/",
                           "/public/", "/images/", "/img/", "/fonts/", "/css/", "/js/", "/media/", "/favicon",
                           "/wp-content/themes/", "/wp-includes/"]
#: The config of every rule that judges caching (cache rules, page rules): paths and cookies of signed-in users.
AUTH_SIGNALS_CONFIG: dict[str, dict[str, Any]] = {
    "authenticatedPathPrefixes": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_AUTH_PREFIXES,
                                  "description": "Path prefixes served only to signed-in users."},
    "sessionCookies": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_SESSION_COOKIES,
                       "description": "Names of the cookies that carry a session."},
}
STATIC_EXTENSIONS = frozenset({
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "woff",
    "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wasm",
})
AUTH_HEADERS = (("Authorization", "Bearer x"), ("authorization", "Bearer x"))  # HTTP/2 lower-cases names
BASE_PATHS = ("/", "/x")
PAGE_PATHS = ("/", "/index.html", "/pricing", "/a/page")
MAX_LITERAL_PATHS = 8
MAX_LITERAL_HOSTS = 4
MAX_HITS = 12  # distinct paths, hosts and credentials named in one finding

CREDENTIAL, AUTH_PATH, INTERNAL_HOST = "credential", "authenticated path", "internal host"
ASSUMED_INTERNAL = "assumed internal host"  # internal by convention only: counts when the rule overrides the origin


@dataclass
class Signals:
    """What makes a request sensitive in this stack."""

    prefixes: list[str]
    cookies: list[str]
    internal_hosts: set[str]
    internal_labels: list[str]
    public_hosts: list[str]
    static_prefixes: list[str] = field(default_factory=lambda: list(DEFAULT_STATIC_PREFIXES))
    #: The prefixes the stack declares (None: all of `prefixes`); the others are the pack's default assumption.
    declared: list[str] | None = None
    #: Internal hosts only assumed by convention (`ops.<zone>` with no such record): of `internal_hosts`.
    assumed_hosts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.prefixes = _normalised(self.prefixes)
        self.declared = self.prefixes if self.declared is None else _normalised(self.declared)
        self.static_prefixes = [p.lower() for p in self.static_prefixes]
        self.public_hosts = self.public_hosts or ["www.example.com"]

    def authenticated(self, path: str, declared_only: bool = False) -> bool:
        lowered = path.split("?", 1)[0].lower()
        prefixes = (self.declared or []) if declared_only else self.prefixes
        return any(lowered == p or lowered.startswith(p + "/") for p in prefixes)

    def prefix_of(self, path: str) -> str:
        lowered = path.split("?", 1)[0].lower()
        return next((p for p in self.prefixes if lowered == p or lowered.startswith(p + "/")), path)

    def static(self, path: str) -> bool:
        clean = path.split("?", 1)[0].lower()
        last = clean.rsplit("/", 1)[-1]
        if "." in last and last.rsplit(".", 1)[-1] in STATIC_EXTENSIONS:
            return True
        return not self.authenticated(clean) and any(clean.startswith(p) for p in self.static_prefixes)

    def internal(self, host: str) -> bool:
        return host in self.internal_hosts or is_internal_name(host, self.internal_labels)

    def danger(self, probe: Probe) -> str | None:
        """Why a request must never be cached (None: it may be)."""
        if self.static(probe.path):
            return None
        if self.internal(probe.host):
            return INTERNAL_HOST
        if self.authenticated(probe.path):
            return AUTH_PATH
        if probe.headers or any(name in self.cookies for name, _ in probe.cookies):
            return CREDENTIAL
        return None


def _normalised(prefixes: Iterable[str]) -> list[str]:
    stems = (p.strip().rstrip("*").strip("/").lower() for p in prefixes)
    return sorted({"/" + stem for stem in stems if stem})


def _key(probe: Probe, seen: frozenset[str]) -> Any:
    """What of the probe an expression that reads `seen` can tell apart."""
    if "*" in seen:
        return probe
    return (probe.host if "host" in seen else None, probe.path if "path" in seen else None,
            probe.cookies if "cookies" in seen else None, probe.headers if "headers" in seen else None,
            probe.method if "method" in seen else None)


def _regex_example(text: str) -> str | None:
    """A crude string a path regex matches (`^/adm[i]n` -> `/admin`), or None."""
    body = re.sub(r"\((?:\?:)?([^()|]*)(?:\|[^()]*)?\)", r"\1", text.removeprefix("(?i)"))  # first alternative
    body = body.lstrip("^").split("|", 1)[0].rstrip("$")
    body = re.sub(r"\[([^\]])[^\]]*\]", r"\1", body)
    body = re.sub(r"\.[*+]|\\[dws][*+]?", "x", body)
    body = re.sub(r"[()?*+]", "", body).replace("\\", "")
    return body if body.startswith("/") else None


def _literal_paths(values: Iterable[str], prefixes: list[str]) -> tuple[list[str], list[str]]:
    """Paths that exercise a rule: the ones it names (its path literals, a page below each, and what its path
    regexes match), and the ones its file types reach (also under each authenticated prefix)."""
    paths: list[str] = []
    derived: list[str] = []
    for lit in values:
        if lit.isalnum() and len(lit) <= 5 and lit.lower() not in STATIC_EXTENSIONS:
            derived += [f"/x.{lit}", *(f"{p}/x.{lit}" for p in prefixes)]
            continue
        if lit.startswith("http://") or lit.startswith("https://"):
            rest = lit.split("://", 1)[1]
            lit = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        elif not lit.startswith("/"):
            example = _regex_example(lit) if lit.startswith("^") else None
            if example is None:
                continue
            lit = example
        base = lit.replace("*", "x")
        paths += [base, base.rstrip("/") + "/x", base.rstrip("/") + "/x.html"]
        stem = lit.split("*", 1)[0].rstrip("/")
        if "*" in lit and len(stem) > 1:
            paths += [stem, stem + "/x"]  # "/login*" names /login itself
        if len(paths) >= 3 * MAX_LITERAL_PATHS:
            break
    return paths, derived


def _literal_hosts(values: Iterable[str], labels: list[str]) -> list[str]:
    """Hosts an expression names (and, for `*.zone` or `.zone` suffixes, the zone's internal names)."""
    internal: list[str] = []
    public: list[str] = []
    for lit in values:
        text = lit.lower()
        if "://" in text:
            text = text.split("://", 1)[1].split("/", 1)[0]
        if "." not in text or "/" in text or " " in text or "=" in text:
            continue
        if text.startswith("*.") or text.startswith("."):
            suffix = text.lstrip("*").lstrip(".")
            candidates = [f"x.{suffix}"] + [f"{label}.{suffix}" for label in labels[:2]]
        else:
            candidates = [text.replace("*", "x")]
        for host in candidates:
            (internal if is_internal_name(host, labels) else public).append(host)
    return list(dict.fromkeys(internal)) + list(dict.fromkeys(public))[:MAX_LITERAL_HOSTS]


def _credential(probe: Probe) -> str:
    if probe.cookies:
        return f"the {probe.cookies[0][0]} cookie"
    return f'the Authorization header (sent as "{probe.headers[0][0]}")' if probe.headers else "no credential"


class Universe:
    """The requests worth trying in one ruleset, shared by its rules: hosts and paths, each classified once."""

    def __init__(self, signals: Signals) -> None:
        self.signals = signals
        self.variants: list[Any] = [(((c, "1"),), ()) for c in signals.cookies] + [((), (h,)) for h in AUTH_HEADERS]
        auth: list[str] = []
        for prefix in signals.prefixes:
            auth += [prefix, prefix + "/", prefix + "/x"]
        self.universal_paths = list(dict.fromkeys([*BASE_PATHS, *auth]))
        self._paths: dict[str, str | None] = {}
        self._hosts: dict[str, bool] = {}

    def path_danger(self, path: str, named: bool = False) -> str | None:
        """"static" (never sensitive), AUTH_PATH, or None (sensitive only with credentials); cached. A path
        under a prefix the stack does not declare (the pack's default assumption) is AUTH_PATH only when the
        rule names it: a rule that merely reaches it (every page of www) is judged on credentials."""
        key = path if named else "\0" + path
        if key not in self._paths:
            self._paths[key] = "static" if self.signals.static(path) else \
                AUTH_PATH if self.signals.authenticated(path, declared_only=not named) else None
        return self._paths[key]

    def internal(self, host: str) -> bool:
        if host not in self._hosts:
            self._hosts[host] = self.signals.internal(host)
        return self._hosts[host]

    def hosts_for(self, ast: Node, seen: frozenset[str], named: list[str]) -> list[str]:
        """The hosts worth probing for this rule: the rule cannot match the others at all."""
        if not ({"host", "*"} & seen):
            real = sorted(self.signals.internal_hosts - self.signals.assumed_hosts)
            return [self.signals.public_hosts[0], *(real or sorted(self.signals.internal_hosts))[:1]]
        hosts = list(dict.fromkeys([*self.signals.public_hosts, *sorted(self.signals.internal_hosts), *named]))
        if "*" in seen:
            return hosts
        return [h for h in hosts if evaluate_node(ast, Probe(h, "/", only_host=True)) is not False]

    def requests(self, ast: Node) -> Iterator[tuple[str, str, str | None]]:
        """(host, path, why sensitive without credentials) for every non-static request worth trying."""
        seen = aspects(ast)
        rule_literals = literals(ast)
        named = _literal_hosts(rule_literals, self.signals.internal_labels)
        extra, derived = _literal_paths(rule_literals, self.signals.prefixes)
        named_paths = set(extra)
        for host in self.hosts_for(ast, seen, named):
            internal = self.internal(host)
            paths = self.universal_paths if internal and host not in named else \
                list(dict.fromkeys([*self.universal_paths, *extra, *derived]))
            for path in paths:
                danger = self.path_danger(path, named=path in named_paths)
                if danger != "static":
                    yield host, path, danger if not internal else \
                        ASSUMED_INTERNAL if host in self.signals.assumed_hosts and host not in named else INTERNAL_HOST


@dataclass
class CacheRule:
    index: int
    ref: str
    ast: Node
    eligible: bool
    overrides_origin: bool
    seen: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.seen = aspects(self.ast)


class Judge:
    """The rules of one cache ruleset, in order, and what each makes cacheable."""

    def __init__(self, rules: list[CacheRule], universe: Universe) -> None:
        self.rules = rules
        self.universe = universe
        self.bypasses = [r for r in rules if not r.eligible]
        self._bypass_index = [r.index for r in self.bypasses]
        self._memo: dict[tuple[int, Any], Tri] = {}

    def _eval(self, rule: CacheRule, probe: Probe) -> Tri:
        """A bypass rule's result for a request, memoized by what the rule can tell apart."""
        key = (rule.index, _key(probe, rule.seen))
        if key not in self._memo:
            self._memo[key] = evaluate_node(rule.ast, probe)
        return self._memo[key]

    def covered_later(self, rule: CacheRule, probe: Probe) -> bool:
        """A later bypass rule (cache: false) surely matches this request, so it wins over `rule`."""
        start = bisect_right(self._bypass_index, rule.index)
        return any(self._eval(b, probe) is True for b in self.bypasses[start:])

    def sensitive_match(self, rule: CacheRule) -> tuple[Probe, str] | None:
        """The first sensitive request the rule makes cacheable that no later bypass rule takes back, or None."""
        return next(self._sensitive(rule), None)

    def sensitive_matches(self, rule: CacheRule, limit: int = MAX_HITS) -> list[tuple[str, str, Probe]]:
        """Every distinct (why, what, example request) the rule makes cacheable: each authenticated path
        prefix, internal host and credential (cookie name, the Authorization header), up to `limit`."""
        hits: dict[tuple[str, str], Probe] = {}
        for probe, why in self._sensitive(rule):
            what = probe.host if why == INTERNAL_HOST else self.universe.signals.prefix_of(probe.path) \
                if why == AUTH_PATH else _credential(probe)
            hits.setdefault((why, what), probe)
            if len(hits) >= limit:
                break
        return [(why, what, probe) for (why, what), probe in hits.items()]

    def _sensitive(self, rule: CacheRule) -> Iterator[tuple[Probe, str]]:
        """Sensitive requests the rule makes cacheable that no later bypass rule takes back. Each (host, path)
        is evaluated once without credentials, and once per credential only if the rule reads cookies or
        headers; credentials count only when the rule overrides the origin's Cache-Control."""
        reads_credentials = bool({"cookies", "headers", "*"} & rule.seen)
        for count, (host, path, danger) in enumerate(self.universe.requests(rule.ast)):
            if count % 32 == 0:
                check_cancelled()
            if danger == ASSUMED_INTERNAL:
                danger = INTERNAL_HOST if rule.overrides_origin else None
            if danger is None and not rule.overrides_origin:
                continue
            plain = Probe(host, path)
            matched = evaluate_node(rule.ast, plain) is not False  # unknown counts as a match
            if matched and danger is not None and not self.covered_later(rule, plain):
                yield plain, danger
                continue
            if (not matched and not reads_credentials) or (not rule.overrides_origin and danger is None):
                continue
            for cookies, headers in self.universe.variants:
                probe = Probe(host, path, cookies=cookies, headers=headers)
                if reads_credentials and evaluate_node(rule.ast, probe) is False:
                    continue
                if not self.covered_later(rule, probe):
                    yield probe, danger or CREDENTIAL

    def unguarded_credentials(self, rule: CacheRule) -> list[str]:
        """For a rule that caches every page: the credentials (cookie names, the Authorization header) with
        which a page still matches it and no later bypass rule excludes it; [] when it is not such a rule."""
        named = _literal_hosts(literals(rule.ast), self.universe.signals.internal_labels)
        hosts = list(dict.fromkeys([*self.universe.signals.public_hosts, *named]))
        broad = []
        for host in hosts:
            pages = [Probe(host, p) for p in PAGE_PATHS]
            if all(evaluate_node(rule.ast, page) is True for page in pages):
                broad += pages
        if not broad:
            return []  # scoped to assets or some paths: not "cache everything"
        unguarded: list[str] = []
        for page in broad:
            for cookies, headers in self.universe.variants:
                probe = Probe(page.host, page.path, cookies=cookies, headers=headers)
                label = _credential(probe)
                if label in unguarded or evaluate_node(rule.ast, probe) is False or self.covered_later(rule, probe):
                    continue
                unguarded.append(label)
        return unguarded


def merge_credentials(labels: list[str]) -> list[str]:
    """Credential labels with the two spellings of the Authorization header said once when both are open."""
    both = [label for label in labels if label.startswith("the Authorization header")]
    if len(both) < 2:
        return labels
    return [label for label in labels if label not in both] + ["the Authorization header"]


def credential_guard(labels: list[str]) -> list[str]:
    """The expression parts that keep requests with these credentials out of a cache rule."""
    guards = [f'not http.cookie contains "{label[4:-7]}"' for label in labels if label.endswith(" cookie")]
    if any(label.startswith("the Authorization header") for label in labels):
        guards.append('not any(lower(http.request.headers.names[*])[*] eq "authorization")')
    return guards


def describe_hits(hits: list[tuple[str, str, Probe]]) -> str:
    """What a cache rule makes cacheable, every path, host and credential, and the guard that fixes each."""
    paths = [what for why, what, _ in hits if why == AUTH_PATH]
    hosts = [what for why, what, _ in hits if why == INTERNAL_HOST]
    credentials = [what for why, what, _ in hits if why == CREDENTIAL]
    found, fixes = [], []
    if paths:
        example = next(p for why, _, p in hits if why == AUTH_PATH)
        found.append(f"authenticated paths {', '.join(paths)} (e.g. {example.describe()})")
        fixes += [f'not starts_with(http.request.uri.path, "{p}")' for p in paths]
    if hosts:
        found.append(f"internal hosts {', '.join(hosts)}")
        fixes.append("not http.host in {" + " ".join(f'"{h}"' for h in hosts) + "}")
    if credentials:
        found.append(f"pages requested with {', '.join(merge_credentials(credentials))}")
        fixes += credential_guard(credentials)
    return (f"{'; '.join(found)}. Fix: add `and {' and '.join(fixes)}` to the rule, or end the ruleset with a "
            "bypass rule (cache: false) matching them (the last matching rule wins)")
