"""Cache rules (`launchready:cache`): what is static, and what is per-user and never cached.

The component turns these into Cloudflare cache rules (`components/cache_rules.py`, through the expressions
in `components/expressions.py`); the cross-field checks are in `components/config/rules/cache.py`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.config.fields import Model, UrlPath


class Cache(Model):
    static_path_prefixes: list[UrlPath] = Field(
        default_factory=lambda: ["/assets/", "/static/"], description="Paths that only serve static assets."
    )
    static_extensions: list[Annotated[str, Field(pattern=r"^[a-z0-9]{1,10}$")]] = Field(
        default_factory=lambda: [
            "css",
            "js",
            "mjs",
            "png",
            "jpg",
            "jpeg",
            "gif",
            "svg",
            "webp",
            "ico",
            "woff2",
        ],
        description="File extensions cached as static assets.",
    )
    authenticated_path_prefixes: list[UrlPath] = Field(
        default_factory=lambda: ["/admin", "/account", "/api", "/login", "/logout", "/dashboard"],
        description="Paths that serve per-user content: never cached.",
        min_length=1,
    )
    session_cookies: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]] = Field(
        description="Names of the cookies that carry a login session.", min_length=1
    )
    edge_ttl_seconds: int = Field(2592000, ge=60, le=31536000, description="Edge TTL of static assets.")
    browser_ttl_seconds: int = Field(86400, ge=0, le=31536000, description="Browser TTL of static assets.")
