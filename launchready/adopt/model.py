"""What `launchready adopt` reads (the live zone, SES and SNS) and what it decides about each thing it read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The statuses of a live record (a contract of `adopt --json`: extend, never rename).
ADOPTED = "adopted"  # an existing record the program declares: imported under the program's logical name
ADDED = "added"  # added to the stack config as an extra record (or hostname / CAA issuer), then imported
CONFLICT = "conflict"  # same name as a declared record, other content or type: needs a decision
IGNORED = "ignored"  # Cloudflare-managed, NS at the apex, outside this stack, or not declarable


class AdoptError(Exception):
    """Reading the live state failed, or the input is unusable: the message says what and the fix."""


@dataclass(frozen=True)
class LiveRecord:
    id: str | None  # None when read from a zone file (a BIND export holds no ids)
    name: str  # fully qualified, lower case, no trailing dot
    type: str
    content: str
    proxied: bool = False
    ttl: int = 1
    priority: int | None = None
    data: dict[str, Any] | None = None  # CAA: {flags, tag, value}
    managed: str | None = None  # why Cloudflare manages it (read only), when it does
    secret: str | None = None  # the kind of credential its content held (content then reads "[redacted]")

    def to_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type, "content": self.content,
                               "proxied": self.proxied, "ttl": self.ttl}
        if self.priority is not None:
            row["priority"] = self.priority
        if self.secret is not None:
            row.update(redacted=True, secretKind=self.secret)
        return row


@dataclass(frozen=True)
class LiveRuleset:
    id: str
    name: str
    kind: str
    phase: str


@dataclass
class LiveZone:
    """What the zone holds. `settings` is None when the source cannot tell (a zone file)."""

    zone_id: str
    name: str
    source: str  # "api" or "zone-file"
    records: list[LiveRecord] = field(default_factory=list)
    rulesets: list[LiveRuleset] | None = None
    settings: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class LiveAws:
    """SES identities (name -> facts) and SNS topics ((region, name) -> ARN) that exist."""

    identities: dict[str, dict[str, Any]] = field(default_factory=dict)
    configuration_sets: set[str] = field(default_factory=set)
    topics: dict[tuple[str, str], str] = field(default_factory=dict)
    checked: bool = False
    warning: str = ""


@dataclass
class RecordResult:
    """One live record and what adopt made of it."""

    record: LiveRecord
    status: str
    reason: str
    logical_name: str | None = None
    urn: str | None = None
    import_id: str | None = None
    protect: bool = False
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    fix: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            **self.record.to_json(),
            "status": self.status,
            "reason": self.reason,
            "logicalName": self.logical_name,
            "urn": self.urn,
            "importId": self.import_id,
            "protect": self.protect,
            "changes": self.changes,
            "fix": self.fix,
        }


@dataclass
class ResourceAdoption:
    """A declared resource that already exists: how to import it and what `pulumi up` will change on it."""

    urn: str
    type: str
    name: str
    parent: str
    provider: str
    import_id: str
    protect: bool = False
    live: dict[str, Any] | None = None
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "type": self.type, "name": self.name, "importId": self.import_id,
                "protect": self.protect, "live": self.live, "changes": self.changes, "note": self.note}
