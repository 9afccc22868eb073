"""The ranked risk list (text, --json risks[], --markdown) and --sarif, and verify's bad-input handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchready.cli import main
from launchready.probe.model import Report, fail, passed, warn
from launchready.probe.render import render_markdown, render_text
from launchready.probe.risks import LAUNCH_ORDER, rank_risks
from launchready.probe.sarif import report_sarif
from tests.fixtures.site import DOMAIN
from tests.fixtures.stackfiles import write_stack
from tests.fixtures.web import Page
from tests.verify.test_cli import args, run_json

SAMPLE = Report([
    warn("web.headers", "app.example.test", "no Referrer-Policy"),
    fail("web.cors", "api.example.test", "echoes any Origin with credentials"),
    fail("email.dmarc", "example.test", "DMARC missing"),
    fail("tls.certificate", "example.test", "certificate rejected"),
    passed("dns.records", "example.test", "ok"),
    fail("http.hsts", "example.test", "no HSTS"),
])


def test_every_check_id_has_an_impact_and_a_fix() -> None:
    from launchready.probe.model import VERIFY_CHECK_IDS
    from launchready.smoke.checks import SMOKE_CHECK_IDS

    assert set(VERIFY_CHECK_IDS) | set(SMOKE_CHECK_IDS) <= set(LAUNCH_ORDER)


def test_failures_rank_by_business_impact_then_warnings() -> None:
    risks = rank_risks(SAMPLE.checks)
    assert [r["check"] for r in risks] == ["tls.certificate", "email.dmarc", "web.cors", "http.hsts", "web.headers"]
    assert [r["impact"] for r in risks] == ["reach", "mail", "exposure", "defence", "defence"]
    assert [r["rank"] for r in risks] == [1, 2, 3, 4, 5] and all(r["fix"] for r in risks)


def test_text_ends_with_the_risks_and_markdown_has_both_tables() -> None:
    text = render_text(SAMPLE)
    assert text.index("Risks, most costly first") > text.index("PASS  dns.records")
    assert "users cannot reach the app or log in (fails):" in text and "fix: " in text
    md = render_markdown(SAMPLE)
    assert "### Risks, most costly first" in md and "### Checks" in md
    assert "| 1 | users cannot reach the app or log in | fail | `tls.certificate` |" in md


def test_sarif_is_2_1_0_with_one_rule_per_flagged_check() -> None:
    doc = report_sarif(SAMPLE, tool="launchready verify", artifact=Path("Pulumi.prod.yaml"))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert sorted(rules) == sorted({"web.headers", "web.cors", "email.dmarc", "tls.certificate", "http.hsts"})
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["web.cors"] == "error" and levels["web.headers"] == "warning"
    location = run["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.prod.yaml"
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_the_cli_writes_sarif_and_json_risks_for_a_broken_site(dns_server, web, tmp_path, capsys) -> None:
    web.routes[("https", f"api.{DOMAIN}", "*")] = Page(
        200, headers={"Access-Control-Allow-Origin": "https://launchready-cors-probe.invalid",
                      "Access-Control-Allow-Credentials": "true"}, body="{}")
    sarif = tmp_path / "verify.sarif"
    code, doc = run_json(args(dns_server, web, DOMAIN, "--sarif", str(sarif)), capsys)
    assert code == 1
    risk = next(r for r in doc["risks"] if r["check"] == "web.cors")
    assert risk["status"] == "fail" and risk["impact"] == "exposure" and risk["target"] == f"api.{DOMAIN}"
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert any(r["ruleId"] == "web.cors" and r["level"] == "error" for r in results)


def test_markdown_from_the_cli(dns_server, web, capsys) -> None:
    argv = [a for a in args(dns_server, web, DOMAIN) if a != "--json"] + ["--markdown"]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("## `verify`: ok")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--json", "--markdown"], "give --json or --markdown, not both"),
        (["--sarif", "/nonexistent-dir/x.sarif"], "does not exist"),
    ],
)
def test_bad_output_options_exit_2(extra: list[str], message: str, capsys) -> None:
    assert main(["verify", DOMAIN, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile team]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(var, raising=False)


def test_a_missing_aws_profile_is_a_usage_error(aws_files, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nosuchprofile")
    write_stack(tmp_path)
    assert main(["verify", "--stack", "launch", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "AWS_PROFILE=nosuchprofile" in err and "team" in err and "Traceback" not in err


@pytest.mark.parametrize("region", ["eu west 1", "EU-WEST-1x", "mars-1"])
def test_a_malformed_aws_region_is_a_usage_error(aws_files, tmp_path, monkeypatch, region, capsys) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    write_stack(tmp_path, **{"aws:region": region})
    assert main(["verify", "--stack", "launch", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "aws:region" in err and "not an AWS region" in err and "Traceback" not in err
