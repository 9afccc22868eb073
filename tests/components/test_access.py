"""Cloudflare Access under Pulumi's mocks: one reusable allow policy from the config, one self-hosted
application per internal hostname referencing it, short sessions, and the audience tags exported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from components.access import AccessApps
from components.config import ConfigError, parse_config
from tests.components.conftest import (
    Mutate,
    Recorder,
    StackValues,
    resolved_exports,
    run,
    stack_config,
    start_mocks,
)

ACCOUNT = "0b9e8d7c6a5f4e3d2c1b0a9f8e7d6c5b"
APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"
POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy"


@dataclass
class Built:
    recorder: Recorder
    exports: dict[str, Any] = field(default_factory=dict)

    def of_type(self, typ: str) -> dict[str, dict[str, Any]]:
        return self.recorder.of_type(typ)


def build(stack_values: StackValues, stack: str, mutate: Mutate | None = None) -> Built:
    cfg = stack_config(stack_values, stack, mutate)
    recorder = Recorder()
    start_mocks(recorder, stack)
    apps = run(lambda: AccessApps("access", cfg))
    return Built(recorder, resolved_exports(apps))


def add_internal_hosts(values: dict[str, Any]) -> None:
    hosts = values["launchready:hostnames"]
    hosts["admin-eu"] = {"origin": "admin-eu.fly.dev", "purpose": "admin app, EU region"}  # admin-*: internal
    hosts["ops"] = {"origin": "ops.fly.dev", "purpose": "ops console", "internal": True}
    hosts["admin-public"] = {"origin": "docs.fly.dev", "purpose": "public admin docs", "internal": False}


def test_prod_has_one_reusable_allow_policy_from_the_config(stack_values) -> None:
    built = build(stack_values, "prod")
    assert built.of_type(POLICY) == {"access-allow-staff": {
        "accountId": ACCOUNT, "name": "fanloom.io staff (prod)", "decision": "allow", "sessionDuration": "8h",
        "includes": [{"emailDomain": {"domain": "fanloom.io"}},
                     {"group": {"id": "7d9c1e52-3b4a-4f6e-9a0d-1c2b3e4f5a6b"}}],
    }}


def test_staging_policy_lets_in_its_people_with_a_longer_session(stack_values) -> None:
    built = build(stack_values, "staging")
    policy = built.of_type(POLICY)["access-allow-staff"]
    assert policy["includes"] == [{"email": {"email": "contractor.qa@gmail.com"}},
                                  {"emailDomain": {"domain": "fanloom.io"}}]
    assert policy["sessionDuration"] == "24h"
    assert built.of_type(APP)["access-app-admin"]["sessionDuration"] == "24h"


def test_the_admin_app_is_self_hosted_on_its_hostname_with_a_short_http_only_session(stack_values) -> None:
    built = build(stack_values, "prod")
    policy_id = built.recorder.ids["access-allow-staff"]
    assert built.of_type(APP) == {"access-app-admin": {
        "accountId": ACCOUNT,
        "name": "admin.fanloom.io (internal admin app for support and trust-and-safety)",
        "type": "self_hosted",
        "domain": "admin.fanloom.io",
        "destinations": [{"type": "public", "uri": "admin.fanloom.io"}],
        "sessionDuration": "8h",
        "appLauncherVisible": False,
        "httpOnlyCookieAttribute": True,
        "sameSiteCookieAttribute": "lax",
        "enableBindingCookie": True,
        "autoRedirectToIdentity": False,
        "policies": [{"id": policy_id, "precedence": 1}],
    }}


def test_every_internal_hostname_gets_an_app_and_only_those(stack_values) -> None:
    built = build(stack_values, "prod", add_internal_hosts)
    apps = built.of_type(APP)
    assert {n: a["domain"] for n, a in apps.items()} == {
        "access-app-admin": "admin.fanloom.io",
        "access-app-admin-eu": "admin-eu.fanloom.io",
        "access-app-ops": "ops.fanloom.io",
    }
    policy_id = built.recorder.ids["access-allow-staff"]
    assert all(a["policies"] == [{"id": policy_id, "precedence": 1}] for a in apps.values())
    assert len(built.of_type(POLICY)) == 1  # reused, not one per app
    assert set(built.exports["accessApps"]) == {"admin.fanloom.io", "admin-eu.fanloom.io", "ops.fanloom.io"}


def test_audience_tags_are_exported_per_hostname(stack_values) -> None:
    built = build(stack_values, "prod")
    aud = built.recorder.state["access-app-admin"]["aud"]
    assert len(aud) == 64
    assert built.exports == {"accessApps": {"admin.fanloom.io": {"aud": aud}}}


def test_no_internal_hostname_means_no_access_resources(stack_values) -> None:
    built = build(stack_values, "prod", lambda v: v["launchready:hostnames"].pop("admin"))
    assert built.recorder.inputs == {}
    assert built.exports == {"accessApps": {}}


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda v: v["launchready:access"].clear(), "launchready:access"),
    (lambda v: v["launchready:hostnames"]["admin"].update(proxied=False), "launchready:hostnames.admin.proxied"),
])
def test_an_internal_hostname_nobody_may_enter_or_not_proxied_is_a_config_error(stack_values, mutate, path) -> None:
    values, secret = stack_values("prod")
    mutate(values)
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    assert path in [p.path for p in info.value.problems]
