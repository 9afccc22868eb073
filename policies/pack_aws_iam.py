"""Rules for IAM policies: no full administrator grant, no reading of every secret (GetSecretValue or a
wildcard covering it on `*`).

They read every way a policy document reaches AWS: `aws:iam/policy:Policy`, `RolePolicy`, `UserPolicy`,
`GroupPolicy` (`policy`), a role's `inlinePolicies[].policy`, as a JSON string or an object, and the
managed policies attached by ARN (AdministratorAccess, SecretsManagerReadWrite). `judge_document()` is
shared with the Secrets Manager resource-policy rule.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pack_common import MANDATORY, UNKNOWN, Ctx, Finding, items, label, peek, resource_rule
from pulumi_policy import Severity

POLICY_TYPES = ("aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
                "aws:iam/groupPolicy:GroupPolicy")
ROLE = "aws:iam/role:Role"
ATTACHMENTS = ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",
               "aws:iam/userPolicyAttachment:UserPolicyAttachment",
               "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
               "aws:iam/policyAttachment:PolicyAttachment")
ADMIN_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/AdministratorAccess$")
SECRETS_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/SecretsManagerReadWrite$")
ALL_SECRETS = re.compile(r"^(\*|arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:(secret:)?\*"
                         r"|arn:aws[a-z-]*:secretsmanager:\*)$")


class PolicyError(ValueError):
    pass


def document(value: Any) -> Any:
    """A policy document from a JSON string or an object; PolicyError when it cannot be read."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise PolicyError(f"the policy is not valid JSON ({exc})") from None
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in items(value) if isinstance(v, str)] if value not in (None, UNKNOWN) else []


def statements(value: Any) -> list[Any]:
    """The statements of a policy document (one statement object or a list); [] when it has none."""
    doc = document(value)
    statement = peek(doc, "Statement")
    if statement is None or statement is UNKNOWN:
        return []
    if isinstance(statement, str):
        raise PolicyError("Statement must be an object or a list")
    return [statement] if isinstance(statement, Mapping) else [s for s in items(doc, "Statement") if s is not UNKNOWN]


def allows(statement: Any) -> bool:
    return str(peek(statement, "Effect", default="")).lower() == "allow"


def _covers(patterns: list[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns)


def _documents(ctx: Ctx) -> Iterator[tuple[str, Any]]:
    """(what, document) of every policy document the resource carries."""
    if ctx.resource_type in POLICY_TYPES:
        yield "the policy", peek(ctx.props, "policy")
    elif ctx.resource_type == ROLE:
        for i, inline in enumerate(items(ctx.props, "inlinePolicies")):
            if inline is not UNKNOWN:
                yield f"inline policy {peek(inline, 'name', default=None) or i}", peek(inline, "policy")


def _managed_arns(ctx: Ctx) -> list[str]:
    if ctx.resource_type == ROLE:
        return _strings(peek(ctx.props, "managedPolicyArns"))
    if ctx.resource_type in ATTACHMENTS:
        return _strings(peek(ctx.props, "policyArn"))
    return []


def judge_document(what: str, who: str, value: Any, judge: Callable[[Any], str | None]) -> Iterator[Finding]:
    """`<what> of <who> <reason>` for each Allow statement of the document `judge` gives a reason against; one
    finding saying so when the document cannot be read (it cannot then be shown to be safe)."""
    try:
        found = statements(value)
    except PolicyError as exc:
        yield Finding(f"{what} of {who} cannot be read, so it cannot be shown to be safe: {exc}")
        return
    for statement in found:
        reason = judge(statement) if allows(statement) else None
        if reason:
            yield Finding(f"{what} of {who} {reason}")


def _grants(ctx: Ctx, judge: Callable[[Any], str | None]) -> Iterator[Finding]:
    who = label(ctx.props, ctx.name)
    for what, value in _documents(ctx):
        if value is not None and value is not UNKNOWN:
            yield from judge_document(what, who, value, judge)


def _admin(statement: Any) -> str | None:
    actions, resources = _strings(peek(statement, "Action")), _strings(peek(statement, "Resource"))
    if "*" in resources and any(a.strip() in ("*", "*:*") for a in actions):
        return 'allows every action ("*") on every resource ("*"): full administrator access'
    if "*" in resources and _strings(peek(statement, "NotAction")) and not actions:
        return "allows everything except a few actions (NotAction) on every resource"
    return None


def _secrets(statement: Any) -> str | None:
    actions, resources = _strings(peek(statement, "Action")), _strings(peek(statement, "Resource"))
    reading = [a for a in actions if _covers([a.strip()], "secretsmanager:GetSecretValue")]
    every = [r for r in resources if ALL_SECRETS.match(r.strip())]
    if reading and every:
        return f"allows {reading[0]} on every secret ({every[0]}): it can read every secret of the account"
    return None


def _full_admin(ctx: Ctx) -> Iterator[Finding]:
    yield from _grants(ctx, _admin)
    for arn in _managed_arns(ctx):
        if ADMIN_ARN.match(arn):
            yield Finding(f"{label(ctx.props, ctx.name)} attaches AdministratorAccess: full administrator access")


def _secrets_wildcard(ctx: Ctx) -> Iterator[Finding]:
    yield from _grants(ctx, lambda s: None if _admin(s) else _secrets(s))
    for arn in _managed_arns(ctx):
        if SECRETS_ARN.match(arn):
            yield Finding(f"{label(ctx.props, ctx.name)} attaches SecretsManagerReadWrite: every secret of the "
                          "account")


JUDGED = (*POLICY_TYPES, ROLE, *ATTACHMENTS)

IAM_RULES = [
    resource_rule(
        name="aws-iam-policy-disallow-full-admin",
        description='An IAM policy must not allow "*" on "*" (or attach AdministratorAccess): one leaked '
                    "credential then owns the account.",
        severity=Severity.CRITICAL, level=MANDATORY, types=JUDGED, check=_full_admin,
        remediation="Grant the actions the workload needs on the resources it uses (least privilege).",
    ),
    resource_rule(
        name="aws-iam-policy-disallow-secretsmanager-wildcard",
        description="An IAM policy must not allow secretsmanager:GetSecretValue (or a wildcard covering it: "
                    "secretsmanager:*, secretsmanager:Get*, *Secret*) on every secret (Resource \"*\"): the "
                    "holder can read every secret of the account.",
        severity=Severity.HIGH, level=MANDATORY, types=JUDGED, check=_secrets_wildcard,
        remediation="Allow secretsmanager:GetSecretValue on the ARNs of the secrets the workload reads "
                    "(arn:aws:secretsmanager:<region>:<account>:secret:<name>-*).",
    ),
]
