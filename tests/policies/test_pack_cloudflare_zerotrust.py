"""policies/pack_cloudflare_zerotrust.py: every cloudflare-zerotrust-* rule (Access coverage of internal hosts,
open or public-domain Access policies, session durations) against its pass_*/fail_* fixtures, over gRPC."""

from __future__ import annotations

from typing import Any

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    ACCESS_POLICY,
    A,
    Case,
    Cases,
    M,
    app,
    found,
    record,
    res,
    urn,
)

UNKNOWN_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

CASES = Cases()
case = CASES.add

ACCESS = "cloudflare-zerotrust-missing-access-application"
OPEN = "cloudflare-zerotrust-accesspolicy-disallow-open-decision"
PUBLIC_DOMAIN = "cloudflare-zerotrust-accesspolicy-disallow-public-email-domain"
SESSION = "cloudflare-zerotrust-accessapplication-configure-session-duration"
PROXY = "cloudflare-dnsrecord-enable-proxy"

ADMIN = record("admin", "admin.example.com", "CNAME", "admin.fly.dev", proxied=True, tags=["access:internal"])

case(ACCESS, "fail_internal_without_app", [ADMIN], {(ACCESS, M, "admin")})
case(ACCESS, "pass_internal_app_by_domain", [ADMIN, app("admin-app", "admin.example.com")])
case(ACCESS, "pass_internal_app_by_destination", [ADMIN, app("apps", "apps.example.com",
                                                             ["apps.example.com", "admin.example.com"])])
case(ACCESS, "pass_internal_app_wildcard", [ADMIN, app("all", "*.example.com")])
case(ACCESS, "fail_internal_app_only_a_path", [ADMIN, app("reports", "admin.example.com/reports")],
     {(ACCESS, M, "admin")})
case(ACCESS, "fail_internal_app_destinations_moved_elsewhere", [ADMIN, app("admin-app", "admin.example.com",
                                                                        ["tools.example.com"])],
     {(ACCESS, M, "admin")})  # the destinations supersede the domain
case(ACCESS, "fail_internal_app_for_another_host", [ADMIN, app("ops", "ops.example.com")], {(ACCESS, M, "admin")})
case(ACCESS, "fail_internal_marked_by_launchready_tag", [
    record("ops", "ops.example.com", "CNAME", "ops.fly.dev", proxied=True, tags=["launchready:internal"])],
    {(ACCESS, M, "ops")})
case(ACCESS, "fail_internal_marked_by_comment", [
    record("tools", "tools.example.com", "CNAME", "t.fly.dev", proxied=True,
           comment="tools | owner: platform [internal]"),
    app("admin-app", "admin.example.com")], {(ACCESS, M, "tools")})
case(ACCESS, "fail_internal_dns_only", [
    record("intranet", "intranet.example.com", "CNAME", "intranet.fly.dev", tags=["access:internal"]),
    app("intranet-app", "intranet.example.com")], {(ACCESS, M, "intranet"), (PROXY, A, "intranet")})
case(ACCESS, "fail_internal_host_from_config", [app("admin-app", "admin.example.com")], {(ACCESS, M, "")},
     config={ACCESS: {"internalHosts": ["ops.example.com"]}})
case(ACCESS, "pass_public_host_needs_no_app", [record("www", "www.example.com", "CNAME", "web.fly.dev", proxied=True)])
# internal by convention, with no tag or comment: admin., staff., backoffice., <label>-...
HAND = record("hand", "admin.example.com", "A", "203.0.113.10", proxied=True)
case(ACCESS, "fail_conventional_admin_host_without_app", [HAND], {(ACCESS, M, "hand")})
case(ACCESS, "fail_conventional_admin_app_points_elsewhere", [HAND, app("admin-app", "www.example.com")],
     {(ACCESS, M, "hand")})
case(ACCESS, "pass_conventional_admin_host_with_app", [HAND, app("admin-app", "admin.example.com")])
case(ACCESS, "fail_conventional_label_with_dash", [
    record("bo", "backoffice-eu.example.com", "CNAME", "bo.fly.dev", proxied=True)], {(ACCESS, M, "bo")})
case(ACCESS, "fail_conventional_staff_dns_only_with_app", [
    record("staff", "staff.example.com", "CNAME", "staff.fly.dev"), app("staff-app", "staff.example.com")],
    {(ACCESS, M, "staff"), (PROXY, A, "staff")})
case(ACCESS, "pass_label_only_as_a_later_label", [
    record("x", "www.admin-guide.example.com", "CNAME", "docs.fly.dev", proxied=True)])
case(ACCESS, "pass_conventional_labels_tuned_off", [HAND], config={ACCESS: {"internalLabels": ["intranet"]}})
case(ACCESS, "fail_labels_tuned_to_a_new_label", [
    record("tools", "tools.example.com", "CNAME", "t.fly.dev", proxied=True)], {(ACCESS, M, "tools")},
    config={ACCESS: {"internalLabels": ["tools"]}})


def include(**rule: Any) -> dict[str, Any]:
    return rule


def policy(name: str, decision: str = "allow", includes: list[dict[str, Any]] | None = None,
           **extra: Any) -> dict[str, Any]:
    return res(ACCESS_POLICY, name, {"accountId": "a", "name": name, "decision": decision,
                                     "includes": includes or [{"emailDomain": {"domain": "example.com"}}], **extra})


def protected(policy_res: dict[str, Any], host: str = "admin.example.com", **extra: Any) -> list[dict[str, Any]]:
    """An internal host, its Access app, and a reusable policy the app refers to by id."""
    a = app("admin-app", host, policies=[{"id": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "precedence": 1}], **extra)
    a["propertyDependencies"] = {"policies": [policy_res["urn"]]}
    a["dependencies"] = [policy_res["urn"]]
    return [record("admin", host, "CNAME", "admin.fly.dev", proxied=True), a, policy_res]


def inline(*policies: dict[str, Any]) -> list[dict[str, Any]]:
    return [record("admin", "admin.example.com", "CNAME", "admin.fly.dev", proxied=True),
            app("admin-app", "admin.example.com", policies=list(policies))]


case(OPEN, "pass_policy_org_domain", protected(policy("staff")))
case(OPEN, "fail_policy_bypass_on_internal_host", protected(policy("open", decision="bypass",
                                                                   includes=[{"everyone": {}}])),
     {(OPEN, M, "admin-app")})
case(OPEN, "fail_policy_everyone_allowed", protected(policy("all", includes=[{"everyone": {}}])),
     {(OPEN, M, "admin-app")})
case(OPEN, "fail_policy_any_ip", protected(policy("net", includes=[{"ip": {"ip": "0.0.0.0/0"}}])),
     {(OPEN, M, "admin-app")})
case(OPEN, "fail_inline_policy_everyone", inline({"name": "inline", "decision": "allow",
                                                  "includes": [{"everyone": {}}]}), {(OPEN, M, "admin-app")})
case(OPEN, "pass_deny_everyone_is_not_open", protected(policy("deny", decision="deny", includes=[{"everyone": {}}])))
case(OPEN, "fail_everyone_on_a_non_internal_app", [app("beta", "beta.example.com", policies=[
    {"name": "all", "decision": "allow", "includes": [{"everyone": {}}]}])], {(OPEN, M, "beta")})
case(OPEN, "pass_bypass_on_a_public_whole_host_app", [app("docs", "docs.example.com", policies=[
    {"name": "public", "decision": "bypass", "includes": [{"everyone": {}}]}])])
case(PUBLIC_DOMAIN, "fail_gmail_on_a_non_internal_app", [app("beta", "beta.example.com", policies=[
    {"name": "g", "decision": "allow", "includes": [{"emailDomain": {"domain": "gmail.com"}}]}])],
    {(PUBLIC_DOMAIN, M, "beta")})
case(OPEN, "pass_bypass_on_a_public_app", [app("assets", "www.example.com/assets", policies=[
    {"name": "public", "decision": "bypass", "includes": [{"everyone": {}}]}])])
case(PUBLIC_DOMAIN, "fail_policy_gmail_domain", protected(policy("gmail", includes=[
    {"emailDomain": {"domain": "gmail.com"}}])), {(PUBLIC_DOMAIN, M, "admin-app")})
case(PUBLIC_DOMAIN, "fail_inline_policy_outlook_domain", inline({"name": "o", "decision": "allow", "includes": [
    {"email": {"email": "boss@example.com"}}, {"emailDomain": {"domain": "Outlook.com"}}]}),
    {(PUBLIC_DOMAIN, M, "admin-app")})
case(PUBLIC_DOMAIN, "pass_policy_named_gmail_address", protected(policy("one", includes=[
    {"email": {"email": "contractor@gmail.com"}}])))
case(PUBLIC_DOMAIN, "fail_policy_extra_public_domain_by_config", protected(policy("p", includes=[
    {"emailDomain": {"domain": "mailinator.com"}}])), {(PUBLIC_DOMAIN, M, "admin-app")},
    config={PUBLIC_DOMAIN: {"publicEmailDomains": ["mailinator.com"]}})
# a record named relative to its zone ("admin"), as the Cloudflare API also accepts
case(ACCESS, "pass_relative_admin_name_with_app", [record("rel", "admin", "CNAME", "a.fly.dev", proxied=True),
                                                   app("admin-app", "admin.example.com")])
case(ACCESS, "fail_relative_admin_name_without_app", [record("rel", "admin", "CNAME", "a.fly.dev", proxied=True),
                                                      app("www-app", "www.example.com")], {(ACCESS, M, "rel")})


LITERAL_ID = "f1a2b3c4d5"  # pragma: allowlist secret


def by_id_only(policy_res: dict[str, Any]) -> list[dict[str, Any]]:
    """The application refers to the policy by a literal id; the resources carry no dependency."""
    return [record("admin", "admin.example.com", "CNAME", "admin.fly.dev", proxied=True),
            app("admin-app", "admin.example.com", policies=[{"id": LITERAL_ID, "precedence": 1}]), policy_res]


case(OPEN, "fail_policy_by_literal_id_bypass", by_id_only(policy("open", decision="bypass",
                                                                 includes=[{"everyone": {}}])),
     {(OPEN, M, "admin-app")})
case(OPEN, "pass_policy_by_literal_id_org_domain", by_id_only(policy("staff")))

# the deprecated type tokens pulumi-cloudflare v6 still accepts are judged the same
LEGACY_RECORD = res("cloudflare:index/record:Record", "legacy", {"zoneId": "z", "name": "ops.example.com",
                                                                 "type": "CNAME", "content": "ops.fly.dev",
                                                                 "proxied": True})
case(ACCESS, "fail_legacy_record_without_app", [LEGACY_RECORD], {(ACCESS, M, "legacy")})
case(ACCESS, "pass_legacy_record_with_legacy_app", [LEGACY_RECORD, res(
    "cloudflare:index/accessApplication:AccessApplication", "legacy-app",
    {"accountId": "a", "type": "self_hosted", "domain": "ops.example.com"})])
case(OPEN, "fail_legacy_access_policy_everyone", [LEGACY_RECORD, {**res(
    "cloudflare:index/accessApplication:AccessApplication", "legacy-app",
    {"accountId": "a", "type": "self_hosted", "domain": "ops.example.com", "policies": [{"id": UNKNOWN_ID}]}),
    "propertyDependencies": {"policies": [urn("cloudflare:index/accessPolicy:AccessPolicy", "legacy-policy")]}},
    res("cloudflare:index/accessPolicy:AccessPolicy", "legacy-policy",
        {"accountId": "a", "name": "all", "decision": "allow", "includes": [{"everyone": {}}]})],
    {(OPEN, M, "legacy-app")})

case(SESSION, "pass_session_eight_hours", [app("a", "admin.example.com", sessionDuration="8h"),
                                           record("admin", "admin.example.com", "CNAME", "x.fly.dev", proxied=True)])
case(SESSION, "fail_session_a_month", [app("a", "admin.example.com", sessionDuration="730h"),
                                       record("admin", "admin.example.com", "CNAME", "x.fly.dev", proxied=True)],
     {(SESSION, M, "a")})
case(SESSION, "fail_policy_session_a_week", [policy("p", sessionDuration="168h0m")], {(SESSION, M, "p")})
case(SESSION, "pass_session_24h_or_minutes", [policy("p", sessionDuration="90m"),
                                              app("b", "www.example.com/app", sessionDuration="24h")])
case(SESSION, "pass_session_limit_by_config", [policy("p", sessionDuration="96h")],
     config={SESSION: {"maxSessionHours": 96}})
case(SESSION, "pass_session_a_day_and_a_half", [policy("p", sessionDuration="36h")])


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
