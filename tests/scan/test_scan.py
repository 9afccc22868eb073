"""`launchready scan` against throw-away git repositories with planted secrets, and against this repository.

The planted secrets are assembled at run time from a seeded generator, so no test file holds one and the
repository's own scan stays clean. Assertion messages name paths and types, never a planted value.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchready.scan.stackfiles import scan_stack_text
from tests.scan.gitrepos import Run, commit, new_repo, scan, write

_RNG = random.Random(20260801)


def _random(alphabet: str, n: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


# Planted values, built here so that no source file contains them.
AWS_KEY_ID = "AK" + "IA" + _random(string.ascii_uppercase + "234567", 16)
AWS_SECRET_KEY = _random(string.ascii_letters + string.digits + "/+", 40)
CF_TOKEN = _random(string.ascii_letters + string.digits + "_-", 40)
OLD_CF_TOKEN = _random(string.ascii_letters + string.digits + "_-", 40)
STACK_PLAINTEXT_VALUE = "hunter2-" + _random(string.ascii_lowercase + string.digits, 12)
PEM_BODY = [_random(string.ascii_letters + string.digits + "+/", 64) for _ in range(6)]
OLD_DSN_KEY = _random("0123456789abcdef", 32)
IGNORED_TOKEN = _random(string.ascii_letters + string.digits + "_-", 40)
PLANTED = [AWS_KEY_ID, AWS_SECRET_KEY, CF_TOKEN, OLD_CF_TOKEN, STACK_PLAINTEXT_VALUE, *PEM_BODY, OLD_DSN_KEY,
           IGNORED_TOKEN]

PRIVATE_KEY = "\n".join(
    ["-----BEGIN RSA " + "PRIVATE KEY-----", *PEM_BODY, "-----END RSA " + "PRIVATE KEY-----", ""]
)
STACK_KEY = "launchready:db" + "Password"


def leaked(text: str) -> list[int]:
    """Indexes of planted values that appear in `text` (indexes, so a failure message shows no secret)."""
    return [i for i, value in enumerate(PLANTED) if value in text]


# --------------------------------------------------------------------------------------------------
# A repository with every kind of planted secret
# --------------------------------------------------------------------------------------------------


@dataclass
class Planted:
    repo: Path
    old_commit: str
    current_commit: str
    text: Run
    result: dict[str, Any]

    def find(self, path: str, type_: str) -> list[dict[str, Any]]:
        return [f for f in self.result["findings"] if f["path"] == path and f["type"] == type_]

    def where(self) -> list[tuple[str, str, int]]:
        return [(f["path"], f["type"], f["line"]) for f in self.result["findings"]]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    repo = new_repo(tmp_path_factory.mktemp("planted") / "repo")
    # An old commit adds a token to a script; a later one deletes the script (the history keeps it).
    write(repo, "scripts/bootstrap.sh", f"#!/bin/sh\nset -eu\nexport CLOUDFLARE_API_TOKEN={OLD_CF_TOKEN}\n")
    # A repeated line ("items:") and a comment that reads like `secret: value` outside YAML: the history scan
    # must read the version as YAML, as the working-tree scan does.
    write(repo, "Pulumi.dev.yaml", "# Secrets: PULUMI_ACCESS_TOKEN, set with pulumi config set --secret\nconfig:\n"
          f"  launchready:sentryDsn: https://{OLD_DSN_KEY}@o1.ingest.sentry.io/42\n"
          "  launchready:a:\n    items:\n      - name: x\n    owner: p\n"
          "  launchready:b:\n    items:\n      - name: y\n    owner: q\n")
    old = commit(repo, "bootstrap script and a dev stack")
    (repo / "scripts/bootstrap.sh").unlink()
    (repo / "Pulumi.dev.yaml").unlink()
    commit(repo, "remove the bootstrap script and the dev stack")
    write(repo, "config/app.env", f"AWS_ACCESS_KEY_ID={AWS_KEY_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET_KEY}\n")
    write(repo, "ci/cloudflare.env", f"# used by the deploy job\nCLOUDFLARE_API_TOKEN={CF_TOKEN}\n")
    write(repo, "keys/deploy.pem", PRIVATE_KEY)
    write(repo, "Pulumi.yaml", "name: demo\nruntime: python\n")
    write(
        repo,
        "Pulumi.staging.yaml",
        "config:\n  aws:region: eu-west-1\n"
        f"  {STACK_KEY}: {STACK_PLAINTEXT_VALUE}\n"
        "  launchready:stripeApiKey:\n    secure: v1:c2VjdXJlLXZhbHVl\n",
    )
    write(repo, ".gitignore", "local.env\n")
    current = commit(repo, "app config")
    # Ignored files are not scanned (they never reach the repository).
    write(repo, "local.env", f"CLOUDFLARE_API_TOKEN={IGNORED_TOKEN}\n")

    json_run = scan("--json", cwd=repo)  # the default --path: the repository holding the current directory
    text_run = scan(cwd=repo / "config")
    assert json_run.code == 1, json_run.err
    return Planted(repo, old, current, text_run, json_run.json())


def test_aws_access_key_id_and_secret_key_are_found(planted: Planted) -> None:
    key_id = planted.find("config/app.env", "AWS Access Key")
    secret = planted.find("config/app.env", "AWS Secret Access Key")
    assert [f["line"] for f in key_id] == [1], planted.where()
    assert [f["line"] for f in secret] == [2], planted.where()
    assert key_id[0]["source"] == "tree" and key_id[0]["commit"] == planted.current_commit


def test_cloudflare_api_token_is_found(planted: Planted) -> None:
    found = planted.find("ci/cloudflare.env", "Cloudflare API Token")
    assert [(f["line"], f["source"]) for f in found] == [(2, "tree")], planted.where()
    # the specific finding replaces detect-secrets' generic entropy hit on the same line
    assert not [f for f in planted.result["findings"] if f["path"] == "ci/cloudflare.env" and f["line"] == 2
                and f["type"] != "Cloudflare API Token"], planted.where()


def test_private_key_is_found(planted: Planted) -> None:
    found = planted.find("keys/deploy.pem", "Private Key")
    assert [f["line"] for f in found] == [1], planted.where()


def test_plaintext_password_in_stack_file_is_found_with_the_fix(planted: Planted) -> None:
    found = planted.find("Pulumi.staging.yaml", "Plaintext secret in Pulumi stack file")
    assert [(f["line"], f["key"]) for f in found] == [(3, STACK_KEY)], planted.where()
    assert f"pulumi config set --secret {STACK_KEY} '<value>' --stack staging" in found[0]["fix"]
    # the secure: value next to it is not a finding
    assert [f["line"] for f in planted.result["findings"] if f["path"] == "Pulumi.staging.yaml"] == [3]


def test_secret_in_a_deleted_file_is_found_in_the_commit_that_added_it(planted: Planted) -> None:
    found = planted.find("scripts/bootstrap.sh", "Cloudflare API Token")
    assert [(f["source"], f["commit"], f["line"]) for f in found] == [("history", planted.old_commit, 3)], (
        planted.where()
    )
    assert not (planted.repo / "scripts/bootstrap.sh").exists()


def test_plaintext_secret_in_a_deleted_stack_file_is_found_in_its_commit(planted: Planted) -> None:
    found = [f for f in planted.result["findings"] if f["path"] == "Pulumi.dev.yaml"]
    # line 3 only: the comment on line 1 is not read as a `secret: value` (YAML is scanned as YAML)
    assert [(f["source"], f["commit"], f["line"], f["type"], f.get("key")) for f in found] == [
        ("history", planted.old_commit, 3, "Plaintext secret in Pulumi stack file", "launchready:sentryDsn")
    ], planted.where()


def test_ignored_files_are_not_scanned_and_nothing_else_is_reported(planted: Planted) -> None:
    assert sorted({f["path"] for f in planted.result["findings"]}) == [
        "Pulumi.dev.yaml", "Pulumi.staging.yaml", "ci/cloudflare.env", "config/app.env", "keys/deploy.pem",
        "scripts/bootstrap.sh",
    ]
    assert planted.result["commits_scanned"] == 3
    assert planted.result["history"] is True


def test_text_report_names_each_finding_and_exits_1(planted: Planted) -> None:
    assert planted.text.code == 1
    for where in ("config/app.env:1", "ci/cloudflare.env:2", "keys/deploy.pem:1", "Pulumi.staging.yaml:3",
                  f"{planted.old_commit[:10]} scripts/bootstrap.sh:3"):
        assert where in planted.text.out, where
    assert "pulumi config set --secret" in planted.text.out
    assert "--update-baseline" in planted.text.out


def test_secret_values_are_never_printed(planted: Planted) -> None:
    assert leaked(planted.text.out + planted.text.err) == []
    assert leaked(json.dumps(planted.result)) == []


def test_no_history_reports_only_the_working_tree(planted: Planted) -> None:
    run = scan("--path", str(planted.repo), "--no-history", "--json")
    assert run.code == 1
    paths = {f["path"] for f in run.json()["findings"]}
    assert "scripts/bootstrap.sh" not in paths and "config/app.env" in paths
    assert run.json()["history"] is False


# --------------------------------------------------------------------------------------------------
# Clean repositories, the baseline, usage errors
# --------------------------------------------------------------------------------------------------


def test_clean_repository_passes(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "clean")
    commit(repo, "initial")
    write(repo, "app.py", 'def greet(name: str) -> str:\n    return f"hi {name}"\n')
    commit(repo, "second")
    run = scan("--path", str(repo))
    assert run.code == 0, run.out + run.err
    assert run.out.startswith("no secrets found")
    assert scan("--path", str(repo), "--json").json()["findings"] == []


def test_baselined_false_positive_passes_and_a_new_secret_still_fails(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "fp")
    # the id of a Cloudflare managed ruleset: public, but detect-secrets sees a high-entropy hex string
    ruleset = _random("0123456789abcdef", 32)
    write(repo, "zones.py", f'MANAGED_RULESET = "{ruleset}"\n')
    commit(repo, "zone")
    assert scan("--path", str(repo)).code == 1

    update = scan("--path", str(repo), "--update-baseline")
    assert update.code == 0, update.err
    baseline = json.loads((repo / ".secrets.baseline").read_text())
    assert [(e["type"], e["line_number"]) for e in baseline["results"]["zones.py"]] == [
        ("Hex High Entropy String", 1)
    ]
    assert {p["name"] for p in baseline["plugins_used"]} >= {"AWSKeyDetector", "PrivateKeyDetector"}
    assert ruleset not in (repo / ".secrets.baseline").read_text()

    passed = scan("--path", str(repo))
    assert passed.code == 0, passed.out
    assert "1 reviewed false positive in the baseline" in passed.out

    write(repo, "deploy.env", f"CLOUDFLARE_API_TOKEN={CF_TOKEN}\n")
    failed = scan("--path", str(repo), "--json")
    assert failed.code == 1
    assert [(f["path"], f["type"]) for f in failed.json()["findings"]] == [("deploy.env", "Cloudflare API Token")]
    assert failed.json()["baselined"] == 1


def test_baseline_entry_marked_as_a_real_secret_still_fails(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "real")
    write(repo, "keys/id.pem", PRIVATE_KEY)
    commit(repo, "key")
    assert scan("--path", str(repo), "--update-baseline").code == 0
    path = repo / ".secrets.baseline"
    doc = json.loads(path.read_text())
    doc["results"]["keys/id.pem"][0]["is_secret"] = True  # what `detect-secrets audit` writes for a real one
    path.write_text(json.dumps(doc))
    assert scan("--path", str(repo)).code == 1
    # and --update-baseline keeps the reviewer's mark
    assert scan("--path", str(repo), "--update-baseline").code == 0
    assert json.loads(path.read_text())["results"]["keys/id.pem"][0]["is_secret"] is True


def test_history_wanted_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    write(plain, "notes.txt", "nothing here\n")
    run = scan("--path", str(plain))
    assert run.code == 2
    assert "not a git repository" in run.err and "--no-history" in run.err
    assert "Traceback" not in run.err
    files_only = scan("--path", str(plain), "--no-history")
    assert files_only.code == 0, files_only.out + files_only.err


def test_files_outside_git_are_scanned_with_no_history(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    write(plain, "deploy/cf.env", f"CF_API_TOKEN={CF_TOKEN}\n")
    write(plain, ".venv/lib/site.py", f"CF_API_TOKEN={CF_TOKEN}\n")  # a virtualenv is never walked
    run = scan("--path", str(plain), "--no-history", "--json")
    assert run.code == 1
    assert [(f["path"], f["type"]) for f in run.json()["findings"]] == [("deploy/cf.env", "Cloudflare API Token")]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ('{"version": "1.5.0"}', "not a detect-secrets baseline"),
     ('{"results": {"a.py": [{"line_number": 1}]}}', "lacks a type or hashed_secret")],
)
def test_unreadable_baseline_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    repo = new_repo(tmp_path / "bad")
    commit(repo, "initial")
    (repo / ".secrets.baseline").write_text(content)
    run = scan("--path", str(repo))
    assert run.code == 2
    assert message in run.err and "Traceback" not in run.err


def test_baseline_is_updated_only_from_a_full_scan(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "partial")
    commit(repo, "initial")
    run = scan("--path", str(repo), "--no-history", "--update-baseline")
    assert run.code == 2 and "--no-history" in run.err
    assert not (repo / ".secrets.baseline").exists()


def test_missing_explicit_baseline_is_a_usage_error(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "nobase")
    commit(repo, "initial")
    run = scan("--path", str(repo), "--baseline", str(tmp_path / "missing.json"))
    assert run.code == 2 and "does not exist" in run.err


def test_repository_without_commits_scans_its_files(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "empty")
    run = scan("--path", str(repo), "--json")
    assert run.code == 0, run.err
    assert run.json()["commits_scanned"] == 0 and run.json()["files_scanned"] == 2


# --------------------------------------------------------------------------------------------------
# The stack-file check on its own
# --------------------------------------------------------------------------------------------------


def test_credential_url_and_webhook_token_in_nested_stack_config_are_found() -> None:
    password = _random(string.ascii_letters, 12)
    hook = "https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/" + _random(string.ascii_letters + string.digits, 24)
    text = (
        "config:\n"
        "  launchready:monitoring:\n"
        "    alertWebhooks:\n"
        "      - name: slack\n"
        f"        url: {hook}\n"
        "  launchready:hostnames:\n"
        "    app:\n"
        f"      purpose: postgres://app:{password}@db.internal/app\n"
        "  launchready:secrets:\n"
        "    items:\n"
        "      - name: stripe-api-key\n"
        "        configKey: stripeApiKey\n"
    )
    found = scan_stack_text("Pulumi.prod.yaml", text, "tree")
    assert [(f.line, f.key) for f in found] == [
        (5, "launchready:monitoring.alertWebhooks[0].url"),
        (8, "launchready:hostnames.app.purpose"),
    ]
    assert all("configKey" in (f.fix or "") and "--stack prod" in (f.fix or "") for f in found)
    assert not [f for f in found if password in repr(f) or hook in repr(f)]


def test_project_file_config_default_is_checked() -> None:
    text = "name: demo\nconfig:\n  demo:apiToken:\n    type: string\n    default: " + CF_TOKEN + "\n"
    found = scan_stack_text("Pulumi.yaml", text, "tree")
    assert [(f.line, f.key) for f in found] == [(5, "demo:apiToken")]
    assert "--stack <each stack>" in (found[0].fix or "")


_KEY_NAMES = st.sampled_from(["dbPassword", "apiToken", "stripeApiKey", "sentryDsn", "privateKey", "clientSecret"])
_VALUES = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="'\\"), min_size=8,
                  max_size=40)


@settings(max_examples=60, deadline=None)
@given(key=_KEY_NAMES, value=_VALUES)
def test_plaintext_is_flagged_and_secure_values_are_not(key: str, value: str) -> None:
    quoted = "'" + value + "'"
    plain = scan_stack_text("Pulumi.dev.yaml", f"config:\n  launchready:{key}: {quoted}\n", "tree")
    assert [(f.key, f.line) for f in plain] == [(f"launchready:{key}", 2)]
    assert value not in f"{plain[0].key} {plain[0].fix} {plain[0].type}"
    secure = scan_stack_text("Pulumi.dev.yaml", f"config:\n  launchready:{key}:\n    secure: {quoted}\n", "tree")
    assert secure == []


# --------------------------------------------------------------------------------------------------
# This repository: its committed baseline must keep the scan green (this is what CI runs)
# --------------------------------------------------------------------------------------------------


def test_this_repository_passes_with_its_baseline(repo_root: Path) -> None:
    run = scan("--path", str(repo_root), "--json")
    found = [(f["source"], f["path"], f["line"], f["type"]) for f in run.json()["findings"]]
    assert run.code == 0, (
        f"launchready scan found {found}; fix real secrets, or review these false positives and run "
        "`launchready scan --update-baseline` and commit .secrets.baseline"
    )
    assert run.json()["history"] is True and run.json()["commits_scanned"] > 0
