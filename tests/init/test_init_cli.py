"""`launchready init` as a new user runs it: flags in, files out, then `launchready plan` on the result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from launchready.cli import main

EXAMPLE_COMPANY = "fanloom"

SHAPES: dict[str, tuple[list[str], str]] = {
    # name: (flags, the stack planned)
    "apex-only-free": (["--domain", "tinyshop.dev", "--host", "@=198.51.100.20", "--no-www", "--plan", "free",
                        "--staging-domain", "tinyshop-staging.dev", "--alert-email", "me@tinyshop.dev"], "prod"),
    "www-canonical-pro": (["--domain", "bakery.example.org", "--host", "www=bakery.pages.dev",
                           "--host", "@=bakery.pages.dev", "--canonical", "www", "--plan", "pro"], "staging"),
    "separate-staging-domain": (["--domain", "orbit.io", "--staging-domain", "orbit-test.net",
                                 "--host", "@=orbit-web.onrender.com", "--host", "app=orbit-app.fly.dev",
                                 "--host", "api=orbit-api.fly.dev", "--internal", "admin=orbit-admin.fly.dev",
                                 "--staging-host", "app=orbit-app-staging.fly.dev", "--access-email",
                                 "lead@orbit.io", "--session-cookie", "orbit_sid", "--secret", "stripe-key",
                                 "--zone-id", "a" * 32, "--staging-zone-id", "b" * 32, "--account-id", "c" * 32],
                                "staging"),
    "no-email-business": (["--domain", "quiet.app", "--host", "@=203.0.113.9", "--host", "app=203.0.113.10",
                           "--no-email", "--plan", "business", "--staging-plan", "free",
                           "--ses-region", "us-east-2"], "prod"),
}


def init(root: Path, *flags: str) -> int:
    return main(["init", "--root", str(root), *flags])


def all_text(root: Path) -> str:
    """Every file init wrote or copied (the stacks, the project, the program, docs, workflows, baseline)."""
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_init_then_plan_exits_zero_with_no_example_company_left(
    shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags, stack = SHAPES[shape]
    assert init(tmp_path, *flags) == 0
    capsys.readouterr()
    assert EXAMPLE_COMPANY not in all_text(tmp_path).lower()
    assert main(["plan", "--stack", stack, "--root", str(tmp_path), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["summary"]["violations"]["mandatory"] == 0
    assert EXAMPLE_COMPANY not in json.dumps(plan).lower()
    project = yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())["name"]
    assert all(r["urn"].startswith(f"urn:pulumi:{stack}::{project}::") for r in plan["resources"])


def test_the_files_mark_placeholders_and_the_secret_commands_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, "--domain", "acme.io", "--host", "@=web.acme-hosting.net", "--secret", "stripe-key",
                "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    prod = (tmp_path / "Pulumi.prod.yaml").read_text()
    assert prod.splitlines()[0] == "# yaml-language-server: $schema=./schema/stack-config.schema.json"
    zone_line = next(line for line in prod.splitlines() if "zoneId" in line)
    assert "TODO(init)" in zone_line
    keys = {(p["stack"], p["key"]) for p in doc["placeholders"]}
    assert ("prod", "launchready:zone.zoneId") in keys
    assert ("staging", "launchready:stripeKey") in keys
    assert "pulumi config set --secret --stack prod launchready:stripeKey '<value>'" in doc["secretCommands"]
    project = yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())
    assert project["name"] == "acme"
    assert project["config"]["pulumi:tags"]["value"]["product"] == "acme"


def test_existing_files_are_kept_without_force_and_the_runtime_survives_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: oldname\nruntime:\n  name: python\n  options:\n    virtualenv: venv-custom\n"
        "backend:\n  url: s3://acme-pulumi-state\n", encoding="utf-8")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n", encoding="utf-8")
    flags = ("--domain", "acme.io", "--host", "@=203.0.113.5")
    assert init(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "Pulumi.prod.yaml" in err
    assert (tmp_path / "Pulumi.prod.yaml").read_text() == "config: {}\n"
    assert not (tmp_path / "Pulumi.staging.yaml").exists()
    assert init(tmp_path, *flags, "--force") == 0
    project = yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())
    assert project["name"] == "acme"
    assert project["runtime"]["options"]["virtualenv"] == "venv-custom"
    assert project["backend"] == {"url": "s3://acme-pulumi-state"}


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--domain", "not a domain", "--host", "@=203.0.113.5"], "--domain 'not a domain': not a domain name"),
        (["--domain", "https://acme.io/", "--host", "@=203.0.113.5"], "not a URL"),
        (["--domain", "acme.io", "--host", "@=https://web.acme.net"], "drop 'https://'"),
        (["--domain", "acme.io", "--host", "app"], "write LABEL=ORIGIN"),
        (["--domain", "acme.io", "--host", "app=app.fly.dev"], "the apex is missing"),
        (["--domain", "acme.io", "--host", "@=1.2.3.4", "--canonical", "www"], "needs the www hostname"),
        (["--domain", "acme.io", "--host", "@=1.2.3.4", "--plan", "gold"], "--plan 'gold'"),
        (["--domain", "acme.io", "--host", "@=1.2.3.4", "--zone-id", "123"], "--zone-id: not a Cloudflare id"),
        (["--domain", "acme.io", "--host", "@=1.2.3.4", "--alert-email", "mailto:x@acme.io"], "not an email"),
        (["--domain", "acme.io", "--host", "@=1.2.3.4", "--staging-domain", "acme.io"], "must not share"),
        (["--host", "@=1.2.3.4"], "--domain is required"),
        (["--domain", "acme.io"], "--host is required"),
        (["--domain", "acme.io", "--host", "=203.0.113.5"], "the hostname must be"),
        (["--domain", "acme.io", "--host", "@=203.0.113.5", "--staging-subdomain", "www"], "already a hostname"),
        (["--domain", "acme.io", "--host", "@=10.1.2.3"], "10.1.2.3 is not a public address"),
        (["--domain", "acme.io", "--host", "@=web.acme.net:8443"], "without a path or port"),
        (["--domain", "acme.io", "--host", "@=1.2.3.4", "--zone-id", "a" * 32, "--staging-zone-id", "a" * 32],
         "give staging its own zone"),
    ],
)
def test_bad_flags_are_clear_errors_and_write_nothing(
    flags: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_internationalised_domain_is_written_in_its_dns_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, "--domain", "bücher-laden.de", "--host", "@=203.0.113.5", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    prod = yaml.safe_load((tmp_path / "Pulumi.prod.yaml").read_text())
    assert prod["config"]["launchready:zone"]["domain"] == "xn--bcher-laden-thb.de"
    assert doc["project"] == "xn--bcher-laden-thb"


def test_on_a_terminal_what_the_flags_leave_out_is_asked_for() -> None:
    import argparse

    from launchready.init.cli import configure_parser
    from launchready.init.gather import gather

    parser = argparse.ArgumentParser()
    configure_parser(parser)
    answers = {"Apex domain": "garden.example", "Public hostnames": "@=203.0.113.7, app=garden-app.fly.dev",
               "Alert email": "me@garden.example"}
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(v for k, v in answers.items() if question.startswith(k))

    opts = gather(parser.parse_args(["--plan", "free"]), ask=ask)
    assert len(asked) == 3
    assert opts.domain == "garden.example" and opts.plan == "free"
    assert {h.label: h.origin for h in opts.hosts} == {"@": "203.0.113.7", "www": "garden.example",
                                                       "app": "garden-app.fly.dev"}
    assert opts.alert_emails == ("me@garden.example",)
