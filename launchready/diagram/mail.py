"""The mail path: sending domain -> Amazon SES (region) -> the DKIM, SPF and DMARC records receivers check
-> where DMARC reports go.

Read from the plan's SES identity, MAIL FROM attributes and DNS records, never from what the mocks make
up: the DKIM records are counted, not named (their tokens are chosen by SES at deploy), and no ARN is
shown.
"""

from __future__ import annotations

from typing import Any

from components.config import StackConfig
from launchready.diagram.model import Graph
from launchready.diagram.web import DNS_RECORD, resources

SES_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
SES_MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"


def _records(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [r.get("inputs") or {} for r in resources(plan, DNS_RECORD)]


def rua_addresses(dmarc: str) -> list[str]:
    """The addresses of `rua=mailto:a,mailto:b` in a DMARC record."""
    for part in dmarc.split(";"):
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "rua":
            return [item.strip().removeprefix("mailto:") for item in value.split(",") if item.strip()]
    return []


def _dns_nodes(g: Graph, cfg: StackConfig, domain: str, mail_from: str, records: list[dict[str, Any]]) -> None:
    dkim = [r for r in records if r.get("type") == "CNAME" and "._domainkey." in str(r.get("name"))]
    if dkim:
        g.link("ses", g.add("dkim", "record", f"DKIM: {len(dkim)} CNAME records",
                            f"TOKEN._domainkey.{domain} → TOKEN.dkim.amazonses.com",
                            "(SES chooses the tokens at deploy)"))
    for r in records:
        name, content, kind = str(r.get("name")), str(r.get("content") or ""), str(r.get("type"))
        if name == domain and kind == "TXT" and content.lower().startswith("v=spf1"):
            g.link("ses", g.add("spf", "record", f"SPF: TXT {domain}", content))
        elif name == mail_from and kind in ("MX", "TXT"):
            key = f"mailfrom-{kind.lower()}"
            g.link("ses", g.add(key, "record", f"MAIL FROM {kind}: {mail_from}", content))
        elif name == f"_dmarc.{domain}" and kind == "TXT":
            g.link("ses", g.add("dmarc", "record", f"DMARC: TXT _dmarc.{domain}", content))
            external = cfg.dmarc_external_report_domains()
            for address in rua_addresses(content):
                outside = address.rsplit("@", 1)[-1].lower() in external
                g.link("dmarc", g.add(f"rua:{address.lower()}", "reports", "DMARC aggregate reports (rua)",
                                      address, "(outside this domain)" if outside else ""))


def mail_graph(cfg: StackConfig, plan: dict[str, Any]) -> Graph:
    g = Graph()
    identities = [r.get("inputs") or {} for r in resources(plan, SES_IDENTITY)]
    if not identities:
        g.add("disabled", "note", f"{cfg.domain} sends no email through SES (launchready:email.enabled is false)")
        return g
    for identity in identities:  # one per stack today; keyed by domain so a second would not collide
        domain = str(identity.get("emailIdentity") or cfg.domain)
        mail_from = next((str((r.get("inputs") or {}).get("mailFromDomain"))
                          for r in resources(plan, SES_MAIL_FROM)
                          if (r.get("inputs") or {}).get("emailIdentity") == domain), "")
        g.add("domain", "domain", "Sending domain", domain)
        g.link("domain", g.add("ses", "ses", f"Amazon SES ({identity.get('region') or cfg.email.ses_region})",
                               f"identity {domain}",
                               f"configuration set {identity.get('configurationSetName') or '-'}",
                               f"MAIL FROM {mail_from}" if mail_from else ""))
        _dns_nodes(g, cfg, domain, mail_from, _records(plan))
    return g
