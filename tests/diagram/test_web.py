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


def _resource(plan: dict[str, Any], type_suffix: str, name: str) -> dict[str, Any]:
    return next(r for r in plan["resources"] if r["type"].endswith(type_suffix) and r["name"] == name)


def test_a_rule_that_names_hosts_applies_to_those_hosts_only(planned: Callable[..., Any]) -> None:
    cfg, plan = planned("prod")
    cache = _resource(plan, ":Ruleset", "cache-rules")
    cache["inputs"]["rules"].insert(0, {
        "ref": "cache_api_docs", "description": "API docs cached for an hour", "action": "set_cache_settings",
        "expression": '(http.host in {"api.fanloom.io" "app.fanloom.io"} and starts_with(http.request.uri.path, '
                      '"/docs/"))'})
    cache["inputs"]["rules"].append({"ref": "off", "expression": "true", "action": "set_cache_settings",
                                     "enabled": False})
    model = build_model(cfg, plan)
    assert refs(model, "api.fanloom.io") == [*WAF, "cache_api_docs", *CACHE]
    assert refs(model, "app.fanloom.io") == [*WAF, "cache_api_docs", *CACHE]
    assert "cache_api_docs" not in refs(model, "fanloom.io") and "off" not in refs(model, "fanloom.io")
    step = next(s for s in model.host("api.fanloom.io").steps if s.key.endswith("/cache_api_docs"))  # type: ignore[union-attr]
    assert (step.title, step.all_hosts) == ("Cache rules", False)


def test_access_follows_the_applications_destinations(planned: Callable[..., Any]) -> None:
    cfg, plan = planned("prod")
    app = _resource(plan, ":ZeroTrustAccessApplication", "access-app-admin")
    app["inputs"].update(domain="", destinations=[{"type": "public", "uri": "*.fanloom.io/internal"},
                                                  {"type": "private", "uri": "10.0.0.0/8"}])
    model = build_model(cfg, plan)
    for host in ("www.fanloom.io", "app.fanloom.io", "admin.fanloom.io"):
        access = model.host(host).steps[-1]  # type: ignore[union-attr]
        assert access.phase == "access" and access.text.startswith("sign-in required on /internal; allowed: ")
    assert all(s.phase != "access" for s in model.host("fanloom.io").steps)  # type: ignore[union-attr]


def test_a_phase_the_diagram_does_not_name_still_shows_before_access(planned: Callable[..., Any]) -> None:
    cfg, plan = planned("prod")
    plan["resources"].append({"type": "cloudflare:index/ruleset:Ruleset", "name": "origin-rules", "inputs": {
        "phase": "http_request_origin", "rules": [{"ref": "api_port", "expression": "true", "action": "route"}]}})
    plan["resources"].append({"type": "cloudflare:index/ruleset:Ruleset", "name": "late", "inputs": {
        "phase": "http_response_headers_transform", "rules": [{"ref": "hsts", "expression": "true"}]}})
    admin = build_model(cfg, plan).host("admin.fanloom.io")
    assert admin is not None
    assert [s.key for s in admin.steps][-2:] == ["http_request_origin/api_port", "access/access-app-admin"]
    assert admin.steps[-2].title == "http_request_origin" and admin.steps[-2].text == "api_port (route)"
    assert all(not s.phase.startswith("http_response") for s in admin.steps)  # on the way back, not the path
