"""launchready/diagram/web.py: the steps on each host's path, from the config and the plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from launchready.diagram.build import build_model
from launchready.diagram.model import PathModel

WAF = ["block_probes", "ratelimit_login", "ratelimit_password_reset", "ratelimit_api_auth",
       "managed_cloudflare_managed", "managed_owasp"]
CACHE = ["cache_static_assets", "bypass_authenticated"]


def refs(model: PathModel, host: str) -> list[str]:
    path = model.host(host)
    assert path is not None, host
    return [step.key.split("/", 1)[1] for step in path.steps]


def legacy_refs(plan: dict[str, Any]) -> list[str]:
    """The legacy redirects of the stack, in their order (one per `launchready:redirects.legacy` entry)."""
    rules = next(r["inputs"]["rules"] for r in plan["resources"]
                 if r["type"] == "cloudflare:index/ruleset:Ruleset" and r["inputs"]["phase"].endswith("redirect"))
    return [rule["ref"] for rule in rules if rule["ref"].startswith("legacy_")]


def test_prod_paths_follow_the_phase_order_and_the_rules_hosts(planned: Callable[..., Any]) -> None:
    cfg, plan = planned("prod")
    model = build_model(cfg, plan)
    redirects = legacy_refs(plan)
    assert len(redirects) == len(cfg.redirects.legacy) >= 3
    assert [h.host for h in model.hosts] == ["fanloom.io", "www.fanloom.io", "app.fanloom.io", "api.fanloom.io",
                                             "admin.fanloom.io"]
    assert refs(model, "fanloom.io") == redirects + WAF + CACHE
    assert refs(model, "www.fanloom.io") == [*redirects, "canonical_host", *WAF, *CACHE]
    assert refs(model, "app.fanloom.io") == WAF + CACHE
    # Access is the last step; the static-asset cache rule excludes internal hosts, so it is not on admin's path
    assert refs(model, "admin.fanloom.io") == [*WAF, "bypass_authenticated", "access-app-admin"]
    admin = model.host("admin.fanloom.io")
    assert admin is not None and admin.origin == "fanloom-admin.fly.dev" and admin.proxied


def test_a_dns_only_host_skips_cloudflare(model_of: Callable[..., PathModel]) -> None:
    def dns_only(values: dict[str, Any]) -> None:
        values["launchready:hostnames"]["api"]["proxied"] = False

    api = model_of("prod", dns_only).host("api.fanloom.io")
    assert api is not None
    assert (api.proxied, api.steps, api.origin) == (False, (), "fanloom-api.fly.dev")


def test_an_address_origin_is_an_a_record(model_of: Callable[..., PathModel]) -> None:
    def address(values: dict[str, Any]) -> None:
        values["launchready:hostnames"]["api"]["origin"] = "203.0.113.10"

    api = model_of("staging", address).host("api.fanloom-staging.net")
    assert api is not None and (api.record, api.origin) == ("A", "203.0.113.10")


def test_staging_rate_limit_and_access_follow_its_config(model_of: Callable[..., PathModel]) -> None:
    model = model_of("staging")
    assert refs(model, "app.fanloom-staging.net") == ["block_probes", "ratelimit_login",
                                                      "managed_cloudflare_managed", "managed_owasp", *CACHE]
    admin = model.host("admin.fanloom-staging.net")
    assert admin is not None
    access = admin.steps[-1]
    assert access.phase == "access" and "contractor.qa@gmail.com" in access.text and "@fanloom.io" in access.text
