"""Strings of the config that reach a provider API, checked against the limit the API documents, so a stack
fails here with the key and the fix rather than halfway through `pulumi up` with the provider's error.

Sources: the AWS limits are the `max`/`pattern` of each shape in the service models botocore ships
(`botocore/data/<service>/<version>/service-2.json`, the same models the AWS API reference is generated
from); the Cloudflare ones are cited where they are used. Names built from the project and stack (alarm,
topic, dashboard, SES configuration set) are checked in `rules/stacks.names_fit_providers`; alarm descriptions
(at most 1024) hold a host of at most 253 and a path of at most 255 characters, so they always fit once the
health-check limits below hold, as do secret names (`<project>/<stack>/<name>`, at most 512).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule
from components.naming import COMMENT_MAX, INTERNAL_MARK

if TYPE_CHECKING:
    from components.config.stack import StackConfig

#: route53 HealthCheckConfig.SearchString and .ResourcePath: max 255.
HEALTH_CHECK_SEARCH_MAX = 255
HEALTH_CHECK_PATH_MAX = 255
#: cloudwatch Namespace: 1-255 characters, pattern `[^:].*`; namespaces starting "AWS/" are AWS's own
#: (CloudWatch User Guide, "CloudWatch concepts: Namespaces").
METRIC_NAMESPACE_MAX = 255
#: cloudwatch DimensionValue: max 1024.
DIMENSION_VALUE_MAX = 1024
#: secretsmanager DescriptionType: max 2048; TagValueType: max 256.
SECRET_DESCRIPTION_MAX = 2048
TAG_VALUE_MAX = 256
#: iam roleNameType: 1-64 characters of `[\w+=,.@-]`.
IAM_ROLE_NAME_MAX = 64
_IAM_ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]+$")
#: Cloudflare DNS records: TXT content up to 2048 characters (Cloudflare DNS docs, "DNS record types"; the
#: record's wire format is at most 4096 bytes).
TXT_CONTENT_MAX = 2048


def _too_long(path: str, value: str, limit: int, what: str, fix: str = "") -> Problem:
    return Problem(path, f"{len(value)} characters; {what} takes at most {limit}",
                   fix=fix or f"shorten it to {limit} characters or fewer")


def _comment_length(purpose: str, owner: str, internal: bool) -> int:
    """How long `components.naming.record_comment` would make the comment before cutting it."""
    mark = f" {INTERNAL_MARK}" if internal else ""
    return len(f"{purpose} | owner: {owner}{mark} | launchready")


def _comment_problem(path: str, purpose: str, owner: str, internal: bool) -> Problem | None:
    length = _comment_length(purpose, owner, internal)
    if length <= COMMENT_MAX:
        return None
    budget = COMMENT_MAX - (length - len(purpose) - len(owner))
    return Problem(path, f"with the owner it makes a {length}-character DNS record comment; Cloudflare keeps "
                   f"{COMMENT_MAX} on the Free plan and this stack writes at most {COMMENT_MAX}, so the end would "
                   "be cut", fix=f"keep purpose and owner to {budget} characters together")


@rule
def record_comments_fit(cfg: StackConfig) -> Iterator[Problem]:
    """The purpose and owner become the record's comment: Cloudflare keeps 100 characters on the Free plan
    (500 on paid plans; "DNS record attributes"), and the stack writes at most COMMENT_MAX on every plan."""
    for label, host in cfg.hostnames.items():
        problem = _comment_problem(key(f"hostnames.{label}.purpose"), host.purpose, host.owner,
                                   cfg.is_internal(label))
        if problem is not None:
            yield problem
    for i, rec in enumerate(cfg.dns.extra_records):
        problem = _comment_problem(key(f"dns.extraRecords[{i}].purpose"), rec.purpose, rec.owner, False)
        if problem is not None:
            yield problem


@rule
def extra_record_content_fits(cfg: StackConfig) -> Iterator[Problem]:
    for i, rec in enumerate(cfg.dns.extra_records):
        if rec.type == "TXT" and len(rec.content) > TXT_CONTENT_MAX:
            yield _too_long(key(f"dns.extraRecords[{i}].content"), rec.content, TXT_CONTENT_MAX,
                            "a Cloudflare TXT record")


@rule
def health_checks_fit_route53(cfg: StackConfig) -> Iterator[Problem]:
    for name in ("homepage", "login", "api_health"):
        endpoint = getattr(cfg.monitoring.endpoints, name)
        camel = "apiHealth" if name == "api_health" else name
        if len(endpoint.expect_text) > HEALTH_CHECK_SEARCH_MAX:
            yield _too_long(key(f"monitoring.endpoints.{camel}.expectText"), endpoint.expect_text,
                            HEALTH_CHECK_SEARCH_MAX, "a Route 53 health check's search string",
                            "check for a shorter, distinctive piece of the page")
        if len(endpoint.path) > HEALTH_CHECK_PATH_MAX:
            yield _too_long(key(f"monitoring.endpoints.{camel}.path"), endpoint.path, HEALTH_CHECK_PATH_MAX,
                            "a Route 53 health check's resource path")


@rule
def metrics_source_fits_cloudwatch(cfg: StackConfig) -> Iterator[Problem]:
    src = cfg.monitoring.metrics_source
    path = key("monitoring.metricsSource.namespace")
    if src.type == "custom":
        if not src.namespace or len(src.namespace) > METRIC_NAMESPACE_MAX:
            yield _too_long(path, src.namespace, METRIC_NAMESPACE_MAX, "a CloudWatch namespace")
        elif src.namespace.startswith(":") or src.namespace.lower().startswith("aws/"):
            yield Problem(path, 'CloudWatch namespaces may not start with ":", and "AWS/" is reserved for AWS '
                          "services' own metrics", value=src.namespace,
                          fix='use your own, e.g. "Shop/App" (the namespace your app publishes EMF metrics in)')
    for field, value in (("loadBalancer", src.load_balancer), ("apiName", src.api_name)):
        if value is not None and len(value) > DIMENSION_VALUE_MAX:
            yield _too_long(key(f"monitoring.metricsSource.{field}"), value, DIMENSION_VALUE_MAX,
                            "a CloudWatch dimension value")


@rule
def secrets_fit_secrets_manager(cfg: StackConfig) -> Iterator[Problem]:
    role = cfg.secrets.app_role_name
    if len(role) > IAM_ROLE_NAME_MAX or not _IAM_ROLE_NAME_RE.match(role):
        yield Problem(key("secrets.appRoleName"),
                      f"an IAM role name is 1-{IAM_ROLE_NAME_MAX} letters, digits and + = , . @ _ -",
                      value=role if len(role) <= 80 else None, fix="use the role's name exactly as IAM shows it")
    for i, entry in enumerate(cfg.secrets.items):
        if len(entry.description) > SECRET_DESCRIPTION_MAX:
            yield _too_long(key(f"secrets.items[{i}].description"), entry.description, SECRET_DESCRIPTION_MAX,
                            "a Secrets Manager description")
        for field, value in (("owner", entry.owner), ("runbook", entry.runbook or "")):
            if len(value) > TAG_VALUE_MAX:
                yield _too_long(key(f"secrets.items[{i}].{field}"), value, TAG_VALUE_MAX,
                                f"the secret's {field} tag (an AWS tag value)")


#: A DNS name is at most 253 characters in text form (RFC 1035 2.3.4: 255 octets on the wire).
DNS_NAME_MAX = 253
#: Easy DKIM tokens are 32 characters (`<token>._domainkey.<domain>`, SES developer guide, "Easy DKIM").
DKIM_TOKEN_LENGTH = 32


def _record_names(cfg: StackConfig) -> list[tuple[str, str]]:
    """(key path, longest name) of the records the stack declares under its domain."""
    names = [(key(f"hostnames.{label}"), cfg.fqdn(label)) for label in cfg.hostnames]
    names += [(key(f"dns.extraRecords[{i}].name"), cfg.fqdn(r.name)) for i, r in enumerate(cfg.dns.extra_records)]
    if cfg.email.enabled:
        names += [(key("email.mailFromSubdomain"), cfg.mail_from_domain),
                  (key("email"), f"_dmarc.{cfg.domain}"),
                  (key("email"), f"{'x' * DKIM_TOKEN_LENGTH}._domainkey.{cfg.domain}")]
    return names


@rule
def record_names_fit_dns(cfg: StackConfig) -> Iterator[Problem]:
    """Every record name is the domain plus a label: a long domain leaves no room for the longest of them."""
    path, longest = max(_record_names(cfg), key=lambda item: len(item[1]))
    if len(longest) > DNS_NAME_MAX:
        room = DNS_NAME_MAX - (len(longest) - len(cfg.domain))
        yield Problem(key("zone.domain"),
                      f"{len(cfg.domain)} characters: the record {longest[:20]}... ({path}) would be {len(longest)} "
                      f"characters, and a DNS name holds at most {DNS_NAME_MAX}",
                      fix=f"a domain of at most {room} characters fits every record this stack declares")
