"""`launchready verify [DOMAIN ...] [--stack NAME] [options]`: is what is live what the launch needs?

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from launchready.cli import ExitStatus
from launchready.probe.options import add_common, common_options, domain_arg, label_arg
from launchready.probe.resolver import UsageError
from launchready.verify.engine import RUN_BOUND_TIMEOUTS

if TYPE_CHECKING:
    from launchready.probe.stack import LoadedStack
    from launchready.verify.expectations import Expectations
    from launchready.verify.ses import ClientFactory

TIMEOUT_HELP = (
    "patience for each DNS lookup (retries inside it), TLS handshake and HTTP request (default 5); "
    f"the whole run, start-up included, ends within {RUN_BOUND_TIMEOUTS} x this (30 s by default): checks "
    "still running then are stopped and fail as timed out"
)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "domains", nargs="*", metavar="DOMAIN", type=domain_arg, help="bare domains to audit (no stack file needed)"
    )
    add_common(parser, timeout_help=TIMEOUT_HELP)
    parser.add_argument(
        "--dkim-selector",
        metavar="NAME",
        action="append",
        type=label_arg,
        default=[],
        help="DKIM selector to check (repeatable); with --stack, SES's tokens are used when none is given",
    )
    parser.add_argument(
        "--mail-from", metavar="SUBDOMAIN", type=label_arg, help="custom MAIL FROM subdomain, e.g. mail"
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown report (for a pull request)")
    parser.add_argument("--sarif", metavar="FILE", type=Path, help="also write the results as SARIF 2.1.0 to FILE")


def _targets(args: argparse.Namespace) -> tuple[list[Expectations], ClientFactory | None, LoadedStack | None]:
    """(expectations, SES client factory or None, the loaded stack or None); raises UsageError."""
    from launchready.verify.expectations import for_domain, for_stack
    from launchready.verify.ses import default_client_factory

    if not args.stack:
        targets = [
            for_domain(d, dkim_selectors=args.dkim_selector, mail_from=args.mail_from)
            for d in dict.fromkeys(args.domains)
        ]
        return targets, None, None
    from launchready.probe.stack import check_aws_settings, load_stack

    loaded = load_stack(args.stack, args.root)
    cfg = loaded.cfg
    check_aws_settings(loaded, cfg.email.ses_region if cfg.email.enabled else None)
    factory = default_client_factory(args.timeout) if cfg.email.enabled else None
    exp = for_stack(cfg, dkim_selectors=args.dkim_selector, mail_from=args.mail_from)
    return [exp], factory, loaded


def _check_sarif_path(path: Path | None) -> None:
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"--sarif {path}: is a directory; give a file name such as verify.sarif")
    if not path.parent.exists():
        raise UsageError(f"--sarif {path}: the directory {path.parent} does not exist")


def run(args: argparse.Namespace) -> int:
    from launchready.probe.clock import command_started
    from launchready.probe.render import TerminalProgress, render_json, render_markdown, render_text
    from launchready.probe.sarif import write_sarif
    from launchready.verify.engine import VerifyOptions, verify

    if bool(args.stack) == bool(args.domains):
        print("error: give either --stack NAME or one or more domains (not both)", file=sys.stderr)
        return ExitStatus.USAGE
    if args.json and args.markdown:
        print("error: give --json or --markdown, not both", file=sys.stderr)
        return ExitStatus.USAGE
    try:
        common = common_options(args)
        _check_sarif_path(args.sarif)
        targets, factory, loaded = _targets(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    options = VerifyOptions(**common, ses_client_factory=factory, started=command_started())
    where = loaded.announce(args.json) if loaded else {}
    progress = TerminalProgress()
    try:
        report = verify(targets, options, progress)
    finally:
        progress.finish()
    if args.json:
        print(render_json(report, where))
    elif args.markdown:
        print(render_markdown(report))
    else:
        print(render_text(report))
    if args.sarif is not None:
        try:
            write_sarif(report, args.sarif, tool="launchready verify", artifact=loaded.stack_file if loaded else None)
        except OSError as exc:
            print(f"error: --sarif {args.sarif}: cannot write: {exc.strerror}", file=sys.stderr)
            return ExitStatus.USAGE
    return ExitStatus.FAILED if report.failed else ExitStatus.OK
