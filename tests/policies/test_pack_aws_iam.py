"""policies/pack_aws_iam.py: every aws-iam-* rule (full admin, secretsmanager:* on every secret) against its
pass_*/fail_* fixtures, for each way a policy reaches AWS (Policy, RolePolicy, UserPolicy, GroupPolicy,
a role's inline policies, managed-policy attachments; JSON strings or objects), over gRPC."""

from __future__ import annotations

import json
from typing import Any

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import Case, Cases, M, found, res

CASES = Cases()
case = CASES.add

ADMIN = "aws-iam-policy-disallow-full-admin"
SECRETS = "aws-iam-policy-disallow-secretsmanager-wildcard"  # pragma: allowlist secret


def doc(*statements: dict[str, Any], single: bool = False) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements[0] if single else list(statements)}


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


SCOPED = allow(["secretsmanager:GetSecretValue"], "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-*")
case(ADMIN, "pass_policy_least_privilege", [res("aws:iam/policy:Policy", "p", {"policy": json.dumps(doc(SCOPED))})])
case(ADMIN, "fail_policy_star_star_json", [res("aws:iam/policy:Policy", "p", {"policy": json.dumps(doc(
    allow("*")))})], {(ADMIN, M, "p")})
case(ADMIN, "fail_role_policy_star_star_object", [res("aws:iam/rolePolicy:RolePolicy", "rp", {
    "role": "app", "policy": doc(allow(["*"], ["*"]), single=True)})], {(ADMIN, M, "rp")})
case(ADMIN, "fail_user_policy_star_star", [res("aws:iam/userPolicy:UserPolicy", "up", {
    "user": "ci", "policy": json.dumps(doc(SCOPED, allow("*")))})], {(ADMIN, M, "up")})
case(ADMIN, "fail_group_policy_not_action", [res("aws:iam/groupPolicy:GroupPolicy", "gp", {
    "group": "devs", "policy": json.dumps(doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))})],
    {(ADMIN, M, "gp")})
case(ADMIN, "fail_role_inline_policy_star_star", [res("aws:iam/role:Role", "r", {
    "assumeRolePolicy": json.dumps(doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                        "Action": "sts:AssumeRole"})),
    "inlinePolicies": [{"name": "all", "policy": json.dumps(doc(allow("*")))}]})], {(ADMIN, M, "r")})
case(ADMIN, "fail_attach_administrator_access", [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", {
    "role": "app", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})], {(ADMIN, M, "att")})
case(ADMIN, "pass_deny_star_star", [res("aws:iam/policy:Policy", "p", {"policy": json.dumps(doc(
    {"Effect": "Deny", "Action": "*", "Resource": "*"}))})])
case(ADMIN, "fail_policy_unreadable", [res("aws:iam/policy:Policy", "p", {"policy": "{not json"})],
     {(ADMIN, M, "p"), (SECRETS, M, "p")})

case(SECRETS, "pass_secrets_scoped_to_app", [res("aws:iam/rolePolicy:RolePolicy", "rp", {
    "role": "app", "policy": json.dumps(doc(allow("secretsmanager:*", SCOPED["Resource"])))})])
case(SECRETS, "fail_secretsmanager_star_on_star", [res("aws:iam/rolePolicy:RolePolicy", "rp", {
    "role": "app", "policy": json.dumps(doc(allow("secretsmanager:*")))})], {(SECRETS, M, "rp")})
case(SECRETS, "fail_secretsmanager_get_star_on_all_secrets_arn", [res("aws:iam/policy:Policy", "p", {
    "policy": doc(allow(["SecretsManager:Get*"], "arn:aws:secretsmanager:*:123456789012:secret:*"))})],
    {(SECRETS, M, "p")})
case(SECRETS, "fail_attach_secrets_manager_read_write", [res("aws:iam/role:Role", "r", {
    "assumeRolePolicy": "{}", "managedPolicyArns": ["arn:aws:iam::aws:policy/SecretsManagerReadWrite"]})],
    {(SECRETS, M, "r")})
case(SECRETS, "pass_explicit_get_secret_value", [res("aws:iam/policy:Policy", "p", {
    "policy": json.dumps(doc(allow("secretsmanager:GetSecretValue",
                                   "arn:aws:secretsmanager:eu-west-1:1:secret:x-*")))})])

# reading every secret is the exposure, whether the action is named or a wildcard covers it
case(SECRETS, "fail_get_secret_value_on_star_json", [res("aws:iam/policy:Policy", "reader", {
    "policy": json.dumps(doc(allow("secretsmanager:GetSecretValue")))})], {(SECRETS, M, "reader")})
case(SECRETS, "fail_get_secret_value_lower_case_object", [res("aws:iam/rolePolicy:RolePolicy", "rp", {
    "role": "app", "policy": {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "secretsmanager:getsecretvalue", "Resource": ["*"]}}})], {(SECRETS, M, "rp")})
case(SECRETS, "fail_get_star_on_star_user_policy", [res("aws:iam/userPolicy:UserPolicy", "ci", {
    "user": "ci", "policy": json.dumps(doc(allow(["secretsmanager:DescribeSecret", "secretsmanager:Get*"])))})],
    {(SECRETS, M, "ci")})
case(SECRETS, "fail_star_secret_star_group_policy", [res("aws:iam/groupPolicy:GroupPolicy", "devs", {
    "group": "devs", "policy": json.dumps(doc(allow("secretsmanager:*Secret*")))})], {(SECRETS, M, "devs")})
case(SECRETS, "fail_role_inline_get_secret_value_on_star", [res("aws:iam/role:Role", "worker", {
    "assumeRolePolicy": json.dumps(doc({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                        "Action": "sts:AssumeRole"})),
    "inlinePolicies": [{"name": "read-secrets", "policy": doc(
        {"Sid": "Read", "Effect": "Allow", "Action": ["SecretsManager:GetSecretValue"], "Resource": "*"})}]})],
    {(SECRETS, M, "worker")})
case(SECRETS, "pass_list_secrets_on_star", [res("aws:iam/policy:Policy", "lister", {
    "policy": json.dumps(doc(allow(["secretsmanager:ListSecrets", "secretsmanager:DescribeSecret"])))})])
case(SECRETS, "pass_deny_get_secret_value_on_star", [res("aws:iam/policy:Policy", "deny", {
    "policy": json.dumps(doc({"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))})])


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
