"""The reviewed-findings baseline, in detect-secrets' own format (`detect-secrets scan > .secrets.baseline`).

An entry matches a finding by file, secret type and secret hash (line numbers drift as code moves).
A matching entry accepts the finding unless a reviewer marked it `"is_secret": true` (a real secret that
is known but not yet removed still fails the scan). Its `plugins_used`/`filters_used` configure the scan,
as they do for detect-secrets itself.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detect_secrets.__version__ import VERSION
from detect_secrets.core.baseline import upgrade

from launchready.scan.findings import Finding

Identity = tuple[str, str, str]


class BaselineError(Exception):
    """The baseline cannot be read or is not a detect-secrets baseline; the message says why."""


@dataclass(frozen=True)
class Baseline:
    path: Path
    exists: bool
    #: `plugins_used`/`filters_used` from the file, or None for detect-secrets' defaults
    settings: dict[str, Any] | None = None
    entries: dict[Identity, dict[str, Any]] = field(default_factory=dict)

    def accepts(self, finding: Finding) -> bool:
        entry = self.entries.get(finding.identity)
        return entry is not None and entry.get("is_secret") is not True


def load(path: Path, must_exist: bool) -> Baseline:
    if not path.exists():
        if must_exist:
            raise BaselineError(f"baseline {path} does not exist (create it with --update-baseline)")
        return Baseline(path, exists=False)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"the baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict):
        raise BaselineError(f"{path} is not a detect-secrets baseline (no results mapping)")
    if isinstance(doc.get("version"), str):
        try:
            doc = upgrade(doc)
        except Exception as exc:  # detect-secrets' upgraders expect well-formed old baselines
            raise BaselineError(f"cannot upgrade the baseline {path}: {type(exc).__name__}: {exc}") from None
    entries: dict[Identity, dict[str, Any]] = {}
    for filename, items in doc["results"].items():
        if not isinstance(items, list):
            raise BaselineError(f"{path}: results[{filename!r}] must be a list")
        for item in items:
            if not (isinstance(item, dict) and isinstance(item.get("type"), str)
                    and isinstance(item.get("hashed_secret"), str)):
                raise BaselineError(f"{path}: an entry of {filename!r} lacks a type or hashed_secret")
            entries[(str(filename), item["type"], item["hashed_secret"])] = item
    settings: dict[str, Any] | None = None
    if isinstance(doc.get("plugins_used"), list):
        settings = {"plugins_used": doc["plugins_used"]}
        if isinstance(doc.get("filters_used"), list):
            settings["filters_used"] = doc["filters_used"]
    return Baseline(path, exists=True, settings=settings, entries=entries)


def render(findings: list[Finding], settings_json: dict[str, Any], old: Baseline) -> str:
    """The baseline text for these findings, keeping reviewers' `is_secret`/`is_verified` marks."""
    first: dict[Identity, Finding] = {}
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.type)):
        first.setdefault(f.identity, f)
    results: dict[str, list[dict[str, Any]]] = {}
    for f in first.values():
        previous = old.entries.get(f.identity, {})
        entry: dict[str, Any] = {
            "type": f.type,
            "filename": f.path,
            "hashed_secret": f.hashed_secret,
            "is_verified": bool(previous.get("is_verified", False)),
            "line_number": f.line,
        }
        if isinstance(previous.get("is_secret"), bool):
            entry["is_secret"] = previous["is_secret"]
        results.setdefault(f.path, []).append(entry)
    doc = {
        "version": VERSION,
        **settings_json,
        "results": {name: results[name] for name in sorted(results)},
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return json.dumps(doc, indent=2) + "\n"
