"""The runner against a loopback server whose latency per endpoint is known: the percentiles it reports, a
stall it must not hide (open model), the in-flight cap, and a run that ends on time whatever the server does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from launchready.load.runner import CUT, DROPPED, FlowPlan, Progress, run_load
from launchready.load.scenario import parse_scenario
from tests.load.conftest import percentile
from tests.load.server import Handler, LoopbackServer, cycle, fixed

Serve = Callable[[dict[str, Handler]], LoopbackServer]
#: 40 latencies: 36 between 10 and 80 ms, the top 10% at 300 ms, so the true p95 is 300 ms
CORE_DELAYS = [0.010 + 0.002 * i for i in range(36)] + [0.300] * 4


def scenario(load: dict[str, Any], flows: list[dict[str, Any]]) -> Any:
    return parse_scenario({"load": load, "flows": flows})


def flow(name: str, path: str, route_class: str = "core", weight: int = 1) -> dict[str, Any]:
    return {"name": name, "routeClass": route_class, "weight": weight, "steps": [{"name": name, "path": path}]}


def plans(sc: Any, origin: str, p95: dict[str, float]) -> list[FlowPlan]:
    return [FlowPlan(f, origin, p95[f.route_class], 5.0) for f in sc.flows]


def test_reported_p95_is_within_5_percent_of_the_servers_true_p95_and_each_flow_is_judged_by_its_class(
        serve: Serve) -> None:
    server = serve({"/records": cycle(CORE_DELAYS), "/export": fixed(0.300)})
    sc = scenario({"rate": 40, "rampSeconds": 0.5, "holdSeconds": 3, "maxInFlight": 50},
                  [flow("create record", "/records", weight=3), flow("export data", "/export", "reports")])
    result = run_load("staging", server.url, plans(sc, server.url, {"core": 100, "reports": 2000}), sc.load, {})
    core, export = result.flows
    true_p95 = percentile(server.served["/records"], 95) * 1000
    assert 295 <= true_p95 <= 330  # the server did what it was told
    reported = core.merged.percentile_ms(95)
    assert reported is not None and abs(reported - true_p95) <= 0.05 * true_p95
    export_p95 = export.merged.percentile_ms(95)
    assert export_p95 is not None and abs(export_p95 - percentile(server.served["/export"], 95) * 1000) <= 15
    # 300 ms is over the core limit of 100 ms, and within the reports limit of 2 s
    assert not core.passed and core.breaches() == [f"p95 {reported:g} ms > 100 ms (core)"]
    assert export.passed and not result.passed
    # weights 3:1 of the iterations due, and every request answered
    assert core.iterations == 3 * export.iterations or abs(core.iterations - 3 * export.iterations) <= 3
    assert core.merged.count == len(server.served["/records"]) and core.merged.error_count == 0


def test_a_stall_shows_in_p99_because_latency_counts_from_the_scheduled_start(serve: Serve) -> None:
    counter = {"n": 0}
    server: LoopbackServer

    def stall_once(method: str, target: str, h: dict[str, str], b: bytes) -> tuple[float, int, dict[str, str], bytes]:
        counter["n"] += 1
        if counter["n"] == 40:
            server.freeze(1.0)  # the whole server stops answering for a second, once
        return 0.010, 200, {}, b"ok"

    server = serve({"/login": stall_once})
    # only 2 in flight: a closed-model tool would send 2 requests during the stall and report ~2 slow ones
    sc = scenario({"rate": 50, "rampSeconds": 0, "holdSeconds": 3, "maxInFlight": 2},
                  [flow("login", "/login")])
    result = run_load("staging", server.url, plans(sc, server.url, {"core": 500}), sc.load, {})
    merged = result.flows[0].merged
    p50, p99 = merged.percentile_ms(50), merged.percentile_ms(99)
    assert p50 is not None and p99 is not None
    assert p99 >= 800, p99  # the iterations due during the stall waited for it, and it counts
    assert p50 < 100, p50
    # the server itself saw at most 2 requests held by the stall: the slow numbers are the queue, not it
    assert sum(1 for s in server.served["/login"] if s > 0.5) <= 2
    assert merged.count == 150 and merged.error_count == 0


def test_in_flight_cap_holds_and_arrivals_past_it_are_dropped_and_counted(serve: Serve) -> None:
    server = serve({"/slow": fixed(0.5)})
    sc = scenario({"rate": 100, "rampSeconds": 0, "holdSeconds": 1, "maxInFlight": 5, "timeoutSeconds": 2},
                  [flow("export data", "/slow", "reports")])
    result = run_load("staging", server.url, plans(sc, server.url, {"reports": 2000}), sc.load, {})
    assert server.peak_active <= 5 and result.peak_in_flight == 5
    step = result.flows[0].steps[0].recorder
    assert step.count == 100  # every arrival due is accounted for
    assert step.errors[DROPPED] == 100 - len(server.served["/slow"]) > 80
    assert not result.flows[0].passed


def test_the_run_ends_on_time_against_a_server_that_never_answers(serve: Serve) -> None:
    server = serve({"/hang": fixed(30.0)})
    sc = scenario({"rate": 20, "rampSeconds": 0, "holdSeconds": 1, "maxInFlight": 50, "timeoutSeconds": 1},
                  [flow("login", "/hang")])
    started = time.monotonic()
    result = run_load("staging", server.url, plans(sc, server.url, {"core": 500}), sc.load, {})
    elapsed = time.monotonic() - started
    assert elapsed < 1 + 1 + 1.5, elapsed  # hold + one timeout, plus the teardown on a loaded machine
    kinds = result.flows[0].steps[0].recorder.errors
    assert kinds["timeout"] + kinds[CUT] == 20
    assert result.flows[0].breaches()[-1].startswith("error rate 100%")


def test_ctrl_c_reports_what_was_measured_and_the_run_does_not_pass(serve: Serve) -> None:
    server = serve({"/login": fixed(0.010)})
    sc = scenario({"rate": 50, "rampSeconds": 0, "holdSeconds": 30, "maxInFlight": 10}, [flow("login", "/login")])

    def interrupt(progress: Progress) -> None:
        if progress.requests >= 20:
            raise KeyboardInterrupt

    started = time.monotonic()
    result = run_load("staging", server.url, plans(sc, server.url, {"core": 500}), sc.load, {}, interrupt)
    assert time.monotonic() - started < 5  # not the 30 s hold
    assert result.interrupted and not result.passed and result.to_json()["interrupted"] is True
    assert result.flows[0].merged.count >= 20 and result.flows[0].passed  # the figures so far are kept


def test_a_captured_value_that_would_split_a_request_is_not_sent(serve: Serve,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve({"/in": fixed(0.001, headers={"X-Token": "a\tb"}), "/next": fixed(0.001)})
    # the server's header value holds no CR/LF on the wire; a captured one with a line break is simulated
    sc = parse_scenario({"load": {"rate": 5, "rampSeconds": 0, "holdSeconds": 1}, "flows": [
        {"name": "f", "routeClass": "core", "steps": [
            {"name": "in", "path": "/in", "capture": {"tok": {"header": "X-Token"}}},
            {"name": "next", "path": "/next", "headers": {"X-Token": "${tok}"}}]}]})
    monkeypatch.setattr("launchready.load.client.capture_value", lambda *a: "x\r\nX-Evil: 1")
    result = run_load("staging", server.url, plans(sc, server.url, {"core": 500}), sc.load, {})
    step = result.flows[0].steps[1].recorder
    assert step.errors == {"not sent: the value of header X-Token holds a line break": 5}
    assert "/next" not in server.served
