"""One policy pack process per test session, launched exactly as the Pulumi CLI launches it; each test
configures it (Configure replaces the whole config) before analysing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import PROJECT, STACK


@pytest.fixture(scope="session")
def pack(repo_root: Path) -> Iterator[PolicyPackClient]:
    with PolicyPackClient(repo_root / "policies", stack=STACK, project=PROJECT) as client:
        yield client
