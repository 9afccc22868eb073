"""HTTP(S) requests to addresses we resolved ourselves.

httpx would otherwise resolve names through the system resolver. Each request goes to an IP URL with the
`Host` header and the TLS SNI (`sni_hostname`) set to the real name, so certificates are still checked
against the name. Connections are never kept alive: two names on one address must not share a
connection (and its SNI). URLs without a port use `--http-port`/`--https-port`.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from launchready.probe.resolver import Resolver

BODY_LIMIT = 5120
USER_AGENT = "launchready-verify"
REDIRECT_CODES = (301, 302, 303, 307, 308)


@dataclass
class Hop:
    """One request and what came back (or why nothing did)."""

    url: str
    ip: str = ""
    status: int | None = None
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None
    #: every Set-Cookie header, one per cookie (the headers dict would join them)
    cookies: list[str] = field(default_factory=list)

    @property
    def is_redirect(self) -> bool:
        return self.status in REDIRECT_CODES and self.location is not None

    def to_json(self) -> dict[str, object]:
        row: dict[str, object] = {"url": self.url, "ip": self.ip}
        if self.error:
            row["error"] = self.error
        else:
            row["status"] = self.status
            if self.location:
                row["location"] = self.location
            row["elapsed_ms"] = round(self.elapsed_ms, 1)
        return row


def client_context(ca_bundle: str | None, *, verify: bool = True) -> ssl.SSLContext:
    """The system trust store plus an optional extra CA; or no verification (redirect and HSTS probes)."""
    ctx = ssl.create_default_context()
    if ca_bundle:
        ctx.load_verify_locations(cafile=ca_bundle)
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _describe_error(exc: BaseException) -> str:
    causes = _causes(exc)
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused"
    text = " / ".join(dict.fromkeys(str(c) for c in causes if str(c))) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate not trusted: " + text.split("certificate verify failed:")[-1].strip(" ()")
    if isinstance(exc, httpx.ConnectError) and ("refused" in text.lower() or "errno 111" in text.lower()):
        return "connection refused"
    return f"{type(exc).__name__}: {text}"[:300]


def _no_cookies() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _fill(hop: Hop, response: httpx.Response) -> None:
    hop.status = response.status_code
    hop.headers = {k.lower(): v for k, v in response.headers.items()}
    hop.cookies = response.headers.get_list("set-cookie")
    hop.location = response.headers.get("location")


async def _read_body(response: httpx.Response, limit: int) -> bytes:
    chunks = bytearray()
    async for chunk in response.aiter_bytes():
        chunks += chunk
        if len(chunks) >= limit:
            break
    return bytes(chunks[:limit])


async def _connect_problem(ip: str, port: int, timeout: float) -> str | None:
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(ip, port)
    except ConnectionRefusedError:
        return "connection refused"
    except TimeoutError:
        return f"no TCP connection within {timeout:g}s"
    except OSError as exc:
        return f"cannot connect: {exc.strerror or exc}"
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return None


class Web:
    def __init__(
        self,
        resolver: Resolver,
        *,
        timeout: float,
        http_port: int = 80,
        https_port: int = 443,
        ssl_context: ssl.SSLContext,
        keepalive: bool = False,
    ) -> None:
        self.resolver = resolver
        self.timeout = timeout
        self.ports = {"http": http_port, "https": https_port}
        self._reach: dict[tuple[str, int], asyncio.Future[str | None]] = {}
        self.client = httpx.AsyncClient(
            verify=ssl_context,
            trust_env=False,  # no proxies, no netrc: straight to the address we resolved
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            cookies=_no_cookies(),  # every request unauthenticated: nothing one response sets is sent again
            limits=httpx.Limits(max_keepalive_connections=10 if keepalive else 0, max_connections=50),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> Web:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def unreachable(self, ip: str, port: int) -> str | None:
        """Why nothing can be sent to ip:port (refused, timed out), asked once per run; None when it connects.

        Every check of a dead address (a stale A record, an AAAA where nothing listens) then fails at once with
        the same reason instead of each waiting out its own connect.
        """
        key = (ip, port)
        if key not in self._reach:
            self._reach[key] = asyncio.ensure_future(_connect_problem(ip, port, self.timeout))
        return await asyncio.shield(self._reach[key])

    def port_of(self, url: httpx.URL) -> int:
        return url.port or self.ports.get(url.scheme, 443)

    async def get(
        self,
        url: str,
        *,
        read_body: bool = False,
        ip: str | None = None,
        headers: dict[str, str] | None = None,
        method: str = "GET",
        body_limit: int = BODY_LIMIT,
    ) -> Hop:
        """One request to `ip` (default: the host's first address), never following a redirect."""
        hop = Hop(url)
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            hop.error = f"not a URL: {exc}"
            return hop
        host = parsed.host
        if ip is None:
            addresses, why = await self.resolver.addresses(host)
            if not addresses:
                hop.error = why.reason() if why else f"{host} has no address"
                return hop
            ip = addresses[0]
        hop.ip = ip
        unreachable = await self.unreachable(ip, self.port_of(parsed))
        if unreachable:
            hop.error = unreachable
            return hop
        target = parsed.copy_with(host=ip, port=self.port_of(parsed))
        sent = {"Host": host if parsed.port is None else f"{host}:{parsed.port}", "User-Agent": USER_AGENT}
        sent.update(headers or {})
        extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):  # the whole exchange, not each phase
                request = self.client.build_request(method, target, headers=sent, extensions=extensions)
                response = await self.client.send(request, stream=True)
                try:
                    _fill(hop, response)
                    if read_body:
                        hop.body = await _read_body(response, body_limit)
                finally:
                    await response.aclose()
        except (httpx.HTTPError, ssl.SSLError, OSError, TimeoutError) as exc:
            hop.error = _describe_error(exc)
        hop.elapsed_ms = (time.perf_counter() - started) * 1000
        return hop

    def resolve_location(self, base: str, location: str) -> str:
        return str(httpx.URL(base).join(location))

    async def follow(
        self,
        url: str,
        *,
        max_hops: int = 6,
        read_body: bool = False,
        body_limit: int = BODY_LIMIT,
        stop: Callable[[Hop], bool] | None = None,
    ) -> tuple[list[Hop], str | None]:
        """Follow redirects by hand (not past a hop `stop` accepts). Returns the hops and a problem (loop, too
        many, error) or None."""
        hops: list[Hop] = []
        seen: set[str] = set()
        current = url
        for _ in range(max_hops + 1):
            if current in seen:
                return hops, f"redirect loop: {current} was already visited"
            seen.add(current)
            hop = await self.get(current, read_body=read_body, body_limit=body_limit)
            hops.append(hop)
            if hop.error:
                return hops, f"{current}: {hop.error}"
            if not hop.is_redirect or hop.location is None or (stop is not None and stop(hop)):
                return hops, None
            current = self.resolve_location(current, hop.location)
        return hops, f"more than {max_hops} redirects"


def host_of(url: str) -> str:
    return httpx.URL(url).host


def scheme_of(url: str) -> str:
    return httpx.URL(url).scheme
