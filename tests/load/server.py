"""A small HTTP/1.1 server on 127.0.0.1 with known behaviour per path, run in its own thread and event loop.

Each route says how long to wait before answering and what to answer; the server records the delay it
applied to every request (the "true" latency a test compares the load tool's numbers with). A freeze
holds every request that arrives (or is waiting) until it ends, like a server paused by a stall.
Used by tests/load, tests/ratelimit and benchmarks/load_bench.py.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: (method, path, headers, body) -> (delay seconds, status, headers, body)
Handler = Callable[[str, str, dict[str, str], bytes], tuple[float, int, dict[str, str], bytes]]


@dataclass
class LoopbackServer:
    routes: dict[str, Handler]
    port: int = 0
    #: path -> delays applied (seconds), in arrival order
    delays: dict[str, list[float]] = field(default_factory=dict)
    #: path -> server-side time from arrival to answer (seconds), including any freeze
    served: dict[str, list[float]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    frozen_until: float = 0.0
    active: int = 0
    #: the most requests the server held at once
    peak_active: int = 0
    tls: ssl.SSLContext | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}" if self.tls else f"http://127.0.0.1:{self.port}"

    def freeze(self, seconds: float) -> None:
        """Hold every request until `seconds` from now (called from a handler, i.e. on the server loop)."""
        self.frozen_until = max(self.frozen_until, time.monotonic() + seconds)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, v = h.decode("latin-1").split(":", 1)
                    headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                arrived = time.monotonic()
                path = target.split("?", 1)[0]
                self.requests.append((method, target, headers))
                handler = self.routes.get(path)
                delay, status, out_headers, payload = (handler(method, target, headers, body) if handler
                                                       else (0.0, 404, {}, b"not found"))
                self.delays.setdefault(path, []).append(delay)
                wait = max(self.frozen_until - time.monotonic(), 0) + delay
                self.active += 1
                self.peak_active = max(self.peak_active, self.active)
                try:
                    if wait > 0:
                        await asyncio.sleep(wait)
                finally:
                    self.active -= 1
                self.served.setdefault(path, []).append(time.monotonic() - arrived)
                head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(payload)}"]
                head += [f"{k}: {v}" for k, v in out_headers.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, ssl.SSLError):
            return
        finally:
            writer.close()

    def start(self) -> LoopbackServer:
        ready = threading.Event()

        async def main() -> None:
            self._stopped = asyncio.Event()
            server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, backlog=1024, ssl=self.tls)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stopped.wait()
            server.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            loop.run_until_complete(main())
            loop.close()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the loopback server did not start within 10 s")
        return self

    def stop(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(10)


def fixed(delay: float, status: int = 200, body: bytes = b"ok", headers: dict[str, str] | None = None) -> Handler:
    def handler(method: str, target: str, h: dict[str, str], b: bytes) -> tuple[float, int, dict[str, str], bytes]:
        return delay, status, dict(headers or {}), body

    return handler


def cycle(delays: list[float], status: int = 200, body: bytes = b"ok") -> Handler:
    """Request i waits delays[i % len(delays)]: a latency distribution known exactly."""
    counter = {"n": 0}

    def handler(method: str, target: str, h: dict[str, str], b: bytes) -> tuple[float, int, dict[str, str], bytes]:
        d = delays[counter["n"] % len(delays)]
        counter["n"] += 1
        return d, status, {}, body

    return handler
