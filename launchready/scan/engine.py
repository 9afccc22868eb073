"""One scan: the working tree, the history of every ref and the stack files, judged against the baseline."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detect_secrets.settings import get_plugins

from launchready.scan import encoded, gitrepo, named, yamlguard
from launchready.scan.baseline import Baseline, BaselineError
from launchready.scan.detector import Blob, new_lines, scan_files, scan_history, scan_lines_in_memory, settings
from launchready.scan.findings import HISTORY, STACK_PLAINTEXT, TREE, Finding
from launchready.scan.publicids import is_adopt_file, public_hashes, without_public_ids
from launchready.scan.refs import refs_holding
from launchready.scan.stackfiles import is_stack_file, scan_stack_text, with_fixes


class ScanUsageError(Exception):
    """The scan cannot run as asked (not a git repository, no such directory); the message says why."""


@dataclass
class ScanResult:
    root: Path
    baseline: Path
    history: bool
    files_scanned: int = 0
    commits_scanned: int = 0
    blobs_scanned: int = 0
    blobs_too_big: int = 0
    #: the refs whose history was read (branches, tags, remote-tracking branches, notes, stash entries, HEAD)
    refs_scanned: int = 0
    #: a shallow clone: commits before its boundary are not in the repository, so they were not read
    shallow: bool = False
    #: every finding, each marked `baselined` when the baseline accepts it
    findings: list[Finding] = field(default_factory=list)
    #: YAML files (and history versions) read line by line because parsing them is unsafe: path, commit, reason
    yaml_as_lines: list[dict[str, str | None]] = field(default_factory=list)
    #: the detect-secrets settings in force, in baseline form
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def new(self) -> list[Finding]:
        """Findings the baseline does not accept: each one fails the scan."""
        return [f for f in self.findings if not f.baselined]

    def to_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "baseline": str(self.baseline),
            "history": self.history,
            "files_scanned": self.files_scanned,
            "commits_scanned": self.commits_scanned,
            "blobs_scanned": self.blobs_scanned,
            "blobs_skipped_too_big": self.blobs_too_big,
            "refs_scanned": self.refs_scanned,
            "shallow": self.shallow,
            "yaml_read_as_lines": self.yaml_as_lines,
            "baselined": sum(1 for f in self.findings if f.baselined),
            "findings": [f.to_json() for f in self.new],
        }


#: the checks of this project, more specific than detect-secrets' generic types
_SPECIFIC = named.TYPES | {STACK_PLAINTEXT}


def _prefer_specific(findings: list[Finding]) -> list[Finding]:
    """A line a specific check explains (a Cloudflare token, a plaintext stack-file password) is usually also
    a detect-secrets keyword or entropy hit; keep the finding that names the credential and its fix."""
    specific = [f.type in _SPECIFIC or encoded.is_encoded_type(f.type) for f in findings]
    explained = {(f.source, f.commit, f.path, f.line) for f, known in zip(findings, specific, strict=True) if known}
    return [f for f, known in zip(findings, specific, strict=True)
            if known or (f.source, f.commit, f.path, f.line) not in explained]


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def _load_plugins(baseline: Baseline) -> None:
    try:
        get_plugins()
    except Exception as exc:  # a baseline naming a plugin or filter this detect-secrets does not have
        raise BaselineError(
            f"the baseline {baseline.path} configures plugins detect-secrets cannot load: {exc}"
        ) from None


def _in_memory(path: str, lines: list[tuple[int, str]], source: str, commit: str | None = None) -> list[Finding]:
    return [Finding(source=source, path=path, line=line, type=kind, hashed_secret=hashed, commit=commit)
            for line, kind, hashed in scan_lines_in_memory(path, lines)]


def _refused_yaml(root: Path, files: list[str], result: ScanResult) -> set[str]:
    """The YAML files detect-secrets must not parse (see yamlguard), noted in the result."""
    refused: set[str] = set()
    for name in files:
        text = _read_text(root / name) if yamlguard.is_yaml(name) else None
        why = yamlguard.refusal(name, text) if text is not None else None
        if why:
            refused.add(name)
            result.yaml_as_lines.append({"path": name, "commit": None, "reason": why})
    return refused


def _scan_tree(root: Path, files: list[str], public: dict[str, set[str]], result: ScanResult) -> list[Finding]:
    """The files as they are now: detect-secrets, the named detectors, base64 contents, stack files."""
    refused = _refused_yaml(root, files, result)
    tree = scan_files(root, [f for f in files if f not in refused], TREE)
    stack_texts: dict[str, str] = {}
    for name in files:
        text = _read_text(root / name)
        if text is None:
            continue
        lines = list(enumerate(text.splitlines(), start=1))
        tree.extend(named.scan_lines(name, lines, TREE))
        tree.extend(encoded.scan_lines(name, lines, TREE))
        if name in refused:
            tree.extend(_in_memory(name, lines, TREE))
        elif is_stack_file(name):
            stack_texts[name] = text
            tree.extend(scan_stack_text(name, text, TREE))
            public.setdefault(name, set()).update(public_hashes(text))
        elif is_adopt_file(name):
            public.setdefault(name, set()).update(public_hashes(text, name))
    tree = _prefer_specific(without_public_ids(tree, public))
    for name, text in stack_texts.items():
        tree = with_fixes(tree, name, text)
    return tree


def _scan_past(root: Path, skip: str | None, result: ScanResult, public: dict[str, set[str]],
               say: Callable[[str], None], texts: dict[tuple[str, str], bytes]) -> list[Finding]:
    """Every file version a commit reachable from any ref added (see gitrepo.history_blobs)."""
    history = gitrepo.history_blobs(root)
    result.commits_scanned, result.refs_scanned, result.shallow = history.commits, history.refs, history.shallow
    blobs = [b for b in history.blobs if b.path != skip]
    say(f"scanning {len(blobs)} file versions from {result.commits_scanned} commits")
    contents, result.blobs_too_big = gitrepo.read_blobs(root, [b.blob for b in blobs])
    versions = [Blob(b.path, contents[b.blob], b.commit) for b in blobs if b.blob in contents]
    texts.update(((v.commit or "", v.path), v.content) for v in versions)
    result.blobs_scanned = len(versions)
    added = new_lines(versions)
    refused = []
    for version in added:
        why = yamlguard.refusal(version.path, version.text) if version.text else None
        if why:
            refused.append(version)
            result.yaml_as_lines.append({"path": version.path, "commit": version.commit, "reason": why})
    found = scan_history([v for v in added if v not in refused], HISTORY)
    for version in refused:
        found.extend(_in_memory(version.path, version.lines, HISTORY, version.commit))
    for version in added:
        found.extend(named.scan_lines(version.path, version.lines, HISTORY, version.commit))
        found.extend(encoded.scan_lines(version.path, version.lines, HISTORY, version.commit))
    unparsed = {(v.commit, v.path) for v in refused}
    stack_versions = [(b, b.content.decode("utf-8", "replace")) for b in versions
                      if is_stack_file(b.path) and (b.commit, b.path) not in unparsed]
    for blob, text in stack_versions:
        found.extend(scan_stack_text(blob.path, text, HISTORY, blob.commit))
        public.setdefault(blob.path, set()).update(public_hashes(text))
    for blob in versions:
        if is_adopt_file(blob.path):
            text = blob.content.decode("utf-8", "replace")
            public.setdefault(blob.path, set()).update(public_hashes(text, blob.path))
    found = without_public_ids(found, public)
    for blob, text in stack_versions:
        found = with_fixes(found, blob.path, text, blob.commit)
    # history order (oldest first): the first finding of a secret names the commit that added it
    order = {(v.commit, v.path): i for i, v in enumerate(versions)}
    found.sort(key=lambda f: (order.get((f.commit or "", f.path), 0), f.line))
    return _prefer_specific(found)


def _merge(tree: list[Finding], past: list[Finding], baseline: Baseline) -> list[Finding]:
    """The earliest commit that added each secret; a secret still in the tree is reported once, as a tree
    finding that names the commit that added it."""
    first_commit: dict[tuple[str, str, str], Finding] = {}
    for f in past:
        first_commit.setdefault(f.identity, f)
    in_tree = {f.identity for f in tree}
    findings = [
        dataclasses.replace(f, commit=first_commit[f.identity].commit if f.identity in first_commit else None)
        for f in tree
    ]
    findings.extend(f for identity, f in first_commit.items() if identity not in in_tree)
    findings = [dataclasses.replace(f, baselined=baseline.accepts(f)) for f in findings]
    findings.sort(key=lambda f: (f.source != TREE, f.path, f.line, f.type))
    return findings


def scan(
    root: Path,
    baseline: Baseline,
    history: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ScanResult:
    """Scan `root` (a directory; a git work tree when `history`). Raises ScanUsageError, BaselineError."""
    root = root.resolve()
    if not root.is_dir():
        raise ScanUsageError(f"{root} is not a directory")
    in_git = gitrepo.toplevel(root) is not None
    if history and not in_git:
        raise ScanUsageError(
            f"{root} is not a git repository, so there is no history to scan (use --no-history for the files only)"
        )
    say = progress or (lambda _msg: None)
    result = ScanResult(root=root, baseline=baseline.path, history=history)
    skip = _relative(baseline.path, root)
    files = [f for f in gitrepo.worktree_files(root, in_git) if f != skip]
    result.files_scanned = len(files)
    public: dict[str, set[str]] = {}
    with settings(baseline.settings) as in_force:
        _load_plugins(baseline)
        result.settings = in_force
        say(f"scanning {len(files)} files")
        tree = _scan_tree(root, files, public, result)
        texts: dict[tuple[str, str], bytes] = {}
        past = _scan_past(root, skip, result, public, say, texts) if history else []
    result.findings = _with_refs(root, _merge(tree, past, baseline), texts)
    return result


def _added_line(f: Finding, texts: dict[tuple[str, str], bytes]) -> bytes | None:
    lines = texts.get((f.commit or "", f.path), b"").splitlines()
    return lines[f.line - 1] if 0 < f.line <= len(lines) and lines[f.line - 1].strip() else None


def _with_refs(root: Path, findings: list[Finding], texts: dict[tuple[str, str], bytes]) -> list[Finding]:
    """Each history finding with the refs whose tip still holds the line that added it."""
    wanted = {(f.path, line): f for f in findings if f.source == HISTORY
              if (line := _added_line(f, texts)) is not None}
    if not wanted:
        return findings
    holding = refs_holding(root, set(wanted))
    out = []
    for f in findings:
        line = _added_line(f, texts) if f.source == HISTORY else None
        refs = holding.get((f.path, line), []) if line is not None else []
        out.append(dataclasses.replace(f, refs=tuple(refs)) if refs else f)
    return out
