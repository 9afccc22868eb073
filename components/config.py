"""The stack config schema: the single source of truth for the program, the plan, verify and handover.

A stack file (`Pulumi.<stack>.yaml`) holds one Pulumi config namespace, `launchready`, with one key per
area (`launchready:zone`, `launchready:hostnames`, ...). Keys are camelCase, as Pulumi config keys usually
are; the models below use snake_case attributes with camelCase aliases.

Validation happens in two passes, and both report every problem they find, never only the first:
1. structure (pydantic): unknown keys, wrong types, values out of range;
2. cross-field rules (`_rules`): things that need more than one field, such as "prod may not use DMARC
   p=none" or "an internal hostname must be proxied".
Every problem names its key path, the bad value unless the key is secret-like, and the fix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel

NAMESPACE = "launchready"

# --------------------------------------------------------------------------------------------------
# Problems and errors
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a stack config: where, what, and how to fix it."""

    path: str  # e.g. "launchready:email.dmarc.policy"
    message: str
    fix: str = ""
    value: str | None = None  # None when the value is secret-like or absent

    def render(self) -> str:
        shown = f" (got {self.value})" if self.value is not None else ""
        fix = f"\n      fix: {self.fix}" if self.fix else ""
        return f"  - {self.path}{shown}: {self.message}{fix}"


class ConfigError(Exception):
    """A stack config that cannot be used. `str()` is the readable list of every problem."""

    def __init__(self, problems: list[Problem], source: str = "stack config") -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.source} has {count} {noun}; nothing was registered:"]
        lines += [p.render() for p in self.problems]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Reusable field types
# --------------------------------------------------------------------------------------------------

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_HEX32_RE = re.compile(r"^[0-9a-f]{32}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$", re.IGNORECASE)
_AWS_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_DURATION_RE = re.compile(r"^(\d+h)?(\d+m)?$")


def _domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not _DOMAIN_RE.match(value):
        raise ValueError("must be a domain name such as example.com (letters, digits, hyphens and dots)")
    return value


def _hex32(value: str) -> str:
    if not _HEX32_RE.match(value):
        raise ValueError("must be the 32-character hexadecimal id shown in the Cloudflare dashboard")
    return value


def _email(value: str) -> str:
    if not _EMAIL_RE.match(value):
        raise ValueError("must be an email address such as ops@example.com")
    return value


def _label(value: str) -> str:
    if value != "@" and not _LABEL_RE.match(value):
        raise ValueError('must be "@" (the zone apex) or one DNS label of a-z, 0-9 and hyphens')
    return value


def _aws_region(value: str) -> str:
    if not _AWS_REGION_RE.match(value):
        raise ValueError("must be an AWS region name such as eu-west-1")
    return value


def _path(value: str) -> str:
    if not value.startswith("/") or any(c.isspace() for c in value) or '"' in value:
        raise ValueError('must be a URL path starting with "/" without spaces or quotes')
    return value


def _duration(value: str) -> str:
    if not value or not _DURATION_RE.match(value):
        raise ValueError('must be a duration such as "8h" or "30m" or "1h30m"')
    return value


def _https_url(value: str) -> str:
    if not re.match(r"^https://[^\s/@]+(/\S*)?$", value):
        raise ValueError("must be an https:// URL without credentials")
    return value


Domain = Annotated[str, AfterValidator(_domain)]
Hex32 = Annotated[str, AfterValidator(_hex32)]
EmailAddress = Annotated[str, AfterValidator(_email)]
Label = Annotated[str, AfterValidator(_label)]
AwsRegion = Annotated[str, AfterValidator(_aws_region)]
UrlPath = Annotated[str, AfterValidator(_path)]
Duration = Annotated[str, AfterValidator(_duration)]
HttpsUrl = Annotated[str, AfterValidator(_https_url)]


class Model(BaseModel):
    """Strict base: unknown keys are errors, camelCase keys in YAML, snake_case in Python."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )


# --------------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------------


class Environment(StrEnum):
    staging = "staging"
    prod = "prod"


class CloudflarePlan(StrEnum):
    free = "free"
    pro = "pro"
    business = "business"
    enterprise = "enterprise"


PLAN_RANK = {
    CloudflarePlan.free: 0,
    CloudflarePlan.pro: 1,
    CloudflarePlan.business: 2,
    CloudflarePlan.enterprise: 3,
}


class Zone(Model):
    domain: Domain = Field(description="The apex domain of the product, e.g. fanloom.io.")
    zone_id: Hex32 = Field(description="Cloudflare zone id (Overview page of the zone).")
    account_id: Hex32 = Field(description="Cloudflare account id (needed for Access and account rulesets).")
    plan: CloudflarePlan = Field(description="Cloudflare plan tier; decides which WAF and rate-limit rules exist.")


class Hostname(Model):
    origin: str = Field(description="Where traffic goes: an IPv4/IPv6 address (A/AAAA) or a target host (CNAME).")
    proxied: bool = Field(True, description="Served through Cloudflare's proxy (needed for WAF, cache and Access).")
    internal: bool | None = Field(
        None, description="Reachable only through Cloudflare Access. Defaults to true for admin hostnames."
    )
    purpose: str = Field(description="What this hostname serves; written into the record's comment.", min_length=3)
    owner: str = Field("platform", description="Team or person who owns this hostname.", min_length=1)

    @property
    def record_type(self) -> Literal["A", "AAAA", "CNAME"]:
        try:
            ip = ipaddress.ip_address(self.origin)
        except ValueError:
            return "CNAME"
        return "A" if ip.version == 4 else "AAAA"

    @model_validator(mode="after")
    def _origin_shape(self) -> Hostname:
        if self.record_type == "CNAME":
            _domain(self.origin)
        return self


class ExtraRecord(Model):
    """A record the product needs that is not a web hostname: inbound MX, site verification TXT..."""

    name: Label = Field(description='Record name relative to the zone ("@" for the apex).')
    type: Literal["MX", "TXT", "CNAME", "A", "AAAA", "SRV"] = Field(description="DNS record type.")
    content: str = Field(description="Record content, exactly as Cloudflare stores it.", min_length=1)
    priority: int | None = Field(None, ge=0, le=65535, description="MX/SRV priority.")
    ttl: int = Field(3600, description="TTL in seconds (60-86400); these records are never proxied.")
    purpose: str = Field(description="What the record is for; written into its comment.", min_length=3)
    owner: str = Field("platform", description="Who owns the record.")

    @model_validator(mode="after")
    def _shape(self) -> ExtraRecord:
        if not 60 <= self.ttl <= 86400:
            raise ValueError("ttl must be between 60 and 86400 seconds")
        if self.type in ("MX", "SRV") and self.priority is None:
            raise ValueError(f"a {self.type} record needs a priority")
        return self


class Dns(Model):
    caa_issuers: list[Domain] = Field(
        default_factory=lambda: ["letsencrypt.org", "pki.goog", "ssl.com", "digicert.com"],
        description="Certificate authorities allowed to issue (CAA issue); Cloudflare's edge CAs by default.",
        min_length=1,
    )
    caa_report_email: EmailAddress | None = Field(None, description="Where CAs report refused requests (CAA iodef).")
    extra_records: list[ExtraRecord] = Field(default_factory=list, description="Non-web records to declare.")


class LegacyRedirect(Model):
    from_: UrlPath = Field(
        alias="from",
        description='Old path: exact ("/pricing.html") or wildcard with one trailing "*" ("/blog/*").',
    )
    to: str = Field(description='New path or https URL; "${1}" is what the wildcard matched, e.g. "/articles/${1}".')
    status_code: Literal[301, 308] | None = Field(None, description="Overrides the default status code.")

    @property
    def is_wildcard(self) -> bool:
        return self.from_.endswith("*")

    @model_validator(mode="after")
    def _shape(self) -> LegacyRedirect:
        if "*" in self.from_[:-1]:
            raise ValueError('"from" may hold only one "*", at the end')
        if self.from_.startswith("/.well-known/"):
            raise ValueError('"/.well-known/" paths are never redirected (certificate and email validation)')
        if not (self.to.startswith("/") or self.to.startswith("https://")):
            raise ValueError('"to" must be a path starting with "/" or an https:// URL')
        if "${1}" in self.to and not self.is_wildcard:
            raise ValueError('"${1}" in "to" needs a wildcard "from" ending in "*"')
        return self


class Redirects(Model):
    canonical: Literal["apex", "www"] = Field("apex", description="The host every visitor ends up on.")
    status_code: Literal[301, 308] = Field(301, description="Status code of the redirects.")
    legacy: list[LegacyRedirect] = Field(default_factory=list, description="Old URLs that must keep working.")


class Hsts(Model):
    max_age_seconds: int | None = Field(
        None, ge=0, le=63072000, description="HSTS max-age; default one year in prod, one day in staging."
    )
    include_subdomains: bool = Field(False, description="Opt-in: every subdomain must serve HTTPS.")
    preload: bool = Field(False, description="Opt-in: ask browsers to preload (needs includeSubdomains, 1 year).")


class Tls(Model):
    min_version: Literal["1.2", "1.3"] = Field("1.2", description="Minimum TLS version accepted at the edge.")
    hsts: Hsts = Field(default_factory=Hsts, description="HTTP Strict Transport Security.")


class Cache(Model):
    static_path_prefixes: list[UrlPath] = Field(
        default_factory=lambda: ["/assets/", "/static/"], description="Paths that only serve static assets."
    )
    static_extensions: list[Annotated[str, Field(pattern=r"^[a-z0-9]{1,10}$")]] = Field(
        default_factory=lambda: [
            "css",
            "js",
            "mjs",
            "png",
            "jpg",
            "jpeg",
            "gif",
            "svg",
            "webp",
            "ico",
            "woff2",
        ],
        description="File extensions cached as static assets.",
    )
    authenticated_path_prefixes: list[UrlPath] = Field(
        default_factory=lambda: ["/admin", "/account", "/api", "/login", "/logout", "/dashboard"],
        description="Paths that serve per-user content: never cached.",
        min_length=1,
    )
    session_cookies: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]] = Field(
        description="Names of the cookies that carry a login session.", min_length=1
    )
    edge_ttl_seconds: int = Field(2592000, ge=60, le=31536000, description="Edge TTL of static assets.")
    browser_ttl_seconds: int = Field(86400, ge=0, le=31536000, description="Browser TTL of static assets.")


class ManagedRuleset(StrEnum):
    cloudflare_managed = "cloudflare_managed"
    owasp = "owasp"
    exposed_credentials = "exposed_credentials"
    free_managed = "free_managed"


#: The lowest plan on which each managed ruleset can be deployed.
MANAGED_RULESET_MIN_PLAN = {
    ManagedRuleset.free_managed: CloudflarePlan.free,
    ManagedRuleset.cloudflare_managed: CloudflarePlan.pro,
    ManagedRuleset.owasp: CloudflarePlan.pro,
    ManagedRuleset.exposed_credentials: CloudflarePlan.pro,
}

#: Rate limiting, per plan: number of rules, longest period, longest mitigation timeout, and whether
#: the expression may use the request method (Free and Pro may not).
RATE_LIMIT_PLAN_LIMITS: dict[CloudflarePlan, tuple[int, int, int, bool]] = {
    CloudflarePlan.free: (1, 10, 10, False),
    CloudflarePlan.pro: (2, 60, 3600, False),
    CloudflarePlan.business: (5, 600, 86400, True),
    CloudflarePlan.enterprise: (100, 3600, 86400, True),
}
RATE_LIMIT_ALLOWED_SECONDS = (
    10,
    15,
    20,
    30,
    40,
    45,
    60,
    90,
    120,
    180,
    240,
    300,
    480,
    600,
    900,
    1200,
    1800,
    2400,
    3600,
    65535,
    86400,
)
#: Single Redirects (the zone's http_request_dynamic_redirect rules) per plan.
REDIRECT_RULE_LIMITS = {
    CloudflarePlan.free: 10,
    CloudflarePlan.pro: 25,
    CloudflarePlan.business: 50,
    CloudflarePlan.enterprise: 300,
}
#: WAF custom rules per plan.
CUSTOM_RULE_LIMITS = {
    CloudflarePlan.free: 5,
    CloudflarePlan.pro: 20,
    CloudflarePlan.business: 100,
    CloudflarePlan.enterprise: 1000,
}


class RateLimit(Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")] = Field(
        description="Stable rule name (lowercase, digits, underscores); used as the rule ref."
    )
    path: UrlPath = Field(description="Path the limit applies to (exact match).")
    methods: list[Literal["GET", "POST", "PUT", "PATCH", "DELETE"]] = Field(
        default_factory=list, description="Only these methods (Business plan and up); empty means all."
    )
    requests_per_period: int = Field(ge=1, le=100000, description="Requests allowed per period per client.")
    period_seconds: int = Field(10, description="Counting period in seconds.")
    mitigation_timeout_seconds: int = Field(10, description="How long a client stays blocked.")
    action: Literal["block", "managed_challenge"] = Field("block", description="What happens past the limit.")


class Waf(Model):
    managed_rulesets: list[ManagedRuleset] | None = Field(
        None,
        description="Managed rulesets to deploy; default: Cloudflare Managed + OWASP on paid plans, "
        "the Free managed ruleset on free.",
    )
    block_paths: list[UrlPath] = Field(
        default_factory=lambda: ["/.env", "/.git", "/.aws", "/wp-admin", "/wp-login.php", "/phpmyadmin"],
        description="Probe paths answered with 404 at the edge.",
    )
    rate_limits: list[RateLimit] = Field(default_factory=list, description="Rate limits on public endpoints.")


class IdpGroup(Model):
    id: str = Field(description="Group id as the identity provider reports it.", min_length=1)
    name: str = Field(description="Human name for the handover.", min_length=1)


class Access(Model):
    allow_emails: list[EmailAddress] = Field(
        default_factory=list, description="People allowed into internal hostnames."
    )
    allow_email_domains: list[Domain] = Field(default_factory=list, description="Email domains allowed in.")
    allow_groups: list[IdpGroup] = Field(default_factory=list, description="Identity-provider groups allowed in.")
    session_duration: Duration | None = Field(None, description='Access session length; default "8h" in prod.')

    @property
    def has_anyone(self) -> bool:
        return bool(self.allow_emails or self.allow_email_domains or self.allow_groups)


class DmarcPolicy(StrEnum):
    none = "none"
    quarantine = "quarantine"
    reject = "reject"


class Dmarc(Model):
    policy: DmarcPolicy | None = Field(None, description="p=; default quarantine in prod, none in staging.")
    subdomain_policy: DmarcPolicy | None = Field(None, description="sp=; defaults to the policy.")
    rua: list[EmailAddress] = Field(description="Aggregate report addresses (mailto: is added).", min_length=1)
    percent: int = Field(100, ge=1, le=100, description="pct=: share of failing mail the policy applies to.")


#: DNS lookups an `include:` costs, for providers whose SPF records are known; others count as one.
KNOWN_SPF_LOOKUPS: dict[str, int] = {
    "amazonses.com": 1,
    "_spf.google.com": 4,
    "spf.protection.outlook.com": 2,
    "sendgrid.net": 2,
    "mailgun.org": 3,
    "spf.mandrillapp.com": 1,
    "servers.mcsv.net": 1,
    "_spf.salesforce.com": 2,
    "spf.mtasv.net": 1,
    "mail.zendesk.com": 2,
    "_spf.intercom.io": 1,
}
SPF_MAX_LOOKUPS = 10
#: Longest SPF record kept: above it the DNS answer may not fit in 512 bytes of UDP (RFC 7208 3.4).
SPF_MAX_LENGTH = 450
_SPF_MECH_RE = re.compile(
    r"^(include:[a-z0-9._-]+|ip4:[0-9./]+|ip6:[0-9a-f:./]+|a(:[a-z0-9._-]+)?|mx(:[a-z0-9._-]+)?)$"
)


class Spf(Model):
    extra_senders: list[str] = Field(
        default_factory=list,
        description='Extra SPF mechanisms besides SES, e.g. "include:_spf.google.com" or "ip4:203.0.113.5".',
    )
    all: Literal["~all", "-all"] = Field("~all", description="What receivers do with other senders.")

    @property
    def mechanisms(self) -> list[str]:
        return ["include:amazonses.com", *self.extra_senders]

    @property
    def record(self) -> str:
        return " ".join(["v=spf1", *self.mechanisms, self.all])

    @property
    def lookup_count(self) -> int:
        return sum(spf_lookups(m) for m in self.mechanisms)


def spf_lookups(mechanism: str) -> int:
    """DNS lookups one SPF term costs (RFC 7208 section 4.6.4).

    SPF is case-insensitive and a term may carry a qualifier (`-include:...`), so both are ignored; an include
    of a known provider costs its own lookup plus the ones its record makes.
    """
    term = mechanism.strip().lower().lstrip("+-~?")
    if term.startswith("include:"):
        return KNOWN_SPF_LOOKUPS.get(term.removeprefix("include:").rstrip("."), 1)
    if term.startswith(("ip4:", "ip6:", "exp=", "v=")) or term == "all":
        return 0
    return 1  # a, mx, ptr, exists, redirect


def is_spf_record(content: str) -> bool:
    """Whether TXT content is an SPF record: it starts with the version term `v=spf1` (RFC 7208 4.5)."""
    text = content.strip().strip('"').strip().lower()
    return text == "v=spf1" or text.startswith("v=spf1 ")


def _spf_ip_ok(mechanism: str) -> bool:
    kind, _, value = mechanism.partition(":")
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return network.version == (4 if kind == "ip4" else 6)


class Email(Model):
    enabled: bool = Field(True, description="Send email from this domain through Amazon SES.")
    ses_region: AwsRegion = Field("eu-west-1", description="AWS region of the SES identity.")
    mail_from_subdomain: Label = Field("mail", description="Custom MAIL FROM subdomain (bounces), e.g. mail.")
    dmarc: Dmarc = Field(description="The DMARC record.")
    spf: Spf = Field(default_factory=Spf, description="The apex SPF record.")
    bounce_rate_threshold: float = Field(0.02, gt=0, lt=0.1, description="Alarm when SES bounce rate reaches this.")
    complaint_rate_threshold: float = Field(
        0.001, gt=0, lt=0.005, description="Alarm when SES complaint rate reaches this."
    )


class SecretSource(StrEnum):
    generated = "generated"
    config = "config"


class SecretEntry(Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] = Field(
        description="Short name; the secret is stored as <project>/<stack>/<name>."
    )
    description: str = Field(description="What the secret is and what uses it.", min_length=3)
    owner: str = Field(description="Team or person who rotates it.", min_length=1)
    rotation_days: int = Field(90, ge=1, le=365, description="Rotate at least this often.")
    source: SecretSource = Field(description="generated (made by Pulumi) or config (pulumi config set --secret).")
    config_key: str | None = Field(
        None, description="With source config: the launchready: config key holding the value (set as secret)."
    )
    length: int = Field(48, ge=16, le=256, description="With source generated: length of the random value.")
    runbook: str | None = Field(None, description="Where the rotation steps are written down.")
    value_version: int = Field(
        1, ge=1, description="Bump to write a new value (write-only values are never diffed); rotates one secret."
    )

    @model_validator(mode="after")
    def _source_fields(self) -> SecretEntry:
        if self.source is SecretSource.config and not self.config_key:
            raise ValueError('source "config" needs configKey: the launchready: key set with --secret')
        if self.source is SecretSource.generated and self.config_key:
            raise ValueError('configKey is only for source "config"; a generated secret has no config value')
        if self.config_key is not None and not re.match(r"^[a-z][A-Za-z0-9]{1,62}$", self.config_key):
            raise ValueError("configKey must be a camelCase config key such as databaseUrl")
        return self


class Secrets(Model):
    app_role_name: str = Field(description="IAM role of the app that reads these secrets.", min_length=1)
    recovery_window_days: int | None = Field(
        None, description="Days a deleted secret can be restored (7-30); default 30 in prod, 7 in staging."
    )
    items: list[SecretEntry] = Field(default_factory=list, description="The app's secrets.")


class Endpoint(Model):
    host: Label = Field(description='Hostname label ("@" for the apex) that serves it.')
    path: UrlPath = Field(description="Path that is checked.")
    expect_text: str = Field(description="Text that must appear in the first 5120 bytes of the body.", min_length=1)


class Endpoints(Model):
    homepage: Endpoint = Field(description="The public homepage.")
    login: Endpoint = Field(description="The login page or endpoint.")
    api_health: Endpoint = Field(description="The API health endpoint.")


class RouteClass(Model):
    p95_ms: int = Field(ge=10, le=60000, description="p95 latency threshold in milliseconds.")


def _default_route_classes() -> dict[str, RouteClass]:
    return {"core": RouteClass(p95_ms=500), "reports": RouteClass(p95_ms=2000)}


class WebhookRef(Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")] = Field(description="Stable name of the receiver.")
    url: HttpsUrl | None = Field(None, description="The https endpoint, when it holds no token.")
    config_key: str | None = Field(
        None, description="The launchready: config key holding the URL as a secret, when it holds a token."
    )

    @model_validator(mode="after")
    def _one_source(self) -> WebhookRef:
        if (self.url is None) == (self.config_key is None):
            raise ValueError("give exactly one of url or configKey")
        return self


class MetricsSource(Model):
    type: Literal["custom", "alb", "apigateway"] = Field("custom", description="Where latency and errors come from.")
    namespace: str = Field(
        "LaunchReady/App", description="With custom: the CloudWatch namespace the app publishes in EMF."
    )
    load_balancer: str | None = Field(None, description='With alb: the "app/<name>/<id>" dimension value.')
    api_name: str | None = Field(None, description="With apigateway: the API name.")

    @model_validator(mode="after")
    def _needs(self) -> MetricsSource:
        if self.type == "alb" and not self.load_balancer:
            raise ValueError("type alb needs loadBalancer")
        if self.type == "apigateway" and not self.api_name:
            raise ValueError("type apigateway needs apiName")
        return self


class LogGroup(Model):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_/.#-]{1,512}$")] = Field(description="Log group name.")
    retention_days: int | None = Field(None, description="Days kept; default 90 in prod, 14 in staging.")


CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


class Monitoring(Model):
    alert_emails: list[EmailAddress] = Field(default_factory=list, description="People paged by email.")
    alert_webhooks: list[WebhookRef] = Field(default_factory=list, description="Chat/paging webhooks.")
    endpoints: Endpoints = Field(description="Uptime checks.")
    route_classes: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")], RouteClass] = Field(
        default_factory=_default_route_classes, description="p95 thresholds per route class."
    )
    error_rate_percent: float = Field(5.0, gt=0, le=100, description="Alarm when 5xx exceed this % of requests.")
    failed_jobs_threshold: int = Field(1, ge=1, description="Alarm when this many background jobs fail in 5 min.")
    uptime_target_percent: float = Field(99.9, gt=90, lt=100, description="Uptime objective.")
    metrics_source: MetricsSource = Field(default_factory=MetricsSource, description="The app's metrics.")
    log_groups: list[LogGroup] = Field(default_factory=list, description="The app's log groups.")


# --------------------------------------------------------------------------------------------------
# The whole stack
# --------------------------------------------------------------------------------------------------

#: top-level config keys (camelCase, under the launchready: namespace) -> StackConfig field
AREA_KEYS = {
    "environment": "environment",
    "zone": "zone",
    "hostnames": "hostnames",
    "dns": "dns",
    "redirects": "redirects",
    "tls": "tls",
    "cache": "cache",
    "waf": "waf",
    "access": "access",
    "email": "email",
    "secrets": "secrets",
    "monitoring": "monitoring",
}


class StackConfig(Model):
    environment: Environment = Field(description="staging or prod; prod gets the safer defaults.")
    zone: Zone = Field(description="The Cloudflare zone.")
    hostnames: dict[Label, Hostname] = Field(description="Web hostnames by label; '@' is the apex.", min_length=1)
    dns: Dns = Field(default_factory=Dns, description="CAA and non-web records.")
    redirects: Redirects = Field(default_factory=Redirects, description="Canonical host and legacy URLs.")
    tls: Tls = Field(default_factory=Tls, description="TLS and HSTS at the edge.")
    cache: Cache = Field(description="Cache rules.")
    waf: Waf = Field(default_factory=Waf, description="WAF and rate limits.")
    access: Access = Field(default_factory=Access, description="Who may reach internal hostnames.")
    email: Email = Field(description="Sending email through SES.")
    secrets: Secrets = Field(description="Secrets in AWS Secrets Manager.")
    monitoring: Monitoring = Field(description="Uptime, latency and error alarms.")

    # ---- derived values: the one place where environment-dependent defaults live ----

    @property
    def is_prod(self) -> bool:
        return self.environment is Environment.prod

    @property
    def domain(self) -> str:
        return self.zone.domain

    def fqdn(self, label: str) -> str:
        return self.domain if label == "@" else f"{label}.{self.domain}"

    def is_internal(self, label: str) -> bool:
        host = self.hostnames[label]
        if host.internal is not None:
            return host.internal
        return label == "admin" or label.startswith("admin-")

    @property
    def internal_labels(self) -> list[str]:
        return [label for label in self.hostnames if self.is_internal(label)]

    @property
    def canonical_host(self) -> str:
        return self.fqdn("www") if self.redirects.canonical == "www" else self.domain

    @property
    def hsts_max_age(self) -> int:
        if self.tls.hsts.max_age_seconds is not None:
            return self.tls.hsts.max_age_seconds
        return 31536000 if self.is_prod else 86400

    @property
    def dmarc_policy(self) -> DmarcPolicy:
        if self.email.dmarc.policy is not None:
            return self.email.dmarc.policy
        return DmarcPolicy.quarantine if self.is_prod else DmarcPolicy.none

    @property
    def mail_from_domain(self) -> str:
        return f"{self.email.mail_from_subdomain}.{self.domain}"

    @property
    def managed_rulesets(self) -> list[ManagedRuleset]:
        if self.waf.managed_rulesets is not None:
            return self.waf.managed_rulesets
        if self.zone.plan is CloudflarePlan.free:
            return [ManagedRuleset.free_managed]
        return [ManagedRuleset.cloudflare_managed, ManagedRuleset.owasp]

    @property
    def access_session_duration(self) -> str:
        return self.access.session_duration or ("8h" if self.is_prod else "24h")

    @property
    def secret_recovery_window_days(self) -> int:
        if self.secrets.recovery_window_days is not None:
            return self.secrets.recovery_window_days
        return 30 if self.is_prod else 7

    def log_retention_days(self, group: LogGroup) -> int:
        if group.retention_days is not None:
            return group.retention_days
        return 90 if self.is_prod else 14

    def dmarc_external_report_domains(self) -> list[str]:
        """Report domains outside this one: each must publish <domain>._report._dmarc.<it> (RFC 7489 7.1)."""
        domains = {addr.rsplit("@", 1)[1].lower() for addr in self.email.dmarc.rua}
        own = self.domain
        return sorted(d for d in domains if d != own and not d.endswith("." + own))

    def notes(self) -> list[str]:
        """Things a person must do outside this stack, shown by the plan and written into the handover."""
        found: list[str] = []
        for report_domain in self.dmarc_external_report_domains():
            found.append(
                f"DMARC reports go to {report_domain}: that domain must publish the TXT record "
                f'"{self.domain}._report._dmarc.{report_domain}" = "v=DMARC1" or receivers will not send them.'
            )
        found.append("DNSSEC: publish the DS record from the stack output dnssecDs at the registrar.")
        return found

    # ---- cross-field rules ----

    @model_validator(mode="after")
    def _cross_field(self) -> StackConfig:
        problems = list(_rules(self))
        if problems:
            raise _RuleViolations(problems)
        return self


class _RuleViolations(ValueError):
    """Raised inside pydantic; carries every cross-field problem so none is lost in the error list."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def _rules(cfg: StackConfig) -> Iterator[Problem]:
    ns = NAMESPACE
    # Hostnames: the web hostnames the product needs, and internal ones behind Access.
    if "@" not in cfg.hostnames:
        yield Problem(f"{ns}:hostnames", 'the apex "@" is missing', 'add "@": {origin: ..., purpose: ...}')
    if cfg.redirects.canonical == "www" and "www" not in cfg.hostnames:
        yield Problem(
            f"{ns}:redirects.canonical",
            "canonical host is www but no www hostname is declared",
            value="www",
            fix='declare hostnames.www or set redirects.canonical to "apex"',
        )
    for label in cfg.internal_labels:
        host = cfg.hostnames[label]
        if not host.proxied:
            yield Problem(
                f"{ns}:hostnames.{label}.proxied",
                "an internal hostname must be proxied, or Access cannot "
                "protect it and anyone on the internet reaches the origin",
                value="false",
                fix="set proxied: true",
            )
    if cfg.internal_labels and not cfg.access.has_anyone:
        yield Problem(
            f"{ns}:access",
            f"internal hostnames ({', '.join(cfg.internal_labels)}) have nobody allowed in",
            fix="add allowEmails, allowEmailDomains or allowGroups",
        )
    for label, host in cfg.hostnames.items():
        if host.record_type == "CNAME" and host.origin == cfg.fqdn(label):
            yield Problem(f"{ns}:hostnames.{label}.origin", "a hostname cannot point at itself", value=host.origin)
        if host.record_type != "CNAME":
            ip = ipaddress.ip_address(host.origin)
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
                yield Problem(
                    f"{ns}:hostnames.{label}.origin",
                    "origin is a private, loopback or link-local address that the internet cannot reach",
                    value=host.origin,
                    fix="use the origin's public address",
                )
    # DNS extra records: no second SPF or DMARC outside the email area, no clash with web hostnames.
    # A name may hold one SPF record; the email area declares the apex's and the MAIL FROM subdomain's.
    spf_owner: dict[str, str] = {}
    if cfg.email.enabled:
        spf_owner = {"@": f"{ns}:email.spf", cfg.email.mail_from_subdomain: f"{ns}:email.mailFromSubdomain"}
    for i, rec in enumerate(cfg.dns.extra_records):
        key = f"{ns}:dns.extraRecords[{i}]"
        if rec.type == "TXT" and is_spf_record(rec.content):
            if rec.name in spf_owner:
                where = "at the apex" if rec.name == "@" else f'at "{rec.name}"'
                yield Problem(
                    f"{key}.content",
                    f"a second SPF record {where} makes SPF fail (permerror)",
                    fix="move the mechanisms into email.spf.extraSenders"
                    if rec.name == "@" and cfg.email.enabled
                    else f"merge it into the one declared by {spf_owner[rec.name]}",
                )
            else:
                spf_owner[rec.name] = key
        if cfg.email.enabled and rec.name == cfg.email.mail_from_subdomain and rec.type == "MX":
            yield Problem(
                f"{key}.name",
                "the MAIL FROM subdomain carries exactly one MX, the SES bounce MX the email area declares",
                value=rec.name,
                fix="remove this record or pick another email.mailFromSubdomain",
            )
        if rec.type == "TXT" and rec.name == "_dmarc":
            yield Problem(
                f"{key}.name",
                "the DMARC record is declared by the email area",
                fix="configure it under email.dmarc",
            )
        # Cloudflare flattens a CNAME at the apex, so MX and TXT may sit beside it there; not elsewhere.
        if rec.name in cfg.hostnames and (
            rec.type in ("CNAME", "A", "AAAA")
            or (rec.name != "@" and cfg.hostnames[rec.name].record_type == "CNAME")
        ):
            yield Problem(
                f"{key}.name",
                f'"{rec.name}" is already a web hostname: declare its address there, and no other record '
                "may sit beside a CNAME",
                value=rec.name,
            )
    # Redirects: one rule per legacy URL plus one from the other of apex/www, within the plan's quota.
    froms = [item.from_ for item in cfg.redirects.legacy]
    for i, item in enumerate(cfg.redirects.legacy):
        if item.from_ in froms[:i]:
            yield Problem(
                f"{ns}:redirects.legacy[{i}].from",
                "listed twice; only the first entry would ever redirect",
                value=item.from_,
                fix="remove the duplicate",
            )
    redirect_count = len(froms) + (1 if "www" in cfg.hostnames else 0)
    redirect_limit = REDIRECT_RULE_LIMITS[cfg.zone.plan]
    if redirect_count > redirect_limit:
        yield Problem(
            f"{ns}:redirects.legacy",
            f"{redirect_count} redirect rules (the legacy URLs and the apex/www rule); the "
            f"{cfg.zone.plan.value} plan allows {redirect_limit}",
            value=str(len(froms)),
            fix="drop legacy URLs nobody visits any more, merge them into wildcard rules, or upgrade the plan",
        )
    # TLS / HSTS.
    hsts = cfg.tls.hsts
    if cfg.is_prod and cfg.hsts_max_age < 15552000:
        yield Problem(
            f"{ns}:tls.hsts.maxAgeSeconds",
            "prod may not shorten or disable HSTS below six months",
            value=str(cfg.hsts_max_age),
            fix="remove the key (one year) or set at least 15552000",
        )
    if hsts.preload and (not hsts.include_subdomains or cfg.hsts_max_age < 31536000):
        yield Problem(
            f"{ns}:tls.hsts.preload",
            "preload needs includeSubdomains and a max-age of a year",
            value="true",
            fix="set includeSubdomains: true and maxAgeSeconds: 31536000, or drop preload",
        )
    # Cache: a static prefix must not overlap an authenticated prefix.
    for sp in cfg.cache.static_path_prefixes:
        for ap in cfg.cache.authenticated_path_prefixes:
            if sp.startswith(ap) or ap.startswith(sp):
                yield Problem(
                    f"{ns}:cache.staticPathPrefixes",
                    f'"{sp}" overlaps the authenticated prefix "{ap}"',
                    value=sp,
                    fix="serve static files from a path outside the authenticated ones",
                )
    # WAF: what the plan can have.
    plan = cfg.zone.plan
    for name in cfg.managed_rulesets:
        need = MANAGED_RULESET_MIN_PLAN[name]
        if PLAN_RANK[plan] < PLAN_RANK[need]:
            yield Problem(
                f"{ns}:waf.managedRulesets",
                f"the {name.value} ruleset needs the {need.value} plan or higher; this zone is on {plan.value}",
                value=name.value,
                fix="use free_managed, or upgrade the zone's plan and update zone.plan",
            )
    max_rules, max_period, max_mitigation, methods_ok = RATE_LIMIT_PLAN_LIMITS[plan]
    if len(cfg.waf.rate_limits) > max_rules:
        yield Problem(
            f"{ns}:waf.rateLimits",
            f"the {plan.value} plan allows {max_rules} rate-limit rule(s), {len(cfg.waf.rate_limits)} are configured",
            value=str(len(cfg.waf.rate_limits)),
            fix="merge or drop rules, or upgrade the plan",
        )
    seen_names: set[str] = set()
    for i, rl in enumerate(cfg.waf.rate_limits):
        key = f"{ns}:waf.rateLimits[{i}]"
        if rl.name in seen_names:
            yield Problem(f"{key}.name", "rate-limit names must be unique", value=rl.name)
        seen_names.add(rl.name)
        for field, value, limit in (
            ("periodSeconds", rl.period_seconds, max_period),
            ("mitigationTimeoutSeconds", rl.mitigation_timeout_seconds, max_mitigation),
        ):
            if value not in RATE_LIMIT_ALLOWED_SECONDS:
                yield Problem(
                    f"{key}.{field}",
                    "Cloudflare accepts only 10, 15, 20, 30, 40, 45, 60, 90, 120, "
                    "180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535 or 86400",
                    value=str(value),
                )
            elif value > limit:
                yield Problem(
                    f"{key}.{field}",
                    f"the {plan.value} plan allows at most {limit} s",
                    value=str(value),
                    fix="use a shorter value or upgrade the plan",
                )
        if rl.methods and not methods_ok:
            yield Problem(
                f"{key}.methods",
                f"matching on the request method needs the Business plan; this zone is on {plan.value}",
                value=",".join(rl.methods),
                fix="remove methods (the limit then counts every method) or upgrade the plan",
            )
    # Email.
    if cfg.email.enabled:
        if cfg.email.mail_from_subdomain in cfg.hostnames:
            yield Problem(
                f"{ns}:email.mailFromSubdomain",
                "the MAIL FROM subdomain is also a web hostname; it must only carry the bounce MX and SPF",
                value=cfg.email.mail_from_subdomain,
                fix='pick another subdomain such as "mail" or "bounce"',
            )
        if cfg.is_prod and cfg.dmarc_policy is DmarcPolicy.none:
            yield Problem(
                f"{ns}:email.dmarc.policy",
                "prod may not use p=none: spoofed mail would still be delivered",
                value="none",
                fix="use quarantine (default) or reject",
            )
        if cfg.is_prod and cfg.email.dmarc.subdomain_policy is DmarcPolicy.none:
            yield Problem(
                f"{ns}:email.dmarc.subdomainPolicy",
                "prod may not use sp=none: mail spoofing any subdomain would still be delivered",
                value="none",
                fix="remove the key (subdomains then follow the policy) or use quarantine or reject",
            )
        for i, address in enumerate(cfg.email.dmarc.rua):
            if address.lower().startswith("mailto:"):
                yield Problem(
                    f"{ns}:email.dmarc.rua[{i}]",
                    "write the bare address: mailto: is added in the DMARC record",
                    value=address,
                    fix=f"use {address[len('mailto:'):]}",
                )
            elif any(c in address for c in ",;!"):
                yield Problem(
                    f"{ns}:email.dmarc.rua[{i}]",
                    "a report address may not contain , ; or ! (they separate URIs, tags and size limits in DMARC)",
                    value=address,
                )
        lookups = cfg.email.spf.lookup_count
        if lookups > SPF_MAX_LOOKUPS:
            yield Problem(
                f"{ns}:email.spf.extraSenders",
                f"the SPF record would cost {lookups} DNS lookups; "
                f"receivers reject more than {SPF_MAX_LOOKUPS} (permerror)",
                value=str(lookups),
                fix="drop senders you no longer use or replace includes with ip4:/ip6: ranges",
            )
        record_length = len(cfg.email.spf.record)
        if record_length > SPF_MAX_LENGTH:
            yield Problem(
                f"{ns}:email.spf.extraSenders",
                f"the SPF record would be {record_length} characters; above {SPF_MAX_LENGTH} its DNS answer may "
                "not fit in 512 bytes and some receivers fail SPF",
                value=str(record_length),
                fix="replace lists of ip4:/ip6: ranges with one include: of a record that holds them",
            )
        seen_terms: set[str] = set()
        for i, mech in enumerate(cfg.email.spf.extra_senders):
            term = mech.strip().lower().rstrip(".")
            if term in seen_terms:
                yield Problem(
                    f"{ns}:email.spf.extraSenders[{i}]",
                    "listed twice; every repeat costs its DNS lookups again",
                    value=mech,
                    fix="remove the duplicate",
                )
                continue
            seen_terms.add(term)
            if mech.lower() in ("+all", "?all", "all", "-all", "~all") or mech.lower().startswith("redirect="):
                yield Problem(
                    f"{ns}:email.spf.extraSenders[{i}]",
                    "the all/redirect term is set by email.spf.all",
                    value=mech,
                    fix="remove it from extraSenders",
                )
            elif not _SPF_MECH_RE.match(mech.lower()):
                yield Problem(
                    f"{ns}:email.spf.extraSenders[{i}]",
                    "not an SPF mechanism this stack supports (include:, ip4:, ip6:, a, mx)",
                    value=mech,
                )
            elif term.startswith(("ip4:", "ip6:")) and not _spf_ip_ok(term):
                yield Problem(
                    f"{ns}:email.spf.extraSenders[{i}]",
                    f"not a valid {'IPv4' if term.startswith('ip4:') else 'IPv6'} address or range; "
                    "receivers fail the whole SPF record on it (permerror)",
                    value=mech,
                    fix='write it as "ip4:203.0.113.5", "ip4:203.0.113.0/24" or "ip6:2001:db8::/32"',
                )
            elif term == "include:amazonses.com":
                yield Problem(
                    f"{ns}:email.spf.extraSenders[{i}]", "SES is always included", value=mech, fix="remove it"
                )
    # Secrets.
    window = cfg.secret_recovery_window_days
    if not 7 <= window <= 30:
        yield Problem(f"{ns}:secrets.recoveryWindowDays", "must be between 7 and 30 days", value=str(window))
    elif cfg.is_prod and window < 30:
        yield Problem(
            f"{ns}:secrets.recoveryWindowDays",
            "prod keeps deleted secrets restorable for 30 days",
            value=str(window),
            fix="remove the key (30 in prod)",
        )
    names = [s.name for s in cfg.secrets.items]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        yield Problem(f"{ns}:secrets.items", "secret names must be unique", value=dup)
    # Monitoring.
    for ep_name in ("homepage", "login", "api_health"):
        ep: Endpoint = getattr(cfg.monitoring.endpoints, ep_name)
        if ep.host not in cfg.hostnames:
            yield Problem(
                f"{ns}:monitoring.endpoints.{to_camel(ep_name)}.host",
                "not a declared hostname",
                value=ep.host,
                fix=f"use one of: {', '.join(cfg.hostnames)}",
            )
        elif cfg.is_internal(ep.host):
            yield Problem(
                f"{ns}:monitoring.endpoints.{to_camel(ep_name)}.host",
                "an internal hostname sits behind Access, so Route 53 health checkers cannot reach it",
                value=ep.host,
            )
    if not cfg.monitoring.alert_emails and not cfg.monitoring.alert_webhooks:
        yield Problem(f"{ns}:monitoring", "alarms would notify nobody", fix="add alertEmails or alertWebhooks")
    for i, group in enumerate(cfg.monitoring.log_groups):
        days = cfg.log_retention_days(group)
        if days not in CLOUDWATCH_RETENTION_DAYS:
            yield Problem(
                f"{ns}:monitoring.logGroups[{i}].retentionDays",
                "CloudWatch accepts only " + ", ".join(map(str, CLOUDWATCH_RETENTION_DAYS)),
                value=str(days),
            )
    # Config keys that hold secret values must be referenced and exist (checked in parse_config).


# --------------------------------------------------------------------------------------------------
# Parsing raw config into the model
# --------------------------------------------------------------------------------------------------

_SECRET_KEY_RE = re.compile(
    r"(passw(or)?d|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|privatekey|credential|dsn|"
    r"access[_-]?key|signing[_-]?key|webhook[_-]?url)",
    re.IGNORECASE,
)
_URL_WITH_CREDENTIALS_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)


def is_secret_like_key(key: str) -> bool:
    """Whether a config key's name says it holds a credential."""
    return bool(_SECRET_KEY_RE.search(key))


def looks_like_credential_url(value: str) -> bool:
    """A URL with a password in it, e.g. postgres://app:hunter2@db/app."""
    return bool(_URL_WITH_CREDENTIALS_RE.match(value.strip()))


def _secret_fix(full_key: str) -> str:
    return f"pulumi config set --secret {full_key} '<value>' (then remove the plaintext line)"


_NESTED_SECRET_FIX = (
    f"pulumi config set --secret {NAMESPACE}:<someKey> '<value>' and reference it with configKey: <someKey>"
)


def _walk_plaintext(value: Any, path: str) -> Iterator[Problem]:
    """Plaintext credentials inside an area's value: credential URLs anywhere, or secret-like keys."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            sub = f"{path}.{k}"
            if isinstance(v, str) and v and is_secret_like_key(str(k)) and not _is_reference_key(str(k)):
                yield Problem(sub, "a secret-like key holds a plaintext value", fix=_NESTED_SECRET_FIX)
            else:
                yield from _walk_plaintext(v, sub)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_plaintext(v, f"{path}[{i}]")
    elif isinstance(value, str) and looks_like_credential_url(value):
        yield Problem(path, "a URL with credentials in it is a secret", fix=_NESTED_SECRET_FIX)


def _is_reference_key(key: str) -> bool:
    # Keys that name a secret rather than hold one.
    return key in ("configKey", "config_key", "sessionCookies", "session_cookies")


def parse_config(
    raw: Mapping[str, Any],
    secret_keys: set[str] | frozenset[str] = frozenset(),
    source: str = "stack config",
) -> StackConfig:
    """Validate a stack's config and return the typed model, or raise ConfigError listing every problem.

    `raw` maps full config keys (`launchready:zone`, `aws:region`, ...) to values: parsed objects for
    structured keys, strings for plain ones. `secret_keys` are the full keys whose values are secret
    (`secure:` in the stack file); their values are never shown in a message.
    """
    problems: list[Problem] = []
    areas: dict[str, Any] = {}
    referenced_secret_keys: set[str] = set()
    prefix = f"{NAMESPACE}:"

    secrets_raw = raw.get(f"{prefix}secrets")
    monitoring_raw = raw.get(f"{prefix}monitoring")
    for container, list_key in ((secrets_raw, "items"), (monitoring_raw, "alertWebhooks")):
        if isinstance(container, Mapping) and isinstance(container.get(list_key), list):
            for item in container[list_key]:
                if isinstance(item, Mapping) and isinstance(item.get("configKey"), str):
                    referenced_secret_keys.add(prefix + item["configKey"])

    for full_key in sorted(raw):
        value = raw[full_key]
        is_secret = full_key in secret_keys
        namespace, _, key = full_key.partition(":")
        if not key:
            problems.append(Problem(full_key, "config keys need a namespace, e.g. launchready:zone"))
            continue
        if namespace != NAMESPACE:
            # Provider and other namespaces are Pulumi's business, but never as plaintext credentials.
            if (
                not is_secret
                and isinstance(value, str)
                and (is_secret_like_key(key) or looks_like_credential_url(value))
            ):
                problems.append(Problem(full_key, "a credential is stored in plaintext", fix=_secret_fix(full_key)))
            continue
        if key in AREA_KEYS:
            if is_secret:
                problems.append(
                    Problem(
                        full_key,
                        "an area of the stack config cannot be a secret",
                        fix="store secret values in their own keys and reference them",
                    )
                )
                continue
            areas[AREA_KEYS[key]] = value
            problems.extend(_walk_plaintext(value, full_key))
            continue
        # A value key: it must be a secret referenced by secrets.items[].configKey or a webhook's configKey.
        if not is_secret:
            if is_secret_like_key(key) or (isinstance(value, str) and looks_like_credential_url(value)):
                problems.append(
                    Problem(full_key, "a secret-like key holds a plaintext value", fix=_secret_fix(full_key))
                )
            elif full_key in referenced_secret_keys:
                problems.append(
                    Problem(
                        full_key,
                        "this key is referenced as a secret but stored in plaintext",
                        fix=_secret_fix(full_key),
                    )
                )
            else:
                problems.append(
                    Problem(
                        full_key,
                        "unknown key",
                        value=_show(value),
                        fix=f"known keys: {', '.join(f'{prefix}{k}' for k in AREA_KEYS)}",
                    )
                )
        elif full_key not in referenced_secret_keys:
            problems.append(
                Problem(
                    full_key,
                    "a secret value that no secrets.items[].configKey or monitoring.alertWebhooks[].configKey uses",
                    fix="reference it or remove it: pulumi config rm " + full_key,
                )
            )
    for ref in sorted(referenced_secret_keys):
        if ref not in raw:
            problems.append(
                Problem(
                    ref,
                    "referenced as configKey but not set",
                    fix=f"pulumi config set --secret {ref} '<value>'",
                )
            )

    if "environment" not in areas:
        problems.append(Problem(f"{prefix}environment", "required key is missing", fix="set it to staging or prod"))

    if problems:
        # Structural problems too, so the list is complete in one go.
        problems.extend(_structure_problems(areas, skip_missing={"environment"}))
        raise ConfigError(_dedupe(problems), source)
    try:
        return StackConfig.model_validate(areas)
    except ValidationError as exc:
        raise ConfigError(_dedupe(_from_validation_error(exc, areas)), source) from None


def _structure_problems(areas: Mapping[str, Any], skip_missing: set[str]) -> list[Problem]:
    try:
        StackConfig.model_validate(areas)
    except ValidationError as exc:
        return [
            p
            for p in _from_validation_error(exc, areas)
            if not (p.message.startswith("required") and p.path.split(":", 1)[1] in skip_missing)
        ]
    return []


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def _lookup(data: Any, loc: tuple[int | str, ...]) -> tuple[bool, Any]:
    cur = data
    for part in loc:
        if isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return False, None
    return True, cur


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    out = NAMESPACE + ":"
    first = True
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("" if first else ".") + str(part)
        first = False
    return out


_FIXES = {
    "extra_forbidden": "remove it or fix its spelling (keys are camelCase)",
    "missing": "add it",
    "literal_error": "",
    "enum": "",
}


def _from_validation_error(exc: ValidationError, areas: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        if isinstance(inner, _RuleViolations):
            problems.extend(inner.problems)
            continue
        path = _loc_to_path(loc) if loc else NAMESPACE
        etype = err["type"]
        found, value = _lookup(areas, loc)
        last = str(loc[-1]) if loc else ""
        shown = None
        if found and not isinstance(value, (Mapping, list)) and not is_secret_like_key(last):
            shown = _show(value)
        message = err["msg"]
        if etype == "missing":
            message = "required key is missing"
        elif etype == "extra_forbidden":
            message = "unknown key"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        elif message.startswith("Assertion failed, "):
            message = message.removeprefix("Assertion failed, ")
        problems.append(Problem(path, message, _FIXES.get(etype, ""), shown))
    return problems


# --------------------------------------------------------------------------------------------------
# Reading it through Pulumi's config
# --------------------------------------------------------------------------------------------------


def load_from_pulumi() -> StackConfig:
    """Read the stack config through Pulumi's config, exactly as `pulumi up` passes it to the program.

    Raises ConfigError (a `pulumi.RunError`-style clean stop is done by the caller).
    """
    import json

    from pulumi.runtime import config as pconfig

    keys: set[str] = set(pconfig.CONFIG.get()) | set(pconfig.get_config_env())
    raw: dict[str, Any] = {}
    for key in keys:
        value = pconfig.get_config(key)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        raw[key] = value
    secret = {k for k in keys if pconfig.is_config_secret(k)} | set(pconfig.get_config_secret_keys_env())
    return parse_config(raw, secret, source="stack config")
