"""adopt from a BIND export as Cloudflare's dashboard writes it (no ids; proxied marked in a comment)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchready.adopt.zonefile import read_zone_file
from launchready.cli import main
from tests.adopt.conftest import PROD, ZONE_ID

EXPORT = """\
;;
;; Domain:     acme.io.
;; Exported:   2026-11-30 09:12:44
;;
;; This file is intended for use for informational and archival
;; purposes ONLY and MUST be edited before use on a production
;; DNS server.  In particular, you must:
;;   -- update the SOA record with the correct authoritative name server
;;   -- update the SOA record with the contact e-mail address information
;;   -- update the NS record(s) with the authoritative name servers for this domain.
;;
;; For further information, please consult the BIND documentation
;; located on the following website:
;;
;; http://www.isc.org/
;;
;; And RFC 1035:
;;
;; http://www.ietf.org/rfc/rfc1035.txt
;;
;; Please note that we do NOT offer technical support for any use
;; of this zone data, the BIND name server, or any other third-party
;; DNS software.
;;
;; Use at your own risk.
;; SOA Record
acme.io	3600	IN	SOA	ada.ns.cloudflare.com. dns.cloudflare.com. 2049231717 10000 2400 604800 3600

;; NS Records
acme.io.	86400	IN	NS	ada.ns.cloudflare.com.
acme.io.	86400	IN	NS	bob.ns.cloudflare.com.

;; A Records
acme.io.	1	IN	A	203.0.113.5 ; cf_tags=cf-proxied:true

;; CNAME Records
app.acme.io.	1	IN	CNAME	acme-app.fly.dev. ; cf_tags=cf-proxied:false
www.acme.io.	1	IN	CNAME	acme.io. ; cf_tags=cf-proxied:true

;; MX Records
acme.io.	3600	IN	MX	1 smtp.google.com.

;; TXT Records
acme.io.	3600	IN	TXT	"v=spf1 include:_spf.google.com ~all"
acme.io.	3600	IN	TXT	"google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"
"""


def test_the_export_is_read_with_its_proxied_tags(tmp_path: Path) -> None:
    path = tmp_path / "acme.io.txt"
    path.write_text(EXPORT, encoding="utf-8")
    zone = read_zone_file(path, ZONE_ID, "acme.io")
    rows = {(r.name, r.type, r.content): r for r in zone.records}
    assert rows[("acme.io", "A", "203.0.113.5")].proxied is True
    assert rows[("app.acme.io", "CNAME", "acme-app.fly.dev")].proxied is False
    assert rows[("www.acme.io", "CNAME", "acme.io")].proxied is True
    assert rows[("acme.io", "MX", "smtp.google.com")].priority == 1
    assert all(r.id is None for r in zone.records)
    assert not any(r.type == "SOA" for r in zone.records)


def test_adopt_from_the_export_maps_records_but_imports_only_what_has_an_id(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.io.txt"
    path.write_text(EXPORT, encoding="utf-8")
    code = main(["adopt", "--stack", "prod", "--root", str(project), "--zone-file", str(path), "--no-aws", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0  # no conflict
    statuses = {(r["name"], r["type"]): r["status"] for r in doc["records"]}
    app = next(r for r in doc["records"] if r["name"] == "app.acme.io")
    assert app["changes"]["proxied"] == {"live": False, "declared": True}  # DNS-only live, proxied declared
    assert statuses[("acme.io", "MX")] == "added"
    assert statuses[("app.acme.io", "CNAME")] == "adopted"
    types = {e["type"] for e in doc["importFile"]["resources"]}
    assert types == {"cloudflare:index/zoneSetting:ZoneSetting"}
    assert "content: smtp.google.com" in (project / "Pulumi.prod.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("acme.io. 1 IN A 203.0.113.5 extra tokens here\n", "not a BIND zone file"),
     (";; nothing but comments\n", "holds no records")],
)
def test_a_broken_export_is_a_clear_error(
    project: Path, tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["adopt", "--stack", "prod", "--root", str(project), "--zone-file", str(path), "--no-aws"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert (project / "Pulumi.prod.yaml").read_text() == PROD


def test_a_missing_export_is_a_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adopt", "--stack", "prod", "--root", str(project), "--zone-file", "/nonexistent/zone.txt",
                 "--no-aws"]) == 2
    assert "cannot read it" in capsys.readouterr().err


def test_an_export_of_another_domain_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.txt"
    path.write_text(EXPORT.replace("acme.io", "someone-else.net"), encoding="utf-8")
    assert main(["adopt", "--stack", "prod", "--root", str(project), "--zone-file", str(path), "--no-aws"]) == 2
    err = capsys.readouterr().err
    assert "someone-else.net" in err and "acme.io" in err
    assert (project / "Pulumi.prod.yaml").read_text() == PROD


SECRET_TXT = (
    'secret.acme.io.\t1\tIN\tTXT\t"DB_PASSWORD=hunter2QAxx9Zq7"\n'  # pragma: allowlist secret
    'stripe.acme.io.\t1\tIN\tTXT\t"sk_live_QA123CANARY456"\n'  # pragma: allowlist secret
    'hook.acme.io.\t1\tIN\tTXT\t"https://hooks.slack.com/services/'
    'T0A1B2C3D/B0A1B2C3D/Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2"\n'  # pragma: allowlist secret
)
CANARIES = ("hunter2QAxx9Zq7", "QA123CANARY456", "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2")  # pragma: allowlist secret


@pytest.mark.parametrize("as_json", [False, True])
def test_txt_records_holding_credentials_are_ignored_and_never_shown(
    project: Path, tmp_path: Path, as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.io.txt"
    path.write_text(EXPORT + SECRET_TXT, encoding="utf-8")
    argv = ["adopt", "--stack", "prod", "--root", str(project), "--zone-file", str(path), "--no-aws"]
    code = main(argv + (["--json"] if as_json else []))
    captured = capsys.readouterr()
    assert code == 0
    written = "".join(p.read_text() for p in project.iterdir() if p.is_file())
    for canary in CANARIES:
        assert canary not in captured.out + captured.err
        assert canary not in written  # stack file, import files, adopt-prod.json
    if as_json:
        rows = {r["name"]: r for r in json.loads(captured.out)["records"]}
        for name in ("secret.acme.io", "stripe.acme.io", "hook.acme.io"):
            row = rows[name]
            assert (row["type"], row["status"], row["content"], row["redacted"]) == ("TXT", "ignored", "[redacted]",
                                                                                     True)
            assert "credential" in row["reason"] and "rotate" in row["fix"]
        kinds = {name: row["secretKind"] for name, row in rows.items() if row.get("redacted")}
        assert kinds == {"secret.acme.io": "a password or token assigned to a name",  # pragma: allowlist secret
                         "stripe.acme.io": "an API key or token",
                         "hook.acme.io": "a webhook URL with its token"}  # pragma: allowlist secret
    else:
        lines = captured.out.splitlines()
        at = next(i for i, line in enumerate(lines) if "stripe.acme.io" in line)
        assert "[redacted]" in lines[at]
        assert "an API key or token" in lines[at + 1]
        assert "public DNS" in captured.out and "rotate" in captured.out and "delete the record" in captured.out
