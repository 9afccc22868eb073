"""Facts the rules rely on, the pack's copy of `components/facts.py`.

The pack runs in its own virtualenv and cannot import the program's package, so the facts are written
here again; `tests/test_facts.py` asserts both copies are equal. Change both, with the source.
"""

from __future__ import annotations

import ipaddress

#: DNS lookups an SPF include costs (see components/facts.py for the sources).
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

#: Addresses the internet cannot reach (IANA special-purpose registries, RFC 6890, RFC 6598).
NON_PUBLIC_NETWORKS: tuple[str, ...] = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
)

HSTS_MIN_MAX_AGE_PROD = 15552000
HSTS_PRELOAD_MIN_MAX_AGE = 31536000

PUBLIC_EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "zoho.com",
    "qq.com",
    "163.com",
    "fastmail.com",
    "tutanota.com",
    "hey.com",
)

INTERNAL_LABELS: tuple[str, ...] = (
    "admin",
    "internal",
    "staff",
    "ops",
    "backoffice",
    "intranet",
)

_NETWORKS = [ipaddress.ip_network(n) for n in NON_PUBLIC_NETWORKS]


def is_non_public_address(value: str) -> bool:
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in _NETWORKS)


def spf_include_lookups(domain: str) -> int:
    return KNOWN_SPF_LOOKUPS.get(domain.strip().lower().rstrip("."), 1)


def is_public_email_domain(domain: str) -> bool:
    return domain.strip().lower().rstrip(".").lstrip("@") in PUBLIC_EMAIL_DOMAINS
