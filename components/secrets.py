"""The app's secrets in AWS Secrets Manager, encrypted with a customer-managed KMS key.

Values stay out of the provider's state: each secret gets a `SecretVersion` with the write-only
`secret_string_wo`, and only its version number (`secrets.items[].valueVersion`) is diffed; bump it to
write a new value into that one secret. The value is marked secret on its way in, so Pulumi's own
checkpoint holds it encrypted at most (the bridge still records write-only inputs, encrypted:
pulumi-terraform-bridge#3201). A value is either generated (Secrets Manager's `GetRandomPassword`, asked
at deploy time: never in config, never in a resource's state) or read from a Pulumi secret config value
(`pulumi config set --secret launchready:<configKey> ...`). The app's role may read exactly these secrets
and decrypt only through Secrets Manager; nobody outside the account may touch them, and no public
resource policy can be attached.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import NAMESPACE, SecretEntry, SecretSource, StackConfig

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


def resource_policy(secret_arn: str, account_id: str) -> str:
    """Nobody outside the account may do anything with the secret (on top of block_public_policy)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyOutsideTheAccount",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "secretsmanager:*",
                    "Resource": secret_arn,
                    "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account_id}},
                }
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
    """A KMS key, one secret (value, resource policy) per config entry, and the app role's read policy."""

    def __init__(
        self, name: str, cfg: StackConfig, project: str, stack: str, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("launchready:secrets:AppSecrets", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self._invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=self._invoke).region
        self._account_id = aws.get_caller_identity_output(opts=self._invoke).account_id
        self._project, self._stack = project, stack
        self.secrets: dict[str, aws.secretsmanager.Secret] = {}
        self.versions: dict[str, aws.secretsmanager.SecretVersion] = {}
        self.policies: dict[str, aws.secretsmanager.SecretPolicy] = {}
        self.read_policy: aws.iam.RolePolicy | None = None
        self.inventory: list[dict[str, Any]] = []

        self.key = self._key(cfg)
        config = pulumi.Config(NAMESPACE)
        for entry in cfg.secrets.items:
            self._secret(cfg, entry, config)
        if self.secrets:
            self.read_policy = self._read_policy(cfg.secrets.app_role_name, region)
        self.register_outputs({"keyArn": self.key.arn})

    def _key(self, cfg: StackConfig) -> aws.kms.Key:
        """The customer-managed key of these secrets (rotated yearly) and its alias."""
        project, stack = self._project, self._stack
        key = aws.kms.Key(
            "secrets-key",
            description=f"{project}/{stack}: encrypts the app's secrets",
            enable_key_rotation=True,
            deletion_window_in_days=30 if cfg.is_prod else 7,
            policy=self._account_id.apply(key_policy),
            tags={"stack": stack, "managed-by": "launchready"},
            opts=self._child,
        )
        self.key_alias = aws.kms.Alias("secrets-key-alias", name=f"alias/{project}-{stack}-secrets",
                                       target_key_id=key.key_id, opts=self._child)
        return key

    def _value(self, entry: SecretEntry, config: pulumi.Config) -> pulumi.Output[str]:
        """Generated by Secrets Manager at deploy time, or read from the Pulumi secret config value."""
        if entry.source is SecretSource.generated:
            return pulumi.Output.secret(aws.secretsmanager.get_random_password_output(
                password_length=entry.length, exclude_punctuation=True, opts=self._invoke).random_password)
        return config.require_secret(entry.config_key or "")

    def _secret(self, cfg: StackConfig, entry: SecretEntry, config: pulumi.Config) -> None:
        """One secret: the secret, its write-only value, its account-only policy, and its inventory row."""
        name = secret_name(self._project, self._stack, entry)
        secret = aws.secretsmanager.Secret(
            f"secret-{entry.name}",
            name=name,
            description=entry.description,
            kms_key_id=self.key.arn,
            recovery_window_in_days=cfg.secret_recovery_window_days,
            tags=secret_tags(entry, self._stack),
            opts=self._child,
        )
        self.versions[entry.name] = aws.secretsmanager.SecretVersion(
            f"secret-{entry.name}-value",
            secret_id=secret.id,
            secret_string_wo=self._value(entry, config),
            secret_string_wo_version=entry.value_version,
            opts=self._child,
        )
        self.policies[entry.name] = aws.secretsmanager.SecretPolicy(
            f"secret-{entry.name}-policy",
            secret_arn=secret.arn,
            block_public_policy=True,
            policy=pulumi.Output.all(secret.arn, self._account_id).apply(lambda a: resource_policy(a[0], a[1])),
            opts=self._child,
        )
        self.secrets[entry.name] = secret
        self.inventory.append({
            "name": name,
            "arn": secret.arn,
            "description": entry.description,
            "owner": entry.owner,
            "rotationDays": entry.rotation_days,
            "valueVersion": entry.value_version,
            "source": entry.source.value,
            "runbook": entry.runbook or RUNBOOK_DEFAULT,
        })

    def _read_policy(self, role: str, region: pulumi.Output[str]) -> aws.iam.RolePolicy:
        """The app role may read exactly these secrets, decrypting only through Secrets Manager."""
        arns = [s.arn for s in self.secrets.values()]
        return aws.iam.RolePolicy(
            "app-read-secrets",
            role=role,
            name=f"{self._project}-{self._stack}-read-secrets",
            policy=pulumi.Output.all(self.key.arn, region, *arns).apply(
                lambda a: read_policy(list(a[2:]), a[0], a[1])),
            opts=self._child,
        )

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes: the inventory, never a value."""
        return {"secrets": self.inventory, "secretsKeyArn": self.key.arn}
