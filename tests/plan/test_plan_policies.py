"""The policy pack judges the real program: both example stacks pass, and a prod stack made unsafe in
four ways fails with exactly those four mandatory violations, through `launchready plan`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from launchready.plan.document import build_plan

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_example_stacks_have_no_mandatory_violation(repo_root: Path, stack: str) -> None:
    plan = build_plan(stack, repo_root)
    assert plan.mandatory_violations == []
    assert plan.to_json()["summary"]["violations"]["mandatory"] == 0


def test_staging_dmarc_none_is_only_advisory(repo_root: Path) -> None:
    plan = build_plan("staging", repo_root)
    advisory = {v["policy"] for v in plan.violations if v["enforcement"] == "advisory"}
    assert "aws-ses-emailidentity-configure-dmarc-enforcement" in advisory


def _append(path: Path, function: str, replacement: str) -> None:
    """Redefine a module-level function of the copy, calling the original as `_original`."""
    text = path.read_text()
    assert f"def {function}(" in text, f"{path.name} no longer defines {function}: update this test"
    path.write_text(text + f"\n\n_original = {function}\n" + replacement)


@pytest.fixture
def unsafe_prod(tmp_path: Path, repo_root: Path) -> Path:
    """A copy of the project whose program declares four unsafe things."""
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml", "__main__.py"):
        shutil.copy(repo_root / name, tmp_path / name)
    shutil.copytree(repo_root / "components", tmp_path / "components",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "policies").symlink_to(repo_root / "policies")
    comp = tmp_path / "components"
    # Each mutation wraps a function of the copied program, so the program itself stays as written.
    # 1. flexible SSL
    _append(comp / "edge.py", "zone_settings", """
def zone_settings(cfg):
    return {**_original(cfg), "ssl": "flexible"}
""")
    # 2. a cache rule on the admin path, after the bypass rule (so it wins)
    _append(comp / "cache_rules.py", "cache_rules", """
def cache_rules(cfg):
    return [*_original(cfg), {"ref": "cache_admin_reports", "action": "set_cache_settings",
            "expression": 'starts_with(http.request.uri.path, "/admin/reports")', "action_parameters": {"cache": True}}]
""")
    # 3. the DMARC record removed
    _append(comp / "email.py", "static_email_records", """
def static_email_records(cfg):
    return [r for r in _original(cfg) if not r["name"].startswith("_dmarc.")]
""")
    # 4. an alarm with no actions
    with (tmp_path / "__main__.py").open("a") as main:
        main.write(
            "\nimport pulumi_aws as aws\n"
            "aws.cloudwatch.MetricAlarm('unrouted-alarm', name='unrouted', namespace='Fanloom/App', "
            "metric_name='Errors', statistic='Sum', period=300, evaluation_periods=1, threshold=1, "
            "comparison_operator='GreaterThanThreshold')\n"
        )
    return tmp_path


def test_unsafe_prod_fails_with_exactly_the_expected_violations(unsafe_prod: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    env["PYTHONPATH"] = str(unsafe_prod)  # the copy's components, not the installed ones
    result = subprocess.run(
        [sys.executable, "-m", "launchready", "plan", "--stack", "prod", "--json", "--root", str(unsafe_prod)],
        cwd=unsafe_prod, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    mandatory = {(v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in doc["violations"]
                 if v["enforcement"] == "mandatory"}
    assert mandatory == {
        ("cloudflare-zonesetting-disallow-insecure-ssl-mode", "setting-ssl"),
        ("cloudflare-ruleset-disallow-cache-authenticated-traffic", "cache-rules"),
        ("aws-ses-emailidentity-missing-dmarc", "ses-identity"),
        ("aws-cloudwatch-metricalarm-missing-actions", "unrouted-alarm"),
    }
    assert doc["summary"]["violations"]["mandatory"] == 4
