"""Launch Ready: the Pulumi program. Thin on purpose: load the typed config, build the components, export.

Run by `pulumi preview` / `pulumi up`, and offline by `launchready plan` under Pulumi's mocks; it never
knows which.
"""

import pulumi

from components import Exporter
from components.access import AccessApps
from components.alerts import AlertRouting, alert_regions
from components.config import ConfigError, load_from_pulumi
from components.config.rules.stacks import environment_matches_stack, names_fit_providers
from components.dns import DnsRecords
from components.edge import Edge
from components.email import EmailSending
from components.monitoring import Monitoring
from components.secrets import AppSecrets

try:
    cfg = load_from_pulumi()
    # The checks that need the stack's own name, as `launchready` runs them on the stack file.
    stack_problems = [
        *environment_matches_stack(cfg, pulumi.get_stack()),
        *names_fit_providers(cfg, pulumi.get_project(), pulumi.get_stack()),
    ]
    if stack_problems:
        raise ConfigError(stack_problems, source=f"stack {pulumi.get_stack()}")
except ConfigError as exc:
    # RunError stops the program cleanly: the message, no traceback, nothing registered.
    raise pulumi.RunError(str(exc)) from None

default_region = pulumi.Config("aws").get("region") or "us-east-1"

dns = DnsRecords("dns", cfg)
edge = Edge("edge", cfg)
access = AccessApps("access", cfg)
alerts = AlertRouting("alerts", cfg, alert_regions(cfg, default_region))
if cfg.email.enabled:
    email = EmailSending("email", cfg, alerts)
secrets = AppSecrets("secrets", cfg, pulumi.get_project(), pulumi.get_stack())
monitoring = Monitoring("monitoring", cfg, alerts, default_region)

pulumi.export("environment", cfg.environment.value)
pulumi.export("domain", cfg.domain)
pulumi.export("canonicalHost", cfg.canonical_host)
pulumi.export("dnsMap", dns.dns_map)
exporters: list[Exporter] = [edge, access, alerts, secrets, monitoring]
if cfg.email.enabled:
    exporters.append(email)
for component in exporters:
    for key, value in component.exports().items():
        pulumi.export(key, value)
