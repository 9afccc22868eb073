"""Rules for uptime checks, alarms and logs (`launchready:monitoring`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic.alias_generators import to_camel

from components.config.monitoring import CLOUDWATCH_RETENTION_DAYS, Endpoint
from components.config.problems import Problem, key
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def endpoints_on_public_hostnames(cfg: StackConfig) -> Iterator[Problem]:
    """Route 53 health checkers must reach each endpoint: a declared hostname, not one behind Access."""
    for field in ("homepage", "login", "api_health"):
        endpoint: Endpoint = getattr(cfg.monitoring.endpoints, field)
        path = key(f"monitoring.endpoints.{to_camel(field)}.host")
        if endpoint.host not in cfg.hostnames:
            yield Problem(path, "not a declared hostname", value=endpoint.host,
                          fix=f"use one of: {', '.join(cfg.hostnames)}")
        elif cfg.is_internal(endpoint.host):
            yield Problem(
                path,
                "an internal hostname sits behind Access, so Route 53 health checkers cannot reach it",
                value=endpoint.host,
            )


@rule
def alarms_notify_someone(cfg: StackConfig) -> Iterator[Problem]:
    if not cfg.monitoring.alert_emails and not cfg.monitoring.alert_webhooks:
        yield Problem(key("monitoring"), "alarms would notify nobody", fix="add alertEmails or alertWebhooks")


@rule
def log_retention_cloudwatch_accepts(cfg: StackConfig) -> Iterator[Problem]:
    for i, group in enumerate(cfg.monitoring.log_groups):
        days = cfg.log_retention_days(group)
        if days not in CLOUDWATCH_RETENTION_DAYS:
            yield Problem(
                key(f"monitoring.logGroups[{i}].retentionDays"),
                "CloudWatch accepts only " + ", ".join(map(str, CLOUDWATCH_RETENTION_DAYS)),
                value=str(days),
            )


@rule
def webhook_urls_come_from_secrets(cfg: StackConfig) -> Iterator[Problem]:
    """Whoever has a chat or paging webhook URL can post to the channel: it is a credential, so it comes from
    a secret config key (the stack file then holds only ciphertext), never from the plaintext url field."""
    for i, hook in enumerate(cfg.monitoring.alert_webhooks):
        if hook.url is not None:
            name = "".join(part.capitalize() for part in hook.name.split("-"))
            config_key = f"{name[:1].lower()}{name[1:]}WebhookUrl"
            yield Problem(
                key(f"monitoring.alertWebhooks[{i}].url"),
                "a webhook URL is a credential (anyone holding it can post alerts) and must come from a secret "
                "config key",
                fix=f"pulumi config set --secret launchready:{config_key} '<url>', then write "
                f"configKey: {config_key} instead of url and remove the plaintext",
            )
