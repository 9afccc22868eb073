"""The secrets component under Pulumi's mocks: names, tags, the key, the read policy, values kept secret.

Two levels: the component alone (raw inputs, so a test sees the value that reaches the secret version),
and the whole program as `launchready plan` runs it (masked inputs, outputs, rendered text and logs) with
planted secret values that must show up nowhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import logging
from typing import Any

import pulumi
import pytest

from components.config import ConfigError, parse_config
from components.secrets import AppSecrets
from launchready import PROJECT_ROOT
from launchready.plan.document import Plan
from launchready.plan.mocks import ACCOUNT_ID
from launchready.plan.render import render_text
from launchready.plan.runner import _SECRET_SIG, run_program
from launchready.stackfile import SECRET_PLACEHOLDER, read_stack_file
from tests.components.conftest import REGION, Recorder, stack_config

PLANTED = {
    "launchready:databaseUrl": "postgres://app:PLANTED-db-7f3e9c1a@db.internal:5432/app",
    "launchready:stripeApiKey": "rk_live_PLANTED-stripe-2b8d4e6f",
    "launchready:slackWebhookUrl": "https://hooks.slack.com/services/PLANTED-slack-9a1c5e3b",
}


@pytest.fixture
def recorder(recorder: Recorder) -> Recorder:
    """The harness's mocks, with the planted secret values set as the stack's config."""
    for key, value in PLANTED.items():
        pulumi.runtime.set_config(key, value)
    return recorder


def build(stack_values, stack: str, mutate=None) -> AppSecrets:
    return AppSecrets("secrets", stack_config(stack_values, stack, mutate), "launchready", stack)


def after_all(secrets: AppSecrets, check) -> pulumi.Output[Any]:
    """Run `check` with the resolved exports once every resource of the component is registered."""
    children: list[pulumi.CustomResource] = [secrets.key_alias, *secrets.versions.values(), *secrets.policies.values()]
    if secrets.read_policy is not None:
        children.append(secrets.read_policy)
    return pulumi.Output.all(secrets.exports(), *[c.id for c in children]).apply(lambda a: check(a[0]))


def unwrap(value: Any) -> tuple[Any, bool]:
    """A wire value and whether it was marked secret."""
    if isinstance(value, dict) and _SECRET_SIG in value:
        return value["value"], True
    return value, False


@pytest.mark.parametrize(("stack", "window"), [("prod", 30), ("staging", 7)])
@pulumi.runtime.test
def test_each_secret_is_named_tagged_and_encrypted_with_the_stack_key(recorder, stack_values, stack, window):
    secrets = build(stack_values, stack)

    def check(_: Any) -> None:
        created = recorder.of_type("secretsmanager/secret:Secret")
        key_arn = recorder.state["secrets-key"]["arn"]
        assert set(created) == {"secret-database-url", "secret-stripe-api-key", "secret-session-signing-key"}
        db = created["secret-database-url"]
        assert db["name"] == f"launchready/{stack}/database-url"
        assert db["description"] == "Postgres connection string of the app (read-write user)"
        assert db["tags"]["owner"] == "platform" and db["tags"]["rotation-days"] == "90"
        stripe = created["secret-stripe-api-key"]
        assert stripe["tags"]["owner"] == "payments" and stripe["tags"]["rotation-days"] == "180"
        assert stripe["tags"]["runbook"]  # a default runbook when the stack names none
        for inputs in created.values():
            assert inputs["kmsKeyId"] == key_arn
            assert inputs["recoveryWindowInDays"] == window
            assert {"owner", "rotation-days", "runbook"} <= set(inputs["tags"])
            assert "secretString" not in inputs and "policy" not in inputs

    return after_all(secrets, check)


@pulumi.runtime.test
def test_a_runbook_from_config_lands_in_the_tags(recorder, stack_values):
    def own_runbook(values: dict[str, Any]) -> None:
        values["launchready:secrets"]["items"][0]["runbook"] = "https://wiki.example.com/rotate-db"

    secrets = build(stack_values, "prod", own_runbook)

    def check(_: Any) -> None:
        runbook = recorder.inputs["secret-database-url"]["tags"]["runbook"]
        assert runbook == "https://wiki.example.com/rotate-db"

    return after_all(secrets, check)


@pytest.mark.parametrize(("stack", "deletion_window"), [("prod", 30), ("staging", 7)])
@pulumi.runtime.test
def test_the_key_rotates_and_only_the_account_administers_it(recorder, stack_values, stack, deletion_window):
    secrets = build(stack_values, stack)

    def check(_: Any) -> None:
        key = recorder.inputs["secrets-key"]
        assert key["enableKeyRotation"] is True
        assert key["deletionWindowInDays"] == deletion_window
        policy = json.loads(key["policy"])
        principals = [s["Principal"] for s in policy["Statement"]]
        assert principals == [{"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}]
        alias = recorder.inputs["secrets-key-alias"]
        assert alias["name"] == f"alias/launchready-{stack}-secrets"
        assert alias["targetKeyId"] == recorder.state["secrets-key"]["keyId"]

    return after_all(secrets, check)


@pulumi.runtime.test
def test_the_read_policy_names_exactly_these_secrets_and_decrypts_only_via_secrets_manager(recorder, stack_values):
    secrets = build(stack_values, "prod")

    def check(_: Any) -> None:
        arns = {recorder.state[n]["arn"] for n in recorder.of_type("secretsmanager/secret:Secret")}
        assert len(arns) == 3
        role_policies = recorder.of_type("iam/rolePolicy:RolePolicy")
        assert list(role_policies) == ["app-read-secrets"]
        attached = role_policies["app-read-secrets"]
        assert attached["role"] == "fanloom-app-prod"
        statements = {s["Sid"]: s for s in json.loads(attached["policy"])["Statement"]}
        assert set(statements) == {"ReadAppSecrets", "DecryptThroughSecretsManagerOnly"}
        read = statements["ReadAppSecrets"]
        assert read["Effect"] == "Allow"
        assert sorted(read["Action"]) == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
        assert set(read["Resource"]) == arns and len(read["Resource"]) == 3
        decrypt = statements["DecryptThroughSecretsManagerOnly"]
        assert decrypt["Action"] == "kms:Decrypt"
        assert decrypt["Resource"] == recorder.state["secrets-key"]["arn"]
        assert decrypt["Condition"] == {
            "StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}
        }
        assert "*" not in json.dumps([read["Resource"], decrypt["Resource"]])

    return after_all(secrets, check)


@pulumi.runtime.test
def test_no_read_policy_without_secrets(recorder, stack_values):
    def no_items(values: dict[str, Any]) -> None:
        values["launchready:secrets"]["items"] = []
        del values["launchready:databaseUrl"], values["launchready:stripeApiKey"]

    values, secret = stack_values("staging")
    no_items(values)
    secrets = AppSecrets("secrets", parse_config(values, secret - {
        "launchready:databaseUrl", "launchready:stripeApiKey"}), "launchready", "staging")

    def check(exports: dict[str, Any]) -> None:
        assert exports["secrets"] == []
        assert recorder.of_type("iam/rolePolicy:RolePolicy") == {}  # no policy with an empty Resource list

    return after_all(secrets, check)


@pulumi.runtime.test
def test_every_secret_blocks_public_policies_and_denies_other_accounts(recorder, stack_values):
    secrets = build(stack_values, "prod")

    def check(_: Any) -> None:
        policies = recorder.of_type("secretsmanager/secretPolicy:SecretPolicy")
        assert len(policies) == 3
        for name, inputs in policies.items():
            secret_arn = recorder.state[name.removesuffix("-policy")]["arn"]
            assert inputs["secretArn"] == secret_arn
            assert inputs["blockPublicPolicy"] is True
            (statement,) = json.loads(inputs["policy"])["Statement"]
            assert statement["Effect"] == "Deny" and statement["Resource"] == secret_arn
            assert statement["Condition"] == {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT_ID}}

    return after_all(secrets, check)


@pulumi.runtime.test
def test_values_are_write_only_secret_and_reach_only_their_own_version(recorder, stack_values):
    secrets = build(stack_values, "prod")

    def check(_: Any) -> None:
        versions = recorder.of_type("secretsmanager/secretVersion:SecretVersion")
        assert set(versions) == {f"secret-{n}-value" for n in ("database-url", "stripe-api-key",
                                                                 "session-signing-key")}
        for name, inputs in versions.items():
            assert "secretString" not in inputs and "secretBinary" not in inputs
            assert inputs["secretStringWoVersion"] == 1
            assert inputs["secretId"] == recorder.ids[name.removesuffix("-value")]
        db, db_secret = unwrap(versions["secret-database-url-value"]["secretStringWo"])
        stripe, stripe_secret = unwrap(versions["secret-stripe-api-key-value"]["secretStringWo"])
        generated, generated_secret = unwrap(versions["secret-session-signing-key-value"]["secretStringWo"])
        assert (db, stripe) == (PLANTED["launchready:databaseUrl"], PLANTED["launchready:stripeApiKey"])
        assert db_secret and stripe_secret and generated_secret
        assert len(generated) == 64 and generated not in PLANTED.values()  # random, of the configured length
        others = {n: i for n, i in recorder.inputs.items() if n not in versions}
        text = json.dumps(others)
        for value in (db, stripe, generated):
            assert value not in text

    return after_all(secrets, check)


@pulumi.runtime.test
def test_bumping_one_value_version_rewrites_only_that_secret(recorder, stack_values):
    def bump(values: dict[str, Any]) -> None:
        values["launchready:secrets"]["items"][1]["valueVersion"] = 3  # stripe-api-key

    secrets = build(stack_values, "prod", bump)

    def check(exports: dict[str, Any]) -> None:
        versions = recorder.of_type("secretsmanager/secretVersion:SecretVersion")
        assert {n: i["secretStringWoVersion"] for n, i in versions.items()} == {
            "secret-database-url-value": 1, "secret-stripe-api-key-value": 3, "secret-session-signing-key-value": 1}
        assert [row["valueVersion"] for row in exports["secrets"]] == [1, 3, 1]

    return after_all(secrets, check)


def test_value_version_must_be_positive(stack_values) -> None:
    values, secret = stack_values("prod")
    values["launchready:secrets"]["items"][0]["valueVersion"] = 0
    with pytest.raises(ConfigError) as err:
        parse_config(values, secret)
    assert "launchready:secrets.items[0].valueVersion" in str(err.value)


@pulumi.runtime.test
def test_the_inventory_lists_names_arns_owners_and_rotation_but_no_value(recorder, stack_values):
    secrets = build(stack_values, "prod")

    def check(exports: dict[str, Any]) -> None:
        rows = {row["name"]: row for row in exports["secrets"]}
        assert set(rows) == {"launchready/prod/database-url", "launchready/prod/stripe-api-key",
                             "launchready/prod/session-signing-key"}
        db = rows["launchready/prod/database-url"]
        assert db["arn"] == recorder.state["secret-database-url"]["arn"]
        assert (db["owner"], db["rotationDays"], db["source"]) == ("platform", 90, "config")
        assert rows["launchready/prod/session-signing-key"]["source"] == "generated"
        assert exports["secretsKeyArn"] == recorder.state["secrets-key"]["arn"]
        text = json.dumps(exports)
        assert not any(v in text for v in PLANTED.values())

    return after_all(secrets, check)


# ---- the whole program, as `launchready plan` runs it ----


@pytest.fixture(scope="module")
def planted_plan() -> tuple[Plan, str]:
    """The prod plan with planted values for every secret config key, and everything logged or printed."""
    stack_file = read_stack_file("prod", PROJECT_ROOT)
    assert set(PLANTED) == set(stack_file.secret_keys)  # every secret key of the stack gets a planted value
    planted = dataclasses.replace(stack_file, values={**stack_file.values, **PLANTED})
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Capture(level=logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            run = run_program(planted, PROJECT_ROOT)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    config = parse_config(planted.values, planted.secret_keys)
    return Plan(planted, config, run, []), "\n".join([*records, printed.getvalue()])


def test_the_plan_masks_each_value_in_its_secret_version(planted_plan) -> None:
    plan, _ = planted_plan
    versions = [r for r in plan.run.resources if r.type == "aws:secretsmanager/secretVersion:SecretVersion"]
    assert len(versions) == 3
    assert all(r.inputs["secretStringWo"] == SECRET_PLACEHOLDER for r in versions)
    webhooks = [r for r in plan.run.resources if r.name.endswith("-webhook-slack-incidents")]
    assert webhooks and all(r.inputs["endpoint"] == SECRET_PLACEHOLDER for r in webhooks)


def test_a_planted_value_appears_in_no_input_output_rendering_or_log(planted_plan) -> None:
    plan, logs = planted_plan
    document = json.dumps(plan.to_json())
    text = render_text(plan)
    assert "launchready/prod/database-url" in document  # the haystack is the real plan
    for value in PLANTED.values():
        marker = value[value.index("PLANTED"):]
        for where, haystack in (("plan JSON", document), ("plan text", text), ("logs or printed output", logs)):
            assert marker not in haystack, f"a planted secret value leaked into the {where}"
