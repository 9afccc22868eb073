"""policies/pack_cloudflare_zonesetting.py: every cloudflare-zonesetting-* rule against its pass_*/fail_*
fixtures, over the Analyzer gRPC protocol, asserting the exact set of violations."""

from __future__ import annotations

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import PROD, Case, Cases, M, found, hsts, setting

CASES = Cases()
case = CASES.add

SSL = "cloudflare-zonesetting-disallow-insecure-ssl-mode"
TLS = "cloudflare-zonesetting-configure-min-tls"
HTTPS = "cloudflare-zonesetting-enable-always-use-https"
HSTS = "cloudflare-zonesetting-enable-hsts-prod"
DEV = "cloudflare-zonesetting-disallow-development-mode"
SECURITY = "cloudflare-zonesetting-disallow-security-level-off"

case(SSL, "pass_ssl_strict", [setting("pass_ssl_strict", "ssl", "strict")])
case(SSL, "fail_ssl_flexible", [setting("fail_ssl_flexible", "ssl", "flexible")], {(SSL, M, "fail_ssl_flexible")})
case(SSL, "fail_ssl_off", [setting("fail_ssl_off", "ssl", "off")], {(SSL, M, "fail_ssl_off")})
case(SSL, "fail_ssl_flexible_capitalised", [setting("f", "ssl", "Flexible")], {(SSL, M, "f")})
case(SSL, "fail_ssl_full", [setting("fail_ssl_full", "ssl", "full")], {(SSL, M, "fail_ssl_full")})
case(SSL, "pass_ssl_full_allowed", [setting("pass_ssl_full_allowed", "ssl", "full")],
     config={SSL: {"allowFull": True}})
case(TLS, "pass_tls_12", [setting("pass_tls_12", "min_tls_version", "1.2")])
case(TLS, "pass_tls_13", [setting("pass_tls_13", "min_tls_version", "1.3")])
case(TLS, "fail_tls_10", [setting("fail_tls_10", "min_tls_version", "1.0")], {(TLS, M, "fail_tls_10")})
case(TLS, "fail_tls_11", [setting("fail_tls_11", "min_tls_version", "1.1")], {(TLS, M, "fail_tls_11")})
case(TLS, "fail_tls_12_when_13_required", [setting("fail_tls_12_when_13_required", "min_tls_version", "1.2")],
     {(TLS, M, "fail_tls_12_when_13_required")}, config={TLS: {"minTls": "1.3"}})
case(HTTPS, "pass_https_on", [setting("pass_https_on", "always_use_https", "on")])
case(HTTPS, "fail_https_off", [setting("fail_https_off", "always_use_https", "off")], {(HTTPS, M, "fail_https_off")})
case(DEV, "pass_dev_mode_off", [setting("pass_dev_mode_off", "development_mode", "off")])
case(DEV, "fail_dev_mode_on", [setting("fail_dev_mode_on", "development_mode", "on")], {(DEV, M, "fail_dev_mode_on")})

case(SECURITY, "pass_security_level_medium", [setting("s", "security_level", "medium")])
case(SECURITY, "fail_security_level_essentially_off", [setting("s", "security_level", "essentially_off")],
     {(SECURITY, M, "s")})
case(SECURITY, "fail_security_level_off", [setting("s", "security_level", "off")], {(SECURITY, M, "s")})

case(HSTS, "pass_hsts_year_prod", [hsts("pass_hsts_year_prod", True, 31536000)], tags=PROD)
case(HSTS, "fail_hsts_off_prod", [hsts("fail_hsts_off_prod", False, 0)], {(HSTS, M, "fail_hsts_off_prod")}, tags=PROD)
case(HSTS, "fail_hsts_one_day_prod", [hsts("fail_hsts_one_day_prod", True, 86400)],
     {(HSTS, M, "fail_hsts_one_day_prod")}, tags=PROD)
case(HSTS, "fail_hsts_off_prod_by_config", [hsts("fail_hsts_off_prod_by_config", False, 0)],
     {(HSTS, M, "fail_hsts_off_prod_by_config")}, config={HSTS: {"environment": "production"}})
case(HSTS, "pass_hsts_off_staging", [hsts("pass_hsts_off_staging", False, 0)], tags={"environment": "staging"})
case(HSTS, "pass_hsts_one_day_prod_threshold", [hsts("pass_hsts_one_day_prod_threshold", True, 86400)],
     config={HSTS: {"minMaxAge": 3600}}, tags=PROD)
# the preload list needs a year (pack_facts.HSTS_PRELOAD_MIN_MAX_AGE); six months is enough without preload
case(HSTS, "fail_hsts_preload_six_months_prod", [hsts("p", True, 15552000, preload=True)], {(HSTS, M, "p")},
     tags=PROD)
case(HSTS, "pass_hsts_six_months_without_preload_prod", [hsts("p", True, 15552000)], tags=PROD)
case(HSTS, "pass_hsts_camel_case_prod", [setting("p", "security_header", {"strictTransportSecurity": {
    "enabled": True, "maxAge": 31536000}})], tags=PROD)


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
