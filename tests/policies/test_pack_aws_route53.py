"""policies/pack_aws_route53.py: the aws-route53-* rule (no disabled or inverted health check) against its
pass_*/fail_* fixtures, over gRPC."""

from __future__ import annotations

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import Case, Cases, M, found, res

CASES = Cases()
case = CASES.add

DISABLED = "aws-route53-healthcheck-disallow-disabled"
HC = "aws:route53/healthCheck:HealthCheck"


def check(name: str, **extra: object) -> dict:
    return res(HC, name, {"type": "HTTPS", "fqdn": "www.example.com", "resourcePath": "/healthz", "port": 443,
                          "failureThreshold": 3, "requestInterval": 30, **extra})


case(DISABLED, "pass_health_check_enabled", [check("hc")])
case(DISABLED, "pass_health_check_disabled_false", [check("hc", disabled=False)])
case(DISABLED, "fail_health_check_disabled", [check("hc", disabled=True)], {(DISABLED, M, "hc")})
case(DISABLED, "fail_health_check_inverted", [check("hc", invertHealthcheck=True)], {(DISABLED, M, "hc")})


@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
