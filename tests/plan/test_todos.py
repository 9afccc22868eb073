"""The plan and the handover list what `launchready init` left to supply (its TODO(init) comments) and
each placeholder secret, by file, line and key: never the value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from launchready.plan.todos import init_todos

STACK = """\
# Values marked TODO(init) are placeholders you still have to supply.
config:
  aws:region: eu-west-1
  shop:zone:
    zoneId: '00000000000000000000000000000002'  # TODO(init): the zone id of shop.example
    "accountId": '0000' #TODO(init) the Cloudflare account id
  shop:databaseUrl:  # TODO(init): pulumi config set --secret shop:databaseUrl
    secure: v1:AAAA
  shop:monitoring:
    endpoints:
      - {host: '@', path: /, expectText: REPLACE_ME}  # TODO(init): the text the home page shows
    # TODO(init): add an alert address
  shop:note: "a # TODO(init) inside a value is not a comment of init"
"""


def test_each_todo_comment_is_one_note_with_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(STACK)
    assert init_todos(path, {"shop:databaseUrl"}) == [
        "Pulumi.prod.yaml:5 zoneId: the zone id of shop.example",
        "Pulumi.prod.yaml:6 accountId: the Cloudflare account id",
        "Pulumi.prod.yaml:11 the text the home page shows",
        "Pulumi.prod.yaml:12 add an alert address",
    ]
    notes = init_todos(path)
    assert "Pulumi.prod.yaml:7 shop:databaseUrl: pulumi config set --secret shop:databaseUrl" in notes
    assert not any("00000000000000000000000000000002" in n or "REPLACE_ME" in n for n in notes)


def test_an_unreadable_file_has_no_todos(tmp_path: Path) -> None:
    assert init_todos(tmp_path / "missing.yaml") == []
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe# TODO(init): x\n")
    assert init_todos(tmp_path / "bad.yaml") == []


@pytest.mark.slow
def test_an_init_project_plans_with_its_todos_listed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    init = subprocess.run([sys.executable, "-m", "launchready", "init", "--root", str(tmp_path), "--domain",
                           "shop.example", "--host", "@=origin.shop.example", "--alert-email", "ops@shop.example"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert init.returncode == 0, init.stderr
    plan = subprocess.run([sys.executable, "-m", "launchready", "plan", "--stack", "prod", "--json", "--no-policies"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert plan.returncode == 0, plan.stderr
    notes = json.loads(plan.stdout)["notes"]
    assert any(n.startswith("Pulumi.prod.yaml:") and " zoneId: " in n for n in notes), notes
    assert not any("00000000000000000000000000000000" in n for n in notes)
