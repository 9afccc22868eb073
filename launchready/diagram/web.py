"""The request path of every declared hostname, from the stack config and the plan document.

DNS comes from the hostname's record in the plan (proxied or DNS-only); a proxied host then passes the
Cloudflare steps that apply to it, in phase order (see `model.PHASES`): every rule of every entry-point
ruleset whose expression can match the host (`expressions.host_scope`), then the Access application
whose domain or destination is the host; then the origin. A DNS-only host skips Cloudflare altogether.
Only values the config and the program declare are used: nothing the mocks fabricate (ids, audience
tags) is read.
"""

from __future__ import annotations

from typing import Any

from components.config import StackConfig
from launchready.diagram.expressions import host_scope
from launchready.diagram.model import ACCESS_PHASE, HostPath, Step, phase_rank

RULESET = "cloudflare:index/ruleset:Ruleset"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"
WEB_RECORD_TYPES = ("A", "AAAA", "CNAME")


def resources(plan: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r for r in plan.get("resources") or [] if r.get("type") == type_token]


def _inputs(res: dict[str, Any]) -> dict[str, Any]:
    inputs = res.get("inputs")
    return inputs if isinstance(inputs, dict) else {}


def rule_text(rule: dict[str, Any]) -> str:
    ref = str(rule.get("ref") or rule.get("action") or "rule")
    description = str(rule.get("description") or "").strip().replace(" -> ", " → ")
    return f"{ref}: {description}" if description else f"{ref} ({rule.get('action') or 'no action'})"


def ruleset_steps(plan: dict[str, Any]) -> list[tuple[Step, Any]]:
    """Every request-phase rule of the plan, in phase order then rule order, with its host scope.
    Response phases (headers on the way back) are not on the request path and are left out."""
    found: list[tuple[int, int, Step, Any]] = []
    for res in resources(plan, RULESET):
        inputs = _inputs(res)
        phase = str(inputs.get("phase") or "")
        if not phase.startswith("http_request") and phase != "http_ratelimit":
            continue
        for index, rule in enumerate(inputs.get("rules") or []):
            if not isinstance(rule, dict) or rule.get("enabled") is False:
                continue
            scope = host_scope(str(rule.get("expression") or "true"))
            ref = str(rule.get("ref") or index)
            step = Step(phase, f"{phase}/{ref}", rule_text(rule), scope.all_hosts)
            found.append((phase_rank(phase), index, step, scope))
    found.sort(key=lambda item: (item[0], item[2].phase, item[1]))
    return [(step, scope) for _, _, step, scope in found]


def _allowed(cfg: StackConfig) -> str:
    who = [f"@{d}" for d in cfg.access.allow_email_domains]
    who += [f"group {g.name}" for g in cfg.access.allow_groups]
    who += list(cfg.access.allow_emails)
    return ", ".join(who) or "nobody"


def _access_targets(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """(host pattern, path) of every public destination of an Access application: `destinations`, the
    deprecated `selfHostedDomains` and `domain`, each "host[/path]", the host possibly a "*." wildcard."""
    uris = [str(d.get("uri") or "") for d in inputs.get("destinations") or []
            if isinstance(d, dict) and d.get("type", "public") == "public"]
    uris += [str(u) for u in inputs.get("selfHostedDomains") or []] + [str(inputs.get("domain") or "")]
    targets = []
    for uri in uris:
        host, slash, path = uri.strip().removeprefix("https://").partition("/")
        if host:
            targets.append((host.lower(), slash + path))
    return list(dict.fromkeys(targets))


def _covers(pattern: str, host: str) -> bool:
    return pattern == host or (pattern.startswith("*.") and host.endswith(pattern[1:]))


def access_step(cfg: StackConfig, plan: dict[str, Any], host: str) -> Step | None:
    """The Access step of the applications that protect `host` (all of them, in one step), or None."""
    found: list[tuple[str, str, Any]] = []
    for res in resources(plan, ACCESS_APP):
        inputs = _inputs(res)
        paths = [path for pattern, path in _access_targets(inputs) if _covers(pattern, host.lower())]
        if paths:
            found.append((str(res.get("name")), ", ".join(p or "every path" for p in paths),
                          inputs.get("sessionDuration")))
    if not found:
        return None
    scope = "; ".join(f"on {paths}" for _, paths, _ in found if paths != "every path")
    session = next((s for *_, s in found if s), None)
    text = (f"sign-in required{' ' + scope if scope else ''}; allowed: {_allowed(cfg)}"
            + (f"; session {session}" if session else ""))
    return Step(ACCESS_PHASE, f"{ACCESS_PHASE}/{'+'.join(name for name, *_ in found)}", text, all_hosts=False)


def _records(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for res in resources(plan, DNS_RECORD):
        inputs = _inputs(res)
        if inputs.get("type") in WEB_RECORD_TYPES:
            found.setdefault(str(inputs.get("name") or "").lower(), inputs)
    return found


def host_paths(cfg: StackConfig, plan: dict[str, Any]) -> list[HostPath]:
    """One path per declared hostname, in the order the stack file declares them."""
    records = _records(plan)
    rules = ruleset_steps(plan)
    paths = []
    for label, hostname in cfg.hostnames.items():
        host = cfg.fqdn(label)
        record = records.get(host.lower(), {})
        proxied = bool(record.get("proxied", hostname.proxied))
        steps: list[Step] = []
        if proxied:
            steps = [step for step, scope in rules if scope.applies_to(host)]
            access = access_step(cfg, plan, host)
            if access is not None:
                steps.append(access)
        paths.append(HostPath(
            host=host, label=label, purpose=hostname.purpose,
            record=str(record.get("type") or hostname.record_type),
            proxied=proxied, origin=str(record.get("content") or hostname.origin), steps=tuple(steps),
        ))
    return paths
