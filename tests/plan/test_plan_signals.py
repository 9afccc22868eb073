"""SIGTERM while `launchready plan` runs: the policy pack it started is stopped too, not left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"pulumi.policy" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_the_policy_pack_too(repo_root: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDFLARE_", "PULUMI_"))}
    proc = subprocess.Popen([sys.executable, "-m", "launchready", "plan", "--stack", "prod", "--json"],
                            cwd=repo_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        pack: list[int] = []
        while not pack and proc.poll() is None and time.monotonic() < deadline:
            pack = _children(proc.pid)
            time.sleep(0.005)
        assert pack, "the plan ended before its policy pack was seen"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, err[-2000:]
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pack) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(p) for p in pack)
