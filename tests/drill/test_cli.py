"""`launchready drill` from the command line: against moto with --endpoint-url, and every AWS or usage problem
as one clear line with exit 2, never a traceback."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from launchready.cli import main
from tests.drill.conftest import STAGING_ALARMS, states


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["drill", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_drill_against_moto_reports_who_would_be_reached(aws: str, deploy: Callable[..., dict[str, str]],
                                                         repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deploy(subscribed=("eu-west-1",))
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--endpoint-url", aws,
                       "--wait", "1", "--json")
    doc = json.loads(out)
    assert code == 1
    assert sorted(doc["reachNobody"]) == sorted(STAGING_ALARMS["us-east-1"])
    assert [a["name"] for a in doc["alarms"]] == STAGING_ALARMS["us-east-1"] + STAGING_ALARMS["eu-west-1"]
    assert all(a["restored"] and a["setToAlarm"] for a in doc["alarms"])
    assert all(state == "OK" for state, _ in states(aws).values())
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--endpoint-url", aws,
                       "--wait", "0", "--alarm", "launchready-staging-uptime-login")
    assert code == 1 and "✗ launchready-staging-uptime-login (us-east-1, uptime)" in out
    assert "would reach nobody: launchready-staging-uptime-login" in out


def test_prod_is_refused_without_yes(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--stack", "prod", "--root", str(repo_root))
    assert code == 2 and out == "" and "pages the on-call" in err and "--yes" in err


def test_an_alarm_the_stack_does_not_declare_is_refused(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--stack", "staging", "--root", str(repo_root), "--alarm", "prod-thing")
    assert code == 2 and "--alarm 'prod-thing': not an alarm of stack staging" in err
    assert "launchready-staging-p95-core" in err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_aws_problems_are_one_clear_line(aws: str, repo_root: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--stack", "staging", "--root", str(repo_root), "--wait", "0")
    code, _, err = run(capsys, *base, "--profile", "nosuch", "--endpoint-url", aws)
    assert code == 2 and "nosuch" in err and "Traceback" not in err
    code, _, err = run(capsys, *base, "--endpoint-url", f"http://127.0.0.1:{_closed_port()}")
    assert code == 2 and "cannot reach AWS" in err and "Traceback" not in err
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = run(capsys, *base, "--endpoint-url", aws)
    assert code == 2 and "no AWS credentials" in err and "Traceback" not in err


def test_access_denied_is_reported_per_alarm(aws: str, deploy: Callable[..., dict[str, str]], repo_root: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from botocore.exceptions import ClientError

    import launchready.drill.cli as drill_cli

    class Denied:
        def describe_alarms(self, **kwargs: object) -> None:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized to perform: "
                                         "cloudwatch:DescribeAlarms"}}, "DescribeAlarms")

    monkeypatch.setattr(drill_cli, "client_factory", lambda profile, url: lambda region: (Denied(), None))
    code, out, _ = run(capsys, "--stack", "staging", "--root", str(repo_root), "--wait", "0")
    assert code == 1
    assert "AccessDenied: not authorized to perform: cloudwatch:DescribeAlarms" in out
