"""`launchready verify` as a user runs it (its own process) ends within the bound its --help states,
RUN_BOUND_TIMEOUTS x --timeout counted from the start of the process, against servers that accept TCP
connections and never answer: the checks still running at the deadline are stopped and fail as timed out."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchready.verify.engine import RUN_BOUND_TIMEOUTS
from tests.fixtures.dnsserver import serve_dns

REPO = Path(__file__).resolve().parents[2]
ZONE = """$ORIGIN stall.test.
$TTL 60
@ IN SOA ns1 hostmaster 1 3600 600 86400 60
@ IN NS ns1
ns1 IN A 127.0.0.1
@ IN A 127.0.0.1
www IN A 127.0.0.1
app IN A 127.0.0.1
api IN A 127.0.0.1
admin IN A 127.0.0.1
"""


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A TCP port on loopback that accepts every connection and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0), backlog=256)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def test_the_command_ends_within_its_stated_bound_against_a_server_that_never_answers(
        silent_listener: int, tmp_path: Path) -> None:
    timeout = 0.75
    bound = RUN_BOUND_TIMEOUTS * timeout
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(REPO), AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true")
    with serve_dns(ZONE) as dns:
        argv = [sys.executable, "-m", "launchready", "verify", "stall.test", "--json", "--timeout", str(timeout),
                "--nameserver", dns.nameserver, "--http-port", str(silent_listener),
                "--https-port", str(silent_listener)]
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    checks = json.loads(done.stdout)["checks"]
    stopped = [c for c in checks if f"not finished within the run's bound of {bound:g}s" in c["summary"]]
    assert stopped and all(c["status"] == "fail" for c in stopped), (f"{elapsed:.2f}s", [c["summary"] for c in checks])
    # the stated bound, start-up included (the old deadline counted from after start-up: ~bound + 0.7 s);
    # 0.3 s of slack for a loaded CI machine's process exit, still below the old overrun
    assert elapsed < bound + 0.3, f"{elapsed:.2f}s"
