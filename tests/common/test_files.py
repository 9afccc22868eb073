"""write_atomically: the whole text or the old file, never half; permissions kept; no temporary left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from launchready.common.files import write_atomically


def test_writes_the_file_and_its_directories(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "handover.md"
    write_atomically(target, "# Handover\n")
    assert target.read_text() == "# Handover\n"
    assert [p.name for p in target.parent.iterdir()] == ["handover.md"]


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / ".secrets.baseline"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomically(target, "new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomically(target, "new text")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
