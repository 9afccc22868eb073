"""DNS lookups for the verifier: dnspython's async resolver, bounded, classified, never raising.

With `--nameserver` every name goes to those servers and nowhere else (no system resolver, no
`/etc/hosts`); checkdmarc gets a synchronous resolver built from the same servers. A lookup ends in one of
five states, so a check can tell a missing record (NXDOMAIN, NODATA) from a broken server (timeout,
SERVFAIL/REFUSED): checkdmarc alone reports both as "invalid".
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import dns.asyncresolver
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
import dns.rrset

_R = TypeVar("_R", bound=dns.resolver.BaseResolver)


MAX_IN_FLIGHT = 48


class UsageError(ValueError):
    """Bad command-line input: the command exits 2 with this message."""


@dataclass(frozen=True)
class NameserverSpec:
    host: str
    port: int = 53

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_nameserver(text: str) -> NameserverSpec:
    """`IP`, `IP:PORT`, `IPv6` or `[IPv6]:PORT`. A hostname is refused: resolving it would need a resolver."""
    raw = text.strip()
    host, port_text, has_port = raw, "", False
    if raw.startswith("["):
        end = raw.find("]")
        if end < 0:
            raise UsageError(f"--nameserver {text!r}: missing ']' after the IPv6 address")
        host, rest = raw[1:end], raw[end + 1 :]
        if rest and not rest.startswith(":"):
            raise UsageError(f"--nameserver {text!r}: expected [IPv6]:PORT")
        port_text, has_port = rest[1:], bool(rest)
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
        has_port = True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise UsageError(
            f"--nameserver {text!r}: not an IP address; give IP, IP:PORT or [IPv6]:PORT "
            "(a name would need the system resolver)"
        ) from None
    port = 53
    if has_port:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise UsageError(f"--nameserver {text!r}: the port must be a number from 1 to 65535")
        port = int(port_text)
    return NameserverSpec(str(address), port)


class LookupStatus(StrEnum):
    ok = "ok"
    nxdomain = "nxdomain"  # the name does not exist
    nodata = "nodata"  # the name exists, but has no record of this type
    timeout = "timeout"
    error = "error"  # SERVFAIL, REFUSED, a network error


@dataclass(frozen=True)
class Lookup:
    name: str
    rdtype: str
    status: LookupStatus
    records: list[str] = field(default_factory=list)
    #: the CNAME chain followed to get the answer, as "alias -> target" pairs
    cnames: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    rrset: dns.rrset.RRset | None = None
    response: dns.message.Message | None = None

    @property
    def found(self) -> bool:
        return self.status is LookupStatus.ok

    @property
    def missing(self) -> bool:
        return self.status in (LookupStatus.nxdomain, LookupStatus.nodata)

    @property
    def broken(self) -> bool:
        """The server did not give an answer at all: nothing can be said about the record."""
        return self.status in (LookupStatus.timeout, LookupStatus.error)

    def reason(self) -> str:
        if self.status is LookupStatus.nxdomain and self.cnames:
            target = self.cnames[-1][1]
            return (
                f"{self.name} does not exist past its CNAME: it points to {target}, which does not exist "
                "(NXDOMAIN): a dangling CNAME, which whoever registers the target can take over"
            )
        if self.status is LookupStatus.nxdomain:
            return f"{self.name} does not exist (NXDOMAIN)"
        if self.status is LookupStatus.nodata:
            return f"{self.name} has no {self.rdtype} record"
        if self.status is LookupStatus.timeout:
            return f"DNS timeout looking up {self.name} {self.rdtype}: {self.error}"
        if self.status is LookupStatus.error:
            return f"DNS error looking up {self.name} {self.rdtype}: {self.error}"
        return f"{self.name} {self.rdtype}: {', '.join(self.records)}"


def rdata_text(rdata: object) -> str:
    """TXT as its decoded string (chunks joined, as receivers read them); anything else in presentation form."""
    strings = getattr(rdata, "strings", None)
    if strings is not None:
        return b"".join(strings).decode("utf-8", errors="replace")
    return str(rdata.to_text())  # type: ignore[attr-defined]


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


class Resolver:
    """One run's resolver: bounded lookups, each (name, type) asked once even when checks ask concurrently."""

    def __init__(self, nameservers: list[NameserverSpec] | None, timeout: float) -> None:
        self.nameservers = list(nameservers or [])
        self.timeout = timeout
        self._async = self._configure(dns.asyncresolver.Resolver(configure=not self.nameservers))
        self._memo: dict[tuple[str, str, bool], asyncio.Future[Lookup]] = {}
        #: questions outstanding at once: a burst beyond what a server's socket buffer holds is dropped
        #: and costs a resend a second later, so queueing here is faster than flooding
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    def _configure(self, resolver: _R, try_timeout: float | None = None) -> _R:
        if self.nameservers:
            resolver.nameservers = [dns.nameserver.Do53Nameserver(ns.host, ns.port) for ns in self.nameservers]
        # The lifetime bounds a whole lookup; the try timeout is how long one query waits for its answer.
        resolver.lifetime = self.timeout
        resolver.timeout = self.timeout if try_timeout is None else try_timeout
        return resolver

    def sync_resolver(self) -> dns.resolver.Resolver:
        """For checkdmarc, which is synchronous: the same servers and bound, two tries of half the bound each
        (dnspython's sync resolver drops a late answer, so a try must outlast a slow server; a second one
        recovers a lost packet)."""
        return self._configure(dns.resolver.Resolver(configure=not self.nameservers), self.timeout / 2)

    def describe(self) -> str:
        return ", ".join(map(str, self.nameservers)) if self.nameservers else "the system resolver"

    async def lookup(self, name: str, rdtype: str, *, dnssec: bool = False) -> Lookup:
        key = (name.lower().rstrip("."), rdtype.upper(), dnssec)
        future = self._memo.get(key)
        if future is None:
            future = asyncio.ensure_future(self._lookup(*key))
            self._memo[key] = future
        return await asyncio.shield(future)

    def _resolver_for(self, try_timeout: float, dnssec: bool) -> dns.asyncresolver.Resolver:
        resolver = self._configure(dns.asyncresolver.Resolver(configure=False), try_timeout)
        if not self.nameservers:
            resolver.nameservers = self._async.nameservers
        if dnssec:
            resolver.use_edns(0, dns.flags.DO, 1232)
        return resolver

    def _try(self, name: str, rdtype: str, dnssec: bool, left: float) -> asyncio.Task[dns.resolver.Answer]:
        resolver = self._resolver_for(left, dnssec)
        task = asyncio.ensure_future(
            resolver.resolve(name, rdtype, raise_on_no_answer=True, search=False, lifetime=left)
        )
        task.add_done_callback(_retrieve)  # a try that loses the race may end with an error nobody reads
        return task

    async def _answer(self, name: str, rdtype: str, dnssec: bool) -> dns.resolver.Answer:
        """One lookup within `timeout` as a whole. A query is resent after 1 s (then 2 s, 4 s, ...) while the
        earlier ones keep waiting, so a lost packet is retried soon and a slow server's late answer still
        counts: with --timeout 3, a server answering in 1.2 s answers the first query."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        step = min(1.0, self.timeout / 3)
        next_send = loop.time()
        pending: set[asyncio.Task[dns.resolver.Answer]] = set()
        try:
            while True:
                now = loop.time()
                if now >= deadline:
                    raise dns.exception.Timeout
                if now >= next_send or not pending:
                    pending.add(self._try(name, rdtype, dnssec, deadline - now))
                    next_send, step = now + step, step * 2
                wait = max(0.0, min(next_send, deadline) - loop.time())
                done, pending = await asyncio.wait(pending, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    exc = task.exception()
                    if exc is None:
                        return task.result()
                    if not isinstance(exc, (dns.exception.Timeout, TimeoutError)):
                        raise exc  # NXDOMAIN, NoAnswer, SERVFAIL...: an answer, not a lost packet
        finally:
            for task in pending:
                task.cancel()

    async def _lookup(self, name: str, rdtype: str, dnssec: bool) -> Lookup:
        try:
            async with self._in_flight:
                answer = await self._answer(name, rdtype, dnssec)
        except dns.resolver.NXDOMAIN as exc:
            return Lookup(name, rdtype, LookupStatus.nxdomain, cnames=_chain_from_nx(exc), error="NXDOMAIN")
        except dns.resolver.NoAnswer as exc:
            return Lookup(name, rdtype, LookupStatus.nodata, error=_short(exc))
        except (dns.exception.Timeout, TimeoutError):
            return Lookup(
                name, rdtype, LookupStatus.timeout, error=f"no answer from {self.describe()} within {self.timeout:g}s"
            )
        except dns.resolver.NoNameservers as exc:
            return Lookup(name, rdtype, LookupStatus.error, error=_no_nameservers_reason(exc))
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            return Lookup(name, rdtype, LookupStatus.error, error=_short(exc))
        cnames = [
            (rrset.name.to_text(omit_final_dot=True), rrset[0].target.to_text(omit_final_dot=True))
            for rrset in answer.chaining_result.cnames
        ]
        rrset = answer.rrset
        records = [rdata_text(r) for r in rrset] if rrset is not None else []
        return Lookup(name, rdtype, LookupStatus.ok, records, cnames, rrset=rrset, response=answer.response)

    async def addresses(self, host: str) -> tuple[list[str], Lookup | None]:
        """A and AAAA of a host (IPv4 first). With none, the lookup that explains why (a failure first)."""
        a, aaaa = await asyncio.gather(self.lookup(host, "A"), self.lookup(host, "AAAA"))
        found = a.records + aaaa.records
        if found:
            return found, None
        return [], next((x for x in (a, aaaa) if x.broken), a)


def _retrieve(task: asyncio.Task[dns.resolver.Answer]) -> None:
    if not task.cancelled():
        task.exception()


def _chain_from_nx(exc: dns.resolver.NXDOMAIN) -> list[tuple[str, str]]:
    try:
        canonical = exc.canonical_name
    except Exception:  # dnspython raises when no response was kept
        return []
    names = exc.qnames()
    if names and canonical != names[0]:
        return [(names[0].to_text(omit_final_dot=True), canonical.to_text(omit_final_dot=True))]
    return []


def _no_nameservers_reason(exc: dns.resolver.NoNameservers) -> str:
    errors = exc.kwargs.get("errors") or []
    parts = []
    for item in errors:
        # (server, tcp, port, error or rcode text, response)
        server, _tcp, port, err = item[0], item[1], item[2], item[3]
        parts.append(f"{server}:{port} answered {err}")
    return "; ".join(parts) or _short(exc)
