"""Pass 2 of adopt: each live record and resource against what the program declares (with the new config).

A live record maps onto the declared record with the same name, type and content (adopted, or added when
pass 1 put it into the config); onto the program's own SPF/DMARC/DKIM record of that name (adopted, then
updated); or it is a conflict (a web record of that name with other content or type) or ignored.
"""

from __future__ import annotations

from typing import Any

from launchready.adopt.changes import WEB_TYPES, ConfigChanges, cname_clash
from launchready.adopt.declared import DNS_RECORD, Declared
from launchready.adopt.diff import record_changes
from launchready.adopt.model import (
    ADDED,
    ADOPTED,
    CONFLICT,
    IGNORED,
    LiveAws,
    LiveRecord,
    LiveZone,
    RecordResult,
    ResourceAdoption,
)
from launchready.adopt.records import (
    carries_mail_or_verification,
    declared_record,
    is_dkim_of_ses,
    is_dmarc,
    is_spf,
    record_key,
    relative_label,
)
from launchready.adopt.secretrecords import SECRET_FIX
from launchready.plan.runner import PlannedResource


def record_import_id(zone_id: str, record_id: str) -> str:
    return f"{zone_id}/{record_id}"  # pulumi_cloudflare DnsRecord: `<zone_id>/<dns_record_id>`


class _Matcher:
    def __init__(self, declared: Declared, zone: LiveZone, aws: LiveAws, changes: ConfigChanges) -> None:
        self.declared = declared
        self.zone = zone
        self.aws = aws
        self.changes = changes
        self.pool: list[tuple[PlannedResource, LiveRecord]] = [
            (r, declared_record(r.inputs)) for r in declared.of_type(DNS_RECORD)]
        self.used: set[str] = set()
        self.dkim_order = self._dkim_order()

    def _dkim_order(self) -> dict[str, PlannedResource]:
        """Live SES DKIM record name -> the declared DKIM record it becomes (by the identity's token order)."""
        declared = sorted((r for r, d in self.pool if is_dkim_of_ses(d)), key=lambda r: r.name)
        live = [r for r in self.zone.records if is_dkim_of_ses(r)]
        tokens = self.aws.identities.get(self.declared.config.domain, {}).get("dkimTokens") or []
        order = {t: i for i, t in enumerate(tokens)}
        live.sort(key=lambda r: (order.get(r.name.split(".", 1)[0], len(order)), r.name))
        return {rec.name: res for rec, res in zip(live, declared, strict=False)}

    def _take(self, res: PlannedResource) -> None:
        self.used.add(res.urn)

    def _free(self) -> list[tuple[PlannedResource, LiveRecord]]:
        return [(r, d) for r, d in self.pool if r.urn not in self.used]

    def _result(self, rec: LiveRecord, status: str, reason: str, res: PlannedResource | None = None,
                changes: dict[str, dict[str, Any]] | None = None, fix: str = "") -> RecordResult:
        import_id = record_import_id(self.zone.zone_id, rec.id) if res is not None and rec.id else None
        return RecordResult(rec, status, reason, logical_name=res.name if res else None,
                            urn=res.urn if res else None, import_id=import_id,
                            protect=res is not None and carries_mail_or_verification(rec),
                            changes=changes or {}, fix=fix)

    def record(self, rec: LiveRecord) -> RecordResult:
        key = record_key(rec)
        if key in self.changes.ignored:
            return self._result(rec, IGNORED, self.changes.ignored[key], fix=SECRET_FIX if rec.secret else "")
        free = self._free()
        for res, dec in free:
            if record_key(dec) == key:
                self._take(res)
                status = ADDED if key in self.changes.added else ADOPTED
                why = "added to the stack config, imported" if status == ADDED else "declared by the program"
                return self._result(rec, status, why, res, record_changes(rec, dec, with_content=False))
        if is_dkim_of_ses(rec) and rec.name in self.dkim_order and self.dkim_order[rec.name].urn not in self.used:
            res = self.dkim_order[rec.name]
            self._take(res)
            return self._result(rec, ADOPTED, "the SES identity's DKIM record (its name follows the identity's "
                                "tokens)", res)
        for res, dec in free:
            if dec.name == rec.name and ((is_spf(dec) and is_spf(rec)) or (is_dmarc(dec) and is_dmarc(rec))
                                         or (dec.type == rec.type and dec.type in ("MX", "TXT")
                                             and rec.name == self._mail_from_name())):
                self._take(res)
                return self._result(rec, ADOPTED, "the program's own record of this name: adopted, then "
                                    "updated to the declared content", res, record_changes(rec, dec, with_content=True))
        for res, dec in free + [p for p in self.pool if p not in free]:
            if dec.name == rec.name and dec.type in WEB_TYPES and rec.type in WEB_TYPES:
                return self._conflict(rec, dec, res, second=res.urn in self.used)
        clash = cname_clash(rec, [d for _, d in self.pool], self.declared.config.domain)
        if clash is not None:
            res = next(r for r, d in self.pool if d is clash)
            return RecordResult(rec, CONFLICT, f"a CNAME must be alone at its name: live {rec.type} {rec.content} "
                                f"vs the declared {clash.type} {clash.content} (Cloudflare refuses both)",
                                logical_name=res.name, urn=res.urn,
                                fix="delete the live record (or move what it is for to another name), then re-run "
                                "adopt")
        return self._result(rec, IGNORED, "not declared by the program; left as is (Pulumi will not touch it)")

    def _mail_from_name(self) -> str | None:
        cfg = self.declared.config
        return cfg.mail_from_domain if cfg.email.enabled else None

    def _conflict(self, rec: LiveRecord, dec: LiveRecord, res: PlannedResource, second: bool) -> RecordResult:
        label = relative_label(rec.name, self.declared.config.domain) or rec.name
        if second:
            return RecordResult(rec, CONFLICT, f"a second web record at {rec.name}: the program declares one "
                                f"({dec.type} {dec.content}, adopted), so this one would keep answering beside it",
                                logical_name=res.name, urn=res.urn,
                                fix="delete this record in the dashboard (DNS > Records), then re-run adopt")
        what = "other type" if rec.type != dec.type else "other content"
        fix = (f"to keep the live record, set launchready:hostnames.{label}.origin to {rec.content} and re-run "
               f"adopt; to replace it with {dec.type} {dec.content}, delete the live record before pulumi up")
        reason = (f"same name as the declared {dec.type} {dec.content} ({what}: live {rec.type} {rec.content}); "
                  "needs a decision")
        return RecordResult(rec, CONFLICT, reason, logical_name=res.name, urn=res.urn, fix=fix)

    def records(self) -> list[RecordResult]:
        exact_first = sorted(self.zone.records, key=lambda r: (0 if self._has_exact(r) else 1, r.name, r.type))
        results = {id(r): self.record(r) for r in exact_first}
        return sorted((results[id(r)] for r in self.zone.records),
                      key=lambda x: (x.record.name.count("."), x.record.name, x.record.type, x.record.content))

    def _has_exact(self, rec: LiveRecord) -> bool:
        key = record_key(rec)
        return any(record_key(d) == key for _, d in self.pool)


def match_records(declared: Declared, zone: LiveZone, aws: LiveAws, changes: ConfigChanges) -> list[RecordResult]:
    return _Matcher(declared, zone, aws, changes).records()


def record_adoptions(results: list[RecordResult], declared: Declared) -> list[ResourceAdoption]:
    by_urn = declared.by_urn()
    out = []
    for result in results:
        if result.status in (ADOPTED, ADDED) and result.urn and result.import_id:
            res = by_urn[result.urn]
            out.append(ResourceAdoption(res.urn, res.type, res.name, res.parent, res.provider, result.import_id,
                                        protect=result.protect, live=result.record.to_json(),
                                        changes=result.changes))
    return out
