"""Reading stack files without the Pulumi CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.config import ConfigError
from components.config.rules.stacks import provider_settings, stack_environment
from launchready.stackfile import (
    SECRET_PLACEHOLDER,
    is_placeholder_ciphertext,
    load_stack_config,
    placeholder_fix,
    placeholder_keys,
    placeholder_notes,
    read_stack_file,
)


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


def _edit(project: Path, old: str, new: str, stack: str = "prod") -> None:
    path = project / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _line_of(project: Path, text: str) -> int:
    lines = (project / "Pulumi.prod.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(text))


def test_a_second_environment_key_is_refused_naming_both_lines(project: Path) -> None:
    first = _line_of(project, "  launchready:environment:")
    _edit(project, "  launchready:zone:\n", "  launchready:environment: staging\n  launchready:zone:\n")
    second = _line_of(project, "  launchready:environment: staging")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    [problem] = info.value.problems
    assert problem.path.startswith(f"Pulumi.prod.yaml:{second}:")
    assert f"lines {first} and {second}" in problem.message


@pytest.mark.parametrize("spelling", ["environment", "launchready:config:environment"])
def test_bare_and_old_spellings_are_the_same_key_for_pulumi(project: Path, spelling: str) -> None:
    first = _line_of(project, "  launchready:environment:")
    _edit(project, "  launchready:zone:\n", f"  {spelling}: staging\n  launchready:zone:\n")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    [problem] = info.value.problems
    assert f"same key as launchready:environment (line {first})" in problem.message
    assert problem.path == f"Pulumi.prod.yaml:{_line_of(project, '  ' + spelling + ':')}"


def test_a_hostname_declared_twice_is_refused(project: Path) -> None:
    _edit(project, "    admin:\n", "    app:\n      origin: other.fly.dev\n      purpose: second\n    admin:\n")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    [problem] = info.value.problems
    assert "launchready:hostnames.app: written twice" in problem.message


def test_example_placeholders_are_told_apart_from_ciphertext(project: Path) -> None:
    sf = read_stack_file("prod", project)
    assert placeholder_keys(sf) == ["launchready:databaseUrl", "launchready:slackWebhookUrl",
                                    "launchready:stripeApiKey"]
    assert placeholder_fix("launchready:databaseUrl", "prod") == (
        "placeholder, run: pulumi config set --secret launchready:databaseUrl '<value>' --stack prod"
    )
    assert placeholder_notes(sf)[0] == (
        "launchready:databaseUrl: placeholder, run: pulumi config set --secret launchready:databaseUrl '<value>' "
        "--stack prod"
    )
    real = "v1:2pTbwtg1jkOkJHY/:Y3VzdG9tZXItY2lwaGVydGV4dC0xMjM0NTY3OA=="  # nonce:ciphertext, as Pulumi writes
    _edit(project, "secure: v1:UkVQTEFDRV9NRTpwcm9kLWRhdGFiYXNlLXVybA==", f"secure: {real}")
    assert "launchready:databaseUrl" not in placeholder_keys(read_stack_file("prod", project))
    assert not is_placeholder_ciphertext(real)
    assert is_placeholder_ciphertext("")


def test_a_prod_stack_that_says_staging_is_refused(project: Path) -> None:
    _edit(project, "launchready:environment: prod", "launchready:environment: staging")
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    [problem] = info.value.problems
    assert problem.path == "launchready:environment"
    assert "says environment: staging" in problem.message
    assert "launchready:environment: prod" in problem.fix


def test_stack_names_say_their_environment() -> None:
    assert stack_environment("prod") == "prod"
    assert stack_environment("production-eu") == "prod"
    assert stack_environment("acme/live") == "prod"
    assert stack_environment("staging") == "staging"
    assert stack_environment("dev2") is None  # "dev2" is one word, not "dev"
    assert stack_environment("eu") is None
    assert stack_environment("prod-test") is None


def test_staging_and_prod_sharing_a_zone_id_is_refused(project: Path, repo_root: Path) -> None:
    staging = (repo_root / "Pulumi.staging.yaml").read_text()
    (project / "Pulumi.staging.yaml").write_text(
        staging.replace("zoneId: 5f1c3a0e9b7d42c68e0a1b2c3d4e5f60", "zoneId: 9a8b7c6d5e4f40312a3b4c5d6e7f8091")
    )
    for stack, other in (("prod", "Pulumi.staging.yaml"), ("staging", "Pulumi.prod.yaml")):
        with pytest.raises(ConfigError) as info:
            load_stack_config(stack, project)
        [problem] = info.value.problems
        assert problem.path == "launchready:zone.zoneId"
        assert other in problem.message


def test_a_sibling_that_cannot_be_read_is_not_this_stacks_error(project: Path) -> None:
    (project / "Pulumi.staging.yaml").write_text("config: [unclosed\n")
    assert load_stack_config("prod", project).environment.value == "prod"


def test_a_sibling_with_its_own_zone_is_fine(project: Path, repo_root: Path) -> None:
    shutil.copy(repo_root / "Pulumi.staging.yaml", project / "Pulumi.staging.yaml")
    assert load_stack_config("prod", project).zone.domain == "fanloom.io"
    assert load_stack_config("staging", project).zone.domain == "fanloom-staging.net"


def test_keys_pulumi_refuses_are_refused(project: Path) -> None:
    _edit(project, "  launchready:zone:\n", "  a:b:c: x\n  launchready:zone:\n")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    assert "a:b:c: not a Pulumi config key" in info.value.render()


def test_a_project_name_aws_names_cannot_hold_is_refused(project: Path) -> None:
    path = project / "Pulumi.yaml"
    path.write_text(path.read_text().replace("name: launchready", "name: fanloom.io"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    [problem] = info.value.problems
    assert "fanloom.io" in problem.path and "only letters, digits, _ and -" in problem.message


def test_a_stack_name_too_long_for_the_ses_configuration_set_is_refused(project: Path) -> None:
    name = "prod-" + "x" * 60
    shutil.copy(project / "Pulumi.prod.yaml", project / f"Pulumi.{name}.yaml")
    (project / "Pulumi.prod.yaml").unlink()  # not a sibling sharing the zone
    with pytest.raises(ConfigError) as info:
        load_stack_config(name, project)
    assert any("SES takes at most 64" in p.message for p in info.value.problems)


def test_stack_files_in_the_stack_config_dir_are_read(project: Path, repo_root: Path) -> None:
    (project / "config").mkdir()
    (project / "Pulumi.prod.yaml").rename(project / "config" / "Pulumi.prod.yaml")
    shutil.copy(repo_root / "Pulumi.staging.yaml", project / "config" / "Pulumi.staging.yaml")
    with (project / "Pulumi.yaml").open("a") as handle:
        handle.write("stackConfigDir: config\n")
    assert read_stack_file("prod", project).path == project / "config" / "Pulumi.prod.yaml"
    assert load_stack_config("acme/prod", project).environment.value == "prod"  # org/stack as Pulumi reads it


def test_the_project_namespace_in_another_case_is_refused(project: Path) -> None:
    _edit(project, "  launchready:tls:", "  Launchready:tls:")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    [problem] = info.value.problems
    assert "Launchready:tls: the namespace is written 'Launchready'" in problem.message
    assert problem.fix == "write launchready:tls"


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("  aws:regoin: eu-west-1\n", "aws:regoin", "did you mean aws:region?"),
        ("  cloudflare:apiTokn: abc\n", "cloudflare:apiTokn", "did you mean cloudflare:apiToken?"),
        ("  launchreddy:hostnames: {}\n", "launchreddy:hostnames", "did you mean launchready:hostnames?"),
        ("  someother:key: value\n", "someother:key", "remove it or fix its namespace"),
    ],
)
def test_keys_no_provider_reads_are_refused(project: Path, line: str, key: str, words: str) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text() + line)
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    [problem] = [p for p in info.value.problems if p.path == key]
    assert words in problem.fix


def test_provider_settings_come_from_the_installed_sdks() -> None:
    assert {"region", "profile", "defaultTags"} <= provider_settings("aws")
    assert {"apiToken", "apiKey", "email"} <= provider_settings("cloudflare")


def test_a_stack_without_aws_region_is_refused_unless_the_environment_sets_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    _edit(project, "  aws:region: eu-west-1\n", "")
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    assert [p.path for p in info.value.problems] == ["aws:region"]
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert load_stack_config("prod", project).environment.value == "prod"


def test_a_plaintext_secret_written_as_secure_is_refused(project: Path) -> None:
    pasted = "sk_test_CANARY123456"  # pragma: allowlist secret
    _edit(project, "secure: v1:UkVQTEFDRV9NRTpwcm9kLXN0cmlwZS1rZXk=", f"secure: {pasted}")
    with pytest.raises(ConfigError) as info:
        read_stack_file("prod", project)
    [problem] = info.value.problems
    assert "launchready:stripeApiKey: the secure: value looks like the secret itself" in problem.message
    assert "CANARY" not in info.value.render()
