"""Runs a scenario: iterations started at their due times (open model), at most maxInFlight at once, the
whole run bounded by ramp + hold + one request timeout, after which whatever is still running is cut off.

Latency of a flow's first request is measured from the time its iteration was due (so waiting for an
in-flight slot, or a generator that fell behind, counts against the server's numbers instead of hiding
them); each later step from the end of the step before it.
"""

from __future__ import annotations

import asyncio
import gc
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from launchready.load.client import Session, apply_response, build_request, error_kind, send
from launchready.load.http1 import Pool
from launchready.load.results import FlowResult, RunResult, StepResult
from launchready.load.scenario import Flow, LoadProfile
from launchready.load.schedule import WeightedPicker, arrival_offsets

DROPPED = "dropped (in-flight cap reached)"
CUT = "cut off at the end of the run"


@dataclass(frozen=True)
class FlowPlan:
    flow: Flow
    origin: str
    threshold_p95_ms: float
    threshold_error_rate_percent: float


@dataclass(frozen=True)
class Progress:
    elapsed: float
    duration: float
    requests: int
    errors: int
    in_flight: int


ProgressCallback = Callable[[Progress], None]


class _Run:
    def __init__(self, plans: list[FlowPlan], profile: LoadProfile, values: dict[str, str],
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.plans = plans
        self.ssl_context = ssl_context
        self.profile = profile
        self.values = values
        self.results = [FlowResult(p.flow.name, p.flow.route_class, p.threshold_p95_ms,
                                   p.threshold_error_rate_percent,
                                   [StepResult(s.name, s.method, s.path) for s in p.flow.steps], origin=p.origin)
                        for p in plans]
        self.in_flight = 0
        self.peak = 0
        self.late = 0
        self.requests = 0
        self.errors = 0

    async def iteration(self, transport: Pool, index: int, due: float) -> None:
        plan, result = self.plans[index], self.results[index]
        session = Session(dict(self.values))
        start = due
        loop = asyncio.get_running_loop()
        timeout = self.profile.timeout_seconds
        for step, step_result in zip(plan.flow.steps, result.steps, strict=True):
            error: str | None = None
            try:
                request = build_request(step, plan.origin, session)
            except ValueError as exc:  # e.g. a captured value with a line break for a header: never sent
                step_result.recorder.record_unsent(f"not sent: {exc}")
                self.errors += 1
                return
            try:
                async with asyncio.timeout(timeout):
                    response, body = await send(transport, request)
                error = apply_response(step, response, body, session).error
            except asyncio.CancelledError:
                step_result.recorder.record(loop.time() - start, CUT)
                self.errors += 1
                raise
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as exc:
                error = error_kind(exc)
            end = loop.time()
            step_result.recorder.record(end - start, error)
            self.requests += 1
            if error:
                self.errors += 1
                return
            start = end

    async def _guarded(self, transport: Pool, index: int, due: float,
                       slots: asyncio.Semaphore) -> None:
        try:
            await self.iteration(transport, index, due)
        finally:
            self.in_flight -= 1
            slots.release()

    async def schedule(self, transport: Pool, tasks: set[asyncio.Task[None]],
                       t0: float) -> None:
        loop = asyncio.get_running_loop()
        p = self.profile
        end = t0 + p.ramp_seconds + p.hold_seconds
        slots = asyncio.Semaphore(p.max_in_flight)
        picker = WeightedPicker([plan.flow.weight for plan in self.plans])
        backlog = False  # the previous arrival waited for a slot: lateness now is the cap's, not ours
        for offset in arrival_offsets(p.rate, p.ramp_seconds, p.hold_seconds):
            due = t0 + offset
            index = picker.next()
            self.results[index].iterations += 1
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            if loop.time() - due > 0.001 and not backlog:
                self.late += 1
            backlog = slots.locked()
            try:
                async with asyncio.timeout(max(end - loop.time(), 0)):
                    await slots.acquire()
            except TimeoutError:
                self.results[index].steps[0].recorder.record_unsent(DROPPED)
                self.errors += 1
                continue
            self.results[index].started += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            task = asyncio.create_task(self._guarded(transport, index, due, slots))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def _report(self, t0: float, duration: float, callback: ProgressCallback) -> None:
        loop = asyncio.get_running_loop()
        while True:
            callback(Progress(loop.time() - t0, duration, self.requests, self.errors, self.in_flight))
            await asyncio.sleep(0.25)

    async def run(self, progress: ProgressCallback | None) -> float:
        loop = asyncio.get_running_loop()
        p = self.profile
        duration = p.ramp_seconds + p.hold_seconds
        tasks: set[asyncio.Task[None]] = set()
        transport = Pool(self.ssl_context)
        t0 = loop.time() + 0.01
        reporter = asyncio.create_task(self._report(t0, duration, progress)) if progress else None
        try:
            await self.schedule(transport, tasks, t0)
            if tasks:
                _, pending = await asyncio.wait(set(tasks), timeout=max(t0 + duration + p.timeout_seconds
                                                                        - loop.time(), 0))
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
        finally:
            if reporter:
                reporter.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await transport.aclose()
        return loop.time() - t0


def run_load(stack: str, base_url: str | None, plans: list[FlowPlan], profile: LoadProfile, values: dict[str, str],
             progress: ProgressCallback | None = None, *, ca_bundle: str | None = None) -> RunResult:
    """Run the flows and return what was measured. Blocks for at most ramp + hold + timeoutSeconds."""
    run = _Run(plans, profile, values, ssl.create_default_context(cafile=ca_bundle) if ca_bundle else None)
    started = time.monotonic()
    interrupted = False
    # Everything allocated so far (the imports, the config) leaves the collector's view for the run, so a
    # full collection during it scans only the run's own objects: no pause of the tool's making in p99.
    gc.freeze()
    try:
        asyncio.run(run.run(progress))
    except KeyboardInterrupt:  # Ctrl-C: what was measured so far is still reported (and fails the run)
        interrupted = True
    finally:
        gc.unfreeze()
    return RunResult(stack, base_url, profile.rate, profile.ramp_seconds, profile.hold_seconds,
                     profile.max_in_flight, run.results, duration_seconds=time.monotonic() - started,
                     peak_in_flight=run.peak, late_starts=run.late, interrupted=interrupted)
