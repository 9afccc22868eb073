"""Every command, in-process, on a project whose stack files a test rewrites: loopback only, bounded.

The project root holds the example stacks and links to the program and the pack; DNS goes to a loopback UDP
socket that never answers, AWS to a closed loopback port with one attempt, so network commands fail fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from launchready.cli import main

#: Seconds each command may take on one stack file: a hang guard, generous for a shared 2-core box (their own
#: bounds are far lower: verify ends within 6 x --timeout, smoke within 4 x, i.e. 1.2 s and 0.8 s here).
BOUNDS = {"plan": 30.0, "handover": 30.0, "verify": 10.0, "smoke": 10.0, "report": 10.0, "drill": 10.0,
          "ratelimit": 10.0}
NETWORK_TIMEOUT = "0.2"


@dataclass(frozen=True)
class Run:
    command: str
    code: int | str
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass(frozen=True)
class Project:
    root: Path
    dns_port: int

    def write(self, stack: str, text: str | bytes) -> None:
        path = self.root / f"Pulumi.{stack}.yaml"
        path.write_bytes(text.encode() if isinstance(text, str) else text)

    def argv(self, command: str, stack: str) -> list[str]:
        base = [command, "--stack", stack, "--root", str(self.root)]
        dns = ["--nameserver", f"127.0.0.1:{self.dns_port}", "--timeout", NETWORK_TIMEOUT]
        extra = {
            "plan": ["--no-policies"],
            "verify": dns,
            "smoke": dns,
            "report": ["--timeout", "1"],
            "drill": ["--endpoint-url", "http://127.0.0.1:9"],
            "ratelimit": ["--base-url", "http://127.0.0.1:9", "--timeout", NETWORK_TIMEOUT],
        }
        return base + extra.get(command, [])

    def run(self, command: str, stack: str) -> Run:
        # Each CLI run is a fresh process for real; in-process, a command that used asyncio.run() leaves no
        # current loop behind, which the Pulumi runtime of the next plan expects.
        asyncio.set_event_loop(asyncio.new_event_loop())
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code: int | str = main(self.argv(command, stack))
            except SystemExit as exc:
                code = f"SystemExit({exc.code})"
            except BaseException as exc:  # what escapes is the finding
                code = f"raised {type(exc).__name__}"
        return Run(command, code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("badinput")
    for name in ("Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"):
        shutil.copy(repo_root / name, root / name)
    for name in ("__main__.py", "components", "policies"):
        (root / name).symlink_to(repo_root / name)
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(root / "no-aws-config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(root / "no-aws-credentials")}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("AWS_PROFILE", raising=False)
        yield Project(root, silent.getsockname()[1])
    silent.close()


def assert_well_behaved(run: Run, canaries: tuple[str, ...] = ()) -> None:
    """Within its bound, exit 0/1/2, no traceback, no planted value."""
    assert run.code in (0, 1, 2), f"{run.command}: {run.code}\n{run.err[-2000:]}"
    assert run.seconds < BOUNDS[run.command], f"{run.command} took {run.seconds:.1f} s"
    assert "Traceback" not in run.text, f"{run.command}:\n{run.text[-3000:]}"
    for canary in canaries:
        assert canary not in run.text, f"{run.command} printed a planted value:\n{run.text[-3000:]}"
