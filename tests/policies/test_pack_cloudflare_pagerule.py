"""policies/pack_cloudflare_pagerule.py: every cloudflare-pagerule-* rule (Cache Everything site-wide, on an
authenticated path or internal host; SSL off/flexible for a path; security off) against its pass_*/fail_*
fixtures written as people write page rules, over gRPC."""

from __future__ import annotations

from typing import Any

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import PAGE_RULE, Case, Cases, M, found, res

CASES = Cases()
case = CASES.add

CACHE = "cloudflare-pagerule-disallow-cache-everything"
SSL = "cloudflare-pagerule-disallow-insecure-ssl"
SECURITY = "cloudflare-pagerule-disallow-disable-security"


def page_rule(target: str, **actions: Any) -> dict[str, Any]:
    status = actions.pop("status", "active")
    return res(PAGE_RULE, "pr", {"zoneId": "z", "target": target, "priority": 1, "status": status,
                                 "actions": actions})


def one(rule: str, name: str, target: str, fails: bool, **actions: Any) -> None:
    case(rule, name, [page_rule(target, **actions)], {(rule, M, "pr")} if fails else None)


one(CACHE, "fail_cache_everything_whole_site", "example.com/*", True, cacheLevel="cache_everything")
one(CACHE, "fail_cache_everything_any_subdomain", "*example.com/*", True, cacheLevel="cache_everything")
one(CACHE, "fail_cache_everything_https_www", "https://www.example.com/*", True, cacheLevel="cache_everything",
    edgeCacheTtl=7200)
one(CACHE, "fail_cache_everything_admin_path", "www.example.com/admin*", True, cacheLevel="cache_everything")
one(CACHE, "fail_cache_everything_internal_host", "ops.example.com/reports/*", True, cacheLevel="cache_everything")
one(CACHE, "pass_cache_everything_assets", "www.example.com/assets/*", False, cacheLevel="cache_everything")
one(CACHE, "pass_cache_everything_guarded_by_cookie", "example.com/*", False, cacheLevel="cache_everything",
    bypassCacheOnCookie="session|sessionid")
one(CACHE, "pass_cache_level_standard", "example.com/*", False, cacheLevel="aggressive")
one(CACHE, "pass_cache_everything_disabled_rule", "example.com/*", False, cacheLevel="cache_everything",
    status="disabled")
one(SSL, "fail_page_rule_ssl_flexible", "example.com/legacy/*", True, ssl="flexible")
one(SSL, "fail_page_rule_ssl_off", "http://example.com/*", True, ssl="off")
one(SSL, "pass_page_rule_ssl_strict", "example.com/*", False, ssl="strict")
one(SECURITY, "fail_page_rule_disable_security", "example.com/wp-admin/*", True, disableSecurity=True)
one(SECURITY, "fail_page_rule_waf_off", "example.com/upload*", True, waf="off")
one(SECURITY, "fail_page_rule_security_essentially_off", "example.com/*", True, securityLevel="essentially_off")
one(SECURITY, "pass_page_rule_security_high", "example.com/*", False, securityLevel="high", alwaysUseHttps=True)


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
