"""Rules for who may reach internal hostnames (`launchready:access`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule
from components.facts import PUBLIC_EMAIL_DOMAINS

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def someone_may_reach_internal_hostnames(cfg: StackConfig) -> Iterator[Problem]:
    if cfg.internal_labels and not cfg.access.has_anyone:
        yield Problem(
            key("access"),
            f"internal hostnames ({', '.join(cfg.internal_labels)}) have nobody allowed in",
            fix="add allowEmails, allowEmailDomains or allowGroups",
        )


@rule
def no_public_mail_domain_allowed(cfg: StackConfig) -> Iterator[Problem]:
    """Allowing gmail.com (or any public mailbox provider) lets anyone with a free account into the internal
    hostnames. One named address at such a provider (allowEmails) is one person, and stays allowed."""
    for i, domain in enumerate(cfg.access.allow_email_domains):
        if domain.lower() in PUBLIC_EMAIL_DOMAINS:
            yield Problem(
                key(f"access.allowEmailDomains[{i}]"),
                f"{domain} is a public mail provider: anyone can create an address there and would be let in",
                value=domain,
                fix="allow your own company domain, or list the people one by one in allowEmails",
            )
