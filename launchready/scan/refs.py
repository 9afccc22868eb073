"""Which refs still hold a secret the checked-out tree does not: a finding the history scan made is then
not "only in the history" but on a branch or tag someone can check out. A ref holds it when the file at the
ref's tip still has the line that added the secret."""

from __future__ import annotations

from pathlib import Path

from launchready.scan import gitrepo

#: (ref, path) look-ups at most: in a repository with very many refs, the rest are not named
MAX_LOOKUPS = 20000
_PREFIXES = (("refs/heads/", "branch"), ("refs/remotes/", "remote branch"), ("refs/tags/", "tag"))


def describe(ref: str) -> str:
    """`refs/heads/feature` -> `branch feature`; `refs/tags/v1` -> `tag v1`; others by their full name."""
    for prefix, kind in _PREFIXES:
        if ref.startswith(prefix):
            return f"{kind} {ref[len(prefix):]}"
    return ref


def _refs(root: Path) -> list[str]:
    out = gitrepo.git_output(root, "for-each-ref", "--format=%(refname) %(objecttype) %(*objecttype)")
    refs = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        name, kind, peeled = [*line.split(), "", ""][:3]
        if name != "refs/stash" and not name.endswith("/HEAD") and "commit" in (kind, peeled):
            refs.append(name)
    return refs


def refs_holding(root: Path, wanted: set[tuple[str, bytes]]) -> dict[tuple[str, bytes], list[str]]:
    """(path relative to root, the line that added a secret) -> the refs whose tip's file still has that line."""
    paths = sorted({path for path, _ in wanted})
    refs = _refs(root)
    if not paths or not refs:
        return {}
    pairs = [(ref, path) for ref in refs for path in paths][:MAX_LOOKUPS]
    specs = [f"{ref}:./{path}" for ref, path in pairs]
    check = gitrepo.git_output(root, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                               stdin="\n".join(specs).encode("utf-8", "surrogateescape") + b"\n")
    blob_of: dict[tuple[str, str], str] = {}
    for (ref, path), answer in zip(pairs, check.decode().splitlines(), strict=False):
        parts = answer.split()
        if len(parts) == 2 and parts[1] == "blob":
            blob_of[(ref, path)] = parts[0]
    contents, _ = gitrepo.read_blobs(root, list(blob_of.values()))
    lines = {sha: set(text.splitlines()) for sha, text in contents.items()}
    found: dict[tuple[str, bytes], list[str]] = {}
    for path, line in wanted:
        found[(path, line)] = [ref for ref in refs if line in lines.get(blob_of.get((ref, path), ""), ())]
    return found
