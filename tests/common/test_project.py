"""Which project root and stack file a command uses: found as the Pulumi CLI finds them, said every time."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from launchready import cli
from launchready.common.arguments import add_stack_arguments
from launchready.common.project import ProjectError, find_project_root, project_root, resolve_stack


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    shutil.copy(repo_root / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copy(repo_root / "Pulumi.prod.yaml", root / "Pulumi.prod.yaml")
    return root


def test_exit_status_values() -> None:
    assert [(s.name, int(s)) for s in cli.ExitStatus] == [("OK", 0), ("FAILED", 1), ("USAGE", 2)]


def test_root_is_the_nearest_directory_with_pulumi_yaml(project: Path) -> None:
    sub = project / "docs" / "deep"
    sub.mkdir(parents=True)
    assert find_project_root(cwd=project) == (project, "the current directory")
    assert find_project_root(cwd=sub) == (project, "a parent of the current directory")


def test_no_project_is_an_error_that_says_where_to_point_root(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError) as err:
        project_root()
    assert str(tmp_path) in str(err.value) and "--root" in str(err.value)


def test_root_argument_without_pulumi_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"holds no Pulumi\.yaml"):
        find_project_root(tmp_path)
    with pytest.raises(ProjectError, match="no such directory"):
        find_project_root(tmp_path / "missing")


def test_resolve_stack_names_root_and_file(project: Path) -> None:
    target = resolve_stack("prod", project)
    assert target.stack_file == project / "Pulumi.prod.yaml"
    assert target.to_json() == {"root": str(project), "stackFile": str(project / "Pulumi.prod.yaml")}
    assert "(--root)" in target.describe() and "Pulumi.prod.yaml" in target.describe()
    assert resolve_stack("acme/launchready/prod", project).stack == "prod"  # a fully qualified stack name


@pytest.mark.parametrize("stack", ["qa", "", "..", "prod\\x", "../prod", "a/b/c/prod", "pr od", "prod/", "x\0"])
def test_unknown_or_odd_stack_lists_the_known_ones(project: Path, stack: str) -> None:
    with pytest.raises(ProjectError) as err:
        resolve_stack(stack, project)
    assert "--stack" in str(err.value)
    if stack == "qa":
        assert "known stacks: prod" in str(err.value) and str(project) in str(err.value)


def test_add_stack_arguments_into_a_group() -> None:
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group()
    add_stack_arguments(parser, json_group=group)
    group.add_argument("--markdown", action="store_true")
    args = parser.parse_args(["--stack", "prod", "--root", "x", "--json"])
    assert (args.stack, args.root, args.json) == ("prod", Path("x"), True)
    with pytest.raises(SystemExit):
        parser.parse_args(["--stack", "prod", "--json", "--markdown"])
    with pytest.raises(SystemExit):
        parser.parse_args([])  # --stack is required by default


def test_commands_outside_a_project_exit_2_and_name_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for command in ("plan", "report", "handover"):
        assert cli.main([command, "--stack", "prod"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: no Pulumi.yaml in ") and "--root" in err and "Traceback" not in err


def test_handover_says_which_root_and_stack_file(project: Path, repo_root: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "h.md"
    assert cli.main(["handover", "--stack", "staging", "--out", str(out), "--root", str(repo_root)]) == 0
    err = capsys.readouterr().err
    assert f"using project root {repo_root} (--root), stack file Pulumi.staging.yaml" in err


@pytest.mark.slow
def test_plan_json_carries_root_and_stack_file(project: Path, repo_root: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("__main__.py",):
        shutil.copy(repo_root / name, project / name)
    for name in ("components", "policies"):
        (project / name).symlink_to(repo_root / name)
    assert cli.main(["plan", "--stack", "prod", "--json", "--root", str(project), "--no-policies"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["root"] == str(project) and doc["stackFile"] == str(project / "Pulumi.prod.yaml")
    assert doc["stack"] == "prod" and "using project root" not in err


def test_stack_config_dir_of_pulumi_yaml_is_where_stack_files_are(project: Path) -> None:
    (project / "config").mkdir()
    (project / "Pulumi.prod.yaml").rename(project / "config" / "Pulumi.prod.yaml")
    with (project / "Pulumi.yaml").open("a") as f:
        f.write("stackConfigDir: config\n")
    target = resolve_stack("prod", project)
    assert target.stack_file == project / "config" / "Pulumi.prod.yaml"
    with pytest.raises(ProjectError, match=r"known stacks: prod"):
        resolve_stack("staging", project)


@pytest.mark.parametrize("name", ["Pulumi.yml", "Pulumi.json"])
def test_another_project_file_spelling_is_named_not_skipped(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("name: shop\nruntime: python\n")
    with pytest.raises(ProjectError, match=r"rename it to Pulumi\.yaml") as err:
        find_project_root(cwd=tmp_path)
    assert name in str(err.value)
