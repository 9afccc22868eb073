"""Whatever a file holds, the scan's own readers (stack files, public ids, base64, hostile-YAML guard) return
findings or nothing: never an exception, and never a value in what they return."""

from __future__ import annotations

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchready.scan import encoded
from launchready.scan.detector import settings as detect_settings
from launchready.scan.publicids import adopt_file_values, public_values
from launchready.scan.stackfiles import scan_stack_text, with_fixes
from launchready.scan.yamlguard import refusal

_YAMLISH = st.text(st.sampled_from(list("config:\n -[]{}&*!|>'\"#=,.abcXYZ019_/+")), max_size=400)
_ANY = st.one_of(_YAMLISH, st.text(max_size=400))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_ANY)
def test_stack_file_readers_never_raise(text: str) -> None:
    findings = scan_stack_text("Pulumi.prod.yaml", text, "tree")
    assert with_fixes(findings, "Pulumi.prod.yaml", text) == findings or findings == []
    assert isinstance(public_values(text), set)
    assert isinstance(adopt_file_values(text), set)
    assert refusal("Pulumi.prod.yaml", text) is None or isinstance(refusal("Pulumi.prod.yaml", text), str)
    for f in findings:
        assert f.hashed_secret and (f.key or "") not in ("", None) and f.fix


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=_ANY, prefix=st.text(max_size=20), wrap=st.integers(min_value=0, max_value=80))
def test_base64_reader_never_raises_and_shows_no_value(payload: str, prefix: str, wrap: int) -> None:
    blob = base64.b64encode(payload.encode("utf-8", "surrogatepass")).decode()
    if wrap >= 4:
        blob = "\n".join(blob[i:i + wrap] for i in range(0, len(blob), wrap))
    lines = list(enumerate((prefix + blob).splitlines(), start=1))
    with detect_settings(None):
        found = encoded.scan_lines("file.txt", lines, "tree")
    for f in found:
        assert f.type.endswith(encoded.SUFFIX) and 1 <= f.line <= max(1, len(lines))
        assert payload not in repr(f) or len(payload) < 8
