"""policies/pack_aws_secretsmanager.py: every aws-secretsmanager-* rule (recovery window, customer-managed key,
resource policies with a wildcard principal) against its pass_*/fail_* fixtures, over gRPC."""

from __future__ import annotations

import json
from typing import Any

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import PROD, SECRET, UNKNOWN, A, Case, Cases, M, found, res

CASES = Cases()
case = CASES.add

WINDOW = "aws-secretsmanager-secret-configure-recovery-window"
CMK = "aws-secretsmanager-secret-configure-customer-managed-key"
PUBLIC = "aws-secretsmanager-secretpolicy-disallow-public-principal"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"  # pragma: allowlist secret
KEY = "arn:aws:kms:eu-west-1:123456789012:key/k"


def secret(name: str, **inputs: Any) -> dict[str, Any]:
    return res(SECRET, name, {"name": name, "recoveryWindowInDays": 30, "kmsKeyId": KEY, **inputs})


case(WINDOW, "fail_secret_force_delete_prod", [secret("s", recoveryWindowInDays=0)], {(WINDOW, M, "s")}, tags=PROD)
case(WINDOW, "pass_secret_force_delete_staging", [secret("s", recoveryWindowInDays=0)],
     tags={"environment": "staging"})
case(WINDOW, "pass_secret_window_prod", [secret("s", recoveryWindowInDays=7)], tags=PROD)
case(CMK, "pass_secret_cmk", [secret("s")])
case(CMK, "pass_secret_key_created_in_this_update", [secret("s", kmsKeyId=UNKNOWN)])
case(CMK, "fail_secret_default_key", [res(SECRET, "s", {"name": "s", "recoveryWindowInDays": 30})], {(CMK, A, "s")})
case(CMK, "fail_secret_aws_managed_alias", [secret("s", kmsKeyId="alias/aws/secretsmanager")], {(CMK, A, "s")})


def statement(principal: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "secretsmanager:GetSecretValue", "Resource": "*",
            **extra}


def secret_policy(name: str, *statements: dict[str, Any], as_json: bool = True) -> dict[str, Any]:
    doc = {"Version": "2012-10-17", "Statement": list(statements)}
    arn = "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf"  # pragma: allowlist secret
    return res(SECRET_POLICY, name, {"secretArn": arn,
                                     "policy": json.dumps(doc) if as_json else doc})


ROLE = {"AWS": "arn:aws:iam::123456789012:role/app"}
case(PUBLIC, "pass_policy_names_a_role", [secret_policy("p", statement(ROLE))])
case(PUBLIC, "fail_policy_star_principal", [secret_policy("p", statement("*"))], {(PUBLIC, M, "p")})
case(PUBLIC, "fail_policy_aws_star_in_a_list_object", [secret_policy("p", statement({"AWS": [
    "arn:aws:iam::123456789012:role/app", "*"]}), as_json=False)], {(PUBLIC, M, "p")})
case(PUBLIC, "fail_policy_not_principal", [secret_policy("p", {"Effect": "Allow", "NotPrincipal": ROLE,
                                                                "Action": "*", "Resource": "*"})], {(PUBLIC, M, "p")})
case(PUBLIC, "pass_policy_star_pinned_to_the_org", [secret_policy("p", statement("*", Condition={
    "StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))])
case(PUBLIC, "pass_policy_deny_star", [secret_policy("p", {"Effect": "Deny", "Principal": "*",
                                                            "Action": "secretsmanager:*", "Resource": "*"})])
case(PUBLIC, "fail_secret_inline_policy_star", [secret("s", policy=json.dumps({"Statement": statement("*")}))],
     {(PUBLIC, M, "s")})
case(PUBLIC, "fail_policy_not_json", [secret_policy("p", statement("*")) | {"inputs": {"policy": "{nope"}}],
     {(PUBLIC, M, "p")})


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
