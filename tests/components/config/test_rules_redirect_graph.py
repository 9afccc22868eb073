"""Redirects checked as a graph: legacy rules in order (first match answers), then the canonical host."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, parse_config

BARE_PATH = "itself, which old links use too"


def problems_for(stack_values: Any, legacy: list[dict[str, str]], canonical: str = "apex",
                 bare_path: bool = False) -> list[Any]:
    """The redirect problems; those of the "/x/* without /x" rule only when `bare_path` (it is tested alone)."""
    values, secret = stack_values("prod")
    values["launchready:redirects"] = {"canonical": canonical, "legacy": legacy}
    try:
        parse_config(values, secret)
    except ConfigError as exc:
        return [p for p in exc.problems
                if p.path.startswith("launchready:redirects") and (bare_path or BARE_PATH not in p.message)]
    return []


def test_the_example_redirects_are_accepted(stack_values: Any) -> None:
    assert problems_for(stack_values, [
        {"from": "/pricing.html", "to": "/pricing"},
        {"from": "/blog", "to": "/journal"},
        {"from": "/blog/*", "to": "/journal/${1}"},
        {"from": "/creators/signup", "to": "https://app.fanloom.io/signup"},
    ]) == []


def test_a_path_redirected_to_itself_is_a_loop(stack_values: Any) -> None:
    [p] = problems_for(stack_values, [{"from": "/pricing", "to": "/pricing"}])
    assert p.path == "launchready:redirects.legacy[0].to"
    assert "redirects to itself" in p.message and "too many redirects" in p.message


def test_an_absolute_url_to_itself_is_a_loop(stack_values: Any) -> None:
    [p] = problems_for(stack_values, [{"from": "/pricing", "to": "https://fanloom.io/pricing"}])
    assert "redirects to itself" in p.message


def test_two_rules_pointing_at_each_other_loop(stack_values: Any) -> None:
    found = problems_for(stack_values, [{"from": "/old", "to": "/new"}, {"from": "/new", "to": "/old"}])
    assert {p.path for p in found} == {"launchready:redirects.legacy[0].to", "launchready:redirects.legacy[1].to"}
    assert all("loops: /old -> /new -> /old" in p.message or "loops: /new -> /old -> /new" in p.message
               for p in found)


def test_a_wildcard_whose_target_matches_itself_never_ends(stack_values: Any) -> None:
    [p] = problems_for(stack_values, [{"from": "/blog/*", "to": "/blog/archive/${1}"}])
    assert p.path == "launchready:redirects.legacy[0].to"
    assert 'matches "/blog/*" again' in p.message
    assert 'outside "/blog/"' in p.fix


def test_wildcards_match_case_insensitively_as_cloudflare_does(stack_values: Any) -> None:
    [p] = problems_for(stack_values, [{"from": "/Blog/*", "to": "/blog/new/${1}"}])
    assert "again" in p.message


def test_a_legacy_url_sent_to_the_other_spelling_of_the_host(stack_values: Any) -> None:
    [p] = problems_for(stack_values, [{"from": "/a", "to": "https://www.fanloom.io/b"}])
    assert "points at www.fanloom.io, which redirects to the canonical host fanloom.io" in p.message
    assert '"/b"' in p.fix
    # the same path on the other spelling comes straight back: a loop
    [p] = problems_for(stack_values, [{"from": "/a", "to": "https://www.fanloom.io/a"}])
    assert "loops" in p.message
    # canonical www: the apex is the other spelling
    [p] = problems_for(stack_values, [{"from": "/a", "to": "https://fanloom.io/b"}], canonical="www")
    assert "points at fanloom.io" in p.message


def test_a_chain_of_legacy_rules_is_two_hops(stack_values: Any) -> None:
    [p] = problems_for(stack_values, [{"from": "/a", "to": "/b"}, {"from": "/b", "to": "/c"}])
    assert p.path == "launchready:redirects.legacy[0].to"
    assert "2 hops: /a -> /b -> /c" in p.message and '"/c"' in p.fix


def test_a_rule_shadowed_by_an_earlier_wildcard_is_refused(stack_values: Any) -> None:
    found = problems_for(stack_values, [
        {"from": "/blog/*", "to": "/journal/${1}"},
        {"from": "/blog/launch-post", "to": "/journal/hello"},
        {"from": "/blog/2019/*", "to": "/archive/${1}"},
    ])
    assert [(p.path, p.value) for p in found] == [
        ("launchready:redirects.legacy[1].from", '/blog/launch-post'),
        ("launchready:redirects.legacy[2].from", '/blog/2019/*'),
    ]
    assert all("can never fire" in p.message and "move it above legacy[0]" in p.fix for p in found)


def test_the_same_rules_in_the_right_order_are_fine(stack_values: Any) -> None:
    assert problems_for(stack_values, [
        {"from": "/blog/launch-post", "to": "/journal/hello"},
        {"from": "/blog/2019/*", "to": "/archive/${1}"},
        {"from": "/blog/*", "to": "/journal/${1}"},
    ]) == []


def test_external_targets_are_not_followed(stack_values: Any) -> None:
    assert problems_for(stack_values, [{"from": "/docs/*", "to": "https://docs.example.com/docs/${1}"}]) == []


@pytest.mark.parametrize(
    ("legacy", "flagged"),
    [
        ([{"from": "/blog/*", "to": "/journal/${1}"}], True),
        ([{"from": "/blog", "to": "/journal"}, {"from": "/blog/*", "to": "/journal/${1}"}], False),
        ([{"from": "/blog*", "to": "/journal${1}"}], False),
    ],
)
def test_a_section_wildcard_without_its_bare_path(stack_values: Any, legacy: list[dict[str, str]],
                                                  flagged: bool) -> None:
    found = problems_for(stack_values, legacy, bare_path=True)
    assert bool(found) is flagged
    if flagged:
        [p] = found
        assert p.path == "launchready:redirects.legacy[0].from"
        assert 'not "/blog" itself' in p.message and '{from: "/blog", to: ...}' in p.fix
