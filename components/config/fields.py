"""Reusable field types of the stack config (domains, ids, addresses, paths) and the strict model base."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")


_HEX32_RE = re.compile(r"^[0-9a-f]{32}$")


_EMAIL_RE = re.compile(r"^[^@\s]+@((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$", re.IGNORECASE)


_AWS_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


_DURATION_RE = re.compile(r"^(\d+h)?(\d+m)?$")


def domain_name(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not _DOMAIN_RE.match(value):
        raise ValueError("must be a domain name such as example.com (letters, digits, hyphens and dots)")
    return value


def _hex32(value: str) -> str:
    if not _HEX32_RE.match(value):
        raise ValueError("must be the 32-character hexadecimal id shown in the Cloudflare dashboard")
    return value


def _email(value: str) -> str:
    if not _EMAIL_RE.match(value):
        raise ValueError("must be an email address such as ops@example.com")
    return value


def _label(value: str) -> str:
    if value != "@" and not _LABEL_RE.match(value):
        raise ValueError('must be "@" (the zone apex) or one DNS label of a-z, 0-9 and hyphens')
    return value


def _aws_region(value: str) -> str:
    if not _AWS_REGION_RE.match(value):
        raise ValueError("must be an AWS region name such as eu-west-1")
    return value


def _path(value: str) -> str:
    if not value.startswith("/") or any(c.isspace() for c in value) or '"' in value:
        raise ValueError('must be a URL path starting with "/" without spaces or quotes')
    return value


def _duration(value: str) -> str:
    if not value or not _DURATION_RE.match(value):
        raise ValueError('must be a duration such as "8h" or "30m" or "1h30m"')
    return value


def _https_url(value: str) -> str:
    if not re.match(r"^https://[^\s/@]+(/\S*)?$", value):
        raise ValueError("must be an https:// URL without credentials")
    return value


Domain = Annotated[str, AfterValidator(domain_name)]


Hex32 = Annotated[str, AfterValidator(_hex32)]


EmailAddress = Annotated[str, AfterValidator(_email)]


Label = Annotated[str, AfterValidator(_label)]


AwsRegion = Annotated[str, AfterValidator(_aws_region)]


UrlPath = Annotated[str, AfterValidator(_path)]


Duration = Annotated[str, AfterValidator(_duration)]


HttpsUrl = Annotated[str, AfterValidator(_https_url)]


class Model(BaseModel):
    """Strict base: unknown keys are errors, camelCase keys in YAML, snake_case in Python."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )
