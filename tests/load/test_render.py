"""Rendering of a run: the progress bar only on a terminal, the k6-like text and the Markdown table."""

from __future__ import annotations

import io
import re

from launchready.load.histogram import Recorder
from launchready.load.render import TerminalProgress, render_markdown, render_text
from launchready.load.results import FlowResult, RunResult, StepResult
from launchready.load.runner import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def result() -> RunResult:
    ok, slow = Recorder(), Recorder()
    for ms in range(1, 101):
        ok.record(ms / 1000)
        slow.record(ms / 100, "status 503" if ms > 95 else None)
    flows = [FlowResult("login", "core", 500, 5, [StepResult("sign in", "POST", "/api/session", ok)],
                        origin="https://app.example.com"),
             FlowResult("export data", "reports", 500, 1, [StepResult("export", "GET", "/api/export", slow)],
                        origin="https://app.example.com")]
    return RunResult("staging", None, 2, 10, 30, 20, flows, duration_seconds=40.2)


def test_progress_shows_on_a_terminal_only() -> None:
    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        progress = TerminalProgress(stream)
        progress(Progress(1.0, 10.0, 12, 1, 3))
        progress.finish()
    assert quiet.getvalue() == ""
    assert "12 requests, 1 errors, 3 in flight" in tty.getvalue()


def test_text_summary_names_each_flow_its_threshold_and_why_it_failed() -> None:
    text = render_text(result())
    assert "load against https://app.example.com (stack staging)" in text
    assert "✓ login (core: p95 < 500ms, errors <= 5%)" in text
    assert "✗ export data (reports: p95 < 500ms, errors <= 1%)" in text
    # 950 ms within the histogram's 0.1%
    assert re.search(r"FAILED: p95 95\d\.\d+ ms > 500 ms \(reports\)", text) and "FAILED: error rate 5% > 1%" in text
    assert "[status 503: 5]" in text
    assert text.endswith("FAILED: export data breached a threshold")


def test_markdown_has_one_row_per_flow_with_its_verdict() -> None:
    md = render_markdown(result())
    rows = [line for line in md.splitlines() if line.startswith("| login") or line.startswith("| export")]
    assert rows[0].endswith("| 500ms | pass |")
    assert re.search(r"\*\*fail\*\*: p95 95\d\.\d+ ms > 500 ms \(reports\); error rate 5% > 1%", rows[1])
