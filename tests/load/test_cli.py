"""`launchready load` end to end: the example scenario of the five flows against a loopback app that checks
what a real app would (the password, the session cookie, the CSRF header, the created record's id), the JSON
contract, the exit codes, and bad input refused with the key named and nothing secret printed."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

from launchready.cli import main
from tests.load.server import Handler, LoopbackServer, fixed

PASSWORD = "correct horse battery staple"
EMAIL = "loadtest@fanloom.io"
Reply = tuple[float, int, dict[str, str], bytes]


def app_routes(seen: dict[str, list[str]]) -> dict[str, Handler]:
    records: dict[str, str] = {}

    def authed(h: dict[str, str]) -> bool:
        return "session=s-123" in h.get("cookie", "")

    def session(method: str, target: str, h: dict[str, str], body: bytes) -> Reply:
        doc = json.loads(body)
        if method != "POST" or doc != {"email": EMAIL, "password": PASSWORD}:
            return 0.005, 401, {}, b'{"error":"bad credentials"}'
        return 0.005, 200, {"Set-Cookie": "session=s-123; Path=/; HttpOnly", "X-CSRF-Token": "t-9"}, b"{}"

    def me(method: str, target: str, h: dict[str, str], body: bytes) -> Reply:
        return (0.002, 200, {}, b'{"email":"x"}') if authed(h) else (0.002, 401, {}, b"")

    def create(method: str, target: str, h: dict[str, str], body: bytes) -> Reply:
        if not authed(h):
            return 0.002, 401, {}, b""
        seen.setdefault("csrf", []).append(h.get("x-csrf-token", ""))
        rid = f"r-{len(records) + 1}"
        records[rid] = json.loads(body)["title"]
        return 0.004, 201, {"Content-Type": "application/json"}, json.dumps({"data": {"id": rid}}).encode()

    def record(method: str, target: str, h: dict[str, str], body: bytes) -> Reply:
        rid = target.rsplit("/", 1)[-1]
        seen.setdefault("record ids", []).append(rid)
        ok = authed(h) and rid in records
        return 0.003, 200 if ok else 404, {}, b"{}"

    routes: dict[str, Handler] = {"/api/session": session, "/api/me": me, "/api/records": create,
                                  "/api/export": fixed(0.050, body=b"id,title\n"),
                                  "/api/invitations": fixed(0.004, 201)}
    routes.update({f"/api/records/r-{i}": record for i in range(1, 400)})
    return routes


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOADTEST_EMAIL", EMAIL)
    monkeypatch.setenv("LOADTEST_PASSWORD", PASSWORD)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["load", *argv])
    out, err = capsys.readouterr()
    return code, out, err


FAST = ("--rate", "25", "--ramp", "0", "--duration", "1")
#: thresholds no loaded test machine can breach, for the tests about everything but the thresholds
ROOMY = {"core": {"p95Ms": 30000}, "reports": {"p95Ms": 60000}}


def test_the_example_scenario_runs_all_five_flows_with_captured_values(
        serve: Callable[[dict[str, Handler]], LoopbackServer], project: Callable[..., Path], repo_root: Path,
        env: None, capsys: pytest.CaptureFixture[str]) -> None:
    seen: dict[str, list[str]] = {}
    server = serve(app_routes(seen))
    root = project(routeClasses=ROOMY)
    code, out, err = run(capsys, "--stack", "staging", "--root", str(root), "--scenario",
                         str(repo_root / "examples/load-scenario.yaml"), "--base-url", server.url, "--json", *FAST)
    doc = json.loads(out)
    assert code == 0, doc
    assert doc["passed"] is True and doc["failedFlows"] == []
    names = [f["name"] for f in doc["flows"]]
    assert names == ["login", "create record", "edit record", "export data", "invite user"]
    for flow in doc["flows"]:
        assert {"name", "route_class", "count", "errors", "p50_ms", "p95_ms", "p99_ms", "threshold_p95_ms",
                "passed"} <= set(flow)
        assert flow["count"] > 0 and flow["errors"] == 0, flow
    by_name = {f["name"]: f for f in doc["flows"]}
    # the thresholds are the stack's route classes
    assert by_name["export data"]["route_class"] == "reports" and by_name["export data"]["threshold_p95_ms"] == 60000
    assert by_name["login"]["threshold_p95_ms"] == 30000
    assert by_name["invite user"]["threshold_error_rate_percent"] == 1
    assert by_name["export data"]["steps"][1]["p50_ms"] >= 50  # the server's 50 ms are measured
    assert set(seen["csrf"]) >= {"t-9"}  # header captured from sign-in, sent on create
    assert all(rid.startswith("r-") for rid in seen["record ids"])  # JSON field captured, used in the path
    assert doc["stackFile"].endswith("Pulumi.staging.yaml")
    assert PASSWORD not in out + err


def test_a_breached_threshold_exits_1_and_names_the_flow(
        serve: Callable[[dict[str, Handler]], LoopbackServer], project: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    server = serve({"/api/export": fixed(0.120), "/": fixed(0.001)})
    root = project(routeClasses={"core": {"p95Ms": 30000}, "reports": {"p95Ms": 100}})
    scenario = tmp_path / "s.yaml"
    scenario.write_text("flows:\n  - name: export data\n    routeClass: reports\n    steps:\n"
                        "      - {name: export, path: /api/export}\n"
                        "  - name: homepage\n    routeClass: core\n    steps:\n      - {name: home, path: /}\n")
    code, out, err = run(capsys, "--stack", "staging", "--root", str(root), "--scenario", str(scenario),
                         "--base-url", server.url, *FAST)
    assert code == 1
    assert "load: threshold breached by export data" in err
    assert "✗ export data" in out and "✓ homepage" in out and "FAILED: p95" in out


def test_markdown_output_is_a_table_row_per_flow(
        serve: Callable[[dict[str, Handler]], LoopbackServer], project: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    server = serve({"/": fixed(0.001)})
    scenario = tmp_path / "s.yaml"
    scenario.write_text("flows:\n  - name: homepage\n    routeClass: core\n    steps: [{name: home, path: /}]\n")
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(project(routeClasses=ROOMY)), "--scenario",
                       str(scenario), "--base-url", server.url, "--markdown", *FAST)
    assert code == 0
    assert "| homepage | core |" in out and out.startswith("### Load test: stack `staging` (passed)")


def test_https_with_a_private_ca_needs_the_ca_bundle(project: Callable[..., Path], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    server = LoopbackServer({"/": fixed(0.001)}, tls=context).start()
    try:
        bundle = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        scenario = write(tmp_path, "flows:\n  - name: home\n    routeClass: core\n    steps: [{name: h, path: /}]\n")
        argv = ["--stack", "staging", "--root", str(project(routeClasses=ROOMY)), "--scenario", scenario,
                "--base-url", server.url, *FAST, "--json"]
        code, out, _ = run(capsys, *argv, "--ca-bundle", str(bundle))
        assert code == 0 and json.loads(out)["flows"][0]["errors"] == 0
        code, out, _ = run(capsys, *argv)
        assert code == 1 and set(json.loads(out)["flows"][0]["errorsByKind"]) == {"tls"}
        code, _, err = run(capsys, *argv, "--ca-bundle", str(tmp_path / "missing.pem"))
        assert code == 2 and "--ca-bundle" in err and "no such file" in err
    finally:
        server.stop()


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(("text", "expected"), [
    ("flows:\n  - name: login\n    routeClass: core\n    steps:\n      - name: in\n        method: POST\n"
     "        path: /login\n        json: {email: a@b.c, password: hunter2hunter2}\n",
     "flows[0].steps[0].json.password: a literal secret"),
    ("flows:\n  - name: x\n    routeClass: core\n    steps:\n      - name: s\n        path: /\n"
     "        headers: {Authorization: Bearer abcdef123456}\n",
     "flows[0].steps[0].headers.Authorization: a literal secret"),
    ("flows:\n  - name: x\n    routeClass: core\n    stepz: []\n", "flows[0].stepz: not a scenario key"),
    ("flows:\n  - name: x\n    routeClass: gold\n    steps: [{name: s, path: /}]\n",
     "flows[0].routeClass: 'gold' is not a route class of the stack"),
    ("flows:\n  - name: x\n    routeClass: core\n    steps: [{name: s, path: '/r/${id}'}]\n",
     "flows[0].steps[0].path: ${id} is neither a credential nor captured"),
    ("load: {rate: 5000}\nflows:\n  - name: x\n    routeClass: core\n    steps: [{name: s, path: /}]\n",
     "load.rate: Input should be less than or equal to 200"),
    ("flows:\n  - name: x\n   routeClass: core\n", "YAML syntax error"),
    ("flows:\n  - name: x\n    routeClass: core\n    steps: [{name: s, path: /, expect: 700}]\n",
     "flows[0].steps[0].expect: status codes are 100-599"),
    ("credentials:\n  password: {env: NOT_SET_ANYWHERE}\nflows:\n  - name: x\n    routeClass: core\n"
     "    steps: [{name: s, path: /, form: {password: '${password}'}}]\n",
     "credentials.password: the environment variable NOT_SET_ANYWHERE is not set"),
    ("flows:\n  - name: x\n    steps: [{name: s, path: /}]\n",
     "flows[0].routeClass: required key is missing: add routeClass: core|reports (a route class of the stack's"),
])
def test_bad_scenarios_exit_2_naming_the_key(project: Callable[..., Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str], text: str, expected: str) -> None:
    code, out, err = run(capsys, "--stack", "staging", "--root", str(project()), "--scenario",
                         write(tmp_path, text), "--base-url", "http://127.0.0.1:9")
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err
    assert "hunter2hunter2" not in err and "abcdef123456" not in err


@pytest.mark.parametrize(("argv", "expected"), [
    (("--rate", "1000"), "--rate: Input should be less than or equal to 200"),
    (("--duration", "2000"), "--duration: Input should be less than or equal to 900"),
    (("--max-in-flight", "5000"), "--max-in-flight: Input should be less than or equal to 200"),
    (("--base-url", "ftp://x/y"), "--base-url 'ftp://x/y': give an origin"),
    (("--base-url", "https://ops:hunter2hunter2@staging.example"), "--base-url: a URL with a user or password"),
])
def test_flags_past_the_caps_are_refused(project: Callable[..., Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                         expected: str) -> None:
    scenario = write(tmp_path, "flows:\n  - name: x\n    routeClass: core\n    steps: [{name: s, path: /}]\n")
    args: list[str] = ["--stack", "staging", "--root", str(project()), "--scenario", scenario, *argv]
    if "--base-url" not in argv:
        args += ["--base-url", "http://127.0.0.1:9"]
    code, _, err = run(capsys, *args)
    assert code == 2 and expected in err and "hunter2hunter2" not in err


def test_prod_is_refused_without_yes(project: Callable[..., Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "unused")
    scenario = write(tmp_path, "flows:\n  - name: x\n    routeClass: core\n    steps: [{name: s, path: /}]\n")
    code, out, err = run(capsys, "--stack", "prod", "--root", str(project()), "--scenario", scenario)
    assert code == 2 and out == ""
    assert "stack prod is prod" in err and "--yes" in err


def test_an_unknown_stack_and_a_missing_scenario_are_usage_errors(project: Callable[..., Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--stack", "qa", "--root", str(project()), "--scenario", "x.yaml")
    assert code == 2 and "Pulumi.qa.yaml" in err and "known stacks: prod, staging" in err
    code, _, err = run(capsys, "--stack", "staging", "--root", str(project()), "--scenario",
                       str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml" in err and "cannot read the file" in err


def test_following_the_literal_secret_fix_runs_with_the_key_from_the_environment(
        serve: Callable[[dict[str, Handler]], LoopbackServer], project: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    key = "QA123CANARYplainvalue"  # pragma: allowlist secret
    seen: list[str] = []

    def api(method: str, target: str, h: dict[str, str], body: bytes) -> Reply:
        seen.append(h.get("x-api-key", ""))
        return 0.001, 200 if h.get("x-api-key") == key else 401, {}, b"{}"

    server = serve({"/": api})
    root = str(project(routeClasses=ROOMY))
    step = ("flows:\n  - name: x\n    routeClass: core\n    steps:\n"
            "      - {{name: home, path: /, headers: {{X-Api-Key: '{v}'}}}}\n")
    code, _, err = run(capsys, "--stack", "staging", "--root", root, "--scenario",
                       write(tmp_path, step.format(v=key)), "--base-url", server.url, *FAST)
    assert code == 2 and key not in err
    fix = re.search(r"fix: add credentials: (\{\w+: \{env: (\w+)\}\}) and write \"(\$\{\w+\})\"", err)
    assert fix is not None, err
    credentials, variable, template = fix.groups()
    monkeypatch.setenv(variable, key)
    code, out, err = run(capsys, "--stack", "staging", "--root", root, "--scenario",
                         write(tmp_path, f"credentials: {credentials}\n" + step.format(v=template)),
                         "--base-url", server.url, *FAST)
    assert code == 0, err
    assert seen and set(seen) == {key} and key not in out + err
