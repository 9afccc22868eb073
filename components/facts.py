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

#: Every AWS region name, all partitions (aws, aws-cn, aws-us-gov, the isolated ones, aws-eusc), from the
#: `regions` of each partition in botocore's data/endpoints.json (botocore 1.44.8). An `aws:region` or an
#: `email.sesRegion` outside it is a typo; tests/components/config/test_rules_regions.py re-reads botocore's file.
AWS_REGIONS: tuple[str, ...] = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2", "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
    "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1",
    "us-isof-south-1", "eusc-de-east-1",
)

#: The regions where Amazon SES (the `email` endpoint) runs, from the same file's `services.email.endpoints`
#: (botocore 1.44.8); the SES v2 API is served by the same email.<region> endpoints.
SES_REGIONS: tuple[str, ...] = (
    "af-south-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
    "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
    "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2", "us-gov-east-1", "us-gov-west-1", "eusc-de-east-1",
)
