"""The scenario model: what users write is accepted or refused with the key named and no value of a secret
shown; any YAML-shaped document is either a Scenario or a ScenarioError, never another exception."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchready.load.scenario import ScenarioError, load_scenario, parse_scenario
from launchready.load.schedule import WeightedPicker, arrival_offsets, expected_arrivals


def flows(step: dict[str, Any], **flow: Any) -> dict[str, Any]:
    return {"flows": [{"name": "login", "routeClass": "core", **flow, "steps": [{"name": "s", **step}]}]}


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(doc)
    return info.value.problems


def test_what_users_write_loosely_is_read_as_they_meant() -> None:
    sc = parse_scenario(flows({"method": "post", "path": "/login", "expect": "201",
                               "headers": {"X-Retry": 3, "X-Debug": True}, "form": {"remember": True}}))
    step = sc.flows[0].steps[0]
    assert (step.method, step.expect, step.headers, step.form) == ("POST", [201], {"X-Retry": "3", "X-Debug": "true"},
                                                                   {"remember": "true"})
    cookie = parse_scenario({"flows": [{"name": "f", "routeClass": "core", "steps": [
        {"name": "in", "path": "/s", "capture": {"session": {"cookie": "fl_session"}}},
        {"name": "me", "path": "/me", "headers": {"Cookie": "fl_session=${session}; theme=${session}"}}]}]})
    assert cookie.flows[0].steps[1].headers["Cookie"] == "fl_session=${session}; theme=${session}"
    classes = parse_scenario(flows({"path": "/", "expect": ["2xx", 302]})).flows[0].steps[0].expect
    assert classes == [*range(200, 300), 302]
    snake = parse_scenario({"flows": [{"name": "x", "route_class": "core", "steps": [{"name": "s", "path": "/"}]}]})
    assert snake.flows[0].route_class == "core"


@pytest.mark.parametrize(("doc", "expected"), [
    (flows({"path": "login"}), "flows[0].steps[0].path: a path starts with /"),
    (flows({"path": "/export?key=sk_" + "live_4eC39HqLyjWDarjtT1zdp7dc"}),
     "flows[0].steps[0].path: holds what looks like a credential ("),
    (flows({"path": "/", "json": {"note": "xoxb-" + "263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1"}}),
     "flows[0].steps[0].json.note: holds what looks like a credential"),
    (flows({"path": "/", "capture": {"id": "data.id"}}), "flows[0].steps[0].capture.id: Input should be"),
    (flows({"path": "/", "headers": {"X-A": "1\r\nX-Injected: 1"}}),
     "flows[0].steps[0].headers: X-A: a header value cannot hold a line break"),
    (flows({"path": "/", "headers": {"Bad Name": "1"}}), "flows[0].steps[0].headers: 'Bad Name' is not a header"),
    (flows({"path": "/", "headers": {"X-City": "東京"}}), "flows[0].steps[0].headers: X-City: header values must be"),
    (flows({"path": "/", "capture": {"id": {"json": "a", "header": "b"}}}),
     "flows[0].steps[0].capture.id: give exactly one of cookie, json, header"),
    (flows({"path": "/", "json": {"a": 1}, "body": "x"}), "flows[0].steps[0]: give at most one of json, form, body"),
    ({**flows({"path": "/"}), "credentials": {"password": "hunter2hunter2"}},
     "credentials: password: give where the value comes from"),
    ({**flows({"path": "/"}), "load": {"rampSeconds": 800, "holdSeconds": 200}},
     "load: rampSeconds + holdSeconds may be at most 900"),
    ({"flows": []}, "flows: needs at least 1 item"),
    ({"flows": [{"name": "a", "routeClass": "core", "steps": [{"name": "s", "path": "/"}]},
                {"name": "a", "routeClass": "core", "steps": [{"name": "s", "path": "/"}]}]},
     "flows: the name 'a' is used twice"),
    (flows({"path": "/", "body": "email=a@b.c&password=hunter2hunter2"}),
     "flows[0].steps[0].body: a literal password in a form body"),
    (flows({"path": "/", "headers": {"Cookie": "fl_session=abcdef"}}),
     "flows[0].steps[0].headers.Cookie: a literal secret"),
])
def test_bad_scenarios_name_the_key(doc: dict[str, Any], expected: str) -> None:
    found = problems(doc)
    assert any(p.startswith(expected) for p in found), found
    assert not any(secret in p for p in found for secret in ("hunter2hunter2", "abcdef", "sk_live", "xoxb"))


def test_the_fix_for_a_literal_header_secret_can_be_followed_as_written() -> None:
    literal = flows({"path": "/", "headers": {"X-Api-Key": "QA123CANARYplainvalue"}})
    [found] = problems(literal)
    assert "QA123CANARY" not in found
    fix = re.search(r"fix: add credentials: \{(\w+): \{env: (\w+)\}\} and write \"(\$\{\w+\})\"", found)
    assert fix is not None, found
    name, env, template = fix.groups()
    assert (name, env, template) == ("x_api_key", "LOADTEST_X_API_KEY", "${x_api_key}")
    followed = {"credentials": {name: {"env": env}}, **flows({"path": "/", "headers": {"X-Api-Key": template}})}
    assert parse_scenario(followed).credentials[name].env == env  # type: ignore[union-attr]


def test_unusable_credential_names_get_a_valid_name_in_words() -> None:
    found = problems({"credentials": {"x-api-key": {"env": "LOADTEST_X-API-KEY"}},
                      **flows({"path": "/", "headers": {"X-Api-Key": "${x-api-key}"}})})
    assert found[:2] == [
        "credentials.x-api-key: 'x-api-key' is not usable as a credential name (letters, digits and _, not "
        "starting with a digit: it is written ${name}); fix: call it x_api_key",
        "credentials.x-api-key.env: 'LOADTEST_X-API-KEY' is not an environment variable name (letters, digits "
        "and _, not starting with a digit); fix: env: LOADTEST_X_API_KEY"]
    joined = " | ".join(found)
    assert "should match pattern" not in joined and "Field required" not in joined
    assert "not a scenario key" not in joined  # the {secret: ...} shape the user did not mean is not tried
    empty = problems({"credentials": {"k": {}}, **flows({"path": "/"})})
    assert empty == ["credentials.k: give where the value comes from, {env: VARIABLE} (the environment) or "
                     "{secret: SECRET_ID, field: KEY} (AWS Secrets Manager)"]


def test_a_missing_key_says_what_to_add_with_the_stacks_route_classes() -> None:
    doc = {"flows": [{"name": "browse", "steps": [{"path": "/"}]}]}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(doc, route_classes=["checkout", "core", "reports"])
    assert info.value.problems == [
        "flows[0].routeClass: required key is missing: add routeClass: checkout|core|reports (a route class of "
        "the stack's monitoring.routeClasses)",
        "flows[0].steps[0].name: required key is missing: add name: <a short name shown in the summary>"]
    assert "add routeClass: core|reports|..." in problems(doc)[0]  # without a stack: the defaults


def test_templates_may_use_credentials_and_earlier_captures_only() -> None:
    doc = {"credentials": {"password": {"env": "PW"}}, "flows": [{"name": "f", "routeClass": "core", "steps": [
        {"name": "in", "path": "/s", "json": {"password": "${password}"}, "capture": {"id": {"json": "id"}}},
        {"name": "use", "path": "/r/${id}", "headers": {"Authorization": "Bearer ${token}"}},
    ]}]}
    assert problems(doc) == ["flows[0].steps[1].headers.Authorization: ${token} is neither a credential nor "
                             "captured by an earlier step of this flow (known: id, password)"]


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=3), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["host", "load", "credentials", "flows", "other"]), json_values, max_size=4))
def test_any_document_is_a_scenario_or_a_scenario_error(doc: dict[str, Any]) -> None:
    try:
        parse_scenario(doc)
    except ScenarioError as exc:
        assert exc.problems and all(isinstance(p, str) and ": " in p for p in exc.problems)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.5, 200), st.floats(0, 20), st.floats(0.5, 20))
def test_arrivals_are_ordered_within_the_run_and_match_the_rate(rate: float, ramp: float, hold: float) -> None:
    times = list(arrival_offsets(rate, ramp, hold))
    assert times == sorted(times) and all(0 <= t < ramp + hold for t in times)
    assert abs(len(times) - rate * (ramp / 2 + hold)) <= 2  # the area under the rate line
    assert expected_arrivals(rate, ramp, hold) == len(times)


def test_weights_split_arrivals_exactly() -> None:
    picker = WeightedPicker([3, 2, 2, 1, 1])
    picks = [picker.next() for _ in range(90)]
    assert [picks.count(i) for i in range(5)] == [30, 20, 20, 10, 10]
    assert picks[:9].count(0) == 3  # spread within each round, not bunched


def test_a_file_with_a_key_written_twice_or_an_alias_bomb_is_refused_with_its_line(tmp_path: Path) -> None:
    twice = tmp_path / "twice.yaml"
    twice.write_text("flows:\n  - name: a\n    routeClass: core\n    routeClass: reports\n    steps: []\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(twice)
    assert info.value.problems[0].startswith("line 4:")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)))
    with pytest.raises(ScenarioError) as info:
        load_scenario(bomb)
    assert info.value.problems[0].startswith("line ")
