"""Pass 1 of adopt: which live records the stack config must gain so that the program declares them.

A record the program already declares (same name, type and content) needs nothing. Others become extra
records, web hostnames (proxied ones), CAA issuers or SPF senders, or are set aside with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from components.config import StackConfig
from components.config.email import SPF_MECHANISM_RE
from components.facts import is_non_public_address
from launchready.adopt.declared import DNS_RECORD, Declared
from launchready.adopt.model import LiveRecord
from launchready.adopt.records import (
    EXTRA_RECORD_DEFAULT_TTL,
    caa_data,
    declared_record,
    fqdn,
    is_dkim_of_ses,
    is_dmarc,
    is_spf,
    purpose_of,
    record_key,
    relative_label,
    spf_terms,
    txt_value,
)
from launchready.adopt.secretrecords import secret_reason

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
EXTRA_TYPES = ("MX", "TXT", "CNAME", "A", "AAAA", "SRV")
WEB_TYPES = ("A", "AAAA", "CNAME")


@dataclass
class ConfigChanges:
    """What adopt writes into the stack file. Keys are the record keys (see records.record_key)."""

    extra_records: list[dict[str, Any]] = field(default_factory=list)
    hostnames: dict[str, dict[str, Any]] = field(default_factory=dict)
    spf_senders: list[str] = field(default_factory=list)
    caa_issuers: list[str] = field(default_factory=list)
    caa_report_email: str | None = None
    spf_all: str | None = None
    added: set[tuple[Any, ...]] = field(default_factory=set)
    ignored: dict[tuple[Any, ...], str] = field(default_factory=dict)
    #: which live record each added extra record / hostname / CAA issuer came from (record keys)
    sources: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def drop(self, where: str, reason: str) -> bool:
        """Take back the change a config problem points at (`launchready:dns.extraRecords[3].content`...);
        its live record becomes ignored with the reason. False when the path names no change of ours."""
        for i, row in enumerate(self.extra_records):
            if where == f"extra:{i}":
                self.extra_records.pop(i)
                return self._unadd(f"extra:{id(row)}", reason)
        for label in list(self.hostnames):
            if where == f"hostname:{label}":
                del self.hostnames[label]
                return self._unadd(f"hostname:{label}", reason)
        if where == "spf" and (self.spf_senders or self.spf_all):
            self.spf_senders.clear()
            self.spf_all = None
            return True
        if where == "caa" and (self.caa_issuers or self.caa_report_email):
            for name in [k for k in self.sources if k.startswith("caa:")]:
                self._unadd(name, reason)
            self.caa_issuers.clear()
            self.caa_report_email = None
            return True
        return False

    def _unadd(self, source: str, reason: str) -> bool:
        key = self.sources.pop(source, None)
        if key is not None:
            self.added.discard(key)
            self.ignored[key] = f"cannot be declared: {reason}; left as is"
        return True

    def empty(self) -> bool:
        return not (self.extra_records or self.hostnames or self.spf_senders or self.caa_issuers
                    or self.caa_report_email or self.spf_all)


def ignore_reason(record: LiveRecord, cfg: StackConfig, other_stacks: dict[str, str]) -> str | None:
    """Why a record is none of this stack's business, or None."""
    if record.secret:
        return secret_reason(record.secret)
    if record.managed:
        return f"managed by Cloudflare ({record.managed}); left as is"
    if record.type == "SOA":
        return "the zone's SOA record is Cloudflare's"
    label = relative_label(record.name, cfg.domain)
    if label is None:
        return f"outside this stack's domain {cfg.domain}"
    for stack, domain in other_stacks.items():
        if record.name == domain or record.name.endswith("." + domain):
            return f"belongs to stack {stack} ({domain})"
    if record.type == "NS" and label == "@":
        return "Cloudflare's nameservers (NS at the apex)"
    return None


def _slot_conflict(record: LiveRecord, declared: list[LiveRecord]) -> bool:
    """Same name as a declared web record (A/AAAA/CNAME), other content or type: a decision is needed."""
    if record.type not in WEB_TYPES:
        return False
    return any(d.name == record.name and d.type in WEB_TYPES for d in declared)


def cname_clash(record: LiveRecord, declared: list[LiveRecord], domain: str) -> LiveRecord | None:
    """A declared record that the live one cannot sit beside: below the apex a CNAME must be alone at its
    name (Cloudflare refuses anything next to it). The declared record, or None."""
    if record.name == domain:
        return None
    for d in declared:
        if d.name == record.name and (record.type == "CNAME") != (d.type == "CNAME"):
            return d
    return None


def _same_singleton(record: LiveRecord, declared: list[LiveRecord], cfg: StackConfig) -> bool:
    """The program declares this name's SPF or DMARC record, or the MAIL FROM MX: the live one is adopted and
    updated."""
    if cfg.email.enabled and record.name == cfg.mail_from_domain and record.type == "MX":
        return any(d.name == record.name and d.type == "MX" for d in declared)
    return any(d.name == record.name and ((is_spf(d) and is_spf(record)) or (is_dmarc(d) and is_dmarc(record)))
               for d in declared)


def _public_ip(content: str) -> bool:
    return not is_non_public_address(content)  # False for a host name: only addresses can be non-public


def _extra(record: LiveRecord, label: str) -> dict[str, Any]:
    ttl = record.ttl if 60 <= record.ttl <= 86400 else EXTRA_RECORD_DEFAULT_TTL
    content = txt_value(record.content) if record.type == "TXT" else record.content
    row: dict[str, Any] = {"name": label, "type": record.type, "content": content}
    if record.type in ("MX", "SRV"):
        row["priority"] = record.priority if record.priority is not None else 10
    row.update(ttl=ttl, purpose=purpose_of(record), owner="platform")
    return row


def _add_caa(record: LiveRecord, cfg: StackConfig, changes: ConfigChanges) -> str | None:
    data = caa_data(record)
    if data is None or data[0] != 0:
        return "a CAA record with flags other than 0 is not declarable; left as is"
    _, tag, value = data
    if tag == "issue" and value and ";" not in value:
        if value not in cfg.dns.caa_issuers and value not in changes.caa_issuers:
            changes.caa_issuers.append(value)
            changes.sources[f"caa:{value}"] = record_key(record)
        return None
    if tag == "iodef" and value.startswith("mailto:") and cfg.dns.caa_report_email is None:
        changes.caa_report_email = value[len("mailto:"):]
        changes.sources["caa:iodef"] = record_key(record)
        return None
    return f"CAA {tag} {value} is not declarable in launchready:dns; left as is"


def _add_spf(record: LiveRecord, cfg: StackConfig, changes: ConfigChanges) -> None:
    """The live SPF's senders move into email.spf.extraSenders (mechanisms the config accepts; others, such as
    redirect= or ptr, are left to a decision), and a stricter live `-all` is kept."""
    have = {s.lower() for s in cfg.email.spf.extra_senders} | {s.lower() for s in changes.spf_senders}
    for term in spf_terms(record.content):
        lowered = term.lower().lstrip("+")
        if lowered not in have and lowered != "include:amazonses.com" and SPF_MECHANISM_RE.match(lowered):
            changes.spf_senders.append(lowered)
            have.add(lowered)
    if txt_value(record.content).lower().split()[-1:] == ["-all"] and cfg.email.spf.all == "~all":
        changes.spf_all = "-all"


def _add(record: LiveRecord, label: str, cfg: StackConfig, changes: ConfigChanges) -> str | None:
    """Add the record to the config; the reason it cannot be, or None."""
    if record.type == "CAA":
        return _add_caa(record, cfg, changes)
    if record.type not in EXTRA_TYPES:
        return f"{record.type} records are not declared by the program; left as is"
    if label != "@" and not _LABEL_RE.match(label):
        return (f"launchready:dns.extraRecords names are one plain label (a-z, 0-9, -), not {label!r}; "
                "left as is (Pulumi will not touch it)")
    if record.type in WEB_TYPES and record.proxied:
        if label == "@" or not _public_ip(record.content):
            return "a proxied record on a private address is not declarable; left as is"
        changes.hostnames[label] = {"origin": fqdn(record.content) if record.type == "CNAME" else record.content,
                                    "purpose": f"{record.type} record adopted from the live zone",
                                    "owner": "platform"}
        changes.sources[f"hostname:{label}"] = record_key(record)
        return None
    if label in cfg.hostnames and record.type in WEB_TYPES:
        return "same name as a web hostname"
    row = _extra(record, label)
    changes.extra_records.append(row)
    changes.sources[f"extra:{id(row)}"] = record_key(record)
    return None


def propose(declared: Declared, records: list[LiveRecord], other_stacks: dict[str, str]) -> ConfigChanges:
    cfg = declared.config
    planned = [declared_record(r.inputs) for r in declared.of_type(DNS_RECORD)]
    keys = {record_key(d) for d in planned}
    changes = ConfigChanges()
    for record in records:
        key = record_key(record)
        reason = ignore_reason(record, cfg, other_stacks)
        if reason:
            changes.ignored[key] = reason
            continue
        if key in keys or (cfg.email.enabled and is_dkim_of_ses(record)):
            continue
        if _slot_conflict(record, planned) or cname_clash(record, planned, cfg.domain):
            continue  # decided in pass 2: a conflict
        if _same_singleton(record, planned, cfg):
            if is_spf(record) and record.name == cfg.domain and cfg.email.enabled:
                _add_spf(record, cfg, changes)
            continue
        label = relative_label(record.name, cfg.domain) or ""
        why = _add(record, label, cfg, changes)
        if why:
            changes.ignored[key] = why
        else:
            changes.added.add(key)
    return changes
