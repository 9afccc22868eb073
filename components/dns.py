"""Cloudflare DNS: one record per web hostname, CAA, the non-web records, and the DNS map output.

`declare_record` is the one way this program creates a Cloudflare DNS record (the email component uses it
too), so every record gets a fully qualified name, automatic TTL when proxied, and a comment that says what
it is for and who owns it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_cloudflare as cf

from components.config import StackConfig
from components.naming import AUTOMATIC_TTL as AUTOMATIC_TTL
from components.naming import COMMENT_MAX as COMMENT_MAX
from components.naming import INTERNAL_MARK as INTERNAL_MARK
from components.naming import INTERNAL_TAG as INTERNAL_TAG
from components.naming import logical_label as logical_label
from components.naming import record_comment as record_comment


@dataclass(frozen=True)
class RecordSpec:
    """One row of the DNS map: what a record is and why it exists."""

    name: str  # fully qualified
    type: str
    content: str
    proxied: bool
    ttl: int
    purpose: str
    owner: str
    priority: int | None = None

    def to_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "content": self.content,
            "proxied": self.proxied,
            "ttl": self.ttl,
            "purpose": self.purpose,
            "owner": self.owner,
        }
        if self.priority is not None:
            row["priority"] = self.priority
        return row


def declare_record(
    resource_name: str,
    *,
    zone_id: str,
    name: pulumi.Input[str],
    type: str,
    content: pulumi.Input[str] | None = None,
    proxied: bool = False,
    ttl: int = 3600,
    comment: str,
    priority: int | None = None,
    data: cf.DnsRecordDataArgsDict | None = None,
    tags: list[str] | None = None,
    parent: pulumi.Resource,
) -> cf.DnsRecord:
    """A Cloudflare DNS record with the house rules: proxied records use automatic TTL."""
    return cf.DnsRecord(
        resource_name,
        zone_id=zone_id,
        name=name,
        type=type,
        content=content,
        proxied=proxied,
        ttl=AUTOMATIC_TTL if proxied else ttl,
        comment=comment,
        priority=priority,
        data=data,
        tags=tags or None,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    while "--" in out:
        out = out.replace("--", "-")
    return out


def hostname_specs(cfg: StackConfig) -> list[RecordSpec]:
    """The web hostnames as records (the DNS map rows of this component), in config order."""
    specs = []
    for label, host in cfg.hostnames.items():
        purpose = host.purpose + (" (internal, behind Access)" if cfg.is_internal(label) else "")
        specs.append(
            RecordSpec(
                name=cfg.fqdn(label),
                type=host.record_type,
                content=host.origin,
                proxied=host.proxied,
                ttl=AUTOMATIC_TTL if host.proxied else 300,
                purpose=purpose,
                owner=host.owner,
            )
        )
    return specs


def caa_values(cfg: StackConfig) -> list[tuple[str, str]]:
    """(tag, value) pairs of the apex CAA records."""
    values = [("issue", ca) for ca in cfg.dns.caa_issuers]
    if cfg.dns.caa_report_email:
        values.append(("iodef", f"mailto:{cfg.dns.caa_report_email}"))
    return values


class DnsRecords(pulumi.ComponentResource):
    """Every web hostname, CAA and extra record of the zone. Exposes `dns_map` (a list of record rows)."""

    dns_map: list[dict[str, Any]]

    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("launchready:dns:Records", name, None, opts)
        zone_id = cfg.zone.zone_id
        paid = cfg.zone.plan.value != "free"  # record tags exist on paid plans only
        self.records: dict[str, cf.DnsRecord] = {}
        rows: list[RecordSpec] = []

        for label, spec in zip(cfg.hostnames, hostname_specs(cfg), strict=True):
            internal = cfg.is_internal(label)
            host = cfg.hostnames[label]
            logical = f"{logical_label(label)}-{spec.type.lower()}"
            self.records[logical] = declare_record(
                logical,
                zone_id=zone_id,
                name=spec.name,
                type=spec.type,
                content=spec.content,
                proxied=spec.proxied,
                ttl=spec.ttl,
                comment=record_comment(host.purpose, host.owner, internal),
                tags=[INTERNAL_TAG] if internal and paid else None,
                parent=self,
            )
            rows.append(spec)

        for tag, value in caa_values(cfg):
            logical = f"caa-{tag}-{_slug(value)}"
            purpose = "certificate authority allowed to issue" if tag == "issue" else "CAs report refused requests"
            self.records[logical] = declare_record(
                logical,
                zone_id=zone_id,
                name=cfg.domain,
                type="CAA",
                ttl=3600,
                comment=record_comment(f"CAA: {purpose}", "platform"),
                data={"flags": 0, "tag": tag, "value": value},
                parent=self,
            )
            rows.append(RecordSpec(cfg.domain, "CAA", f'0 {tag} "{value}"', False, 3600, purpose, "platform"))

        for rec in cfg.dns.extra_records:
            digest = hashlib.sha256(rec.content.encode()).hexdigest()[:8]
            logical = f"{logical_label(rec.name)}-{rec.type.lower()}-{digest}"
            fqdn = cfg.fqdn(rec.name)
            self.records[logical] = declare_record(
                logical,
                zone_id=zone_id,
                name=fqdn,
                type=rec.type,
                content=rec.content,
                ttl=rec.ttl,
                priority=rec.priority,
                comment=record_comment(rec.purpose, rec.owner),
                parent=self,
            )
            rows.append(RecordSpec(fqdn, rec.type, rec.content, False, rec.ttl, rec.purpose, rec.owner, rec.priority))

        self.dns_map = [row.to_json() for row in rows]
        self.register_outputs({"dnsMap": self.dns_map})
