"""The ranked risk list: what each failing or warning check costs the business, in a fixed launch order.

Impacts, most costly first: users cannot reach the app or log in; mail is spoofed or lost; private data is
exposed; a weaker defence. Within an impact, checks keep the launch checklist's order (`LAUNCH_ORDER`):
DNS before TLS before redirects before the app. Failures rank above warnings. Each risk carries the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from launchready.probe.model import CheckResult, Status

#: impact id -> what it costs, in rank order
IMPACTS: dict[str, str] = {
    "reach": "users cannot reach the app or log in",
    "mail": "mail is spoofed or lost",
    "exposure": "private data is exposed",
    "defence": "a weaker defence",
}


@dataclass(frozen=True)
class CheckInfo:
    impact: str
    fix: str


#: check id -> impact and the fix, in the fixed launch order
LAUNCH_ORDER: dict[str, CheckInfo] = {
    "dns.records": CheckInfo("reach", "publish the declared records (pulumi up), or fix them at the DNS provider"),
    "dns.dnssec": CheckInfo("reach", "turn DNSSEC on (Cloudflare: DNS > Settings) and publish its DS at the "
                                     "registrar; a DS must match the zone's DNSKEY, or be removed"),
    "dns.caa": CheckInfo("reach", "publish CAA issue records for the CAs that issue your certificates"),
    "dns.caa_issuer": CheckInfo("reach", "add the issuing CA's CAA identifier (e.g. letsencrypt.org) to CAA issue"),
    "tls.certificate": CheckInfo("reach", "serve a trusted certificate for the name with its intermediate chain"),
    "tls.expiry": CheckInfo("reach", "renew the certificate (and check auto-renewal)"),
    "redirect.https": CheckInfo("reach", "redirect http:// to https:// on the same host with a 301/308"),
    "redirect.canonical": CheckInfo("reach", "redirect the other host to the canonical one in one hop, keeping path "
                                             "and query"),
    "redirect.legacy": CheckInfo("reach", "deploy the legacy redirect rules (status, target, ${1}, query kept)"),
    "web.mixed_content": CheckInfo("reach", "load every script, style, image and frame over https://"),
    "smoke.homepage": CheckInfo("reach", "fix the homepage deploy: status, expected text, redirects, TLS"),
    "smoke.login": CheckInfo("reach", "fix the login page: it must answer with a login form or 401/405"),
    "smoke.api_health": CheckInfo("reach", "fix the API health endpoint"),
    "smoke.url": CheckInfo("reach", "fix the URL: status, expected text, redirects, TLS"),
    "smoke.burst": CheckInfo("reach", "find the slow or failing requests under load before launch"),
    "email.spf": CheckInfo("mail", "publish one SPF record ending ~all or -all within 10 lookups"),
    "email.dmarc": CheckInfo("mail", "publish DMARC p=quarantine or reject with a rua address"),
    "email.dkim": CheckInfo("mail", "publish the DKIM keys (SES Easy DKIM CNAMEs), 2048-bit RSA"),
    "email.mail_from": CheckInfo("mail", "publish the MAIL FROM MX (feedback-smtp.<region>.amazonses.com) and SPF"),
    "email.ses": CheckInfo("mail", "finish SES verification: DKIM and MAIL FROM records, then wait for SUCCESS"),
    "email.mta_sts": CheckInfo("mail", "publish an MTA-STS record and policy (mode: enforce)"),
    "email.tls_rpt": CheckInfo("mail", "publish a TLS-RPT record with a rua address"),
    "web.access": CheckInfo("exposure", "put the internal hostname behind a Cloudflare Access application"),
    "web.bundle_secrets": CheckInfo("exposure", "revoke the key, move it server-side, and rebuild the bundle"),
    "web.cors": CheckInfo("exposure", "allow only known origins; never echo Origin with credentials"),
    "web.cookies": CheckInfo("exposure", "set session cookies Secure; HttpOnly; SameSite=Lax (or Strict)"),
    "dns.dangling_cname": CheckInfo("exposure", "delete the CNAME or recreate its target (subdomain takeover)"),
    "web.noindex": CheckInfo("exposure", "put staging behind Access or send X-Robots-Tag: noindex"),
    "http.hsts": CheckInfo("defence", "send Strict-Transport-Security: max-age=31536000; includeSubDomains"),
    "tls.versions": CheckInfo("defence", "disable TLS 1.0 and 1.1 (Cloudflare: minimum TLS version 1.2)"),
    "web.headers": CheckInfo("defence", "send CSP frame-ancestors, X-Content-Type-Options: nosniff, Referrer-Policy"),
    "web.security_txt": CheckInfo("defence", "publish /.well-known/security.txt with Contact: and Expires:"),
}
_UNKNOWN = CheckInfo("defence", "see the check's summary")


def fix_for(check: CheckResult) -> str:
    return str(check.details.get("fix") or LAUNCH_ORDER.get(check.id, _UNKNOWN).fix)


def rank_risks(checks: list[CheckResult]) -> list[dict[str, Any]]:
    """Failures then warnings, each by impact then launch order: [{rank, impact, cost, check, ...}]."""
    order = {check_id: i for i, check_id in enumerate(LAUNCH_ORDER)}
    impacts = list(IMPACTS)
    flagged = [c for c in checks if c.status is not Status.passed]

    def key(c: CheckResult) -> tuple[int, int, int, str]:
        info = LAUNCH_ORDER.get(c.id, _UNKNOWN)
        return (c.status is not Status.fail, impacts.index(info.impact), order.get(c.id, len(order)), c.target)

    risks = []
    for rank, check in enumerate(sorted(flagged, key=key), start=1):
        info = LAUNCH_ORDER.get(check.id, _UNKNOWN)
        risks.append({
            "rank": rank,
            "impact": info.impact,
            "cost": IMPACTS[info.impact],
            "check": check.id,
            "target": check.target,
            "status": check.status.value,
            "summary": check.summary,
            "fix": fix_for(check),
        })
    return risks
