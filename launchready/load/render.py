"""How a load run reads: a k6-like summary for people, Markdown for a pull request or issue, JSON for machines,
and a progress bar on a terminal only (rich, on stderr)."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from launchready.load.results import FlowResult, RunResult, StepResult
from launchready.load.runner import Progress


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}ms"


def _errors(kinds: dict[str, int]) -> str:
    return ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())) or "none"


def _step_line(step: StepResult) -> str:
    r = step.recorder
    return (f"      {step.name:<28} {step.method:<6} count={r.count:<6} errors={r.error_count:<4} "
            f"p50={_ms(r.percentile_ms(50))} p95={_ms(r.percentile_ms(95))} p99={_ms(r.percentile_ms(99))}"
            + (f"  [{_errors(dict(r.errors))}]" if r.errors else ""))


def _flow_block(flow: FlowResult) -> list[str]:
    m = flow.merged
    mark = "✓" if flow.passed else "✗"
    lines = [f"  {mark} {flow.name} ({flow.route_class}: p95 < {flow.threshold_p95_ms:g}ms, errors <= "
             f"{flow.threshold_error_rate_percent:g}%)",
             f"      requests={m.count} errors={m.error_count} ({m.error_rate_percent:g}%) "
             f"p50={_ms(m.percentile_ms(50))} p95={_ms(m.percentile_ms(95))} p99={_ms(m.percentile_ms(99))} "
             f"max={_ms(m.percentile_ms(100))}"]
    lines += [_step_line(s) for s in flow.steps]
    lines += [f"      FAILED: {b}" for b in flow.breaches()]
    return lines


def render_text(result: RunResult) -> str:
    total = result.total
    where = result.origin or ", ".join(dict.fromkeys(f.origin for f in result.flows))
    lines = [f"load against {where} (stack {result.stack}): rate {result.rate:g}/s after a "
             f"{result.ramp_seconds:g}s ramp, held {result.hold_seconds:g}s, at most {result.max_in_flight} "
             "in flight", ""]
    for flow in result.flows:
        lines += [*_flow_block(flow), ""]
    lines.append(f"  requests: {total.count} in {result.duration_seconds:.1f}s, errors: {total.error_count} "
                 f"({_errors(dict(total.errors))}), peak in flight: {result.peak_in_flight}")
    if result.late_starts:
        lines.append(f"  note: {result.late_starts} iterations started more than 1 ms late (the load generator "
                     "lagged; their latency still counts from the time they were due)")
    failed = [f.name for f in result.flows if not f.passed]
    if result.interrupted:
        lines.append(f"INTERRUPTED after {result.duration_seconds:.1f}s: partial figures, the run does not pass")
    lines.append("PASSED: every flow within its thresholds" if result.passed
                 else f"FAILED: {', '.join(failed)} breached a threshold" if failed else "FAILED: interrupted")
    return "\n".join(lines)


def render_markdown(result: RunResult) -> str:
    lines = [f"### Load test: stack `{result.stack}` ({'passed' if result.passed else 'failed'})", "",
             f"{result.rate:g} iterations/s after a {result.ramp_seconds:g} s ramp, held {result.hold_seconds:g} s "
             f"against `{result.origin or ', '.join(dict.fromkeys(f.origin for f in result.flows))}`.", "",
             "| flow | route class | requests | errors | p50 | p95 | p99 | p95 limit | result |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for flow in result.flows:
        m = flow.merged
        verdict = "pass" if flow.passed else "**fail**: " + "; ".join(flow.breaches())
        lines.append(f"| {flow.name} | {flow.route_class} | {m.count} | {m.error_count} | "
                     f"{_ms(m.percentile_ms(50))} | {_ms(m.percentile_ms(95))} | {_ms(m.percentile_ms(99))} | "
                     f"{flow.threshold_p95_ms:g}ms | {verdict} |")
    return "\n".join(lines) + "\n"


def render_json(result: RunResult, extra: dict[str, Any] | None = None) -> str:
    doc: dict[str, Any] = {**result.to_json(), **(extra or {})}
    return json.dumps(doc, indent=2)


class TerminalProgress:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._progress = Bar(TextColumn("load"), BarColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.fields[info]}"), console=Console(file=self.stream),
                                 transient=True)
            self._progress.start()
            self._task = self._progress.add_task("load", total=p.duration, info="")
        self._progress.update(self._task, completed=min(p.elapsed, p.duration),
                              info=f"{p.requests} requests, {p.errors} errors, {p.in_flight} in flight")

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
