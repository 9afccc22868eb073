"""TLS and HSTS at the edge (`launchready:tls`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from components.config.fields import Model
from components.facts import HSTS_MIN_MAX_AGE_PROD as HSTS_MIN_MAX_AGE_PROD
from components.facts import HSTS_PRELOAD_MIN_MAX_AGE as HSTS_PRELOAD_MIN_MAX_AGE

#: max-age when the stack file sets none: one year in prod, one day in staging (easy to back out of).
HSTS_DEFAULT_MAX_AGE_PROD = 31536000
HSTS_DEFAULT_MAX_AGE_STAGING = 86400


class Hsts(Model):
    max_age_seconds: int | None = Field(
        None, ge=0, le=63072000, description="HSTS max-age; default one year in prod, one day in staging."
    )
    include_subdomains: bool = Field(False, description="Opt-in: every subdomain must serve HTTPS.")
    preload: bool = Field(False, description="Opt-in: ask browsers to preload (needs includeSubdomains, 1 year).")


class Tls(Model):
    min_version: Literal["1.2", "1.3"] = Field("1.2", description="Minimum TLS version accepted at the edge.")
    hsts: Hsts = Field(default_factory=Hsts, description="HTTP Strict Transport Security.")
