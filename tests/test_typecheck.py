"""mypy over the Pulumi program: provider SDK nested dicts are TypedDicts, and a typo in one passes silently
at runtime (the mocks and the engine accept it), so only the type checker catches it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def mypy(repo_root: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", *targets],
        cwd=repo_root, capture_output=True, text=True, timeout=600, check=False,
    )


def test_program_type_checks_against_the_provider_sdks(repo_root: Path) -> None:
    result = mypy(repo_root, "components", "__main__.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_nested_key_typo_is_caught(repo_root: Path, tmp_path: Path) -> None:
    # Negative control: proves the check above can fail. Kept inside the repo tree so it shares mypy's
    # configuration and cache, and removed afterwards.
    bad = repo_root / "components" / "_typo_probe.py"
    bad.write_text(
        "import pulumi_cloudflare as cf\n\n"
        "cf.Ruleset('r', zone_id='z', kind='zone', phase='http_request_cache_settings', name='n',\n"
        "           rules=[{'action': 'set_cache_settings', 'expression': 'true',\n"
        "                   'action_parameters': {'cache_everything': True}}])\n"
        "typed: cf.RulesetRuleActionParametersArgsDict = {'cache_everything': True}\n"
        "cf.ZeroTrustAccessPolicy('p', account_id='a', name='n', decision='allow',\n"
        "                         includes=[{'emails': {'email': 'x@example.com'}}])\n"
    )
    try:
        result = mypy(repo_root, str(bad.relative_to(repo_root)))
    finally:
        bad.unlink()
    assert result.returncode != 0
    assert "_typo_probe.py:4: error" in result.stdout  # the inline dict, as the components write them
    assert '"cache_everything"' in result.stdout  # the annotated one names the bad key
    assert "_typo_probe.py:8: error" in result.stdout  # a v4-style Access include ("emails")
