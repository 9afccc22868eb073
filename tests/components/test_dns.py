"""The DNS component under Pulumi's mocks: exact records, proxied TTLs, comments, CAA, the DNS map."""

from __future__ import annotations

from typing import Any

import pulumi

from components.dns import COMMENT_MAX, INTERNAL_TAG, DnsRecords, record_comment
from tests.components.conftest import after_all as harness_after_all
from tests.components.conftest import stack_config


def build(stack_values, stack: str, mutate=None) -> DnsRecords:
    return DnsRecords("dns", stack_config(stack_values, stack, mutate))


def after_all(dns: DnsRecords, check) -> pulumi.Output[Any]:
    """Run `check` once every record has been registered with the (mock) engine."""
    return harness_after_all(list(dns.records.values()), check)


@pulumi.runtime.test
def test_every_hostname_is_a_fully_qualified_proxied_record(recorder, stack_values):
    dns = build(stack_values, "prod")

    def check(_: Any) -> None:
        records = recorder.of_type("DnsRecord")
        web = {n: records[n] for n in ("apex-cname", "www-cname", "app-cname", "api-cname", "admin-cname")}
        assert web["apex-cname"]["name"] == "fanloom.io"
        assert web["www-cname"]["name"] == "www.fanloom.io"
        assert web["admin-cname"]["content"] == "fanloom-admin.fly.dev"
        for rec in web.values():
            assert rec["proxied"] is True
            assert rec["ttl"] == 1  # proxied records must use automatic TTL
            assert rec["zoneId"] == "9a8b7c6d5e4f40312a3b4c5d6e7f8091"
            assert rec["comment"].endswith("| launchready") and len(rec["comment"]) <= COMMENT_MAX
        assert web["admin-cname"]["tags"] == [INTERNAL_TAG]
        assert "[internal]" in web["admin-cname"]["comment"]
        assert "tags" not in web["app-cname"]

    return after_all(dns, check)


@pulumi.runtime.test
def test_caa_allows_only_the_configured_authorities(recorder, stack_values):
    dns = build(stack_values, "prod")

    def check(_: Any) -> None:
        caa = [r for r in recorder.of_type("DnsRecord").values() if r.get("data")]
        tags = sorted((r["data"]["tag"], r["data"]["value"]) for r in caa)
        assert tags == [
            ("iodef", "mailto:security@fanloom.io"),
            ("issue", "letsencrypt.org"),
            ("issue", "pki.goog"),
            ("issue", "ssl.com"),
        ]
        assert all(r["name"] == "fanloom.io" and r["proxied"] is False and r["ttl"] == 3600 for r in caa)

    return after_all(dns, check)


@pulumi.runtime.test
def test_extra_records_are_dns_only_with_their_priority(recorder, stack_values):
    dns = build(stack_values, "prod")

    def check(_: Any) -> None:
        mx = [r for r in recorder.of_type("DnsRecord").values() if r.get("priority") is not None]
        assert len(mx) == 1
        assert mx[0]["content"] == "smtp.google.com" and mx[0]["priority"] == 1 and mx[0]["proxied"] is False

    return after_all(dns, check)


@pulumi.runtime.test
def test_free_plan_marks_internal_hosts_by_comment_only(recorder, stack_values):
    def to_free(values: dict[str, Any]) -> None:
        values["launchready:zone"]["plan"] = "free"
        values["launchready:waf"]["rateLimits"] = []

    dns = build(stack_values, "prod", to_free)

    def check(_: Any) -> None:
        admin = recorder.inputs["admin-cname"]
        assert "tags" not in admin  # record tags are a paid-plan feature
        assert "[internal]" in admin["comment"]

    return after_all(dns, check)


@pulumi.runtime.test
def test_dns_map_lists_every_record_with_purpose(recorder, stack_values):
    dns = build(stack_values, "staging")
    names = {(row["name"], row["type"]) for row in dns.dns_map}
    assert ("admin.fanloom-staging.net", "CNAME") in names
    assert ("fanloom-staging.net", "CAA") in names
    admin = next(row for row in dns.dns_map if row["name"] == "admin.fanloom-staging.net")
    assert admin["proxied"] is True and "internal" in admin["purpose"]
    return pulumi.Output.from_input(1)


def test_long_purpose_is_cut_to_the_comment_limit() -> None:
    comment = record_comment("x" * 300, "platform", internal=True)
    assert len(comment) == COMMENT_MAX
    assert comment.endswith("| owner: platform [internal] | launchready")
