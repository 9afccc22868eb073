"""Rendering the daily report: text for a terminal, Markdown for a chat or an issue, JSON for machines."""

from __future__ import annotations

import json
from typing import Any

from launchready.report.model import DailyReport, percent_down


def _num(value: float | None, fmt: str = "{:.0f}", missing: str = "no data") -> str:
    return missing if value is None else fmt.format(value)


def _mark(flagged: bool) -> str:
    return "FLAG" if flagged else "ok"


def render_json(report: DailyReport, extra: dict[str, Any] | None = None) -> str:
    """The report document; `extra` adds fields (the command's `root` and `stackFile`)."""
    return json.dumps({**report.to_json(), **(extra or {})}, indent=2)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _rows(report: DailyReport) -> dict[str, tuple[list[str], list[list[str]]]]:
    e, d = report.errors, report.deploys
    latency = [
        [r.route_class, r.error or _num(r.p95_ms, "{:.0f} ms"), f"{r.threshold_ms} ms", _mark(r.flagged)]
        for r in report.latency
    ]
    errors = [[
        " + ".join(e.metrics),
        e.error or _num(e.count), _num(e.requests), _num(e.rate_percent, "{:.2f}%", "n/a"),
        f"{e.threshold_percent:g}%", _num(e.failed_jobs), _mark(e.flagged),
    ]]
    uptime = [
        [u.check, u.url, u.error or (percent_down(u.uptime_percent) if u.uptime_percent is not None else "no data"),
         f"{u.target_percent:g}%", _mark(u.flagged)]
        for u in report.uptime
    ]
    alarms = [[a.at.isoformat(timespec="seconds"), a.name, a.region, a.reason] for a in report.alarms.fired]
    return {
        "latency": (["route class", "p95", "threshold", "status"], latency),
        "errors": (["5xx metrics", "errors", "requests", "error rate", "threshold", "failed jobs", "status"], errors),
        "uptime": (["check", "url", "uptime", "target", "status"], uptime),
        "alarms": (["at (UTC)", "alarm", "region", "reason"], alarms),
        "deploys": (["metric", "deploys"], [[f"{d.namespace} {d.metric} Stack={report.stack}",
                                             d.error or _num(d.count)]]),
    }


def render_markdown(report: DailyReport) -> str:
    tables = _rows(report)
    verdict = "all within thresholds" if report.ok else f"{len(report.flags)} flagged"
    lines = [f"# Daily report: {report.project} {report.stack}, {report.day.isoformat()} (UTC)", "",
             f"**{verdict}.** Metrics source: {report.metrics_source}, region {report.region}.", ""]
    if report.flags:
        lines += [f"- {flag}" for flag in report.flags] + [""]
    for title, key in (("p95 latency per route class", "latency"), ("Errors", "errors"), ("Deploys", "deploys"),
                       ("Uptime per health check", "uptime")):
        lines += [f"## {title}", "", *_md_table(*tables[key]), ""]
    for row in report.latency:
        if row.note:
            lines += [f"Note: {row.note}.", ""]
            break
    lines += ["## Alarms that fired", ""]
    if report.alarms.fired:
        lines += [*_md_table(*tables["alarms"]), ""]
    else:
        lines += ["None.", ""]
    lines += [f"Note: {n}." for n in report.alarms.notes]
    lines += [f"Error: {err}." for err in report.alarms.errors]
    return "\n".join(lines).rstrip() + "\n"


def _text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return ["  " + fmt.format(*header).rstrip(), *("  " + fmt.format(*row).rstrip() for row in rows)]


def render_text(report: DailyReport) -> str:
    tables = _rows(report)
    lines = [f"Daily report for {report.project} {report.stack} on {report.day.isoformat()} (UTC)",
             f"metrics: {report.metrics_source} in {report.region}; uptime from Route 53 in us-east-1", ""]
    for title, key in (("p95 latency", "latency"), ("errors", "errors"), ("deploys", "deploys"),
                       ("uptime", "uptime")):
        lines += [f"{title}:", *_text_table(*tables[key]), ""]
    lines.append("alarms that fired:")
    if report.alarms.fired:
        lines += _text_table(*tables["alarms"])
    else:
        lines.append("  none")
    lines += [f"  note: {n}" for n in report.alarms.notes] + [f"  error: {e}" for e in report.alarms.errors]
    lines.append("")
    if report.flags:
        lines.append(f"{len(report.flags)} flagged:")
        lines += [f"  - {flag}" for flag in report.flags]
    else:
        lines.append("all within thresholds")
    return "\n".join(lines) + "\n"
