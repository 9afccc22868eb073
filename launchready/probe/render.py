"""Rendering a Report: a readable table for people, JSON for machines, and progress on a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from launchready.probe.model import Report, Status
from launchready.probe.redact import redact_report

MARK = {Status.passed: "PASS", Status.warn: "WARN", Status.fail: "FAIL"}


def render_json(report: Report, extra: dict[str, Any] | None = None) -> str:
    """The report's JSON, plus `extra` top-level fields (with a stack: `root` and `stackFile`)."""
    report = redact_report(report)
    return json.dumps({**report.to_json(), **(extra or {})}, indent=2, default=str)


def render_text(report: Report, *, title: str = "verify") -> str:
    report = redact_report(report)
    if not report.checks:
        return f"{title}: no checks ran"
    id_width = max(len(c.id) for c in report.checks)
    target_width = min(max(len(c.target) for c in report.checks), 40)
    lines = []
    for check in report.checks:
        lines.append(f"{MARK[check.status]}  {check.id:<{id_width}}  {check.target:<{target_width}}  {check.summary}")
    lines += _risk_lines(report)
    s = report.summary
    verdict = "FAILED" if report.failed else "ok"
    lines.append("")
    lines.append(f"{title} {verdict}: {s['pass']} passed, {s['warn']} warnings, {s['fail']} failed")
    return "\n".join(lines)


def _risk_lines(report: Report) -> list[str]:
    risks = report.risks
    if not risks:
        return []
    lines = ["", "Risks, most costly first (fix in this order):"]
    cost = None
    for risk in risks:
        if (risk["status"], risk["cost"]) != cost:
            cost = (risk["status"], risk["cost"])
            label = "fails" if risk["status"] == "fail" else "warnings"
            lines.append(f"  {risk['cost']} ({label}):")
        lines.append(f"    {risk['rank']:>2}. {risk['check']} {risk['target']}: {risk['summary']}")
        lines.append(f"        fix: {risk['fix']}")
    return lines


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_markdown(report: Report, *, title: str = "verify") -> str:
    """A report for a pull request or a handover: the verdict, the ranked risks, then every check."""
    report = redact_report(report)
    s = report.summary
    verdict = "**FAILED**" if report.failed else "ok"
    out = [f"## `{title}`: {verdict}", "", f"{s['pass']} passed, {s['warn']} warnings, {s['fail']} failed.", ""]
    risks = report.risks
    if risks:
        out += ["### Risks, most costly first", "", "| # | cost | status | check | target | finding | fix |",
                "|---|---|---|---|---|---|---|"]
        out += [
            f"| {r['rank']} | {r['cost']} | {r['status']} | `{r['check']}` | {_cell(r['target'])} | "
            f"{_cell(r['summary'])} | {_cell(r['fix'])} |"
            for r in risks
        ]
        out.append("")
    out += ["### Checks", "", "| status | check | target | result |", "|---|---|---|---|"]
    out += [
        f"| {MARK[c.status]} | `{c.id}` | {_cell(c.target)} | {_cell(c.summary)} |" for c in report.checks
    ]
    return "\n".join(out)


class TerminalProgress:
    """`done/total checks` on one rewritten line of stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO | None = None, label: str = "checks") -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.enabled = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            self.stream.write(f"\r{done}/{total} {self.label}")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
