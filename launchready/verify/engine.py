"""Run every check for every domain concurrently and return a Report: the library behind `verify`.

Each check is a task under one semaphore; every network step inside it is bounded by `timeout`, and the
run as a whole by `RUN_BOUND_TIMEOUTS` x `timeout`, counted from `VerifyOptions.started` (the command passes
the start of its process) and less a reserve for printing the report: a check still running at that deadline
is cancelled and reported as failed with that reason, so a slow or broken server never makes the command
hang or overrun. Web checks run once per address
(every A and AAAA of a host) and name the address they probed.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from launchready.probe.model import CheckResult, Report, fail, sort_results
from launchready.probe.resolver import NameserverSpec, Resolver
from launchready.probe.web import Web, client_context
from launchready.verify import checks_dns, checks_email, checks_http, checks_tls
from launchready.verify.expectations import Expectations, ses_dkim_selectors
from launchready.verify.schedule_web import web_security_tasks
from launchready.verify.ses import ClientFactory, check_ses

#: (done, total) after each finished check
Progress = Callable[[int, int], None]
#: the whole run ends within this many --timeouts
RUN_BOUND_TIMEOUTS = 6
#: of the run's bound, what is kept for rendering the report and exiting (at most RESERVE_MAX seconds)
RESERVE_FRACTION = 0.1
RESERVE_MAX = 1.0
#: how long past the deadline the checks' own cancellation may take before the run is cut short
_GRACE = 0.05


@dataclass
class VerifyOptions:
    nameservers: list[NameserverSpec] = field(default_factory=list)
    timeout: float = 5.0
    http_port: int = 80
    https_port: int = 443
    ca_bundle: str | None = None
    #: sesv2 client per region, or None without credentials; only used for stacks (ses_identity set)
    ses_client_factory: ClientFactory | None = None
    #: cap on checks in flight (each one bounded by the timeout)
    concurrency: int = 128
    #: `time.monotonic()` the run's bound counts from (launchready.probe.clock); None: when verify starts
    started: float | None = None

    @property
    def run_bound(self) -> float:
        return RUN_BOUND_TIMEOUTS * self.timeout

    def deadline(self) -> float:
        """`time.monotonic()` by which every check has ended (the event loop's clock is monotonic)."""
        started = time.monotonic() if self.started is None else self.started
        return started + self.run_bound - min(RESERVE_MAX, RESERVE_FRACTION * self.run_bound)


class Runner:
    """Schedules checks: one semaphore, a progress count, and the run's deadline."""

    def __init__(self, options: VerifyOptions, progress: Progress | None) -> None:
        self.options = options
        self.progress = progress
        self.total = 0
        self.done = 0
        self.semaphore = asyncio.Semaphore(options.concurrency)
        self.deadline = options.deadline()
        #: every check's results as it ends, and the checks not ended yet: what a run cut short reports
        self.finished: list[CheckResult] = []
        self.running: dict[int, tuple[str, str]] = {}

    def timed_out(self, check_id: str, target: str) -> CheckResult:
        bound = self.options.run_bound
        return fail(check_id, target, f"not finished within the run's bound of {bound:g}s "
                                      f"({RUN_BOUND_TIMEOUTS} x --timeout): stopped")

    def cut_short(self) -> list[CheckResult]:
        """The results so far, and each check still running reported as timed out."""
        return self.finished + [self.timed_out(c, t) for c, t in self.running.values()]

    async def _run(self, check_id: str, target: str, work: Awaitable[list[CheckResult]]) -> list[CheckResult]:
        key = id(work)
        self.running[key] = (check_id, target)
        try:
            async with asyncio.timeout_at(self.deadline):
                async with self.semaphore:
                    results = await work
        except TimeoutError:
            results = [self.timed_out(check_id, target)]
        except Exception as exc:  # a bug or an unforeseen library error: report it, never crash the run
            results = [fail(check_id, target, f"the check itself failed: {type(exc).__name__}: {exc}")]
        del self.running[key]
        self.finished += results
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)
        return results

    def task(self, check_id: str, target: str, work: Awaitable[list[CheckResult]]) -> asyncio.Task[list[CheckResult]]:
        self.total += 1
        return asyncio.ensure_future(self._run(check_id, target, work))

    def one(self, check_id: str, target: str, coro: Awaitable[CheckResult]) -> asyncio.Task[list[CheckResult]]:
        return self.task(check_id, target, _one(coro))

    def many(self, check_id: str, target: str, coro: Awaitable[list[CheckResult]]) -> asyncio.Task[list[CheckResult]]:
        return self.task(check_id, target, _many(coro))


async def _one(coro: Awaitable[CheckResult]) -> list[CheckResult]:
    return [await coro]


async def _many(coro: Awaitable[list[CheckResult]]) -> list[CheckResult]:
    return list(await coro)


async def resolving(resolver: Resolver, hosts: list[str], optional: frozenset[str]) -> dict[str, list[str]]:
    """host -> its addresses (A then AAAA); optional hosts that do not resolve are left out."""
    answers = await asyncio.gather(*(resolver.addresses(h) for h in hosts))
    return {h: addrs for h, (addrs, _) in zip(hosts, answers, strict=True) if addrs or h not in optional}


def _email(runner: Runner, resolver: Resolver, web: Web, exp: Expectations) -> list[asyncio.Task[list[CheckResult]]]:
    o = runner.options
    tasks = [
        runner.one("email.spf", exp.domain, checks_email.check_spf(resolver, exp, o.timeout)),
        runner.one("email.dmarc", exp.domain, checks_email.check_dmarc(resolver, exp, o.timeout)),
        runner.one("email.mta_sts", exp.domain, _advisory_mta_sts(resolver, web, exp.domain)),
        runner.one("email.tls_rpt", exp.domain, _advisory_tls_rpt(resolver, exp.domain)),
    ]
    if not exp.email_enabled:
        return tasks
    tasks.append(runner.one("email.mail_from", exp.domain, checks_email.check_mail_from(resolver, exp, o.timeout)))
    if exp.ses_identity is None:
        tasks.append(runner.one("email.dkim", exp.domain, checks_email.check_dkim(resolver, exp)))
        return tasks

    async def ses_then_dkim() -> list[CheckResult]:
        ses_result, tokens = await check_ses(exp, o.ses_client_factory, o.timeout)
        if exp.dkim:  # selectors given on the command line win
            dkim = await checks_email.check_dkim(resolver, exp)
        else:
            dkim = await checks_email.check_dkim(
                resolver,
                exp,
                ses_dkim_selectors(tokens),
                no_selector_reason=f"DKIM not checked: no selector given, no SES tokens ({ses_result.summary})",
            )
        return [ses_result, dkim]

    tasks.append(runner.task("email.ses", exp.domain, ses_then_dkim()))
    return tasks


async def _advisory_mta_sts(resolver: Resolver, web: Web, domain: str) -> CheckResult:
    from launchready.verify.checks_advisory import check_mta_sts

    return await check_mta_sts(resolver, web, domain)


async def _advisory_tls_rpt(resolver: Resolver, domain: str) -> CheckResult:
    from launchready.verify.checks_advisory import check_tls_rpt

    return await check_tls_rpt(resolver, domain)


def _per_address(
    runner: Runner, resolver: Resolver, web: Web, exp: Expectations, host: str, ips: list[str]
) -> list[asyncio.Task[list[CheckResult]]]:
    """redirect.https, http.hsts, tls.certificate/expiry and tls.versions at every address of a host."""
    o = runner.options
    tasks = []
    for ip in ips or [None]:  # type: ignore[list-item]
        tasks += [
            runner.one("redirect.https", host, checks_http.check_https_redirect(web, host, ip)),
            runner.one("http.hsts", host, checks_http.check_hsts(web, exp, host, ip)),
            runner.many(
                "tls.certificate", host,
                checks_tls.check_certificate(resolver, host, o.https_port, o.ca_bundle, o.timeout, ip=ip),
            ),
            runner.one("tls.versions", host, checks_tls.check_versions(resolver, host, o.https_port, o.timeout, ip)),
        ]
    return tasks


async def _domain(runner: Runner, resolver: Resolver, exp: Expectations) -> list[CheckResult]:
    o = runner.options
    # One HTTP client per domain: httpcore's pool bookkeeping grows with the requests queued on one client.
    async with Web(
        resolver, timeout=o.timeout, http_port=o.http_port, https_port=o.https_port,
        ssl_context=_probe_context(o.ca_bundle),
    ) as web:
        return await _domain_checks(runner, resolver, web, exp)


async def _domain_checks(runner: Runner, resolver: Resolver, web: Web, exp: Expectations) -> list[CheckResult]:
    from launchready.verify.checks_caa import check_caa_issuer

    o = runner.options
    tasks = [
        runner.many("dns.records", exp.domain, checks_dns.check_records(resolver, exp)),
        runner.one("dns.caa", exp.domain, checks_dns.check_caa(resolver, exp)),
        runner.one("dns.dnssec", exp.domain, checks_dns.check_dnssec(resolver, exp)),
        runner.one("dns.dangling_cname", exp.domain, checks_dns.check_dangling(resolver, exp)),
    ]
    tasks += _email(runner, resolver, web, exp)
    hosts = await resolving(resolver, exp.web_hosts, exp.optional_hosts)
    for host, ips in hosts.items():
        tasks += _per_address(runner, resolver, web, exp, host, ips)
        tasks.append(runner.one(
            "dns.caa_issuer", host, check_caa_issuer(resolver, host, exp.domain, o.https_port, o.timeout)
        ))
    sources = [s for s in exp.canonical_sources if s in hosts or s not in exp.optional_hosts]
    tasks.append(runner.many("redirect.canonical", exp.domain, checks_http.check_canonical_all(web, exp, sources)))
    tasks += await web_security_tasks(runner, resolver, web, exp, hosts)
    out: list[CheckResult] = []
    for chunk in await asyncio.gather(*tasks):
        out += chunk
    return out


@functools.lru_cache(maxsize=4)
def _probe_context(ca_bundle: str | None) -> ssl.SSLContext:
    return client_context(ca_bundle, verify=False)


async def verify_async(targets: list[Expectations], options: VerifyOptions, progress: Progress | None = None) -> Report:
    checks_email.clear_checkdmarc_caches()
    resolver = Resolver(options.nameservers, options.timeout)
    runner = Runner(options, progress)
    try:
        # every check ends itself at the deadline; this also bounds what runs outside the checks (resolving
        # the hosts, closing the HTTP clients)
        async with asyncio.timeout_at(runner.deadline + _GRACE):
            chunks = await asyncio.gather(*(_domain(runner, resolver, exp) for exp in targets))
    except TimeoutError:
        return Report(sort_results(runner.cut_short()))
    results: list[CheckResult] = [r for chunk in chunks for r in chunk]
    return Report(sort_results(results))


def verify(targets: list[Expectations], options: VerifyOptions, progress: Progress | None = None) -> Report:
    """Run in a fresh event loop. checkdmarc is synchronous and runs in threads: enough of them that it never
    queues behind itself; threads still busy when the run's bound is reached are not waited for."""
    executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="verify")
    loop = asyncio.new_event_loop()
    loop.set_default_executor(executor)
    try:
        return loop.run_until_complete(verify_async(targets, options, progress))
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:  # lookups nobody awaits any more (memoized answers)
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        executor.shutdown(wait=False, cancel_futures=True)
        loop.close()
