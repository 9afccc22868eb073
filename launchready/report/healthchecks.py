"""Which Route 53 health checks belong to a stack: from the stack outputs, or found in Route 53.

The monitoring component tags each check `Name=<project>-<stack>-<key>` and exports `healthChecks` as
`{key: {id, fqdn, path, ...}}`. Without the outputs, checks are matched by that tag first, then by the
endpoint's host and path from the config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.config import StackConfig
from components.naming import ENDPOINT_KEYS, name_prefix


@dataclass(frozen=True)
class WantedCheck:
    key: str  # homepage, login, api-health
    fqdn: str
    path: str
    tag_name: str

    @property
    def url(self) -> str:
        return f"https://{self.fqdn}{self.path}"


def wanted_checks(cfg: StackConfig, project: str, stack: str) -> list[WantedCheck]:
    prefix = name_prefix(project, stack)
    out = []
    for field, key in ENDPOINT_KEYS.items():
        endpoint = getattr(cfg.monitoring.endpoints, field)
        out.append(WantedCheck(key, cfg.fqdn(endpoint.host), endpoint.path, f"{prefix}-{key}"))
    return out


def ids_from_outputs(outputs: dict[str, Any], wanted: list[WantedCheck]) -> dict[str, str]:
    """Health check ids by key from `pulumi stack output --json`; keys that are missing are left out."""
    checks = outputs.get("healthChecks")
    found: dict[str, str] = {}
    if not isinstance(checks, dict):
        return found
    for want in wanted:
        entry = checks.get(want.key)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
            found[want.key] = entry["id"]
    return found


def ids_from_route53(route53: Any, wanted: list[WantedCheck]) -> dict[str, str]:
    """Find the checks in Route 53 by Name tag, else by host and path. Raises the AWS error on failure."""
    configs: dict[str, dict[str, Any]] = {}
    for page in route53.get_paginator("list_health_checks").paginate():
        for check in page.get("HealthChecks", []):
            configs[check["Id"]] = check.get("HealthCheckConfig", {})
    names: dict[str, str] = {}
    ids = sorted(configs)
    for i in range(0, len(ids), 10):  # the API takes at most 10 ids per call
        answer = route53.list_tags_for_resources(ResourceType="healthcheck", ResourceIds=ids[i : i + 10])
        for tag_set in answer.get("ResourceTagSets", []):
            for tag in tag_set.get("Tags", []):
                if tag.get("Key") == "Name":
                    names[tag_set["ResourceId"]] = tag.get("Value", "")
    found: dict[str, str] = {}
    for want in wanted:
        by_tag = sorted(hc_id for hc_id, name in names.items() if name == want.tag_name)
        if by_tag:
            found[want.key] = by_tag[0]
            continue
        by_target = sorted(
            hc_id for hc_id, conf in configs.items()
            if str(conf.get("FullyQualifiedDomainName", "")).rstrip(".").lower() == want.fqdn
            and (conf.get("ResourcePath") or "/") == want.path
        )
        if by_target:
            found[want.key] = by_target[0]
    return found
