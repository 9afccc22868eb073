"""`verify` over 100 domains next to checkdmarc's check_domains on the same zones, through one local DNS
server that adds latency to every answer (like a resolver across the internet).

    .venv/bin/python benchmarks/verify_bench.py [--domains 100] [--latency-ms 20]

verify runs every check of every domain concurrently; checkdmarc goes through domains and checks one at a
time. verify does more work per domain (records, CAA, DNSSEC, dangling CNAMEs, SPF, DMARC, DKIM, MAIL FROM,
MTA-STS, TLS-RPT, the admin./api./staging. audit lookups, and every HTTP/TLS/web-security probe, which here
fail fast: nothing listens on the ports); checkdmarc does NS, SOA, MX, SPF, DMARC, DNSSEC, TLS-RPT, BIMI and
MTA-STS lookups. Both start with empty caches. Target: verify >= 10x faster.

Then one domain is verified at the given latency and at six times it: the difference gives the number of
round trips on the run's critical path, and how close the run is to it (1.0x would be nothing but waiting).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import multiprocessing
import multiprocessing.synchronize
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import checkdmarc  # noqa: E402
import dns.nameserver  # noqa: E402

from launchready.probe.model import Report  # noqa: E402
from launchready.probe.resolver import parse_nameserver  # noqa: E402
from launchready.verify.checks_email import clear_checkdmarc_caches  # noqa: E402
from launchready.verify.engine import VerifyOptions, verify  # noqa: E402
from launchready.verify.expectations import for_domain  # noqa: E402
from tests.fixtures.dnsserver import RunningDns, serve_dns  # noqa: E402

TARGET_RATIO = 10.0
DKIM_P = base64.b64encode(b"\x30" * 40).decode()  # not parsed by checkdmarc; verify reports it as no key


def zones(count: int) -> tuple[list[str], str]:
    names = [f"d{i:03d}.bench.test" for i in range(count)]
    lines = ["bench.test. 300 IN SOA ns1.bench.test. h.bench.test. 1 3600 600 86400 300\n"]
    for d in names:
        lines += [
            f"{d}. 300 IN SOA ns1.{d}. hostmaster.{d}. 1 3600 600 86400 300\n",
            f"{d}. 300 IN NS ns1.{d}.\n",
            f"ns1.{d}. 300 IN A 127.0.0.1\n",
            f"{d}. 300 IN A 127.0.0.1\n",
            f"www.{d}. 300 IN CNAME {d}.\n",
            f"{d}. 300 IN MX 10 mx.{d}.\n",
            f"mx.{d}. 300 IN A 192.0.2.25\n",
            f'{d}. 300 IN TXT "v=spf1 include:amazonses.com -all"\n',
            f'{d}. 300 IN CAA 0 issue "letsencrypt.org"\n',
            f'_dmarc.{d}. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{d}"\n',
            f"mail.{d}. 300 IN MX 10 feedback-smtp.eu-west-1.amazonses.com.\n",
            f'mail.{d}. 300 IN TXT "v=spf1 include:amazonses.com ~all"\n',
            f'sel1._domainkey.{d}. 300 IN TXT "v=DKIM1; p={DKIM_P}"\n',
        ]
    lines += [
        "amazonses.com. 300 IN SOA ns1.amazonses.com. h.amazonses.com. 1 3600 600 86400 300\n",
        'amazonses.com. 300 IN TXT "v=spf1 ip4:199.255.192.0/22 -all"\n',
        "feedback-smtp.eu-west-1.amazonses.com. 300 IN A 192.0.2.30\n",
    ]
    return names, "".join(lines)


def _serve(
    text: str, latency: float, ready: multiprocessing.Queue[int], stop: multiprocessing.synchronize.Event
) -> None:
    with serve_dns(text, latency=latency) as server:
        ready.put(server.port)
        stop.wait()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def dns_process(text: str, latency: float) -> Iterator[RunningDns]:
    """The DNS server in its own process, as a real one would be: it must not share our interpreter's GIL."""
    ready: multiprocessing.Queue[int] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    child = multiprocessing.Process(target=_serve, args=(text, latency, ready, stop), daemon=True)
    child.start()
    try:
        yield RunningDns("127.0.0.1", ready.get(timeout=30))
    finally:
        stop.set()
        child.join(5)


def run_verify(server: RunningDns, names: list[str]) -> tuple[float, Report]:
    port = closed_port()
    options = VerifyOptions([parse_nameserver(server.nameserver)], timeout=5.0, http_port=port, https_port=port)
    targets = [for_domain(d, dkim_selectors=["sel1"], mail_from="mail") for d in names]
    clear_checkdmarc_caches()
    start = time.perf_counter()
    report = verify(targets, options)
    return time.perf_counter() - start, report


def critical_path(text: str, name: str, latency: float, repeat: int = 3) -> None:
    """One domain at two latencies: the time grows by D x latency, where D is the number of round trips on
    the run's critical path (the longest chain of questions that wait for each other); the rest is overhead."""
    high = latency * 6
    times = {}
    for lat in (latency, high):
        with dns_process(text, lat) as server:
            times[lat] = min(run_verify(server, [name])[0] for _ in range(repeat))
    trips = (times[high] - times[latency]) / (high - latency)
    path = trips * latency
    print(f"one domain at {latency * 1000:g} ms: {times[latency]:.3f} s; at {high * 1000:g} ms: {times[high]:.3f} s "
          f"(best of {repeat})")
    print(f"critical path: {trips:.1f} round trips = {path:.3f} s at {latency * 1000:g} ms; the run takes "
          f"{times[latency] / path:.2f}x its critical path ({times[latency] - path:.3f} s of local work)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    names, text = zones(args.domains)
    latency = args.latency_ms / 1000
    with dns_process(text, latency) as server:
        ours, report = run_verify(server, names)
        clear_checkdmarc_caches()
        start = time.perf_counter()
        results = checkdmarc.check_domains(
            names, nameservers=[dns.nameserver.Do53Nameserver(server.host, server.port)], timeout=5.0
        )
        theirs = time.perf_counter() - start
    results = results if isinstance(results, list) else [results]
    spf_ok = sum(1 for r in results if r["spf"].get("valid"))
    dmarc_ok = sum(1 for r in results if r["dmarc"].get("valid"))
    ours_spf = sum(1 for c in report.checks if c.id == "email.spf" and c.status.value == "pass")
    ours_dmarc = sum(1 for c in report.checks if c.id == "email.dmarc" and c.status.value == "pass")
    ratio = theirs / ours
    print(f"domains: {len(names)}, DNS latency: {args.latency_ms:g} ms per answer")
    ids = len({c.id for c in report.checks})
    print(f"verify:                    {ours:7.2f} s  ({len(report.checks)} results of {ids} checks; "
          f"SPF ok {ours_spf}, DMARC ok {ours_dmarc})")
    print(f"checkdmarc.check_domains:  {theirs:7.2f} s  (SPF ok {spf_ok}, DMARC ok {dmarc_ok})")
    print(f"ratio: {ratio:.1f}x (target >= {TARGET_RATIO:g}x) -> {'met' if ratio >= TARGET_RATIO else 'NOT met'}")
    critical_path(text, names[0], latency)


if __name__ == "__main__":
    main()
