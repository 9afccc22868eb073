"""A local HTTP server answering like the Cloudflare API v4: the `success` / `errors` / `messages` /
`result` / `result_info` envelope, page/per_page pagination capped server-side (as the API caps per_page),
Bearer-token checks, and switchable failures (403 without DNS read, 429 with Retry-After, 500)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

GOOD_TOKEN = "cf-test-token-read-only-0123456789"  # pragma: allowlist secret
NO_DNS_TOKEN = "cf-test-token-without-dns-read-000"  # pragma: allowlist secret


@dataclass
class FakeZone:
    zone_id: str
    name: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rulesets: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    page_cap: int = 4  # the server's largest page, whatever per_page asks
    rate_limited: int = 0  # answer this many requests with 429 first
    retry_after: str = "1"
    fail_500: bool = False
    zone_endpoint: bool = True  # False: GET /zones/{id} answers 404 (a server that only has the listings)
    rulesets_forbidden: bool = False
    requests: list[str] = field(default_factory=list)


def envelope(result: Any, result_info: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info is not None:
        body["result_info"] = result_info
    return body


def failure(code: int, message: str) -> dict[str, Any]:
    return {"success": False, "errors": [{"code": code, "message": message}], "messages": [], "result": None}


class _Handler(BaseHTTPRequestHandler):
    zone: FakeZone

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        zone = self.zone
        url = urlparse(self.path)
        zone.requests.append(self.path)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in (GOOD_TOKEN, NO_DNS_TOKEN):
            return self._send(400, {"success": False, "messages": [], "result": None, "errors": [
                {"code": 6003, "message": "Invalid request headers",
                 "error_chain": [{"code": 6111, "message": "Invalid format for Authorization header"}]}]})
        if zone.rate_limited > 0:
            zone.rate_limited -= 1
            return self._send(429, failure(971, "Please wait and consider throttling your request speed"),
                              {"Retry-After": zone.retry_after})
        if zone.fail_500:
            return self._send(500, failure(10000, "Internal server error"))
        path = url.path.removeprefix("/client/v4")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        prefix = f"/zones/{zone.zone_id}"
        if not path.startswith(prefix):
            return self._send(404, failure(7003, "Could not route to /zones/..., perhaps your object identifier "
                                                 "is invalid?"))
        rest = path[len(prefix):]
        if rest == "" and zone.zone_endpoint:
            return self._send(200, envelope({"id": zone.zone_id, "name": zone.name, "status": "active",
                                             "paused": False, "type": "full"}))
        if rest == "/dns_records":
            if token == NO_DNS_TOKEN:
                return self._send(403, failure(10000, "Authentication error"))
            return self._records(query)
        if rest == "/rulesets" and zone.rulesets_forbidden:
            return self._send(403, failure(10000, "Authentication error"))
        if rest == "/rulesets":
            return self._send(200, envelope(zone.rulesets))
        setting = re.fullmatch(r"/settings/([a-z0-9_]+)", rest)
        if setting and setting.group(1) in zone.settings:
            return self._send(200, envelope({"id": setting.group(1), "value": zone.settings[setting.group(1)],
                                             "editable": True, "modified_on": "2026-11-02T10:00:00Z"}))
        return self._send(404, failure(1003, "Invalid or missing zone id."))

    def _records(self, query: dict[str, str]) -> None:
        zone = self.zone
        page = int(query.get("page", "1"))
        per_page = min(int(float(query.get("per_page", "100"))), zone.page_cap)
        total = len(zone.records)
        pages = max(1, -(-total // per_page))
        chunk = zone.records[(page - 1) * per_page: page * per_page]
        info = {"page": page, "per_page": per_page, "count": len(chunk), "total_count": total,
                "total_pages": pages}
        self._send(200, envelope(chunk, info))


@contextmanager
def serve(zone: FakeZone) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"zone": zone})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/client/v4"
    try:
        deadline = time.monotonic() + 10
        while True:  # poll until it answers, with a deadline
            try:
                httpx.get(base + "/zones", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
        zone.requests.clear()
        yield base
    finally:
        server.shutdown()
        server.server_close()


def record(rid: str, name: str, rtype: str, content: str, *, proxied: bool = False, ttl: int = 1,
           priority: int | None = None, meta: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A DNS record as the API's list endpoint answers it."""
    row: dict[str, Any] = {
        "id": rid, "name": name, "type": rtype, "content": content, "proxiable": rtype in ("A", "AAAA", "CNAME"),
        "proxied": proxied, "ttl": ttl, "settings": {}, "meta": meta or {}, "comment": None, "tags": [],
        "created_on": "2025-03-01T09:00:00.000000Z", "modified_on": "2025-03-01T09:00:00.000000Z", **extra,
    }
    if priority is not None:
        row["priority"] = priority
    return row
