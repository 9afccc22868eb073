"""URLs in verify/smoke output never carry a password or token; ordinary URLs stay as they are."""

from __future__ import annotations

import json

import pytest

from launchready.probe.model import Report, fail
from launchready.probe.redact import redact_text, redact_url
from launchready.probe.render import render_json, render_markdown, render_text
from launchready.probe.sarif import report_sarif

KEY = "sk_live_QA123CANARY456"  # pragma: allowlist secret


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:hunter2QAxx@example.com/", "https://***@example.com/"),  # pragma: allowlist secret
        (f"https://example.com/?token={KEY}", "https://example.com/?token=***"),
        ("https://example.com/a?page=2&api_key=abc&X-Amz-Signature=f00d&q=shoes",
         "https://example.com/a?page=2&api_key=***&X-Amz-Signature=***&q=shoes"),
        (f"https://example.com/?next=%2Fhome&v={KEY}#access_token=abc",
         "https://example.com/?next=%2Fhome&v=***#access_token=***"),
        ("https://hooks.slack.com/services/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",  # pragma: allowlist secret
         "https://hooks.slack.com/***"),
        ("https://app.example.com/2024-annual-report-v2?page=3",
         "https://app.example.com/2024-annual-report-v2?page=3"),
        ("https://example.com:8443/login", "https://example.com:8443/login"),
    ],
)
def test_a_url_is_shown_without_its_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_urls_inside_a_sentence_are_redacted_and_its_punctuation_kept() -> None:
    text = "not HTTPS: http://u:pw1234@a.example/x?key=1, https://b.example/."  # pragma: allowlist secret
    assert redact_text(text) == "not HTTPS: http://***@a.example/x?key=***, https://b.example/."


def test_every_renderer_shows_the_redacted_url() -> None:
    url = f"https://deploy:{KEY}@app.example.com/login?token=QA123CANARYtok789"
    report = Report([fail("smoke.url", url, f"answered 500 at {url}", url=url, hops=[url])])
    outputs = [render_text(report, title="smoke"), render_json(report), render_markdown(report, title="smoke"),
               json.dumps(report_sarif(report, tool="launchready smoke"))]
    for out in outputs:
        assert "QA123CANARY" not in out
        assert "https://***@app.example.com/login?token=***" in out
