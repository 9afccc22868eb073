"""A small SARIF 2.1.0 writer for code scanning (GitHub, GitLab, Azure DevOps): `verify --sarif` and
`plan --sarif` both build their document here.

    doc = build_sarif(tool="launchready verify", version="1.0", rules=[SarifRule(...)], results=[SarifResult(...)])

Levels are SARIF's: "error" (a failure), "warning", "note". A result points at a file (`uri`, relative to
the repository, with an optional line) when there is one, e.g. the stack file that declares what failed;
live findings without a file get a logical location (the host or URL) instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"


@dataclass(frozen=True)
class SarifRule:
    id: str
    short: str
    help: str = ""
    level: str = "error"  # the default level of the rule's results


@dataclass(frozen=True)
class SarifResult:
    rule_id: str
    level: str  # error | warning | note
    message: str
    uri: str | None = None  # a file, relative to the repository root
    line: int | None = None
    logical: str | None = None  # what was checked when there is no file (a host, a URL, a resource URN)
    properties: dict[str, Any] = field(default_factory=dict)


def _location(result: SarifResult) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if result.uri:
        physical: dict[str, Any] = {"artifactLocation": {"uri": result.uri}}
        if result.line:
            physical["region"] = {"startLine": result.line}
        location["physicalLocation"] = physical
    if result.logical:
        location["logicalLocations"] = [{"fullyQualifiedName": result.logical}]
    return location


def build_sarif(
    *, tool: str, rules: list[SarifRule], results: list[SarifResult], version: str = "0", uri: str | None = None
) -> dict[str, Any]:
    """One run of one tool: its rules (each id once, in the order given) and its results."""
    seen: dict[str, SarifRule] = {}
    for rule in rules:
        seen.setdefault(rule.id, rule)
    index = {rule_id: i for i, rule_id in enumerate(seen)}
    driver: dict[str, Any] = {
        "name": tool,
        "version": version,
        "rules": [
            {
                "id": r.id,
                "shortDescription": {"text": r.short},
                "help": {"text": r.help or r.short},
                "defaultConfiguration": {"level": r.level},
            }
            for r in seen.values()
        ],
    }
    if uri:
        driver["informationUri"] = uri
    out_results = []
    for r in results:
        row: dict[str, Any] = {"ruleId": r.rule_id, "level": r.level, "message": {"text": r.message}}
        if r.rule_id in index:
            row["ruleIndex"] = index[r.rule_id]
        location = _location(r)
        if location:
            row["locations"] = [location]
        if r.properties:
            row["properties"] = r.properties
        out_results.append(row)
    return {"$schema": SCHEMA, "version": VERSION, "runs": [{"tool": {"driver": driver}, "results": out_results}]}


def write_sarif(doc: dict[str, Any], path: Path) -> None:
    """Write the document (UTF-8, indented). OSError propagates: the caller reports it as a usage error."""
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
