"""Rules for DNS records and for internal hostnames behind Cloudflare Access."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from pack_common import (
    ACCESS_APP,
    ADVISORY,
    DNS_RECORD,
    MANDATORY,
    UNKNOWN,
    Ctx,
    Finding,
    get,
    items,
    matches_any,
    of_type,
    peek,
    resource_rule,
    stack_rule,
)
from pack_expr import wildcard_match
from pulumi_policy import Severity

NON_PUBLIC_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
              "192.168.0.0/16", "::1/128", "::/128", "fc00::/7", "fe80::/10")
]
INTERNAL_TAGS = ("access:internal", "launchready:internal")
INTERNAL_MARK = "[internal]"
DEFAULT_DNS_ONLY = [r"(^|\.)_domainkey\.", r"^_", r"^mail\.", r"^bounce\."]


def _private_address(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "type") not in ("A", "AAAA"):
        return
    content = str(get(ctx.props, "content", default=""))
    try:
        ip = ipaddress.ip_address(content)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    except ValueError:
        yield Finding(f"{get(ctx.props, 'type')} record {get(ctx.props, 'name')} holds {content!r}, not an address")
        return
    if any(ip in net for net in NON_PUBLIC_NETWORKS):
        yield Finding(f"{get(ctx.props, 'name')} points at {content}, a private, loopback or link-local address "
                      "that leaks internal topology and cannot be reached from the internet")


def _not_proxied(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "type") not in ("A", "AAAA", "CNAME") or get(ctx.props, "proxied") is True:
        return
    name, content = peek(ctx.props, "name", default=""), peek(ctx.props, "content", default="")
    if name is UNKNOWN:
        return  # a name derived from another resource (DKIM tokens): not a web hostname anyone typed
    patterns = list(ctx.setting("dnsOnlyNames", DEFAULT_DNS_ONLY))
    if matches_any(patterns, str(name)) or (content is not UNKNOWN and str(content).endswith("amazonses.com")):
        return
    yield Finding(f"{name} is a web hostname that is not proxied: no WAF, cache rules or hidden origin")


def is_internal(record: object) -> bool:
    """A record the DNS component marked internal: tag `access:internal` (or `launchready:internal`), or the
    `[internal]` mark in its comment. Unknown tags or comment count as not marked."""
    props = getattr(record, "props", None)
    tags = [str(t).lower() for t in items(props, "tags") if t is not UNKNOWN]
    comment = peek(props, "comment", default="")
    return any(t in INTERNAL_TAGS for t in tags) or (comment is not UNKNOWN and INTERNAL_MARK in str(comment))


def _app_hosts(app: object) -> tuple[list[str], bool]:
    """Host patterns an Access application protects as a whole (a path-scoped destination protects only that
    path, so it does not count), and whether some of them are unknown during preview."""
    props = getattr(app, "props", None)
    values = [peek(props, "domain")]
    values += [peek(dest, "uri") for dest in items(props, "destinations")
               if peek(dest, "type", default="public") in ("public", UNKNOWN)]
    values += items(props, "selfHostedDomains")
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


def _access_coverage(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    internal: dict[str, object | None] = {}
    for r in of_type(resources, DNS_RECORD):
        name = peek(r.props, "name")
        if not name or name is UNKNOWN or not is_internal(r):
            continue
        if peek(r.props, "proxied") is False or peek(r.props, "proxied") is None:
            yield Finding(f"internal hostname {name} is DNS-only: Access only protects proxied hostnames, so "
                          "anyone on the internet reaches the origin", urn=r.urn, name=r.name)
            continue
        internal[str(name).lower().rstrip(".")] = r
    for host in ctx.setting("internalHosts", []):
        internal.setdefault(str(host).lower(), None)
    patterns: list[str] = []
    some_unknown = False
    for app in of_type(resources, ACCESS_APP):
        hosts, unknown = _app_hosts(app)
        patterns += hosts
        some_unknown = some_unknown or unknown
    for host, record in sorted(internal.items()):
        if any(wildcard_match(p, host) for p in patterns) or some_unknown:
            continue  # covered, or an application whose domain is not known yet may cover it
        yield Finding(f"internal hostname {host} has no Access application: anyone on the internet reaches it",
                      urn=getattr(record, "urn", None), name=getattr(record, "name", None))


DNS_RULES = [
    resource_rule(
        name="cloudflare-dnsrecord-disallow-private-address",
        description="DNS records must not point at private, loopback or link-local addresses: they leak internal "
                    "addresses and cannot serve internet visitors.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(DNS_RECORD,), check=_private_address,
        remediation="Point the record at the origin's public address (or a tunnel hostname).",
    ),
    resource_rule(
        name="cloudflare-dnsrecord-enable-proxy",
        description="Web hostnames should be proxied so the WAF, cache rules and Access apply and the origin stays "
                    "hidden.",
        severity=Severity.MEDIUM, level=ADVISORY, types=(DNS_RECORD,), check=_not_proxied,
        remediation="Set proxied: true for the hostname in the stack file.",
        config={"dnsOnlyNames": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_DNS_ONLY,
                                 "description": "Regexes of names that must stay DNS-only (mail, verification)."}},
    ),
    stack_rule(
        name="cloudflare-zerotrust-missing-access-application",
        description="Every internal hostname needs a Cloudflare Access application in front of it (and must be "
                    "proxied), or the internal tool is open to the internet.",
        severity=Severity.HIGH, level=MANDATORY, check=_access_coverage,
        remediation="Mark the hostname internal in the stack file (the program then declares its Access "
                    "application) and list who may enter under access.",
        config={"internalHosts": {"type": "array", "items": {"type": "string"}, "default": [],
                                  "description": "Internal hostnames from the stack config, whether or not a "
                                                 "record marks them."}},
    ),
]
