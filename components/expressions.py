"""Cloudflare Rules-language expressions built from the config: one place, so that the cache bypass, the
`Cache-Control: private` header rule and the tests all read the same definition of "authenticated".

Matching errs towards "authenticated": paths and hosts are compared lowercased (an origin that routes
`/Admin/` like `/admin/` must not get a cacheable copy of it), and a cookie matches wherever its name
appears in the Cookie header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from components.config import StackConfig

WELL_KNOWN = "/.well-known/"
#: Cloudflare's limit on the length of one rule expression.
MAX_EXPRESSION_LENGTH = 4096
PATH = "http.request.uri.path"
AUTHORIZATION = 'any(lower(http.request.headers.names[*])[*] eq "authorization")'


def quote(value: str) -> str:
    """A Rules-language string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def string_set(values: list[str]) -> str:
    return "{" + " ".join(quote(v) for v in values) + "}"


def host_in(hosts: list[str]) -> str:
    return f"http.host in {string_set(hosts)}"


def path_starts_with(prefix: str) -> str:
    """Case-insensitive prefix match on the (normalised) request path."""
    return f"starts_with(lower({PATH}), {quote(prefix.lower())})"


def authenticated(cfg: StackConfig) -> str:
    """Every request that may carry or return per-user content: never cached, always private.

    Any one signal is enough: an authenticated path prefix, an internal (Access) host, a session cookie, or
    an Authorization header.
    """
    parts = [path_starts_with(p) for p in cfg.cache.authenticated_path_prefixes]
    internal = [cfg.fqdn(label) for label in cfg.internal_labels]
    if internal:
        parts.append(f"lower(http.host) in {string_set(internal)}")
    parts += [f"http.cookie contains {quote(name + '=')}" for name in cfg.cache.session_cookies]
    parts.append(AUTHORIZATION)
    return any_of(parts)


def static_assets(cfg: StackConfig) -> str | None:
    """Requests for static assets: by extension (Cloudflare lowercases it) or under a static path prefix.

    None when the config names no static assets at all (then nothing is made cache-eligible)."""
    parts = [f"{PATH}.extension in {string_set(cfg.cache.static_extensions)}"] if cfg.cache.static_extensions else []
    parts += [path_starts_with(p) for p in cfg.cache.static_path_prefixes]
    return any_of(parts) if parts else None


def not_well_known() -> str:
    return f"not {path_starts_with(WELL_KNOWN)}"
