"""Rules for DNS records and for internal hostnames behind Cloudflare Access."""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Iterator

from pack_common import (
    ACCESS_APP,
    ADVISORY,
    DNS_RECORD,
    MANDATORY,
    Ctx,
    Finding,
    get,
    of_type,
    resource_rule,
    stack_rule,
)
from pulumi_policy import Severity

NON_PUBLIC_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
              "192.168.0.0/16", "::1/128", "::/128", "fc00::/7", "fe80::/10")
]
INTERNAL_TAG = "access:internal"
INTERNAL_MARK = "[internal]"
DEFAULT_DNS_ONLY = [r"(^|\.)_domainkey\.", r"^_", r"^mail\.", r"^bounce\."]


def _private_address(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "type") not in ("A", "AAAA"):
        return
    content = str(get(ctx.props, "content", default=""))
    try:
        ip = ipaddress.ip_address(content)
    except ValueError:
        yield Finding(f"{get(ctx.props, 'type')} record {get(ctx.props, 'name')} holds {content!r}, not an address")
        return
    if any(ip in net for net in NON_PUBLIC_NETWORKS):
        yield Finding(f"{get(ctx.props, 'name')} points at {content}, a private, loopback or link-local address "
                      "that leaks internal topology and cannot be reached from the internet")


def _not_proxied(ctx: Ctx) -> Iterator[Finding]:
    if get(ctx.props, "type") not in ("A", "AAAA", "CNAME") or get(ctx.props, "proxied") is True:
        return
    name = str(get(ctx.props, "name", default=""))
    content = str(get(ctx.props, "content", default=""))
    patterns = list(ctx.setting("dnsOnlyNames", DEFAULT_DNS_ONLY))
    if any(re.search(p, name) for p in patterns) or content.endswith("amazonses.com"):
        return
    yield Finding(f"{name} is a web hostname that is not proxied: no WAF, cache rules or hidden origin")


def is_internal(record: object) -> bool:
    props = getattr(record, "props", None)
    tags = get(props, "tags", default=[]) or []
    return INTERNAL_TAG in list(tags) or INTERNAL_MARK in str(get(props, "comment", default=""))


def _access_coverage(ctx: Ctx) -> Iterator[Finding]:
    resources = ctx.resources or []
    internal = {str(get(r.props, "name")): r for r in of_type(resources, DNS_RECORD) if is_internal(r)}
    for host in ctx.setting("internalHosts", []):
        internal.setdefault(str(host), None)
    patterns: list[str] = []
    for app in of_type(resources, ACCESS_APP):
        domain = get(app.props, "domain")
        if domain:
            patterns.append(str(domain))
        for dest in get(app.props, "destinations", default=[]) or []:
            if get(dest, "uri"):
                patterns.append(str(get(dest, "uri")))
        for extra in get(app.props, "selfHostedDomains", default=[]) or []:
            patterns.append(str(extra))
    for host, record in sorted(internal.items()):
        covered = any(fnmatch.fnmatchcase(host, p.split("/", 1)[0]) for p in patterns)
        if not covered:
            yield Finding(f"internal hostname {host} has no Access application: anyone on the internet reaches it",
                          urn=getattr(record, "urn", None), name=getattr(record, "name", None))


DNS_RULES = [
    resource_rule(
        name="cloudflare-dnsrecord-disallow-private-address",
        description="DNS records must not point at private, loopback or link-local addresses.",
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
        description="Every internal hostname needs a Cloudflare Access application in front of it.",
        severity=Severity.HIGH, level=MANDATORY, check=_access_coverage,
        remediation="Mark the hostname internal in the stack file (the program then declares its Access "
                    "application) and list who may enter under access.",
        config={"internalHosts": {"type": "array", "items": {"type": "string"}, "default": []}},
    ),
]
