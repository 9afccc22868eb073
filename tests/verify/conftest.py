"""Fixtures for the verifier's tests: the site of tests/fixtures/site.py (DNS, knot, HTTP/HTTPS on loopback),
and a run with no AWS credentials anywhere boto3 looks."""

from pathlib import Path

import pytest

from tests.fixtures.site import _fresh_checkdmarc, dead_dns, dns_server, knot, resolver, web, web_session

__all__ = ["_fresh_checkdmarc", "dead_dns", "dns_server", "knot", "no_aws_credentials", "resolver", "web",
           "web_session"]


@pytest.fixture
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS credentials in the environment, the config files or the instance metadata service."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
