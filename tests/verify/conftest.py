"""Real servers on 127.0.0.1 for the verifier: dnslib authoritative DNS, knot for DNSSEC, HTTP/HTTPS with
trustme certificates. The zones are written like a launch-ready domain (`example.test`) plus one small
domain per broken thing, so each check has a passing and a failing scenario."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from launchready.verify.checks_email import clear_checkdmarc_caches
from launchready.verify.resolver import Resolver, parse_nameserver
from tests.fixtures.dnsserver import RunningDns, blackhole_dns, serve_dns
from tests.fixtures.knot import serve_knot
from tests.fixtures.web import Page, RunningWeb, serve_web

DOMAIN = "example.test"
HSTS_YEAR = "max-age=31536000; includeSubDomains"
TOKENS = ["tok1", "tok2", "tok3"]


def _dkim_public_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


DKIM_P = _dkim_public_key()


def soa(zone: str) -> str:
    return f"{zone}. 300 IN SOA ns1.{zone}. hostmaster.{zone}. 1 3600 600 86400 300\n"


def zone_text() -> str:
    d = DOMAIN
    lines = [soa(d)]
    for host in ("", "www.", "app.", "api.", "admin.", "expired.", "expiring.", "soon.", "wronghost.", "leafonly."):
        lines.append(f"{host}{d}. 300 IN A 127.0.0.1\n")
    lines += [
        f'{d}. 300 IN TXT "v=spf1 include:amazonses.com -all"\n',
        f'{d}. 300 IN TXT "google-site-verification=abc123"\n',
        f"{d}. 300 IN MX 10 mx.{d}.\n",
        f"mx.{d}. 300 IN A 192.0.2.25\n",
        f'{d}. 300 IN CAA 0 issue "letsencrypt.org"\n',
        f'{d}. 300 IN CAA 0 issue "pki.goog"\n',
        f'_dmarc.{d}. 300 IN TXT "v=DMARC1; p=quarantine; sp=quarantine; rua=mailto:dmarc@{d}; adkim=r; aspf=r"\n',
        f"mail.{d}. 300 IN MX 10 feedback-smtp.eu-west-1.amazonses.com.\n",
        f'mail.{d}. 300 IN TXT "v=spf1 include:amazonses.com ~all"\n',
        f'sel1._domainkey.{d}. 300 IN TXT "v=DKIM1; k=rsa; p={DKIM_P}"\n',
        f'revoked._domainkey.{d}. 300 IN TXT "v=DKIM1; k=rsa; p="\n',
        f"alias.{d}. 300 IN CNAME www.{d}.\n",
        f"dangling.{d}. 300 IN CNAME gone.{d}.\n",
    ]
    for token in TOKENS:
        lines.append(f"{token}._domainkey.{d}. 300 IN CNAME {token}.dkim.amazonses.com.\n")
        lines.append(f'{token}.dkim.amazonses.com. 300 IN TXT "p={DKIM_P}"\n')
    lines += [
        soa("amazonses.com"),
        'amazonses.com. 300 IN TXT "v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 -all"\n',
        "feedback-smtp.eu-west-1.amazonses.com. 300 IN A 192.0.2.30\n",
    ]
    # One small domain per broken thing.
    broken = {
        "twospf.test": ['"v=spf1 -all"', '"v=spf1 include:amazonses.com -all"'],
        "plusall.test": ['"v=spf1 include:amazonses.com +all"'],
        "nospf.test": ['"hello"'],
        "toomany.test": ['"v=spf1 ' + " ".join(f"a:h{i}.toomany.test" for i in range(11)) + ' -all"'],
    }
    for zone, txts in broken.items():
        lines.append(soa(zone))
        lines.append(f"{zone}. 300 IN A 127.0.0.1\n")
        lines += [f"{zone}. 300 IN TXT {t}\n" for t in txts]
    lines += [f"h{i}.toomany.test. 300 IN A 192.0.2.{i + 1}\n" for i in range(11)]
    lines += [
        soa("weak.test"),
        'weak.test. 300 IN TXT "v=spf1 -all"\n',
        '_dmarc.weak.test. 300 IN TXT "v=DMARC1; p=none"\n',
        soa("baddmarc.test"),
        '_dmarc.baddmarc.test. 300 IN TXT "v=DMARC1; p=bogus"\n',
        soa("nodmarc.test"),
        'nodmarc.test. 300 IN TXT "v=spf1 -all"\n',
        soa("badmail.test"),
        "mail.badmail.test. 300 IN MX 10 mx.elsewhere.test.\n",
        'mail.badmail.test. 300 IN TXT "v=spf1 ip4:192.0.2.1 ~all"\n',
    ]
    return "".join(lines)


@pytest.fixture(autouse=True)
def _fresh_checkdmarc() -> Iterator[None]:
    """checkdmarc caches answers process-wide without the nameserver in the key."""
    clear_checkdmarc_caches()
    yield
    clear_checkdmarc_caches()


@pytest.fixture(scope="session")
def dns_server() -> Iterator[RunningDns]:
    with serve_dns(zone_text()) as server:
        yield server


@pytest.fixture(scope="session")
def dead_dns() -> Iterator[RunningDns]:
    with blackhole_dns() as server:
        yield server


@pytest.fixture(scope="session")
def knot() -> Iterator[RunningDns]:
    with serve_knot() as server:
        yield server


@pytest.fixture
def resolver(dns_server: RunningDns) -> Resolver:
    return Resolver([parse_nameserver(dns_server.nameserver)], 2.0)


def good_routes(web: RunningWeb) -> None:
    d = DOMAIN
    for host in (d, f"www.{d}", f"app.{d}", f"api.{d}", f"admin.{d}"):
        web.routes[("http", host, "*")] = Page(301, f"https://{host}/")
    web.routes[("https", f"www.{d}", "*")] = Page(301, f"https://{d}/", {"Strict-Transport-Security": HSTS_YEAR})
    for host in (d, f"app.{d}", f"api.{d}", f"admin.{d}"):
        web.routes[("https", host, "*")] = Page(200, headers={"Strict-Transport-Security": HSTS_YEAR}, body="Welcome")


@pytest.fixture(scope="session")
def web_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWeb]:
    tmp: Path = tmp_path_factory.mktemp("web")
    hosts = [DOMAIN, f"www.{DOMAIN}", f"app.{DOMAIN}", f"api.{DOMAIN}", f"admin.{DOMAIN}"]
    with serve_web(tmp, hosts, DOMAIN) as web:
        yield web


@pytest.fixture
def web(web_session: RunningWeb) -> Iterator[RunningWeb]:
    """The servers with the good routes; a test may change routes, they are reset afterwards."""
    web_session.routes.clear()
    good_routes(web_session)
    yield web_session
    web_session.routes.clear()
