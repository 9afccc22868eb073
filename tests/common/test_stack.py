"""loaded_stack: the validated stack of --stack/--root, or None after one `error:` line (never a traceback)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from launchready.common.stack import loaded_stack


def args(stack: str, root: Path) -> argparse.Namespace:
    return argparse.Namespace(stack=stack, root=root, json=False)


def test_the_example_stack_loads_and_is_announced(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loaded = loaded_stack(args("prod", repo_root))
    assert loaded is not None
    assert loaded.config.environment.value == "prod" and loaded.stack_file.stack == "prod"
    assert f"using project root {repo_root} (--root), stack file Pulumi.prod.yaml" in capsys.readouterr().err


def test_a_bad_stack_file_is_one_error_naming_the_key(tmp_path: Path, repo_root: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        shutil.copy(repo_root / name, tmp_path / name)
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("config:\n", "config:\n  launchready:stripeKey: sk_live_x\n", 1))
    assert loaded_stack(args("prod", tmp_path)) is None
    err = capsys.readouterr().err
    assert "error: " in err and "launchready:stripeKey" in err
    assert "sk_live_x" not in err and "Traceback" not in err


def test_a_missing_stack_is_none_with_the_known_stacks(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert loaded_stack(args("qa", repo_root)) is None
    assert "known stacks: prod, staging" in capsys.readouterr().err
