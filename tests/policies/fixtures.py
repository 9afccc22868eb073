"""What the policy tests share: the plan's resource format (what the engine sends the pack), resource types,
unknown sentinels, a `Cases` list for each test module's pass_*/fail_* fixtures, and `found`.

Each test module `test_pack_<vendor>_<service>.py` holds the cases of `policies/pack_<vendor>_<service>.py`:
a case is a whole set of resources and the exact set of violations it must produce, as (policy,
enforcement, resource name); "" is a violation with no resource. A case is clean apart from what it
shows, so its expected set is small and exact.

`load_pack_module` gives tests outside the pack process one of its modules (the expression evaluator).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from launchready import PROJECT_ROOT
from launchready.plan.policy import PolicyPackClient

STACK, PROJECT = "test", "launchready"


def load_pack_module(stem: str, name: str) -> ModuleType:
    """policies/<stem>.py loaded as a module called `name`, without putting policies/ on sys.path."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "policies" / f"{stem}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the classes are built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module

DNS = "cloudflare:index/dnsRecord:DnsRecord"
SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
PAGE_RULE = "cloudflare:index/pageRule:PageRule"
ZONE = "cloudflare:index/zone:Zone"
ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"
ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SECRET = "aws:secretsmanager/secret:Secret"  # pragma: allowlist secret
AWS_PROVIDER = "pulumi:providers:aws"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's "string not known during preview"
UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"

M, A = "mandatory", "advisory"
PROD = {"environment": "prod"}
STAGING = {"environment": "staging"}
Violation = tuple[str, str, str]  # (policy, enforcement, resource name)


def urn(rtype: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{rtype}::{name}"


def res(rtype: str, name: str, inputs: dict[str, Any], *, provider: str = "",
        deps: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"urn": urn(rtype, name), "type": rtype, "name": name, "parent": "", "custom": True,
            "provider": provider, "inputs": inputs, "dependencies": sorted({u for v in (deps or {}).values()
                                                                            for u in v}),
            "propertyDependencies": deps or {}}


@dataclass
class Case:
    name: str
    rule: str
    resources: list[dict[str, Any]]
    expected: set[Violation]
    config: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class Cases(list[Case]):
    """The pass_*/fail_* cases of one test module."""

    def add(self, rule: str, name: str, resources: list[dict[str, Any]], expected: set[Violation] | None = None,
            config: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
        assert name.startswith(("pass_", "fail_")), name
        assert (expected is None or not expected) == name.startswith("pass_"), name
        assert name not in self.ids(), f"two cases named {name}"
        self.append(Case(name, rule, resources, expected or set(), config or {}, tags or {}))

    def ids(self) -> list[str]:
        return [c.name for c in self]

    def named(self, name: str) -> Case:
        return next(c for c in self if c.name == name)


def found(pack: PolicyPackClient, resources: list[dict[str, Any]], config: dict[str, Any] | None = None,
          tags: dict[str, str] | None = None) -> set[Violation]:
    """(policy, enforcement, resource name) of every violation; "" names a violation without a resource."""
    pack.configure(config or {}, tags)
    names = {r["urn"]: r["name"] for r in resources}
    return {(v["policy"], v["enforcement"], names.get(v["urn"], v["urn"])) for v in pack.analyze(resources)}


# ---------------------------------------------------------------------------------------------- shared shapes


def setting(name: str, setting_id: str, value: Any) -> dict[str, Any]:
    return res(SETTING, name, {"zoneId": "z", "settingId": setting_id, "value": value})


def hsts(name: str, enabled: bool, max_age: int, **extra: Any) -> dict[str, Any]:
    return setting(name, "security_header", {"strict_transport_security": {
        "enabled": enabled, "max_age": max_age, "include_subdomains": True, "nosniff": True, **extra}})


def record(name: str, fqdn: str, rtype: str, content: str, proxied: bool = False, **extra: Any) -> dict[str, Any]:
    return res(DNS, name, {"zoneId": "z", "name": fqdn, "type": rtype, "content": content, "proxied": proxied,
                           "ttl": 1 if proxied else 3600, **extra})


def ruleset(name: str, phase: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return res(RULESET, name, {"zoneId": "z", "kind": "zone", "phase": phase, "name": name, "rules": rules})


def app(name: str, domain: str, destinations: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return res(ACCESS_APP, name, {"accountId": "a", "name": name, "type": "self_hosted", "domain": domain,
                                  "destinations": [{"type": "public", "uri": d} for d in destinations or []],
                                  **extra})


IDENTITY_URN = urn(IDENTITY, "identity")
SPF = "aws-ses-emailidentity-missing-spf"


def sending_domain(domain: str = "example.com", **overrides: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A complete sending domain (identity, SPF, DMARC, 3 DKIM CNAMEs); an override replaces or removes one."""
    resources: dict[str, dict[str, Any] | None] = {
        "identity": res(IDENTITY, "identity", {"emailIdentity": domain, "region": "eu-west-1"}),
        "spf": record("spf", domain, "TXT", "v=spf1 include:amazonses.com ~all"),
        "dmarc": record("dmarc", f"_dmarc.{domain}", "TXT", "v=DMARC1; p=quarantine; rua=mailto:d@example.com"),
        **{f"dkim{i}": record(f"dkim{i}", f"t{i}._domainkey.{domain}", "CNAME", f"t{i}.dkim.amazonses.com")
           for i in range(3)},
    }
    resources.update(overrides)
    return [r for r in resources.values() if r is not None]


def dkim_from_tokens(i: int) -> dict[str, Any]:
    """A DKIM CNAME as the first preview sees it: name and target wait for SES's tokens."""
    return res(DNS, f"dkim{i}", {"zoneId": "z", "name": UNKNOWN, "type": "CNAME", "content": UNKNOWN,
                                 "proxied": False, "ttl": 3600},
               deps={"name": [IDENTITY_URN], "content": [IDENTITY_URN]})


def mail_from(domain: str = "mail.example.com") -> dict[str, Any]:
    return res(MAIL_FROM, "mail-from", {"emailIdentity": "example.com", "mailFromDomain": domain})


MAIL_FROM_RECORDS = [record("mail-from-mx", "mail.example.com", "MX", "feedback-smtp.eu-west-1.amazonses.com",
                            priority=10),
                     record("mail-from-spf", "mail.example.com", "TXT", "v=spf1 include:amazonses.com ~all")]

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"
TOPIC_RES = res(TOPIC, "alerts", {"name": "alerts", "region": "us-east-1"})
SUB_RES = res(SUBSCRIPTION, "sub", {"topic": TOPIC_ARN, "protocol": "email", "endpoint": "a@b.io",
                                    "region": "us-east-1"})
ROUTE53 = {"namespace": "AWS/Route53", "metricName": "HealthCheckStatus"}


def alarm(name: str, deps: dict[str, list[str]] | None = None, provider: str = "", **inputs: Any) -> dict[str, Any]:
    values = {"name": name, "namespace": "App", "metricName": "Errors", "threshold": 1.0,
              "alarmActions": [TOPIC_ARN], "region": "us-east-1", **inputs}
    return res(ALARM, name, {k: v for k, v in values.items() if v is not None}, deps=deps, provider=provider)
