"""Who may reach internal hostnames through Cloudflare Access (`launchready:access`)."""

from __future__ import annotations

from pydantic import Field

from components.config.fields import Domain, Duration, EmailAddress, Model


class IdpGroup(Model):
    id: str = Field(description="Group id as the identity provider reports it.", min_length=1)
    name: str = Field(description="Human name for the handover.", min_length=1)


class Access(Model):
    allow_emails: list[EmailAddress] = Field(
        default_factory=list, description="People allowed into internal hostnames."
    )
    allow_email_domains: list[Domain] = Field(default_factory=list, description="Email domains allowed in.")
    allow_groups: list[IdpGroup] = Field(default_factory=list, description="Identity-provider groups allowed in.")
    session_duration: Duration | None = Field(None, description='Access session length; default "8h" in prod.')

    @property
    def has_anyone(self) -> bool:
        return bool(self.allow_emails or self.allow_email_domains or self.allow_groups)
