"""The engine's bounds: --timeout is the patience of each lookup (a slow nameserver passes), and the whole
run ends within RUN_BOUND_TIMEOUTS x --timeout even when a check would not."""

from __future__ import annotations

import asyncio
import time

from launchready.probe.model import CheckResult, Status
from launchready.probe.resolver import Resolver, parse_nameserver
from launchready.verify import checks_dns, checks_email
from launchready.verify.engine import RUN_BOUND_TIMEOUTS
from launchready.verify.expectations import for_domain
from tests.fixtures.dnsserver import serve_dns
from tests.fixtures.site import DOMAIN, by_id, verify_report, zone_text
from tests.fixtures.web import RunningWeb


def test_a_nameserver_answering_in_1_2_s_passes_with_timeout_3() -> None:
    exp = for_domain(DOMAIN, dkim_selectors=["sel1"])

    async def go(resolver: Resolver) -> list[CheckResult]:
        # (DMARC passes too, but checkdmarc's tree walk asks five questions in turn: 6 s at this latency)
        records, spf, dkim = await asyncio.gather(
            checks_dns.check_records(resolver, exp),
            checks_email.check_spf(resolver, exp, 3.0),
            checks_email.check_dkim(resolver, exp),
        )
        return [*records, spf, dkim]

    with serve_dns(zone_text(), latency=1.2) as slow:
        results = asyncio.run(go(Resolver([parse_nameserver(slow.nameserver)], 3.0)))
    assert len(results) == 4
    assert all(r.status is not Status.fail for r in results), [(r.id, r.summary) for r in results]


def test_the_whole_run_is_bounded_even_when_a_check_hangs(dns_server, web: RunningWeb, monkeypatch) -> None:
    async def hang(*_args: object) -> None:
        await asyncio.sleep(60)

    monkeypatch.setattr(checks_dns, "check_caa", hang)
    timeout = 0.3
    started = time.monotonic()
    report = verify_report(dns_server, web, for_domain(DOMAIN), timeout=timeout)
    assert time.monotonic() - started < RUN_BOUND_TIMEOUTS * timeout + 1.5
    caa = by_id(report, "dns.caa")[0]
    assert caa.status is Status.fail and "not finished within the run's bound of 1.8s" in caa.summary
    assert by_id(report, "email.spf")[0].status is Status.passed  # the rest finished normally
