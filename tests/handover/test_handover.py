"""`launchready handover`: generated from the config and the offline plan of both example stacks (the test
generates the document; no copy is kept in docs/, where it would drift)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components.config import StackConfig, parse_config
from launchready import cli
from launchready.handover.document import build_document, redact
from launchready.handover.gather import HandoverInput, environments, gather
from launchready.handover.matrix import environment_matrix, settings
from launchready.handover.sections import SECTIONS, render
from launchready.plan.document import Plan
from launchready.plan.runner import run_program
from launchready.stackfile import StackFile, read_stack_file

StackValues = Callable[[str], tuple[dict[str, Any], frozenset[str]]]

_inputs: dict[str, HandoverInput] = {}


def handover_input(stack: str, root: Path) -> HandoverInput:
    if stack not in _inputs:
        _inputs[stack] = gather(stack, root)
    return _inputs[stack]


@pytest.fixture(scope="module", params=["staging", "prod"])
def generated(request: pytest.FixtureRequest, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[HandoverInput, str]:
    inp = handover_input(request.param, repo_root)
    text = build_document(inp)
    (tmp_path_factory.mktemp("handover") / f"handover-{request.param}.md").write_text(text)
    return inp, text


def tables(markdown: str) -> list[list[str]]:
    """Every table: consecutive lines starting with a pipe."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def cells(line: str) -> list[str]:
    assert line.startswith("|") and line.endswith("|") and not line.endswith("\\|"), line
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def section(markdown: str, title: str) -> str:
    start = markdown.index(f"\n## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


# ---- every section, every record ----


def test_every_section_is_present_in_order(generated: tuple[HandoverInput, str]) -> None:
    _, text = generated
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [title for title, _ in SECTIONS]
    for title, _ in SECTIONS:
        assert section(text, title).strip().count("\n") >= 2, f"section {title} is empty"


def test_the_dns_map_lists_every_record_with_purpose_and_proxied(generated: tuple[HandoverInput, str]) -> None:
    inp, text = generated
    dns = section(text, "DNS map")
    rows = [cells(line) for line in tables(dns)[0][2:]]
    planned = inp.outputs["dnsMap"] + inp.outputs["emailRecords"]
    assert len(rows) == len(planned)
    for row, record in zip(rows, planned, strict=True):
        assert row[1] == record["type"]
        assert row[3] == ("yes" if record["proxied"] else "no")
        assert row[5] == record["purpose"]
        if "_domainkey" not in record["name"]:
            assert row[0] == f"`{record['name']}`"


def test_monitoring_secrets_access_and_email_come_from_config_and_plan(generated: tuple[HandoverInput, str]) -> None:
    inp, text = generated
    cfg = inp.config
    monitoring = section(text, "Monitoring")
    for name in inp.outputs["alarms"]:
        assert f"`{name}`" in monitoring
    for alarm in inp.outputs["sesAlarms"].values():
        assert f"`{alarm}`" in monitoring
    assert f"`{inp.outputs['dashboardName']}`" in monitoring
    for route in inp.outputs["alertRoutes"]:
        assert route in monitoring
    secrets = section(text, "Secrets inventory")
    for item in cfg.secrets.items:
        assert f"`{inp.project}/{inp.stack}/{item.name}`" in secrets
        assert f"| {item.owner} | {item.rotation_days} days |" in secrets
    access = section(text, "Access")
    for domain in cfg.access.allow_email_domains:
        assert f"anyone with an address at `{domain}`" in access
    for group in cfg.access.allow_groups:
        assert group.name in access
    email = section(text, "Email: SPF, DKIM, DMARC")
    assert f"`p={cfg.dmarc_policy.value};" in email
    assert cfg.email.spf.record in email
    deploy = section(text, "Deploy and rollback")
    assert "[docs/runbook.md](docs/runbook.md)" in deploy
    assert f"`pulumi stack history --stack {inp.stack}`" in deploy


def test_every_table_has_the_columns_of_its_header(generated: tuple[HandoverInput, str]) -> None:
    _, text = generated
    found = tables(text)
    assert len(found) >= 12
    for table in found:
        width = len(cells(table[0]))
        assert re.fullmatch(r"\|(---\|)+", table[1]) and table[1].count("---") == width, table[:2]
        for line in table[2:]:
            assert len(cells(line)) == width, line


def test_values_known_only_after_deploy_are_not_copied_from_the_mocks(generated: tuple[HandoverInput, str]) -> None:
    inp, text = generated
    out = inp.outputs
    fabricated = [r["name"].split(".", 1)[0] for r in out["emailRecords"] if "._domainkey." in r["name"]]
    assert len(fabricated) == 3
    fabricated += [hc["id"] for hc in out["healthChecks"].values()]
    fabricated += [app["aud"] for app in out["accessApps"].values()]
    fabricated += [out["dnssecDs"], out["sesIdentityArn"], out["secretsKeyArn"]]
    fabricated += [s["arn"] for s in out["secrets"]]
    for value in fabricated:
        assert value not in text
    assert f"`pulumi stack output emailRecords --stack {inp.stack}`" in text
    assert f"`pulumi stack output dnssecDs --stack {inp.stack}`" in text


def test_deployed_outputs_fill_in_tokens_ds_and_ids(repo_root: Path) -> None:
    base = handover_input("prod", repo_root)
    deployed = {
        "emailRecords": [{"name": f"tok{i}deployed._domainkey.fanloom.io", "type": "CNAME",
                          "content": f"tok{i}deployed.dkim.amazonses.com", "proxied": False, "ttl": 3600,
                          "purpose": f"DKIM key {i}", "owner": "platform"} for i in (1, 2, 3)],
        "dnssecDs": "fanloom.io. 3600 IN DS 2371 13 2 DEPLOYEDDIGEST",
        "healthChecks": {"homepage": {"id": "deployed-hc-homepage"}},
    }
    text = build_document(HandoverInput(base.stack_file, base.config, base.plan, base.environments, [], deployed))
    for i in (1, 2, 3):
        assert f"`tok{i}deployed._domainkey.fanloom.io`" in text
    assert "`fanloom.io. 3600 IN DS 2371 13 2 DEPLOYEDDIGEST`" in text
    assert "`deployed-hc-homepage`" in text
    assert "<token 1>" not in text


# ---- no secret value, ever ----

PLANTED = {
    "launchready:databaseUrl": "postgres://app:Pl4nted-db-Passw0rd@db.internal:5432/app",
    "launchready:stripeApiKey": "rk_live_PLANTEDstripeKey0123456789abcdef",
    "launchready:slackWebhookUrl": "https://hooks.slack.com/services/T0PLANT/B0PLANT/PLANTEDslackToken123",
}


def test_no_secret_value_appears(repo_root: Path, stack_values: StackValues) -> None:
    values, secret_keys = stack_values("prod")
    assert set(PLANTED) <= secret_keys
    values.update(PLANTED)  # as if the stack file's ciphertext had been decrypted
    values["launchready:hostnames"]["app"]["purpose"] = "creator dashboard | logged-in web app"
    original = read_stack_file("prod", repo_root)
    planted = StackFile(original.project, "prod", original.path, values, secret_keys)
    cfg = parse_config(values, secret_keys)
    plan = Plan(planted, cfg, run_program(planted, repo_root), []).to_json()
    envs, problems = environments(planted, cfg, repo_root)
    inp = HandoverInput(planted, cfg, plan, envs, problems)
    rendered = render(inp)  # before the last-line redaction: the sections themselves must not leak
    document = build_document(inp)
    for value in PLANTED.values():
        assert value not in rendered
        assert value not in document
    # The settings were read (the matrix compares secret keys by presence), so the test could have leaked them.
    assert "| `launchready:slackWebhookUrl` | `—` | `(secret, set)` |" in document
    # A pipe in a config value is escaped: the tables keep their shape.
    assert "creator dashboard \\| logged-in web app" in document
    for table in tables(document):
        assert {len(cells(line)) for line in table} == {len(cells(table[0]))}


def test_redaction_replaces_a_secret_value() -> None:
    assert redact("url: postgres://u:p4ss@h/db", ["postgres://u:p4ss@h/db"]) == "url: [secret]"
    assert redact("x [secret] y", ["[secret]"]) == "x [secret] y"


# ---- the environment matrix ----


def _config(values: dict[str, Any], secret_keys: frozenset[str]) -> StackConfig:
    return parse_config(values, secret_keys)


def _settings(stack_values: StackValues, stack: str, change: Callable[[dict[str, Any]], None] | None = None
              ) -> dict[str, str]:
    values, secret_keys = stack_values(stack)
    if change is not None:
        change(values)
    sf = StackFile("launchready", stack, Path(f"Pulumi.{stack}.yaml"), values, secret_keys)
    return settings(_config(values, secret_keys), sf)


def test_identical_stacks_have_an_empty_matrix(stack_values: StackValues) -> None:
    prod = _settings(stack_values, "prod")
    assert environment_matrix({"a": prod, "b": copy.deepcopy(prod)}) == []


def test_one_changed_setting_is_exactly_one_row(stack_values: StackValues) -> None:
    def change(values: dict[str, Any]) -> None:
        values["launchready:monitoring"]["errorRatePercent"] = 3

    rows = environment_matrix({"prod": _settings(stack_values, "prod"),
                               "changed": _settings(stack_values, "prod", change)})
    assert rows == [("monitoring.errorRatePercent", ["2", "3"])]


def test_an_added_rate_limit_is_one_row_plus_the_count(stack_values: StackValues) -> None:
    def change(values: dict[str, Any]) -> None:
        values["launchready:waf"]["rateLimits"].append(
            {"name": "signup", "path": "/signup", "requestsPerPeriod": 5, "periodSeconds": 60})

    rows = environment_matrix({"prod": _settings(stack_values, "prod"),
                               "changed": _settings(stack_values, "prod", change)})
    assert [key for key, _ in rows] == ["waf.rateLimits", "waf.rateLimits[signup]"]
    assert rows[0][1] == ["3 items", "4 items"]
    assert rows[1][1][0] == "—" and "path=/signup" in rows[1][1][1] and "requestsPerPeriod=5" in rows[1][1][1]


def test_defaults_are_compared_by_their_effective_value(stack_values: StackValues) -> None:
    # Staging spells out HSTS max-age 86400, which is also the staging default: no difference.
    def drop(values: dict[str, Any]) -> None:
        del values["launchready:tls"]["hsts"]["maxAgeSeconds"]

    assert environment_matrix({"a": _settings(stack_values, "staging"),
                               "b": _settings(stack_values, "staging", drop)}) == []

    # Prod's DMARC policy left to its default (quarantine) equals an explicit quarantine.
    def default_dmarc(values: dict[str, Any]) -> None:
        del values["launchready:email"]["dmarc"]["policy"]

    assert environment_matrix({"a": _settings(stack_values, "prod"),
                               "b": _settings(stack_values, "prod", default_dmarc)}) == []


def test_staging_against_prod(stack_values: StackValues, repo_root: Path) -> None:
    rows = dict(environment_matrix({"staging": _settings(stack_values, "staging"),
                                    "prod": _settings(stack_values, "prod")}))
    assert rows["environment"] == ["staging", "prod"]
    assert rows["tls.hsts.maxAgeSeconds"] == ["86400", "31536000"]
    assert rows["email.dmarc.policy"] == ["none", "quarantine"]
    assert rows["secrets.recoveryWindowDays"] == ["7", "30"]
    assert rows["access.sessionDuration"] == ["24h", "8h"]
    assert rows["monitoring.logGroups[1].retentionDays"] == ["14", "30"]
    assert rows["launchready:slackWebhookUrl"] == ["—", "(secret, set)"]
    for same in ("zone.accountId", "cache.sessionCookies", "aws:region", "launchready:databaseUrl",
                 "monitoring.uptimeTargetPercent", "email.sesRegion"):
        assert same not in rows
    # The document's matrix is exactly this list.
    text = build_document(handover_input("prod", repo_root))
    listed = [cells(line)[0].strip("`") for line in tables(section(text, "Environment matrix"))[0][2:]]
    assert listed == list(rows)


# ---- the command ----


def test_the_command_writes_the_file(repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs" / "handover-staging.md"
    assert cli.main(["handover", "--stack", "staging", "--out", str(out), "--root", str(repo_root)]) == 0
    text = out.read_text()
    assert text.startswith("# Handover: launchready staging (fanloom-staging.net)\n")
    assert text == build_document(handover_input("staging", repo_root))  # deterministic
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("args", [["--stack", "nope"], ["--stack", "prod", "--outputs", "/nonexistent.json"]])
def test_bad_input_is_a_usage_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["handover", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_outputs_must_be_a_json_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "outputs.json"
    bad.write_text(json.dumps(["not", "an", "object"]))
    assert cli.main(["handover", "--stack", "prod", "--outputs", str(bad)]) == 2
    assert "must hold the JSON object" in capsys.readouterr().err


def test_runbook_links_point_at_headings_that_exist(repo_root: Path) -> None:
    from launchready.handover.markdown import anchor

    runbook = (repo_root / "docs" / "runbook.md").read_text()
    headings = {anchor(line.lstrip("#").strip()) for line in runbook.splitlines() if line.startswith("#")}
    text = section(build_document(handover_input("prod", repo_root)), "Deploy and rollback")
    links = re.findall(r"\(docs/runbook\.md#([^)]+)\)", text)
    assert len(links) == 4
    assert set(links) <= headings


def test_placeholder_secrets_are_listed_as_things_to_do(repo_root: Path) -> None:
    text = section(build_document(handover_input("prod", repo_root)), "Things to do by hand")
    assert ("launchready:stripeApiKey: placeholder, run: pulumi config set --secret launchready:stripeApiKey "
            "'<value>' --stack prod") in text


# ---- deployed outputs of every shape ----


def _with_deployed(base: HandoverInput, deployed: dict[str, Any]) -> str:
    return build_document(HandoverInput(base.stack_file, base.config, base.plan, base.environments, [], deployed))


@pytest.mark.parametrize(("outputs", "message"), [
    ({"healthChecks": {"homepage": "abc"}}, "healthChecks.homepage must be an object with id (got text)"),
    ({"healthChecks": "x"}, "healthChecks must be an object of {name: {id: ...}} (got text)"),
    ({"healthChecks": ["a"]}, "healthChecks must be an object of {name: {id: ...}} (got a list)"),
    ({"healthChecks": {"homepage": {"id": 7}}}, "healthChecks.homepage.id must be text (got a number)"),
    ({"accessApps": "x"}, "accessApps must be an object of {name: {aud: ...}} (got text)"),
    ({"accessApps": {"admin.fanloom.io": ["aud"]}}, "accessApps.admin.fanloom.io must be an object with aud"),
    ({"emailRecords": "x"}, "emailRecords must be a list of records"),
    ({"emailRecords": [{"name": "a", "type": "CNAME"}]}, "emailRecords[0].content must be text (got null)"),
    ({"emailRecords": ["x"]}, "emailRecords[0] must be an object with name, type and content (got text)"),
    ({"dnssecDs": {"digest": "x"}}, "dnssecDs must be text (got an object)"),
    ({"sesIdentityArn": 12}, "sesIdentityArn must be text (got a number)"),
])
def test_outputs_of_a_wrong_shape_name_the_key_and_the_shape(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Any], message: str) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps(outputs))
    assert cli.main(["handover", "--stack", "prod", "--outputs", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and message in err and "Traceback" not in err


def test_secret_outputs_are_shown_as_secret(repo_root: Path) -> None:
    base = handover_input("prod", repo_root)
    deployed = {"emailRecords": "[secret]", "dnssecDs": "[secret]", "sesIdentityArn": "[secret]",
                "accessApps": "[secret]", "healthChecks": {"homepage": "[secret]", "api": None}}
    text = _with_deployed(base, deployed)
    assert "`[secret]`" not in text
    for output in ("emailRecords", "dnssecDs", "sesIdentityArn", "accessApps", "healthChecks"):
        assert f"secret in the deployed outputs: `pulumi stack output {output} --show-secrets --stack prod`" in text
    monitoring = section(text, "Monitoring")
    homepage = next(line for line in monitoring.splitlines() if line.startswith("| homepage "))
    assert "--show-secrets" in homepage
    others = [line for line in monitoring.splitlines() if "| `https://" in line
              and not line.startswith("| homepage ")]
    assert others and all("pulumi stack output healthChecks --stack prod" in line for line in others)
    for table in tables(text):
        width = len(cells(table[0]))
        assert all(len(cells(line)) == width for line in table)


def test_a_deployed_access_app_fills_in_its_audience_and_unknown_keys_are_ignored(repo_root: Path) -> None:
    base = handover_input("prod", repo_root)
    host = base.config.fqdn(base.config.internal_labels[0])
    text = _with_deployed(base, {"accessApps": {host: {"aud": "deployed-aud-tag", "extra": 1}},
                                 "somethingElse": "[secret]", "healthChecks": None})
    assert "`deployed-aud-tag`" in text
