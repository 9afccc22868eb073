"""The GitHub workflows and the pre-commit hook run commands that exist, with credentials only from secrets."""

from __future__ import annotations

import copy
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchready.cli import COMMANDS, build_parser

WORKFLOWS = ("preview.yml", "deploy.yml")
PULUMI_ACTION = "pulumi/actions@v7"  # the current major of the official action
_LAUNCHREADY_RE = re.compile(r"(?:^|[\s/])launchready\s+([a-z][\w-]*)")
_SECRET_REF_RE = re.compile(r"^\$\{\{\s*secrets\.[A-Z][A-Z0-9_]*\s*\}\}$")
_CREDENTIAL_NAME_RE = re.compile(r"(token|secret|password|passphrase|access[-_]?key|role)", re.IGNORECASE)
_PULUMI_CLI_RE = re.compile(r"(?:^|[;&|(]\s*|\n\s*)pulumi\s+(up|preview|destroy|refresh|update)\b")
#: created by the workflow itself, so not expected in the repository
_GENERATED_PREFIXES = (".venv/", "policies/venv")


def load(repo_root: Path, name: str) -> dict[str, Any]:
    doc = yaml.safe_load((repo_root / ".github/workflows" / name).read_text())
    assert isinstance(doc, dict), name
    return doc


def triggers(doc: dict[str, Any]) -> Any:
    return doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on:` key as True


def steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in doc["jobs"].items() for step in spec.get("steps", [])]


def run_scripts(doc: dict[str, Any]) -> list[str]:
    return [step["run"] for _, step in steps(doc) if "run" in step]


def launchready_commands(script: str) -> list[str]:
    return _LAUNCHREADY_RE.findall(script)


def referenced_paths(script: str) -> list[str]:
    """Files a run script names: `dir/name.ext` arguments (a metric namespace like `A/B` has no extension)."""
    out = []
    for token in shlex.split(script.replace("&&", " ").replace("${{", " ").replace("}}", " ")):
        if "/" in token and not token.startswith(("-", "$")) and "=" not in token and "://" not in token:
            if "." in token.rsplit("/", 1)[-1]:
                out.append(token)
    return out


def credential_problems(doc: dict[str, Any]) -> list[str]:
    """Every env or `with:` value under a credential-like name must be exactly `${{ secrets.NAME }}`."""
    problems = []

    def check(where: str, mapping: Any) -> None:
        if not isinstance(mapping, dict):
            return
        for key, value in mapping.items():
            if key == "github-token" or not _CREDENTIAL_NAME_RE.search(str(key)):
                continue
            if not (isinstance(value, str) and _SECRET_REF_RE.match(value.strip())):
                problems.append(f"{where}.{key}")

    check("env", doc.get("env"))
    for job, spec in doc["jobs"].items():
        check(f"jobs.{job}.env", spec.get("env"))
        for i, step in enumerate(spec.get("steps", [])):
            check(f"jobs.{job}.steps[{i}].env", step.get("env"))
            check(f"jobs.{job}.steps[{i}].with", step.get("with"))
    return problems


@pytest.fixture(scope="module")
def workflows(repo_root: Path) -> dict[str, dict[str, Any]]:
    return {name: load(repo_root, name) for name in WORKFLOWS}


def test_every_launchready_command_run_exists(workflows: dict[str, dict[str, Any]], repo_root: Path) -> None:
    used: set[str] = set()
    for name, doc in workflows.items():
        for script in run_scripts(doc):
            for command in launchready_commands(script):
                assert command in COMMANDS, f"{name} runs `launchready {command}`, which is not a command"
                used.add(command)
    hook = yaml.safe_load((repo_root / ".pre-commit-config.yaml").read_text())
    entries = [h["entry"] for repo in hook["repos"] for h in repo["hooks"]]
    for entry in entries:
        for command in launchready_commands(entry):
            assert command in COMMANDS, f"pre-commit runs `launchready {command}`"
            used.add(command)
    assert {"scan", "plan", "smoke", "verify"} <= used


def test_pre_commit_hook_runs_the_scan_with_arguments_the_parser_accepts(repo_root: Path) -> None:
    hook = yaml.safe_load((repo_root / ".pre-commit-config.yaml").read_text())
    (entry,) = [h["entry"] for repo in hook["repos"] for h in repo["hooks"] if h["id"] == "launchready-scan"]
    argv = shlex.split(entry)
    argv = argv[argv.index("launchready") + 1 :]
    args = build_parser(argv).parse_args(argv)
    assert args.command == "scan" and args.no_history is True


def test_every_referenced_script_and_path_exists(workflows: dict[str, dict[str, Any]], repo_root: Path) -> None:
    checked = 0
    for name, doc in workflows.items():
        for script in run_scripts(doc):
            for path in referenced_paths(script):
                if path.startswith(_GENERATED_PREFIXES):
                    continue
                assert (repo_root / path).exists(), f"{name} uses {path}, which is not in the repository"
                checked += 1
        for _, step in steps(doc):
            packs = (step.get("with") or {}).get("policyPacks")
            if packs:
                assert (repo_root / packs / "PulumiPolicy.yaml").is_file(), f"{name}: policy pack {packs}"
                checked += 1
    assert checked >= 4  # scripts/setup.sh, policies/requirements.txt and the policy pack, at least


def test_pulumi_runs_only_through_the_official_action(workflows: dict[str, dict[str, Any]]) -> None:
    for name, doc in workflows.items():
        for job, step in steps(doc):
            assert not _PULUMI_CLI_RE.search(step.get("run", "")), f"{name}:{job} runs the pulumi CLI directly"
            uses = step.get("uses", "")
            if "pulumi" in uses:
                assert uses == PULUMI_ACTION, f"{name}:{job} uses {uses}"


def test_credentials_come_only_from_secrets(workflows: dict[str, dict[str, Any]], repo_root: Path) -> None:
    for name, doc in workflows.items():
        assert credential_problems(doc) == [], name
        env_names = {k for _, step in steps(doc) for k in (step.get("env") or {})}
        assert {"PULUMI_ACCESS_TOKEN", "CLOUDFLARE_API_TOKEN"} <= env_names, name
        roles = [step["with"]["role-to-assume"] for _, step in steps(doc)
                 if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert roles and all(_SECRET_REF_RE.match(r) for r in roles), name
        assert "aws-secret-access-key" not in (repo_root / ".github/workflows" / name).read_text()


def test_a_literal_credential_would_be_caught(workflows: dict[str, dict[str, Any]]) -> None:
    doc = copy.deepcopy(workflows["deploy.yml"])
    (job, step) = next((j, s) for j, s in steps(doc) if s.get("uses") == PULUMI_ACTION)
    step["env"]["CLOUDFLARE_API_TOKEN"] = "literal-" + "x" * 32
    assert credential_problems(doc) == [f"jobs.{job}.steps[{doc['jobs'][job]['steps'].index(step)}]"
                                        ".env.CLOUDFLARE_API_TOKEN"]


def pulumi_steps(doc: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return [s for s in doc["jobs"][job]["steps"] if s.get("uses") == PULUMI_ACTION]


def test_pull_request_previews_both_stacks_with_the_policy_pack(workflows: dict[str, dict[str, Any]]) -> None:
    doc = workflows["preview.yml"]
    assert "pull_request" in triggers(doc)
    assert doc["permissions"]["pull-requests"] == "write"
    job = doc["jobs"]["preview"]
    assert sorted(job["strategy"]["matrix"]["stack"]) == ["prod", "staging"]
    (step,) = pulumi_steps(doc, "preview")
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["policyPacks"] == "policies"
    assert step["with"]["comment-on-pr"] is True
    checks = " ".join(run_scripts({"jobs": {"checks": doc["jobs"]["checks"]}}))
    assert "pytest" in checks and "launchready scan" in checks
    assert job["needs"] == "checks"


def _order(doc: dict[str, Any], job: str) -> list[str]:
    """What a job does, in order: `up:<stack>`, `metric:<stack>`, `launchready <cmd> <args>`."""
    out = []
    for step in doc["jobs"][job]["steps"]:
        if step.get("uses") == PULUMI_ACTION:
            out.append(f"{step['with']['command']}:{step['with']['stack-name']}")
        script = " ".join(str(step.get("run", "")).split())
        match = re.search(r"put-metric-data .*--dimensions Stack=(\w+)", script)
        if match:
            assert "--namespace LaunchReady/Deploys" in script and "--metric-name DeployCount" in script
            out.append(f"metric:{match.group(1)}")
        out.extend(f"launchready {m.group(1)}" for m in re.finditer(r"launchready (\w+ --stack \w+)", script))
    return out


def test_main_rolls_out_staging_then_prod_behind_an_approval(workflows: dict[str, dict[str, Any]]) -> None:
    doc = workflows["deploy.yml"]
    assert triggers(doc)["push"]["branches"] == ["main"]
    assert doc["concurrency"]["cancel-in-progress"] is False
    assert _order(doc, "staging") == ["up:staging", "metric:staging", "launchready smoke --stack staging"]
    assert _order(doc, "prod") == [
        "up:prod", "metric:prod", "launchready verify --stack prod", "launchready smoke --stack prod",
    ]
    assert doc["jobs"]["prod"]["environment"] == "production"
    assert doc["jobs"]["prod"]["needs"] == "staging"
    assert doc["jobs"]["staging"]["needs"] == "checks"
    assert all(s["with"]["policyPacks"] == "policies" for job in ("staging", "prod") for s in pulumi_steps(doc, job))
