"""No refactor may change a URN of the example stacks: Pulumi would replace the resource.

The lists under `tests/plan/urns/` were recorded from `launchready plan --json` before the
"one shape for every part" restructure. A resource that must move gets an alias, never a new URN.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

RECORDED = Path(__file__).parent / "urns"


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_every_urn_of_the_example_stack_is_the_recorded_one(stack: str, repo_root: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    result = subprocess.run(
        [sys.executable, "-m", "launchready", "plan", "--stack", stack, "--json"],
        cwd=repo_root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    urns = sorted(r["urn"] for r in json.loads(result.stdout)["resources"])
    recorded = (RECORDED / f"{stack}.txt").read_text(encoding="utf-8").split()
    assert sorted(set(urns) - set(recorded)) == [], "new URNs (renamed or re-parented resources need an alias)"
    assert sorted(set(recorded) - set(urns)) == [], "URNs that disappeared (state would be deleted)"
    assert len(urns) == len(recorded)
