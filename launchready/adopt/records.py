"""Record facts adopt needs: comparable keys, what a record is for, whether it carries mail or verification."""

from __future__ import annotations

import re
from typing import Any

from launchready.adopt.model import LiveRecord

#: TXT prefixes of site and domain ownership checks (the provider's documented record value).
VERIFICATION_PREFIXES = {
    "google-site-verification=": "Google site verification",
    "ms=": "Microsoft 365 domain verification",
    "facebook-domain-verification=": "Facebook domain verification",
    "apple-domain-verification=": "Apple domain verification",
    "atlassian-domain-verification=": "Atlassian domain verification",
    "stripe-verification=": "Stripe domain verification",
    "docusign=": "DocuSign domain verification",
    "zoom_verify_": "Zoom domain verification",
    "adobe-idp-site-verification=": "Adobe domain verification",
    "hubspot-developer-verification=": "HubSpot domain verification",
    "globalsign-domain-verification=": "GlobalSign domain verification",
    "_globalsign-domain-verification=": "GlobalSign domain verification",
    "openai-domain-verification=": "OpenAI domain verification",
    "slack-domain-verification=": "Slack domain verification",
}
_MX_PROVIDERS = {
    "google.com": "Google Workspace",
    "googlemail.com": "Google Workspace",
    "outlook.com": "Microsoft 365",
    "protection.outlook.com": "Microsoft 365",
    "zoho.com": "Zoho Mail",
    "zoho.eu": "Zoho Mail",
    "messagingengine.com": "Fastmail",
    "mx.cloudflare.net": "Cloudflare Email Routing",
    "amazonses.com": "Amazon SES",
    "protonmail.ch": "Proton Mail",
}
CLOUDFLARE_AUTOMATIC_TTL = 1
#: What an automatic TTL becomes when a record is declared as an extra record (Cloudflare's automatic is 300 s).
EXTRA_RECORD_DEFAULT_TTL = 300


def fqdn(name: str) -> str:
    return name.strip().rstrip(".").lower()


def txt_value(content: str) -> str:
    """A TXT record's text: Cloudflare may answer it quoted ("a" "b") or bare; both mean the same."""
    text = content.strip()
    if text.startswith('"') and text.endswith('"'):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', text)
        if parts:
            return "".join(p.replace('\\"', '"').replace("\\\\", "\\") for p in parts)
    return text


def normal_content(rtype: str, content: str) -> str:
    if rtype == "TXT":
        return txt_value(content)
    if rtype in ("CNAME", "MX", "NS"):
        return fqdn(content)
    return content.strip()


def caa_data(record: LiveRecord) -> tuple[int, str, str] | None:
    if record.type != "CAA":
        return None
    if record.data:
        return (int(float(record.data.get("flags", 0))), str(record.data.get("tag", "")).lower(),
                str(record.data.get("value", "")).strip('"'))
    parts = record.content.split(None, 2)
    if len(parts) == 3 and parts[0].isdigit():
        return int(parts[0]), parts[1].lower(), parts[2].strip('"')
    return None


def record_key(record: LiveRecord) -> tuple[Any, ...]:
    """What makes two records the same record (name, type, content/data, priority)."""
    caa = caa_data(record)
    content: Any = caa if caa is not None else normal_content(record.type, record.content)
    priority = record.priority if record.type in ("MX", "SRV", "URI") else None
    return (fqdn(record.name), record.type, content, priority)


def declared_record(inputs: dict[str, Any]) -> LiveRecord:
    """A declared DnsRecord's inputs, as a record to compare with the live ones."""
    priority = inputs.get("priority")
    return LiveRecord(
        id=None,
        name=fqdn(str(inputs.get("name", ""))),
        type=str(inputs.get("type", "")),
        content=str(inputs.get("content") or ""),
        proxied=bool(inputs.get("proxied", False)),
        ttl=int(float(inputs.get("ttl") or 1)),
        priority=int(float(priority)) if priority is not None else None,
        data=inputs.get("data") if isinstance(inputs.get("data"), dict) else None,
    )


def is_spf(record: LiveRecord) -> bool:
    return record.type == "TXT" and txt_value(record.content).lower().startswith("v=spf1")


def is_dmarc(record: LiveRecord) -> bool:
    return record.type == "TXT" and txt_value(record.content).lower().startswith("v=dmarc1")


def verification_of(record: LiveRecord) -> str | None:
    if record.type == "TXT":
        text = txt_value(record.content).lower()
        for prefix, what in VERIFICATION_PREFIXES.items():
            if text.startswith(prefix):
                return what
    first = fqdn(record.name).split(".", 1)[0]
    if first.startswith("_") and ("verif" in first or "challenge" in first):
        return f"domain verification ({first})"
    return None


def mail_provider(record: LiveRecord) -> str | None:
    host = fqdn(record.content)
    for suffix, provider in _MX_PROVIDERS.items():
        if host == suffix or host.endswith("." + suffix):
            return provider
    return None


def carries_mail_or_verification(record: LiveRecord) -> bool:
    """Records whose loss breaks mail or an ownership check: propose `protect` for them."""
    name = fqdn(record.name)
    return (record.type == "MX" or is_spf(record) or is_dmarc(record) or "._domainkey." in f".{name}"
            or verification_of(record) is not None)


def purpose_of(record: LiveRecord) -> str:
    """A purpose line for a record adopt adds to the stack config."""
    verification = verification_of(record)
    if verification:
        return f"{verification} (adopted from the live zone)"
    if record.type == "MX":
        provider = mail_provider(record)
        return f"inbound mail{f' ({provider})' if provider else ''} (adopted from the live zone)"
    if is_spf(record):
        return "SPF of this name (adopted from the live zone)"
    return f"{record.type} record adopted from the live zone"


def is_dkim_of_ses(record: LiveRecord) -> bool:
    name = fqdn(record.name)
    return (record.type == "CNAME" and "._domainkey." in name
            and fqdn(record.content).endswith(".dkim.amazonses.com"))


def spf_terms(content: str) -> list[str]:
    """The mechanisms of an SPF record, without `v=spf1` and the final `all`."""
    terms = txt_value(content).split()[1:]
    return [t for t in terms if t.lower() not in ("~all", "-all", "?all", "+all", "all")]


def relative_label(name: str, domain: str) -> str | None:
    """`www.example.com` in `example.com` -> `www`; the apex -> `@`; None when outside or deeper."""
    name = fqdn(name)
    if name == domain:
        return "@"
    if not name.endswith("." + domain):
        return None
    return name[: -len(domain) - 1]
