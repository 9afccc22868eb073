"""The load generator's HTTP/1.1 client against raw servers on loopback that answer the ways real ones do:
Content-Length and chunked bodies, keep-alive reuse, `Connection: close`, an idle connection the server
closed, repeated Set-Cookie headers, garbage instead of HTTP, and TLS (trustme certificates)."""

from __future__ import annotations

import asyncio
import http.server
import ssl
import threading
from collections.abc import Callable

import pytest
import trustme

from launchready.load.http1 import Pool, ProtocolError

Answer = Callable[[int], bytes]  # request number on the connection -> raw response bytes


async def serve(answer: Answer, tls: ssl.SSLContext | None = None,
                close_after: int | None = None) -> tuple[asyncio.Server, list[int]]:
    """Each connection gets answer(i) for its i-th request; `close_after` closes it after that many."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(0)
        index = len(connections) - 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
                connections[index] += 1
                writer.write(answer(connections[index]))
                await writer.drain()
                if close_after is not None and connections[index] >= close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    return server, connections


def url(server: asyncio.Server, scheme: str = "http", host: str = "127.0.0.1") -> str:
    return f"{scheme}://{host}:{server.sockets[0].getsockname()[1]}/x"


def test_content_length_and_chunked_bodies_over_one_kept_alive_connection() -> None:
    async def main() -> None:
        def answer(i: int) -> bytes:
            if i == 1:
                return b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello"
            return b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"

        server, connections = await serve(answer)
        pool = Pool()
        first, body1 = await pool.request("GET", url(server), {}, None)
        second, body2 = await pool.request("POST", url(server), {"Content-Type": "application/json"}, b"{}")
        assert (first.status_code, body1, first.headers.get_list("set-cookie")) == (200, b"hello", ["a=1", "b=2"])
        assert (second.status_code, body2) == (201, b"abcde")
        assert connections == [2]  # both on one connection
        await pool.aclose()
        server.close()

    asyncio.run(main())


def test_connection_close_and_a_server_closed_idle_connection_get_a_fresh_connection() -> None:
    async def main() -> None:
        server, connections = await serve(lambda i: b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close_after=1)
        pool = Pool()
        for _ in range(3):  # the server closes after each answer without saying so: the retry covers it
            response, body = await pool.request("GET", url(server), {}, None)
            assert (response.status_code, body) == (200, b"ok")
        assert connections == [1, 1, 1]
        closing, _ = await serve(lambda i: b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        response, body = await pool.request("GET", url(closing), {}, None)
        assert (response.status_code, body) == (204, b"")
        assert not any(pool.idle.values()) or all(len(v) <= 1 for v in pool.idle.values())
        await pool.aclose()
        server.close()
        closing.close()

    asyncio.run(main())


def test_a_server_that_does_not_speak_http_is_a_protocol_error() -> None:
    async def main() -> None:
        server, _ = await serve(lambda i: b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        with pytest.raises(ProtocolError):
            await Pool().request("GET", url(server), {}, None)
        server.close()

    asyncio.run(main())


def test_tls_verifies_the_certificate_against_the_hostname() -> None:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)

    async def main() -> None:
        server, _ = await serve(lambda i: b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", tls=server_ctx)
        response, body = await Pool(client_ctx).request("GET", url(server, "https", "localhost"), {}, None)
        assert (response.status_code, body) == (200, b"ok")
        with pytest.raises(ssl.SSLCertVerificationError):  # the certificate is not for 127.0.0.1
            await Pool(client_ctx).request("GET", url(server, "https"), {}, None)
        server.close()

    asyncio.run(main())


def test_a_stdlib_http_server_as_users_write_one_http_1_0_without_content_length() -> None:
    """BaseHTTPRequestHandler answers HTTP/1.0 and closes; this handler sends no Content-Length either."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Set-Cookie", "sid=abc; HttpOnly")
            self.end_headers()
            self.wfile.write(b"hello from http.server")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        async def main() -> None:
            pool = Pool()
            for _ in range(3):
                response, body = await pool.request("GET", f"http://127.0.0.1:{server.server_port}/", {}, None)
                assert (response.status_code, body) == (200, b"hello from http.server")
                assert response.headers.get_list("Set-Cookie") == ["sid=abc; HttpOnly"]
            assert not any(pool.idle.values())  # HTTP/1.0: nothing kept for reuse

        asyncio.run(main())
    finally:
        server.shutdown()
        server.server_close()


def test_a_path_with_spaces_and_accents_is_sent_percent_encoded_and_a_captured_line_break_is_refused() -> None:
    from launchready.load.client import Session, build_request
    from launchready.load.scenario import Step

    step = Step.model_validate({"name": "s", "path": "/search?q=café au lait&id=${id}",
                                "headers": {"X-Id": "${id}"}})
    request = build_request(step, "http://127.0.0.1:1", Session({"id": "a/b c"}))
    assert request.url == "http://127.0.0.1:1/search?q=caf%C3%A9%20au%20lait&id=a%2Fb%20c"
    with pytest.raises(ValueError, match="header X-Id holds a line break"):
        build_request(step, "http://127.0.0.1:1", Session({"id": "x\r\nX-Evil: 1"}))
