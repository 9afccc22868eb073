"""Fixtures for the load tests: a loopback server with known latencies, and a project with a staging stack
whose route-class thresholds the test chooses (written the way a user edits Pulumi.staging.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.load.server import Handler, LoopbackServer


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Handler]], LoopbackServer]]:
    servers: list[LoopbackServer] = []

    def start(routes: dict[str, Handler]) -> LoopbackServer:
        server = LoopbackServer(routes).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def project(repo_root: Path, tmp_path: Path) -> Callable[..., Path]:
    """A copy of the project's Pulumi.yaml and staging/prod stack files in tmp_path; `monitoring` keys
    given are merged into launchready:monitoring of the staging stack."""

    def make(**monitoring: Any) -> Path:
        (tmp_path / "Pulumi.yaml").write_text((repo_root / "Pulumi.yaml").read_text())
        (tmp_path / "Pulumi.prod.yaml").write_text((repo_root / "Pulumi.prod.yaml").read_text())
        doc = yaml.safe_load((repo_root / "Pulumi.staging.yaml").read_text())
        doc["config"]["launchready:monitoring"].update(monitoring)
        (tmp_path / "Pulumi.staging.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        return tmp_path

    return make


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (what an HDR histogram reports), in the unit of the values."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]
