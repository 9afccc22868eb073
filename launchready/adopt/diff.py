"""What `pulumi up` will change on an adopted resource: its live values against the declared inputs."""

from __future__ import annotations

from typing import Any

from launchready.adopt.model import LiveRecord
from launchready.adopt.records import declared_record, is_dkim_of_ses, normal_content

DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"


def record_changes(live: LiveRecord, declared: LiveRecord, with_content: bool) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if with_content and normal_content(live.type, live.content) != normal_content(declared.type, declared.content):
        out["content"] = {"live": live.content, "declared": declared.content}
    if live.proxied != declared.proxied:
        out["proxied"] = {"live": live.proxied, "declared": declared.proxied}
    if live.ttl != declared.ttl:
        out["ttl"] = {"live": live.ttl, "declared": declared.ttl}
    if live.priority != declared.priority and live.type in ("MX", "SRV"):
        out["priority"] = {"live": live.priority, "declared": declared.priority}
    return out


def plain(value: Any) -> Any:
    """Numbers as the API and the wire both mean them: 31536000.0 and 31536000 are the same value."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def setting_changes(live: Any, declared: Any) -> dict[str, dict[str, Any]]:
    live, declared = plain(live), plain(declared)
    if isinstance(live, dict) and isinstance(declared, dict):
        out: dict[str, dict[str, Any]] = {}
        for key in sorted(set(declared)):
            sub = setting_changes(live.get(key), declared[key])
            out.update({f"{key}.{k}" if k != "value" else key: v for k, v in sub.items()})
        return out
    return {} if live == declared else {"value": {"live": live, "declared": declared}}


def current_changes(type_token: str, live: dict[str, Any] | None, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The changes now (live values saved by adopt vs today's declared inputs); None when not computable."""
    if live is None:
        return None
    if type_token == ZONE_SETTING and "value" in live:
        return setting_changes(live["value"], inputs.get("value"))
    if type_token == DNS_RECORD and {"name", "type", "content"} <= set(live):
        record = LiveRecord(id=live.get("id"), name=str(live["name"]), type=str(live["type"]),
                            content=str(live["content"]), proxied=bool(live.get("proxied")),
                            ttl=int(live.get("ttl") or 1), priority=live.get("priority"))
        # DKIM names follow the identity's tokens, which the offline plan cannot know
        return record_changes(record, declared_record(inputs), with_content=not is_dkim_of_ses(record))
    return None
