"""What every rule of the pack shares: config schema, include/exclude, exemptions, environment, safety.

Each rule is written as a generator of `Finding`s over a small context object; `resource_rule` and
`stack_rule` turn it into a CrossGuard policy that
- applies the rule's config (`includeFor`/`excludeFor` name regexes, `exemptions` with resource, reason
  and expiry date: an expired exemption no longer exempts, and says so in the violation);
- never raises: an UnknownValueError (a value not known during preview) goes back to the SDK, which
  reports it as advisory; any other error becomes a violation that names the rule, failing closed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

COMMON_PROPERTIES: dict[str, dict[str, Any]] = {
    "includeFor": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Regexes of resource names this rule applies to (empty: all).",
    },
    "excludeFor": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Regexes of resource names this rule skips.",
    },
    "exemptions": {
        "type": "array",
        "default": [],
        "description": "Reviewed exceptions: the resource name, why, and the date the exemption ends.",
        "items": {
            "type": "object",
            "properties": {
                "resource": {"type": "string"},
                "reason": {"type": "string"},
                "expires": {"type": "string", "format": "date"},
            },
            "required": ["resource", "reason", "expires"],
        },
    },
    "environment": {
        "type": "string",
        "default": "",
        "description": "staging or prod; empty: from the stack tag `environment`, else from the stack name.",
    },
}

PROD_NAMES = ("prod", "production")


def stack_config_value(key: str) -> str:
    """A stack config value the CLI passed in PULUMI_CONFIG (`<namespace>:<key>`), or ""."""
    try:
        config = json.loads(os.environ.get("PULUMI_CONFIG") or "{}")
    except ValueError:
        return ""
    if not isinstance(config, dict):
        return ""
    for name, value in sorted(config.items()):
        if isinstance(name, str) and (name == key or name.endswith(f":{key}")) and isinstance(value, str):
            return value
    return ""


@dataclass(frozen=True)
class Finding:
    message: str
    urn: str | None = None
    name: str | None = None  # resource name, for exemptions in stack rules


@dataclass
class Ctx:
    """What a rule sees: its config, the environment, and (for resource rules) the resource."""

    config: Mapping[str, Any]
    stack_tags: Mapping[str, str]
    props: Any = None
    name: str = ""
    resource_type: str = ""
    provider_props: Any = None
    resources: list[Any] | None = None

    @property
    def environment(self) -> str:
        """The rule's `environment` setting, else the stack tag or config `environment`, else the stack name."""
        configured = str(self.config.get("environment") or "")
        if configured:
            return configured.lower()
        tag = self.stack_tags.get("environment", "")
        if tag:
            return tag.lower()
        from_config = stack_config_value("environment")
        if from_config:
            return from_config.lower()
        return os.environ.get("PULUMI_STACK", "").lower()

    @property
    def is_prod(self) -> bool:
        return self.environment in PROD_NAMES

    def setting(self, key: str, default: Any) -> Any:
        value = self.config.get(key)
        return default if value is None else value


class _Unknown:
    """Stands for a value Pulumi cannot know during preview (returned by `peek`, never by `get`)."""

    def __repr__(self) -> str:
        return "<unknown during preview>"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()


def get(obj: Any, *path: str | int, default: Any = None) -> Any:
    """Read a nested value; a missing key or a wrong shape is `default`. Unknown values still raise
    UnknownValueError, which the SDK turns into an advisory "can't run during preview"."""
    cur = obj
    for part in path:
        try:
            if isinstance(part, int):
                if not isinstance(cur, Sequence) or isinstance(cur, str) or part >= len(cur):
                    return default
                cur = cur[part]
            else:
                if cur is None or not isinstance(cur, Mapping):
                    return default
                cur = cur.get(part)
        except (KeyError, IndexError, TypeError, AttributeError):
            return default
        if cur is None:
            return default
    return cur


def peek(obj: Any, *path: str | int, default: Any = None) -> Any:
    """Like `get`, but a value unknown during preview reads as `UNKNOWN` instead of raising, for rules that
    can still decide (a DKIM CNAME whose name waits for SES tokens still counts through its dependencies)."""
    try:
        return get(obj, *path, default=default)
    except UnknownValueError:
        return UNKNOWN


def label(props: Any, fallback: str) -> str:
    """A resource's physical `name` input for messages, else its logical name (also when unknown)."""
    value = peek(props, "name")
    return fallback if value is UNKNOWN or not value else str(value)


def items(obj: Any, *path: str | int) -> list[Any]:
    """A list property as a list of elements (each unknown element as `UNKNOWN`); not a list: []."""
    value = peek(obj, *path)
    if value is UNKNOWN or not isinstance(value, Sequence) or isinstance(value, str):
        return []
    out = []
    for i in range(len(value)):
        try:
            out.append(value[i])
        except UnknownValueError:
            out.append(UNKNOWN)
    return out


def matches_any(patterns: Iterable[str], name: str) -> bool:
    for pattern in patterns:
        try:
            if re.search(pattern, name):
                return True
        except re.error:
            continue
    return False


def _exemption_for(config: Mapping[str, Any], name: str, urn: str = "") -> tuple[bool, str | None]:
    """(exempt, note): exempt when a current exemption names the resource (its name or URN); a note when
    the exemption expired or has no valid date, so the violation says why it is back."""
    today = dt.date.today()
    note = None
    for item in config.get("exemptions") or []:
        if not isinstance(item, Mapping) or item.get("resource") not in {name, urn} - {""}:
            continue
        try:
            expires = dt.date.fromisoformat(str(item.get("expires")))
        except ValueError:
            note = f"the exemption for {name} has no valid expiry date, so it does not apply"
            continue
        if expires >= today:
            return True, None
        note = (f"the exemption for {name} ({item.get('reason', 'no reason given')}) expired on {expires}, "
                "so it no longer exempts")
    return False, note


def _selected(config: Mapping[str, Any], name: str) -> bool:
    include = config.get("includeFor") or []
    if include and not matches_any(include, name):
        return False
    return not matches_any(config.get("excludeFor") or [], name)


def _schema(extra: Mapping[str, dict[str, Any]] | None) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={**COMMON_PROPERTIES, **(extra or {})})


def _report(report: ReportViolation, finding: Finding, note: str | None) -> None:
    message = finding.message if note is None else f"{finding.message} ({note})"
    report(message, finding.urn)


def resource_rule(
    *,
    name: str,
    description: str,
    severity: Severity,
    level: EnforcementLevel,
    remediation: str,
    types: tuple[str, ...],
    check: Callable[[Ctx], Iterator[Finding]],
    config: Mapping[str, dict[str, Any]] | None = None,
) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in types:
            return
        cfg = args.get_config() or {}
        if not _selected(cfg, args.name):
            return
        exempt, note = _exemption_for(cfg, args.name, args.urn)
        if exempt:
            return
        ctx = Ctx(cfg, args.stack_tags or {}, args.props, args.name, args.resource_type,
                  args.provider.props if args.provider is not None else None)
        try:
            for finding in check(ctx):
                _report(report, finding, note)
        except UnknownValueError:
            raise
        except Exception as exc:  # fail closed, never crash the preview
            report(f"the rule could not evaluate {args.name}: {type(exc).__name__}: {exc}", None)

    return ResourceValidationPolicy(
        name=name, description=description, validate=validate, enforcement_level=level,
        config_schema=_schema(config), severity=severity, remediation_steps=remediation,
        tags=[name.split("-")[0]],
    )


def stack_rule(
    *,
    name: str,
    description: str,
    severity: Severity,
    level: EnforcementLevel,
    remediation: str,
    check: Callable[[Ctx], Iterator[Finding]],
    config: Mapping[str, dict[str, Any]] | None = None,
) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        cfg = args.get_config() or {}
        ctx = Ctx(cfg, args.stack_tags or {}, resources=list(args.resources))
        try:
            for finding in check(ctx):
                subject = finding.name or ""
                if subject and not _selected(cfg, subject):
                    continue
                exempt, note = _exemption_for(cfg, subject, finding.urn or "") if subject else (False, None)
                if not exempt:
                    _report(report, finding, note)
        except UnknownValueError:
            raise
        except Exception as exc:  # fail closed, never crash the preview
            report(f"the rule could not evaluate the stack: {type(exc).__name__}: {exc}", None)

    return StackValidationPolicy(
        name=name, description=description, validate=validate, enforcement_level=level,
        config_schema=_schema(config), severity=severity, remediation_steps=remediation,
        tags=[name.split("-")[0]],
    )


def of_type(resources: Iterable[Any], *types: str) -> list[Any]:
    return [r for r in resources if r.resource_type in types]


DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"
SES_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SECRET = "aws:secretsmanager/secret:Secret"
