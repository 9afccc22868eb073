"""The policy pack judges the real program: both example stacks pass, and a prod stack made unsafe in
four ways fails with exactly those four mandatory violations, through `launchready plan`; the plan says
what each rule evaluated (and which had nothing to judge), shows the remediation, and writes SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from launchready.plan.document import build_plan
from launchready.plan.render import render_text

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


@pytest.fixture(scope="module")
def unsafe_prod(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """A copy of the project whose program declares four unsafe things."""
    tmp_path = tmp_path_factory.mktemp("unsafe")
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


@pytest.fixture(scope="module")
def unsafe_run(unsafe_prod: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`launchready plan --stack prod --json --sarif FILE` over the unsafe copy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    env["PYTHONPATH"] = str(unsafe_prod)  # the copy's components, not the installed ones
    sarif = unsafe_prod / "plan-prod.sarif"
    result = subprocess.run(
        [sys.executable, "-m", "launchready", "plan", "--stack", "prod", "--json", "--root", str(unsafe_prod),
         "--sarif", str(sarif)],
        cwd=unsafe_prod, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    return result, sarif


UNSAFE = {
    ("cloudflare-zonesetting-disallow-insecure-ssl-mode", "setting-ssl"),
    ("cloudflare-ruleset-disallow-cache-authenticated-traffic", "cache-rules"),
    ("aws-ses-emailidentity-missing-dmarc", "ses-identity"),
    ("aws-cloudwatch-metricalarm-missing-actions", "unrouted-alarm"),
}


def test_unsafe_prod_fails_with_exactly_the_expected_violations(
        unsafe_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = unsafe_run
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    mandatory = {(v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in doc["violations"]
                 if v["enforcement"] == "mandatory"}
    assert mandatory == UNSAFE
    assert doc["summary"]["violations"]["mandatory"] == 4
    # each violation carries its rule's remediation
    assert all(v["remediation"] for v in doc["violations"])


def test_the_plan_says_what_each_rule_evaluated(repo_root: Path) -> None:
    plan = build_plan("prod", repo_root)
    doc = plan.to_json()
    rows = {r["policy"]: r for r in doc["policies"]}
    assert len(rows) == len(doc["policies"]) >= 41
    by_type = doc["summary"]["byType"]
    # a resource rule evaluates the resources of its types it judges; a stack rule those of its types
    assert rows["aws-secretsmanager-secret-configure-recovery-window"]["evaluated"] == \
        by_type["aws:secretsmanager/secret:Secret"]
    assert rows["aws-cloudwatch-metricalarm-missing-actions"]["evaluated"] == \
        by_type["aws:cloudwatch/metricAlarm:MetricAlarm"]
    assert rows["cloudflare-zonesetting-disallow-insecure-ssl-mode"]["evaluated"] == 1  # only the ssl setting
    assert rows["aws-ses-emailidentity-missing-dmarc"] | {"status": "passed", "violations": 0} == \
        rows["aws-ses-emailidentity-missing-dmarc"]
    # no page rules in the program: those rules had nothing to judge, which is not reported as a pass
    idle = {r["policy"] for r in doc["policies"] if r["status"] == "nothing to judge"}
    assert {"cloudflare-pagerule-disallow-cache-everything", "cloudflare-pagerule-disallow-insecure-ssl"} <= idle
    assert all(rows[name]["evaluated"] == 0 for name in idle)
    assert doc["summary"]["policies"]["nothing to judge"] == len(idle)
    text = render_text(plan)
    assert "nothing to judge (not a pass): " in text and "cloudflare-pagerule-disallow-insecure-ssl" in text
    assert "aws-secretsmanager-secret-configure-recovery-window: 3 evaluated, 0 violation(s)" in text


def test_the_text_plan_shows_the_remediation(unsafe_prod: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    env["PYTHONPATH"] = str(unsafe_prod)
    result = subprocess.run([sys.executable, "-m", "launchready", "plan", "--stack", "prod", "--root",
                             str(unsafe_prod)], cwd=unsafe_prod, env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 1, result.stderr
    assert '      fix: Set the ssl ZoneSetting to "strict"' in result.stdout
    assert result.stdout.count("      fix: ") == len(UNSAFE)


#: SARIF 2.1.0 (sarif-schema-2.1.0.json): the properties each object requires.
SARIF_REQUIRED = {
    "sarifLog": {"version", "runs"}, "run": {"tool"}, "tool": {"driver"}, "toolComponent": {"name"},
    "reportingDescriptor": {"id"}, "result": {"message"}, "message": {"text"}, "location": set(),
    "artifactLocation": {"uri"}, "logicalLocation": {"fullyQualifiedName"},
}


def _require(obj: dict, kind: str) -> None:
    assert isinstance(obj, dict) and SARIF_REQUIRED[kind] <= set(obj), (kind, obj)


def test_plan_writes_sarif_for_code_scanning(unsafe_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, path = unsafe_run
    doc = json.loads(result.stdout)
    sarif = json.loads(path.read_text())
    _require(sarif, "sarifLog")
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"] and len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    _require(run, "run")
    _require(run["tool"], "tool")
    _require(run["tool"]["driver"], "toolComponent")
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        _require(rule, "reportingDescriptor")
        assert rule["help"]["text"] and "Remediation: " in rule["help"]["text"]
        assert rule["shortDescription"]["text"]
    assert {r["id"] for r in rules} == {p["policy"] for p in doc["policies"]}
    # one result per violation, at the stack file, the resource's URN as its logical location
    assert len(run["results"]) == len(doc["violations"])
    urns = set()
    for res, violation in zip(run["results"], doc["violations"], strict=True):
        _require(res, "result")
        _require(res["message"], "message")
        assert res["ruleId"] == violation["policy"] and rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] == ("error" if violation["enforcement"] == "mandatory" else "warning")
        [location] = res["locations"]
        _require(location["physicalLocation"]["artifactLocation"], "artifactLocation")
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.prod.yaml"
        [logical] = location["logicalLocations"]
        _require(logical, "logicalLocation")
        urns.add(logical["fullyQualifiedName"])
    assert {u.rsplit("::", 1)[-1] for u in urns} == {name for _, name in UNSAFE}


def test_an_unwritable_sarif_path_is_a_usage_error(repo_root: Path, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "launchready", "plan", "--stack", "staging", "--sarif",
                             str(tmp_path / "missing" / "x.sarif")], cwd=repo_root, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 2 and "cannot write the SARIF file" in result.stderr
    assert "Traceback" not in result.stderr
