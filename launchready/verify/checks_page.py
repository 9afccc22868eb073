"""What the homepage loads: `web.mixed_content` (http:// scripts, styles, images, frames, media, srcset
candidates, form targets on an https page) and `web.bundle_secrets` (detect-secrets over the page's inline
scripts and the same-origin JavaScript it loads, bounded in count and size).

Only the HTML as served is read (no script runs), so resources a script adds later are not seen. Secrets
are reported by type, file and line; the value never leaves this module (detect-secrets keeps a hash).
"""

from __future__ import annotations

import asyncio
import importlib
import tempfile
import threading
import types
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from launchready.probe.model import CheckResult, fail, passed, warn
from launchready.probe.web import Web

PAGE_LIMIT = 1024 * 1024
BUNDLE_LIMIT = 2 * 1024 * 1024
MAX_BUNDLES = 12
#: specific credential detectors only: entropy and keyword detectors flag every hash in a minified bundle
DETECTORS = (
    "AWSKeyDetector", "ArtifactoryDetector", "AzureStorageKeyDetector", "BasicAuthDetector", "CloudantDetector",
    "DiscordBotTokenDetector", "GitHubTokenDetector", "GitLabTokenDetector", "IbmCloudIamDetector",
    "IbmCosHmacDetector", "MailchimpDetector", "NpmDetector", "OpenAIDetector", "PrivateKeyDetector",
    "PypiTokenDetector", "SendGridDetector", "SlackDetector", "SoftlayerDetector", "SquareOAuthDetector",
    "StripeDetector", "TelegramBotTokenDetector", "TwilioKeyDetector",
)
#: (tag, attribute) -> what a browser does with an http:// URL there
_ACTIVE = {("script", "src"), ("link", "href"), ("iframe", "src"), ("frame", "src"), ("object", "data"),
           ("embed", "src")}
_PASSIVE = {("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"), ("video", "src"),
            ("video", "poster"), ("audio", "src"), ("input", "src"), ("form", "action")}
_detect_lock = threading.Lock()  # detect-secrets' settings are process-wide


@dataclass
class PageRefs:
    """The URLs an HTML page refers to, and its inline scripts."""

    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, URL)
    scripts: list[str] = field(default_factory=list)  # script src values
    inline: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageRefs()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "link" and not ({"stylesheet", "icon", "preload", "modulepreload", "manifest"}
                                  & set(values.get("rel", "").lower().split())):
            return
        for attr, value in values.items():
            if (tag, attr) not in _ACTIVE | _PASSIVE or not value:
                continue
            urls = [c.strip().split()[0] for c in value.split(",") if c.strip()] if attr == "srcset" else [value]
            self.page.refs += [(tag, attr, u.strip()) for u in urls]
        if tag == "script":
            self._in_script = "src" not in values
            if values.get("src"):
                self.page.scripts.append(values["src"].strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.page.inline.append(data)


def parse_page(html: str) -> PageRefs:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.page


@dataclass
class Homepage:
    url: str  # where the homepage landed
    html: str
    hops: list[dict[str, Any]]
    problem: str | None
    behind_access: bool = False


async def fetch_homepage(web: Web, url: str) -> Homepage:
    from launchready.verify.checks_web import access_login

    hops, problem = await web.follow(
        url, max_hops=5, read_body=True, body_limit=PAGE_LIMIT, stop=lambda h: access_login(h) is not None
    )
    last = hops[-1] if hops else None
    html = last.body.decode("utf-8", errors="replace") if last is not None else ""
    page = Homepage(last.url if last else url, html, [h.to_json() for h in hops], problem)
    page.behind_access = last is not None and access_login(last) is not None
    return page


def check_mixed_content(page: Homepage) -> CheckResult:
    details: dict[str, Any] = {"url": page.url, "hops": page.hops}
    if page.problem:
        return fail("web.mixed_content", page.url, f"the homepage did not answer: {page.problem}", **details)
    if page.behind_access:
        return passed("web.mixed_content", page.url, "behind Cloudflare Access: the page is not public", **details)
    if httpx.URL(page.url).scheme != "https":
        return fail("web.mixed_content", page.url, f"the homepage is served over plain HTTP ({page.url})", **details)
    refs = parse_page(page.html).refs
    insecure = [(tag, attr, u) for tag, attr, u in refs if u.lower().startswith("http://")]
    active = [r for r in insecure if (r[0], r[1]) in _ACTIVE]
    details.update(checked=len(refs), insecure=[{"tag": t, "attribute": a, "url": u} for t, a, u in insecure[:20]])
    shown = ", ".join(f"<{t} {a}> {u}" for t, a, u in insecure[:5])
    if active:
        return fail(
            "web.mixed_content",
            page.url,
            f"{len(insecure)} http:// resource(s) on an https page; browsers block the scripts, styles and frames: "
            f"{shown}",
            **details,
        )
    if insecure:
        return fail(
            "web.mixed_content",
            page.url,
            f"{len(insecure)} http:// resource(s) on an https page (browsers warn, the padlock goes): {shown}",
            **details,
        )
    return passed("web.mixed_content", page.url, f"all {len(refs)} referenced resource(s) are https", **details)


def _detector() -> types.ModuleType:
    """TOOLS' detect-secrets wrapper, wherever it lives this round."""
    try:
        return importlib.import_module("launchready.scan.detector")
    except ImportError:  # the older layout
        return importlib.import_module("launchready.scanning.detector")


def scan_texts(texts: dict[str, str]) -> list[dict[str, Any]]:
    """detect-secrets over named texts: [{file, line, type}] (no secret values)."""
    detector = _detector()
    config = {"plugins_used": [{"name": name} for name in DETECTORS]}
    with _detect_lock, tempfile.TemporaryDirectory(prefix="launchready-bundles-") as scratch:
        names = {}
        for i, (label, text) in enumerate(texts.items()):
            name = f"bundle-{i}.js"
            (Path(scratch) / name).write_text(text, encoding="utf-8")
            names[name] = label
        with detector.settings(config):
            found = detector.scan_files(Path(scratch), list(names), "web")
    return [{"file": names[f.path], "line": f.line, "type": f.type} for f in found]


def same_origin_scripts(page: Homepage) -> list[str]:
    base = httpx.URL(page.url)
    out = []
    for src in parse_page(page.html).scripts:
        try:
            url = base.join(src)
        except httpx.InvalidURL:
            continue
        if url.scheme == "https" and url.host == base.host and str(url) not in out:
            out.append(str(url))
    return out


async def check_bundle_secrets(web: Web, page: Homepage) -> CheckResult:
    details: dict[str, Any] = {"url": page.url}
    if page.problem:
        return fail("web.bundle_secrets", page.url, f"the homepage did not answer: {page.problem}", **details)
    if page.behind_access:
        return passed("web.bundle_secrets", page.url, "behind Cloudflare Access: the scripts are not public",
                      **details)
    scripts = same_origin_scripts(page)
    skipped = scripts[MAX_BUNDLES:]
    fetched = await asyncio.gather(
        *(web.follow(u, max_hops=3, read_body=True, body_limit=BUNDLE_LIMIT) for u in scripts[:MAX_BUNDLES])
    )
    texts = {f"{page.url} (inline script {i + 1})": s for i, s in enumerate(parse_page(page.html).inline)}
    unread = []
    for url, (hops, problem) in zip(scripts, fetched, strict=False):
        if problem or not hops or (hops[-1].status or 0) >= 400:
            unread.append(url)
            continue
        texts[url] = hops[-1].body.decode("utf-8", errors="replace")
    findings = await asyncio.to_thread(scan_texts, texts) if texts else []
    details.update(scripts=scripts[:MAX_BUNDLES], skipped=skipped, unread=unread, findings=findings,
                   limits={"bundles": MAX_BUNDLES, "bytes_each": BUNDLE_LIMIT})
    if findings:
        shown = "; ".join(f"{f['type']} in {f['file']} line {f['line']}" for f in findings[:5])
        return fail(
            "web.bundle_secrets",
            page.url,
            f"{len(findings)} credential(s) in the JavaScript the homepage serves: {shown}; revoke them now",
            **details,
        )
    note = f" ({len(unread)} could not be fetched)" if unread else ""
    if skipped or unread:
        return warn(
            "web.bundle_secrets",
            page.url,
            f"no credential in {len(texts)} script(s); {len(skipped)} more not scanned (limit {MAX_BUNDLES}){note}",
            **details,
        )
    return passed("web.bundle_secrets", page.url, f"no credential in {len(texts)} script(s) the homepage loads",
                  **details)
