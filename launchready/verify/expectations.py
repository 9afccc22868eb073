"""What a live domain should serve: a pure function of the stack config (or of a bare domain name).

Nothing here touches the network, so every rule is unit-tested directly: `for_stack(cfg)` turns the
typed stack config into expected records and thresholds; `for_domain(name)` gives the generic
expectations used for bare domains (any address, whichever canonical host, prod-grade HSTS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from components.config import StackConfig

ONE_YEAR = 31536000
SIX_MONTHS = 15552000
#: Easy DKIM's CNAME target suffix (the provisioner writes the same; see components/email.py).
SES_DKIM_SUFFIX = "dkim.amazonses.com"
#: The SPF record SES needs on the MAIL FROM subdomain.
SES_SPF_INCLUDE = "include:amazonses.com"

RecordKind = Literal["ADDRESS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV"]


@dataclass(frozen=True)
class ExpectedRecord:
    """One record a name must have. ADDRESS means "any A or AAAA" (a proxied name shows edge addresses)."""

    name: str  # fully qualified, no trailing dot
    type: RecordKind
    content: str | None = None  # None: any content
    priority: int | None = None
    required: bool = True  # a missing optional record is a warning, not a failure
    why: str = ""

    def describe(self) -> str:
        if self.type == "ADDRESS":
            return f"{self.name} has an address (A or AAAA)"
        prio = f"{self.priority} " if self.priority is not None else ""
        return f"{self.name} {self.type} {prio}{self.content}" if self.content else f"{self.name} {self.type}"


@dataclass(frozen=True)
class DkimSelector:
    selector: str
    #: with SES tokens: the CNAME target the record must point at; None for a selector given by hand
    cname_target: str | None = None


@dataclass(frozen=True)
class LegacyRule:
    """One declared legacy redirect: `from` (exact, or with one trailing `*`), `to` (path or https URL)."""

    from_: str
    to: str
    status: int

    @property
    def wildcard(self) -> bool:
        return self.from_.endswith("*")


@dataclass(frozen=True)
class Expectations:
    domain: str
    environment: str | None  # "prod", "staging", or None for a bare domain
    #: hostnames whose HTTP, TLS and HSTS are checked
    web_hosts: list[str]
    #: web hosts checked only when they resolve (a bare domain's www)
    optional_hosts: frozenset[str] = frozenset()
    #: other hosts (a bare domain's admin., api., staging.) whose checks run only when they resolve
    probe_when_resolving: frozenset[str] = frozenset()
    records: list[ExpectedRecord] = field(default_factory=list)
    #: the host every visitor ends up on; None: whichever host the apex ends on
    canonical_host: str | None = None
    #: hosts that must reach the canonical host (apex and www)
    canonical_sources: list[str] = field(default_factory=list)
    #: CAA issue values that must be present; None: any CAA record will do
    caa_issuers: list[str] | None = None
    hsts_fail_below: int = ONE_YEAR
    hsts_warn_below: int = ONE_YEAR
    hsts_required: bool = True
    hsts_include_subdomains: bool = False
    #: SPF record as declared (None: any valid record)
    spf_record: str | None = None
    dmarc_policy: str | None = None  # None: any; "none" draws a warning then
    dmarc_rua: list[str] = field(default_factory=list)
    mail_from_domain: str | None = None
    mail_from_mx: str | None = None  # exact MX host expected; None: any
    dkim: list[DkimSelector] = field(default_factory=list)
    #: SES identity and region to ask (stack mode only)
    ses_identity: str | None = None
    ses_region: str | None = None
    email_enabled: bool = True
    #: declared legacy redirects, asked on every host of `legacy_hosts`
    legacy: list[LegacyRule] = field(default_factory=list)
    legacy_hosts: list[str] = field(default_factory=list)
    #: hosts behind Cloudflare Access: an unauthenticated request must meet Access, never the app
    internal_hosts: list[str] = field(default_factory=list)
    #: the login URL (session cookie flags) and the API host (CORS); None: not known
    login_url: str | None = None
    api_host: str | None = None
    homepage_url: str | None = None
    #: session cookie names the stack declares (others are judged by their name's look)
    session_cookies: list[str] = field(default_factory=list)
    #: hosts search engines must not index (a staging stack's hosts; a bare domain's staging.<domain>)
    staging_hosts: list[str] = field(default_factory=list)

    def hsts_rule(self) -> str:
        if self.environment == "prod" or self.environment is None:
            return "at least one year (31536000 s) for production"
        return f"at least six months (15552000 s) outside prod; at least {self.hsts_fail_below} s as declared"


def for_domain(
    domain: str,
    *,
    dkim_selectors: list[str] | None = None,
    mail_from: str | None = None,
) -> Expectations:
    """Generic expectations for a bare domain: the apex and www resolve, prod-grade HTTPS, sane email."""
    domain = domain.lower().rstrip(".")
    www = f"www.{domain}"
    return Expectations(
        domain=domain,
        environment=None,
        web_hosts=[domain, www],
        optional_hosts=frozenset({www}),
        records=[
            ExpectedRecord(domain, "ADDRESS", why="the apex serves the site"),
            ExpectedRecord(www, "ADDRESS", required=False, why="visitors type www"),
        ],
        canonical_sources=[domain, www],
        dkim=[DkimSelector(s) for s in dkim_selectors or []],
        mail_from_domain=_mail_from(domain, mail_from),
        # The stage-1 audit: the usual names of an admin, an API and a staging host, checked when they resolve.
        internal_hosts=[f"admin.{domain}"],
        api_host=f"api.{domain}",
        homepage_url=f"https://{domain}/",
        staging_hosts=[f"staging.{domain}"],
        probe_when_resolving=frozenset({f"admin.{domain}", f"api.{domain}", f"staging.{domain}"}),
    )


def _mail_from(domain: str, subdomain: str | None) -> str | None:
    if not subdomain:
        return None
    subdomain = subdomain.lower().rstrip(".")
    return subdomain if subdomain.endswith("." + domain) else f"{subdomain}.{domain}"


def ses_dkim_selectors(tokens: list[str]) -> list[DkimSelector]:
    return [DkimSelector(t, f"{t}.{SES_DKIM_SUFFIX}") for t in tokens]


def for_stack(
    cfg: StackConfig,
    *,
    dkim_selectors: list[str] | None = None,
    mail_from: str | None = None,
) -> Expectations:
    """Expectations from the typed stack config. Command-line selectors and MAIL FROM override the config."""
    domain = cfg.domain
    records: list[ExpectedRecord] = []
    for label, host in cfg.hostnames.items():
        fqdn = cfg.fqdn(label)
        why = host.purpose
        if host.proxied:
            records.append(ExpectedRecord(fqdn, "ADDRESS", why=f"{why} (proxied: Cloudflare edge addresses)"))
        else:
            records.append(ExpectedRecord(fqdn, host.record_type, _name(host.origin), why=why))
    for rec in cfg.dns.extra_records:
        fqdn = cfg.fqdn(rec.name)
        content = _name(rec.content) if rec.type in ("MX", "CNAME") else rec.content
        records.append(ExpectedRecord(fqdn, rec.type, content, rec.priority, why=rec.purpose))

    canonical = cfg.canonical_host
    sources = [domain] + ([cfg.fqdn("www")] if "www" in cfg.hostnames else [])
    declared_hsts = cfg.hsts_max_age
    if cfg.is_prod:
        fail_below, warn_below = ONE_YEAR, ONE_YEAR
    else:
        # Staging may declare a short HSTS on purpose (it defaults to one day); serving less than declared
        # is a failure, less than six months a warning.
        fail_below, warn_below = min(SIX_MONTHS, declared_hsts), SIX_MONTHS
    email = cfg.email
    selectors = [DkimSelector(s) for s in dkim_selectors or []]
    return Expectations(
        domain=domain,
        environment=cfg.environment.value,
        web_hosts=[cfg.fqdn(label) for label in cfg.hostnames],
        records=records,
        canonical_host=canonical,
        canonical_sources=sources,
        caa_issuers=list(cfg.dns.caa_issuers),
        hsts_fail_below=fail_below,
        hsts_warn_below=warn_below,
        hsts_required=declared_hsts > 0,
        hsts_include_subdomains=cfg.tls.hsts.include_subdomains,
        spf_record=email.spf.record if email.enabled else None,
        dmarc_policy=cfg.dmarc_policy.value if email.enabled else None,
        dmarc_rua=list(email.dmarc.rua) if email.enabled else [],
        mail_from_domain=_mail_from(domain, mail_from) or (cfg.mail_from_domain if email.enabled else None),
        mail_from_mx=f"feedback-smtp.{email.ses_region}.amazonses.com" if email.enabled else None,
        dkim=selectors,
        ses_identity=domain if email.enabled else None,
        ses_region=email.ses_region if email.enabled else None,
        email_enabled=email.enabled,
        **_web_expectations(cfg),
    )


def _web_expectations(cfg: StackConfig) -> dict[str, Any]:
    """Legacy redirects, internal hosts, login, API and homepage: what the web-security checks need."""
    status = cfg.redirects.status_code
    eps = cfg.monitoring.endpoints
    api_label = "api" if "api" in cfg.hostnames else eps.api_health.host
    return {
        "legacy": [LegacyRule(r.from_, r.to, r.status_code or status) for r in cfg.redirects.legacy],
        "legacy_hosts": [cfg.domain] + ([cfg.fqdn("www")] if "www" in cfg.hostnames else []),
        "internal_hosts": [cfg.fqdn(label) for label in cfg.internal_labels],
        "login_url": f"https://{cfg.fqdn(eps.login.host)}{eps.login.path}",
        "api_host": cfg.fqdn(api_label),
        "homepage_url": f"https://{cfg.fqdn(eps.homepage.host)}{eps.homepage.path}",
        "session_cookies": list(cfg.cache.session_cookies),
        "staging_hosts": [] if cfg.is_prod else [cfg.fqdn(label) for label in cfg.hostnames],
    }


def _name(value: str) -> str:
    return value.lower().rstrip(".")
