"""One request of a step: built from the step and the iteration's values, sent through the keep-alive
HTTP/1.1 pool (launchready/load/http1.py), checked against the expected status, and the captured values
taken from the response. Redirects are not followed; each iteration keeps its own cookies, like one
browser session.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from launchready.load.http1 import Pool, ProtocolError, Response
from launchready.load.scenario import TEMPLATE_RE, Capture, Step


@dataclass
class Session:
    """What one iteration carries from step to step: captured values and cookies."""

    values: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None  # None when the step did what it should


def render(text: str, values: dict[str, str], *, in_path: bool = False) -> str:
    def sub(match: Any) -> str:
        value = values[match.group(1)]
        return quote(value, safe="") if in_path else value

    return TEMPLATE_RE.sub(sub, text)


def _render_json(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return render(value, values)
    if isinstance(value, dict):
        return {k: _render_json(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_json(v, values) for v in value]
    return value


def build_request(step: Step, origin: str, session: Session) -> Request:
    values = session.values
    headers = {k: render(v, values) for k, v in step.headers.items()}
    content: bytes | None = None
    if step.json_body is not None:
        content = json.dumps(_render_json(step.json_body, values)).encode()
        headers.setdefault("Content-Type", "application/json")
    elif step.form is not None:
        content = urlencode({k: render(v, values) for k, v in step.form.items()}).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif step.body is not None:
        content = render(step.body, values).encode()
    if session.cookies and not any(k.lower() == "cookie" for k in headers):
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    headers.setdefault("User-Agent", "launchready-load")
    for name, value in headers.items():
        if "\r" in value or "\n" in value:  # a captured value with a line break must not split the request
            raise ValueError(f"the value of header {name} holds a line break")
    # spaces and non-ASCII characters written in a path are sent percent-encoded, as a browser would
    path = quote(render(step.path, values, in_path=True), safe="/?&=%:@!$'()*+,;~-._#[]")
    return Request(step.method, origin.rstrip("/") + path, headers, content)


def _json_field(body: bytes, path: str) -> str | None:
    try:
        value: Any = json.loads(body)
    except ValueError:
        return None
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _cookies(response: Response) -> dict[str, str]:
    out = {}
    for line in response.headers.get_list("set-cookie"):
        pair = line.split(";", 1)[0]
        if "=" in pair:
            name, value = pair.split("=", 1)
            out[name.strip()] = value.strip()
    return out


def capture_value(capture: Capture, response: Response, body: bytes, cookies: dict[str, str]) -> str | None:
    if capture.cookie is not None:
        return cookies.get(capture.cookie)
    if capture.header is not None:
        return response.headers.get(capture.header)
    return _json_field(body, capture.json_path or "")


def apply_response(step: Step, response: Response, body: bytes, session: Session) -> Outcome:
    """Check the status, keep the cookies, take the captures. The first failure is the step's error."""
    if response.status_code not in step.expect:
        return Outcome(response.status_code, f"status {response.status_code}")
    new_cookies = _cookies(response)
    session.cookies.update(new_cookies)
    for name, capture in step.capture.items():
        value = capture_value(capture, response, body, session.cookies)
        if value is None:
            return Outcome(response.status_code, f"capture {name} missing")
        session.values[name] = value
    return Outcome(response.status_code, None)


def error_kind(exc: BaseException) -> str:
    """A short, stable name for why a request failed (no URLs, no values)."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ssl.SSLError):
        return "tls"
    if isinstance(exc, ConnectionRefusedError):
        return "connect"
    if isinstance(exc, ProtocolError | ValueError):
        return "protocol"
    if isinstance(exc, ConnectionError | asyncio.IncompleteReadError):
        return "connection reset"
    if isinstance(exc, OSError):
        return "connect"
    return type(exc).__name__


async def send(pool: Pool, request: Request) -> tuple[Response, bytes]:
    return await pool.request(request.method, request.url, request.headers, request.content)
