"""What `launchready init` is asked for, checked flag by flag: every error names the flag, the value and the fix."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

# The config's own patterns: a flag init accepts is a value the stack config accepts.
from components.config.fields import AWS_REGION_RE, DOMAIN_RE, EMAIL_RE, HEX32_RE, LABEL_RE
from components.facts import is_non_public_address

_PROJECT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_SECRET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
PLANS = ("free", "pro", "business", "enterprise")


class OptionError(ValueError):
    """A bad flag: the message names the flag, the value and the fix."""


@dataclass(frozen=True)
class Host:
    label: str  # "@" or one DNS label
    origin: str
    internal: bool = False


@dataclass(frozen=True)
class InitOptions:
    project: str
    domain: str
    staging_domain: str
    hosts: tuple[Host, ...]
    staging_origins: dict[str, str] = field(default_factory=dict)
    canonical: str = "apex"
    plan: str = "pro"
    staging_plan: str = "pro"
    ses_region: str = "eu-west-1"
    aws_region: str = "eu-west-1"
    email: bool = True
    alert_emails: tuple[str, ...] = ()
    access_emails: tuple[str, ...] = ()
    access_domains: tuple[str, ...] = ()
    session_cookies: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ("database-url",)
    zone_id: str | None = None
    staging_zone_id: str | None = None
    account_id: str | None = None

    @property
    def staging_is_subdomain(self) -> bool:
        return self.staging_domain.endswith("." + self.domain)


def _ascii(value: str) -> str:
    """An internationalised name in its DNS (punycode) form; unchanged when already ASCII."""
    if value.isascii():
        return value
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError:
        return value


def domain(value: str, flag: str) -> str:
    raw = value
    value = _ascii(value.strip().lower().rstrip("."))
    if "://" in value or "/" in value:
        raise OptionError(f"{flag} {raw!r}: give the bare domain (e.g. example.com), not a URL")
    if not DOMAIN_RE.match(value):
        raise OptionError(f"{flag} {raw!r}: not a domain name; give one such as example.com "
                          "(letters, digits and hyphens, dot-separated, ending in a TLD)")
    return value


def origin(value: str, flag: str) -> str:
    raw = value
    value = value.strip().rstrip(".")
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", value)
    if scheme:
        bare = value[len(scheme.group(0)):].split("/", 1)[0]
        raise OptionError(f"{flag} {raw!r}: an origin is a host name or IP address, not a URL; "
                          f"drop {scheme.group(0)!r} (e.g. {bare})")
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        ip = None
    if ip is not None:
        if is_non_public_address(str(ip)):
            raise OptionError(f"{flag} {raw!r}: {ip} is not a public address, so Cloudflare cannot reach it; give "
                              "the origin's public IP address or host name")
        return str(ip)
    value = _ascii(value)
    if "/" in value or ":" in value:
        raise OptionError(f"{flag} {raw!r}: an origin is a host name or IP address without a path or port")
    lowered = value.lower()
    if not DOMAIN_RE.match(lowered):
        raise OptionError(f"{flag} {raw!r}: the origin is neither an IP address nor a host name "
                          "such as app.example.fly.dev")
    return lowered


def label(value: str, flag: str, apex_domain: str) -> str:
    raw = value
    value = value.strip().lower().rstrip(".")
    if value in ("@", apex_domain):
        return "@"
    if value.endswith("." + apex_domain):
        value = value[: -len(apex_domain) - 1]
    if not LABEL_RE.match(value):
        raise OptionError(f"{flag} {raw!r}: the hostname must be \"@\" (the apex) or one label such as app "
                          f"(app.{apex_domain}); a-z, 0-9 and hyphens")
    return value


def host_pair(value: str, flag: str, apex_domain: str) -> tuple[str, str]:
    name, sep, target = value.partition("=")
    if not sep or not target.strip():
        raise OptionError(f"{flag} {value!r}: write LABEL=ORIGIN, e.g. {flag} app=app.example.fly.dev "
                          f"or {flag} @=203.0.113.10")
    return label(name, flag, apex_domain), origin(target, flag)


def email(value: str, flag: str) -> str:
    value = value.strip()
    if value.lower().startswith("mailto:") or not EMAIL_RE.match(value):
        raise OptionError(f"{flag} {value!r}: not an email address; give one such as ops@example.com")
    return value


def hex32(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not HEX32_RE.match(value):
        raise OptionError(f"{flag}: not a Cloudflare id; it is the 32-character hexadecimal id on the zone's "
                          "Overview page (right column)")
    return value


def aws_region(value: str, flag: str) -> str:
    value = value.strip()
    if not AWS_REGION_RE.match(value):
        raise OptionError(f"{flag} {value!r}: not an AWS region name; give one such as eu-west-1")
    return value


def plan(value: str, flag: str) -> str:
    value = value.strip().lower()
    if value not in PLANS:
        raise OptionError(f"{flag} {value!r}: the Cloudflare plan is one of {', '.join(PLANS)}")
    return value


def project(value: str) -> str:
    value = value.strip()
    if not _PROJECT_RE.match(value):
        raise OptionError(f"--project {value!r}: a Pulumi project name is letters, digits, '-', '_' and '.'")
    return value


def secret_name(value: str) -> str:
    value = value.strip()
    if not _SECRET_RE.match(value):
        raise OptionError(f"--secret {value!r}: a secret name is lower-case letters, digits and hyphens, "
                          "e.g. database-url")
    return value


def session_cookie(value: str) -> str:
    value = value.strip()
    if not re.match(r"^[A-Za-z0-9_.\-]{1,64}$", value):
        raise OptionError(f"--session-cookie {value!r}: a cookie name is letters, digits, '_', '.' and '-'")
    return value


def project_from_domain(apex: str) -> str:
    """`acme.io` -> `acme`: the first label, the usual name of the product."""
    return apex.split(".", 1)[0]
