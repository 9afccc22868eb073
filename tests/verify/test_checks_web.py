"""web.headers, web.cookies, web.cors, web.access and web.noindex against the site's HTTPS server."""

from __future__ import annotations

import pytest

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver
from launchready.verify import checks_web
from tests.fixtures.site import ACCESS_LOGIN, DOMAIN, HSTS_YEAR, SECURITY_HEADERS, with_web
from tests.fixtures.web import Page, RunningWeb

APP, API, ADMIN = f"app.{DOMAIN}", f"api.{DOMAIN}", f"admin.{DOMAIN}"
LOGIN = f"https://{APP}/login"


def test_a_page_with_the_security_headers_passes(resolver: Resolver, web: RunningWeb) -> None:
    result = with_web(resolver, web, lambda w: checks_web.check_headers(w, APP))
    assert result.status is Status.passed, result.summary


@pytest.mark.parametrize(
    ("drop", "status", "message"),
    [
        ("Content-Security-Policy", Status.fail, "no clickjacking protection"),
        ("X-Content-Type-Options", Status.fail, "no X-Content-Type-Options: nosniff"),
        ("Referrer-Policy", Status.warn, "no Referrer-Policy"),
    ],
)
def test_a_missing_security_header_is_named(
    resolver: Resolver, web: RunningWeb, drop: str, status: Status, message: str
) -> None:
    headers = {k: v for k, v in SECURITY_HEADERS.items() if k != drop}
    web.routes[("https", APP, "*")] = Page(200, headers=headers, body="app")
    result = with_web(resolver, web, lambda w: checks_web.check_headers(w, APP))
    assert result.status is status and message in result.summary, result.summary


def test_x_frame_options_protects_framing_without_csp_but_csp_is_still_advised(
    resolver: Resolver, web: RunningWeb
) -> None:
    headers = {k: v for k, v in SECURITY_HEADERS.items() if k != "Content-Security-Policy"}
    web.routes[("https", APP, "*")] = Page(200, headers={**headers, "X-Frame-Options": "DENY"}, body="app")
    result = with_web(resolver, web, lambda w: checks_web.check_headers(w, APP))
    assert result.status is Status.warn and "no Content-Security-Policy" in result.summary


def login_with(web: RunningWeb, *cookies: str) -> None:
    web.routes[("https", APP, "/login")] = Page(200, headers={"Strict-Transport-Security": HSTS_YEAR},
                                                body="Sign in", cookies=list(cookies))


def cookies(resolver: Resolver, web: RunningWeb, names: list[str] | None = None):
    return with_web(resolver, web, lambda w: checks_web.check_cookies(w, LOGIN, names or ["fl_session"]))


def test_a_secure_httponly_samesite_session_cookie_passes(resolver: Resolver, web: RunningWeb) -> None:
    login_with(web, "fl_session=s3cr3tvalue; Path=/; Secure; HttpOnly; SameSite=Lax",
               "csrftoken=abc; Path=/; Secure; SameSite=Strict")
    result = cookies(resolver, web)
    assert result.status is Status.passed, result.summary
    assert "s3cr3tvalue" not in str(result.details) and "s3cr3tvalue" not in result.summary


@pytest.mark.parametrize(
    ("cookie", "status", "message"),
    [
        ("fl_session=v; Path=/; HttpOnly; SameSite=Lax", Status.fail, "fl_session: not Secure"),
        ("fl_session=v; Path=/; Secure; SameSite=Lax", Status.fail, "not HttpOnly"),
        ("sessionid=v; Secure; HttpOnly; SameSite=None", Status.passed, ""),
        ("sessionid=v; HttpOnly; SameSite=None", Status.fail, "SameSite=None without Secure"),
        ("fl_session=v; Secure; HttpOnly", Status.warn, "no SameSite"),
    ],
)
def test_a_session_cookie_missing_a_flag_is_named(
    resolver: Resolver, web: RunningWeb, cookie: str, status: Status, message: str
) -> None:
    login_with(web, cookie)
    result = cookies(resolver, web)
    assert result.status is status and message in result.summary, result.summary


def cors(resolver: Resolver, web: RunningWeb, headers: dict[str, str]):
    web.routes[("https", API, "*")] = Page(200, headers=headers, body='{"status":"ok"}')
    return with_web(resolver, web, lambda w: checks_web.check_cors(w, API))


def test_an_api_that_allows_only_its_own_origin_passes(resolver: Resolver, web: RunningWeb) -> None:
    result = cors(resolver, web, {"Access-Control-Allow-Origin": f"https://app.{DOMAIN}",
                                  "Access-Control-Allow-Credentials": "true"})
    assert result.status is Status.passed, result.summary


def test_a_reflected_origin_with_credentials_fails(resolver: Resolver, web: RunningWeb) -> None:
    reflected = {"Access-Control-Allow-Origin": checks_web.PROBE_ORIGIN, "Access-Control-Allow-Credentials": "true"}
    result = cors(resolver, web, reflected)
    assert result.status is Status.fail and "echoes any Origin" in result.summary


def test_a_wildcard_with_credentials_fails_and_a_reflection_without_them_warns(
    resolver: Resolver, web: RunningWeb
) -> None:
    star = cors(resolver, web, {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"})
    assert star.status is Status.fail and "* with credentials" in star.summary
    public = cors(resolver, web, {"Access-Control-Allow-Origin": checks_web.PROBE_ORIGIN})
    assert public.status is Status.warn


def test_an_internal_host_behind_access_passes(resolver: Resolver, web: RunningWeb) -> None:
    result = with_web(resolver, web, lambda w: checks_web.check_access(w, ADMIN))
    assert result.status is Status.passed and result.details["team"] == "launchready"


@pytest.mark.parametrize(
    "page",
    [
        Page(200, body="<h1>Admin dashboard</h1>"),
        Page(302, f"https://{ADMIN}/login"),  # the app's own login
        Page(302, "https://evil.example/cdn-cgi/access/login/x"),  # not Cloudflare's Access domain
        Page(401, body="sign in"),
    ],
)
def test_an_internal_host_answered_by_the_app_fails(resolver: Resolver, web: RunningWeb, page: Page) -> None:
    web.routes[("https", ADMIN, "*")] = page
    result = with_web(resolver, web, lambda w: checks_web.check_access(w, ADMIN))
    assert result.status is Status.fail and "the app answers, not Cloudflare Access" in result.summary


def test_a_staging_host_is_not_indexable_behind_access_or_with_noindex(resolver: Resolver, web: RunningWeb) -> None:
    behind = with_web(resolver, web, lambda w: checks_web.check_noindex(w, ADMIN))
    assert behind.status is Status.passed
    web.routes[("https", APP, "*")] = Page(200, headers={"X-Robots-Tag": "noindex, nofollow"}, body="staging")
    tagged = with_web(resolver, web, lambda w: checks_web.check_noindex(w, APP))
    assert tagged.status is Status.passed


def test_a_public_staging_host_fails(resolver: Resolver, web: RunningWeb) -> None:
    result = with_web(resolver, web, lambda w: checks_web.check_noindex(w, APP))
    assert result.status is Status.fail and "indexable" in result.summary


def test_access_login_is_recognised_only_on_cloudflare_access() -> None:
    from launchready.probe.web import Hop

    good = Hop(f"https://{ADMIN}/", status=302, location=ACCESS_LOGIN.format(host=ADMIN))
    assert checks_web.access_login(good)
    assert not checks_web.access_login(Hop(f"https://{ADMIN}/", status=302, location="/cdn-cgi/access/login/x"))


def test_a_json_api_needs_nosniff_but_not_framing_protection(resolver: Resolver, web: RunningWeb) -> None:
    json_only = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    web.routes[("https", API, "*")] = Page(200, headers=json_only, body="{}", content_type="application/json")
    assert with_web(resolver, web, lambda w: checks_web.check_headers(w, API)).status is Status.passed
    web.routes[("https", API, "*")] = Page(200, body="{}", content_type="application/json")
    bare = with_web(resolver, web, lambda w: checks_web.check_headers(w, API))
    assert bare.status is Status.fail and "nosniff" in bare.summary and "clickjacking" not in bare.summary


def test_an_origin_check_written_as_endswith_or_startswith_is_caught(resolver: Resolver, web: RunningWeb) -> None:
    """A server that trusts any origin ending (or starting) with the domain, as naive checks do."""
    for fooled in checks_web.probe_origins(DOMAIN)[1:]:
        headers = {"Access-Control-Allow-Origin": fooled, "Access-Control-Allow-Credentials": "true"}
        web.routes[("https", API, "*")] = Page(200, headers=headers, body="{}")
        # the server echoes only this one look-alike; the plain foreign origin is refused
        result = with_web(resolver, web, lambda w: checks_web.check_cors(w, API, domain=DOMAIN))
        assert result.status is Status.fail and fooled in result.summary
