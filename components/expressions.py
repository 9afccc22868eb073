"""Cloudflare Rules-language expressions built from the config: one place, so that the cache bypass, the
`Cache-Control: private` header rule and the tests all read the same definition of "authenticated"."""

from __future__ import annotations

from components.config import StackConfig

WELL_KNOWN = '/.well-known/'


def quote(value: str) -> str:
    """A Rules-language string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def host_in(hosts: list[str]) -> str:
    return f"http.host in {{{' '.join(quote(h) for h in hosts)}}}"


def authenticated(cfg: StackConfig) -> str:
    """Every request that may carry or return per-user content: never cached, always private."""
    parts = [f"starts_with(http.request.uri.path, {quote(p)})" for p in cfg.cache.authenticated_path_prefixes]
    internal = [cfg.fqdn(label) for label in cfg.internal_labels]
    if internal:
        parts.append(host_in(internal))
    parts += [f"http.cookie contains {quote(name + '=')}" for name in cfg.cache.session_cookies]
    parts.append('any(lower(http.request.headers.names[*])[*] eq "authorization")')
    return any_of(parts)


def static_assets(cfg: StackConfig) -> str:
    """Requests for static assets: by extension or under a static path prefix."""
    exts = " ".join(quote(e) for e in cfg.cache.static_extensions)
    parts = [f"http.request.uri.path.extension in {{{exts}}}"]
    parts += [f"starts_with(http.request.uri.path, {quote(p)})" for p in cfg.cache.static_path_prefixes]
    return any_of(parts)


def not_well_known() -> str:
    return f"not starts_with(http.request.uri.path, {quote(WELL_KNOWN)})"
