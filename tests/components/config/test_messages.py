"""Messages say what YAML did to a value and what to write instead, in words a stack-file author reads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from components.config import ConfigError, parse_config
from components.config.messages import describe_pattern
from launchready.stackfile import load_stack_config


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    shutil.copy(repo_root / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(repo_root / "Pulumi.prod.yaml", tmp_path / "Pulumi.prod.yaml")
    return tmp_path


def problem_after(project: Path, old: str, new: str, path: str) -> tuple[str, str, str | None]:
    stack = project / "Pulumi.prod.yaml"
    text = stack.read_text()
    assert old in text
    stack.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    found = {p.path: p for p in info.value.problems}
    assert path in found, info.value.render()
    return found[path].message, found[path].fix, found[path].value


def test_an_unquoted_version_is_told_to_be_quoted(project: Path) -> None:
    message, fix, _ = problem_after(project, 'minVersion: "1.2"', "minVersion: 1.3", "launchready:tls.minVersion")
    assert "YAML reads 1.3 without quotes as a number" in message
    assert fix == "write it quoted: '1.3'"
    assert "Input should be" not in message


def test_a_quoted_status_code_is_told_to_be_unquoted(project: Path) -> None:
    message, fix, _ = problem_after(project, "statusCode: 301", 'statusCode: "308"',
                                    "launchready:redirects.statusCode")
    assert "written in quotes" in message and fix == "write it unquoted: 308"


def test_a_number_where_text_belongs_is_told_to_be_quoted(project: Path) -> None:
    message, fix, _ = problem_after(project, "owner: growth", "owner: 42", "launchready:hostnames.@.owner")
    assert "as a number" in message and fix == "write it quoted: '42'"


def test_patterns_are_said_in_words_never_as_a_regex(project: Path) -> None:
    message, _, value = problem_after(project, "- name: login", "- name: Login-Page",
                                      "launchready:waf.rateLimits[0].name")
    assert message == "must be 1 to 40 characters: a-z, 0-9 and _"
    assert "^" not in message and "{" not in message and value == '"Login-Page"'


def test_schema_patterns_all_read_as_words() -> None:
    for pattern in (r"^[a-z0-9_]{1,40}$", r"^[a-z0-9-]{1,40}$", r"^[A-Za-z0-9_.\-]{1,64}$",
                    r"^[a-z][a-z0-9_]{0,30}$", r"^[a-z0-9][a-z0-9-]{0,62}$", r"^[a-z0-9]{1,10}$"):
        words = describe_pattern(pattern)
        assert not any(c in words for c in "^$[]{}\\"), words
    assert describe_pattern(r"^[a-z][a-z0-9_]{0,30}$") == "one of a-z, then up to 30 of a-z, 0-9 and _"


def test_a_unicode_domain_gets_its_punycode(project: Path) -> None:
    message, fix, _ = problem_after(project, "domain: fanloom.io", "domain: fanloöm.io", "launchready:zone.domain")
    assert "punycode" in message and fix == "write xn--fanlom-0xa.io"


@pytest.mark.parametrize(
    ("origin", "words", "fix"),
    [
        ("https://fanloom-app.fly.dev", "not a URL", "write the host alone: fanloom-app.fly.dev"),
        ("fanloom-app.fly.dev:8080", "cannot carry a port", "write fanloom-app.fly.dev"),
        ("fanloom-app.fly.dev/app", "without a path", "write fanloom-app.fly.dev"),
        ("äpp.fly.dev", "punycode", "write xn--pp-uia.fly.dev"),
    ],
)
def test_an_origin_written_as_a_url_points_at_origin(project: Path, origin: str, words: str, fix: str) -> None:
    message, got_fix, value = problem_after(project, "origin: fanloom-app.fly.dev", f"origin: {origin}",
                                            "launchready:hostnames.app.origin")
    assert words in message and got_fix.startswith(fix)
    assert value == f'"{origin}"'


def test_a_choice_in_the_wrong_case_gets_its_spelling(project: Path) -> None:
    message, fix, _ = problem_after(project, "plan: business", "plan: Business", "launchready:zone.plan")
    assert "case-sensitive" in message and fix == "write it as 'business'"


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("requestsPerPeriod: 5", "requestsPerPeriod: 0", "launchready:waf.rateLimits[0].requestsPerPeriod",
         "must be at least 1"),
        ("rotationDays: 180", "rotationDays: 180.5", "launchready:secrets.items[1].rotationDays",
         "must be a whole number"),
        ("sessionCookies: [fl_session, fl_remember]", "sessionCookies: []", "launchready:cache.sessionCookies",
         "needs at least 1 item(s)"),
        ("requestsPerPeriod: 5", "requestsPerPeriod: .nan", "launchready:waf.rateLimits[0].requestsPerPeriod",
         "must be a finite number"),
        ("    admin:\n", "    äpi:\n      origin: x.fly.dev\n      purpose: api\n    admin:\n",
         "launchready:hostnames.äpi", "punycode"),
    ],
)
def test_pydantic_wording_never_reaches_the_author(project: Path, old: str, new: str, path: str,
                                                   message: str) -> None:
    got, _, _ = problem_after(project, old, new, path)
    assert message in got
    assert "Input should" not in got and "[key]" not in got


def test_a_missing_key_says_what_to_add(stack_values: Any) -> None:
    values, secret = stack_values("prod")
    del values["launchready:zone"]["plan"]
    del values["launchready:cache"]
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    fixes = {p.path: p.fix for p in info.value.problems}
    assert fixes["launchready:zone.plan"] == "add plan: one of free, pro, business, enterprise"
    assert fixes["launchready:cache"].startswith("add launchready:cache: holding sessionCookies - Cache rules")
