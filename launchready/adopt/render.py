"""adopt's summary for people: each live record and its status, the imports, what needs a decision."""

from __future__ import annotations

import json
from typing import Any

from launchready.adopt.engine import Outcome
from launchready.adopt.model import ADDED, ADOPTED, CONFLICT, IGNORED

_ORDER = (CONFLICT, ADDED, ADOPTED, IGNORED)


def _short(value: Any, width: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 3] + "..."


def _changes(changes: dict[str, dict[str, Any]]) -> str:
    return "; ".join(f"{k}: {_short(v.get('live'), 40)} -> {_short(v.get('declared'), 40)}"
                     for k, v in changes.items())


def render_text(outcome: Outcome) -> str:
    zone = outcome.zone
    lines = [f"Adopting zone {zone.name or zone.zone_id} ({zone.source}) into stack {outcome.stack}:", ""]
    for status in _ORDER:
        rows = [r for r in outcome.records if r.status == status]
        if not rows:
            continue
        lines.append(f"{status} ({len(rows)}):")
        for r in rows:
            rec = r.record
            target = f" -> {r.logical_name}" if r.logical_name else ""
            protect = "  [protect]" if r.protect else ""
            lines.append(f"  {rec.type:5} {rec.name}  {_short(rec.content, 50)}{target}{protect}")
            lines.append(f"        {r.reason}")
            if r.changes:
                lines.append(f"        will change: {_changes(r.changes)}")
            if r.fix:
                lines.append(f"        fix: {r.fix}")
        lines.append("")
    others = [a for a in outcome.resources if not a.type.endswith(":DnsRecord")]
    if others:
        lines.append(f"other resources that already exist ({len(others)}):")
        for a in others:
            change = f"  will change: {_changes(a.changes)}" if a.changes else ""
            lines.append(f"  {a.type.rsplit(':', 1)[-1]} {a.name}  id {a.import_id}{change}")
        lines.append("")
    if not outcome.aws_checked and not any(w.startswith("AWS was not checked") for w in zone.warnings):
        lines += ["AWS was not checked (--no-aws): the SES identity and SNS topics are not in the import file.", ""]
    if zone.source == "zone-file":
        lines += ["A zone file holds no record or ruleset ids: run adopt with CLOUDFLARE_API_TOKEN to put the "
                  "DNS records and rulesets into the import file.", ""]
    for warning in zone.warnings:
        lines += [f"warning: {warning}", ""]
    for item in outcome.dropped:
        lines.append(f"dropped from the import file (no longer live or no longer declared): {item}")
    lines += _footer(outcome)
    return "\n".join(lines)


def _footer(outcome: Outcome) -> list[str]:
    stack = outcome.stack
    written = outcome.written
    done = [name for name, flag in (("Pulumi." + stack + ".yaml", written.get("stackFile")),
                                    (f"import-{stack}.json", written.get("importFile")),
                                    (f"import-{stack}-components.json", written.get("componentsFile")),
                                    (f"adopt-{stack}.json", written.get("adoptFile"))) if flag]
    lines = [f"wrote {', '.join(done)}" if done else "nothing changed (already adopted)" if written
             else "dry run: nothing written"]
    protect = [a.urn for a in outcome.resources if a.protect]
    if protect:
        lines.append(f"propose protect for {len(protect)} resources carrying mail or verification (pulumi import "
                     "protects them until the next pulumi up, which applies the program's options; the program "
                     "sets no protect option yet, so review any delete or replace of these in the preview):")
        lines += [f"  {urn}" for urn in protect]
    if outcome.conflicts:
        lines.append(f"{len(outcome.conflicts)} conflicts need a decision (see fix: above), then re-run adopt.")
    first = ([f"  pulumi import --stack {stack} --file import-{stack}-components.json --yes   # a stack never "
              "deployed: its component parents first"] if outcome.components_doc["resources"] else [])
    lines += ["", "Next:", f"  launchready plan --stack {stack}", *first,
              f"  pulumi import --stack {stack} --file import-{stack}.json --yes",
              f"  pulumi preview --stack {stack}", f"  pulumi up --stack {stack}"]
    return lines
