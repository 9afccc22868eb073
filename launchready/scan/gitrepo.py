"""What the scan reads through git: the working tree's files, and every file version that any commit
reachable from any ref added: local and remote-tracking branches, tags, notes, every stash entry (not only
the latest), and HEAD (also when detached, and that of every linked worktree). Commits reachable only from
other reflogs, and unreachable objects, are not read; in a shallow clone the commits before its boundary
are not there to read."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: history blobs larger than this are not read (generated files, archives); their count is reported
MAX_BLOB_BYTES = 2 * 1024 * 1024
#: directories never walked when the directory is not a git repository
SKIP_DIRS = frozenset(
    {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
     ".hypothesis", ".tox"}
)
_NULL_SHA = "0" * 40
_COMMIT_MARK = "\x01"


class GitError(Exception):
    """git failed or the directory is not a repository; the message says which."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root, input=stdin, capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (it is needed to list files and read the history)") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else 'exit ' + str(result.returncode)}")
    return result.stdout


def git_output(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """git's standard output, run in `root`; GitError says what failed."""
    return _git(root, *args, stdin=stdin)


def toplevel(directory: Path) -> Path | None:
    """The root of the git work tree holding `directory`, or None when it is not in one."""
    try:
        out = _git(directory, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode("utf-8").strip())


def has_commits(root: Path) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return False
    return True


def worktree_files(root: Path, in_git: bool) -> list[str]:
    """Paths (relative to `root`, POSIX) of the files to scan now: tracked and untracked-not-ignored ones.

    Outside git every regular file is listed except those under SKIP_DIRS. Symlinks are never followed.
    """
    if in_git:
        out = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        names = sorted({n for n in out.decode("utf-8", "surrogateescape").split("\0") if n})
    else:
        names = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel = Path(dirpath).relative_to(root)
            names.extend((rel / f).as_posix() for f in sorted(filenames))
    return [n for n in names if (root / n).is_file() and not (root / n).is_symlink()]


@dataclass(frozen=True)
class HistoryBlob:
    """A file version that a commit added: the commit, its path (relative to root) and the blob id."""

    commit: str
    path: str
    blob: str


def _tips(root: Path) -> list[str]:
    """Every ref's commit, HEAD's, and each stash entry's (`git stash list` reads them from the stash reflog)."""
    out = _git(root, "for-each-ref", "--format=%(objectname) %(objecttype) %(*objecttype)")
    tips: set[str] = set()
    for line in out.decode().splitlines():
        sha, kind, peeled = [*line.split(), "", ""][:3]
        if kind == "commit" or peeled == "commit":  # a tag object's commit is reached through the tag
            tips.add(sha)
    if has_commits(root):
        tips.add(_git(root, "rev-parse", "HEAD").decode().strip())
    for line in _git(root, "worktree", "list", "--porcelain").decode().splitlines():
        if line.startswith("HEAD ") and line[5:].strip() != _NULL_SHA:  # each linked worktree's HEAD too
            tips.add(line[5:].strip())
    with_stash = _git(root, "for-each-ref", "--format=%(refname)", "refs/stash").decode().strip()
    if with_stash:
        tips.update(_git(root, "log", "-g", "--format=%H", "refs/stash").decode().split())
    return sorted(tips)


def _added_blobs(root: Path, tips: list[str]) -> Iterator[HistoryBlob]:
    """Every (commit, path, blob) that a commit reachable from `tips` added or changed, oldest first.

    Merges are diffed against each parent (`-m`), so a blob only a conflict resolution introduced is seen
    too, and so is what a stash entry saved (its index and untracked-files commits are its parents).
    `--relative` keeps the paths relative to `root` (and the history to it) when root is a sub-directory.
    """
    out = _git(
        root, "log", "-z", "--reverse", "-m", "--raw", "--no-abbrev", "--no-renames", "--relative",
        f"--format={_COMMIT_MARK}%H", "--stdin", stdin="\n".join(tips).encode() + b"\n",
    )
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    commit = ""
    header: str | None = None
    for raw in tokens:
        token = raw.lstrip("\n")
        if header is not None:
            fields = header[1:].split()
            # :srcmode dstmode srcsha dstsha status
            if len(fields) >= 5:
                dst_mode, dst_sha, status = fields[1], fields[3], fields[4]
                if status[0] in "AMTC" and dst_sha != _NULL_SHA and dst_mode.startswith("100"):
                    yield HistoryBlob(commit, raw, dst_sha)
            header = None
        elif token.startswith(_COMMIT_MARK):
            commit = token[1:].strip()
        elif token.startswith(":"):
            header = token


@dataclass(frozen=True)
class History:
    """What the history scan reads: the commits, the refs they were reached from, each (path, blob) once."""

    commits: int
    refs: int
    shallow: bool
    blobs: list[HistoryBlob]


def history_blobs(root: Path) -> History:
    """The commits reachable from any ref (see the module), and the first appearance of each (path, blob)."""
    tips = _tips(root)
    shallow = _git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    if not tips:
        return History(0, 0, shallow, [])
    refs = len(_git(root, "for-each-ref", "--format=%(refname)").decode().split())
    commits = len(_git(root, "rev-list", "--stdin", stdin="\n".join(tips).encode() + b"\n").split())
    seen: set[tuple[str, str]] = set()
    blobs: list[HistoryBlob] = []
    for item in _added_blobs(root, tips):
        if (item.path, item.blob) not in seen:
            seen.add((item.path, item.blob))
            blobs.append(item)
    return History(commits, refs, shallow, blobs)


def read_blobs(root: Path, blob_ids: list[str]) -> tuple[dict[str, bytes], int]:
    """Contents of the given blobs (each read once); blobs over MAX_BLOB_BYTES are left out and counted."""
    unique = list(dict.fromkeys(blob_ids))
    if not unique:
        return {}, 0
    check = _git(root, "cat-file", "--batch-check", stdin="\n".join(unique).encode() + b"\n")
    wanted: list[str] = []
    too_big = 0
    for line in check.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            if int(parts[2]) <= MAX_BLOB_BYTES:
                wanted.append(parts[0])
            else:
                too_big += 1
    if not wanted:
        return {}, too_big
    out = _git(root, "cat-file", "--batch", stdin="\n".join(wanted).encode() + b"\n")
    contents: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        sha, _kind, size_text = out[pos:end].decode().split()
        size = int(size_text)
        contents[sha] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1  # the content is followed by a newline
    return contents, too_big
