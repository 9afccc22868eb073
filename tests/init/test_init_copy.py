"""`launchready init --root NEWDIR`: the new directory is a whole project that scans, plans and hands over."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from launchready import PROJECT_ROOT
from launchready.cli import main
from launchready.init import copyproject

EXAMPLE_COMPANY = "fanloom"
FLAGS = ("--domain", "acme-notes.dev", "--staging-domain", "acme-notes-staging.dev", "--host", "@=web.example.net",
         "--host", "app=acme-app.fly.dev", "--internal", "admin=acme-admin.fly.dev",
         "--alert-email", "ops@acme-notes.dev")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.email=dev@acme-notes.dev", "-c", "user.name=dev",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("acme-notes") / "acme-notes"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["init", "--root", str(root), *FLAGS, "--json"]) == 0
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "launchready init")
    return root, json.loads(out.getvalue())


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"(?ms)^```.*?^```", "", path.read_text(encoding="utf-8"))
    return {_slug(m.group(1)) for m in re.finditer(r"(?m)^#{1,6}\s+(.+?)\s*#*\s*$", text)}


def dead_links(document: Path, text: str, base: Path) -> list[str]:
    """Relative links of a Markdown text whose file (relative to base) or anchor does not exist."""
    dead = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue
        name, _, anchor = target.partition("#")
        linked = (base / name).resolve() if name else document
        if not linked.is_file():
            dead.append(f"{document.name}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            dead.append(f"{document.name}: {target} (no such heading)")
    return dead


def test_the_new_project_passes_launchready_scan(
    project: tuple[Path, dict], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = project
    capsys.readouterr()
    code = main(["scan", "--path", str(root), "--json"])
    result = json.loads(capsys.readouterr().out)
    source = json.loads((PROJECT_ROOT / ".secrets.baseline").read_text())["results"]
    reviewed = {(name, e["type"], e["hashed_secret"]) for name, items in source.items() for e in items}
    unreviewed = [f"{f['path']}:{f['line']} {f['type']}"
                  + ("" if (f["path"], f["type"], f["hashed_secret"]) in reviewed else
                     " (not reviewed in this checkout's .secrets.baseline either: review it there)")
                  for f in result["findings"]]
    assert code == 0, unreviewed
    # the reviewed false positives of the copied files still match: the baseline accepted some
    baseline = json.loads((root / ".secrets.baseline").read_text())
    assert "components/waf.py" in baseline["results"]
    assert all((root / name).is_file() for name in baseline["results"])
    assert not any(name.startswith("tests/") for name in baseline["results"])


def test_both_stacks_plan(project: tuple[Path, dict]) -> None:
    root, _ = project
    for stack in ("staging", "prod"):
        assert main(["plan", "--stack", stack, "--root", str(root)]) == 0


def test_the_handover_and_every_copied_doc_have_no_dead_links(
    project: tuple[Path, dict], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = project
    capsys.readouterr()
    assert main(["handover", "--stack", "staging", "--root", str(root)]) == 0
    handover = capsys.readouterr().out
    assert "docs/runbook.md#" in handover
    (root / "HANDOVER.md").write_text(handover, encoding="utf-8")
    dead = dead_links(root / "HANDOVER.md", handover, root)
    for doc in sorted(root.rglob("*.md")):
        if ".git" not in doc.parts:
            dead += dead_links(doc, doc.read_text(encoding="utf-8"), doc.parent)
    assert dead == []


def test_nothing_copied_names_the_example_company(project: tuple[Path, dict]) -> None:
    root, _ = project
    found = subprocess.run(["grep", "-ril", "--exclude-dir=.git", EXAMPLE_COMPANY, str(root)],
                           capture_output=True, text=True, check=False)
    assert found.stdout == ""
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "made-up" not in readme and "acme-notes" in readme


def test_the_whole_project_is_there_and_the_example_parts_are_not(project: tuple[Path, dict]) -> None:
    root, doc = project
    for rel in ("pyproject.toml", "scripts/setup.sh", ".github/workflows/preview.yml", ".ci/run",
                "docs/runbook.md", "docs/config.md", "launchready/cli.py", "policies/PulumiPolicy.yaml",
                "schema/stack-config.schema.json", ".gitignore"):
        assert (root / rel).is_file(), rel
    assert (root / "scripts/setup.sh").stat().st_mode & 0o111
    assert not (root / "benchmarks").exists() and not (root / "docs/TEAM.md").exists()
    assert [p.relative_to(root).as_posix() for p in (root / "tests").rglob("*.py")] == [copyproject.STARTER_TEST]
    left_out = {item["path"] for item in doc["leftOut"]}
    assert {"tests/", "benchmarks/", "Pulumi.prod.yaml"} <= left_out
    assert "pyproject.toml" in doc["programCopied"] and doc["copiedFiles"] > 100


def test_existing_files_in_the_target_are_kept_and_a_project_gets_no_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# acme notes\n", encoding="utf-8")
    assert main(["init", "--root", str(tmp_path), "--domain", "acme.io", "--host", "@=203.0.113.5", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (tmp_path / "README.md").read_text() == "# acme notes\n"
    assert "README.md" in doc["kept"]
    clone = tmp_path / "clone"
    (clone / "components").mkdir(parents=True)
    (clone / "__main__.py").write_text("import components\n", encoding="utf-8")
    assert main(["init", "--root", str(clone), "--domain", "acme.io", "--host", "@=203.0.113.5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["programCopied"] == []
    assert sorted(p.name for p in clone.iterdir()) == ["Pulumi.prod.yaml", "Pulumi.staging.yaml", "Pulumi.yaml",
                                                       "__main__.py", "components"]


def test_without_git_the_fixed_list_copies_what_git_tracks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracked = set(copyproject.plan_copy(PROJECT_ROOT, tmp_path, "acme").files)
    monkeypatch.setattr(copyproject, "_git_files", lambda src: None)
    walked = set(copyproject.plan_copy(PROJECT_ROOT, tmp_path, "acme").files)
    assert tracked <= walked
    assert not any("__pycache__" in name or name.startswith("tests/test_init") for name in walked)
