"""The offline plan shows adoption: import ids in `plan --json`, "adopt, then update" in the text plan, and a
stale or unknown entry in import-<stack>.json is a clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from launchready.cli import main
from tests.adopt.conftest import ZONE_ID


def plan_json(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    capsys.readouterr()
    code = main(["plan", "--stack", "prod", "--root", str(root), "--json", "--no-policies"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else {}), captured.err


@pytest.fixture
def adopted(project: Path, api: str, capsys: pytest.CaptureFixture[str]) -> Path:
    main(["adopt", "--stack", "prod", "--root", str(project), "--api-base", api, "--no-aws"])
    capsys.readouterr()
    return project


def test_without_an_import_file_nothing_is_adopted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, plan, _ = plan_json(project, capsys)
    assert code == 0
    assert plan["summary"]["adopt"] == 0
    assert not any("importId" in r for r in plan["resources"])


def test_each_adopted_resource_carries_its_import_id(adopted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    imports = json.loads((adopted / "import-prod.json").read_text())["resources"]
    code, plan, _ = plan_json(adopted, capsys)
    assert code == 0
    with_ids = {(r["type"], r["name"]): r for r in plan["resources"] if "importId" in r}
    assert {(e["type"], e["name"]): e["id"] for e in imports} == {k: r["importId"] for k, r in with_ids.items()}
    assert plan["summary"]["adopt"] == len(imports)
    ssl = with_ids[("cloudflare:index/zoneSetting:ZoneSetting", "setting-ssl")]
    assert ssl["adoption"]["changes"] == {"value": {"live": "flexible", "declared": "strict"}}
    assert with_ids[("cloudflare:index/dnsRecord:DnsRecord", "apex-mx-2d1c442d")]["adoption"]["protect"] is True


def test_the_text_plan_says_adopt_then_update_and_what_changes(
    adopted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--stack", "prod", "--root", str(adopted), "--no-policies"]) == 0
    out = capsys.readouterr().out
    assert "~ cloudflare:index/zoneSetting:ZoneSetting  setting-ssl" in out
    assert f"adopt, then update: import id {ZONE_ID}/ssl" in out
    assert "~ value: flexible -> strict" in out
    assert "+ cloudflare:index/dnsRecord:DnsRecord  app-cname" in out  # the conflict is created, not adopted
    assert "to adopt (then update)" in out


def _edit(root: Path, change: Any) -> None:
    path = root / "import-prod.json"
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["resources"].append({"type": "cloudflare:index/dnsRecord:DnsRecord", "name": "gone-cname",
                                          "id": f"{ZONE_ID}/{'f' * 32}", "parent": "dns"}),
         "'gone-cname': the program declares no such resource"),
        (lambda d: next(e for e in d["resources"] if e["name"] == "apex-a").update(id=f"{'9' * 32}/{'a' * 32}"),
         "stale or wrong id: its zone 99999999999999999999999999999999 is not this stack's zone"),
        (lambda d: next(e for e in d["resources"] if e["name"] == "redirects").update(id="f1e2d3"),
         "a zone Ruleset import id is zones/<zone_id>/<ruleset_id>"),
    ],
)
def test_a_stale_or_unknown_entry_is_a_clear_error(
    adopted: Path, change: Any, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(adopted, change)
    code, _, err = plan_json(adopted, capsys)
    assert code == 2
    assert expected in err and "import-prod.json" in err and "launchready adopt --stack prod" in err
    assert "Traceback" not in err


def test_what_will_change_follows_the_stack_file_edited_after_adopt(
    adopted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = adopted / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("  launchready:cache:\n",
                                             "  launchready:tls:\n    minVersion: \"1.3\"\n  launchready:cache:\n"))
    code, plan, _ = plan_json(adopted, capsys)
    assert code == 0
    tls = next(r for r in plan["resources"] if r["name"] == "setting-min-tls-version")
    assert tls["adoption"]["changes"] == {"value": {"live": "1.0", "declared": "1.3"}}
    www = next(r for r in plan["resources"] if r["name"] == "www-cname")
    assert www["adoption"]["changes"] == {}  # live and declared agree


def test_an_unreadable_import_file_is_a_clear_error(adopted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (adopted / "import-prod.json").write_text("{not json", encoding="utf-8")
    code, _, err = plan_json(adopted, capsys)
    assert code == 2 and "not a readable import file" in err and "Traceback" not in err
