"""When each flow iteration is due (open model): a linear ramp from 0 to the rate, then the rate held.

The schedule does not depend on how fast the server answers: arrivals are due at fixed times, and each
request's latency is measured from the time its iteration was due, so a stalled server shows up in the
percentiles instead of silently slowing the test down (coordinated omission).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence


def arrival_offsets(rate: float, ramp_seconds: float, hold_seconds: float) -> Iterator[float]:
    """Seconds after the start at which iteration k is due. During the ramp the rate grows linearly, so
    k arrivals have happened by t when rate*t^2/(2*ramp) = k; after it, one every 1/rate seconds."""
    if rate <= 0:
        return
    end = ramp_seconds + hold_seconds
    in_ramp = rate * ramp_seconds / 2  # arrivals during the ramp (the area under the rate line)
    k = 0
    while True:
        k += 1
        if ramp_seconds > 0 and k <= in_ramp:
            t = math.sqrt(2 * ramp_seconds * k / rate)
        else:
            t = ramp_seconds + (k - in_ramp) / rate if ramp_seconds > 0 else (k - 1) / rate
        if t >= end:
            return
        yield t


def expected_arrivals(rate: float, ramp_seconds: float, hold_seconds: float) -> int:
    return sum(1 for _ in arrival_offsets(rate, ramp_seconds, hold_seconds))


class WeightedPicker:
    """Smooth weighted round-robin (as nginx balances upstreams): flow i gets weight_i of every sum(weights)
    arrivals, evenly spread, and the same scenario always gets the same sequence."""

    def __init__(self, weights: Sequence[int]) -> None:
        self.weights = list(weights)
        self.current = [0] * len(self.weights)
        self.total = sum(self.weights)

    def next(self) -> int:
        for i, w in enumerate(self.weights):
            self.current[i] += w
        best = max(range(len(self.weights)), key=lambda i: self.current[i])
        self.current[best] -= self.total
        return best
