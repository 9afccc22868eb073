"""Deploy-day smoke checks: homepage, login and API health answer as expected over valid TLS, in time.

Each endpoint is followed hop by hop (HTTPS only, certificates verified, at most five redirects); its body
must contain the expected text; the login must look like a login (a password form, the expected text, or
401/405 for an API login); the response time is compared with the stack's p95 threshold. An optional
burst (bounded: at most 500 requests, 20 at a time) measures p50/p95 and errors. The run as a whole ends
within `run_bound(timeout, burst, concurrency)` seconds: what is still running then is reported as failed.
"""

from __future__ import annotations

import asyncio
import math
import re
import statistics
from dataclasses import dataclass
from typing import Any

from components.config import StackConfig
from launchready.probe.model import CheckResult, Report, fail, passed, sort_results, warn
from launchready.probe.resolver import NameserverSpec, Resolver
from launchready.probe.web import Web, client_context, scheme_of

SMOKE_CHECK_IDS = ("smoke.homepage", "smoke.login", "smoke.api_health", "smoke.url", "smoke.burst")
MAX_BURST = 500
MAX_CONCURRENCY = 20
#: the endpoint phase (each endpoint followed through its redirects) ends within this many --timeouts
ENDPOINT_PHASE_TIMEOUTS = 4
_PASSWORD_FIELD = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    check_id: str  # smoke.homepage, smoke.login, smoke.api_health or smoke.url
    url: str
    expect_text: str | None
    p95_ms: int
    is_login: bool = False


@dataclass(frozen=True)
class SmokeOptions:
    nameservers: list[NameserverSpec]
    timeout: float = 10.0
    http_port: int = 80
    https_port: int = 443
    ca_bundle: str | None = None
    burst: int = 0
    concurrency: int = 5
    error_rate_percent: float = 0.0


def core_threshold(cfg: StackConfig) -> int:
    """The p95 threshold of the "core" route class (the strictest class when there is none)."""
    classes = cfg.monitoring.route_classes
    if "core" in classes:
        return classes["core"].p95_ms
    return min(c.p95_ms for c in classes.values())


def endpoints_for_stack(cfg: StackConfig) -> list[Endpoint]:
    p95 = core_threshold(cfg)
    eps = cfg.monitoring.endpoints
    return [
        Endpoint(
            "smoke.homepage", f"https://{cfg.fqdn(eps.homepage.host)}{eps.homepage.path}", eps.homepage.expect_text, p95
        ),
        Endpoint(
            "smoke.login", f"https://{cfg.fqdn(eps.login.host)}{eps.login.path}", eps.login.expect_text, p95, True
        ),
        Endpoint(
            "smoke.api_health",
            f"https://{cfg.fqdn(eps.api_health.host)}{eps.api_health.path}",
            eps.api_health.expect_text,
            p95,
        ),
    ]


async def check_endpoint(web: Web, ep: Endpoint) -> tuple[CheckResult, str | None]:
    """The result, and the final URL when it answered (the burst's target)."""
    hops, problem = await web.follow(ep.url, max_hops=5, read_body=True)
    elapsed = sum(h.elapsed_ms for h in hops)
    details: dict[str, Any] = {
        "url": ep.url,
        "hops": [h.to_json() for h in hops],
        "elapsed_ms": round(elapsed, 1),
        "p95_threshold_ms": ep.p95_ms,
    }
    if problem:
        return fail(ep.check_id, ep.url, problem, **details), None
    insecure = [h.url for h in hops if scheme_of(h.url) != "https"]
    if insecure:
        return fail(ep.check_id, ep.url, f"not HTTPS: {', '.join(insecure)}", **details), None
    last = hops[-1]
    status = last.status or 0
    details["status"] = status
    found_text = ep.expect_text is not None and ep.expect_text.encode() in last.body
    if ep.is_login:
        form = bool(_PASSWORD_FIELD.search(last.body))
        details["password_form"] = form
        if not (200 <= status < 300 and (form or found_text)) and status not in (401, 405):
            what = f"no password form and no {ep.expect_text!r}" if 200 <= status < 300 else f"status {status}"
            return fail(ep.check_id, ep.url, f"does not respond like a login: {what}", **details), last.url
    else:
        if not 200 <= status < 300:
            return fail(ep.check_id, ep.url, f"answered {status}", **details), last.url
        if ep.expect_text is not None and not found_text:
            return fail(
                ep.check_id, ep.url, f"{ep.expect_text!r} is not in the first 5120 bytes of the page", **details
            ), last.url
    if elapsed > ep.p95_ms:
        return warn(
            ep.check_id,
            ep.url,
            f"answered {status} in {elapsed:.0f} ms, over the p95 threshold of {ep.p95_ms} ms",
            **details,
        ), last.url
    return passed(
        ep.check_id, ep.url, f"answered {status} in {elapsed:.0f} ms (p95 threshold {ep.p95_ms} ms)", **details
    ), last.url


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_bound(timeout: float, burst: int, concurrency: int) -> float:
    """The whole run's bound in seconds: the endpoint phase, then the burst's rounds of requests."""
    return timeout * (ENDPOINT_PHASE_TIMEOUTS + (math.ceil(burst / concurrency) + 1 if burst else 0))


async def _bounded_gets(
    web: Web, url: str, count: int, concurrency: int, budget: float
) -> list[tuple[float, str | None]]:
    """`count` GETs, `concurrency` at a time; those not done within `budget` seconds count as errors."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> tuple[float, str | None]:
        async with semaphore:
            hop = await web.get(url)
            if hop.error:
                return hop.elapsed_ms, hop.error
            if hop.status is None or hop.status >= 400:
                return hop.elapsed_ms, f"status {hop.status}"
            return hop.elapsed_ms, None

    tasks = [asyncio.ensure_future(one()) for _ in range(count)]
    done, pending = await asyncio.wait(tasks, timeout=budget)
    for task in pending:
        task.cancel()
    late = f"not finished within the burst's bound of {budget:g}s"
    return [t.result() if t in done and not t.cancelled() else (budget * 1000, late) for t in tasks]


def _burst_summary(count: int, details: dict[str, Any], errors: int) -> str:
    if "p95_ms" not in details:
        return f"{count} requests: none succeeded"
    if not errors:
        return f"{count} requests: p50 {details['p50_ms']:.0f} ms, p95 {details['p95_ms']:.0f} ms, no errors"
    return f"{count} requests: p95 {details['p95_ms']:.0f} ms, {errors} errors"


async def burst(
    web: Web, ep: Endpoint, url: str, count: int, concurrency: int, error_rate_percent: float, budget: float
) -> CheckResult:
    results = await _bounded_gets(web, url, count, concurrency, budget)
    times = [t for t, e in results if e is None]
    errors = [e for _, e in results if e is not None]
    rate = 100 * len(errors) / count
    details: dict[str, Any] = {
        "requests": count,
        "concurrency": concurrency,
        "errors": len(errors),
        "error_rate_percent": round(rate, 2),
        "error_examples": sorted(set(errors))[:3],
        "p95_threshold_ms": ep.p95_ms,
        "bound_s": round(budget, 1),
    }
    if times:
        details.update(p50_ms=round(percentile(times, 50), 1), p95_ms=round(percentile(times, 95), 1))
    if rate > error_rate_percent or not times:
        return fail("smoke.burst", url, f"{len(errors)} of {count} requests failed ({rate:.1f}%)", **details)
    if details["p95_ms"] > ep.p95_ms:
        return fail(
            "smoke.burst", url, f"p95 {details['p95_ms']:.0f} ms is over the {ep.p95_ms} ms threshold", **details
        )
    return passed("smoke.burst", url, _burst_summary(count, details, len(errors)), **details)


async def _endpoints(web: Web, endpoints: list[Endpoint], budget: float) -> list[tuple[CheckResult, str | None]]:
    """Each endpoint checked; one still running after `budget` seconds fails with that reason."""
    tasks = [asyncio.ensure_future(check_endpoint(web, ep)) for ep in endpoints]
    done, pending = await asyncio.wait(tasks, timeout=budget) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    out: list[tuple[CheckResult, str | None]] = []
    for ep, task in zip(endpoints, tasks, strict=True):
        if task in done and not task.cancelled():
            out.append(task.result())
        else:
            out.append((fail(ep.check_id, ep.url, f"no complete answer within the bound of {budget:g}s"), None))
    return out


async def smoke_async(endpoints: list[Endpoint], options: SmokeOptions) -> Report:
    resolver = Resolver(options.nameservers, options.timeout)
    ctx = client_context(options.ca_bundle, verify=True)
    results: list[CheckResult] = []
    async with Web(
        resolver, timeout=options.timeout, http_port=options.http_port, https_port=options.https_port, ssl_context=ctx
    ) as web:
        checked = await _endpoints(web, endpoints, options.timeout * ENDPOINT_PHASE_TIMEOUTS)
        results += [r for r, _ in checked]
    if options.burst:
        budget = options.timeout * (math.ceil(options.burst / options.concurrency) + 1)
        bursts = []
        for ep, (_, final) in zip(endpoints, checked, strict=True):
            if final is None:
                continue

            async def run_burst(ep: Endpoint = ep, final: str = final) -> CheckResult:
                async with Web(
                    resolver,
                    timeout=options.timeout,
                    http_port=options.http_port,
                    https_port=options.https_port,
                    ssl_context=ctx,
                    keepalive=True,  # one host per client: connections may be reused safely
                ) as burst_web:
                    return await burst(
                        burst_web, ep, final, options.burst, options.concurrency, options.error_rate_percent, budget
                    )

            bursts.append(run_burst())
        results += await asyncio.gather(*bursts)
    return Report(sort_results(results, SMOKE_CHECK_IDS))


def smoke(endpoints: list[Endpoint], options: SmokeOptions) -> Report:
    return asyncio.run(smoke_async(endpoints, options))
