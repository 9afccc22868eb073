"""detect-secrets over files: every plugin and filter it ships, or the ones a baseline names.

History blobs are written to a scratch directory under their own relative path, so detect-secrets sees
the same file name (its filters and YAML/INI transformers go by it) and reports the same line numbers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings, get_settings, transient_settings

from launchready.scanning.findings import Finding


@contextlib.contextmanager
def settings(config: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """Configure detect-secrets for the scan; yield the settings in force (baseline form).

    `config` is a baseline's `plugins_used`/`filters_used`; without one, all plugins and default filters.
    """
    manager = transient_settings(config) if config else default_settings()
    with manager:
        yield get_settings().json()


def _findings(collection: SecretsCollection, source: str, commit: str | None = None) -> list[Finding]:
    out: list[Finding] = []
    for filename, secret in collection:
        out.append(
            Finding(
                source=source,
                path=Path(filename).as_posix(),
                line=int(secret.line_number),
                type=str(secret.type),
                hashed_secret=str(secret.secret_hash),
                commit=commit,
            )
        )
    return out


def scan_files(root: Path, paths: list[str], source: str) -> list[Finding]:
    """Scan files on disk (paths relative to root), on every core. Call inside `settings(...)`."""
    collection = SecretsCollection(root=str(root))
    if paths:
        collection.scan_files(*paths)
    return _findings(collection, source)


@dataclass(frozen=True)
class Blob:
    """A file version to scan: its path, its content and the commit that added it."""

    path: str
    content: bytes
    commit: str


def _text(content: bytes) -> str | None:
    if b"\0" in content[:8192]:
        return None  # binary
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None  # detect-secrets skips files it cannot decode; so do we


def scan_history(blobs: list[Blob], source: str) -> list[Finding]:
    """Scan file versions, oldest first, as if each were the file at its path. Call inside `settings(...)`.

    Each version contributes only the lines that no earlier version of the same path had: a line is scanned
    once, in the first commit that holds it, so that commit is the one a finding names and the cost grows
    with what the history added rather than with the number of versions. The new lines are written to
    `<scratch>/<n>/<path>` (the file name drives detect-secrets' filters) and scanned in one parallel pass;
    line numbers are mapped back to the version's own.
    """
    seen: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="launchready-scan-") as scratch:
        names: list[str] = []
        owners: dict[str, tuple[Blob, list[int]]] = {}
        for n, blob in enumerate(blobs):
            text = _text(blob.content)
            if text is None:
                continue
            known = seen.setdefault(blob.path, set())
            numbers: list[int] = []
            lines: list[str] = []
            for number, line in enumerate(text.splitlines(), start=1):
                stripped = line.rstrip()
                if stripped and stripped not in known:
                    known.add(stripped)
                    numbers.append(number)
                    lines.append(stripped)
            if not lines:
                continue
            name = f"{n}/{blob.path}"
            target = Path(scratch) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines) + "\n", encoding="utf-8")
            names.append(name)
            owners[name] = (blob, numbers)
        collection = SecretsCollection(root=scratch)
        if names:
            collection.scan_files(*names)
        out: list[Finding] = []
        for f in _findings(collection, source):
            blob, numbers = owners[f.path]
            line = numbers[f.line - 1] if 0 < f.line <= len(numbers) else 0
            out.append(dataclasses.replace(f, path=blob.path, commit=blob.commit, line=line))
        return out
