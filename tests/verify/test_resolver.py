"""The resolver tells a missing record from a broken server, follows CNAMEs, and is bounded."""

from __future__ import annotations

import asyncio
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from launchready.probe.resolver import LookupStatus, Resolver, UsageError, parse_nameserver
from tests.fixtures.dnsserver import RunningDns, serve_dns


@given(st.ip_addresses(), st.integers(min_value=1, max_value=65535))
def test_any_ip_and_port_round_trips(ip, port) -> None:
    text = f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"
    spec = parse_nameserver(text)
    assert (spec.host, spec.port) == (str(ip), port)


@given(st.ip_addresses())
def test_a_bare_ip_means_port_53(ip) -> None:
    assert parse_nameserver(str(ip)).port == 53


@pytest.mark.parametrize("text", ["ns1.example.com", "1.2.3.4:0", "1.2.3.4:70000", "1.2.3.4:x", "[::1", "[::1]x", ""])
def test_bad_nameservers_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--nameserver"):
        parse_nameserver(text)


def test_lookups_are_classified(resolver: Resolver) -> None:
    async def go():
        return await asyncio.gather(
            resolver.lookup("alias.example.test", "A"),
            resolver.lookup("nope.example.test", "A"),
            resolver.lookup("_domainkey.example.test", "TXT"),
            resolver.lookup("dangling.example.test", "A"),
        )

    chained, nx, nodata, dangling = asyncio.run(go())
    assert chained.status is LookupStatus.ok
    assert chained.records == ["127.0.0.1"]
    assert chained.cnames == [("alias.example.test", "www.example.test")]
    assert nx.status is LookupStatus.nxdomain and "does not exist" in nx.reason()
    assert nodata.status is LookupStatus.nodata  # an empty non-terminal: exists, no TXT
    assert dangling.status is LookupStatus.nxdomain


def test_a_silent_nameserver_times_out_quickly_with_a_reason(dead_dns: RunningDns) -> None:
    resolver = Resolver([parse_nameserver(dead_dns.nameserver)], 0.4)
    started = time.monotonic()
    lookup = asyncio.run(resolver.lookup("example.test", "A"))
    assert time.monotonic() - started < 1.5
    assert lookup.status is LookupStatus.timeout
    assert f"no answer from {dead_dns.nameserver} within 0.4s" in lookup.reason()


def test_the_same_question_is_asked_once(dns_server: RunningDns) -> None:
    resolver = Resolver([parse_nameserver(dns_server.nameserver)], 2.0)

    async def go():
        return await asyncio.gather(*(resolver.lookup("example.test", "A") for _ in range(5)))

    results = asyncio.run(go())
    assert len({id(r) for r in results}) == 1


def test_a_slow_but_working_nameserver_passes_within_the_timeout() -> None:
    zone = "slow.test. 300 IN SOA ns1.slow.test. h.slow.test. 1 3600 600 86400 300\nslow.test. 300 IN A 192.0.2.7\n"
    with serve_dns(zone, latency=1.2) as server:
        resolver = Resolver([parse_nameserver(server.nameserver)], 3.0)
        started = time.monotonic()
        lookup = asyncio.run(resolver.lookup("slow.test", "A"))
        assert lookup.status is LookupStatus.ok, lookup.reason()
        # the first query's late answer counts: one server round trip, not a retry after a dropped answer
        assert lookup.records == ["192.0.2.7"] and time.monotonic() - started < 2.0
