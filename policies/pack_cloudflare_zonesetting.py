"""Rules for Cloudflare zone settings (`cloudflare:index/zoneSetting:ZoneSetting`): SSL mode, minimum TLS,
Always Use HTTPS, HSTS, development mode."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pack_common import (
    ALLOW_FULL_CONFIG,
    MANDATORY,
    ZONE_SETTING,
    Ctx,
    Finding,
    get,
    number,
    resource_rule,
    weak_ssl_modes,
)
from pack_facts import HSTS_MIN_MAX_AGE_PROD, HSTS_PRELOAD_MIN_MAX_AGE
from pulumi_policy import Severity


def _setting(ctx: Ctx, setting_id: str) -> Any:
    """The value of a ZoneSetting with this id, or None when the resource is another setting."""
    if get(ctx.props, "settingId") != setting_id:
        return None
    return get(ctx.props, "value")


# ---------------------------------------------------------------------------------------------- TLS


def _ssl_mode(ctx: Ctx) -> Iterator[Finding]:
    mode = _setting(ctx, "ssl")
    if mode is None:
        return
    if str(mode).strip().lower() in weak_ssl_modes(ctx):
        yield Finding(f'SSL mode is "{mode}": Cloudflare talks to the origin without a verified certificate '
                      f'({"in clear text" if mode != "full" else "accepting any certificate"})')


def _min_tls(ctx: Ctx) -> Iterator[Finding]:
    version = _setting(ctx, "min_tls_version")
    if version is None:
        return
    minimum = str(ctx.setting("minTls", "1.2"))
    try:
        too_low = float(str(version)) < float(minimum)
    except ValueError:
        too_low = True
    if too_low:
        yield Finding(f"minimum TLS version {version} is below {minimum}")


def _always_https(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "always_use_https")
    if value is not None and str(value).strip().lower() != "on":
        yield Finding('always_use_https is "off": visitors can stay on plain HTTP')


def _hsts(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "security_header")
    if value is None or not ctx.is_prod:
        return
    hsts = get(value, "strict_transport_security", default=None) or get(value, "strictTransportSecurity", default={})
    minimum = int(ctx.setting("minMaxAge", HSTS_MIN_MAX_AGE_PROD))
    max_age = get(hsts, "max_age", default=None)
    max_age = get(hsts, "maxAge", default=0) if max_age is None else max_age
    if get(hsts, "enabled", default=False) is not True:
        yield Finding("HSTS is disabled in prod: a visitor's first request can be downgraded to HTTP")
    elif not number(max_age) >= minimum:
        yield Finding(f"HSTS max-age {max_age} is below {minimum} seconds in prod")
    elif get(hsts, "preload", default=False) is True and not number(max_age) >= HSTS_PRELOAD_MIN_MAX_AGE:
        yield Finding(f"HSTS asks for preload with max-age {max_age}; the preload list requires at least "
                      f"{HSTS_PRELOAD_MIN_MAX_AGE} seconds, so browsers would drop the domain")


def _security_off(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "security_level")
    if value is not None and str(value).strip().lower() in ("essentially_off", "off"):
        yield Finding(f'the zone\'s security level is "{value}": Cloudflare stops challenging known-bad visitors '
                      "for the whole zone")


def _is(setting_id: str) -> Callable[[Ctx], bool]:
    return lambda ctx: get(ctx.props, "settingId") == setting_id


def _dev_mode(ctx: Ctx) -> Iterator[Finding]:
    value = _setting(ctx, "development_mode")
    if value is not None and str(value).strip().lower() == "on":
        yield Finding("development mode is on: the cache is bypassed and changes go straight to the origin")



ZONESETTING_RULES = [
    resource_rule(
        name="cloudflare-zonesetting-disallow-insecure-ssl-mode",
        description="SSL mode must be Full (strict): off and flexible send traffic to the origin in clear text, "
                    "full accepts any origin certificate.",
        severity=Severity.CRITICAL, level=MANDATORY, types=(ZONE_SETTING,), check=_ssl_mode, applies=_is("ssl"),
        remediation='Set the ssl ZoneSetting to "strict" after installing a valid origin certificate '
                    "(publicly trusted or a Cloudflare Origin CA certificate).",
        config=ALLOW_FULL_CONFIG,
    ),
    resource_rule(
        name="cloudflare-zonesetting-configure-min-tls",
        description="Clients must use TLS 1.2 or newer; TLS 1.0 and 1.1 are broken and deprecated.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_min_tls, applies=_is("min_tls_version"),
        remediation='Set the min_tls_version ZoneSetting to "1.2" (or "1.3").',
        config={"minTls": {"type": "string", "default": "1.2", "enum": ["1.2", "1.3"],
                           "description": "The lowest TLS version clients may use."}},
    ),
    resource_rule(
        name="cloudflare-zonesetting-enable-always-use-https",
        description="Always Use HTTPS must be on, so that no visitor stays on plain HTTP.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_always_https,
        applies=_is("always_use_https"),
        remediation='Set the always_use_https ZoneSetting to "on".',
    ),
    resource_rule(
        name="cloudflare-zonesetting-enable-hsts-prod",
        description="In prod, HSTS must be on with a max-age of at least six months, so browsers refuse HTTP.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_hsts, applies=_is("security_header"),
        remediation="Enable strict_transport_security in the security_header ZoneSetting with max_age "
                    "31536000 (remove any maxAgeSeconds override from the prod stack file).",
        config={"minMaxAge": {"type": "integer", "default": HSTS_MIN_MAX_AGE_PROD, "minimum": 0,
                              "description": "The shortest HSTS max-age accepted in prod, in seconds."}},
    ),
    resource_rule(
        name="cloudflare-zonesetting-disallow-development-mode",
        description="Development mode must not stay on: it bypasses the cache, so every request hits the origin.",
        severity=Severity.MEDIUM, level=MANDATORY, types=(ZONE_SETTING,), check=_dev_mode,
        applies=_is("development_mode"),
        remediation='Remove the development_mode ZoneSetting or set it to "off".',
    ),
    resource_rule(
        name="cloudflare-zonesetting-disallow-security-level-off",
        description="The zone's security level must not be off or essentially off: threat scores stop being acted "
                    "on for every hostname of the zone.",
        severity=Severity.HIGH, level=MANDATORY, types=(ZONE_SETTING,), check=_security_off,
        applies=_is("security_level"),
        remediation='Set the security_level ZoneSetting to "medium" (the default) or remove it.',
    ),
]
