"""`launchready adopt` against a local server answering like the Cloudflare API v4."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from launchready.cli import main
from tests.adopt.cloudflare_fake import NO_DNS_TOKEN, FakeZone, record
from tests.adopt.conftest import PROD, REDIRECT_RULESET, SITE_VERIFICATION, ZONE_ID


def adopt(root: Path, api: str, *extra: str) -> int:
    return main(["adopt", "--stack", "prod", "--root", str(root), "--api-base", api, "--no-aws", *extra])


def adopt_json(root: Path, api: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = adopt(root, api, "--json")
    return code, json.loads(capsys.readouterr().out)


def by_content(doc: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r["name"], r["type"], r["content"]): r for r in doc["records"]}


def test_every_record_over_several_pages_gets_a_status(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = adopt_json(project, api, capsys)
    assert code == 1  # the conflicting CNAME needs a decision
    pages = [p for p in zone.requests if "/dns_records" in p]
    assert len(pages) == 4 and pages[-1].startswith(f"/client/v4/zones/{ZONE_ID}/dns_records?page=4")
    rows = by_content(doc)
    assert len(doc["records"]) == len(zone.records)
    assert rows[("acme.io", "A", "203.0.113.5")]["status"] == "adopted"
    assert rows[("acme.io", "A", "203.0.113.5")]["logicalName"] == "apex-a"
    assert rows[("acme.io", "A", "203.0.113.5")]["id"] == "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert rows[("acme.io", "MX", "smtp.google.com")]["status"] == "added"
    assert rows[("acme.io", "TXT", SITE_VERIFICATION)]["status"] == "added"
    spf = rows[("acme.io", "TXT", '"v=spf1 include:_spf.google.com ~all"')]
    assert (spf["status"], spf["logicalName"]) == ("adopted", "spf-txt")
    assert "include:amazonses.com" in spf["changes"]["content"]["declared"]
    conflict = rows[("app.acme.io", "CNAME", "old-dashboard.herokuapp.com")]
    assert conflict["status"] == "conflict" and "hostnames.app.origin" in conflict["fix"]
    assert conflict["importId"] is None
    assert rows[("acme.io", "NS", "ada.ns.cloudflare.com")]["status"] == "ignored"
    assert rows[("links.acme.io", "MX", "route1.mx.cloudflare.net")]["status"] == "ignored"
    assert "managed by Cloudflare" in rows[("links.acme.io", "MX", "route1.mx.cloudflare.net")]["reason"]
    assert doc["summary"]["conflicts"] == 1


def test_the_import_file_names_the_programs_own_urns(
    project: Path, api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    adopt(project, api)
    capsys.readouterr()
    imports = json.loads((project / "import-prod.json").read_text())
    assert main(["plan", "--stack", "prod", "--root", str(project), "--json", "--no-policies"]) == 0
    plan = json.loads(capsys.readouterr().out)
    stack_urn = plan["stackUrn"]
    declared = {(r["type"], r["name"], r["parent"]): r["urn"] for r in plan["resources"]}
    for entry in imports["resources"]:
        assert set(entry) <= {"type", "name", "id", "parent", "provider"}
        parent = imports["nameTable"][entry["parent"]] if "parent" in entry else stack_urn
        assert (entry["type"], entry["name"], parent) in declared, entry
    ids = {(e["type"].rsplit(":", 1)[-1], e["name"]): e["id"] for e in imports["resources"]}
    assert ids[("Ruleset", "redirects")] == f"zones/{ZONE_ID}/{REDIRECT_RULESET}"
    assert ids[("DnsRecord", "apex-a")] == f"{ZONE_ID}/0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert ids[("ZoneSetting", "setting-ssl")] == f"{ZONE_ID}/ssl"
    assert ("DnsRecord", "app-cname") not in ids  # a conflict is not imported
    assert not any(name == "waf-managed" for _, name in ids)  # the managed ruleset is not an entry point


def test_stack_file_keeps_comments_and_order_and_then_plans(
    project: Path, api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    adopt(project, api)
    text = (project / "Pulumi.prod.yaml").read_text()
    assert text.startswith(PROD.splitlines()[0] + "\n# Acme's shop in production.")
    assert "origin: 203.0.113.5   # the shop's load balancer" in text
    assert "zoneId: " + ZONE_ID + "   # dashboard > Overview" in text
    assert text.index("launchready:hostnames") < text.index("launchready:dns") < text.index("launchready:cache")
    assert "content: smtp.google.com" in text and SITE_VERIFICATION in text
    assert "extraSenders: [include:_spf.google.com]" in text
    assert "old-dashboard" not in text  # a conflict is a decision, not an edit
    capsys.readouterr()
    assert main(["plan", "--stack", "prod", "--root", str(project)]) == 0


def test_adopting_twice_changes_nothing(project: Path, api: str, capsys: pytest.CaptureFixture[str]) -> None:
    adopt(project, api)
    files = {p.name: p.read_bytes() for p in project.glob("*.*") if p.is_file()}
    capsys.readouterr()
    adopt(project, api)
    out = capsys.readouterr().out
    assert "nothing changed" in out
    assert {p.name: p.read_bytes() for p in project.glob("*.*") if p.is_file()} == files


def test_mail_and_verification_records_are_proposed_for_protect(
    project: Path, api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc = adopt_json(project, api, capsys)
    rows = by_content(doc)
    assert rows[("acme.io", "MX", "smtp.google.com")]["protect"] is True
    assert rows[("acme.io", "TXT", SITE_VERIFICATION)]["protect"] is True
    assert rows[("www.acme.io", "CNAME", "acme.io")]["protect"] is False
    protected = set(doc["summary"]["protect"])
    assert any(urn.endswith("::dmarc-txt") for urn in protected)


def test_zone_settings_show_live_and_declared(project: Path, api: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = adopt_json(project, api, capsys)
    ssl = next(r for r in doc["resources"] if r["name"] == "setting-ssl")
    assert ssl["changes"] == {"value": {"live": "flexible", "declared": "strict"}}
    tls13 = next(r for r in doc["resources"] if r["name"] == "setting-tls-1-3")
    assert tls13["changes"] == {}


def _no_files_written(root: Path) -> bool:
    return not list(root.glob("import-*.json")) and (root / "Pulumi.prod.yaml").read_text() == PROD


def test_a_token_without_dns_read_is_a_clear_error(
    project: Path, api: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", NO_DNS_TOKEN)
    assert adopt(project, api) == 2
    err = capsys.readouterr().err
    assert "403" in err and "Zone > DNS > Read" in err and "Traceback" not in err
    assert NO_DNS_TOKEN not in err
    assert _no_files_written(project)


def test_an_invalid_token_is_named_as_such(
    project: Path, api: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "not-a-real-token-but-secret-looking-4242")  # pragma: allowlist secret
    assert adopt(project, api) == 2
    err = capsys.readouterr().err
    assert "not a valid API token" in err and "4242" not in err


def test_rate_limited_after_retries_is_a_clear_error(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.rate_limited = 10
    assert adopt(project, api, "--max-retries", "1") == 2
    err = capsys.readouterr().err
    assert "429" in err and "wait 1 s" in err and "Traceback" not in err
    assert _no_files_written(project)


def test_one_rate_limited_answer_is_retried(project: Path, api: str, zone: FakeZone) -> None:
    zone.rate_limited = 1
    assert adopt(project, api, "--max-retries", "1") == 1  # went through: only the conflict remains
    assert (project / "import-prod.json").is_file()


def test_server_errors_and_a_missing_token_are_clear(
    project: Path, api: str, zone: FakeZone, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.fail_500 = True
    assert adopt(project, api, "--max-retries", "0") == 2
    assert "HTTP 500" in capsys.readouterr().err
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN")
    assert adopt(project, api) == 2
    assert "CLOUDFLARE_API_TOKEN is not set" in capsys.readouterr().err


def test_a_zone_id_of_another_domain_is_refused(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.name = "someone-else.com"
    assert adopt(project, api) == 2
    err = capsys.readouterr().err
    assert "someone-else.com" in err and "launchready:zone.zoneId" in err


def test_a_second_address_at_a_declared_hostname_is_a_conflict(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.records.append(record("fb1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "A", "203.0.113.6", proxied=True))
    _, doc = adopt_json(project, api, capsys)
    rows = by_content(doc)
    assert rows[("acme.io", "A", "203.0.113.5")]["status"] == "adopted"
    second = rows[("acme.io", "A", "203.0.113.6")]
    assert second["status"] == "conflict" and "second web record" in second["reason"]
    assert "delete this record" in second["fix"]


def test_live_spf_senders_and_a_strict_all_are_kept_and_quoted_txt_is_written_plain(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    spf = next(r for r in zone.records if r["content"].startswith('"v=spf1'))
    spf["content"] = '"v=spf1 include:_spf.google.com ip4:198.51.100.7 include:amazonses.com -all"'
    zone.records.append(record("fc1b2c3d4e5f60718293a4b5c6d7e8f9", "acme.io", "TXT",
                               '"apple-domain-verification=Qw3rTy7uI9oP"', ttl=3600))
    _, doc = adopt_json(project, api, capsys)
    assert doc["configChanges"]["spfExtraSenders"] == ["include:_spf.google.com", "ip4:198.51.100.7"]
    assert doc["configChanges"]["spfAll"] == "-all"
    text = (project / "Pulumi.prod.yaml").read_text()
    assert "content: apple-domain-verification=Qw3rTy7uI9oP\n" in text
    assert "all: -all" in text
    rows = by_content(doc)
    apple = rows[("acme.io", "TXT", '"apple-domain-verification=Qw3rTy7uI9oP"')]
    assert apple["status"] == "added" and apple["protect"] is True


def test_a_record_the_config_refuses_is_left_as_is_with_the_reason(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.records += [
        record("fd1b2c3d4e5f60718293a4b5c6d7e8f9", "news.acme.io", "TXT", '"v=spf1 include:mailgun.org ~all"',
               ttl=3600),
        record("fd2b2c3d4e5f60718293a4b5c6d7e8f9", "news.acme.io", "TXT", '"v=spf1 include:sendgrid.net ~all"',
               ttl=3600),
        record("fd3b2c3d4e5f60718293a4b5c6d7e8f9", "app.acme.io", "TXT", "atlassian-domain-verification=Zx81",
               ttl=3600),
        record("fe1b2c3d4e5f60718293a4b5c6d7e8f9", "mail.acme.io", "MX", "feedback-smtp.us-east-1.amazonses.com",
               priority=10, ttl=3600),
    ]
    code, doc = adopt_json(project, api, capsys)
    assert code == 1  # the app CNAME conflict is still there; everything else went through
    rows = by_content(doc)
    spf = [rows[("news.acme.io", "TXT", f'"v=spf1 include:{host} ~all"')] for host in ("mailgun.org", "sendgrid.net")]
    assert sorted(r["status"] for r in spf) == ["added", "ignored"]  # the config allows one SPF per name
    assert "a second SPF record" in next(r for r in spf if r["status"] == "ignored")["reason"]
    beside = rows[("app.acme.io", "TXT", "atlassian-domain-verification=Zx81")]
    assert beside["status"] == "conflict" and "a CNAME must be alone" in beside["reason"]
    mail_from = rows[("mail.acme.io", "MX", "feedback-smtp.us-east-1.amazonses.com")]
    assert (mail_from["status"], mail_from["logicalName"]) == ("adopted", "mail-from-mx")
    assert mail_from["changes"]["content"]["declared"] == "feedback-smtp.eu-west-1.amazonses.com"
    assert "atlassian" not in (project / "Pulumi.prod.yaml").read_text()
    assert rows[("acme.io", "MX", "smtp.google.com")]["status"] == "added"  # the other additions stayed


def test_reads_adopt_can_do_without_become_warnings(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.zone_endpoint = False
    zone.rulesets_forbidden = True
    zone.settings = {}  # every settings read answers 404
    code, doc = adopt_json(project, api, capsys)
    assert code == 1  # still the app CNAME conflict: the records were adopted
    warnings = "\n".join(doc["warnings"])
    assert "403" in warnings and "entry-point rulesets are not in the import file" in warnings
    assert "what pulumi up will change on them is not known" in warnings
    ids = {e["name"]: e["id"] for e in doc["importFile"]["resources"]}
    assert "redirects" not in ids and ids["setting-ssl"] == f"{ZONE_ID}/ssl"
    assert by_content(doc)[("acme.io", "A", "203.0.113.5")]["status"] == "adopted"


def test_records_of_another_domain_mean_a_wrong_zone_id(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.zone_endpoint = False
    for row in zone.records:
        row["name"] = row["name"].replace("acme.io", "other-shop.com")
    assert adopt(project, api) == 2
    assert "none of the zone's" in capsys.readouterr().err


def test_lines_adopt_does_not_change_keep_their_layout(
    project: Path, api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # this user writes list items flush with their key, and a long comment line
    text = PROD.replace("    items:\n      - name: session-signing-key\n        description: signs the session cookie\n"
                        "        owner: platform\n        source: generated\n",
                        "    items:\n    - name: session-signing-key\n      description: signs the session cookie\n"
                        "      owner: platform\n      source: generated\n")
    text = text.replace("# Acme's shop in production.", "# Acme's shop in production. " + "x" * 150 + ".")
    (project / "Pulumi.prod.yaml").write_text(text, encoding="utf-8")
    adopt(project, api)
    after = (project / "Pulumi.prod.yaml").read_text().splitlines()
    remaining = iter(after)
    assert all(line in remaining for line in text.splitlines())  # every original line, in order
    assert len(after) > len(text.splitlines())


def test_the_component_parents_come_in_their_own_file_for_a_stack_never_deployed(
    project: Path, api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    adopt(project, api)
    main_file = json.loads((project / "import-prod.json").read_text())
    components = json.loads((project / "import-prod-components.json").read_text())["resources"]
    assert all(c["component"] is True and "id" not in c for c in components)
    by_name = {c["name"]: c for c in components}
    for name, urn in main_file["nameTable"].items():
        # once this file is imported, every parent the main file names exists under exactly that URN
        assert urn == f"urn:pulumi:prod::acme-shop::pulumi:pulumi:Stack${by_name[name]['type']}::{name}"
    assert {"dns", "edge", "email"} <= set(by_name)


def test_a_dry_run_writes_nothing(project: Path, api: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert adopt(project, api, "--dry-run") == 1
    assert "dry run: nothing written" in capsys.readouterr().out
    assert _no_files_written(project) and not (project / "adopt-prod.json").exists()


def test_a_long_retry_after_ends_the_run_at_once_naming_the_wait(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.rate_limited = 1
    zone.retry_after = "120"
    assert adopt(project, api) == 2  # not two minutes of waiting: one request, then the message
    err = capsys.readouterr().err
    assert "429" in err and "wait 120 s" in err
    assert len([p for p in zone.requests if "/dns_records" in p]) == 1


def test_a_credential_in_a_live_txt_is_redacted_with_its_id_kept(
    project: Path, api: str, zone: FakeZone, capsys: pytest.CaptureFixture[str]
) -> None:
    zone.records += [record("fc1b2c3d4e5f60718293a4b5c6d7e8f9", "billing.acme.io", "TXT",
                            '"stripe=sk_live_QA123CANARY456"', ttl=3600)]  # pragma: allowlist secret
    code, doc = adopt_json(project, api, capsys)
    assert code == 1  # the app CNAME conflict of the fixture zone
    row = next(r for r in doc["records"] if r["name"] == "billing.acme.io")
    assert (row["id"], row["status"], row["content"], row["secretKind"]) == (
        "fc1b2c3d4e5f60718293a4b5c6d7e8f9", "ignored", "[redacted]", "an API key or token")
    assert "QA123CANARY" not in json.dumps(doc)
    assert not any("QA123CANARY" in p.read_text() for p in project.iterdir() if p.is_file())
