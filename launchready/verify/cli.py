"""`launchready verify [DOMAIN ...] [--stack NAME] [options]`: is what is live what the launch needs?

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import sys

from launchready.probe.options import add_common, check_ca_bundle, domain_arg, label_arg, project_root
from launchready.probe.resolver import UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("domains", nargs="*", metavar="DOMAIN", type=domain_arg, help="bare domains to check")
    add_common(parser)
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


def run(args: argparse.Namespace) -> int:
    from components.config import ConfigError
    from launchready.probe.render import TerminalProgress, render_json, render_text
    from launchready.verify.engine import VerifyOptions, verify
    from launchready.verify.expectations import Expectations, for_domain, for_stack
    from launchready.verify.ses import default_client_factory

    if bool(args.stack) == bool(args.domains):
        print("error: give either --stack NAME or one or more domains (not both)", file=sys.stderr)
        return EXIT_USAGE
    try:
        ca_bundle = check_ca_bundle(args.ca_bundle)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    targets: list[Expectations]
    factory = None
    if args.stack:
        from launchready.stackfile import load_stack_config

        root = project_root(args.root)
        try:
            cfg = load_stack_config(args.stack, root)
        except ConfigError as exc:
            print(f"error: {exc.render()}", file=sys.stderr)
            return EXIT_USAGE
        targets = [for_stack(cfg, dkim_selectors=args.dkim_selector, mail_from=args.mail_from)]
        if cfg.email.enabled:
            factory = default_client_factory(args.timeout)
    else:
        targets = [
            for_domain(d, dkim_selectors=args.dkim_selector, mail_from=args.mail_from)
            for d in dict.fromkeys(args.domains)
        ]
    options = VerifyOptions(
        nameservers=args.nameserver,
        timeout=args.timeout,
        http_port=args.http_port,
        https_port=args.https_port,
        ca_bundle=ca_bundle,
        ses_client_factory=factory,
    )
    progress = TerminalProgress()
    try:
        report = verify(targets, options, progress)
    finally:
        progress.finish()
    print(render_json(report) if args.json else render_text(report))
    return EXIT_FAILED if report.failed else EXIT_OK
