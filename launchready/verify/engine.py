"""Run every check for every domain concurrently and return a Report: the library behind `verify`."""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from launchready.probe.model import CheckResult, Report, fail, sort_results
from launchready.probe.resolver import NameserverSpec, Resolver
from launchready.probe.web import Web, client_context
from launchready.verify import checks_dns, checks_email, checks_http, checks_tls
from launchready.verify.expectations import Expectations, ses_dkim_selectors
from launchready.verify.ses import ClientFactory, check_ses

#: (done, total) after each finished check
Progress = Callable[[int, int], None]


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


class _Runner:
    def __init__(self, options: VerifyOptions, progress: Progress | None) -> None:
        self.options = options
        self.progress = progress
        self.total = 0
        self.done = 0
        self.semaphore = asyncio.Semaphore(options.concurrency)

    async def _run(self, check_id: str, target: str, work: Awaitable[list[CheckResult]]) -> list[CheckResult]:
        async with self.semaphore:
            try:
                results = await work
            except Exception as exc:  # a bug or an unforeseen library error: report it, never crash the run
                results = [fail(check_id, target, f"the check itself failed: {type(exc).__name__}: {exc}")]
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)
        return results

    def task(self, check_id: str, target: str, work: Awaitable[list[CheckResult]]) -> asyncio.Task[list[CheckResult]]:
        self.total += 1
        return asyncio.ensure_future(self._run(check_id, target, work))


async def _one(coro: Awaitable[CheckResult]) -> list[CheckResult]:
    return [await coro]


async def _many(coro: Awaitable[list[CheckResult]]) -> list[CheckResult]:
    return list(await coro)


async def _web_hosts(resolver: Resolver, exp: Expectations) -> list[str]:
    """The web hosts to probe: optional ones (a bare domain's www) only when they resolve."""
    hosts = []
    for host in exp.web_hosts:
        if host in exp.optional_hosts:
            addresses, _ = await resolver.addresses(host)
            if not addresses:
                continue
        hosts.append(host)
    return hosts


async def _email(runner: _Runner, resolver: Resolver, exp: Expectations) -> list[asyncio.Task[list[CheckResult]]]:
    o = runner.options
    tasks = [
        runner.task("email.spf", exp.domain, _one(checks_email.check_spf(resolver, exp, o.timeout))),
        runner.task("email.dmarc", exp.domain, _one(checks_email.check_dmarc(resolver, exp, o.timeout))),
    ]
    if not exp.email_enabled:
        return tasks
    tasks.append(
        runner.task("email.mail_from", exp.domain, _one(checks_email.check_mail_from(resolver, exp, o.timeout)))
    )
    if exp.ses_identity is None:
        tasks.append(runner.task("email.dkim", exp.domain, _one(checks_email.check_dkim(resolver, exp))))
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


async def _domain(runner: _Runner, resolver: Resolver, exp: Expectations) -> list[CheckResult]:
    o = runner.options
    # One HTTP client per domain: httpcore's pool bookkeeping grows with the requests queued on one client.
    async with Web(
        resolver,
        timeout=o.timeout,
        http_port=o.http_port,
        https_port=o.https_port,
        ssl_context=_probe_context(o.ca_bundle),
    ) as web:
        return await _domain_checks(runner, resolver, web, exp)


async def _domain_checks(runner: _Runner, resolver: Resolver, web: Web, exp: Expectations) -> list[CheckResult]:
    o = runner.options
    tasks = [
        runner.task("dns.records", exp.domain, _many(checks_dns.check_records(resolver, exp))),
        runner.task("dns.caa", exp.domain, _one(checks_dns.check_caa(resolver, exp))),
        runner.task("dns.dnssec", exp.domain, _one(checks_dns.check_dnssec(resolver, exp))),
    ]
    tasks += await _email(runner, resolver, exp)
    hosts = await _web_hosts(resolver, exp)
    for host in hosts:
        tasks += [
            runner.task("redirect.https", host, _one(checks_http.check_https_redirect(web, host))),
            runner.task("http.hsts", host, _one(checks_http.check_hsts(web, exp, host))),
            runner.task(
                "tls.certificate",
                host,
                _many(checks_tls.check_certificate(resolver, host, o.https_port, o.ca_bundle, o.timeout)),
            ),
            runner.task("tls.versions", host, _one(checks_tls.check_versions(resolver, host, o.https_port, o.timeout))),
        ]
    sources = [s for s in exp.canonical_sources if s in hosts or s not in exp.optional_hosts]
    tasks.append(
        runner.task("redirect.canonical", exp.domain, _many(checks_http.check_canonical_all(web, exp, sources)))
    )
    out: list[CheckResult] = []
    for chunk in await asyncio.gather(*tasks):
        out += chunk
    return out


@functools.lru_cache(maxsize=4)
def _probe_context(ca_bundle: str | None) -> ssl.SSLContext:
    return client_context(ca_bundle, verify=False)


async def verify_async(targets: list[Expectations], options: VerifyOptions, progress: Progress | None = None) -> Report:
    checks_email.clear_checkdmarc_caches()
    # checkdmarc is synchronous and runs in threads: enough of them that it never queues behind itself.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=64, thread_name_prefix="verify"))
    resolver = Resolver(options.nameservers, options.timeout)
    runner = _Runner(options, progress)
    chunks = await asyncio.gather(*(_domain(runner, resolver, exp) for exp in targets))
    results: list[CheckResult] = [r for chunk in chunks for r in chunk]
    return Report(sort_results(results))


def verify(targets: list[Expectations], options: VerifyOptions, progress: Progress | None = None) -> Report:
    return asyncio.run(verify_async(targets, options, progress))
