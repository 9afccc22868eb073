"""What the offline plan shows of an adoption: for each declared resource that `import-<stack>.json` names,
its import id and what `pulumi up` will change on it (the live values adopt saw vs the declared inputs).

The import file is checked against the program's declared resources and the stack's zone: an entry the
program does not declare, or an id of another zone or in the wrong shape, stops the plan with a clear error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.config import ConfigError, Problem, StackConfig
from launchready.adopt import importfile
from launchready.adopt.diff import current_changes
from launchready.adopt.model import AdoptError


def _saved(root: Path, stack: str) -> dict[str, dict[str, Any]]:
    path = importfile.adopt_path(root, stack)
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(r.get("urn")): r for r in doc.get("resources", []) if isinstance(r, dict)}


def _problem(path: Path, stack: str, exc: AdoptError) -> ConfigError:
    fix = f"re-run `launchready adopt --stack {stack}` to rewrite it (or delete {path.name})"
    if isinstance(exc, importfile.ImportFileError):
        return ConfigError([Problem(f"{path.name}: {where}", why, fix) for where, why in exc.entries], path.name)
    return ConfigError([Problem(path.name, str(exc), fix)], path.name)


def plan_adoption(root: Path, stack: str, config: StackConfig, resources: list[Any],
                  stack_urn: str) -> dict[str, dict[str, Any]]:
    """URN -> the fields its `plan --json` resource gains (`importId`, `adoption`). {} without an import file.

    Raises ConfigError (exit 2 in the plan) for an unreadable file, a stale id or an unknown resource."""
    path = importfile.import_path(root, stack)
    try:
        doc = importfile.read(path)
        if doc is None:
            return {}
        ids = importfile.resolve(doc, importfile.declared_index(resources, stack_urn), config.zone.zone_id,
                                 path.name)
    except AdoptError as exc:
        raise _problem(path, stack, exc) from None
    saved = _saved(root, stack)
    by_urn = {r.urn: r for r in resources}
    out: dict[str, dict[str, Any]] = {}
    for urn, import_id in ids.items():
        seen = saved.get(urn, {}) if saved.get(urn, {}).get("importId") == import_id else {}
        live = seen.get("live")
        now = current_changes(by_urn[urn].type, live, by_urn[urn].inputs)  # against today's stack file
        out[urn] = {"importId": import_id,
                    "adoption": {"changes": now if now is not None else seen.get("changes", {}),
                                 "live": live, "protect": bool(seen.get("protect"))}}
    return out


def _short(value: Any, width: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 3] + "..."


def adoption_lines(resource: dict[str, Any], pad: str) -> list[str]:
    """The text plan's lines under a resource that will be adopted: what will change on it."""
    if not resource.get("importId"):
        return []
    lines = [f"{pad}      adopt, then update: import id {resource['importId']}"]
    changes = (resource.get("adoption") or {}).get("changes") or {}
    for key, change in changes.items():
        lines.append(f"{pad}      ~ {key}: {_short(change.get('live'))} -> {_short(change.get('declared'))}")
    if not changes:
        lines.append(f"{pad}      (no change known: the live values match, or adopt read a zone file)")
    return lines
