"""What a load run measured, judged against the thresholds, and its `--json` document (a contract: extend it,
never rename a key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from launchready.load.histogram import Recorder


@dataclass
class StepResult:
    name: str
    method: str
    path: str
    recorder: Recorder = field(default_factory=Recorder)

    def to_json(self) -> dict[str, Any]:
        r = self.recorder
        return {"name": self.name, "method": self.method, "path": self.path, "count": r.count,
                "errors": r.error_count, "errorsByKind": dict(sorted(r.errors.items())),
                "p50_ms": r.percentile_ms(50), "p95_ms": r.percentile_ms(95), "p99_ms": r.percentile_ms(99),
                "max_ms": r.percentile_ms(100)}


@dataclass
class FlowResult:
    name: str
    route_class: str
    threshold_p95_ms: float
    threshold_error_rate_percent: float
    steps: list[StepResult]
    #: iterations due, and those started
    iterations: int = 0
    started: int = 0
    #: where its requests went (scheme://host[:port])
    origin: str = ""

    @property
    def merged(self) -> Recorder:
        out = Recorder()
        for step in self.steps:
            out.merge(step.recorder)
        return out

    def breaches(self) -> list[str]:
        """Why this flow fails its thresholds (empty: it passes)."""
        merged = self.merged
        out = []
        p95 = merged.percentile_ms(95)
        if merged.count == 0:
            out.append("no request was sent")
        elif p95 is None:
            out.append("no request completed")
        elif p95 > self.threshold_p95_ms:
            out.append(f"p95 {p95:g} ms > {self.threshold_p95_ms:g} ms ({self.route_class})")
        if merged.error_rate_percent > self.threshold_error_rate_percent:
            out.append(f"error rate {merged.error_rate_percent:g}% > {self.threshold_error_rate_percent:g}%")
        return out

    @property
    def passed(self) -> bool:
        return not self.breaches()

    def to_json(self) -> dict[str, Any]:
        merged = self.merged
        return {"name": self.name, "route_class": self.route_class, "count": merged.count,
                "errors": merged.error_count, "errorsByKind": dict(sorted(merged.errors.items())),
                "error_rate_percent": merged.error_rate_percent,
                "p50_ms": merged.percentile_ms(50), "p95_ms": merged.percentile_ms(95),
                "p99_ms": merged.percentile_ms(99), "max_ms": merged.percentile_ms(100),
                "threshold_p95_ms": self.threshold_p95_ms,
                "threshold_error_rate_percent": self.threshold_error_rate_percent,
                "iterations": self.iterations, "iterationsStarted": self.started, "origin": self.origin,
                "passed": self.passed, "breaches": self.breaches(),
                "steps": [s.to_json() for s in self.steps]}


@dataclass
class RunResult:
    stack: str
    #: --base-url when given (every flow went there); None: each flow went to its stack hostname
    origin: str | None
    rate: float
    ramp_seconds: float
    hold_seconds: float
    max_in_flight: int
    flows: list[FlowResult]
    duration_seconds: float = 0.0
    #: the most requests that were in flight at once
    peak_in_flight: int = 0
    #: arrivals later than 1 ms behind schedule because the load generator itself lagged
    late_starts: int = 0
    #: stopped by Ctrl-C before the end: the figures are partial and the run does not pass
    interrupted: bool = False

    @property
    def passed(self) -> bool:
        return not self.interrupted and all(f.passed for f in self.flows)

    @property
    def total(self) -> Recorder:
        out = Recorder()
        for flow in self.flows:
            out.merge(flow.merged)
        return out

    def to_json(self) -> dict[str, Any]:
        total = self.total
        return {"passed": self.passed, "stack": self.stack, "origin": self.origin,
                "profile": {"rate": self.rate, "rampSeconds": self.ramp_seconds, "holdSeconds": self.hold_seconds,
                            "maxInFlight": self.max_in_flight},
                "durationSeconds": round(self.duration_seconds, 3), "requests": total.count,
                "errors": total.error_count, "peakInFlight": self.peak_in_flight, "lateStarts": self.late_starts,
                "interrupted": self.interrupted,
                "failedFlows": [f.name for f in self.flows if not f.passed],
                "flows": [f.to_json() for f in self.flows]}
