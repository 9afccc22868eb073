"""The bounded YAML reader: what a hand-edited (or hostile) stack file can do to it."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchready.stackyaml import MAX_BYTES, MAX_DEPTH, YamlProblem, YamlRefused, load


def refused(text: str | bytes) -> list[YamlProblem]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(YamlRefused) as info:
        load(data)
    return info.value.problems


def test_billion_laughs_is_refused_fast_without_expanding() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 9)}]")
    start = time.perf_counter()
    [problem] = refused("\n".join(lines))
    assert time.perf_counter() - start < 5.0  # a hang guard only: the work bound is the line it stopped at
    assert "expands to more than" in problem.message
    assert problem.line == 5  # the first level past the bound (9**5 values), not the last line


def test_alias_inside_its_own_anchor_is_refused() -> None:
    [problem] = refused("config:\n  launchready:dns: &loop\n    extra: [*loop]\n")
    assert "refers to the anchor it is inside of" in problem.message
    assert problem.line == 3


def test_deep_nesting_is_refused_with_a_line() -> None:
    [problem] = refused("x: " + "[" * 5000 + "]" * 5000)
    assert f"more than {MAX_DEPTH} levels" in problem.message
    block = "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"
    [problem] = refused(block)
    assert "levels deep" in problem.message


def test_aliases_cannot_stack_past_the_depth_bound() -> None:
    deep = "[" * 40 + "x" + "]" * 40
    problems = refused(f"a: &a {deep}\nb: &b [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n")
    assert "once aliases are expanded" in problems[0].message


def test_a_4301_digit_integer_names_its_key() -> None:
    [problem] = refused("config:\n  launchready:waf:\n    rateLimits:\n      - requestsPerPeriod: " + "9" * 4301)
    assert problem.key == "launchready:waf.rateLimits[0].requestsPerPeriod"
    assert "4301-digit" in problem.message and "quoted" in problem.fix


def test_tags_other_than_plain_values_are_refused_naming_the_key() -> None:
    text = (
        "config:\n"
        "  launchready:zone:\n"
        "    zoneId: !!binary aGVsbG8=\n"
        "  launchready:cache:\n"
        "    sessionCookies: !!set {a, b}\n"
        "  launchready:secrets:\n"
        "    createdOn: 2024-01-31\n"
        "  launchready:tls: !!python/object:os.system {}\n"
        "  launchready:dns: !custom thing\n"
    )
    problems = refused(text)
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {
        "launchready:zone.zoneId",
        "launchready:cache.sessionCookies",
        "launchready:secrets.createdOn",
        "launchready:tls",
        "launchready:dns",
    }
    assert "binary" in by_key["launchready:zone.zoneId"].message
    assert "set" in by_key["launchready:cache.sessionCookies"].message
    assert "date" in by_key["launchready:secrets.createdOn"].message
    assert "quoted" in by_key["launchready:secrets.createdOn"].fix
    assert "Python object" in by_key["launchready:tls"].message
    assert by_key["launchready:dns"].line == 9


def test_keys_written_twice_name_both_lines_at_any_depth() -> None:
    text = "config:\n  launchready:hostnames:\n    www: {origin: a.example.com}\n    www: {origin: b.example.com}\n"
    [problem] = refused(text)
    assert problem.key == "launchready:hostnames.www"
    assert "lines 3 and 4" in problem.message
    assert problem.line == 4


def test_quoted_and_plain_spellings_of_a_key_are_the_same_key() -> None:
    [problem] = refused('a: 1\n"a": 2\n')
    assert "lines 1 and 2" in problem.message


def test_merge_keys_may_be_overridden() -> None:
    doc = load(b"base: &b {owner: growth, proxied: true}\nhost: {<<: *b, owner: platform}\n")
    assert doc.value["host"] == {"owner": "platform", "proxied": True}


def test_invalid_utf8_names_line_and_column_and_a_bom_is_fine() -> None:
    [problem] = refused(b"config:\n  launchready:x: caf\xe9\n")
    assert (problem.line, problem.column) == (2, 21)  # the byte after "caf"
    assert "UTF-8" in problem.message
    assert load(b"\xef\xbb\xbfa: b\n").value == {"a": "b"}


def test_scalars_resolve_as_yaml_1_2_like_the_pulumi_cli() -> None:
    value = load(b"a: yes\nb: off\nc: 0x1F\nd: 1.3\ne: ~\nf: True\ng: '012'\n").value
    assert value == {"a": "yes", "b": "off", "c": 31, "d": 1.3, "e": None, "f": True, "g": "012"}
    [problem] = refused("port: 0123\n")
    assert "leading zero" in problem.message


def test_size_is_bounded_before_parsing() -> None:
    [problem] = refused(b"a: " + b"x" * (MAX_BYTES + 1))
    assert "larger than" in problem.message and "bytes" in problem.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: [b\n", "YAML syntax error"),
        ("a:\n\tb: c\n", "tab"),
        ("a: 1\n---\nb: 2\n", "more than one YAML document"),
        ("a: \x07\n", "#x0007"),
        ("? [a, b]\n: c\n", "a key must be plain text"),
    ],
)
def test_malformed_documents_give_one_located_problem(text: str, words: str) -> None:
    problems = refused(text)
    assert any(words in p.message for p in problems)
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


#: Wall-clock limits are only a hang guard (the box is shared); the work bound is where reading stopped.
HANG_GUARD_S = 5.0


@pytest.mark.parametrize(
    ("data", "stopped_by"),
    [(b"- a\n" * 100_000, (10_000, 3)), (b"[" + b"a," * 200_000 + b"]", (1, 20_000)),
     (b"".join(b"k%d: &a%d [1]\n" % (i, i) for i in range(20_000)), (3_334, 1))],
    ids=["long list", "long flow list", "many anchors"],
)
def test_a_huge_document_is_refused_at_the_value_bound(data: bytes, stopped_by: tuple[int, int]) -> None:
    start = time.perf_counter()
    [problem] = refused(data)
    assert time.perf_counter() - start < HANG_GUARD_S
    assert "expands to more than 10,000 values" in problem.message
    assert (problem.line, problem.column) <= stopped_by  # stopped at the bound, not at the end of the document


def test_deep_flow_nesting_is_refused_before_the_scanner_slows_down() -> None:
    start = time.perf_counter()
    [problem] = refused("config:\n  launchready:dns: " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert time.perf_counter() - start < HANG_GUARD_S
    assert (problem.line, problem.column) == (2, 20 + MAX_DEPTH)  # the first bracket past the bound


def test_brackets_in_words_quotes_and_comments_open_nothing() -> None:
    text = "".join(f"k{i}: a[b  # {'[' * 80}\n" for i in range(80)) + "q: '" + "{" * 80 + "'\n"
    assert load(text.encode()).value["q"] == "{" * 80


_BITS = st.sampled_from(["&a ", "*a", "<<: *a", "!!binary ", "!!set ", "!x ", "[", "]", "{", "}", ": ", "- ", "? ",
                         "---\n", "'", '"', "\\", "\t", "# c", "|\n", ">\n", "\n", "  ", "0x1F", "1e999", "~", "k",
                         "2024-01-01", "\ufeff", "\x00", "é", "9" * 25, "%YAML 1.1\n", "!!python/name:os.system "])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(st.binary(max_size=400), st.lists(_BITS, max_size=40).map(lambda b: "".join(b).encode())))
def test_any_bytes_load_or_are_refused_with_a_location(data: bytes) -> None:
    try:
        load(data)
    except YamlRefused as exc:
        assert exc.problems and all(p.line >= 1 and p.column >= 1 and p.message for p in exc.problems)


@pytest.mark.parametrize("escape", ["\\u001b[31m", "\\x07", "\\u0085", "\\u202e", "\\x7f"])
def test_control_characters_in_values_are_refused_naming_the_key(escape: str) -> None:
    [problem] = refused(f'config:\n  launchready:hostnames:\n    www: {{purpose: "redir{escape}ects"}}\n')
    assert problem.key == "launchready:hostnames.www.purpose" and "control character" in problem.message


def test_tabs_and_newlines_in_values_are_fine() -> None:
    assert load(b'a: "one\\ttwo\\nthree"\n').value == {"a": "one\ttwo\nthree"}
