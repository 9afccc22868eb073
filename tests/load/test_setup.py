"""From scenario and stack to a run: credentials from the environment or AWS Secrets Manager (moto in server
mode), flags within the caps, thresholds from the stack's route classes."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from launchready.load.scenario import Scenario, parse_scenario
from launchready.load.setup import Overrides, SetupError, credential_values, effective_profile, flow_plans, warnings
from launchready.stackfile import load_stack_config

REGION = "eu-west-1"


def scenario(credentials: dict[str, object]) -> Scenario:
    return parse_scenario({"credentials": credentials, "flows": [{"name": "f", "routeClass": "core", "steps": [
        {"name": "s", "path": "/", "form": {f"k{i}": f"${{{n}}}" for i, n in enumerate(credentials)}}]}]})


def test_a_credential_comes_from_a_json_secret_in_secrets_manager(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws)
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="fanloom-staging/loadtest-user", SecretString=json.dumps({"email": "lt@fanloom.io", "password": "pw-1"}))
    sc = scenario({"password": {"secret": "fanloom-staging/loadtest-user", "field": "password"},
                   "email": {"env": "LOADTEST_EMAIL"}})
    values = credential_values(sc, REGION, {"LOADTEST_EMAIL": "lt@fanloom.io"})
    assert values == {"password": "pw-1", "email": "lt@fanloom.io"}
    missing = scenario({"password": {"secret": "nope"}})
    not_found = r"credentials.password: cannot read secret nope \(ResourceNotFoundException\)"
    with pytest.raises(SetupError, match=not_found):
        credential_values(missing, REGION, {})
    wrong_field = scenario({"password": {"secret": "fanloom-staging/loadtest-user", "field": "pass"}})
    with pytest.raises(SetupError, match="is not a JSON object with the key 'pass'") as info:
        credential_values(wrong_field, REGION, {})
    assert "pw-1" not in str(info.value)


def test_every_missing_environment_variable_is_named_at_once() -> None:
    sc = scenario({"email": {"env": "LT_EMAIL"}, "password": {"env": "LT_PASSWORD"}})
    with pytest.raises(SetupError) as info:
        credential_values(sc, REGION, {})
    assert "LT_EMAIL is not set" in str(info.value) and "LT_PASSWORD is not set" in str(info.value)


def test_flags_override_the_scenario_within_the_caps_and_thresholds_come_from_the_stack(repo_root: Path) -> None:
    sc = parse_scenario({"load": {"rate": 5, "holdSeconds": 60}, "flows": [
        {"name": "a", "routeClass": "reports", "host": "api", "steps": [{"name": "s", "path": "/"}]},
        {"name": "b", "routeClass": "core", "thresholds": {"p95Ms": 250}, "steps": [{"name": "s", "path": "/"}]}]})
    profile = effective_profile(sc, Overrides(rate=10, hold_seconds=5))
    assert (profile.rate, profile.hold_seconds, profile.ramp_seconds) == (10, 5, 10)
    with pytest.raises(SetupError, match="--rate: Input should be less than or equal to 200"):
        effective_profile(sc, Overrides(rate=201))
    staging = flow_plans(sc, load_stack_config("staging", repo_root), None)  # no routeClasses: the defaults
    assert [p.threshold_p95_ms for p in staging] == [2000, 250]
    core_only = parse_scenario({"flows": [{"name": "c", "routeClass": "core", "steps": [{"name": "s", "path": "/"}]}]})
    assert flow_plans(core_only, load_stack_config("staging", repo_root), None)[0].threshold_p95_ms == 500
    plans = flow_plans(sc, load_stack_config("prod", repo_root), None)
    assert [(p.origin, p.threshold_p95_ms, p.threshold_error_rate_percent) for p in plans] == [
        ("https://api.fanloom.io", 2000, 2), ("https://fanloom.io", 250, 2)]


def test_a_flow_to_an_internal_host_is_warned_about_before_the_run(repo_root: Path) -> None:
    sc = parse_scenario({"host": "admin", "flows": [{"name": "a", "routeClass": "core",
                                                     "steps": [{"name": "s", "path": "/"}]}]})
    cfg = load_stack_config("staging", repo_root)
    (note,) = warnings(sc, cfg, None)
    assert note.startswith("admin.fanloom-staging.net is internal (behind Cloudflare Access)")
    assert warnings(sc, cfg, "http://127.0.0.1:8080") == []
