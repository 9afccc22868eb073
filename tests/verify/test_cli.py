"""`launchready verify` end to end: the JSON contract, exit codes, usage errors, --stack mode."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from launchready.cli import main
from launchready.probe.model import VERIFY_CHECK_IDS, Status
from launchready.probe.resolver import parse_nameserver
from launchready.stackfile import load_stack_config
from launchready.verify.engine import VerifyOptions, verify
from launchready.verify.expectations import for_stack
from tests.fixtures.dnsserver import RunningDns
from tests.fixtures.site import DOMAIN
from tests.fixtures.stackfiles import write_stack
from tests.fixtures.web import Page, RunningWeb
from tests.verify.test_ses import identity, stubbed


def args(dns: RunningDns, web: RunningWeb, *extra: str) -> list[str]:
    return [
        "verify",
        "--json",
        "--nameserver",
        dns.nameserver,
        "--http-port",
        str(web.http_port),
        "--https-port",
        str(web.https_port),
        "--ca-bundle",
        str(web.ca_file),
        "--timeout",
        "2",
        *extra,
    ]


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


pytestmark = pytest.mark.usefixtures("no_aws_credentials")


def test_a_launch_ready_domain_exits_0_with_the_json_contract(dns_server, web, capsys) -> None:
    code, doc = run_json(args(dns_server, web, DOMAIN, "--dkim-selector", "sel1", "--mail-from", "mail"), capsys)
    failed = [c for c in doc["checks"] if c["status"] == "fail"]
    assert code == 0, failed
    assert set(doc) == {"checks", "summary", "risks"}  # risks[] extends the contract (issue 14)
    assert all(set(c) == {"id", "target", "status", "summary", "details"} for c in doc["checks"])
    ids = {c["id"] for c in doc["checks"]}
    # SES, legacy redirects and the login's cookies need a stack; no staging.<domain> resolves here
    assert ids == set(VERIFY_CHECK_IDS) - {"email.ses", "redirect.legacy", "web.cookies", "web.noindex"}
    assert doc["summary"]["fail"] == 0
    assert doc["summary"]["pass"] + doc["summary"]["warn"] == len(doc["checks"])


def test_a_broken_site_exits_1(dns_server, web, capsys) -> None:
    web.routes[("http", DOMAIN, "*")] = Page(200)
    code, doc = run_json(args(dns_server, web, DOMAIN), capsys)
    assert code == 1
    assert any(c["id"] == "redirect.https" and c["status"] == "fail" for c in doc["checks"])


def test_a_dead_nameserver_fails_every_check_quickly_and_never_hangs(dead_dns, web, capsys) -> None:
    started = time.monotonic()
    code, doc = run_json(args(dead_dns, web, DOMAIN, "--timeout", "0.3"), capsys)
    assert time.monotonic() - started < 5
    assert code == 1
    dns_checks = [c for c in doc["checks"] if c["id"] in ("dns.records", "dns.caa", "email.spf", "email.dmarc")]
    assert dns_checks and all(c["status"] == "fail" and "DNS timeout" in c["summary"] for c in dns_checks)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["verify", "--nameserver", "dns.google", "example.com"], "not an IP address"),
        (["verify", "--nameserver", "1.1.1.1:99999", "example.com"], "port must be a number"),
        (["verify", "--timeout", "0", "example.com"], "more than 0"),
        (["verify", "https://example.com"], "not a domain name"),
        (["verify"], "give either --stack NAME or one or more domains"),
        (["verify", "--stack", "nosuchstack"], "no stack file Pulumi.nosuchstack.yaml"),
        (["verify", "--ca-bundle", "/nonexistent.pem", "example.com"], "no such file"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_bad_stack_config_exits_2_naming_the_key(tmp_path: Path, capsys) -> None:
    write_stack(tmp_path, **{"launchready:tls": {"hsts": {"maxAgeSeconds": 60}}})
    assert main(["verify", "--stack", "launch", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "launchready:tls.hsts.maxAgeSeconds" in err and "Traceback" not in err


def test_stack_mode_without_aws_credentials_passes_with_ses_as_a_warning(dns_server, web, tmp_path, capsys) -> None:
    write_stack(tmp_path)
    code, doc = run_json(args(dns_server, web, "--stack", "launch", "--root", str(tmp_path)), capsys)
    assert code == 0, [c for c in doc["checks"] if c["status"] == "fail"]
    assert doc["stackFile"] == str(tmp_path / "Pulumi.launch.yaml") and doc["root"] == str(tmp_path)
    by_id = {}
    for c in doc["checks"]:
        by_id.setdefault(c["id"], []).append(c)
    assert by_id["email.ses"][0]["status"] == "warn" and "no AWS credentials" in by_id["email.ses"][0]["summary"]
    assert by_id["email.dkim"][0]["status"] == "warn"  # no selector and no SES tokens
    hosts = {c["target"] for c in by_id["tls.certificate"]}
    assert hosts == {DOMAIN, f"www.{DOMAIN}", f"app.{DOMAIN}", f"api.{DOMAIN}", f"admin.{DOMAIN}"}
    assert {c["target"] for c in by_id["dns.records"]} == hosts


def test_stack_mode_takes_dkim_tokens_from_ses(dns_server, web, tmp_path) -> None:
    write_stack(tmp_path)
    cfg = load_stack_config("launch", tmp_path)
    factory, stub = stubbed(identity())
    options = VerifyOptions(
        [parse_nameserver(dns_server.nameserver)], 2.0, web.http_port, web.https_port, str(web.ca_file), factory
    )
    report = verify([for_stack(cfg)], options)
    stub.assert_no_pending_responses()
    by_id = {c.id: c for c in report.checks if c.target == DOMAIN or c.id.startswith("email")}
    assert by_id["email.ses"].status is Status.passed
    assert by_id["email.dkim"].status is Status.passed
    assert [s["selector"] for s in by_id["email.dkim"].details["selectors"]] == ["tok1", "tok2", "tok3"]
    assert not report.failed


def test_stack_mode_catches_what_differs_from_the_config(dns_server, web, tmp_path, capsys) -> None:
    write_stack(tmp_path, **{"launchready:redirects": {"canonical": "www"}})
    web.routes[("https", DOMAIN, "*")] = Page(200, headers={"Strict-Transport-Security": "max-age=600"})
    code, doc = run_json(args(dns_server, web, "--stack", "launch", "--root", str(tmp_path)), capsys)
    assert code == 1
    failed = {(c["id"], c["target"]) for c in doc["checks"] if c["status"] == "fail"}
    assert ("redirect.canonical", DOMAIN) in failed
    assert ("http.hsts", DOMAIN) in failed


def test_a_staging_stack_must_not_be_indexable(dns_server, web, tmp_path, capsys) -> None:
    write_stack(tmp_path, name="staging", **{"launchready:environment": "staging"})
    argv = args(dns_server, web, "--stack", "staging", "--root", str(tmp_path))
    code, doc = run_json(argv, capsys)
    noindex = {c["target"]: c["status"] for c in doc["checks"] if c["id"] == "web.noindex"}
    assert code == 1 and noindex[DOMAIN] == "fail" and noindex[f"admin.{DOMAIN}"] == "pass"  # admin: Access
    for key, page in list(web.routes.items()):
        if key[0] == "https" and page.status == 200:
            web.routes[key] = dataclasses.replace(page, headers={**page.headers, "X-Robots-Tag": "noindex"})
    code, doc = run_json(argv, capsys)
    assert {c["status"] for c in doc["checks"] if c["id"] == "web.noindex"} == {"pass"}
