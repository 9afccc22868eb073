"""The code base stays ruff-clean: the same check a reviewer runs, so CI catches what they would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_ruff_reports_nothing(repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
        cwd=repo_root, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
