"""`launchready smoke`: endpoints over valid TLS with the right redirects, login-like, in time; bursts."""

from __future__ import annotations

import asyncio
import json
import math
import time
from pathlib import Path

import pytest

from launchready.cli import main
from launchready.probe.model import Status
from launchready.probe.resolver import Resolver, parse_nameserver
from launchready.probe.web import Web, client_context
from launchready.smoke.checks import Endpoint, burst, run_bound
from tests.fixtures.dnsserver import RunningDns
from tests.fixtures.site import DOMAIN, HSTS_YEAR
from tests.fixtures.stackfiles import write_stack
from tests.fixtures.web import Page, RunningWeb, closed_port

LOGIN_FORM = '<form method="post"><input name="email"><input type="password" name="pw"></form>'


def site(web: RunningWeb, login: Page | None = None, api: Page | None = None) -> None:
    hsts = {"Strict-Transport-Security": HSTS_YEAR}
    web.routes[("https", f"app.{DOMAIN}", "/login")] = login or Page(200, headers=hsts, body=f"Sign in {LOGIN_FORM}")
    web.routes[("https", f"api.{DOMAIN}", "/healthz")] = api or Page(200, headers=hsts, body='{"status":"ok"}')


def smoke(dns: RunningDns, web: RunningWeb, root: Path, capsys, *extra: str) -> tuple[int, dict]:
    argv = [
        "smoke",
        "--json",
        "--nameserver",
        dns.nameserver,
        "--https-port",
        str(web.https_port),
        "--ca-bundle",
        str(web.ca_file),
        "--timeout",
        "2",
        *extra,
    ]
    if "--url" not in extra:
        argv += ["--stack", "launch", "--root", str(root)]
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_stack(tmp_path)


def statuses(doc: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in doc["checks"]}


def test_a_healthy_deploy_passes_with_a_burst(dns_server, web, root, capsys) -> None:
    site(web)
    code, doc = smoke(dns_server, web, root, capsys, "--burst", "20", "--concurrency", "5")
    assert code == 0, [(c["id"], c["summary"]) for c in doc["checks"] if c["status"] != "pass"]
    assert doc["stackFile"] == str(root / "Pulumi.launch.yaml") and doc["risks"] == []
    assert statuses(doc) == {
        "smoke.homepage": "pass",
        "smoke.login": "pass",
        "smoke.api_health": "pass",
        "smoke.burst": "pass",
    }
    bursts = [c for c in doc["checks"] if c["id"] == "smoke.burst"]
    assert len(bursts) == 3
    assert all(b["details"]["requests"] == 20 and b["details"]["p95_ms"] >= b["details"]["p50_ms"] for b in bursts)


def test_a_login_page_without_a_form_or_text_fails(dns_server, web, root, capsys) -> None:
    site(web, login=Page(200, body="<h1>Oops</h1>"))
    code, doc = smoke(dns_server, web, root, capsys)
    assert code == 1 and statuses(doc)["smoke.login"] == "fail"
    assert "does not respond like a login" in next(c for c in doc["checks"] if c["id"] == "smoke.login")["summary"]


def test_an_unhealthy_api_and_missing_text_fail(dns_server, web, root, capsys) -> None:
    site(web, api=Page(503, body='{"status":"down"}'))
    web.routes[("https", DOMAIN, "*")] = Page(200, body="a blank page")
    code, doc = smoke(dns_server, web, root, capsys)
    assert code == 1
    assert statuses(doc)["smoke.api_health"] == "fail" and statuses(doc)["smoke.homepage"] == "fail"


def test_a_slow_endpoint_warns_and_a_slow_burst_fails(dns_server, web, root, capsys) -> None:
    site(web, api=Page(200, body='{"status":"ok"}', delay=0.06))
    code, doc = smoke(
        dns_server,
        web,
        root,
        capsys,
        "--url",
        f"https://api.{DOMAIN}/healthz",
        "--p95-ms",
        "20",
        "--burst",
        "5",
        "--concurrency",
        "5",
    )
    assert code == 1
    assert statuses(doc) == {"smoke.url": "warn", "smoke.burst": "fail"}


def test_a_bad_certificate_or_a_redirect_loop_fails(dns_server, web, root, capsys) -> None:
    web.routes[("https", f"expired.{DOMAIN}", "*")] = Page(200)
    web.routes[("https", f"app.{DOMAIN}", "/loop")] = Page(302, f"https://app.{DOMAIN}/loop")
    code, doc = smoke(
        dns_server, web, root, capsys, "--url", f"https://expired.{DOMAIN}/", "--url", f"https://app.{DOMAIN}/loop"
    )
    assert code == 1
    summaries = " | ".join(c["summary"] for c in doc["checks"])
    assert "certificate has expired" in summaries and "redirect loop" in summaries


def test_a_redirect_to_plain_http_fails(dns_server, web, root, capsys) -> None:
    web.routes[("https", f"app.{DOMAIN}", "/old")] = Page(301, f"http://app.{DOMAIN}/plain")
    web.routes[("http", f"app.{DOMAIN}", "/plain")] = Page(200, body="plain")
    code, doc = smoke(
        dns_server, web, root, capsys, "--url", f"https://app.{DOMAIN}/old", "--http-port", str(web.http_port)
    )
    assert code == 1 and "not HTTPS" in doc["checks"][0]["summary"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["smoke"], "give either --stack NAME or one or more --url"),
        (["smoke", "--url", "http://example.com/"], "give an https:// URL"),
        (["smoke", "--url", "https://example.com/", "--burst", "5000"], "--burst must be a whole number from 0 to 500"),
        (["smoke", "--url", "https://example.com/", "--concurrency", "0"], "--concurrency must be"),
    ],
)
def test_smoke_usage_errors_exit_2(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err



def burst_web(dns: RunningDns, web: RunningWeb, timeout: float):
    resolver = Resolver([parse_nameserver(dns.nameserver)], timeout)
    return Web(resolver, timeout=timeout, https_port=web.https_port, ssl_context=client_context(str(web.ca_file)))


def test_a_burst_where_every_request_fails_is_a_failure_not_a_key_error(dns_server, web) -> None:
    ep = Endpoint("smoke.url", f"https://api.{DOMAIN}/healthz", None, 500)

    async def go():
        with closed_port() as port:
            async with burst_web(dns_server, web, 1.0) as client:
                return await burst(client, ep, f"https://api.{DOMAIN}:{port}/healthz", 6, 3, 0.0, 5.0)

    result = asyncio.run(go())
    assert result.status is Status.fail and "6 of 6 requests failed" in result.summary
    assert "p95_ms" not in result.details and result.details["errors"] == 6


def test_a_slow_burst_ends_within_its_bound(dns_server, web) -> None:
    web.routes[("https", f"api.{DOMAIN}", "/slow")] = Page(200, body="ok", delay=1.0)
    ep = Endpoint("smoke.url", f"https://api.{DOMAIN}/slow", None, 500)
    timeout, count, concurrency = 0.3, 6, 2
    budget = timeout * (math.ceil(count / concurrency) + 1)

    async def go():
        async with burst_web(dns_server, web, timeout) as client:
            return await burst(client, ep, ep.url, count, concurrency, 0.0, budget)

    started = time.monotonic()
    result = asyncio.run(go())
    assert time.monotonic() - started < budget + 10  # a hang guard: a loaded 2-core CI box is slow
    assert result.status is Status.fail and result.details["errors"] == count


def test_the_run_bound_follows_timeout_and_burst_and_is_in_the_help(capsys) -> None:
    assert run_bound(5.0, 0, 5) == 20.0
    assert run_bound(5.0, 50, 5) == 5.0 * (4 + 10 + 1)
    assert main(["smoke", "--help"]) == 0
    assert "whole run ends within" in " ".join(capsys.readouterr().out.split())


def test_a_slow_endpoint_fails_within_the_bound_instead_of_hanging(dns_server, web, root, capsys) -> None:
    web.routes[("https", f"api.{DOMAIN}", "/stuck")] = Page(200, body="ok", delay=3.0)
    started = time.monotonic()
    code, doc = smoke(dns_server, web, root, capsys, "--url", f"https://api.{DOMAIN}/stuck", "--timeout", "0.4",
                      "--burst", "10", "--concurrency", "2")
    assert time.monotonic() - started < run_bound(0.4, 10, 2) + 10  # a hang guard, not a benchmark
    assert code == 1 and doc["checks"][0]["status"] == "fail"


CANARY = "sk_live_QA123CANARY456"  # pragma: allowlist secret


@pytest.mark.parametrize("output", ["--json", "text"])
def test_credentials_in_a_given_url_are_never_printed(dns_server, web, root, capsys, output) -> None:
    web.routes[("https", f"app.{DOMAIN}", "/broken")] = Page(500, body="oops")
    given = [f"https://deploy:{CANARY}@app.{DOMAIN}/broken?page=2&token=QA123CANARYtok789",
             f"https://app.{DOMAIN}/broken?sig=QA123CANARYsig789&v={CANARY}#access_token=QA123CANARYfrag789"]
    argv = ["smoke", "--nameserver", dns_server.nameserver, "--https-port", str(web.https_port),
            "--ca-bundle", str(web.ca_file), "--timeout", "2", "--url", given[0], "--url", given[1]]
    code = main(argv + ([output] if output == "--json" else []))
    out = capsys.readouterr()
    assert code == 1
    assert "QA123CANARY" not in out.out + out.err
    shown = f"https://***@app.{DOMAIN}/broken?page=2&token=***"
    if output == "--json":
        doc = json.loads(out.out)
        assert {c["target"] for c in doc["checks"]} == {
            shown, f"https://app.{DOMAIN}/broken?sig=***&v=***#access_token=***"}
        assert doc["risks"] and all("***" in r["target"] for r in doc["risks"])
    else:
        assert any(line.startswith("FAIL") and shown in line for line in out.out.splitlines())


def test_a_usage_error_does_not_echo_the_url_password(capsys) -> None:
    assert main(["smoke", "--url", f"http://deploy:{CANARY}@example.com/"]) == 2
    err = capsys.readouterr().err
    assert "give an https:// URL" in err and CANARY not in err and "http://***@example.com/" in err
