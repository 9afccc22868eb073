"""Strings that reach a provider are refused over the provider's documented limit, naming the key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.config import ConfigError, parse_config

Edit = Callable[[dict[str, Any]], None]


def problems_after(stack_values: Any, edit: Edit) -> dict[str, Any]:
    values, secret = stack_values("prod")
    edit(values)
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return {p.path: p for p in info.value.problems}


def _set(area: str, *path: Any, value: Any) -> Edit:
    def edit(values: dict[str, Any]) -> None:
        node = values[f"launchready:{area}"]
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return edit


@pytest.mark.parametrize(
    ("edit", "key", "words"),
    [
        (_set("monitoring", "endpoints", "homepage", "expectText", value="F" * 256),
         "launchready:monitoring.endpoints.homepage.expectText", "256 characters; a Route 53 health check's search"),
        (_set("monitoring", "endpoints", "login", "path", value="/" + "a" * 255),
         "launchready:monitoring.endpoints.login.path", "resource path takes at most 255"),
        (_set("secrets", "items", 0, "description", value="d" * 2049),
         "launchready:secrets.items[0].description", "Secrets Manager description takes at most 2048"),
        (_set("secrets", "items", 1, "owner", value="o" * 257),
         "launchready:secrets.items[1].owner", "tag value"),
        (_set("secrets", "appRoleName", value="r" * 65), "launchready:secrets.appRoleName", "IAM role name"),
        (_set("secrets", "appRoleName", value="app role"), "launchready:secrets.appRoleName", "IAM role name"),
        (_set("hostnames", "app", "purpose", value="p" * 90), "launchready:hostnames.app.purpose",
         "DNS record comment"),
        (_set("monitoring", "metricsSource", "namespace", value="AWS/ApplicationELB"),
         "launchready:monitoring.metricsSource.namespace", '"AWS/" is reserved'),
        (_set("monitoring", "metricsSource", "namespace", value="N" * 256),
         "launchready:monitoring.metricsSource.namespace", "CloudWatch namespace takes at most 255"),
    ],
)
def test_over_the_limit_is_refused(stack_values: Any, edit: Edit, key: str, words: str) -> None:
    found = problems_after(stack_values, edit)
    assert key in found, found
    assert words in found[key].message


def test_at_the_limit_is_accepted(stack_values: Any) -> None:
    values, secret = stack_values("prod")
    values["launchready:monitoring"]["endpoints"]["homepage"]["expectText"] = "F" * 255
    values["launchready:secrets"]["items"][0]["description"] = "d" * 2048
    values["launchready:secrets"]["appRoleName"] = "r" * 64
    parse_config(values, secret)


def test_a_long_txt_record_is_refused(stack_values: Any) -> None:
    def edit(values: dict[str, Any]) -> None:
        values["launchready:dns"]["extraRecords"][1]["content"] = "v=" + "x" * 2047
    found = problems_after(stack_values, edit)
    assert "Cloudflare TXT record" in found["launchready:dns.extraRecords[1].content"].message


def test_a_domain_too_long_for_its_records_is_refused(stack_values: Any) -> None:
    domain = ".".join(["a" * 62] * 3) + "." + "b" * 56 + ".io"  # 248 characters: itself a valid name
    found = problems_after(stack_values, _set("zone", "domain", value=domain))
    p = found["launchready:zone.domain"]
    assert "a DNS name holds at most 253" in p.message
    assert "at most 209 characters" in p.fix  # 253 - len("<32-char token>._domainkey.")
