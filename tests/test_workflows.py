"""The GitHub workflows and the pre-commit hook run commands that exist, with credentials only from secrets,
third-party actions pinned to commit SHAs; the scheduled report, the nightly drift check and the manual
rollback do what docs/runbook.md says (their shell steps are run here against stubs and a scratch repo)."""

from __future__ import annotations

import copy
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchready.cli import COMMANDS, build_parser

WORKFLOWS = ("preview.yml", "deploy.yml", "report.yml", "drift.yml", "rollback.yml", "drill.yml", "load.yml")
#: pulumi/actions v7.0.0 (the current major of the official action), pinned to its commit
PULUMI_ACTION = "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d"
_USES_LINE_RE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)
_PINNED_RE = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
_VERSION_COMMENT_RE = re.compile(r"^\s*#\s*v\d+\.\d+\.\d+\s*$")
_LAUNCHREADY_RE = re.compile(r"(?:^|[\s/])launchready\s+([a-z][\w-]*)")
_LAUNCHREADY_LINE_RE = re.compile(r"(?:^|[\s/])launchready\s+([^\n|>;&]*)")
_EXPR_RE = re.compile(r"\$\{\{[^}]*\}\}")
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
    keys: dict[Any, Any] = doc
    return keys.get("on", keys.get(True))  # YAML 1.1 reads a bare `on:` key as True


def steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in doc["jobs"].items() for step in spec.get("steps", [])]


def run_scripts(doc: dict[str, Any]) -> list[str]:
    return [step["run"] for _, step in steps(doc) if "run" in step]


def launchready_commands(script: str) -> list[str]:
    return _LAUNCHREADY_RE.findall(script)


def launchready_argv(script: str) -> list[list[str]]:
    """The argv of every `launchready ...` line: `${{ ... }}` as a stack name, a shell variable after an option
    as a value ("1"), other shell words (`${X:+--date "$X"}`) dropped."""
    out = []
    for rest in _LAUNCHREADY_LINE_RE.findall(script.replace("\\\n", " ")):
        argv: list[str] = []
        for word in shlex.split(_EXPR_RE.sub("staging", rest)):
            if "$" not in word:
                argv.append(word)
            elif argv and argv[-1].startswith("--") and not word.startswith("${"):
                argv.append("1")
        out.append(argv)
    return out


def referenced_paths(script: str) -> list[str]:
    """Files a run script names: `dir/name.ext` arguments (a metric namespace like `A/B` has no extension)."""
    out = []
    for token in shlex.split(script.replace("&&", " ").replace("${{", " ").replace("}}", " "), comments=True):
        if "/" in token and " " not in token and not token.startswith(("-", "$")) and "=" not in token \
                and "://" not in token:
            if "." in token.rsplit("/", 1)[-1] and not token.startswith(("<", "(")):
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


def pin_problems(text: str) -> list[str]:
    """Every `uses:` of a workflow's raw text: owner/repo@<40-hex sha> followed by a `# vX.Y.Z` comment."""
    problems = []
    for ref, tail in _USES_LINE_RE.findall(text):
        if ref.startswith("./"):
            continue
        if not _PINNED_RE.match(ref):
            problems.append(f"{ref}: not pinned to a full commit sha")
        elif not _VERSION_COMMENT_RE.match(tail):
            problems.append(f"{ref}: no `# vX.Y.Z` comment naming the version the sha is")
    return problems


@pytest.fixture(scope="module")
def workflows(repo_root: Path) -> dict[str, dict[str, Any]]:
    return {name: load(repo_root, name) for name in WORKFLOWS}


def test_every_launchready_command_run_exists_and_parses(workflows: dict[str, dict[str, Any]],
                                                         repo_root: Path) -> None:
    used: set[str] = set()
    for name, doc in workflows.items():
        for script in run_scripts(doc):
            for command in launchready_commands(script):
                assert command in COMMANDS, f"{name} runs `launchready {command}`, which is not a command"
                used.add(command)
            for argv in launchready_argv(script):
                try:
                    args = build_parser(argv).parse_args(argv)
                except SystemExit:
                    pytest.fail(f"{name}: `launchready {' '.join(argv)}` does not parse")
                assert args.command == argv[0]
    hook = yaml.safe_load((repo_root / ".pre-commit-config.yaml").read_text())
    entries = [h["entry"] for repo in hook["repos"] for h in repo["hooks"]]
    for entry in entries:
        for command in launchready_commands(entry):
            assert command in COMMANDS, f"pre-commit runs `launchready {command}`"
            used.add(command)
    assert {"scan", "plan", "smoke", "verify", "report", "drill", "load"} <= used


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


def test_every_third_party_action_is_pinned_to_a_commit_sha_with_its_version(repo_root: Path) -> None:
    shas: dict[str, set[str]] = {}
    for name in WORKFLOWS:
        text = (repo_root / ".github/workflows" / name).read_text()
        assert pin_problems(text) == [], name
        for ref, _ in _USES_LINE_RE.findall(text):
            action, sha = ref.split("@")
            shas.setdefault(action, set()).add(sha)
    # one version of each action across the workflows
    assert {a: s for a, s in shas.items() if len(s) > 1} == {}


def test_an_unpinned_or_unversioned_action_would_be_caught() -> None:
    unpinned = "      - uses: actions/checkout@v6\n"
    assert pin_problems(unpinned) == ["actions/checkout@v6: not pinned to a full commit sha"]
    unversioned = f"      - uses: actions/checkout@{'a' * 40}\n"
    assert pin_problems(unversioned) == [f"actions/checkout@{'a' * 40}: no `# vX.Y.Z` comment naming the version "
                                         "the sha is"]


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
        assert "aws-secret-access-key" not in (repo_root / ".github/workflows" / name).read_text()
        roles = [step["with"]["role-to-assume"] for _, step in steps(doc)
                 if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert all(_SECRET_REF_RE.match(r) for r in roles), name
        if any(step.get("uses") == PULUMI_ACTION for _, step in steps(doc)):
            env_names = {k for _, step in steps(doc) for k in (step.get("env") or {})}
            assert {"PULUMI_ACCESS_TOKEN", "CLOUDFLARE_API_TOKEN"} <= env_names, name
            assert roles, name


def test_a_literal_credential_would_be_caught(workflows: dict[str, dict[str, Any]]) -> None:
    doc = copy.deepcopy(workflows["deploy.yml"])
    (job, step) = next((j, s) for j, s in steps(doc) if s.get("uses") == PULUMI_ACTION)
    step["env"]["CLOUDFLARE_API_TOKEN"] = "literal-" + "x" * 32
    assert credential_problems(doc) == [f"jobs.{job}.steps[{doc['jobs'][job]['steps'].index(step)}]"
                                        ".env.CLOUDFLARE_API_TOKEN"]


def pulumi_steps(doc: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return [s for s in doc["jobs"][job]["steps"] if s.get("uses") == PULUMI_ACTION]


def test_pull_request_previews_both_stacks_with_the_policy_pack_and_uploads_its_sarif(
        workflows: dict[str, dict[str, Any]]) -> None:
    doc = workflows["preview.yml"]
    assert "pull_request" in triggers(doc)
    assert doc["permissions"]["pull-requests"] == "write"
    assert doc["permissions"]["security-events"] == "write"
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
    # the plan writes SARIF, and the next step uploads that very file, even when the plan failed
    plan = next(s for s in job["steps"] if "launchready plan" in s.get("run", ""))
    argv = shlex.split(_EXPR_RE.sub("STACK", plan["run"]))
    sarif = argv[argv.index("--sarif") + 1]
    upload = job["steps"][job["steps"].index(plan) + 1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert _EXPR_RE.sub("STACK", upload["with"]["sarif_file"]) == sarif == "plan-STACK.sarif"
    assert "always()" in upload["if"]


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
        out.extend(f"launchready {m.group(1)}"
                   for m in re.finditer(r"launchready (\w+ --stack (?:\w+|\$\{\{ [\w.]+ \}\}))", script))
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


def test_nightly_drift_check_previews_every_stack_expecting_no_changes(workflows: dict[str, dict[str, Any]]) -> None:
    doc = workflows["drift.yml"]
    assert triggers(doc)["schedule"][0]["cron"].count(" ") == 4
    job = doc["jobs"]["drift"]
    assert sorted(job["strategy"]["matrix"]["stack"]) == ["prod", "staging"]
    (step,) = pulumi_steps(doc, "drift")
    assert step["with"]["command"] == "preview" and step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["expect-no-changes"] is True and step["with"]["refresh"] is True
    issue = job["steps"][-1]
    assert issue["if"] == "failure()" and "gh issue create" in issue["run"]
    assert doc["permissions"]["issues"] == "write"


def _step(doc: dict[str, Any], job: str, name_part: str) -> dict[str, Any]:
    return next(s for s in doc["jobs"][job]["steps"] if name_part in s.get("name", ""))


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=30)


def _stub(directory: Path, name: str, body: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(f"#!/bin/bash\n{body}\n")
    (directory / name).chmod(0o755)


@pytest.mark.parametrize("exit_code", [0, 1])
def test_daily_report_fails_and_notifies_when_the_report_flags_something(
        workflows: dict[str, dict[str, Any]], tmp_path: Path, exit_code: int) -> None:
    doc = workflows["report.yml"]
    assert "schedule" in triggers(doc) and doc["permissions"]["issues"] == "write"
    report = _step(doc, "report", "Report")
    assert "launchready report --stack prod" in report["run"]
    # run the report step with a launchready that flags (exit 1) or not (exit 0)
    _stub(tmp_path / ".venv/bin", "launchready", f"echo '# report of' \"$@\"; exit {exit_code}")
    out, summary = tmp_path / "output", tmp_path / "summary"
    result = _bash(report["run"], tmp_path, {"GITHUB_OUTPUT": str(out), "GITHUB_STEP_SUMMARY": str(summary),
                                             "REPORT_DATE": "2026-11-30"})
    assert result.returncode == 0, result.stderr
    assert out.read_text() == f"status={exit_code}\n"
    assert "--stack prod --date 2026-11-30 --markdown" in summary.read_text()
    flagged = [s for s in doc["jobs"]["report"]["steps"] if s.get("if") == "steps.report.outputs.status != '0'"]
    assert [s["name"] for s in flagged] == ["Notify the alert webhook", "Open an issue",
                                            "Fail the run when the report flagged something"]
    notify, issue, fail = flagged
    assert notify["env"]["ALERT_WEBHOOK_URL"] == "${{ secrets.ALERT_WEBHOOK_URL }}"
    assert "gh issue create" in issue["run"] and "--body-file report.md" in issue["run"]
    # the webhook step posts the report as JSON to the secret's URL (curl stubbed, jq real)
    _stub(tmp_path / "bin", "curl", f"cat > {tmp_path}/posted; echo \"$@\" > {tmp_path}/curl-args")
    script = notify["run"].replace("${{ steps.report.outputs.status }}", "1")
    result = _bash(script, tmp_path, {"PATH": f"{tmp_path}/bin:{os.environ['PATH']}",
                                      "ALERT_WEBHOOK_URL": "https://hooks.example.test/T0/B0", "RUN_URL": "run"})
    assert result.returncode == 0, result.stderr
    posted = (tmp_path / "posted").read_text()
    assert '"text"' in posted and "flagged something" in posted and "# report of" in posted
    assert "https://hooks.example.test/T0/B0" in (tmp_path / "curl-args").read_text()
    assert "exit 1" in fail["run"]


def test_rollback_is_manual_with_the_commit_to_return_to_and_follows_the_runbook(
        workflows: dict[str, dict[str, Any]], repo_root: Path) -> None:
    doc = workflows["rollback.yml"]
    on = triggers(doc)
    assert set(on) == {"workflow_dispatch"}
    inputs = on["workflow_dispatch"]["inputs"]
    assert inputs["commit"]["required"] is True and inputs["stack"]["options"] == ["prod", "staging"]
    assert _order(doc, "check") == ["launchready plan --stack ${{ inputs.stack }}"]  # runbook section 2
    assert _order(doc, "rollback") == [  # sections 3 and 5
        "preview:${{ inputs.stack }}", "up:${{ inputs.stack }}", "launchready verify --stack ${{ inputs.stack }}",
        "launchready smoke --stack ${{ inputs.stack }}"]
    job = doc["jobs"]["rollback"]
    assert job["needs"] == "check" and "production" in job["environment"]
    assert job["steps"][0]["with"]["ref"] == "${{ needs.check.outputs.sha }}"
    assert pulumi_steps(doc, "rollback")[1]["with"]["message"].startswith("rollback to ")
    assert doc["concurrency"]["group"] == load(repo_root, "deploy.yml")["concurrency"]["group"]
    assert ".github/workflows/rollback.yml" in (repo_root / "docs/runbook.md").read_text()


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_rollback_accepts_only_a_commit_on_main(workflows: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    script = _step(workflows["rollback.yml"], "check", "Resolve the commit")["run"]
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for message in ("good", "bad"):
        _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "--allow-empty",
             "-m", message)
    good = _git(repo, "rev-parse", "HEAD~1")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "--allow-empty", "-m", "x")
    side = _git(repo, "rev-parse", "HEAD")
    out = tmp_path / "out"
    ok = _bash(script, repo, {"COMMIT": good[:10], "GITHUB_OUTPUT": str(out)})
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert out.read_text() == f"sha={good}\n" and _git(repo, "rev-parse", "HEAD") == good
    for bad, why in ((side, "is not on main"), ("main; rm -rf /", "must be a hexadecimal sha"),
                     ("deadbeef", "no such commit")):
        result = _bash(script, repo, {"COMMIT": bad, "GITHUB_OUTPUT": str(out)})
        assert result.returncode != 0 and why in result.stdout, (bad, result.stdout)


def test_the_weekly_drill_and_the_manual_load_test_need_the_production_approval_for_prod(
        workflows: dict[str, dict[str, Any]]) -> None:
    for name, command in (("drill.yml", "launchready drill"), ("load.yml", "launchready load")):
        doc = workflows[name]
        (job,) = doc["jobs"].values()
        assert job["environment"] == "${{ inputs.stack == 'prod' && 'production' || 'staging' }}", name
        assert triggers(doc)["workflow_dispatch"]["inputs"]["stack"]["options"] == ["staging", "prod"], name
        assert any(command in s for s in run_scripts(doc)), name
    assert "schedule" in triggers(workflows["drill.yml"]) and "schedule" not in triggers(workflows["load.yml"])
    load_step = next(s for _, s in steps(workflows["load.yml"]) if "launchready load" in s.get("run", ""))
    assert "examples/load-scenario.yaml" in load_step["run"]
    assert load_step["env"]["LOADTEST_PASSWORD"] == "${{ secrets.LOADTEST_PASSWORD }}"
