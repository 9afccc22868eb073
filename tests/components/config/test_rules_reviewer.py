"""What a reviewer refuses: a public mail domain let into the admin app, a rate-limit path with a star that
Cloudflare matches literally, a webhook URL written in plaintext."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, parse_config


def _problems(values: dict[str, Any], secret: frozenset[str]) -> dict[str, Any]:
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return {p.path: p for p in info.value.problems}


@pytest.mark.parametrize("domain", ["gmail.com", "Outlook.com", "proton.me"])
def test_a_public_mail_domain_in_allow_email_domains_is_refused(stack_values: Any, domain: str) -> None:
    values, secret = stack_values("prod")
    values["launchready:access"]["allowEmailDomains"] = ["fanloom.io", domain]
    found = _problems(values, secret)
    p = found["launchready:access.allowEmailDomains[1]"]
    assert "public mail provider" in p.message and "allowEmails" in p.fix


def test_one_named_gmail_address_is_a_person_and_allowed(stack_values: Any) -> None:
    values, secret = stack_values("staging")
    assert values["launchready:access"]["allowEmails"] == ["contractor.qa@gmail.com"]
    parse_config(values, secret)


def test_a_rate_limit_path_with_a_star_is_refused(stack_values: Any) -> None:
    values, secret = stack_values("prod")
    values["launchready:waf"]["rateLimits"][2]["path"] = "/api/v1/auth/*"
    p = _problems(values, secret)["launchready:waf.rateLimits[2].path"]
    assert '"*" is not a wildcard' in p.message and p.value == "/api/v1/auth/*"


def test_a_plaintext_webhook_url_is_refused_with_the_secret_fix(stack_values: Any) -> None:
    values, secret = stack_values("prod")
    url = "https://hooks.example.com/services/pager"
    values["launchready:monitoring"]["alertWebhooks"].append({"name": "ops-pager", "url": url})
    p = _problems(values, secret)["launchready:monitoring.alertWebhooks[1].url"]
    assert "credential" in p.message and p.value is None
    assert "pulumi config set --secret launchready:opsPagerWebhookUrl" in p.fix
    assert "configKey: opsPagerWebhookUrl" in p.fix


@pytest.mark.parametrize(
    ("area", "field", "index", "value", "fix"),
    [
        ("cache", "authenticatedPathPrefixes", 0, "/admin/*", '"/admin/"'),
        ("cache", "staticPathPrefixes", 1, "/static/*", '"/static/"'),
        ("waf", "blockPaths", 0, "/.env*", '"/.env"'),
    ],
)
def test_a_star_in_a_prefix_or_probe_path_is_refused(stack_values: Any, area: str, field: str, index: int,
                                                     value: str, fix: str) -> None:
    values, secret = stack_values("prod")
    defaults = {"authenticatedPathPrefixes": ["/admin", "/account"], "staticPathPrefixes": ["/assets/", "/static/"],
                "blockPaths": ["/.env", "/.git"]}
    paths = list(defaults[field])
    paths[index] = value
    values[f"launchready:{area}"][field] = paths
    p = _problems(values, secret)[f"launchready:{area}.{field}[{index}]"]
    assert '"*" would be matched as a literal star' in p.message and fix in p.fix
