"""The app's secrets in AWS Secrets Manager (`launchready:secrets`)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from components.config.fields import Model


class SecretSource(StrEnum):
    generated = "generated"
    config = "config"


class SecretEntry(Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] = Field(
        description="Short name; the secret is stored as <project>/<stack>/<name>."
    )
    description: str = Field(description="What the secret is and what uses it.", min_length=3)
    owner: str = Field(description="Team or person who rotates it.", min_length=1)
    rotation_days: int = Field(90, ge=1, le=365, description="Rotate at least this often.")
    source: SecretSource = Field(description="generated (made by Pulumi) or config (pulumi config set --secret).")
    config_key: str | None = Field(
        None, description="With source config: the launchready: config key holding the value (set as secret)."
    )
    length: int = Field(48, ge=16, le=256, description="With source generated: length of the random value.")
    runbook: str | None = Field(None, description="Where the rotation steps are written down.")
    value_version: int = Field(
        1, ge=1, description="Bump to write a new value (write-only values are never diffed); rotates one secret."
    )

    @model_validator(mode="after")
    def _source_fields(self) -> SecretEntry:
        if self.source is SecretSource.config and not self.config_key:
            raise ValueError('source "config" needs configKey: the launchready: key set with --secret')
        if self.source is SecretSource.generated and self.config_key:
            raise ValueError('configKey is only for source "config"; a generated secret has no config value')
        if self.config_key is not None and not re.match(r"^[a-z][A-Za-z0-9]{1,62}$", self.config_key):
            raise ValueError("configKey must be a camelCase config key such as databaseUrl")
        return self


class Secrets(Model):
    app_role_name: str = Field(description="IAM role of the app that reads these secrets.", min_length=1)
    recovery_window_days: int | None = Field(
        None, description="Days a deleted secret can be restored (7-30); default 30 in prod, 7 in staging."
    )
    items: list[SecretEntry] = Field(default_factory=list, description="The app's secrets.")
