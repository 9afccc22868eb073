"""URLs as verify and smoke show them: never the password or token a user put into one.

A user and password before the host show as `https://***@host/`; a query or fragment value under a token-like name
(`token`, `key`, `secret`, `password`, `sig`, `access_token`, `api_key`, `auth`, `X-Amz-Signature`...) or
that looks like a credential itself (`launchready.redaction.is_secret_shaped`, the stack file's own
judgement) shows as `***`, and so does a path segment that looks like one (a Slack webhook's token).
Every renderer of a Report (text, JSON, Markdown, SARIF) passes it through `redact_report` first.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from launchready.probe.model import CheckResult, Report

MASK = "***"
_URL_RE = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s\"'<>`|]+")
#: punctuation after a URL in a sentence ("not HTTPS: http://a/, http://b/.") is not part of it
_TRAILING = ",.;:)]}!?"
_TOKENISH_SEGMENT_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9_\-]{8,}$")
_TOKEN_NAMES = frozenset({"token", "key", "apikey", "api_key", "api-key", "access_token", "sig", "signature",
                          "secret", "password", "passwd", "pwd", "pass", "auth", "code", "session", "sid",
                          "jwt", "bearer", "credential", "credentials", "integrationkey", "routing_key"})
_TOKEN_NAME_RE = re.compile(r"(?i)token|secret|passw|api[_-]?key|signature|credential|private[_-]?key|auth_")


def _secret_name(name: str) -> bool:
    name = unquote_plus(name).strip().lower()
    return name in _TOKEN_NAMES or bool(_TOKEN_NAME_RE.search(name))


def _secret_value(value: str) -> bool:
    from launchready.redaction import is_secret_shaped

    return len(value) >= 8 and is_secret_shaped(unquote_plus(value))  # shorter is never one (redaction.py)


def _pairs(text: str) -> str:
    """A query string (or fragment) with every secret value masked; order and encoding kept."""
    out = []
    for pair in text.split("&"):
        name, eq, value = pair.partition("=")
        if eq and value and (_secret_name(name) or _secret_value(value)):
            value = MASK
        elif not eq and _secret_value(name):
            name = MASK
        out.append(f"{name}{eq}{value}")
    return "&".join(out)


@lru_cache(maxsize=4096)
def redact_url(url: str) -> str:
    """The URL without its userinfo, secret query/fragment values or credential-shaped path segments."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK if _secret_value(url) else url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    path = "/".join(MASK if _secret_value(seg) else seg for seg in parts.path.split("/"))
    shown = urlunsplit((parts.scheme, netloc, path, _pairs(parts.query) if parts.query else "",
                        _pairs(parts.fragment) if parts.fragment else ""))
    host = parts.netloc.rpartition("@")[2]
    if path.strip("/") and _secret_value(urlunsplit((parts.scheme, host, path, "", ""))):
        # a webhook whose token is its path
        path = "/".join(MASK if _TOKENISH_SEGMENT_RE.match(seg) else seg for seg in path.split("/"))
        if _secret_value(urlunsplit((parts.scheme, host, path, "", ""))):
            path = "/" + MASK
        shown = urlunsplit((parts.scheme, netloc, path, *urlsplit(shown)[3:]))
    return shown


def _redact_match(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = len(url) - len(url.rstrip(_TRAILING))
    return redact_url(url[: len(url) - tail]) + url[len(url) - tail:]


def redact_text(text: str) -> str:
    """Every URL inside a line of text redacted (a summary, an error message, a list of hops)."""
    if "://" not in text:
        return text
    return _URL_RE.sub(_redact_match, text)


def redact_value(value: Any) -> Any:
    """Strings redacted at any depth of a check's details (dicts, lists, tuples)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(v) for v in value)
    return value


def _check(check: CheckResult) -> CheckResult:
    return dataclasses.replace(check, target=redact_text(check.target), summary=redact_text(check.summary),
                               details=redact_value(check.details))


def redact_report(report: Report) -> Report:
    """The report with every URL in its targets, summaries and details redacted (risks follow from those)."""
    return Report([_check(c) for c in report.checks])
