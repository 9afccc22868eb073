"""The rate-limit probe against loopback servers: one that starts answering 429 after N requests, one that
never does, one that answers with a Cloudflare challenge; hosts the stack does not declare are refused."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from components.config import RateLimit
from launchready.cli import main
from launchready.ratelimit.probe import probe_rule
from tests.load.server import Handler, LoopbackServer, fixed

Reply = tuple[float, int, dict[str, str], bytes]


def limit_after(n: int, limited: Reply = (0.0, 429, {"Retry-After": "60"}, b"rate limited")) -> Handler:
    seen = {"n": 0}

    def handler(method: str, target: str, h: dict[str, str], body: bytes) -> Reply:
        seen["n"] += 1
        return limited if seen["n"] > n else (0.001, 200, {}, b"<form>Sign in</form>")

    return handler


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Handler]], LoopbackServer]]:
    servers: list[LoopbackServer] = []

    def start(routes: dict[str, Handler]) -> LoopbackServer:
        servers.append(LoopbackServer(routes).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def project(repo_root: Path, tmp_path: Path) -> Callable[..., Path]:
    """The example project with the staging stack's waf.rateLimits (and zone plan) replaced, as a user would
    edit them."""

    def make(rate_limits: list[dict[str, Any]], plan: str = "pro") -> Path:
        (tmp_path / "Pulumi.yaml").write_text((repo_root / "Pulumi.yaml").read_text())
        doc = yaml.safe_load((repo_root / "Pulumi.staging.yaml").read_text())
        doc["config"]["launchready:waf"]["rateLimits"] = rate_limits
        doc["config"]["launchready:zone"]["plan"] = plan
        (tmp_path / "Pulumi.staging.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        return tmp_path

    return make


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["ratelimit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_limit_that_answers_429_after_its_threshold_passes(
        serve: Callable[[dict[str, Handler]], LoopbackServer], repo_root: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    server = serve({"/login": limit_after(10)})  # staging: login, 10 per 60 s, block
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--base-url", server.url, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["passed"] is True
    (rule,) = doc["rules"]
    assert (rule["sent"], rule["limitedAt"], rule["statuses"]) == (11, 11, {"200": 10, "429": 1})
    assert "now limited on /login for up to 600s" in rule["notes"][0]
    # every request named the stack's canonical host, whatever the connection's address
    assert {h["host"] for _, _, h in server.requests} == {"fanloom-staging.net"}
    assert [m for m, _, _ in server.requests] == ["GET"] * 11


def test_a_limit_that_never_answers_fails_naming_the_rule(
        serve: Callable[[dict[str, Handler]], LoopbackServer], repo_root: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    server = serve({"/login": fixed(0.001)})
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--base-url", server.url,
                       "--host", "app")
    assert code == 1
    assert "✗ login: GET https://app.fanloom-staging.net/login (10 per 60s, block): sent 11, never limited" in out
    assert "none was answered with 429" in out and "FAILED: login" in out
    assert len(server.requests) == 11  # threshold + 1, no more
    assert {h["host"] for _, _, h in server.requests} == {"app.fanloom-staging.net"}


def test_a_managed_challenge_limit_expects_a_challenge_and_posts_to_its_method(
        serve: Callable[[dict[str, Handler]], LoopbackServer], project: Callable[..., Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    challenge: Reply = (0.0, 403, {"cf-mitigated": "challenge"}, b"<title>Just a moment...</title>")
    server = serve({"/password/reset": limit_after(3, challenge), "/login": limit_after(5)})
    root = project([
        {"name": "password_reset", "path": "/password/reset", "methods": ["POST"], "requestsPerPeriod": 3,
         "periodSeconds": 60, "action": "managed_challenge"},
        {"name": "login", "path": "/login", "requestsPerPeriod": 5, "periodSeconds": 60},
    ], plan="business")  # matching on the method needs the Business plan
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(root), "--base-url", server.url, "--json")
    doc = json.loads(out)
    assert code == 0, doc
    reset, login = doc["rules"]
    assert reset["method"] == "POST" and reset["limitedAt"] == 4 and reset["statuses"] == {"200": 3, "403": 1}
    assert login["limitedAt"] == 6
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(root), "--base-url", server.url,
                       "--rule", "login", "--json")
    # the server still limits this address: the probe passes and says the count started earlier
    assert code == 0 and json.loads(out)["rules"][0]["limitedAt"] == 1
    assert "before the threshold of 5" in json.loads(out)["rules"][0]["notes"][0]


def test_a_block_limit_answering_403_is_not_mistaken_for_429(
        serve: Callable[[dict[str, Handler]], LoopbackServer], repo_root: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    server = serve({"/login": limit_after(10, (0.0, 403, {}, b"forbidden"))})
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--base-url", server.url, "--json")
    assert code == 1 and json.loads(out)["rules"][0]["statuses"] == {"200": 10, "403": 1}


def test_the_probe_stays_within_the_rules_period() -> None:
    server = LoopbackServer({"/slow": fixed(0.4)}).start()
    try:
        rule = RateLimit(name="slow", path="/slow", requests_per_period=10, period_seconds=1)
        started = time.monotonic()
        with httpx.Client() as client:
            result = probe_rule(client, rule, "fanloom-staging.net", server.url, timeout=5)
        assert time.monotonic() - started < 1.5
        assert result.sent < 11 and not result.passed
        assert result.problems()[0].startswith("inconclusive: only")
    finally:
        server.stop()


@pytest.mark.parametrize(("argv", "expected"), [
    (("--host", "evil.example.com"), "--host 'evil.example.com': not a hostname of the stack"),
    (("--rule", "signup"), "--rule 'signup': not a rate limit of the stack (declared: login)"),
    (("--host", "sk_" + "live_QA123CANARY456"), "--host (a value that looks like a credential, not shown)"),
    (("--base-url", "http://127.0.0.1:9/login"), "give an origin"),
])
def test_hosts_and_rules_the_stack_does_not_declare_are_refused(
        repo_root: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], expected: str) -> None:
    code, out, err = run(capsys, "--stack", "staging", "--root", str(repo_root), *argv)
    assert code == 2 and out == "" and expected in err


def test_prod_needs_yes_and_a_rule_too_large_to_probe_is_refused(
        repo_root: Path, project: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--stack", "prod", "--root", str(repo_root))
    assert code == 2 and "stack prod is prod" in err and "/login, /password/reset" in err
    root = project([{"name": "api", "path": "/api", "requestsPerPeriod": 5000, "periodSeconds": 60}])
    code, _, err = run(capsys, "--stack", "staging", "--root", str(root))
    assert code == 2 and "allows 5000 requests per period; the probe sends at most 500" in err
    root = project([])
    code, _, err = run(capsys, "--stack", "staging", "--root", str(root))
    assert code == 2 and "declares no rate limits" in err


def test_a_host_that_does_not_answer_is_inconclusive_not_never_limited(repo_root: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--base-url",
                       f"http://127.0.0.1:{port}", "--json")
    (rule,) = json.loads(out)["rules"]
    assert code == 1 and rule["errors"] == {"ConnectError": 11}
    assert rule["problems"] == ["inconclusive: no request got an answer (ConnectError x11); check the address and "
                                "the network"]
