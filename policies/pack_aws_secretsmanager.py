"""Rules for AWS Secrets Manager: secrets that can be recovered, encrypted with a customer-managed key, and
resource policies that grant no one outside the account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pack_aws_iam import judge_document
from pack_common import (
    ADVISORY,
    MANDATORY,
    SECRET,
    SECRET_POLICY,
    UNKNOWN,
    Ctx,
    Finding,
    get,
    items,
    label,
    number,
    peek,
    resource_rule,
)
from pulumi_policy import Severity

AWS_MANAGED_KEYS = {"alias/aws/secretsmanager", ""}
#: Condition keys that pin a wildcard principal to the organisation, an account, a source or a network.
LIMITING_KEYS = {"aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount",
                 "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:principalorgpaths", "aws:sourceip",
                 "aws:userid"}


def _recovery_window(ctx: Ctx) -> Iterator[Finding]:
    if not ctx.is_prod:
        return
    window = get(ctx.props, "recoveryWindowInDays")
    if window is not None and number(window) == 0:
        yield Finding(f"secret {label(ctx.props, ctx.name)} would be deleted at once, with no "
                      "recovery window, in prod")


def _customer_key(ctx: Ctx) -> Iterator[Finding]:
    key = peek(ctx.props, "kmsKeyId", default="")
    if key is UNKNOWN:
        return  # a key created in this update: customer-managed
    if str(key) in AWS_MANAGED_KEYS or str(key).endswith(":alias/aws/secretsmanager"):
        yield Finding(f"secret {label(ctx.props, ctx.name)} uses the AWS managed key: its use cannot "
                      "be limited by a key policy or audited separately")


def _wildcard_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    for key in ("AWS", "Service", "Federated", "CanonicalUser"):
        value = peek(principal, key) if principal is not None and not isinstance(principal, str) else None
        values = [value] if isinstance(value, str) else [v for v in items(principal, key) if isinstance(v, str)]
        if any(v.strip() == "*" for v in values):
            return True
    return False


def _limited(statement: Any) -> bool:
    condition = peek(statement, "Condition", default={})
    if not hasattr(condition, "items"):
        return False
    keys = {str(k).lower() for operator in condition.values() if hasattr(operator, "keys") for k in operator}
    return bool(keys & LIMITING_KEYS)


def _public_grant(statement: Any) -> str | None:
    if peek(statement, "NotPrincipal") is not None:
        return "allows everyone but the NotPrincipal list"
    if _wildcard_principal(peek(statement, "Principal")) and not _limited(statement):
        return ('grants a wildcard principal ("*") with no condition limiting it to the organisation or an '
                "account: anyone with an AWS account can ask")
    return None


def _public_policy(ctx: Ctx) -> Iterator[Finding]:
    value = peek(ctx.props, "policy")
    if value is None or value is UNKNOWN or value == "":
        return
    yield from judge_document("the resource policy", label(ctx.props, ctx.name), value, _public_grant)


SECRETSMANAGER_RULES = [
    resource_rule(
        name="aws-secretsmanager-secret-configure-recovery-window",
        description="In prod, a secret must keep a recovery window (7-30 days) so a deletion can be undone.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(SECRET,), check=_recovery_window,
        remediation="Remove secrets.recoveryWindowDays from the prod stack file (30 days by default).",
    ),
    resource_rule(
        name="aws-secretsmanager-secret-configure-customer-managed-key",
        description="Secrets should be encrypted with a customer-managed KMS key, whose key policy limits and "
                    "audits who can decrypt them.",
        severity=Severity.LOW, level=ADVISORY, types=(SECRET,), check=_customer_key,
        remediation="Set kms_key_id to the stack's KMS key (components/secrets.py does).",
    ),
    resource_rule(
        name="aws-secretsmanager-secretpolicy-disallow-public-principal",
        description="A secret's resource policy must not grant a wildcard principal (or NotPrincipal) without a "
                    "condition pinning it to the organisation or an account: the secret would be readable from "
                    "outside.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(SECRET_POLICY, SECRET), check=_public_policy,
        applies=lambda ctx: get(ctx.props, "policy") is not None,
        remediation="Name the principals (role ARNs of this account), or add a Condition on aws:PrincipalOrgID or "
                    "aws:PrincipalAccount.",
    ),
]
