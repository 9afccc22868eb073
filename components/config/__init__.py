"""The stack config schema: the single source of truth for the program, the plan, verify and handover.

A stack file (`Pulumi.<stack>.yaml`) holds one Pulumi config namespace, `launchready`, with one key per
area (`launchready:zone`, `launchready:hostnames`, ...). Keys are camelCase, as Pulumi config keys usually
are; the models use snake_case attributes with camelCase aliases.

Where is what:
- `problems.py`: `Problem` and `ConfigError` (every check reports problems: key path, value, fix);
- `fields.py`: reusable field types (Domain, Hex32, EmailAddress, ...) and the strict `Model` base;
- one schema module per area: `zone.py` (zone, hostnames, DNS records), `redirects.py`, `tls.py`,
  `cache.py`, `waf.py`, `access.py`, `email.py`, `secrets.py`, `monitoring.py`;
- `stack.py`: `StackConfig`, the whole stack, and its derived values (environment-dependent defaults);
- `rules/`: the cross-field rules, one module per area, each rule a small function registered with `@rule`;
- `parser.py`: `parse_config` (raw keys to `StackConfig`, misplaced secrets), `load_from_pulumi`.

Validation happens in two passes, and both report every problem they find, never only the first:
1. structure (pydantic): unknown keys, wrong types, values out of range;
2. cross-field rules (`rules/`): things that need more than one field, such as "prod may not use DMARC
   p=none" or "an internal hostname must be proxied".
Every problem names its key path, the bad value unless the key is secret-like, and the fix.
"""

from components.config.access import Access, IdpGroup
from components.config.cache import Cache
from components.config.email import (
    KNOWN_SPF_LOOKUPS,
    SPF_MAX_LENGTH,
    SPF_MAX_LOOKUPS,
    Dmarc,
    DmarcPolicy,
    Email,
    Spf,
    is_spf_record,
    spf_lookups,
)
from components.config.fields import (
    AwsRegion,
    Domain,
    Duration,
    EmailAddress,
    Hex32,
    HttpsUrl,
    Label,
    Model,
    UrlPath,
)
from components.config.monitoring import (
    CLOUDWATCH_RETENTION_DAYS,
    Endpoint,
    Endpoints,
    LogGroup,
    MetricsSource,
    Monitoring,
    RouteClass,
    WebhookRef,
)
from components.config.parser import is_secret_like_key, load_from_pulumi, looks_like_credential_url, parse_config
from components.config.problems import NAMESPACE, ConfigError, Problem
from components.config.redirects import REDIRECT_RULE_LIMITS, LegacyRedirect, Redirects
from components.config.secrets import SecretEntry, Secrets, SecretSource
from components.config.stack import AREA_KEYS, Environment, StackConfig
from components.config.tls import Hsts, Tls
from components.config.waf import (
    CUSTOM_RULE_LIMITS,
    MANAGED_RULESET_MIN_PLAN,
    RATE_LIMIT_ALLOWED_SECONDS,
    RATE_LIMIT_PLAN_LIMITS,
    ManagedRuleset,
    RateLimit,
    Waf,
)
from components.config.zone import PLAN_RANK, CloudflarePlan, Dns, ExtraRecord, Hostname, Zone

__all__ = [
    "AREA_KEYS",
    "CLOUDWATCH_RETENTION_DAYS",
    "CUSTOM_RULE_LIMITS",
    "KNOWN_SPF_LOOKUPS",
    "MANAGED_RULESET_MIN_PLAN",
    "NAMESPACE",
    "PLAN_RANK",
    "RATE_LIMIT_ALLOWED_SECONDS",
    "RATE_LIMIT_PLAN_LIMITS",
    "REDIRECT_RULE_LIMITS",
    "SPF_MAX_LENGTH",
    "SPF_MAX_LOOKUPS",
    "Access",
    "AwsRegion",
    "Cache",
    "CloudflarePlan",
    "ConfigError",
    "Dmarc",
    "DmarcPolicy",
    "Dns",
    "Domain",
    "Duration",
    "Email",
    "EmailAddress",
    "Endpoint",
    "Endpoints",
    "Environment",
    "ExtraRecord",
    "Hex32",
    "Hostname",
    "Hsts",
    "HttpsUrl",
    "IdpGroup",
    "Label",
    "LegacyRedirect",
    "LogGroup",
    "ManagedRuleset",
    "MetricsSource",
    "Model",
    "Monitoring",
    "Problem",
    "RateLimit",
    "Redirects",
    "RouteClass",
    "SecretEntry",
    "SecretSource",
    "Secrets",
    "Spf",
    "StackConfig",
    "Tls",
    "UrlPath",
    "Waf",
    "WebhookRef",
    "Zone",
    "is_secret_like_key",
    "is_spf_record",
    "load_from_pulumi",
    "looks_like_credential_url",
    "parse_config",
    "spf_lookups",
]
