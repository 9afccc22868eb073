"""adopt as data: read the live zone (API or zone file) and AWS, map it onto the stack, build the files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.config import ConfigError
from launchready.adopt import importfile, stackedit
from launchready.adopt.changes import ConfigChanges, propose
from launchready.adopt.declared import ZONE_SETTING, Declared, declare, declare_text
from launchready.adopt.matching import match_records, record_adoptions
from launchready.adopt.model import CONFLICT, AdoptError, LiveAws, LiveZone, RecordResult, ResourceAdoption
from launchready.adopt.resources import aws_resources, aws_wanted, rulesets, zone_settings
from launchready.adopt.secretrecords import redact_secret_records
from launchready.stackfile import read_stack_file


@dataclass
class AdoptOptions:
    stack: str
    root: Path
    zone_file: Path | None = None
    api_base: str | None = None
    aws_endpoint_url: str | None = None
    no_aws: bool = False
    dry_run: bool = False
    max_retries: int = 2


@dataclass
class Outcome:
    """What adopt found and (unless a dry run) wrote."""

    stack: str
    stack_path: Path
    zone: LiveZone
    records: list[RecordResult]
    resources: list[ResourceAdoption]
    changes: ConfigChanges
    import_doc: dict[str, Any]
    aws_checked: bool
    dropped: list[str] = field(default_factory=list)
    written: dict[str, bool] = field(default_factory=dict)
    new_stack_text: str | None = None
    components_doc: dict[str, Any] = field(default_factory=lambda: {"resources": []})

    @property
    def conflicts(self) -> list[RecordResult]:
        return [r for r in self.records if r.status == CONFLICT]

    def saved_document(self) -> dict[str, Any]:
        """adopt-<stack>.json: what the plan reads to show "adopt, then update" (stable across runs)."""
        return {"stack": self.stack, "zone": {"id": self.zone.zone_id, "name": self.zone.name},
                "source": self.zone.source, "resources": [r.to_json() for r in self.resources]}

    def to_json(self) -> dict[str, Any]:
        counts = Counter(r.status for r in self.records)
        return {
            **self.saved_document(),
            "records": [r.to_json() for r in self.records],
            "configChanges": {
                "extraRecords": self.changes.extra_records,
                "hostnames": self.changes.hostnames,
                "spfExtraSenders": self.changes.spf_senders,
                "spfAll": self.changes.spf_all,
                "caaIssuers": self.changes.caa_issuers,
                "caaReportEmail": self.changes.caa_report_email,
            },
            "importFile": self.import_doc,
            "componentsImportFile": self.components_doc,
            "awsChecked": self.aws_checked,
            "warnings": list(self.zone.warnings),
            "droppedImports": self.dropped,
            "written": self.written,
            "summary": {
                "records": dict(sorted(counts.items())),
                "imports": len(self.import_doc["resources"]),
                "conflicts": counts.get(CONFLICT, 0),
                "protect": sorted(r.urn for r in self.resources if r.protect),
            },
        }


def _live_zone(opts: AdoptOptions, declared: Declared) -> LiveZone:
    cfg = declared.config
    if opts.zone_file is not None:
        from launchready.adopt.zonefile import read_zone_file

        return read_zone_file(opts.zone_file, cfg.zone.zone_id, cfg.domain)
    from launchready.adopt.cloudflare_live import client_from_env, read_zone

    client = client_from_env(opts.api_base)
    settings = [str(r.inputs.get("settingId")) for r in declared.of_type(ZONE_SETTING)]
    return read_zone(client, cfg.zone.zone_id, settings, max_retries=opts.max_retries)


def _check_zone(zone: LiveZone, declared: Declared) -> None:
    domain = declared.config.domain
    inside = [r for r in zone.records if r.name == domain or r.name.endswith("." + domain)]
    if zone.records and not inside and not zone.name:
        raise AdoptError(f"none of the zone's {len(zone.records)} records is in {domain}: check "
                         "launchready:zone.zoneId (it names another zone) and launchready:zone.domain")
    if zone.name and not (domain == zone.name or domain.endswith("." + zone.name)):
        where = "the zone file is for" if zone.source == "zone-file" else f"zone {zone.zone_id} is"
        raise AdoptError(f"{where} {zone.name}, but the stack's domain is {domain}: check "
                         "launchready:zone.zoneId and launchready:zone.domain (or the --zone-file)")


def _other_stacks(opts: AdoptOptions, domain: str) -> dict[str, str]:
    """Other stacks of this project whose domain lies inside this one (staging.example.com in example.com)."""
    out: dict[str, str] = {}
    for path in sorted(opts.root.glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi."):-len(".yaml")]
        if stack == opts.stack:
            continue
        try:
            zone = read_stack_file(stack, opts.root).values.get("launchready:zone")
        except ConfigError:
            continue
        other = str(zone.get("domain", "")).lower().rstrip(".") if isinstance(zone, dict) else ""
        if other.endswith("." + domain):
            out[stack] = other
    return out


def _change_of(problem_path: str, changes: ConfigChanges, existing_extras: int) -> str | None:
    """Which change of ours a config problem points at, as ConfigChanges.drop understands it."""
    import re

    found = re.match(r"^launchready:dns\.extraRecords\[(\d+)\]", problem_path)
    if found and int(found.group(1)) >= existing_extras:
        return f"extra:{int(found.group(1)) - existing_extras}"
    found = re.match(r"^launchready:hostnames\.([^.\[]+)", problem_path)
    if found and found.group(1) in changes.hostnames:
        return f"hostname:{found.group(1)}"
    if problem_path.startswith("launchready:email.spf"):
        return "spf"
    if problem_path.startswith("launchready:dns.caa"):
        return "caa"
    return None


def _with_changes(opts: AdoptOptions, declared: Declared, changes: ConfigChanges) -> tuple[Declared, str | None]:
    """The program's declarations with the changes written in. A change the config refuses (a live TXT that
    holds a secret-shaped value, a name a rule forbids) is taken back and its record ignored, with the reason."""
    existing = len(declared.config.dns.extra_records)
    for _ in range(4):
        if changes.empty():
            return declared, None
        doc, layout = stackedit.load(declared.stack_file.path)
        text = stackedit.dump(stackedit.apply(doc, changes, declared.config), layout)
        try:
            return declare_text(opts.stack, opts.root, text), text
        except ConfigError as exc:
            wheres: dict[str, str] = {}
            for problem in exc.problems:
                where = _change_of(problem.path, changes, existing)
                if where is not None:
                    wheres.setdefault(where, problem.message)
            # extra records last to first, so the indexes of the others stay right
            order = sorted(wheres, key=lambda w: -int(w.split(":")[1]) if w.startswith("extra:") else 1)
            dropped = any([changes.drop(where, wheres[where]) for where in order])
            if not dropped:
                raise AdoptError("the live records cannot all be written into the stack config:\n" + exc.render()
                                 + "\n  fix: adjust the stack file (or the zone) and re-run adopt") from None
    raise AdoptError("the live records cannot be written into the stack config; re-run with --dry-run to see them")


def _dropped(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    if not old:
        return []
    keep = {(e["type"], e["name"], e["id"]) for e in new["resources"]}
    return [f"{e.get('type')} {e.get('name')} {e.get('id')}" for e in old.get("resources", [])
            if isinstance(e, dict) and (e.get("type"), e.get("name"), e.get("id")) not in keep]


def adopt(opts: AdoptOptions) -> Outcome:
    """Raises AdoptError (live reads, unusable input) or ConfigError (the stack file itself)."""
    first = declare(read_stack_file(opts.stack, opts.root), opts.root)
    zone = _live_zone(opts, first)
    zone.records = redact_secret_records(zone.records)  # a credential in public DNS is never shown or saved
    _check_zone(zone, first)
    changes = propose(first, zone.records, _other_stacks(opts, first.config.domain))
    declared, new_text = _with_changes(opts, first, changes)
    aws = LiveAws()
    if not opts.no_aws:
        from launchready.adopt.aws_live import read_aws

        aws = read_aws(*aws_wanted(declared), endpoint_url=opts.aws_endpoint_url)
        if aws.warning:
            zone.warnings.append(aws.warning)
    records = match_records(declared, zone, aws, changes)
    resources = sorted(record_adoptions(records, declared) + rulesets(declared, zone)
                       + zone_settings(declared, zone) + aws_resources(declared, aws), key=lambda a: a.urn)
    doc = importfile.build(resources, declared.stack_urn)
    components = importfile.build_components(
        resources, {r.urn: (r.type, r.name, r.parent) for r in declared.resources if not r.custom},
        declared.stack_urn)
    path = importfile.import_path(opts.root, opts.stack)
    outcome = Outcome(opts.stack, declared.stack_file.path, zone, records, resources, changes, doc, aws.checked,
                      dropped=_dropped(importfile.read(path), doc), new_stack_text=new_text,
                      components_doc=components)
    if not opts.dry_run:
        write(outcome, opts.root)
    return outcome


def write(outcome: Outcome, root: Path) -> None:
    import json

    written = {"stackFile": False, "importFile": False, "componentsFile": False, "adoptFile": False}
    if outcome.new_stack_text is not None:
        written["stackFile"] = importfile.write_if_changed(outcome.stack_path, outcome.new_stack_text)
    written["importFile"] = importfile.write_if_changed(importfile.import_path(root, outcome.stack),
                                                        importfile.text(outcome.import_doc))
    if outcome.components_doc["resources"]:
        written["componentsFile"] = importfile.write_if_changed(
            importfile.components_path(root, outcome.stack), importfile.text(outcome.components_doc))
    written["adoptFile"] = importfile.write_if_changed(
        importfile.adopt_path(root, outcome.stack), json.dumps(outcome.saved_document(), indent=2) + "\n")
    outcome.written = written
