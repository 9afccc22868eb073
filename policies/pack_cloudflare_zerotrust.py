"""Rules for Cloudflare Zero Trust Access: every internal hostname behind an Access application, on a proxied
record, whose policies admit only the organisation, with sessions no longer than a working day.

A hostname is internal when a record marks it (tag `access:internal` / `launchready:internal`, or
`[internal]` in its comment), when the config lists it (`internalHosts`), or by convention: its first
label is one of pack_facts.INTERNAL_LABELS (`admin`, `internal`, `staff`, `ops`, `backoffice`,
`intranet`), or starts with one and a dash (`admin-eu`), tunable with `internalLabels`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pack_common import (
    ACCESS_APP,
    ACCESS_POLICY,
    DNS_RECORD,
    INTERNAL_LABELS_CONFIG,
    MANDATORY,
    UNKNOWN,
    Ctx,
    Finding,
    is_internal_name,
    items,
    label,
    marked_internal,
    of_type,
    peek,
    record_name,
    stack_rule,
)
from pack_expr import wildcard_match
from pack_facts import PUBLIC_EMAIL_DOMAINS, is_public_email_domain
from pulumi_policy import Severity

_INTERNAL_CONFIG: dict[str, dict[str, Any]] = {
    "internalHosts": {"type": "array", "items": {"type": "string"}, "default": [],
                      "description": "Internal hostnames from the stack config, whether or not a record marks them."},
    **INTERNAL_LABELS_CONFIG,
}


def _app_hosts(app: Any) -> tuple[list[str], bool]:
    """Host patterns an Access application protects as a whole (a path-scoped destination protects only that
    path, so it does not count), and whether some of them are unknown during preview. Its public
    destinations when it has any, else its domain and selfHostedDomains."""
    props = getattr(app, "props", None)
    destinations = [peek(dest, "uri") for dest in items(props, "destinations")
                    if peek(dest, "type", default="public") in ("public", UNKNOWN)]
    # destinations, when given, are what Access protects (they supersede domain and selfHostedDomains)
    values = destinations or [peek(props, "domain"), *items(props, "selfHostedDomains")]
    hosts, unknown = [], False
    for value in values:
        if value is UNKNOWN:
            unknown = True
        elif value:
            text = str(value).lower().split("://", 1)[-1]
            host, _, path = text.partition("/")
            if path.strip("*") == "":
                hosts.append(host)
    return hosts, unknown


def _internal(ctx: Ctx, record: Any) -> bool:
    name = record_name(record)
    return bool(name) and (marked_internal(record) or is_internal_name(str(name), ctx.internal_labels()))


def _access_coverage(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    internal: dict[str, Any] = {}
    for r in of_type(resources, DNS_RECORD):
        name = record_name(r)
        if not name or peek(r.props, "type") not in ("A", "AAAA", "CNAME") or not _internal(ctx, r):
            continue
        if peek(r.props, "proxied") is False or peek(r.props, "proxied") is None:
            yield Finding(f"internal hostname {name} is DNS-only: Access only protects proxied hostnames, so "
                          "anyone on the internet reaches the origin", urn=r.urn, name=r.name)
            continue
        internal[name] = r
    for host in ctx.setting("internalHosts", []):
        internal.setdefault(str(host).lower().rstrip("."), None)
    patterns: list[str] = []
    some_unknown = False
    for app in of_type(resources, ACCESS_APP):
        hosts, unknown = _app_hosts(app)
        patterns += hosts
        some_unknown = some_unknown or unknown
    for host, record in sorted(internal.items()):
        if any(_covers(p, host) for p in patterns) or some_unknown:
            continue  # covered, or an application whose domain is not known yet may cover it
        yield Finding(f"internal hostname {host} has no Access application: anyone on the internet reaches it",
                      urn=getattr(record, "urn", None), name=getattr(record, "name", None))


def _covers(pattern: str, host: str) -> bool:
    """An application host pattern covers a record name; a relative name (`admin`, no zone) matches the
    pattern's first label."""
    if "." not in host:
        return pattern.split(".", 1)[0] in (host, "*")
    return wildcard_match(pattern, host)


# ---------------------------------------------------------------------------------------------- policies


def _protected_apps(ctx: Ctx) -> list[tuple[Any, list[str], bool]]:
    """Access applications that protect whole hosts: (application, hosts, whether one of them is internal);
    internal hosts first in the list."""
    labels = ctx.internal_labels()
    configured = {str(h).lower() for h in ctx.setting("internalHosts", [])}
    marked = {record_name(r) for r in of_type(ctx.resources or [], DNS_RECORD) if marked_internal(r)}
    found = []
    for app in of_type(ctx.resources or [], ACCESS_APP):
        hosts = _app_hosts(app)[0]
        internal = [h for h in hosts if is_internal_name(h, labels) or h in configured or h in marked]
        if hosts:
            found.append((app, internal + [h for h in hosts if h not in internal], bool(internal)))
    return found


def _policies_of(ctx: Ctx, app: Any) -> list[tuple[str, Any]]:
    """(label, policy props) of an application: its inline policies, and the policy resources it (or its
    `policies` input) depends on or that depend on it; when it refers to policies by an id that resolves to
    none of them, every policy resource no other application claims."""
    out: list[tuple[str, Any]] = []
    policies = of_type(ctx.resources or [], ACCESS_POLICY)
    refs = items(app.props, "policies")
    for i, inline in enumerate(refs):
        if inline is not UNKNOWN and (peek(inline, "decision") or peek(inline, "includes")):
            out.append((str(peek(inline, "name", default="") or f"policy {i}"), inline))
    linked = [p for p in policies if _linked(app, p)]
    by_id = any(r is UNKNOWN or peek(r, "id") is not None for r in refs)
    if by_id and not linked:
        claimed = {p.urn for other in of_type(ctx.resources or [], ACCESS_APP) if other.urn != app.urn
                   for p in policies if _linked(other, p)}
        linked = [p for p in policies if p.urn not in claimed]
    out += [(label(p.props, p.name), p.props) for p in linked]
    return out


def _linked(app: Any, policy: Any) -> bool:
    deps = {d.urn for ds in app.property_dependencies.values() for d in ds} | {d.urn for d in app.dependencies or []}
    return policy.urn in deps or any(d.urn == app.urn for ds in policy.property_dependencies.values() for d in ds)


_ANY_IP = re.compile(r"^(0\.0\.0\.0/0|::/0)$")


def _open_reasons(policy: Any) -> list[str]:
    decision = str(peek(policy, "decision", default="allow"))
    reasons = ["its decision is bypass (no login at all)"] if decision == "bypass" else []
    if decision in ("allow", "non_identity", "bypass"):
        for include in items(policy, "includes"):
            if include is UNKNOWN:
                continue
            if peek(include, "everyone") is not None:
                reasons.append("it includes everyone")
            ip = peek(include, "ip", "ip")
            if isinstance(ip, str) and _ANY_IP.match(ip.strip()):
                reasons.append(f"it includes every address ({ip})")
    return reasons


def _public_domains(policy: Any, extra: list[str]) -> list[str]:
    if str(peek(policy, "decision", default="allow")) not in ("allow", "non_identity", "bypass"):
        return []
    found = []
    for include in items(policy, "includes"):
        domain = peek(include, "emailDomain", "domain") if include is not UNKNOWN else None
        if isinstance(domain, str) and (is_public_email_domain(domain) or domain.lower().lstrip("@") in extra):
            found.append(domain)
    return found


def _open_policy(ctx: Ctx) -> Iterator[Finding]:
    """Internal hosts: no bypass, everyone or any-address include. Other whole-host applications: no
    everyone or any-address include (a bypass may be meant for a public host)."""
    for app, hosts, internal in _protected_apps(ctx):
        for name, policy in _policies_of(ctx, app):
            if not internal and str(peek(policy, "decision", default="allow")) == "bypass":
                continue  # a public host's bypass (with its usual everyone include) is meant
            reasons = _open_reasons(policy)
            if reasons:
                what = "internal host" if internal else "host"
                yield Finding(f"Access policy {name} of {what} {hosts[0]} lets anyone in: "
                              f"{'; '.join(reasons)}", urn=app.urn, name=app.name)


def _public_email_domain(ctx: Ctx) -> Iterator[Finding]:
    extra = [str(d).lower() for d in ctx.setting("publicEmailDomains", [])]
    for app, hosts, internal in _protected_apps(ctx):
        for name, policy in _policies_of(ctx, app):
            domains = _public_domains(policy, extra)
            if domains:
                yield Finding(f"Access policy {name} of {'internal host' if internal else 'host'} {hosts[0]} admits "
                              f"everyone with an address at {', '.join(domains)}, a public mail provider anyone can "
                              "sign up to", urn=app.urn, name=app.name)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def duration_hours(text: str) -> float | None:
    """Hours of a Go duration string ("24h", "1h30m"); None when it is not one."""
    parts = _DURATION.findall(text.strip())
    if not parts or _DURATION.sub("", text.strip()):
        return None
    return sum(float(n) * _SECONDS[unit] for n, unit in parts) / 3600


def _session_duration(ctx: Ctx) -> Iterator[Finding]:
    limit = float(ctx.setting("maxSessionHours", 48))
    subjects = [(app, "application", app.props) for app in of_type(ctx.resources or [], ACCESS_APP)]
    subjects += [(p, "policy", p.props) for p in of_type(ctx.resources or [], ACCESS_POLICY)]
    for resource, kind, props in subjects:
        value = peek(props, "sessionDuration")
        if not isinstance(value, str):
            continue
        hours = duration_hours(value)
        if hours is None or hours > limit:
            shown = f"{value}" if hours is None else f"{value} ({hours:g} h)"
            yield Finding(f"Access {kind} {label(props, resource.name)} keeps sessions for {shown}, beyond "
                          f"{limit:g} h: a lost laptop stays signed in", urn=resource.urn, name=resource.name)


ZEROTRUST_RULES = [
    stack_rule(
        name="cloudflare-zerotrust-missing-access-application",
        description="Every internal hostname (marked, configured, or named admin., internal., staff., ops., "
                    "backoffice., intranet. ...) needs a Cloudflare Access application in front of it and must be "
                    "proxied, or the internal tool is open to the internet.",
        severity=Severity.HIGH, level=MANDATORY, check=_access_coverage, types=(DNS_RECORD, ACCESS_APP),
        remediation="Mark the hostname internal in the stack file (the program then declares its Access "
                    "application) and list who may enter under access; keep the record proxied.",
        config=_INTERNAL_CONFIG,
    ),
    stack_rule(
        name="cloudflare-zerotrust-accesspolicy-disallow-open-decision",
        description="An Access policy must not let anyone in: on an internal hostname no bypass decision, and on "
                    "any host no `everyone` include or include of every address (it removes the login).",
        severity=Severity.CRITICAL, level=MANDATORY, check=_open_policy, types=(ACCESS_APP,),
        remediation="Use decision allow with includes that name the organisation (its email domain, an IdP "
                    "group, named people); keep bypass for public paths of public apps only.",
        config=_INTERNAL_CONFIG,
    ),
    stack_rule(
        name="cloudflare-zerotrust-accesspolicy-disallow-public-email-domain",
        description="An Access policy must not admit a public mail provider's domain "
                    f"(gmail.com and {len(PUBLIC_EMAIL_DOMAINS) - 1} others): anyone can get such an address.",
        severity=Severity.CRITICAL, level=MANDATORY, check=_public_email_domain, types=(ACCESS_APP,),
        remediation="Include the organisation's own email domain or named addresses instead.",
        config={**_INTERNAL_CONFIG,
                "publicEmailDomains": {"type": "array", "items": {"type": "string"}, "default": [],
                                       "description": "More public mail domains to refuse."}},
    ),
    stack_rule(
        name="cloudflare-zerotrust-accessapplication-configure-session-duration",
        description="Access sessions must not last far beyond a working day (48 h by default), so a lost "
                    "device or a leaver does not stay signed in for weeks.",
        severity=Severity.MEDIUM, level=MANDATORY, check=_session_duration, types=(ACCESS_APP, ACCESS_POLICY),
        remediation='Set session_duration to "24h" or less (e.g. "8h") on the application and its policies.',
        config={"maxSessionHours": {"type": "number", "default": 48, "minimum": 0,
                                    "description": "The longest Access session accepted, in hours."}},
    ),
]
