"""Facts about DNS, email, TLS and Cloudflare that the program, its config and the tools rely on.

The policy pack runs in its own virtualenv and cannot import this package, so it keeps the same facts in
`policies/pack_facts.py`; `tests/test_facts.py` keeps the two equal. Change both, with the source.
Plain data only: this module imports no Pulumi provider SDK and no pydantic.
"""

from __future__ import annotations

import ipaddress

#: DNS lookups an `include:` costs (the include itself plus the lookups of the provider's own record),
#: read from each provider's published SPF record (RFC 7208 4.6.4 counts include, a, mx, ptr, exists,
#: redirect). Names are matched lowercase, without a trailing dot; an unknown include costs 1.
#: _spf.salesforce.com is `exists:...` behind the include, so 2 (the pack said 1 before reconciling).
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
#: RFC 7208 4.6.4: more than 10 lookups is a permerror.
SPF_MAX_LOOKUPS = 10

#: Addresses the internet cannot reach (IANA IPv4/IPv6 special-purpose registries, RFC 6890): an origin or
#: a public A/AAAA record there is a mistake. 100.64.0.0/10 is carrier-grade NAT space (RFC 6598): the
#: config accepted it before reconciling, the pack rejected it; both reject it now.
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

#: Shortest HSTS max-age accepted in prod: six months, the floor most scanners and the HSTS preload list's
#: guidance use for "HSTS on" (RFC 6797 leaves it to the site).
HSTS_MIN_MAX_AGE_PROD = 15552000
#: hstspreload.org requires max-age of at least one year and includeSubDomains before a domain is listed.
HSTS_PRELOAD_MIN_MAX_AGE = 31536000

#: Public mailbox providers: allowing their domain lets anyone with a free account in (Access) or send as
#: a look-alike. Lowercase domains.
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

#: First DNS labels that name an internal (staff-only) hostname by convention.
INTERNAL_LABELS: tuple[str, ...] = (
    "admin",
    "internal",
    "staff",
    "ops",
    "backoffice",
    "intranet",
)


def non_public_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n) for n in NON_PUBLIC_NETWORKS]


def is_non_public_address(value: str) -> bool:
    """Whether an IP address is one the internet cannot reach; False for anything that is not an address."""
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in non_public_networks())


def spf_include_lookups(domain: str) -> int:
    return KNOWN_SPF_LOOKUPS.get(domain.strip().lower().rstrip("."), 1)


def is_public_email_domain(domain: str) -> bool:
    return domain.strip().lower().rstrip(".").lstrip("@") in PUBLIC_EMAIL_DOMAINS
