"""Reading stack files without the Pulumi CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.config import ConfigError
from launchready.stackfile import SECRET_PLACEHOLDER, load_stack_config, read_stack_file


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    shutil.copy(repo_root / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(repo_root / "Pulumi.prod.yaml", tmp_path / "Pulumi.prod.yaml")
    return tmp_path


def test_secure_values_become_placeholders_and_secret_keys(repo_root: Path) -> None:
    sf = read_stack_file("prod", repo_root)
    assert sf.values["launchready:databaseUrl"] == SECRET_PLACEHOLDER
    assert {"launchready:databaseUrl", "launchready:stripeApiKey", "launchready:slackWebhookUrl"} == set(
        sf.secret_keys
    )
    wire = sf.pulumi_config()
    assert all(isinstance(v, str) for v in wire.values())
    assert wire["launchready:zone"].startswith("{")


def test_yaml_syntax_error_names_file_and_line(project: Path) -> None:
    path = project / "Pulumi.prod.yaml"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "launchready:redirects" in line)
    lines.insert(index + 1, "    canonical: [apex")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    [problem] = info.value.problems
    assert problem.path.startswith("Pulumi.prod.yaml:")
    line_no = int(problem.path.split(":")[1])
    assert index + 1 <= line_no <= index + 3
    assert "YAML syntax error" in problem.message


def test_unknown_stack_lists_known_ones(project: Path) -> None:
    with pytest.raises(ConfigError) as info:
        read_stack_file("qa", project)
    assert "known stacks: prod" in info.value.render()


def test_bare_keys_belong_to_the_project_namespace(project: Path) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("  launchready:environment: prod", "  environment: prod"))
    assert load_stack_config("prod", project).environment.value == "prod"
