"""One complete example stack (a made-up product on example.com) that the reference takes its examples from,
and the environment-dependent defaults, read from the models' derived values for staging and for prod.

A test validates the example with the schema and the models, so every example in docs/config.md is a value
the program accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from components.config import LogGroup, StackConfig, parse_config

EXAMPLE_STACK = """\
config:
  aws:region: eu-west-1
  launchready:environment: prod
  launchready:zone:
    domain: example.com
    zoneId: 023e105f4ecef8ad9ca31a8372d0c353
    accountId: 01a7362d577a6c3019a474fd6f485823
    plan: business
  launchready:hostnames:
    "@":
      origin: web.example-hosting.net
      purpose: marketing site
      owner: growth
    www:
      origin: example.com
      purpose: redirects to the apex
    app:
      origin: 203.0.113.10
      proxied: true
      purpose: the logged-in web app
      owner: product
    admin:
      origin: admin.example-hosting.net
      internal: true
      purpose: back office for support
  launchready:dns:
    caaIssuers: [letsencrypt.org, pki.goog]
    caaReportEmail: security@example.com
    extraRecords:
      - name: "@"
        type: MX
        content: smtp.google.com
        priority: 1
        ttl: 3600
        purpose: inbound mail (Google Workspace)
        owner: it
  launchready:redirects:
    canonical: apex
    statusCode: 301
    legacy:
      - from: /pricing.html
        to: /pricing
        statusCode: 308
  launchready:tls:
    minVersion: "1.2"
    hsts:
      maxAgeSeconds: 31536000
      includeSubdomains: true
      preload: false
  launchready:cache:
    staticPathPrefixes: [/assets/]
    staticExtensions: [css, js, woff2]
    authenticatedPathPrefixes: [/account, /api, /login]
    sessionCookies: [session_id]
    edgeTtlSeconds: 2592000
    browserTtlSeconds: 86400
  launchready:waf:
    managedRulesets: [cloudflare_managed]
    blockPaths: [/.env, /.git]
    rateLimits:
      - name: login
        path: /login
        methods: [POST]
        requestsPerPeriod: 5
        periodSeconds: 60
        mitigationTimeoutSeconds: 600
        action: managed_challenge
  launchready:access:
    allowEmails: [contractor@example.org]
    allowEmailDomains: [example.com]
    allowGroups:
      - id: 2f6a1c3e-0d4b-4a5e-9c7f-8b1d2e3f4a5b
        name: support
    sessionDuration: 8h
  launchready:email:
    enabled: true
    sesRegion: eu-west-1
    mailFromSubdomain: mail
    dmarc:
      policy: quarantine
      subdomainPolicy: quarantine
      rua: [dmarc@example.com]
      percent: 100
    spf:
      extraSenders: [include:_spf.google.com]
      all: ~all
    bounceRateThreshold: 0.02
    complaintRateThreshold: 0.001
  launchready:secrets:
    appRoleName: example-app-prod
    recoveryWindowDays: 30
    items:
      - name: database-url
        description: Postgres connection string of the app
        owner: platform
        rotationDays: 90
        source: config
        configKey: databaseUrl
        runbook: docs/runbook.md#rotate-a-secret
        valueVersion: 1
      - name: session-signing-key
        description: Key that signs session cookies
        owner: platform
        source: generated
        length: 64
  launchready:databaseUrl:
    secure: v1:UkVQTEFDRV9NRTpleGFtcGxlLWRhdGFiYXNlLXVybA==
  launchready:monitoring:
    alertEmails: [oncall@example.com]
    alertWebhooks:
      - name: chat-incidents
        configKey: chatWebhookUrl
    endpoints:
      homepage: {host: "@", path: /, expectText: Example}
      login: {host: app, path: /login, expectText: Sign in}
      apiHealth: {host: app, path: /healthz, expectText: ok}
    routeClasses:
      core: {p95Ms: 500}
    errorRatePercent: 5
    failedJobsThreshold: 1
    uptimeTargetPercent: 99.9
    metricsSource:
      type: custom
      namespace: Example/App
    logGroups:
      - name: /example/prod/app
        retentionDays: 90
  launchready:chatWebhookUrl:
    secure: v1:UkVQTEFDRV9NRTpleGFtcGxlLXdlYmhvb2s=
"""

#: Keys whose default depends on the environment (or the plan): how to read the effective value.
DERIVED: dict[str, Callable[[StackConfig], Any]] = {
    "tls.hsts.maxAgeSeconds": lambda c: c.hsts_max_age,
    "email.dmarc.policy": lambda c: c.dmarc_policy.value,
    "access.sessionDuration": lambda c: c.access_session_duration,
    "secrets.recoveryWindowDays": lambda c: c.secret_recovery_window_days,
    "monitoring.logGroups[].retentionDays": lambda c: c.log_retention_days(LogGroup(name="/example/app")),
}



def example_values() -> dict[str, Any]:
    """The example's config map as the loader hands it over (secure values replaced by a placeholder)."""
    config = yaml.safe_load(EXAMPLE_STACK)["config"]
    return {k: ("[secret]" if isinstance(v, dict) and set(v) == {"secure"} else v) for k, v in config.items()}


def example_config(environment: str = "prod", *, keep_defaults: bool = False) -> StackConfig:
    """The example stack parsed; with keep_defaults the environment-dependent keys are left unset."""
    values = example_values()
    values["launchready:environment"] = environment
    if keep_defaults:
        values["launchready:tls"] = {**values["launchready:tls"], "hsts": {"includeSubdomains": True}}
        values["launchready:access"] = {k: v for k, v in values["launchready:access"].items()
                                        if k != "sessionDuration"}
        values["launchready:secrets"] = {k: v for k, v in values["launchready:secrets"].items()
                                         if k != "recoveryWindowDays"}
        email = dict(values["launchready:email"])
        email["dmarc"] = {k: v for k, v in email["dmarc"].items() if k not in ("policy", "subdomainPolicy")}
        values["launchready:email"] = email
        if environment == "staging":
            values["launchready:tls"]["hsts"] = {}
    secret = {"launchready:databaseUrl", "launchready:chatWebhookUrl"}
    return parse_config(values, frozenset(secret), source="the reference example")


def environment_defaults() -> dict[str, tuple[Any, Any]]:
    """key path -> (staging default, prod default) for every environment-dependent key."""
    staging = example_config("staging", keep_defaults=True)
    prod = example_config("prod", keep_defaults=True)
    return {path: (read(staging), read(prod)) for path, read in DERIVED.items()}


def example_at(path: str) -> Any:
    """The example's value at a dotted key path (`hostnames.<name>.origin`, `dns.extraRecords[].type`), or None."""
    values = example_values()
    area, _, rest = path.partition(".")
    node: Any = values.get(f"launchready:{area}")
    for part in rest.split(".") if rest else []:
        if node is None:
            return None
        if part == "<name>" and isinstance(node, dict):
            node = next(iter(node.values()), None) if "app" not in node else node["app"]
            continue
        name, is_list = (part[:-2], True) if part.endswith("[]") else (part, False)
        node = node.get(name) if isinstance(node, dict) else None
        if is_list:
            node = node[0] if isinstance(node, list) and node else None
    return node


__all__ = ["DERIVED", "EXAMPLE_STACK", "environment_defaults", "example_at", "example_config"]
