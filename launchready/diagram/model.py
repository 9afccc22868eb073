"""The path model: plain data, comparable between two versions of a stack, with a `--json` shape.

Contract of `to_json()` (extend, never rename): `hosts[]` (each `host`, `label`, `purpose`, `record`,
`proxied`, `origin`, `steps[]` with `key`, `phase`, `title`, `text`, `allHosts`), `mail` and `alerts`
(each `nodes[]` with `key`, `kind`, `text`, and `edges[]` with `source`, `target`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The Cloudflare request phases a path shows, in Cloudflare's evaluation order, with their titles.
#: Access (Zero Trust) is not a ruleset phase; it is checked before the request reaches the origin.
PHASES: dict[str, str] = {
    "http_request_dynamic_redirect": "Single redirects",
    "http_request_transform": "URL rewrites",
    "http_request_firewall_custom": "WAF custom rules",
    "http_ratelimit": "Rate limits",
    "http_request_firewall_managed": "Managed WAF",
    "http_request_late_transform": "Request header rules",
    "http_request_cache_settings": "Cache rules",
    "access": "Access (Zero Trust)",
}
ACCESS_PHASE = "access"


def phase_rank(phase: str) -> int:
    """Where a phase sits on the path; a phase not listed above comes just before Access."""
    order = list(PHASES)
    return order.index(phase) if phase in order else order.index(ACCESS_PHASE) - 1


@dataclass(frozen=True)
class Step:
    """One thing Cloudflare does to a request of a host: a rule of a phase, or the Access application."""

    phase: str
    key: str  # stable across versions: "<phase>/<rule ref>"
    text: str  # what the rule does, for people
    all_hosts: bool  # the rule does not look at the host at all

    @property
    def title(self) -> str:
        return PHASES.get(self.phase, self.phase)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "phase": self.phase, "title": self.title, "text": self.text,
                "allHosts": self.all_hosts}


@dataclass(frozen=True)
class HostPath:
    """The path of a request to one declared hostname: DNS record, Cloudflare steps, origin."""

    host: str
    label: str
    purpose: str
    record: str  # A, AAAA or CNAME
    proxied: bool
    origin: str
    steps: tuple[Step, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "label": self.label, "purpose": self.purpose, "record": self.record,
                "proxied": self.proxied, "origin": self.origin, "steps": [s.to_json() for s in self.steps]}


@dataclass(frozen=True)
class GraphNode:
    key: str  # stable across versions
    kind: str  # what it is (domain, ses, record, reports, check, alarm, topic, subscriber, events, note)
    text: str  # lines joined by "\n"


@dataclass
class Graph:
    """A small directed graph (mail, alerts) whose nodes have stable keys, so two versions can be compared."""

    nodes: dict[str, GraphNode] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)

    def add(self, key: str, kind: str, *lines: str) -> str:
        self.nodes[key] = GraphNode(key, kind, "\n".join(line for line in lines if line))
        return key

    def link(self, source: str, target: str) -> None:
        if (source, target) not in self.edges:
            self.edges.append((source, target))

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": [{"key": n.key, "kind": n.kind, "text": n.text} for n in self.nodes.values()],
            "edges": [{"source": s, "target": t} for s, t in self.edges],
        }


@dataclass
class PathModel:
    hosts: list[HostPath]
    mail: Graph
    alerts: Graph

    def host(self, name: str) -> HostPath | None:
        return next((h for h in self.hosts if h.host == name), None)

    def to_json(self) -> dict[str, Any]:
        return {"hosts": [h.to_json() for h in self.hosts], "mail": self.mail.to_json(),
                "alerts": self.alerts.to_json()}


def empty_model() -> PathModel:
    """The model of a stack that does not exist (yet): nothing on any path."""
    return PathModel([], Graph(), Graph())
