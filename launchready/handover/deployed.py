"""The deployed stack's outputs the handover shows (`pulumi stack output --json`), read by shape.

Only the outputs the handover uses are read: `emailRecords`, `dnssecDs`, `sesIdentityArn`, `accessApps`
and `healthChecks`; any other key is left alone. A secret output, which `pulumi stack output --json` prints
as "[secret]" without `--show-secrets`, is kept as SECRET and shown as such; null or a missing key is "not
given". Any other shape is a ValueError naming the output key and the shape expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: what `pulumi stack output --json` prints for a secret output without --show-secrets
SECRET = "[secret]"
_RECORD_KEYS = ("name", "type", "content")


def kind(value: Any) -> str:
    """A JSON value's kind in words, for an error message (never the value: it may be a secret)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


@dataclass(frozen=True)
class Deployed:
    """What the handover takes from the deployed outputs. A value is SECRET when the output was printed
    without --show-secrets; a missing or null output is None (or an empty mapping)."""

    email_records: list[dict[str, Any]] | str | None = None
    dnssec_ds: str | None = None
    ses_identity_arn: str | None = None
    #: hostname -> Access audience tag (or SECRET); "[secret]" for the whole output is `access_apps_secret`
    access_audiences: dict[str, str] = field(default_factory=dict)
    access_apps_secret: bool = False
    #: health check key -> Route 53 health check id (or SECRET)
    health_check_ids: dict[str, str] = field(default_factory=dict)
    health_checks_secret: bool = False

    @property
    def given(self) -> bool:
        return any([self.email_records, self.dnssec_ds, self.ses_identity_arn, self.access_audiences,
                    self.access_apps_secret, self.health_check_ids, self.health_checks_secret])


def _text(key: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text (got {kind(value)})")
    return value


def _records(value: Any) -> list[dict[str, Any]] | str | None:
    if value is None or value == SECRET:
        return value
    shape = "a list of records, each an object with name, type and content"
    if not isinstance(value, list):
        raise ValueError(f"emailRecords must be {shape} (got {kind(value)})")
    for i, row in enumerate(value):
        if not isinstance(row, dict):
            raise ValueError(f"emailRecords[{i}] must be an object with name, type and content (got {kind(row)})")
        for key in _RECORD_KEYS:
            if not isinstance(row.get(key), str) or not row[key]:
                raise ValueError(f"emailRecords[{i}].{key} must be text (got {kind(row.get(key))})")
    return value or None


def _ids(output: str, field_name: str, value: Any) -> tuple[dict[str, str], bool]:
    """`{key: {field_name: "..."}}` -> {key: value}; a "[secret]" output or entry is kept as SECRET."""
    if value is None:
        return {}, False
    if value == SECRET:
        return {}, True
    if not isinstance(value, dict):
        raise ValueError(f"{output} must be an object of {{name: {{{field_name}: ...}}}} (got {kind(value)})")
    found: dict[str, str] = {}
    for key, entry in value.items():
        if entry is None:
            continue
        if entry == SECRET:
            found[key] = SECRET
            continue
        if not isinstance(entry, dict):
            raise ValueError(f"{output}.{key} must be an object with {field_name} (got {kind(entry)})")
        got = _text(f"{output}.{key}.{field_name}", entry.get(field_name))
        if got is not None:
            found[key] = got
    return found, False


def read_deployed(outputs: dict[str, Any] | None, source: str = "the outputs") -> Deployed:
    """The handover's part of `pulumi stack output --json`. ValueError: '<source>: <key> must be ... (got ...)'."""
    if not outputs:
        return Deployed()
    try:
        audiences, apps_secret = _ids("accessApps", "aud", outputs.get("accessApps"))
        check_ids, checks_secret = _ids("healthChecks", "id", outputs.get("healthChecks"))
        return Deployed(
            email_records=_records(outputs.get("emailRecords")),
            dnssec_ds=_text("dnssecDs", outputs.get("dnssecDs")),
            ses_identity_arn=_text("sesIdentityArn", outputs.get("sesIdentityArn")),
            access_audiences=audiences, access_apps_secret=apps_secret,
            health_check_ids=check_ids, health_checks_secret=checks_secret,
        )
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
