"""`launchready plan --markdown [--base REF]` (launchready/plan/markdown.py) and the handover's section:
the diagrams in the pull-request summary, the change against a git revision, clear errors for bad ones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from launchready import PROJECT_ROOT
from launchready.cli import main
from tests.diagram.mermaid_grammar import mermaid_blocks, parse

ADMIN = "    admin:\n      origin: fanloom-admin.fly.dev\n"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose history has no stack file (tag empty), a broken one (broken), the example (good);
    the working tree takes admin out of Access. The program itself is the repository's, linked in."""
    root = tmp_path_factory.mktemp("project")
    (root / "__main__.py").symlink_to(PROJECT_ROOT / "__main__.py")
    (root / "components").symlink_to(PROJECT_ROOT / "components")
    (root / "Pulumi.yaml").write_text((PROJECT_ROOT / "Pulumi.yaml").read_text())
    _git(root, "init", "-q")
    _git(root, "add", "Pulumi.yaml")
    _git(root, "commit", "-q", "-m", "project")
    _git(root, "tag", "empty")
    prod = (PROJECT_ROOT / "Pulumi.prod.yaml").read_text()
    assert ADMIN in prod
    broken = prod.replace("launchready:environment: prod", "launchready:environment: nope")
    (root / "Pulumi.prod.yaml").write_text(broken)
    _git(root, "add", "Pulumi.prod.yaml")
    _git(root, "commit", "-q", "-m", "broken")
    _git(root, "tag", "broken")
    (root / "Pulumi.prod.yaml").write_text(prod)
    _git(root, "commit", "-q", "-am", "good")
    _git(root, "tag", "good")
    (root / "Pulumi.prod.yaml").write_text(prod.replace(ADMIN, ADMIN + "      internal: false\n"))
    return root


def _plan(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    rc = main(["plan", "--stack", "prod", "--root", str(repo), "--no-policies", *extra])
    out, err = capsys.readouterr()
    return rc, out, err


def test_markdown_against_a_base_lists_and_marks_the_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _plan(repo, capsys, "--markdown", "--base", "good")
    assert rc == 0
    assert "Compared with the stack file at `good`, planned with this revision's program: 2 change(s)." in out
    assert "- admin.fanloom.io: loses Access (Zero Trust): sign-in required" in out
    blocks = mermaid_blocks(out)
    assert len(blocks) == 3
    web = parse(blocks[0])
    assert any(t.startswith("Access (Zero Trust)\n• removed: ") for t in web.nodes.values())
    for host in ("fanloom.io", "www.fanloom.io", "app.fanloom.io", "api.fanloom.io", "admin.fanloom.io"):
        assert any(f"{host} — " in t for t in web.nodes.values())
    assert out.startswith("## Plan for `launchready/prod`")


def test_a_stack_file_missing_at_the_base_is_all_new(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _plan(repo, capsys, "--markdown", "--base", "empty")
    assert rc == 0
    assert "where this stack file did not exist yet (everything is added)" in out
    assert "admin.fanloom.io: new host (CNAME record, proxied through Cloudflare, 8 Cloudflare steps)" in out


@pytest.mark.parametrize(("extra", "message"), [
    (("--markdown", "--base", "no-such-branch"), "error: --base no-such-branch: no such commit"),
    (("--markdown", "--base=--upload-pack=x"), "not a git revision"),
    (("--markdown", "--base", "broken"), "error: --base broken: the stack file there does not validate"),
    (("--base", "good"), "error: --base needs --markdown"),
    (("--markdown", "--json"), "--markdown and --json exclude each other"),
])
def test_bad_bases_and_combinations_exit_2_with_a_clear_error(repo: Path, capsys: pytest.CaptureFixture[str],
                                                              extra: tuple[str, ...], message: str) -> None:
    rc, out, err = _plan(repo, capsys, *extra)
    assert rc == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_the_handover_has_the_section_first_with_three_diagrams() -> None:
    from launchready.handover.document import build_document
    from launchready.handover.gather import gather

    inp = gather("prod", PROJECT_ROOT)
    text = build_document(inp)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## How traffic reaches the app"
    start = text.index("## How traffic reaches the app")
    body = text[start:text.index("\n## ", start + 1)]
    blocks = mermaid_blocks(body)
    assert len(blocks) == 3
    web = "\n".join(parse(blocks[0]).nodes.values())
    for label in inp.config.hostnames:
        assert f"{inp.config.fqdn(label)} — {inp.config.hostnames[label].purpose}" in web
    assert "aud" not in body and inp.outputs["dnssecDsFields"]["digest"] not in body


def test_a_project_outside_git_has_no_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("__main__.py", "components"):
        (tmp_path / name).symlink_to(PROJECT_ROOT / name)
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        (tmp_path / name).write_text((PROJECT_ROOT / name).read_text())
    rc, out, err = _plan(tmp_path, capsys, "--markdown", "--base", "main")
    assert (rc, out) == (2, "")
    assert f"error: --base main: the project root {tmp_path} is not inside a git repository" in err


def test_plan_json_gains_the_paths_and_keeps_its_keys(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    rc, out, _ = _plan(repo, capsys, "--json")
    doc = json.loads(out)
    assert rc == 0
    assert {"stack", "project", "environment", "resources", "outputs", "violations", "notes", "summary"} <= set(doc)
    hosts = {h["host"]: h for h in doc["paths"]["hosts"]}
    assert list(hosts) == ["fanloom.io", "www.fanloom.io", "app.fanloom.io", "api.fanloom.io", "admin.fanloom.io"]
    admin = hosts["admin.fanloom.io"]  # the working tree took admin out of Access
    assert admin["proxied"] and all(s["phase"] != "access" for s in admin["steps"])
    assert {"key", "phase", "title", "text", "allHosts"} == set(admin["steps"][0])
    assert {n["key"] for n in doc["paths"]["mail"]["nodes"]} >= {"domain", "ses", "dkim", "spf", "dmarc"}


def test_the_base_follows_stack_config_dir(tmp_path: Path) -> None:
    from launchready.diagram.base import base_model

    for name in ("__main__.py", "components"):
        (tmp_path / name).symlink_to(PROJECT_ROOT / name)
    (tmp_path / "Pulumi.yaml").write_text((PROJECT_ROOT / "Pulumi.yaml").read_text() + "stackConfigDir: config\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "Pulumi.prod.yaml").write_text((PROJECT_ROOT / "Pulumi.prod.yaml").read_text())
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "Pulumi.yaml", "config/Pulumi.prod.yaml")
    _git(tmp_path, "commit", "-q", "-m", "config dir")
    base = base_model("HEAD", "prod", tmp_path)
    assert base.existed and [h.host for h in base.model.hosts][-1] == "admin.fanloom.io"
