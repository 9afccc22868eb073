"""The app's secrets in AWS Secrets Manager, encrypted with a customer-managed KMS key.

Values never pass through state: each secret gets a `SecretVersion` with the write-only
`secret_string_wo` (only its version number is stored; bump `rotation_version` to write a new value).
A value is either generated (Secrets Manager's random password, never in config) or read from a Pulumi
secret config value (`pulumi config set --secret launchready:<configKey> ...`). The app's role may read
exactly these secrets and decrypt only through Secrets Manager; nobody may attach a public policy.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import NAMESPACE, SecretEntry, SecretSource, StackConfig

#: Bump to write new values into every secret (write-only values are not diffed).
ROTATION_VERSION = 1
RUNBOOK_DEFAULT = "docs/runbook.md#rotate-a-secret"


def secret_name(project: str, stack: str, entry: SecretEntry) -> str:
    return f"{project}/{stack}/{entry.name}"


def secret_tags(entry: SecretEntry, stack: str) -> dict[str, str]:
    return {
        "owner": entry.owner,
        "rotation-days": str(entry.rotation_days),
        "runbook": entry.runbook or RUNBOOK_DEFAULT,
        "stack": stack,
        "managed-by": "launchready",
    }


def read_policy(secret_arns: list[str], key_arn: str, region: str) -> str:
    """Least privilege for the app: read these secrets, decrypt only via Secrets Manager in this region."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadAppSecrets",
                    "Effect": "Allow",
                    "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    "Resource": sorted(secret_arns),
                },
                {
                    "Sid": "DecryptThroughSecretsManagerOnly",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": key_arn,
                    "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
                },
            ],
        },
        sort_keys=True,
    )


def key_policy(account_id: str) -> str:
    """The account administers the key; use is granted by IAM policies (such as the read policy)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersTheKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        },
        sort_keys=True,
    )


class AppSecrets(pulumi.ComponentResource):
    def __init__(
        self, name: str, cfg: StackConfig, project: str, stack: str, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:secrets:AppSecrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        config = pulumi.Config(NAMESPACE)

        self.key = aws.kms.Key(
            "secrets-key",
            description=f"{project}/{stack}: encrypts the app's secrets",
            enable_key_rotation=True,
            deletion_window_in_days=30 if cfg.is_prod else 7,
            policy=account_id.apply(key_policy),
            tags={"stack": stack, "managed-by": "launchready"},
            opts=child,
        )
        aws.kms.Alias("secrets-key-alias", name=f"alias/{project}-{stack}-secrets", target_key_id=self.key.key_id,
                      opts=child)

        self.secrets: dict[str, aws.secretsmanager.Secret] = {}
        self.inventory: list[dict[str, Any]] = []
        for entry in cfg.secrets.items:
            secret = aws.secretsmanager.Secret(
                f"secret-{entry.name}",
                name=secret_name(project, stack, entry),
                description=entry.description,
                kms_key_id=self.key.arn,
                recovery_window_in_days=cfg.secret_recovery_window_days,
                tags=secret_tags(entry, stack),
                opts=child,
            )
            value: pulumi.Output[str]
            if entry.source is SecretSource.generated:
                value = pulumi.Output.secret(aws.secretsmanager.get_random_password_output(
                    password_length=entry.length, exclude_punctuation=True, opts=invoke).random_password)
            else:
                value = config.require_secret(entry.config_key or "")
            aws.secretsmanager.SecretVersion(
                f"secret-{entry.name}-value",
                secret_id=secret.id,
                secret_string_wo=value,
                secret_string_wo_version=ROTATION_VERSION,
                opts=child,
            )
            aws.secretsmanager.SecretPolicy(
                f"secret-{entry.name}-policy",
                secret_arn=secret.arn,
                block_public_policy=True,
                policy=secret.arn.apply(lambda arn: json.dumps({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "DenyOutsideTheAccount",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "secretsmanager:*",
                        "Resource": arn,
                        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}},
                    }],
                }, sort_keys=True)),
                opts=child,
            )
            self.secrets[entry.name] = secret
            self.inventory.append({
                "name": secret_name(project, stack, entry),
                "arn": secret.arn,
                "description": entry.description,
                "owner": entry.owner,
                "rotationDays": entry.rotation_days,
                "source": entry.source.value,
                "runbook": entry.runbook or RUNBOOK_DEFAULT,
            })

        if self.secrets:
            arns = [s.arn for s in self.secrets.values()]
            aws.iam.RolePolicy(
                "app-read-secrets",
                role=cfg.secrets.app_role_name,
                name=f"{project}-{stack}-read-secrets",
                policy=pulumi.Output.all(self.key.arn, region, *arns).apply(
                    lambda a: read_policy(list(a[2:]), a[0], a[1])),
                opts=child,
            )
        self.register_outputs({"keyArn": self.key.arn})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes: the inventory, never a value."""
        return {"secrets": self.inventory, "secretsKeyArn": self.key.arn}
