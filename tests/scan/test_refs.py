"""The history scan reads every ref: branches, tags (also on commits no branch has), remote-tracking
branches, every stash entry, a detached HEAD; and it says how many refs it read and whether the clone is
shallow. Planted values are generated here."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from tests.scan.gitrepos import commit, git, new_repo, scan, write

_RNG = random.Random(99)


def token() -> str:
    return "".join(_RNG.choice(string.ascii_letters + string.digits + "_-") for _ in range(40))


def cloudflare_hits(run_json: dict[str, object]) -> dict[str, str | None]:
    findings = run_json["findings"]
    assert isinstance(findings, list)
    return {f["path"]: f["commit"] for f in findings if f["type"] == "Cloudflare API Token"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = new_repo(tmp_path / "repo")
    commit(repo, "start")
    return repo


def test_a_secret_only_on_another_branch_is_found(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "feature")
    write(repo, "feature.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    added = commit(repo, "feature work")
    git(repo, "switch", "-q", "main")
    assert cloudflare_hits(scan("--path", str(repo), "--json").json()) == {"feature.env": added}


def test_a_tag_on_a_commit_no_branch_holds_is_read(repo: Path) -> None:
    git(repo, "switch", "-q", "--orphan", "release-build")
    write(repo, "build.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    added = commit(repo, "build")
    git(repo, "tag", "-a", "-m", "v1", "v1.0.0")
    git(repo, "switch", "-q", "main")
    git(repo, "branch", "-q", "-D", "release-build")
    run = scan("--path", str(repo), "--json").json()
    assert cloudflare_hits(run) == {"build.env": added}
    assert run["refs_scanned"] == 2  # refs/heads/main, refs/tags/v1.0.0


def test_every_stash_entry_is_read_not_only_the_latest(repo: Path) -> None:
    write(repo, "app.py", f"CLOUDFLARE_API_TOKEN = '{token()}'\n")
    git(repo, "stash", "push", "-q", "-m", "older")
    write(repo, "README.md", "# demo\n\nedited\n")
    git(repo, "stash", "push", "-q", "-m", "newer")
    write(repo, "untracked.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    git(repo, "stash", "push", "-q", "--include-untracked", "-m", "newest")
    assert len(git(repo, "stash", "list").splitlines()) == 3
    hits = cloudflare_hits(scan("--path", str(repo), "--json").json())
    assert set(hits) == {"app.py", "untracked.env"}


def test_a_detached_head_commit_is_read(repo: Path) -> None:
    git(repo, "switch", "-q", "--detach")
    write(repo, "detached.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    added = commit(repo, "experiment")
    assert cloudflare_hits(scan("--path", str(repo), "--json").json()) == {"detached.env": added}


def test_remote_tracking_branches_are_read_and_a_shallow_clone_says_so(repo: Path, tmp_path: Path) -> None:
    git(repo, "switch", "-q", "-c", "topic")
    write(repo, "topic.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    commit(repo, "topic")
    git(repo, "switch", "-q", "main")
    write(repo, "more.txt", "more\n")
    commit(repo, "more")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", "--depth", "1", "--no-single-branch", str(repo), str(clone))
    run = scan("--path", str(clone), "--json")
    assert "topic.env" in cloudflare_hits(run.json())  # only on origin/topic
    assert run.json()["shallow"] is True
    text = scan("--path", str(clone))
    assert "a shallow clone: older commits are not here to read" in text.out
    assert "reachable from" in text.out and " refs and HEAD" in text.out


def test_a_linked_worktrees_detached_head_is_read(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    git(repo, "worktree", "add", "-q", "--detach", str(other))
    write(other, "wt.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    added = commit(other, "work in the other worktree")
    assert cloudflare_hits(scan("--path", str(repo), "--json").json()) == {"wt.env": added}


def test_a_secret_at_the_tip_of_a_branch_not_checked_out_names_the_branch(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "feature")
    write(repo, "feature.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    commit(repo, "feature work")
    write(repo, "gone.env", f"CLOUDFLARE_API_TOKEN={token()}\n")
    commit(repo, "a token")
    (repo / "gone.env").unlink()
    commit(repo, "removed again: only the history holds it")
    git(repo, "tag", "v1")
    git(repo, "switch", "-q", "main")
    run = scan("--path", str(repo))
    assert run.code == 1
    lines = run.out.splitlines()

    def said_of(path: str) -> str:
        at = next(i for i, line in enumerate(lines) if f"{path}:1" in line and "Cloudflare API Token" in line)
        return lines[at + 1]

    assert "on branch feature, tag v1, not in the checked-out tree" in said_of("feature.env")
    assert "only in the history" not in said_of("feature.env")
    assert "only in the history now" in said_of("gone.env") and "branch" not in said_of("gone.env")
    refs = {f["path"]: f["refs"] for f in scan("--path", str(repo), "--json").json()["findings"]
            if f["type"] == "Cloudflare API Token"}
    assert refs == {"feature.env": ["refs/heads/feature", "refs/tags/v1"], "gone.env": []}
