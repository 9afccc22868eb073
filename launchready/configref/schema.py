"""The JSON Schema of a stack file (`Pulumi.<stack>.yaml`), generated from the pydantic models.

The models describe one area each (`StackConfig`'s fields); a stack file holds them as `launchready:<area>`
keys of its `config:` map, beside secret values (`launchready:<key>: {secure: ...}`) and other namespaces
(`aws:region`, `pulumi:tags`), which the schema allows without judging them.
"""

from __future__ import annotations

import re
from typing import Any

from components.config import NAMESPACE, StackConfig

SCHEMA_ID = "https://launchready.dev/schema/stack-config.schema.json"
SCHEMA_PATH = "schema/stack-config.schema.json"
#: Top-level keys of a stack file besides config: (the Pulumi CLI's own).
STACK_FILE_KEYS = ("encryptionsalt", "secretsprovider", "encryptedkey", "environment")

SECURE_VALUE: dict[str, Any] = {
    "type": "object",
    "description": "A secret, set with `pulumi config set --secret`; only its ciphertext is stored here.",
    "properties": {"secure": {"type": "string", "minLength": 1}},
    "required": ["secure"],
    "additionalProperties": False,
}


def area_schema() -> dict[str, Any]:
    """The models' own schema: areas by their camelCase key, `$defs` for the nested models."""
    return StackConfig.model_json_schema(by_alias=True, mode="validation")


def build_schema() -> dict[str, Any]:
    inner = area_schema()
    defs = inner.pop("$defs", {})
    areas: dict[str, Any] = inner["properties"]
    area_keys = "|".join(re.escape(k) for k in areas)
    config: dict[str, Any] = {
        "type": "object",
        "description": "The stack's config: one launchready:<area> key per area, secret values, other "
                       "namespaces (aws:region, pulumi:tags, ...).",
        "properties": {f"{NAMESPACE}:{key}": value for key, value in areas.items()},
        "required": [f"{NAMESPACE}:{key}" for key in inner.get("required", [])],
        "patternProperties": {
            # A launchready key that is not an area holds a secret value referenced by a configKey.
            f"^{NAMESPACE}:(?!({area_keys})$)[A-Za-z][A-Za-z0-9_]*$": SECURE_VALUE,
            # Other namespaces are Pulumi's and the providers' business.
            f"^(?!{NAMESPACE}:)[A-Za-z0-9_.-]+:.+$": {},
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Launch Ready stack file (Pulumi.<stack>.yaml)",
        "description": "Generated from the config models by `python -m launchready.configref`; do not edit. "
                       "The reference is docs/config.md.",
        "type": "object",
        "properties": {
            "config": config,
            **{key: {"description": "Kept as the Pulumi CLI writes it."} for key in STACK_FILE_KEYS},
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }
