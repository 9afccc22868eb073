"""The live zone through the Cloudflare API (the official SDK), read only: records, rulesets, zone settings.

Every API failure becomes an AdoptError that says which call failed, why (the API's own error messages) and
the fix (the permission the token lacks, wait and retry...). The token is never part of a message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import cloudflare

from launchready.adopt.model import AdoptError, LiveRecord, LiveRuleset, LiveZone
from launchready.adopt.records import fqdn

TOKEN_ENV = "CLOUDFLARE_API_TOKEN"
PER_PAGE = 100
T = TypeVar("T")


def _api_errors(exc: cloudflare.APIError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    errors = body.get("errors") if isinstance(body, dict) else None
    parts = []
    for err in errors or []:
        if isinstance(err, dict):
            code = err.get("code")
            parts.append(f"{err.get('message', '')}{f' (code {code})' if code is not None else ''}".strip())
    return "; ".join(p for p in parts if p)


#: The API's error codes for a token that is malformed, unknown, expired or revoked (whatever the HTTP status).
_BAD_TOKEN_CODES = {1000, 6003, 6111, 9103, 9106, 9109, 10001}


def _codes(exc: cloudflare.APIError) -> set[int]:
    body = exc.body if isinstance(exc.body, dict) else {}
    out = set()
    for err in body.get("errors") or []:
        if isinstance(err, dict) and isinstance(err.get("code"), int):
            out.add(err["code"])
        for sub in (err.get("error_chain") or []) if isinstance(err, dict) else []:
            if isinstance(sub, dict) and isinstance(sub.get("code"), int):
                out.add(sub["code"])
    return out


def _explain(exc: Exception, what: str, permission: str) -> AdoptError:
    if isinstance(exc, cloudflare.APIStatusError) and exc.status_code in (400, 401, 403) and (
            _codes(exc) & _BAD_TOKEN_CODES):
        return AdoptError(f"Cloudflare API: {what} failed: {exc.status_code} {_api_errors(exc)}. {TOKEN_ENV} is "
                          "not a valid API token (mistyped, expired or revoked): create a new read-only token")
    if isinstance(exc, cloudflare.AuthenticationError):
        detail = _api_errors(exc) or "the token was not accepted"
        return AdoptError(f"Cloudflare API: {what} failed: 401 {detail}. Check {TOKEN_ENV}: it must be an API "
                          "token (not a global API key) that is still active")
    if isinstance(exc, cloudflare.PermissionDeniedError):
        detail = _api_errors(exc) or "forbidden"
        return AdoptError(f"Cloudflare API: {what} failed: 403 {detail}. The token lacks {permission} on this "
                          "zone: add it to the token (My Profile > API Tokens) and re-run")
    if isinstance(exc, cloudflare.NotFoundError):
        return AdoptError(f"Cloudflare API: {what} failed: 404 {_api_errors(exc) or 'not found'}. Check "
                          "launchready:zone.zoneId in the stack file and that the token covers this zone")
    if isinstance(exc, cloudflare.RateLimitError):
        after = exc.response.headers.get("retry-after")
        wait = f" (the API asked to wait {after} s)" if after else ""
        return AdoptError(f"Cloudflare API: {what} failed: 429 rate limited{wait}, after the retries adopt "
                          "makes. Wait that long and re-run; nothing was written")
    if isinstance(exc, cloudflare.APIStatusError):
        return AdoptError(f"Cloudflare API: {what} failed: HTTP {exc.status_code} "
                          f"{_api_errors(exc) or 'server error'}. Re-run later; nothing was written")
    if isinstance(exc, cloudflare.APITimeoutError):
        return AdoptError(f"Cloudflare API: {what} timed out. Check the network or --api-base and re-run")
    if isinstance(exc, cloudflare.APIConnectionError):
        return AdoptError(f"Cloudflare API: {what}: cannot connect ({exc.__cause__ or exc}). Check the network "
                          "or --api-base")
    if isinstance(exc, cloudflare.APIResponseValidationError):
        return AdoptError(f"Cloudflare API: {what}: the answer is not the API's documented shape")
    raise exc


#: The longest Retry-After adopt waits out; a longer one ends the run with the wait in the message.
MAX_WAIT_SECONDS = 10.0


@dataclass
class Budget:
    """How many more retries one adopt run may make (--max-retries, across all its calls)."""

    left: int = 2


def _retry_after(exc: cloudflare.APIStatusError) -> float:
    try:
        return max(0.0, float(exc.response.headers.get("retry-after", "1")))
    except ValueError:
        return 1.0


def _with_retries(fn: Callable[[], T], budget: Budget) -> T:
    """fn, again after a 429 (waiting out its Retry-After up to MAX_WAIT_SECONDS) or a 5xx/connection error
    (short backoff), at most `--max-retries` times in all."""
    attempt = 0
    while True:
        try:
            return fn()
        except cloudflare.RateLimitError as exc:
            wait = _retry_after(exc)
            if budget.left <= 0 or wait > MAX_WAIT_SECONDS:
                raise
        except (cloudflare.InternalServerError, cloudflare.APIConnectionError):
            if budget.left <= 0:
                raise
            wait = 0.5 * 2 ** attempt
        budget.left -= 1
        attempt += 1
        time.sleep(wait)


def _call(what: str, permission: str, fn: Callable[[], T], budget: Budget) -> T:
    try:
        return _with_retries(fn, budget)
    except cloudflare.APIError as exc:
        raise _explain(exc, what, permission) from None


def client_from_env(api_base: str | None, *, timeout: float = 20.0) -> cloudflare.Cloudflare:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise AdoptError(f"{TOKEN_ENV} is not set: create a read-only API token (Zone: Read, DNS: Read, Zone "
                         "Settings: Read, and read access to the zone's rulesets) and export it, or use "
                         "--zone-file with the zone's BIND export")
    # Retries are adopt's own (_with_retries): a long Retry-After ends the run instead of stalling it.
    return cloudflare.Cloudflare(api_token=token, base_url=api_base, max_retries=0, timeout=timeout)


def _int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _record(raw: dict[str, Any]) -> LiveRecord:
    meta_raw = raw.get("meta")
    meta: dict[str, Any] = meta_raw if isinstance(meta_raw, dict) else {}
    managed = None
    for flag in ("read_only", "managed_by_apps", "managed_by_argo_tunnel", "email_routing"):
        if meta.get(flag):
            managed = flag.replace("_", " ")
    data = raw.get("data") if isinstance(raw.get("data"), dict) else None
    return LiveRecord(
        id=str(raw.get("id") or "") or None,
        name=fqdn(str(raw.get("name", ""))),
        type=str(raw.get("type", "")).upper(),
        content=str(raw.get("content") or ""),
        proxied=bool(raw.get("proxied") or False),
        ttl=_int(raw.get("ttl"), 1) or 1,
        priority=_int(raw.get("priority")),
        data=data,
        managed=managed,
    )


def _pages(first: Any) -> Iterable[Any]:
    """Every page of a page/per_page listing, stopping at result_info.total_pages (no extra empty call)."""
    page = first
    while True:
        yield page
        info = getattr(page, "result_info", None)
        total = getattr(info, "total_pages", None) if info is not None else None
        current = getattr(info, "page", None) if info is not None else None
        if total is not None and current is not None and current >= total:
            return
        if not page.has_next_page():
            return
        page = page.get_next_page()


def read_records(client: cloudflare.Cloudflare, zone_id: str, budget: Budget) -> list[LiveRecord]:
    def fetch() -> list[LiveRecord]:
        first = client.dns.records.list(zone_id=zone_id, per_page=PER_PAGE, page=1)
        out: list[LiveRecord] = []
        for page in _pages(first):
            out += [_record(item.to_dict()) for item in page.result or []]
        return out

    return _call("listing the DNS records", "Zone > DNS > Read", fetch, budget)


def _soft(what: str, permission: str, fn: Callable[[], T], consequence: str, warnings: list[str],
          budget: Budget) -> T | None:
    """A read adopt can do without: a 403 or 404 becomes a warning (what failed, the fix, what it means)."""
    try:
        return _with_retries(fn, budget)
    except (cloudflare.PermissionDeniedError, cloudflare.NotFoundError) as exc:
        if _codes(exc) & _BAD_TOKEN_CODES:
            raise _explain(exc, what, permission) from None
        warnings.append(f"{_explain(exc, what, permission)}; {consequence}")
        return None
    except cloudflare.APIError as exc:
        raise _explain(exc, what, permission) from None


def _rulesets(client: cloudflare.Cloudflare, zone_id: str) -> list[LiveRuleset]:
    out = []
    for item in client.rulesets.list(zone_id=zone_id):
        raw = item.to_dict()
        out.append(LiveRuleset(str(raw.get("id", "")), str(raw.get("name", "")), str(raw.get("kind", "")),
                               str(raw.get("phase", ""))))
    return out


def _settings(client: cloudflare.Cloudflare, zone_id: str, setting_ids: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for setting in sorted(set(setting_ids)):
        got = client.zones.settings.get(setting, zone_id=zone_id)
        raw = got.to_dict() if got is not None and hasattr(got, "to_dict") else {}
        out[setting] = raw.get("value")
    return out


def read_zone(client: cloudflare.Cloudflare, zone_id: str, setting_ids: Iterable[str], *,
              max_retries: int = 2) -> LiveZone:
    """The records (a token without DNS read is an error), then what adopt can do without: the zone's name
    (to check the zone id), its rulesets and its settings (a 403/404 there is a warning)."""
    budget = Budget(max_retries)
    records = read_records(client, zone_id, budget)
    warnings: list[str] = []
    zone = _soft(f"reading the zone {zone_id}", "Zone > Zone > Read", lambda: client.zones.get(zone_id=zone_id),
                 "the zone's name is not checked against launchready:zone.domain", warnings, budget)
    rulesets = _soft("listing the zone's rulesets", "read access to the zone's rulesets (e.g. Zone WAF Read, "
                     "Single Redirect Rules Read, Cache Rules Read)", lambda: _rulesets(client, zone_id),
                     "existing entry-point rulesets are not in the import file, and the first pulumi up fails "
                     "on every phase that already has one", warnings, budget)
    settings = _soft("reading the zone settings", "Zone > Zone Settings > Read",
                     lambda: _settings(client, zone_id, setting_ids),
                     "the settings are imported, but what pulumi up will change on them is not known", warnings,
                     budget)
    return LiveZone(zone_id=zone_id, name=fqdn(str(getattr(zone, "name", "") or "")), source="api",
                    records=records, rulesets=rulesets, settings=settings, warnings=warnings)
