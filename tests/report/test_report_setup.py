"""`report` with a broken AWS setup: a named profile that does not exist, an unparsable AWS config file,
a malformed aws:region. Each is exit 2 with a message naming the variable or key and the fix; no traceback,
no report, and nothing is sent to AWS (no endpoint is reachable here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from launchready import cli
from launchready.common.aws import AwsSetupError, aws_session, check_region


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An AWS config with one profile, `ops`, and no endpoint that answers."""
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "aws-config"
    config.write_text("[profile ops]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        shutil.copy(repo_root / name, root / name)
    return root


def set_region(project: Path, line: str) -> None:
    path = project / "Pulumi.prod.yaml"
    lines = [ln for ln in path.read_text().splitlines() if not ln.strip().startswith("aws:region:")]
    at = lines.index("config:") + 1
    lines[at:at] = [line] if line else []
    path.write_text("\n".join(lines) + "\n")


def report(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["report", "--stack", "prod", "--date", "2026-03-14", "--root", str(project), "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_missing_profile_names_the_variable_the_profiles_and_the_fix(
        no_aws: Path, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prodops")
    code, out, err = report(project, capsys)
    assert code == 2 and out == ""
    assert "AWS_PROFILE=prodops names a profile that is not in ~/.aws/config" in err
    assert "profiles there: ops" in err and "unset AWS_PROFILE" in err
    assert "Traceback" not in err


def test_a_missing_default_profile_names_aws_default_profile(
        no_aws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "gone")
    with pytest.raises(AwsSetupError, match="AWS_DEFAULT_PROFILE=gone"):
        aws_session()


def test_an_unparsable_aws_config_is_a_usage_error(no_aws: Path, project: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    no_aws.write_text("[profile ops\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_PROFILE", "ops")
    code, out, err = report(project, capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "error: the AWS config file" in err and "cannot be parsed" in err


@pytest.mark.parametrize("line", ["  aws:region: us east 1", "  aws:region: EU-WEST-1",
                                  "  aws:region: https://eu-west-1.amazonaws.com", "  aws:region: 5",
                                  "  aws:region: [eu-west-1]", ""])
def test_a_malformed_or_missing_region_is_refused_before_any_client(no_aws: Path, project: Path, line: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    set_region(project, line)
    code, out, err = report(project, capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "aws:region" in err and "pulumi config set aws:region eu-west-1" in err


@pytest.mark.parametrize(("value", "expected"), [
    ("us east 1", "aws:region 'us east 1' is not an AWS region name"),
    ("EU-WEST-1", "write it in lower case without spaces: eu-west-1"),
    ("https://eu-west-1.amazonaws.com", "is not an AWS region name"),
    (5, "aws:region must be a region name such as eu-west-1, not a int"),
    (["eu-west-1"], "not a list"),
    (None, "sets no aws:region"),
])
def test_check_region_names_the_key_the_value_and_the_fix(value: object, expected: str) -> None:
    with pytest.raises(AwsSetupError) as err:
        check_region(value, stack_file="Pulumi.prod.yaml", stack="prod")
    assert expected in str(err.value) and "pulumi config set aws:region eu-west-1 --stack prod" in str(err.value)


@pytest.mark.parametrize("region", ["us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5", "us-isob-east-1",
                                    "eusc-de-east-1", "il-central-1"])
def test_every_region_shape_aws_uses_is_accepted(region: str) -> None:
    assert check_region(region) == region


@pytest.mark.parametrize("timeout", ["nan", "inf", "0", "-1", "301", "soon"])
def test_a_bad_timeout_is_a_usage_error(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--stack", "prod", "--timeout", timeout]) == 2
    assert "--timeout" in capsys.readouterr().err
