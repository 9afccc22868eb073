"""Names and constants the operator tools share with the program.

The tools (plan, report, handover, verify) need the health-check region, alarm name prefixes, metric names
and record names the components use, without loading the AWS or Cloudflare SDK just to read a string.
So they live here: this module imports no Pulumi SDK and no pydantic (the config types are named for the
type checker only). The component modules import from here and re-export, so older imports keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.config import MetricsSource, StackConfig

# ---- alerts ----

#: Route 53 publishes health-check metrics only here.
HEALTH_CHECK_REGION = "us-east-1"


def alert_regions(cfg: StackConfig, default_region: str) -> list[str]:
    """Every region an alarm of this stack lives in, in a stable order."""
    regions = [default_region, HEALTH_CHECK_REGION]
    if cfg.email.enabled:
        regions.append(cfg.email.ses_region)
    return list(dict.fromkeys(regions))


def alert_topic_name(project: str, stack: str) -> str:
    """The SNS topic name of the alert topic (the same name in every region)."""
    return f"{name_prefix(project, stack)}-alerts"


# ---- monitoring ----

#: Route 53 checker regions (at least 3); fewer regions, fewer pings on the app.
HEALTH_CHECKER_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"]
#: config endpoint field -> the name used in resource names, alarm names and exports
ENDPOINT_KEYS = {"homepage": "homepage", "login": "login", "api_health": "api-health"}
#: AWS managed data identifiers masked in every log group: email addresses and credentials.
MASKED_DATA = ["EmailAddress", "AwsSecretKey", "OpenSshPrivateKey", "PgpPrivateKey", "PkcsPrivateKey",
               "PuttyPrivateKey"]
#: Custom data identifiers for the tokens AWS has no managed identifier for. CloudWatch Logs allows at most
#: 10, names of [A-Za-z0-9_-], and regexes of at most 200 characters without ( ) : " ' & (hence \W for ":").
TOKEN_PATTERNS: dict[str, str] = {
    "JsonWebToken": r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
    "BearerToken": r"[Bb]earer [A-Za-z0-9._+/=-]{20,}",
    "UrlCredentials": r"[a-z][a-z0-9+.-]*\W{3}[^\s/@]+\W[^\s/@]+@",
    "PasswordField": r"[Pp]ass[Ww]o?r?d[^\sA-Za-z0-9]{1,3}[^\s,;]{4,}",
    "TokenField": r"[Tt]oken[^\sA-Za-z0-9]{1,3}[A-Za-z0-9._+/=-]{16,}",
    "StripeKey": r"[rs]k_[lt][a-z]{3}_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{16,}",
    "SlackToken": r"xox[abprs]-[A-Za-z0-9-]{10,}|hooks\.slack\.com/services/[A-Za-z0-9/]{20,}",
}
MANAGED_IDENTIFIER_ARN = "arn:aws:dataprotection::aws:data-identifier/{}"
LATENCY_METRIC, ERRORS_METRIC, REQUESTS_METRIC, FAILED_JOBS_METRIC = "Latency", "Errors5xx", "Requests", "FailedJobs"
#: Period (seconds) of the latency, error-rate and failed-jobs alarms.
PERIOD = 300


def name_prefix(project: str, stack: str) -> str:
    """`<project>-<stack>`: the start of every alarm, dashboard, topic and configuration set name."""
    return f"{project}-{stack}"


def uptime_alarm_name(prefix: str, endpoint_key: str) -> str:
    return f"{prefix}-uptime-{endpoint_key}"


def latency_alarm_name(prefix: str, route_class: str) -> str:
    return f"{prefix}-p95-{route_class}"


def error_rate_alarm_name(prefix: str) -> str:
    return f"{prefix}-error-rate"


def failed_jobs_alarm_name(prefix: str) -> str:
    return f"{prefix}-failed-jobs"


def ses_alarm_name(prefix: str, key: str) -> str:
    """`key` is one of SES_REPUTATION_KEYS."""
    return f"{prefix}-ses-{key}"


def dashboard_name(prefix: str) -> str:
    return f"{prefix}-overview"


def alarm_names(cfg: StackConfig, project: str, stack: str, default_region: str) -> list[tuple[str, str]]:
    """(alarm name, region) of every alarm the program declares for this stack, in declaration order."""
    prefix = name_prefix(project, stack)
    names = [(uptime_alarm_name(prefix, key), HEALTH_CHECK_REGION) for key in ENDPOINT_KEYS.values()]
    names += [(latency_alarm_name(prefix, rc), default_region) for rc in cfg.monitoring.route_classes]
    names += [(error_rate_alarm_name(prefix), default_region), (failed_jobs_alarm_name(prefix), default_region)]
    if cfg.email.enabled:
        names += [(ses_alarm_name(prefix, key), cfg.email.ses_region) for key in SES_REPUTATION_KEYS]
    return names


@dataclass(frozen=True)
class SourceMetrics:
    """Where latency, errors and requests live for one metrics source."""

    type: str
    namespace: str
    latency: str
    latency_unit: str  # "ms" or "s"
    errors: tuple[str, ...]  # 5xx counts, summed
    requests: str
    dimensions: dict[str, str]
    route_dimension: str | None  # dimension that separates route classes, when the source has one

    def latency_threshold(self, p95_ms: int) -> float:
        return p95_ms / 1000 if self.latency_unit == "s" else float(p95_ms)

    def route_dimensions(self, route_class: str) -> dict[str, str]:
        dims = dict(self.dimensions)
        if self.route_dimension:
            dims[self.route_dimension] = route_class
        return dims

    @property
    def error_rate_expression(self) -> str:
        errors = " + ".join(f"FILL(errors{i}, 0)" for i in range(len(self.errors)))
        return f"IF(requests > 0, 100 * ({errors}) / requests, 0)"

    def to_json(self, region: str) -> dict[str, Any]:
        return {
            "type": self.type, "namespace": self.namespace, "region": region, "dimensions": self.dimensions,
            "routeDimension": self.route_dimension, "latencyMetric": self.latency, "latencyUnit": self.latency_unit,
            "errorMetrics": list(self.errors), "requestMetric": self.requests,
            "errorRateExpression": self.error_rate_expression,
        }


def source_metrics(src: MetricsSource) -> SourceMetrics:
    if src.type == "alb":
        # Errors of the targets and of the load balancer itself (502/503/504 when targets fail).
        return SourceMetrics("alb", "AWS/ApplicationELB", "TargetResponseTime", "s",
                             ("HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"), "RequestCount",
                             {"LoadBalancer": src.load_balancer or ""}, None)
    if src.type == "apigateway":
        return SourceMetrics("apigateway", "AWS/ApiGateway", "Latency", "ms", ("5XXError",), "Count",
                             {"ApiName": src.api_name or ""}, None)
    return SourceMetrics("custom", src.namespace, LATENCY_METRIC, "ms", (ERRORS_METRIC,), REQUESTS_METRIC, {},
                         "RouteClass")


# ---- DNS ----

#: Cloudflare's limit for a record comment on the Free plan (paid plans allow more).
COMMENT_MAX = 100
#: Tag that marks an internal hostname (reachable only through Access); the policy pack reads it.
INTERNAL_TAG = "access:internal"
#: The comment suffix that marks an internal hostname on plans without record tags.
INTERNAL_MARK = "[internal]"
AUTOMATIC_TTL = 1


def record_comment(purpose: str, owner: str, internal: bool = False) -> str:
    """`<purpose> | owner: <owner> | launchready`, the purpose cut to fit Cloudflare's comment limit."""
    mark = f" {INTERNAL_MARK}" if internal else ""
    text = f"{purpose} | owner: {owner}{mark} | launchready"
    if len(text) <= COMMENT_MAX:
        return text
    keep = COMMENT_MAX - len(f"... | owner: {owner}{mark} | launchready")
    return f"{purpose[:keep]}... | owner: {owner}{mark} | launchready"


def logical_label(label: str) -> str:
    """A label as part of a logical resource name: '@' is 'apex'."""
    return "apex" if label == "@" else label


# ---- email ----

#: Easy DKIM always hands out three tokens, one CNAME each.
DKIM_TOKENS = 3
#: The SES reputation metrics alarmed on, as they appear in alarm names.
SES_REPUTATION_KEYS = ("bounce-rate", "complaint-rate")
#: The SPF record of the MAIL FROM subdomain.
MAIL_FROM_SPF = "v=spf1 include:amazonses.com ~all"


def dkim_name(token: str, domain: str) -> str:
    return f"{token}._domainkey.{domain}"


def dkim_target(token: str) -> str:
    return f"{token}.dkim.amazonses.com"


def ses_feedback_mx(region: str) -> str:
    """SES's feedback endpoint in `region`: the MX of a custom MAIL FROM domain."""
    return f"feedback-smtp.{region}.amazonses.com"


def mail_from_mx(cfg: StackConfig) -> str:
    """Where receivers send bounces for the MAIL FROM domain: SES's feedback endpoint in the SES region."""
    return ses_feedback_mx(cfg.email.ses_region)
