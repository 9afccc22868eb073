"""policies/pack_cloudflare_dnsrecord.py: every cloudflare-dnsrecord-* rule (non-public addresses, proxying,
email records kept DNS-only, secrets in TXT records) against its pass_*/fail_* fixtures, over gRPC."""

from __future__ import annotations

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    MAIL_FROM_RECORDS,
    SPF,
    A,
    Case,
    Cases,
    M,
    dkim_from_tokens,
    found,
    mail_from,
    record,
    sending_domain,
)

CASES = Cases()
case = CASES.add

PRIVATE = "cloudflare-dnsrecord-disallow-private-address"
PROXY = "cloudflare-dnsrecord-enable-proxy"
PROXIED_MAIL = "cloudflare-dnsrecord-disallow-proxied-email-records"
SECRET_TXT = "cloudflare-dnsrecord-disallow-secret-in-txt"  # pragma: allowlist secret

for _name, _type, _ip in [("fail_private_10", "A", "10.0.0.5"), ("fail_private_192_168", "A", "192.168.1.10"),
                          ("fail_loopback", "A", "127.0.0.1"), ("fail_link_local", "A", "169.254.169.254"),
                          ("fail_cgnat", "A", "100.64.0.1"), ("fail_link_local_v6", "AAAA", "fe80::1"),
                          ("fail_unique_local_v6", "AAAA", "fd00::1"), ("fail_mapped_v6", "AAAA", "::ffff:10.0.0.1"),
                          ("fail_benchmarking_range", "A", "198.18.0.7"), ("fail_multicast", "A", "239.1.2.3")]:
    case(PRIVATE, _name, [record(_name, "app.example.com", _type, _ip, proxied=True)], {(PRIVATE, M, _name)})
case(PRIVATE, "pass_public_v4", [record("pass_public_v4", "app.example.com", "A", "93.184.216.34", proxied=True)])
case(PRIVATE, "pass_public_v6", [record("pass_public_v6", "app.example.com", "AAAA", "2606:4700::1", proxied=True)])
case(PROXY, "fail_web_host_not_proxied", [record("fail_web_host_not_proxied", "app.example.com", "CNAME",
                                                 "app.fly.dev")], {(PROXY, A, "fail_web_host_not_proxied")})
case(PROXY, "pass_web_host_proxied", [record("pass_web_host_proxied", "app.example.com", "CNAME", "app.fly.dev",
                                             proxied=True)])
case(PROXY, "pass_dkim_dns_only", [record("pass_dkim_dns_only", "t._domainkey.example.com", "CNAME",
                                          "t.dkim.amazonses.com")])
case(PROXY, "pass_verification_dns_only", [record("pass_verification_dns_only", "_acme-challenge.example.com",
                                                  "CNAME", "x.acme.example.net")])
case(PROXY, "pass_named_dns_only_by_config", [record("pass_named_dns_only_by_config", "vpn.example.com", "A",
                                                     "93.184.216.34")],
     config={PROXY: {"dnsOnlyNames": [r"^vpn\."]}})

case(PROXIED_MAIL, "fail_dkim_proxied", sending_domain(dkim0=record(
    "dkim0", "t0._domainkey.example.com", "CNAME", "t0.dkim.amazonses.com", proxied=True)),
    {(PROXIED_MAIL, M, "dkim0")})
case(PROXIED_MAIL, "fail_dkim_from_tokens_proxied", sending_domain(dkim0={
    **dkim_from_tokens(0), "inputs": {**dkim_from_tokens(0)["inputs"], "proxied": True}}),
    {(PROXIED_MAIL, M, "dkim0")})
case(PROXIED_MAIL, "fail_mail_from_host_proxied", [*sending_domain(), mail_from("bounce.example.com"),
                                                   record("bounce", "bounce.example.com", "CNAME", "x.example.net",
                                                          proxied=True)],
     {(PROXIED_MAIL, M, "bounce"), (SPF, M, "mail-from")})
case(PROXIED_MAIL, "pass_email_records_dns_only", [*sending_domain(), mail_from(), *MAIL_FROM_RECORDS])


def txt_case(name: str, content: str, fails: bool) -> None:
    case(SECRET_TXT, name, [record("txt", "example.com" if "dkim" not in name else "s1._domainkey.example.com",
                                   "TXT", content)], {(SECRET_TXT, M, "txt")} if fails else None)


DKIM_KEY = ("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"  # pragma: allowlist secret
            "x8PUs9mJ7Mn3V1nYrZ0bQ6s1lJdQm2P4x7Y"  # pragma: allowlist secret
            "k9zZ1vQ3jH5fA0ppSK3bcdef0123456789abcdef0123AIzaNotAKey")  # pragma: allowlist secret
txt_case("fail_txt_aws_access_key", "aws_access_key_id=AKIAIOSFODNN7EXAMPLE", True)  # pragma: allowlist secret
txt_case("fail_txt_github_token", "deploy ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", True)  # pragma: allowlist secret
txt_case("fail_txt_stripe_live_key", "stripe=sk_live_4eC39HqLyjWDarjtT1zdp7dc", True)  # pragma: allowlist secret
txt_case("fail_txt_slack_token", "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUv", True)  # pragma: allowlist secret
txt_case("fail_txt_password", "db-password=Sup3rS3cret!", True)  # pragma: allowlist secret
txt_case("fail_txt_env_style_password", "DB_PASSWORD=hunter2QAxx9Zq7", True)  # pragma: allowlist secret
txt_case("fail_txt_env_style_api_key", "STRIPE_API_KEY: abcdef123456", True)  # pragma: allowlist secret
txt_case("fail_txt_auth_token", "auth_token=Zx81kQ0aPl2mN7", True)  # pragma: allowlist secret
txt_case("fail_txt_private_key", "-----BEGIN RSA PRIVATE KEY----- MIIEow", True)  # pragma: allowlist secret
txt_case("fail_txt_jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."  # pragma: allowlist secret
         "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", True)  # pragma: allowlist secret
txt_case("pass_txt_spf", "v=spf1 include:amazonses.com ~all", False)
GOOGLE = "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"  # pragma: allowlist secret
txt_case("pass_txt_google_verification", GOOGLE, False)
txt_case("pass_txt_dkim_public_key", DKIM_KEY, False)
txt_case("pass_txt_ms_verification", "MS=ms47856327", False)
ATLASSIAN = "atlassian-domain-verification=Q1w2E3r4T5y6U7i8O9p0"  # pragma: allowlist secret
txt_case("pass_txt_atlassian_verification", ATLASSIAN, False)
txt_case("pass_txt_dmarc_report_auth", "v=DMARC1", False)

# credential URLs of any scheme, and known key prefixes at any length, after "=" or anywhere in the text
txt_case("fail_txt_postgres_url_with_password",
         "postgres://app:S3cr3tPassw0rd@db.example.com/app", True)  # pragma: allowlist secret
txt_case("fail_txt_redis_url_password_only",
         "cache redis://:hunter2hunter2@10.0.0.7:6379/0", True)  # pragma: allowlist secret
txt_case("fail_txt_amqp_url_in_sentence",
         "broker is amqps://svc:Zq81xLm@mq.example.com:5671", True)  # pragma: allowlist secret
txt_case("fail_txt_stripe_short_after_equals", "stripe=sk_live_QA123CANARY456", True)  # pragma: allowlist secret
txt_case("fail_txt_stripe_key_inside_a_word", "billing_sk_live_QA123CANARY456", True)  # pragma: allowlist secret
txt_case("fail_txt_stripe_restricted_key", "rk_live_51H8qXyZ0aBc", True)  # pragma: allowlist secret
txt_case("fail_txt_stripe_webhook_secret", "hook=whsec_Ab12Cd34Ef56Gh78", True)  # pragma: allowlist secret
txt_case("fail_txt_slack_bot_short", "bot=xoxb-1234-abcd", True)  # pragma: allowlist secret
txt_case("fail_txt_github_short", "ci ghp_Q1w2E3r4T5y6U7", True)  # pragma: allowlist secret
txt_case("fail_txt_aws_key_after_equals", "key=AKIAQA1234567890ABCD", True)  # pragma: allowlist secret
txt_case("fail_txt_sendgrid_short", "mail=SG.abcdEFGH1234.ijklMNOP5678", True)  # pragma: allowlist secret
# mail authentication and verification records are public by design
txt_case("pass_txt_spf_with_ips", "v=spf1 ip4:192.0.2.0/24 include:_spf.google.com include:amazonses.com -all", False)
txt_case("pass_txt_dmarc_full", "v=DMARC1; p=reject; sp=reject; pct=100; rua=mailto:dmarc@example.com; "
         "ruf=mailto:forensic@example.com; adkim=s; aspf=s", False)
txt_case("pass_txt_dkim_2048_key", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzAKIAQ1234567890ABCD"
         "+/sk9Qm2P4x7YxoxbQ1w2E3r4T5y6U7i8O9p0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ABCDEFGHIJKLMNOP"
         "QRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/AQAB", False)  # pragma: allowlist secret
txt_case("pass_txt_acme_challenge", "gfj9Xq0B3yZ_rO5sJ-2Wd8kLmN7pQ4tUvVxY1zA6cEe", False)  # pragma: allowlist secret
txt_case("pass_txt_apple_verification", "apple-domain-verification=AbCdEfGhIjKlMnOp", False)  # pragma: allowlist secret
txt_case("pass_txt_facebook_verification",
         "facebook-domain-verification=m9x2k4h7q1w3e5r7t9y0u2i4o6p8a1", False)  # pragma: allowlist secret
txt_case("pass_txt_stripe_domain_verification",
         "stripe-verification=5f2a9c1e7b3d8a4f6c0e2b9d1a7c3e5f", False)  # pragma: allowlist secret
txt_case("pass_txt_mta_sts", "v=STSv1; id=20261201T000000", False)
txt_case("pass_txt_tls_rpt", "v=TLSRPTv1; rua=mailto:tls-reports@example.com", False)
txt_case("pass_txt_https_url_without_password", "see https://example.com/security.txt", False)


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected


def test_a_secret_in_txt_is_never_shown(pack: PolicyPackClient) -> None:
    case = CASES.named("fail_txt_password")
    pack.configure({})
    [violation] = pack.analyze(case.resources)
    assert "Sup3rS3cret" not in violation["message"] and "password" in violation["message"]


@pytest.mark.parametrize("name, value", [("fail_txt_postgres_url_with_password", "S3cr3tPassw0rd"),
                                         ("fail_txt_stripe_short_after_equals", "QA123CANARY456")])
def test_a_credential_url_or_key_in_txt_is_never_shown(pack: PolicyPackClient, name: str, value: str) -> None:
    pack.configure({})
    [violation] = pack.analyze(CASES.named(name).resources)
    assert value not in violation["message"] and "value is not shown" in violation["message"]
