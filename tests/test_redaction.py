"""Errors about a stack file show values only of known, non-secret fields, and never a secret-shaped one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.config import ConfigError, Problem
from launchready.redaction import is_known_field, is_secret_shaped, redact_problems
from launchready.stackfile import load_stack_config

SLACK = "https://hooks.slack.com/services/T0CANARY1/B0CANARY2/CANARYslackTOKENabcdef123"  # pragma: allowlist secret
STRIPE = "sk_live_CANARY0123456789abcdefgh"  # pragma: allowlist secret


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    shutil.copy(repo_root / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(repo_root / "Pulumi.prod.yaml", tmp_path / "Pulumi.prod.yaml")
    return tmp_path


def _append(project: Path, lines: str) -> str:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text() + lines)
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    return info.value.render()


@pytest.mark.parametrize(
    ("lines", "canary", "key"),
    [
        (f"  launchready:stripeKey: {STRIPE}\n", STRIPE, "launchready:stripeKey"),
        ("  launchready:databaseURL: postgres://app:CANARYpw1@db.internal/app\n",  # pragma: allowlist secret
         "CANARYpw1", "databaseURL"),
        ("  launchready:stripe: {key: CANARYnested77}\n", "CANARYnested77", "launchready:stripe"),
        ("  launchready:notes: CANARYplain55\n", "CANARYplain55", "launchready:notes"),
        ("  aws:secretKey: CANARYaws0001\n", "CANARYaws0001", "aws:secretKey"),
    ],
)
def test_values_of_unknown_keys_are_named_by_key_only(project: Path, lines: str, canary: str, key: str) -> None:
    text = _append(project, lines)
    assert key in text
    assert canary not in text


def test_a_nested_unknown_key_hides_its_value(project: Path) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace(
        "        configKey: databaseUrl\n", "        configKey: databaseUrl\n        dbPass: CANARYdbpass9\n"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    text = info.value.render()
    assert "launchready:secrets.items[0].dbPass" in text
    assert "CANARYdbpass9" not in text


def test_a_secret_shaped_value_is_hidden_even_under_a_known_field(project: Path) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("owner: growth", f"owner: {STRIPE}", 1).replace(
        "  launchready:tls:\n    minVersion: \"1.2\"", f"  launchready:tls:\n    minVersion: {STRIPE}"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    text = info.value.render()
    assert "launchready:tls.minVersion" in text
    assert STRIPE not in text


def test_a_known_plain_field_still_shows_its_value(project: Path) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("plan: business", "plan: platinum"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    [problem] = info.value.problems
    assert problem.path == "launchready:zone.plan"
    assert problem.value == '"platinum"'


def test_secret_values_are_scrubbed_from_messages_too() -> None:
    values = {"launchready:monitoring": {"alertWebhooks": [{"name": "x", "url": SLACK}]}}
    [p] = redact_problems([Problem("launchready:monitoring.alertWebhooks[0].url", f"bad {SLACK}", f"not {SLACK}",
                                   f'"{SLACK}"')], values)
    assert SLACK not in p.message + p.fix and p.value is None


@pytest.mark.parametrize(
    "value",
    [
        STRIPE,
        SLACK,
        "https://discord.com/api/webhooks/123456789012345678/CANARYdiscordTOKEN_abcdefghijkl",
        "https://alerts.example.com/hook?token=abc123",
        "postgres://app:hunter2@db/app",  # pragma: allowlist secret
        "AKIAIOSFODNN7EXAMPLE",  # pragma: allowlist secret
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",  # pragma: allowlist secret
        "-----BEGIN RSA PRIVATE KEY-----",  # pragma: allowlist secret
        "sk_live_CANARY1",  # shorter than detect-secrets' Stripe pattern  # pragma: allowlist secret
        "xoxb-CANARY-123",  # pragma: allowlist secret
    ],
)
def test_secret_shapes_are_recognised(value: str) -> None:
    assert is_secret_shaped(value)


@pytest.mark.parametrize(
    "value", ["fanloom-app.fly.dev", "eu-west-1", "https://app.fanloom.io/signup", "/journal/${1}", "oncall@x.io"]
)
def test_ordinary_values_are_not_secret_shaped(value: str) -> None:
    assert not is_secret_shaped(value)


def test_known_fields_follow_the_schema() -> None:
    assert is_known_field("launchready:hostnames.www.origin")
    assert is_known_field("launchready:secrets.items[2].name")
    assert is_known_field("aws:region")
    assert not is_known_field("launchready:Environment")
    assert not is_known_field("launchready:secrets.items[0].dbPass")
    assert not is_known_field("launchready:zone")  # a mapping, never shown whole
    assert not is_known_field("launchready:stripe.key")


DB_URL = "postgres://app:CANARYpw2@db.internal/app"  # pragma: allowlist secret


@pytest.mark.parametrize("secret", [STRIPE, SLACK, DB_URL])
def test_a_credential_in_a_free_text_field_is_refused_not_planned(project: Path, secret: str) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("purpose: creator dashboard (logged-in web app)", f"purpose: {secret}"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    [p] = [p for p in info.value.problems if p.path == "launchready:hostnames.app.purpose"
           and ("credential" in p.message or "secret" in p.message)]
    assert "pulumi config set --secret" in p.fix
    assert secret not in info.value.render() and "CANARYpw2" not in info.value.render()


def test_an_ordinary_page_url_with_a_long_slug_is_not_a_credential() -> None:
    assert not is_secret_shaped("https://fanloom.io/2024-annual-report-v2")
    assert is_secret_shaped("https://alerts.example.com/webhook/a1b2c3d4e5f6g7h8i9j0")


@pytest.mark.parametrize(
    ("value", "shaped"),
    [("DB_PASSWORD=hunter2QAxx9Zq7", True), ("api_key: abc12345", True),  # pragma: allowlist secret
     ("rotate the secret: docs/runbook.md#rotate-a-secret", False), ("password reset page", False)],
)
def test_a_password_assigned_inside_a_value_is_a_credential(value: str, shaped: bool) -> None:
    assert is_secret_shaped(value) is shaped


@pytest.mark.parametrize(
    "value",
    ["x redis://:CANARYpw3@cache:6379 y", "SG.CANARY123456.abcdefghijk",  # pragma: allowlist secret
     "see https://outlook.office.com/webhook/CANARY123456 (ops)"],
)
def test_a_credential_inside_a_sentence_is_found(value: str) -> None:
    assert is_secret_shaped(value)
