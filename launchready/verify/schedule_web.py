"""Which web-security checks run where: security headers at every address of every web host, Access on
internal hosts, noindex on staging hosts, CORS on the API host, cookie flags on the login, mixed content
and bundle secrets on the homepage (fetched once), security.txt on the canonical host, and the declared
legacy redirects. A bare domain's admin., api. and staging. hosts are checked only when they resolve."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

from launchready.probe.model import CheckResult
from launchready.probe.resolver import Resolver
from launchready.probe.web import Web
from launchready.verify import checks_page, checks_web
from launchready.verify.checks_advisory import check_security_txt
from launchready.verify.checks_redirects import check_legacy
from launchready.verify.expectations import Expectations

if TYPE_CHECKING:
    from launchready.verify.engine import Runner

Tasks = list["asyncio.Task[list[CheckResult]]"]


async def _homepage(web: Web, url: str) -> list[CheckResult]:
    page = await checks_page.fetch_homepage(web, url)
    return [checks_page.check_mixed_content(page), await checks_page.check_bundle_secrets(web, page)]


def _host_of(url: str) -> str:
    return httpx.URL(url).host


async def web_security_tasks(
    runner: Runner, resolver: Resolver, web: Web, exp: Expectations, hosts: dict[str, list[str]]
) -> Tasks:
    from launchready.verify.engine import resolving

    extra = [h for h in [*exp.internal_hosts, *exp.staging_hosts, exp.api_host] if h and h not in hosts]
    more = await resolving(resolver, extra, exp.probe_when_resolving)
    known = {**hosts, **more}
    tasks: Tasks = []
    for host, ips in hosts.items():
        for ip in ips or [None]:  # type: ignore[list-item]
            tasks.append(runner.one("web.headers", host, checks_web.check_headers(web, host, ip)))
    for host in (h for h in exp.internal_hosts if h in known):
        for ip in known[host] or [None]:  # type: ignore[list-item]
            tasks.append(runner.one("web.access", host, checks_web.check_access(web, host, ip)))
    for host in (h for h in exp.staging_hosts if h in known):
        tasks.append(runner.one("web.noindex", host, checks_web.check_noindex(web, host)))
    if exp.api_host and exp.api_host in known and exp.api_host not in exp.internal_hosts:
        tasks.append(runner.one("web.cors", exp.api_host, checks_web.check_cors(web, exp.api_host, domain=exp.domain)))
    if exp.login_url and _host_of(exp.login_url) not in exp.internal_hosts:
        tasks.append(runner.one("web.cookies", exp.login_url,
                                checks_web.check_cookies(web, exp.login_url, exp.session_cookies)))
    if exp.homepage_url and (_host_of(exp.homepage_url) in known or exp.environment is not None):
        tasks.append(runner.many("web.mixed_content", exp.homepage_url, _homepage(web, exp.homepage_url)))
    canonical = exp.canonical_host or exp.domain
    if canonical in known:
        tasks.append(runner.one("web.security_txt", canonical, check_security_txt(web, canonical)))
    if exp.legacy:
        legacy_hosts = [h for h in exp.legacy_hosts if h in known]
        tasks.append(runner.many("redirect.legacy", exp.domain, check_legacy(web, exp, legacy_hosts)))
    return tasks
