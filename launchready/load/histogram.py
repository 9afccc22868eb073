"""Latency recording: an HDR histogram per step (microseconds, 3 significant digits) and error counts by kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hdrh.histogram import HdrHistogram

#: 1 µs to 1 hour, 3 significant digits: a recorded value is within 0.1% of the measured one.
LOWEST_US, HIGHEST_US, DIGITS = 1, 3_600_000_000, 3


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, DIGITS)


@dataclass
class Recorder:
    """What one step (or one flow, merged) saw: latencies of completed requests and errors by kind."""

    histogram: HdrHistogram = field(default_factory=new_histogram)
    errors: Counter[str] = field(default_factory=Counter)
    #: requests sent (answered or not); errors are a subset
    count: int = 0

    def record(self, latency_s: float, error: str | None = None) -> None:
        self.count += 1
        self.histogram.record_value(min(max(int(latency_s * 1_000_000), LOWEST_US), HIGHEST_US))
        if error:
            self.errors[error] += 1

    def record_unsent(self, kind: str) -> None:
        """An iteration that never sent its request (dropped at the in-flight cap, or cut at the end)."""
        self.count += 1
        self.errors[kind] += 1

    def merge(self, other: Recorder) -> None:
        self.histogram.add(other.histogram)
        self.errors.update(other.errors)
        self.count += other.count

    def percentile_ms(self, q: float) -> float | None:
        if self.histogram.get_total_count() == 0:
            return None
        return round(self.histogram.get_value_at_percentile(q) / 1000, 2)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def error_rate_percent(self) -> float:
        return round(100 * self.error_count / self.count, 2) if self.count else 0.0
