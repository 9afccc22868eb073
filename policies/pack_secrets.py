"""Rules for secrets in AWS Secrets Manager."""

from __future__ import annotations

from collections.abc import Iterator

from pack_common import ADVISORY, MANDATORY, SECRET, UNKNOWN, Ctx, Finding, get, label, peek, resource_rule
from pulumi_policy import Severity

AWS_MANAGED_KEYS = {"alias/aws/secretsmanager", ""}


def _recovery_window(ctx: Ctx) -> Iterator[Finding]:
    if not ctx.is_prod:
        return
    window = get(ctx.props, "recoveryWindowInDays")
    if window is not None and float(window) == 0:
        yield Finding(f"secret {label(ctx.props, ctx.name)} would be deleted at once, with no "
                      "recovery window, in prod")


def _customer_key(ctx: Ctx) -> Iterator[Finding]:
    key = peek(ctx.props, "kmsKeyId", default="")
    if key is UNKNOWN:
        return  # a key created in this update: customer-managed
    if str(key) in AWS_MANAGED_KEYS or str(key).endswith(":alias/aws/secretsmanager"):
        yield Finding(f"secret {label(ctx.props, ctx.name)} uses the AWS managed key: its use cannot "
                      "be limited by a key policy or audited separately")


SECRET_RULES = [
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
]
