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
from detect_secrets.util.filetype import FileType, determine_file_type

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
    """A file version from the history: its path, its content and the commit that added it."""

    path: str
    content: bytes
    commit: str


@dataclass(frozen=True)
class NewLines:
    """The lines of a file version that no earlier version of the same path had, with their line numbers."""

    path: str
    commit: str
    lines: list[tuple[int, str]]
    #: the whole version, for the files detect-secrets reads as a structure rather than line by line
    text: str = ""


def _text(content: bytes) -> str | None:
    if b"\0" in content[:8192]:
        return None  # binary
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None  # detect-secrets skips files it cannot decode; so do we


def _parsed_whole(path: str) -> bool:
    """detect-secrets parses YAML files (values only, no comments): lines out of context would read wrong."""
    return determine_file_type(path) == FileType.YAML


def new_lines(blobs: list[Blob]) -> list[NewLines]:
    """For versions in history order (oldest first): what each one added.

    A line is then scanned once, in the first commit that holds it, so that commit is the one a finding
    names, and the cost grows with what the history added rather than with the number of versions.
    """
    seen: dict[str, set[str]] = {}
    out: list[NewLines] = []
    for blob in blobs:
        text = _text(blob.content)
        if text is None:
            continue
        known = seen.setdefault(blob.path, set())
        lines: list[tuple[int, str]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.rstrip()
            if stripped and stripped not in known:
                known.add(stripped)
                lines.append((number, stripped))
        if lines:
            out.append(NewLines(blob.path, blob.commit, lines, text if _parsed_whole(blob.path) else ""))
    return out


def scan_history(versions: list[NewLines], source: str) -> list[Finding]:
    """detect-secrets over what each version added, as if it were the file at its path.

    Call inside `settings(...)`. The new lines are written to `<scratch>/<n>/<path>` (the file name drives
    detect-secrets' filters and transformers) and scanned in one parallel pass; line numbers are mapped back
    to the version's own. YAML versions are scanned whole (detect-secrets parses them) and only findings on
    their new lines are kept.
    """
    with tempfile.TemporaryDirectory(prefix="launchready-scan-") as scratch:
        owners: dict[str, NewLines] = {}
        for n, version in enumerate(versions):
            name = f"{n}/{version.path}"
            target = Path(scratch) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if version.text:
                target.write_text(version.text, encoding="utf-8")
            else:
                target.write_text("\n".join(line for _, line in version.lines) + "\n", encoding="utf-8")
            owners[name] = version
        collection = SecretsCollection(root=scratch)
        if owners:
            collection.scan_files(*owners)
        out: list[Finding] = []
        for f in _findings(collection, source):
            version = owners[f.path]
            if version.text:  # the whole version was scanned: keep what it added
                if f.line not in {number for number, _ in version.lines}:
                    continue
                line = f.line
            else:
                line = version.lines[f.line - 1][0] if 0 < f.line <= len(version.lines) else 0
            out.append(dataclasses.replace(f, path=version.path, commit=version.commit, line=line))
        return out
