"""Canonical host and legacy URLs (`launchready:redirects`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from components.config.fields import Model, UrlPath
from components.config.zone import CloudflarePlan

#: Single Redirects (the zone's http_request_dynamic_redirect rules) per plan.
REDIRECT_RULE_LIMITS = {
    CloudflarePlan.free: 10,
    CloudflarePlan.pro: 25,
    CloudflarePlan.business: 50,
    CloudflarePlan.enterprise: 300,
}


class LegacyRedirect(Model):
    from_: UrlPath = Field(
        alias="from",
        description='Old path: exact ("/pricing.html") or wildcard with one trailing "*" ("/blog/*").',
    )
    to: str = Field(description='New path or https URL; "${1}" is what the wildcard matched, e.g. "/articles/${1}".')
    status_code: Literal[301, 308] | None = Field(None, description="Overrides the default status code.")

    @property
    def is_wildcard(self) -> bool:
        return self.from_.endswith("*")

    @model_validator(mode="after")
    def _shape(self) -> LegacyRedirect:
        if "*" in self.from_[:-1]:
            raise ValueError('"from" may hold only one "*", at the end')
        if self.from_.startswith("/.well-known/"):
            raise ValueError('"/.well-known/" paths are never redirected (certificate and email validation)')
        if not (self.to.startswith("/") or self.to.startswith("https://")):
            raise ValueError('"to" must be a path starting with "/" or an https:// URL')
        if "${1}" in self.to and not self.is_wildcard:
            raise ValueError('"${1}" in "to" needs a wildcard "from" ending in "*"')
        return self


class Redirects(Model):
    canonical: Literal["apex", "www"] = Field("apex", description="The host every visitor ends up on.")
    status_code: Literal[301, 308] = Field(301, description="Status code of the redirects.")
    legacy: list[LegacyRedirect] = Field(default_factory=list, description="Old URLs that must keep working.")
