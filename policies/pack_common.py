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

from pack_facts import INTERNAL_LABELS
from pack_runtime import Cancelled
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
#: The reason a rule gives for a resource it does not judge (the plan counts what each rule evaluated).
NOT_JUDGED = "not a resource this rule judges"
#: Tag prefix naming a resource type a rule judges (GetAnalyzerInfo carries it to the plan).
JUDGES_TAG = "judges:"

INTERNAL_LABELS_CONFIG: dict[str, dict[str, Any]] = {
    "internalLabels": {"type": "array", "items": {"type": "string"}, "default": list(INTERNAL_LABELS),
                       "description": "First labels that mark a hostname internal (`admin.`, `admin-...`)."},
}
#: The config of the SSL-mode rules (zone setting, page rule); see `weak_ssl_modes`.
ALLOW_FULL_CONFIG: dict[str, dict[str, Any]] = {
    "allowFull": {"type": "boolean", "default": False,
                  "description": 'Also accept "full" (origin certificate not verified).'},
}


def weak_ssl_modes(ctx: Ctx) -> set[str]:
    """SSL modes that reach the origin in clear text (off, flexible) or unverified (full, unless `allowFull`)."""
    return {"off", "flexible"} | ({"full"} if not ctx.setting("allowFull", False) else set())


def is_internal_name(host: str, labels: Iterable[str]) -> bool:
    """A hostname internal by convention: its first label is one of `labels` or starts `<label>-`."""
    first = str(host).lower().strip().rstrip(".").split(".", 1)[0]
    return any(first == label or first.startswith(f"{label}-") for label in labels)


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

    def internal_labels(self) -> list[str]:
        """First labels that mark a hostname internal (`admin.`, `ops-...`): pack_facts, or the rule's config."""
        return [str(x).lower() for x in self.setting("internalLabels", list(INTERNAL_LABELS))]


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


def _run_check(check: Callable[[Ctx], Iterator[Finding]], ctx: Ctx, what: str, emit: Callable[[Finding], None],
               report: ReportViolation) -> None:
    """Each finding of `check` to `emit`; a check that fails is one violation saying it could not evaluate
    `what` (fail closed, never crash the preview). An unknown value or a cancelled request propagates."""
    try:
        for finding in check(ctx):
            emit(finding)
    except (UnknownValueError, Cancelled):
        raise
    except Exception as exc:
        report(f"the rule could not evaluate {what}: {type(exc).__name__}: {exc}", None)


def _tags(name: str, types: tuple[str, ...]) -> list[str]:
    """The rule's vendor, then a `judges:` tag per resource type (GetAnalyzerInfo carries them to the plan)."""
    return [name.split("-")[0], *(f"{JUDGES_TAG}{t}" for t in types)]


def _applies(applies: Callable[[Ctx], bool], ctx: Ctx) -> bool:
    """Whether the resource is the rule's subject; an unknown or odd shape counts as yes (the check decides)."""
    try:
        return bool(applies(ctx))
    except Cancelled:
        raise
    except Exception:
        return True


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
    applies: Callable[[Ctx], bool] | None = None,
) -> ResourceValidationPolicy:
    """A rule over one resource of `types`. `applies` says whether a resource of those types is the rule's
    subject (a ZoneSetting of another id is not); a resource that is not is reported "not applicable", so
    the plan can tell a rule that judged nothing from one that passed."""
    types = with_aliases(types)

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in types:
            return  # another type: the plan knows the types a rule judges (its `judges:` tags)
        cfg = args.get_config() or {}
        ctx = Ctx(cfg, args.stack_tags or {}, args.props, args.name, args.resource_type,
                  args.provider.props if args.provider is not None else None)
        if applies is not None and not _applies(applies, ctx):
            args.not_applicable(NOT_JUDGED)
        if not _selected(cfg, args.name):
            args.not_applicable("excluded by includeFor/excludeFor")
        exempt, note = _exemption_for(cfg, args.name, args.urn)
        if not exempt:
            _run_check(check, ctx, args.name, lambda finding: _report(report, finding, note), report)

    policy = ResourceValidationPolicy(
        name=name, description=description, validate=validate, enforcement_level=level,
        config_schema=_schema(config), severity=severity, remediation_steps=remediation, tags=_tags(name, types),
    )
    policy.launchready_types = frozenset(types)  # type: ignore[attr-defined]  # pack_runtime's fast path
    return policy


def stack_rule(
    *,
    name: str,
    description: str,
    severity: Severity,
    level: EnforcementLevel,
    remediation: str,
    check: Callable[[Ctx], Iterator[Finding]],
    config: Mapping[str, dict[str, Any]] | None = None,
    types: tuple[str, ...] = (),
) -> StackValidationPolicy:
    """A rule over the whole stack. `types` are the resource types it judges: with none of them in the stack
    it reports "not applicable" (nothing to judge); the plan counts them as the resources it evaluated."""
    types = with_aliases(types)

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        cfg = args.get_config() or {}
        resources = list(args.resources)
        if types and not any(r.resource_type in types for r in resources):
            args.not_applicable(NOT_JUDGED)
        ctx = Ctx(cfg, args.stack_tags or {}, resources=resources)

        def emit(finding: Finding) -> None:
            subject = finding.name or ""
            if subject and not _selected(cfg, subject):
                return
            exempt, note = _exemption_for(cfg, subject, finding.urn or "") if subject else (False, None)
            if not exempt:
                _report(report, finding, note)

        _run_check(check, ctx, "the stack", emit, report)

    return StackValidationPolicy(
        name=name, description=description, validate=validate, enforcement_level=level,
        config_schema=_schema(config), severity=severity, remediation_steps=remediation, tags=_tags(name, types),
    )


#: Deprecated type tokens pulumi-cloudflare v6 still accepts for the same resource (same inputs).
ALIASES: dict[str, tuple[str, ...]] = {
    "cloudflare:index/dnsRecord:DnsRecord": ("cloudflare:index/record:Record",),
    "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication":
        ("cloudflare:index/accessApplication:AccessApplication",),
    "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy": ("cloudflare:index/accessPolicy:AccessPolicy",),
}


def with_aliases(types: Iterable[str]) -> tuple[str, ...]:
    """The type tokens and their deprecated aliases."""
    return tuple(dict.fromkeys(t for name in types for t in (name, *ALIASES.get(name, ()))))


def is_type(resource_type: str, name: str) -> bool:
    return resource_type == name or resource_type in ALIASES.get(name, ())


def of_type(resources: Iterable[Any], *types: str) -> list[Any]:
    wanted = with_aliases(types)
    return [r for r in resources if r.resource_type in wanted]


DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"
SES_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SECRET = "aws:secretsmanager/secret:Secret"  # pragma: allowlist secret
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"  # pragma: allowlist secret
PAGE_RULE = "cloudflare:index/pageRule:PageRule"
ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy"
ZONE = "cloudflare:index/zone:Zone"
SES_V1_IDENTITY = "aws:ses/domainIdentity:DomainIdentity"
SES_V1_DKIM = "aws:ses/domainDkim:DomainDkim"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"


def number(value: Any) -> float:
    """A number from an int, float or numeric string; anything else is NaN (compares false)."""
    if isinstance(value, bool):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


INTERNAL_TAGS = ("access:internal", "launchready:internal")
INTERNAL_MARK = "[internal]"


def marked_internal(record: Any) -> bool:
    """A record marked internal: tag `access:internal` (or `launchready:internal`), or the `[internal]` mark in
    its comment. Unknown tags or comment count as not marked."""
    props = getattr(record, "props", None)
    tags = [str(t).lower() for t in items(props, "tags") if t is not UNKNOWN]
    comment = peek(props, "comment", default="")
    return any(t in INTERNAL_TAGS for t in tags) or (comment is not UNKNOWN and INTERNAL_MARK in str(comment))


def record_name(record: Any) -> str | None:
    """A DNS record's hostname, lower-case without the final dot; None when unknown or not a string."""
    name = peek(getattr(record, "props", None), "name")
    if not isinstance(name, str) or not name:
        return None
    return name.lower().rstrip(".")


@dataclass
class StackHosts:
    """The zone's hostnames as the stack declares them."""

    internal: set[str]  # configured, or a record of the stack that is internal
    conventional: set[str]  # `<label>.<zone>`: internal if it exists (another stack may declare it)
    public: list[str]
    zones: list[str]


def stack_hosts(resources: Iterable[Any], labels: list[str], configured: Iterable[str] = ()) -> StackHosts:
    """Internal hostnames (configured, marked, or named by convention, incl. `<label>.<zone>` for every zone),
    public hostnames (the zone apex and www first), and the zones (Zone resources, else record suffixes)."""
    records = [r for r in resources if is_type(r.resource_type, DNS_RECORD) and
               peek(r.props, "type") in ("A", "AAAA", "CNAME")]
    zones = [str(peek(z.props, "name")).lower().rstrip(".") for z in resources
             if z.resource_type == ZONE and isinstance(peek(z.props, "name"), str)]
    names = [n for n in (record_name(r) for r in records) if n]
    if not zones:
        zones = sorted({".".join(n.split(".")[-2:]) for n in names if n.count(".") >= 1})
    names = [n if "." in n else f"{n}.{zones[0]}" if zones and n != "@" else n for n in names]
    internal = {str(h).lower().rstrip(".") for h in configured}
    for record, name in zip(records, (record_name(r) for r in records), strict=True):
        if name and (marked_internal(record) or is_internal_name(name, labels)):
            internal.add(name if "." in name or not zones else f"{name}.{zones[0]}")
    conventional = {f"{label}.{zone}" for zone in zones[:3] for label in labels} - internal
    public = [n for n in names if n not in internal and not n.startswith("*")]
    first = [h for zone in zones[:2] for h in (zone, f"www.{zone}")]
    ordered = list(dict.fromkeys([*first, *public]))
    return StackHosts(internal=internal, conventional=conventional, public=ordered[:4], zones=zones)
