"""launchready/diagram/mermaid.py: every label survives any text; the test grammar is strict."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchready.diagram.mermaid import Flowchart, label
from tests.diagram.mermaid_grammar import MermaidError, parse

ODD = [
    'say "hi" [x] (y) {z} | a; b',
    "C# #quot; #35; &amp; <b>bold</b> <script>alert(1)</script>",
    "`code` ``` fence",
    "%% not a comment --> n1 end subgraph %%{init: {'theme': 'dark'}}%%",
    "ünïcödé ☃ 日本語 \u200b zero-width",
    "tab\tand\x00nul and\x7fdel",
]


def _normalised(text: str) -> str:
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        clean = "".join(" " if (ord(c) < 32 and c != "\n") or c in "\x7f\u2028\u2029" else c for c in line)
        if clean.strip():
            lines.append(clean.strip())
    return "\n".join(lines)


@pytest.mark.parametrize("text", ODD)
def test_odd_labels_parse_and_read_back_as_written(text: str) -> None:
    chart = Flowchart()
    a = chart.node(text)
    b = chart.node(text, shape="cylinder", css="added")
    chart.edge(a, b, text=text)
    parsed = parse(chart.render())
    assert parsed.nodes[a] == _normalised(text)
    assert parsed.edges[0][2] == _normalised(text)
    assert parsed.css(b) == {"added"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_one_quoted_label_that_decodes_to_itself(text: str) -> None:
    chart = Flowchart()
    node = chart.node(text)
    chart.open(text)
    chart.node("inside")
    chart.close()
    parsed = parse(chart.render())
    assert parsed.nodes[node] == _normalised(text)
    assert label(text).count('"') == 2


def test_lines_become_breaks() -> None:
    assert label("one\ntwo\n\n three ") == '"one<br/>two<br/>three"'


@pytest.mark.parametrize("bad", [
    'flowchart LR\n    n1["say "hi""]',                       # raw quote
    "flowchart LR\n    n1[\"a <b>b</b>\"]",                     # raw HTML
    'flowchart LR\n    n1["C# sharp"]',                         # stray #
    'flowchart LR\n    n1["`md`"]',                             # backtick
    'flowchart LR\n    n1["%%{init: {}}%%"]',                   # directive
    'flowchart LR\n    n1["a"]\n    n1 --> n2',                 # undeclared node
    'flowchart LR\n    n1["a"]\n    n1["b"]',                   # declared twice
    'flowchart LR\n    n1["a")',                                # shape mismatch
    'flowchart LR\n    subgraph s1["x"]\n    n1["a"]',          # unclosed subgraph
    'flowchart LR\n    n1["a"]\n    end',                       # end without subgraph
    'flowchart LR\n    end["a"]',                               # keyword id
    'flowchart LR\n    n1[a]',                                  # unquoted label
    'flowchart LR\n    n1["a"]\n    n1 -> n1',                  # bad arrow
    'flowchart LR\n    n1["a"]\n    class n1 added',            # class without classDef
    'graph LR\n    n1["a"]',                                    # other header
    'flowchart LR\n    n1["a"] --> n2["b"]',                    # inline declaration (not emitted)
    "flowchart LR",                                             # no nodes
])
def test_the_grammar_rejects_malformed_charts(bad: str) -> None:
    with pytest.raises(MermaidError):
        parse(bad)


def test_keyed_nodes_keep_their_id_across_charts_and_never_collide() -> None:
    one, two = Flowchart(), Flowchart()
    two.node("first in the other chart")
    assert one.node("a", key="host:app.example.com") == two.node("b", key="host:app.example.com")
    again = one.node("c", key="host:app.example.com")
    assert again != one.node("d", key="host:www.example.com")
    chart = parse(one.render())
    assert len(chart.nodes) == 3 and again.endswith("_2")
