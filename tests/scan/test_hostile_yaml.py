"""YAML that would make detect-secrets' parser hang or overflow (an alias bomb, thousands of nesting
levels): the scan reads such files line by line instead, in bounded time, without a traceback, still finds
what their lines hold, and says which files it read that way."""

from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest

from launchready.scan.publicids import public_values
from launchready.scan.stackfiles import scan_stack_text
from tests.scan.gitrepos import commit, new_repo, scan, write

_RNG = random.Random(31337)
TOKEN = "".join(_RNG.choice(string.ascii_letters + string.digits + "_-") for _ in range(40))

BOMB = "config:\n  launchready:dns: &a [\"l\",\"l\",\"l\",\"l\",\"l\",\"l\",\"l\",\"l\",\"l\"]\n" + "".join(
    f"  x{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
) + f"  launchready:ci: \"CLOUDFLARE_API_TOKEN={TOKEN}\"\n"
DEEP = "config:\n  launchready:deep: " + "[" * 5000 + "]" * 5000 + "\n" + f"# CLOUDFLARE_API_TOKEN={TOKEN}\n"


@pytest.mark.parametrize(("name", "text"), [("Pulumi.bomb.yaml", BOMB), ("Pulumi.deep.yaml", DEEP),
                                            ("k8s/bomb.yml", BOMB)])
def test_hostile_yaml_is_read_line_by_line_in_bounded_time(tmp_path: Path, name: str, text: str) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, name, text)
    commit(repo, "hostile yaml")
    start = time.monotonic()
    run = scan("--path", str(repo), "--json")
    assert time.monotonic() - start < 20
    assert run.code == 1 and "Traceback" not in run.err
    doc = run.json()
    assert {(f["path"], f["type"]) for f in doc["findings"]} >= {(name, "Cloudflare API Token")}
    assert {(item["path"], item["commit"] is None) for item in doc["yaml_read_as_lines"]} >= {(name, True)}
    assert TOKEN not in run.out
    text_run = scan("--path", str(repo))
    assert f"read line by line, not parsed as YAML: {name}" in text_run.out


@pytest.mark.parametrize("text", [BOMB, DEEP])
def test_stack_file_checks_refuse_to_compose_hostile_yaml(text: str) -> None:
    start = time.monotonic()
    assert scan_stack_text("Pulumi.x.yaml", text, "tree") == []
    assert public_values(text) == set()
    assert time.monotonic() - start < 5
