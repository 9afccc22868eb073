"""`launchready smoke --stack NAME | --url URL ... [--burst N --concurrency C] [options]`: after a deploy,
do the homepage, the login and the API health answer as expected, over valid TLS, in time?

The checks live in `launchready.smoke.checks`; this module parses arguments and renders.
Exit codes: 0 no check failed, 1 a check failed, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from launchready.cli import ExitStatus
from launchready.probe.options import add_common, common_options
from launchready.probe.redact import redact_text
from launchready.probe.resolver import UsageError

if TYPE_CHECKING:
    from launchready.smoke.checks import Endpoint

DEFAULT_URL_P95_MS = 1000
TIMEOUT_HELP = (
    "bound on each lookup, handshake and request (default 5). The whole run ends within 4 x this, plus "
    "(ceil(burst / concurrency) + 1) x this with --burst (e.g. 5 s, --burst 50 --concurrency 5: 75 s); "
    "what is still running then fails"
)


def _bounded(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number from {low} to {high}")
        return int(text)

    return parse


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add_common(parser, timeout_help=TIMEOUT_HELP)
    parser.add_argument(
        "--url", action="append", default=[], help="check this https:// URL (repeatable) instead of a stack"
    )
    parser.add_argument("--expect-text", help="with --url: text the page must contain")
    parser.add_argument(
        "--p95-ms",
        type=_bounded("--p95-ms", 10, 60000),
        default=None,
        help=f"with --url: response-time threshold in ms (default {DEFAULT_URL_P95_MS})",
    )
    parser.add_argument(
        "--burst", type=_bounded("--burst", 0, 500), default=0, help="then send N requests to each endpoint (max 500)"
    )
    parser.add_argument(
        "--concurrency",
        type=_bounded("--concurrency", 1, 20),
        default=5,
        help="requests in flight during a burst (max 20)",
    )


def _url_endpoints(args: argparse.Namespace) -> list[Endpoint]:
    import httpx

    from launchready.smoke.checks import Endpoint

    endpoints = []
    for url in args.url:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme != "https" or not parsed.host:
            raise UsageError(f"--url {redact_text(url)}: give an https:// URL")
        endpoints.append(Endpoint("smoke.url", url, args.expect_text, args.p95_ms or DEFAULT_URL_P95_MS))
    return endpoints


def run(args: argparse.Namespace) -> int:
    from launchready.probe.render import render_json, render_text
    from launchready.probe.stack import load_stack
    from launchready.smoke.checks import SmokeOptions, endpoints_for_stack, run_bound, smoke

    if bool(args.stack) == bool(args.url):
        print("error: give either --stack NAME or one or more --url URL (not both)", file=sys.stderr)
        return ExitStatus.USAGE
    error_rate = 0.0
    where: dict[str, str] = {}
    try:
        common = common_options(args)
        if args.stack:
            loaded = load_stack(args.stack, args.root)
            endpoints = endpoints_for_stack(loaded.cfg)
            error_rate = loaded.cfg.monitoring.error_rate_percent
            where = loaded.announce(args.json)
        else:
            endpoints = _url_endpoints(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    options = SmokeOptions(
        **common,
        burst=args.burst,
        concurrency=args.concurrency,
        error_rate_percent=error_rate,
    )
    if sys.stderr.isatty():
        bound = run_bound(args.timeout, args.burst, args.concurrency)
        print(
            f"smoke: {len(endpoints)} endpoint(s)" + (f", then {args.burst} requests each" if args.burst else "")
            + f"; done within {bound:g}s",
            file=sys.stderr,
        )
    report = smoke(endpoints, options)
    print(render_json(report, where) if args.json else render_text(report, title="smoke"))
    return ExitStatus.FAILED if report.failed else ExitStatus.OK
