"""`launchready plan` end to end, as a newcomer runs it: a subprocess, no credentials, no Pulumi CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow


def run_plan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    return subprocess.run(
        [sys.executable, "-m", "launchready", "plan", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def staging_plan(repo_root: Path) -> dict[str, Any]:
    result = run_plan("--stack", "staging", "--json", cwd=repo_root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_plan_json_has_the_contract_fields(staging_plan: dict[str, Any]) -> None:
    assert staging_plan["stack"] == "staging"
    assert staging_plan["project"] == "launchready"
    assert isinstance(staging_plan["violations"], list)
    for res in staging_plan["resources"]:
        assert {"urn", "type", "name", "parent", "inputs"} <= set(res)
        assert res["urn"].startswith("urn:pulumi:staging::launchready::")
    assert staging_plan["summary"]["resources"] == len(staging_plan["resources"])


def test_plan_lists_the_dns_records(staging_plan: dict[str, Any]) -> None:
    records = {
        (r["inputs"]["name"], r["inputs"]["type"]): r
        for r in staging_plan["resources"]
        if r["type"] == "cloudflare:index/dnsRecord:DnsRecord"
    }
    for host in ("fanloom-staging.net", "www.fanloom-staging.net", "app.fanloom-staging.net",
                 "api.fanloom-staging.net", "admin.fanloom-staging.net"):
        rec = records[(host, "CNAME")]
        assert rec["inputs"]["proxied"] is True and rec["inputs"]["ttl"] == 1
        assert rec["inputs"]["zoneId"] == "5f1c3a0e9b7d42c68e0a1b2c3d4e5f60"  # camelCase, as the engine gets it
        assert rec["parent"].endswith("launchready:dns:Records::dns")
    assert ("fanloom-staging.net", "CAA") in records
    dns_map = staging_plan["outputs"]["dnsMap"]
    assert {row["name"] for row in dns_map} >= {"admin.fanloom-staging.net", "fanloom-staging.net"}


def test_plan_never_prints_secret_values(repo_root: Path, staging_plan: dict[str, Any]) -> None:
    text = json.dumps(staging_plan)
    stack = yaml.safe_load((repo_root / "Pulumi.staging.yaml").read_text())["config"]
    for value in stack.values():
        if isinstance(value, dict) and "secure" in value:
            assert value["secure"] not in text


def test_plan_text_shows_a_tree_and_summary(repo_root: Path) -> None:
    result = run_plan("--stack", "prod", cwd=repo_root)
    assert result.returncode == 0, result.stderr
    assert "+ cloudflare:index/dnsRecord:DnsRecord  admin-cname" in result.stdout
    assert "resources to create" in result.stdout
    assert "rua.dmarcian.com" in result.stdout  # the external DMARC report authorization note


@pytest.fixture
def project_copy(tmp_path: Path, repo_root: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml", "__main__.py"):
        shutil.copy(repo_root / name, tmp_path / name)
    for name in ("components", "policies"):
        (tmp_path / name).symlink_to(repo_root / name)
    return tmp_path


def edit_stack(project: Path, old: str, new: str) -> None:
    path = project / "Pulumi.prod.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    plan: business\n", "    plan: business\n    planTier: gold\n",
         "launchready:zone.planTier: unknown key"),  # issue 13: an unknown key's value is never shown
        ("  launchready:cache:\n    sessionCookies: [fl_session, fl_remember]\n",
         "  launchready:cache:\n    sessionCookies: [fl_session, fl_remember]\n    edgeTtlSeconds: a month\n",
         "launchready:cache.edgeTtlSeconds"),
        ("  launchready:environment: prod\n",
         "  launchready:environment: prod\n  launchready:dbPassword: hunter2-plain\n",
         "pulumi config set --secret launchready:dbPassword"),
    ],
)
def test_bad_stack_file_exits_2_and_names_the_key(project_copy: Path, old: str, new: str, expected: str) -> None:
    edit_stack(project_copy, old, new)
    result = run_plan("--stack", "prod", "--json", cwd=project_copy)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert '"gold"' not in result.stderr
    assert result.stdout == ""


def test_yaml_syntax_error_exits_2_with_file_and_line(project_copy: Path) -> None:
    edit_stack(project_copy, "    canonical: apex\n", "    canonical: [apex\n")
    result = run_plan("--stack", "prod", cwd=project_copy)
    assert result.returncode == 2
    assert "Pulumi.prod.yaml:" in result.stderr and "YAML syntax error" in result.stderr


def test_unknown_stack_is_a_usage_error(repo_root: Path) -> None:
    result = run_plan("--stack", "qa", cwd=repo_root)
    assert result.returncode == 2
    assert "known stacks: prod, staging" in result.stderr


def test_placeholder_secrets_are_notes_with_the_command(staging_plan: dict[str, Any]) -> None:
    notes = [n for n in staging_plan["notes"] if ": placeholder, run: pulumi config set --secret" in n]
    assert any(n.startswith("launchready:databaseUrl: placeholder") and n.endswith("--stack staging") for n in notes)


def test_real_ciphertext_is_no_placeholder_note(project_copy: Path) -> None:
    path = project_copy / "Pulumi.prod.yaml"
    text = path.read_text()
    lines = [ln for ln in text.splitlines() if "secure: v1:" in ln]
    assert lines
    for line in lines:  # ciphertext as the Pulumi CLI writes it (base64 of bytes, not of REPLACE_ME:...)
        text = text.replace(line, line.split("secure:")[0] + "secure: v1:" + "q83vEjRWeJA=" * 4)
    path.write_text(text)
    result = run_plan("--stack", "prod", "--json", "--no-policies", cwd=project_copy)
    assert result.returncode in (0, 1), result.stderr
    assert not [n for n in json.loads(result.stdout)["notes"] if ": placeholder, run:" in n]
