"""adopt's AWS side against moto in server mode: the SES identity, its configuration set, SNS topics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from launchready.cli import main


def client(service: str, region: str, url: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url)


def run_adopt(root: Path, api: str, aws_url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["adopt", "--stack", "prod", "--root", str(root), "--api-base", api, "--aws-endpoint-url", aws_url,
                 "--json"])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out)


def test_existing_ses_identity_and_topics_are_imported(
    project: Path, api: str, aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # What the team made by hand before: the identity and a configuration set in eu-west-1, and alert
    # topics in both regions (the names are those the stack's program uses).
    client("sesv2", "eu-west-1", aws).create_email_identity(EmailIdentity="acme.io")
    client("sesv2", "eu-west-1", aws).create_configuration_set(ConfigurationSetName="acme-shop-prod")
    arns = {region: client("sns", region, aws).create_topic(Name="acme-shop-prod-alerts")["TopicArn"]
            for region in ("eu-west-1", "us-east-1")}
    client("sns", "eu-west-1", aws).create_topic(Name="unrelated-topic")
    doc = run_adopt(project, api, aws, capsys)
    imports = json.loads((project / "import-prod.json").read_text())["resources"]
    ids = {(e["type"], e["name"]): e["id"] for e in imports}
    assert ids[("aws:sesv2/emailIdentity:EmailIdentity", "ses-identity")] == "acme.io"
    assert ids[("aws:sesv2/configurationSet:ConfigurationSet", "ses-configuration-set")] == "acme-shop-prod"
    assert ids[("aws:sns/topic:Topic", "alerts-eu-west-1")] == arns["eu-west-1"]
    assert ids[("aws:sns/topic:Topic", "alerts-us-east-1")] == arns["us-east-1"]
    assert not any("unrelated" in str(v) for v in ids.values())
    identity = next(r for r in doc["resources"] if r["name"] == "ses-identity")
    assert identity["protect"] is True and doc["awsChecked"] is True


def test_nothing_in_aws_means_nothing_imported_from_aws(
    project: Path, api: str, aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = run_adopt(project, api, aws, capsys)
    assert not [e for e in doc["importFile"]["resources"] if e["type"].startswith("aws:")]


def test_an_unreachable_aws_endpoint_is_a_clear_error(
    project: Path, api: str, aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["adopt", "--stack", "prod", "--root", str(project), "--api-base", api,
                 "--aws-endpoint-url", "http://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "AWS:" in err and "--aws-endpoint-url" in err and "Traceback" not in err


def test_without_aws_credentials_the_cloudflare_side_is_still_adopted(
    project: Path, api: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = main(["adopt", "--stack", "prod", "--root", str(project), "--api-base", api, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1  # the Cloudflare conflict, not an AWS error
    assert doc["awsChecked"] is False
    assert any(w.startswith("AWS was not checked: no credentials") for w in doc["warnings"])
    assert (project / "import-prod.json").is_file()
