"""Rules for Route 53 health checks (`aws:route53/healthCheck:HealthCheck`): a check that is disabled or
inverted reports healthy whatever the site does, so the uptime alarm on it never fires."""

from __future__ import annotations

from collections.abc import Iterator

from pack_common import HEALTH_CHECK, MANDATORY, Ctx, Finding, get, label, resource_rule
from pulumi_policy import Severity


def _disabled(ctx: Ctx) -> Iterator[Finding]:
    who = label(ctx.props, ctx.name)
    if get(ctx.props, "disabled") is True:
        yield Finding(f"health check {who} is disabled: Route 53 then reports it healthy forever, so its alarm "
                      "never fires")
    if get(ctx.props, "invertHealthcheck") is True:
        yield Finding(f"health check {who} is inverted: a failing site reports healthy")


ROUTE53_RULES = [
    resource_rule(
        name="aws-route53-healthcheck-disallow-disabled",
        description="A health check must be enabled and not inverted: a disabled check is considered healthy "
                    "by Route 53 and an inverted one reports an outage as healthy.",
        severity=Severity.HIGH, level=MANDATORY, types=(HEALTH_CHECK,), check=_disabled,
        remediation="Remove disabled: true and invert_healthcheck: true (delete the check if it is not needed).",
    ),
]
