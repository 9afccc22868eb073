"""detect-secrets over files: every plugin and filter it ships, or the ones a baseline names.

History blobs are written to a scratch directory under their own relative path, so detect-secrets sees
the same file name (its filters and YAML/INI transformers go by it) and reports the same line numbers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detect_secrets import SecretsCollection
from detect_secrets.core.scan import _process_line_based_plugins, get_filters_with_parameter
from detect_secrets.settings import default_settings, get_settings, transient_settings
from detect_secrets.util.filetype import FileType, determine_file_type
from detect_secrets.util.inject import call_function_with_arguments

from launchready.scan.findings import Finding


@contextlib.contextmanager
def settings(config: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """Configure detect-secrets for the scan; yield the settings in force (baseline form).

    `config` is a baseline's `plugins_used`/`filters_used`; without one, all plugins and default filters.
    """
    manager = transient_settings(config) if config else default_settings()
    with manager:
        yield get_settings().json()


#: below this many bytes to scan, one process is faster than starting workers
PARALLEL_MIN_BYTES = 256 * 1024

#: (filename relative to the scan root, line number, secret type, secret hash)
_Hit = tuple[str, int, str, str]


def _scan_here(root: str, names: list[str]) -> list[_Hit]:
    collection = SecretsCollection(root=root)
    for name in names:
        collection.scan_file(name)
    return [(Path(fn).as_posix(), int(s.line_number), str(s.type), str(s.secret_hash)) for fn, s in collection]


def _scan_in_worker(job: tuple[dict[str, Any], str, list[str]]) -> list[_Hit]:
    config, root, names = job
    with transient_settings(config):
        return _scan_here(root, names)


def _scan(root: str, names: list[str]) -> list[_Hit]:
    """detect-secrets over `names` (relative to root), in worker processes when there is enough to scan.

    Workers are spawned, not forked: a fork of a process with threads (a test suite's servers, a resolver
    pool) can inherit a held lock and hang. They get the settings in force as their configuration.
    """
    size = sum((Path(root) / n).stat().st_size for n in names)
    workers = min(os.cpu_count() or 1, 8)
    if size < PARALLEL_MIN_BYTES or workers < 2 or len(names) < 2:
        return _scan_here(root, names)
    chunks = [names[i::workers * 2] for i in range(workers * 2)]
    config = get_settings().json()
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        results = pool.map(_scan_in_worker, [(config, root, chunk) for chunk in chunks if chunk])
        return [hit for chunk in results for hit in chunk]
    finally:
        # Interrupted (Ctrl-C, SIGTERM): drop the chunks not started, so the caller's cleanup of `root`
        # (the history's scratch copies) waits only for the ones running.
        pool.shutdown(wait=True, cancel_futures=True)


def _file_filtered(path: str) -> bool:
    """detect-secrets' file filters (lock files, the baseline, ...) for the file text came from; not the one
    that skips names that are not files on disk (text scanned in memory never is one)."""
    return any(
        call_function_with_arguments(f, filename=path)
        for f in get_filters_with_parameter("filename")
        if f.injectable_variables == {"filename"} and not f.path.endswith(".is_invalid_file")
    )


def scan_lines_in_memory(path: str, lines: list[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """(line number, type, secret hash) of detect-secrets' findings in `lines` of the file `path`, read as
    plain lines (no YAML or INI transformer) and never written to disk. Call inside `settings(...)`."""
    if _file_filtered(path):
        return
    for secret in _process_line_based_plugins(lines, path):
        yield int(secret.line_number), str(secret.type), str(secret.secret_hash)


def _findings(hits: list[_Hit], source: str) -> list[Finding]:
    return [
        Finding(source=source, path=path, line=line, type=type_, hashed_secret=hashed)
        for path, line, type_, hashed in hits
    ]


def scan_files(root: Path, paths: list[str], source: str) -> list[Finding]:
    """Scan files on disk (paths relative to root). Call inside `settings(...)`."""
    return _findings(_scan(str(root), paths), source)


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
    # The scratch copies are plaintext: the directory is private (0700) and removed however the block ends,
    # including SIGTERM/SIGHUP (launchready.common.signals) and Ctrl-C.
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
        out: list[Finding] = []
        for f in _findings(_scan(scratch, list(owners)), source):
            version = owners[f.path]
            if version.text:  # the whole version was scanned: keep what it added
                if f.line not in {number for number, _ in version.lines}:
                    continue
                line = f.line
            else:
                line = version.lines[f.line - 1][0] if 0 < f.line <= len(version.lines) else 0
            out.append(dataclasses.replace(f, path=version.path, commit=version.commit, line=line))
        return out
