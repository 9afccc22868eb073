"""`import-<stack>.json`, the file `pulumi import --file` reads, and `adopt-<stack>.json`, what adopt saw.

The import file is in the CLI's documented format: `nameTable` maps a name to a parent or provider URN;
each of `resources` has `type`, `name` (the program's own logical name, so the URN is the one the program
declares), `id` (the provider's import id) and, by name from the table, `parent` and `provider`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from launchready.adopt.model import AdoptError, ResourceAdoption


def import_path(root: Path, stack: str) -> Path:
    return root / f"import-{stack}.json"


def adopt_path(root: Path, stack: str) -> Path:
    return root / f"adopt-{stack}.json"


def _urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _is_default_provider(provider_urn: str) -> bool:
    return not provider_urn or _urn_name(provider_urn).startswith("default")


def _table_name(table: dict[str, str], urn: str) -> str:
    base = _urn_name(urn)
    name = base
    n = 2
    while name in table and table[name] != urn:
        name = f"{base}-{n}"
        n += 1
    table[name] = urn
    return name


def build(adoptions: list[ResourceAdoption], stack_urn: str) -> dict[str, Any]:
    table: dict[str, str] = {}
    resources = []
    for item in sorted(adoptions, key=lambda a: a.urn):
        entry: dict[str, Any] = {"type": item.type, "name": item.name, "id": item.import_id}
        if item.parent and item.parent != stack_urn:
            entry["parent"] = _table_name(table, item.parent)
        if not _is_default_provider(item.provider):
            entry["provider"] = _table_name(table, item.provider)
        resources.append(entry)
    return {"nameTable": dict(sorted(table.items())), "resources": resources}


def components_path(root: Path, stack: str) -> Path:
    return root / f"import-{stack}-components.json"


def build_components(adoptions: list[ResourceAdoption], parents: dict[str, tuple[str, str, str]],
                     stack_urn: str) -> dict[str, Any]:
    """The component resources the adopted resources sit in, as `component: true` entries (Pulumi >= 3.94):
    imported first into a stack that was never deployed, so the nameTable parents of the main file exist.

    `parents` maps a component's URN to (type, logical name, its own parent URN)."""
    needed: list[str] = []

    def add(urn: str) -> None:
        if urn in needed or urn == stack_urn or urn not in parents:
            return
        add(parents[urn][2])  # ancestors first
        needed.append(urn)

    for item in adoptions:
        add(item.parent)
    names: dict[str, str] = {}
    resources = []
    for urn in needed:
        typ, logical, parent = parents[urn]
        name = logical if logical not in names.values() else f"{logical}-{typ.rsplit(':', 1)[-1].lower()}"
        names[urn] = name
        entry: dict[str, Any] = {"type": typ, "name": name, "component": True}
        if name != logical:
            entry["logicalName"] = logical
        if parent in names:
            entry["parent"] = names[parent]
        resources.append(entry)
    return {"resources": resources}


def text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2) + "\n"


def write_if_changed(path: Path, content: str) -> bool:
    """Write unless the file already holds exactly this (adopting twice changes nothing)."""
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)
    return True


def read(path: Path) -> dict[str, Any] | None:
    """The import file, or None when there is none. AdoptError when it is not the documented shape."""
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdoptError(f"{path.name}: not a readable import file ({exc}); re-run launchready adopt") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources", []), list):
        raise AdoptError(f"{path.name}: not in the `pulumi import --file` format (no resources list); "
                         "re-run launchready adopt")
    return doc


_HEX32 = re.compile(r"^[0-9a-f]{32}$")


class ImportFileError(AdoptError):
    """Entries of an import file that do not fit the stack: (which entry, why) each."""

    def __init__(self, source: str, entries: list[tuple[str, str]]) -> None:
        self.source = source
        self.entries = entries
        lines = "\n".join(f"  - {where}: {why}" for where, why in entries)
        super().__init__(f"{source} does not fit this stack:\n{lines}\n  fix: re-run `launchready adopt` for this "
                         "stack to rewrite it")


def id_problem(type_token: str, import_id: str, zone_id: str) -> str | None:
    """Why an import id cannot be right for this stack (a stale or foreign id), or None."""
    parts = import_id.split("/")
    if type_token == "cloudflare:index/dnsRecord:DnsRecord":
        if len(parts) != 2 or not _HEX32.match(parts[1]):
            return "a DnsRecord import id is <zone_id>/<dns_record_id>"
        return None if parts[0] == zone_id else f"its zone {parts[0]} is not this stack's zone {zone_id}"
    if type_token == "cloudflare:index/ruleset:Ruleset":
        if len(parts) != 3 or parts[0] != "zones" or not _HEX32.match(parts[2]):
            return "a zone Ruleset import id is zones/<zone_id>/<ruleset_id>"
        return None if parts[1] == zone_id else f"its zone {parts[1]} is not this stack's zone {zone_id}"
    if type_token == "cloudflare:index/zoneSetting:ZoneSetting":
        if len(parts) != 2:
            return "a ZoneSetting import id is <zone_id>/<setting_id>"
        return None if parts[0] == zone_id else f"its zone {parts[0]} is not this stack's zone {zone_id}"
    return None if import_id else "the id is empty"


def resolve(doc: dict[str, Any], declared: dict[tuple[str, str, str], str], zone_id: str,
            source: str) -> dict[str, str]:
    """URN -> import id for each entry; AdoptError naming every stale or unknown entry and the fix.

    `declared` maps (type, logical name, parent URN) of every resource the program declares to its URN."""
    table = doc.get("nameTable") or {}
    out: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for i, entry in enumerate(doc.get("resources") or []):
        if not isinstance(entry, dict):
            problems.append((f"resources[{i}]", "not an object"))
            continue
        typ, name, rid = str(entry.get("type", "")), str(entry.get("name", "")), str(entry.get("id", ""))
        parent = table.get(entry["parent"], "") if entry.get("parent") else ""
        urn = declared.get((typ, name, parent)) or (declared.get((typ, name, "")) if not parent else None)
        if urn is None:
            problems.append((f"{typ} {name!r}", "the program declares no such resource (unknown or renamed)"))
            continue
        why = id_problem(typ, rid, zone_id)
        if why:
            problems.append((f"{typ} {name!r} id {rid!r}", f"stale or wrong id: {why}"))
            continue
        out[urn] = rid
    if problems:
        raise ImportFileError(source, problems)
    return out


def declared_index(resources: list[Any], stack_urn: str) -> dict[tuple[str, str, str], str]:
    """(type, logical name, parent URN or "" at the top) -> URN, for every resource the program declares."""
    return {(r.type, r.name, "" if r.parent == stack_urn else r.parent): r.urn for r in resources}
