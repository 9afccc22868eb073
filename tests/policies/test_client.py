"""launchready.plan.policy: the client the plan and these tests share (launch, config merge, requests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchready.plan.policy import (
    PolicyPackClient,
    PolicyPackError,
    policy_document,
    run_policy_pack,
    schema_problems,
)
from tests.policies.fixtures import PROJECT, STACK, hsts, ruleset, sending_domain, setting
from tests.policies.test_pack_aws_ses import DMARC
from tests.policies.test_pack_cloudflare_ruleset import CACHE_ALL, CACHE_AUTH, cache_rule
from tests.policies.test_pack_cloudflare_zonesetting import HSTS, SSL

UNSAFE = [setting("flex", "ssl", "flexible"), hsts("hsts", False, 0), *sending_domain(dmarc=None),
          ruleset("cache", "http_request_cache_settings", [
              cache_rule("api", 'starts_with(http.request.uri.path, "/v2/private")', True),
              cache_rule("b", 'http.cookie contains "sid" or any(lower(http.request.headers.names[*])[*] eq '
                              '"authorization")', False)])]
FACTS = {"environment": "prod", "authenticatedPathPrefixes": ["/v2/private"], "sessionCookies": ["sid"],
         "internalHosts": [], "defaultRegion": "eu-west-1"}


def test_run_policy_pack_returns_sorted_violations_with_the_plan_fields(repo_root: Path) -> None:
    violations = run_policy_pack(UNSAFE, stack=STACK, project=PROJECT, pack_dir=repo_root / "policies",
                                 policy_config=FACTS)
    assert [(v["policy"], v["enforcement"], v["urn"].rsplit("::", 1)[-1]) for v in violations] == [
        (DMARC, "mandatory", "identity"),
        (CACHE_AUTH, "mandatory", "cache"),
        (SSL, "mandatory", "flex"),
        (HSTS, "mandatory", "hsts"),  # prod, from the environment fact
    ]
    for v in violations:
        assert {"policy", "enforcement", "urn", "message", "severity"} <= set(v)
        assert v["severity"] in ("low", "medium", "high", "critical") and v["urn"].startswith("urn:pulumi:")


def test_policy_config_mixes_facts_and_policy_entries(repo_root: Path) -> None:
    config = {**FACTS, SSL: "advisory", HSTS: {"enforcementLevel": "disabled"}}
    violations = run_policy_pack(UNSAFE, stack=STACK, project=PROJECT, pack_dir=repo_root / "policies",
                                 policy_config=config)
    levels = {v["policy"]: v["enforcement"] for v in violations}
    assert levels == {DMARC: "mandatory", CACHE_AUTH: "mandatory", SSL: "advisory"}


def test_the_older_keyword_spelling_still_works(repo_root: Path) -> None:
    violations = run_policy_pack(UNSAFE, stack=STACK, project=PROJECT, pack_dir=repo_root / "policies",
                                 stack_settings=FACTS, user_config={DMARC: "advisory"})
    assert {v["policy"]: v["enforcement"] for v in violations}[DMARC] == "advisory"


def test_facts_reach_only_the_rules_that_take_them(pack: PolicyPackClient) -> None:
    document = policy_document(pack.info, {"sessionCookies": ["sid"], "unused": 1, SSL: "advisory",
                                           CACHE_ALL: {"sessionCookies": ["other"]}})
    assert document[CACHE_AUTH] == {"sessionCookies": ["sid"]}
    assert document[CACHE_ALL] == {"sessionCookies": ["other"]}  # a policy's own entry wins over a fact
    assert document[SSL] == "advisory"
    assert all("unused" not in str(v) for v in document.values())


def test_bad_config_and_bad_pack_are_errors_not_tracebacks(repo_root: Path, tmp_path: Path) -> None:
    with pytest.raises(PolicyPackError, match="minTls"):
        run_policy_pack([], stack=STACK, project=PROJECT, pack_dir=repo_root / "policies",
                        policy_config={"cloudflare-zonesetting-configure-min-tls": {"minTls": "1.0"}})
    with pytest.raises(PolicyPackError, match="not a policy pack"):
        run_policy_pack([], stack=STACK, project=PROJECT, pack_dir=tmp_path)
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("raise SystemExit('broken pack')\n")
    with pytest.raises(PolicyPackError, match="failed to start"):
        run_policy_pack([], stack=STACK, project=PROJECT, pack_dir=tmp_path)


def test_a_rule_that_raises_is_reported_as_a_pack_failure(tmp_path: Path) -> None:
    """What the CLI would call "failed to run policy": gRPC UNKNOWN from the pack, a PolicyPackError here."""
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text(
        "from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy\n"
        "def boom(args, report):\n    raise RuntimeError('rule bug')\n"
        "PolicyPack('broken', enforcement_level=EnforcementLevel.MANDATORY,\n"
        "           policies=[ResourceValidationPolicy(name='boom', description='d', validate=boom)])\n")
    with pytest.raises(PolicyPackError, match="rule bug"):
        run_policy_pack([setting("s", "ssl", "strict")], stack=STACK, project=PROJECT, pack_dir=tmp_path)


def test_schema_problems() -> None:
    schema = {"type": "object", "required": ["a"], "properties": {
        "a": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
        "n": {"type": "integer", "minimum": 1, "maximum": 3},
        "b": {"type": "boolean"},
    }}
    assert schema_problems({"a": ["x"], "n": 2.0, "b": False}, schema, "p") == []
    assert schema_problems({"n": True}, schema, "p") == ["p.a is required", "p.n must be integer, not bool True"]
    assert schema_problems({"a": ["z"], "n": 4, "b": 1}, schema, "p") == [
        "p.a[0] must be one of ['x', 'y'], not 'z'", "p.n must be at most 3", "p.b must be boolean, not int 1"]


def test_ten_thousand_failing_cache_rules_come_back_over_the_default_grpc_limit(repo_root: Path) -> None:
    """The answer is well over gRPC's default 4 MB receive limit; the client accepts what the CLI accepts
    (400 MiB) and the plan lists at most MAX_VIOLATIONS_PER_RULE of one rule, the row keeping the count."""
    from launchready.plan.policy import MAX_VIOLATIONS_PER_RULE, run_policy_pack_report

    rules = [cache_rule(f"admin-{i}", f'http.request.uri.path eq "/admin/report-{i}"', True) for i in range(10_000)]
    big = [ruleset("cache", "http_request_cache_settings", rules)]
    run = run_policy_pack_report(big, stack=STACK, project=PROJECT, pack_dir=repo_root / "policies",
                                 policy_config={"authenticatedPathPrefixes": ["/admin"]})
    [row] = [r for r in run.rules if r["policy"] == CACHE_AUTH]
    assert row["violations"] == 10_000 and row["status"] == "violated"
    assert row["violationsNotShown"] == 10_000 - MAX_VIOLATIONS_PER_RULE
    assert [v["policy"] for v in run.violations].count(CACHE_AUTH) == MAX_VIOLATIONS_PER_RULE
