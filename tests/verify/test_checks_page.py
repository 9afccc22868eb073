"""web.mixed_content and web.bundle_secrets: the homepage's HTML and the same-origin JavaScript it loads."""

from __future__ import annotations

from launchready.probe.model import Status
from launchready.probe.resolver import Resolver
from launchready.verify import checks_page
from tests.fixtures.site import DOMAIN, SECURITY_HEADERS, with_web
from tests.fixtures.web import Page, RunningWeb

HOME = f"https://{DOMAIN}/"
#: a Stripe secret key as a bundler inlines it (the shape detect-secrets' Stripe detector knows)
STRIPE_KEY = "sk_live_" + "51H8aZ2eZvKYlo2C" + "0123456789abcdef"


def homepage(resolver: Resolver, web: RunningWeb, html: str | None = None):
    if html is not None:
        web.routes[("https", DOMAIN, "*")] = Page(200, headers=SECURITY_HEADERS, body=html)

    async def go(w):
        page = await checks_page.fetch_homepage(w, HOME)
        return checks_page.check_mixed_content(page), await checks_page.check_bundle_secrets(w, page)

    return with_web(resolver, web, go)


def test_a_homepage_loading_everything_over_https_passes_both(resolver: Resolver, web: RunningWeb) -> None:
    mixed, secrets = homepage(resolver, web)
    assert mixed.status is Status.passed and mixed.details["checked"] >= 4, mixed.summary
    assert secrets.status is Status.passed and secrets.details["scripts"] == [f"https://{DOMAIN}/static/app.js"]


def test_an_http_script_fails_naming_it(resolver: Resolver, web: RunningWeb) -> None:
    mixed, _ = homepage(resolver, web, '<html><script src="http://cdn.example.net/lib.js"></script>Welcome</html>')
    assert mixed.status is Status.fail and "http://cdn.example.net/lib.js" in mixed.summary
    assert "browsers block" in mixed.summary


def test_http_images_in_srcset_and_iframes_fail(resolver: Resolver, web: RunningWeb) -> None:
    html = '<img src="/a.png" srcset="/a-2x.png 2x, http://img.example.net/a-3x.png 3x"><p>Welcome</p>'
    mixed, _ = homepage(resolver, web, html)
    assert mixed.status is Status.fail and "http://img.example.net/a-3x.png" in mixed.summary
    framed, _ = homepage(resolver, web, '<iframe src="http://video.example.net/embed"></iframe>')
    assert framed.status is Status.fail and "<iframe src>" in framed.summary


def test_a_key_in_a_same_origin_bundle_fails_without_showing_it(resolver: Resolver, web: RunningWeb) -> None:
    web.routes[("https", DOMAIN, "/static/app.js")] = Page(
        200, body=f'const stripe="{STRIPE_KEY}";fetch("/api")', content_type="text/javascript"
    )
    _, secrets = homepage(resolver, web)
    assert secrets.status is Status.fail and "Stripe" in secrets.summary and "/static/app.js" in secrets.summary
    assert STRIPE_KEY not in secrets.summary and STRIPE_KEY not in str(secrets.details)


def test_an_inline_key_fails_and_cross_origin_scripts_are_not_fetched(resolver: Resolver, web: RunningWeb) -> None:
    html = ('<script>window.cfg={aws:"AKIAIOSFODNN7EXAMPLE"}</script>'
            '<script src="https://cdn.example.net/lib.js"></script>')
    _, secrets = homepage(resolver, web, html)
    assert secrets.status is Status.fail and "AWS Access Key" in secrets.summary and "inline script" in secrets.summary
    assert secrets.details["scripts"] == []


def test_the_number_of_bundles_is_bounded(resolver: Resolver, web: RunningWeb) -> None:
    many = "".join(f'<script src="/static/chunk{i}.js"></script>' for i in range(checks_page.MAX_BUNDLES + 3))
    for i in range(checks_page.MAX_BUNDLES + 3):
        web.routes[("https", DOMAIN, f"/static/chunk{i}.js")] = Page(200, body="1", content_type="text/javascript")
    _, secrets = homepage(resolver, web, many)
    assert secrets.status is Status.warn and len(secrets.details["skipped"]) == 3
