"""Web-security checks on the declared hostnames, each its own id with pass/warn/fail and a fix:

- `web.headers`: the page a host serves sends clickjacking protection (CSP `frame-ancestors` or
  X-Frame-Options), `X-Content-Type-Options: nosniff`, a Content-Security-Policy and a Referrer-Policy;
- `web.cookies`: the cookies the login response sets: session cookies Secure and HttpOnly, SameSite set;
- `web.cors`: the API host does not echo an arbitrary Origin with credentials allowed (nor `*` with them);
- `web.access`: an internal host answers an unauthenticated request with Cloudflare Access's login
  redirect (`<team>.cloudflareaccess.com/cdn-cgi/access/login...`), never with the app;
- `web.noindex`: a staging host is behind Access or says `X-Robots-Tag: noindex`.

Each request is one unauthenticated GET (or a CORS preflight) with no cookie jar, to the address we
resolved. Cookie values are never kept or shown: only names and attributes.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from launchready.probe.model import CheckResult, Status, fail, passed, warn
from launchready.probe.web import Hop, Web

#: an Origin no real site uses: a server that echoes it back echoes every origin
PROBE_ORIGIN = "https://launchready-cors-probe.invalid"
ACCESS_SUFFIX = ".cloudflareaccess.com"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
ACCESS_LOGIN_PATH = "/cdn-cgi/access/login"
#: cookie names that carry a session or a login, when the stack names none
_SESSION_NAME = re.compile(r"sess|sid|auth|token|login|remember|jwt", re.IGNORECASE)
_CSRF_NAME = re.compile(r"csrf|xsrf", re.IGNORECASE)


def access_login(hop: Hop) -> str | None:
    """The Cloudflare Access login URL this response redirects to, or None."""
    if not hop.is_redirect or hop.location is None:
        return None
    try:
        to = httpx.URL(hop.url).join(hop.location)
    except httpx.InvalidURL:
        return None
    host = to.host.lower()
    if host.endswith(ACCESS_SUFFIX) and to.path.startswith(ACCESS_LOGIN_PATH):
        return str(to)
    return None


def _header_findings(headers: dict[str, str]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(failures, warnings, what was seen) for the security headers of one response. Framing and CSP matter
    for pages a browser renders (HTML); a JSON or other response needs only nosniff and a Referrer-Policy."""
    csp = headers.get("content-security-policy", "")
    xfo = headers.get("x-frame-options", "").strip().lower()
    nosniff = headers.get("x-content-type-options", "").strip().lower() == "nosniff"
    referrer = headers.get("referrer-policy", "").strip().lower()
    framing = "frame-ancestors" in csp.lower() or xfo in ("deny", "sameorigin")
    content_type = headers.get("content-type", "").lower()
    html = not content_type or "html" in content_type
    fails, warns = [], []
    if html and not framing:
        fails.append("no clickjacking protection (CSP frame-ancestors or X-Frame-Options: DENY/SAMEORIGIN)")
    if not nosniff:
        fails.append("no X-Content-Type-Options: nosniff")
    if html and not csp:
        warns.append("no Content-Security-Policy")
    if not referrer:
        warns.append("no Referrer-Policy")
    elif "unsafe-url" in referrer:
        warns.append("Referrer-Policy unsafe-url sends full URLs (with tokens in them) to other sites")
    seen = {
        "content-security-policy": csp or None,
        "x-frame-options": xfo or None,
        "x-content-type-options": headers.get("x-content-type-options"),
        "referrer-policy": referrer or None,
        "content-type": content_type or None,
    }
    return fails, warns, seen


async def check_headers(web: Web, host: str, ip: str | None = None) -> CheckResult:
    url = f"https://{host}/"
    hop = await web.get(url, ip=ip)
    details: dict[str, Any] = {"url": url, "ip": hop.ip, "status": hop.status}
    if hop.error:
        return fail("web.headers", host, f"{url} at {hop.ip} did not answer: {hop.error}", **details)
    if access_login(hop):
        return passed("web.headers", host, "behind Cloudflare Access: the app's headers are not reachable", **details)
    if hop.is_redirect:
        return passed("web.headers", host, f"redirects ({hop.status}); headers are judged where it lands", **details)
    fails, warns, seen = _header_findings(hop.headers)
    details["headers"] = seen
    if fails:
        return fail("web.headers", host, f"{url} at {hop.ip}: " + "; ".join(fails + warns), **details)
    if warns:
        return warn("web.headers", host, f"{url} at {hop.ip}: " + "; ".join(warns), **details)
    return passed(
        "web.headers", host, "frame-ancestors/X-Frame-Options, nosniff, CSP and Referrer-Policy set", **details
    )


def parse_cookie(header: str) -> tuple[str, dict[str, str]]:
    """(name, {attribute lower-case: value}) of one Set-Cookie header; the value itself is dropped."""
    first, *attrs = header.split(";")
    name = first.split("=", 1)[0].strip()
    out: dict[str, str] = {}
    for attr in attrs:
        key, _, value = attr.partition("=")
        out[key.strip().lower()] = value.strip()
    return name, out


def _judge_cookie(name: str, attrs: dict[str, str], session: bool) -> tuple[Status, list[str]]:
    problems: list[str] = []
    status = Status.passed
    samesite = attrs.get("samesite", "").lower()
    if "secure" not in attrs:
        problems.append("not Secure")
        status = Status.fail if session else Status.warn
    if session and "httponly" not in attrs and not _CSRF_NAME.search(name):
        problems.append("not HttpOnly (page scripts can steal it)")
        status = Status.fail
    if samesite == "none" and "secure" not in attrs:
        problems.append("SameSite=None without Secure (browsers drop it)")
        status = Status.fail
    elif not samesite:
        problems.append("no SameSite")
        if status is Status.passed:
            status = Status.warn
    return status, problems


async def check_cookies(web: Web, url: str, session_names: list[str]) -> CheckResult:
    """The cookies the login URL sets along its redirects, judged by their attributes."""
    hops, problem = await web.follow(url, max_hops=5, stop=lambda h: access_login(h) is not None)
    details: dict[str, Any] = {"url": url, "hops": [h.to_json() for h in hops]}
    if problem:
        return fail("web.cookies", url, f"the login did not answer: {problem}", **details)
    if access_login(hops[-1]):
        return passed("web.cookies", url, "the login is behind Cloudflare Access", **details)
    rows, worst_status, reasons = [], Status.passed, []
    wanted = {n.lower() for n in session_names}
    for header in (c for h in hops for c in h.cookies):
        name, attrs = parse_cookie(header)
        session = name.lower() in wanted or bool(_SESSION_NAME.search(name))
        status, problems = _judge_cookie(name, attrs, session)
        rows.append({"name": name, "session": session, "attributes": sorted(attrs), "problems": problems})
        if problems:
            reasons.append(f"{name}: {', '.join(problems)}")
        if status is Status.fail or (status is Status.warn and worst_status is Status.passed):
            worst_status = status
    details["cookies"] = rows
    if not rows:
        return passed("web.cookies", url, "the login page sets no cookie before sign-in", **details)
    if worst_status is Status.passed:
        return passed("web.cookies", url, f"{len(rows)} cookie(s): Secure, HttpOnly where needed, SameSite", **details)
    return CheckResult("web.cookies", url, worst_status, "cookie flags: " + "; ".join(reasons), details)


def probe_origins(domain: str | None) -> list[str]:
    """An origin no site uses, and two that fool a check written as startswith/endswith on the domain."""
    origins = [PROBE_ORIGIN]
    if domain:
        origins += [f"https://{domain}.launchready-cors-probe.invalid", f"https://launchready-cors-probe-{domain}"]
    return origins


def _cors_verdict(hop: Hop, origin: str) -> tuple[Status, str]:
    acao = hop.headers.get("access-control-allow-origin", "").strip()
    creds = hop.headers.get("access-control-allow-credentials", "").strip().lower() == "true"
    if acao in (origin, "null"):
        what = f"echoes any Origin ({acao})" if origin == PROBE_ORIGIN else f"trusts the look-alike Origin {acao}"
        if creds:
            return Status.fail, (
                f"{what} with Access-Control-Allow-Credentials: true: any site can read a signed-in user's API "
                "responses"
            )
        return Status.warn, f"{what}: any site can read the responses (no credentials)"
    if acao == "*" and creds:
        return Status.fail, "Access-Control-Allow-Origin: * with credentials allowed: restrict the origins"
    return Status.passed, f"a foreign Origin is not allowed (Access-Control-Allow-Origin: {acao or 'absent'})"


async def _cors_probe(web: Web, url: str, origin: str) -> list[tuple[Hop, str]]:
    simple = await web.get(url, headers={"Origin": origin})
    preflight = await web.get(
        url,
        method="OPTIONS",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"},
    )
    return [(simple, origin), (preflight, origin)]


async def check_cors(web: Web, host: str, url: str | None = None, domain: str | None = None) -> CheckResult:
    """A GET and a preflight from foreign origins must not be allowed, above all not with credentials."""
    url = url or f"https://{host}/"
    hops = [h for origin in probe_origins(domain) for h in await _cors_probe(web, url, origin)]
    details: dict[str, Any] = {
        "url": url,
        "origins": probe_origins(domain),
        "answers": [{"origin": o, **h.to_json(), "allow_origin": h.headers.get("access-control-allow-origin")}
                    for h, o in hops],
    }
    answered = [(h, o) for h, o in hops if not h.error]
    if not answered:
        return fail("web.cors", host, f"{url} did not answer: {hops[0][0].error}", **details)
    rank = {Status.passed: 0, Status.warn: 1, Status.fail: 2}
    status, why = max((_cors_verdict(h, o) for h, o in answered), key=lambda v: rank[v[0]])
    return CheckResult("web.cors", host, status, why, details)


async def check_access(web: Web, host: str, ip: str | None = None) -> CheckResult:
    url = f"https://{host}/"
    hop = await web.get(url, ip=ip, headers=BROWSER)  # asked as a browser asks: Access answers it with its login
    details: dict[str, Any] = {"url": url, "ip": hop.ip, "hop": hop.to_json()}
    if hop.error:
        return fail("web.access", host, f"{url} at {hop.ip} did not answer: {hop.error}", **details)
    login = access_login(hop)
    if login:
        team = httpx.URL(login).host.removesuffix(ACCESS_SUFFIX)
        details["team"] = team
        return passed("web.access", host, f"an unauthenticated request meets Cloudflare Access ({team})", **details)
    what = f"redirects to {hop.location}" if hop.is_redirect else f"answers {hop.status}"
    return fail(
        "web.access",
        host,
        f"{url} at {hop.ip} {what} to an unauthenticated request: the app answers, not Cloudflare Access",
        **details,
    )


async def check_noindex(web: Web, host: str) -> CheckResult:
    url = f"https://{host}/"
    hops, problem = await web.follow(url, max_hops=5, stop=lambda h: access_login(h) is not None)
    details: dict[str, Any] = {"url": url, "hops": [h.to_json() for h in hops]}
    if problem:
        return fail("web.noindex", host, f"{url} did not answer: {problem}", **details)
    if any(access_login(h) for h in hops):
        return passed("web.noindex", host, "behind Cloudflare Access: search engines cannot reach it", **details)
    robots = hops[-1].headers.get("x-robots-tag", "")
    details["x_robots_tag"] = robots or None
    if "noindex" in robots.lower() or "none" in {p.strip().lower() for p in robots.split(",")}:
        return passed("web.noindex", host, f"X-Robots-Tag: {robots}", **details)
    return fail(
        "web.noindex",
        host,
        f"{hops[-1].url} is public and indexable (no Access, no X-Robots-Tag: noindex): staging shows up in search",
        **details,
    )
