"""SIGTERM, SIGHUP and Ctrl-C (SIGINT) during the history scan: the scan's plaintext copies of history
versions are removed before it exits (128 + the signal), and no other file holding them is left behind."""

from __future__ import annotations

import os
import random
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.scan.gitrepos import commit, new_repo, write

_RNG = random.Random(7)
TOKEN = "".join(_RNG.choice(string.ascii_letters + string.digits + "_-") for _ in range(40))


@pytest.fixture(scope="module")
def big_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough history (about 600 KiB of lines only old commits hold) that the scan works on it for a while."""
    repo = new_repo(tmp_path_factory.mktemp("signals") / "repo")
    for i in range(80):
        lines = [f"line {i}-{n} " + "".join(_RNG.choice(string.ascii_lowercase) for _ in range(90)) for n in range(80)]
        write(repo, f"old/file{i}.txt", "\n".join(lines) + f"\nCLOUDFLARE_API_TOKEN={TOKEN}\n")
    commit(repo, "old files")
    for i in range(80):
        (repo / f"old/file{i}.txt").unlink()
    commit(repo, "remove them")
    return repo


def _scratch_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("launchready-scan-*"))


def _files_holding_the_token(tmp: Path) -> list[Path]:
    found = []
    for path in tmp.rglob("*"):
        if path.is_file():
            try:
                if TOKEN in path.read_text(errors="replace"):
                    found.append(path)
            except OSError:
                continue
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_during_the_history_scan_leaves_no_plaintext(big_history: Path, tmp_path: Path,
                                                              signum: signal.Signals) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "launchready", "scan", "--path", str(big_history), "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        # The signal comes once the plaintext copies exist.
        while not _files_holding_the_token(tmp) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _files_holding_the_token(tmp), "the scan never wrote its scratch copies"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == (130 if signum == signal.SIGINT else 128 + signum), err[-2000:]
    assert "Traceback" not in err
    assert _scratch_dirs(tmp) == [] and _files_holding_the_token(tmp) == []
