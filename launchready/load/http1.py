"""A small asyncio HTTP/1.1 client for the load generator: keep-alive connections per origin, TLS through the
standard `ssl` module, Content-Length and chunked bodies.

Why not httpx: measured on this machine (benchmarks/load_bench.py), httpx's transport cost about 0.7-1.7 ms
of CPU per request, which at a few hundred requests per second on a shared 2-core machine pushed the load
generator's own p99 overhead far past 5 ms. This client does the same work for a fraction of that. It
follows no redirects and keeps no cookies (the runner keeps them per iteration).
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_HEAD = 65536


class ProtocolError(ValueError):
    """The server's answer is not HTTP/1.1 we can read."""


class Headers:
    """Response headers: case-insensitive, repeated names kept (Set-Cookie)."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    def get(self, name: str, default: str | None = None) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.items if k.lower() == lower), default)

    def get_list(self, name: str) -> list[str]:
        lower = name.lower()
        return [v for k, v in self.items if k.lower() == lower]


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: Headers


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def split_url(url: str) -> tuple[Origin, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Origin(parts.scheme, parts.hostname, port), target


def _head(data: bytes) -> tuple[str, int, list[tuple[str, str]]]:
    lines = data.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or not status[0].startswith("HTTP/1.") or not status[1].isdigit():
        raise ProtocolError(f"bad status line {lines[0][:60]!r}")
    items = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError("bad header line")
        items.append((name.strip(), value.strip()))
    return status[0], int(status[1]), items


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    out = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return bytes(out)
        out += await reader.readexactly(size)
        await reader.readexactly(2)


class Pool:
    """Keep-alive connections per origin. Callers bound concurrency; a connection is reused only after a
    complete exchange, and closed on any error, timeout or cancellation."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.idle: dict[Origin, deque[Connection]] = {}
        self.ssl_context = ssl_context or ssl.create_default_context()

    async def _connect(self, origin: Origin) -> Connection:
        tls = self.ssl_context if origin.scheme == "https" else None
        return await asyncio.open_connection(origin.host, origin.port, ssl=tls,
                                             server_hostname=origin.host if tls else None, limit=MAX_HEAD)

    async def _exchange(self, conn: Connection, method: str, payload: bytes) -> tuple[Response, bytes, bool]:
        reader, writer = conn
        writer.write(payload)
        await writer.drain()
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise ProtocolError("response head over 64 KiB") from None
        version, status, items = _head(head[:-4])
        headers = Headers(items)
        connection = (headers.get("connection") or "").lower()
        # HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 (http.server's default) closes it
        keep = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif (headers.get("transfer-encoding") or "").lower().endswith("chunked"):
            body = await _chunked(reader)
        elif (length := headers.get("content-length")) is not None:
            body = await reader.readexactly(int(length))
        else:
            body, keep = await reader.read(), False
        return Response(status, headers), body, keep

    async def request(self, method: str, url: str, headers: dict[str, str],
                      content: bytes | None) -> tuple[Response, bytes]:
        origin, target = split_url(url)
        lines = [f"{method} {target} HTTP/1.1"]
        if not any(k.lower() == "host" for k in headers):
            lines.append(f"Host: {origin.host_header}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if content is not None or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(content or b'')}")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (content or b"")
        idle = self.idle.setdefault(origin, deque())
        reused = bool(idle)
        conn = idle.pop() if idle else await self._connect(origin)
        try:
            try:
                response, body, keep = await self._exchange(conn, method, payload)
            except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
                if not reused:
                    raise
                conn[1].close()  # the server closed an idle keep-alive connection: one fresh try
                conn = await self._connect(origin)
                response, body, keep = await self._exchange(conn, method, payload)
        except BaseException:
            conn[1].close()
            raise
        if keep:
            idle.append(conn)
        else:
            conn[1].close()
        return response, body

    async def aclose(self) -> None:
        for idle in self.idle.values():
            while idle:
                idle.pop()[1].close()
