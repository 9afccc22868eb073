"""A user's project on an existing zone: their own stack file, the program beside it, a fake Cloudflare API."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchready import PROJECT_ROOT
from tests.adopt.cloudflare_fake import GOOD_TOKEN, FakeZone, record, serve

ZONE_ID = "3f2c8a9d1b7e4c6a9f0d2e4b6a8c0e1f"
ACCOUNT_ID = "7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"

PROJECT = """\
name: acme-shop
runtime:
  name: python
  options:
    virtualenv: .venv
"""

# As a user writes it: comments, their own order, short hostnames, defaults left out.
PROD = f"""\
# yaml-language-server: $schema=./schema/stack-config.schema.json
# Acme's shop in production. Ask #platform before changing the zone.
config:
  aws:region: eu-west-1
  launchready:environment: prod
  launchready:zone:
    domain: acme.io
    zoneId: {ZONE_ID}   # dashboard > Overview
    accountId: {ACCOUNT_ID}
    plan: pro
  launchready:hostnames:
    "@":
      origin: 203.0.113.5   # the shop's load balancer
      purpose: storefront
    www:
      origin: acme.io
      purpose: redirects to the apex
    app:
      origin: acme-app.fly.dev
      purpose: customer dashboard
    admin:
      origin: acme-admin.fly.dev
      purpose: back office
  launchready:cache:
    sessionCookies: [acme_session]
  launchready:access:
    allowEmailDomains: [acme.io]
  launchready:email:
    sesRegion: eu-west-1
    dmarc:
      policy: quarantine
      rua: [dmarc@acme.io]
  launchready:secrets:
    appRoleName: acme-app-prod
    items:
      - name: session-signing-key
        description: signs the session cookie
        owner: platform
        source: generated
  launchready:monitoring:
    alertEmails: [oncall@acme.io]
    endpoints:
      homepage: {{host: "@", path: /, expectText: Acme}}
      login: {{host: app, path: /login, expectText: Sign in}}
      apiHealth: {{host: app, path: /healthz, expectText: ok}}
"""

GOOGLE_SPF = '"v=spf1 include:_spf.google.com ~all"'
SITE_VERIFICATION = "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"


def live_records() -> list[dict[str, object]]:
    """What the zone already holds: a dashboard-made site with Google Workspace mail."""
    return [
        record("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "A", "203.0.113.5", proxied=True),
        record("1a1b2c3d4e5f60718293a4b5c6d7e8f9", "www.acme.io", "CNAME", "acme.io", proxied=True),
        record("2a1b2c3d4e5f60718293a4b5c6d7e8f9", "app.acme.io", "CNAME", "old-dashboard.herokuapp.com",
               proxied=True),
        record("3a1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "MX", "smtp.google.com", priority=1, ttl=3600),
        record("4a1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "TXT", GOOGLE_SPF, ttl=3600),
        record("5a1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "TXT", SITE_VERIFICATION, ttl=3600),
        record("6a1b2c3d4e5f60718293a4b5c6d7e8f9", "_dmarc.acme.io", "TXT",
               '"v=DMARC1; p=none; rua=mailto:postmaster@acme.io"'),
        record("7a1b2c3d4e5f60718293a4b5c6d7e8f9", "_github-challenge-acme-shop.acme.io", "TXT", "8c1f5e2a9b"),
        record("8a1b2c3d4e5f60718293a4b5c6d7e8f9", "google._domainkey.acme.io", "TXT",
               '"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"'),
        record("9a1b2c3d4e5f60718293a4b5c6d7e8f9", "status.acme.io", "CNAME", "acme.statuspage.io", ttl=300),
        record("aa1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "NS", "ada.ns.cloudflare.com", ttl=86400),
        record("ba1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "NS", "bob.ns.cloudflare.com", ttl=86400),
        record("ca1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "CAA", '0 issue "letsencrypt.org"', ttl=3600,
               data={"flags": 0, "tag": "issue", "value": "letsencrypt.org"}),
        record("da1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "CAA", '0 issue "sectigo.com"', ttl=3600,
               data={"flags": 0, "tag": "issue", "value": "sectigo.com"}),
        record("ea1b2c3d4e5f60718293a4b5c6d7e8f9", "links.acme.io", "MX", "route1.mx.cloudflare.net", priority=12,
               meta={"read_only": True, "email_routing": True}),
    ]


REDIRECT_RULESET = "f1e2d3c4b5a697887766554433221100"
MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee"


def live_zone() -> FakeZone:
    return FakeZone(
        zone_id=ZONE_ID,
        name="acme.io",
        records=live_records(),
        rulesets=[
            {"id": REDIRECT_RULESET, "name": "default", "kind": "zone", "phase": "http_request_dynamic_redirect",
             "version": "3", "last_updated": "2025-06-01T10:00:00Z", "description": ""},
            {"id": MANAGED_RULESET, "name": "Cloudflare Managed Ruleset", "kind": "managed",
             "phase": "http_request_firewall_managed", "version": "80", "last_updated": "2025-06-01T10:00:00Z"},
        ],
        settings={
            "ssl": "flexible", "always_use_https": "off", "min_tls_version": "1.0", "tls_1_3": "on",
            "automatic_https_rewrites": "on",
            "security_header": {"strict_transport_security": {"enabled": False, "max_age": 0,
                                                              "include_subdomains": False, "preload": False,
                                                              "nosniff": False}},
        },
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "acme-shop"
    root.mkdir()
    (root / "Pulumi.yaml").write_text(PROJECT, encoding="utf-8")
    (root / "Pulumi.prod.yaml").write_text(PROD, encoding="utf-8")
    shutil.copy2(PROJECT_ROOT / "__main__.py", root / "__main__.py")
    for name in ("components", "policies"):
        os.symlink(PROJECT_ROOT / name, root / name)
    return root


@pytest.fixture
def zone() -> FakeZone:
    return live_zone()


@pytest.fixture
def api(zone: FakeZone, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", GOOD_TOKEN)
    for key in ("CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    with serve(zone) as base:
        yield base
