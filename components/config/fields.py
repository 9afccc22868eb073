"""Reusable field types of the stack config (domains, ids, addresses, paths) and the strict model base.

Each type is a `str` checked by one pattern, with the message a user sees when the value does not match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

#: The patterns of the field types; the tools that check the same values (`launchready init`) import them.
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
HEX32_RE = re.compile(r"^[0-9a-f]{32}$")
EMAIL_RE = re.compile(r"^[^@\s]+@((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$", re.IGNORECASE)
AWS_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_DURATION_RE = re.compile(r"^(?=.)(\d+h)?(\d+m)?$")
_PATH_RE = re.compile(r'^/[^\s"]*\Z')
_HTTPS_URL_RE = re.compile(r"^https://[^\s/@]+(/\S*)?$")


def _matching(pattern: re.Pattern[str], message: str, *, also: Callable[[str], bool] | None = None) -> AfterValidator:
    """A validator that accepts a value matching `pattern` (or for which `also` is true), else says `message`."""

    def check(value: str) -> str:
        if not pattern.match(value) and not (also is not None and also(value)):
            raise ValueError(message)
        return value

    return AfterValidator(check)


def domain_name(value: str) -> str:
    """The domain normalised (lowercase, no trailing dot), or ValueError saying what a domain looks like."""
    value = value.strip().lower().rstrip(".")
    if not DOMAIN_RE.match(value):
        raise ValueError("must be a domain name such as example.com (letters, digits, hyphens and dots)")
    return value


Domain = Annotated[str, AfterValidator(domain_name)]
Hex32 = Annotated[
    str, _matching(HEX32_RE, "must be the 32-character hexadecimal id shown in the Cloudflare dashboard")
]
EmailAddress = Annotated[str, _matching(EMAIL_RE, "must be an email address such as ops@example.com")]
Label = Annotated[
    str,
    _matching(
        LABEL_RE, 'must be "@" (the zone apex) or one DNS label of a-z, 0-9 and hyphens', also=lambda v: v == "@"
    ),
]
AwsRegion = Annotated[str, _matching(AWS_REGION_RE, "must be an AWS region name such as eu-west-1")]
UrlPath = Annotated[str, _matching(_PATH_RE, 'must be a URL path starting with "/" without spaces or quotes')]
Duration = Annotated[str, _matching(_DURATION_RE, 'must be a duration such as "8h" or "30m" or "1h30m"')]
HttpsUrl = Annotated[str, _matching(_HTTPS_URL_RE, "must be an https:// URL without credentials")]


class Model(BaseModel):
    """Strict base: unknown keys are errors, camelCase keys in YAML, snake_case in Python."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )
