"""`launchready adopt --stack NAME [--zone-file FILE] [--json]`: take over what the zone and AWS already have.

Reads the live zone (Cloudflare API with a read-only CLOUDFLARE_API_TOKEN, or a BIND export), the SES
identity and SNS topics (boto3), maps every record onto the stack config, and writes the changes into the
stack file (comments kept), `import-<stack>.json` for `pulumi import --file`, and `adopt-<stack>.json`.
Exit codes: 0 adopted, 1 conflicts need a decision, 2 usage, config or API error.
"""

from __future__ import annotations

import argparse
import json
import sys

from components.config import ConfigError
from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments
from launchready.common.project import stack_target


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, json_help="print the adoption as a JSON document")
    parser.add_argument("--zone-file", metavar="FILE", help="read the zone from a BIND export instead of the API")
    parser.add_argument("--api-base", metavar="URL",
                        help="Cloudflare API base URL (default: https://api.cloudflare.com/client/v4)")
    parser.add_argument("--aws-endpoint-url", metavar="URL", help="AWS endpoint (e.g. a local moto server)")
    parser.add_argument("--no-aws", action="store_true", help="do not look for the SES identity and SNS topics")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument("--max-retries", type=int, default=2, metavar="N",
                        help="retries of a rate-limited or failed API call (default 2)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from launchready.adopt.engine import AdoptOptions, adopt
    from launchready.adopt.model import AdoptError
    from launchready.adopt.render import render_text

    target = stack_target(args)
    if target is None:
        return ExitStatus.USAGE
    opts = AdoptOptions(stack=target.stack, root=target.root,
                        zone_file=Path(args.zone_file).expanduser() if args.zone_file else None,
                        api_base=args.api_base, aws_endpoint_url=args.aws_endpoint_url, no_aws=args.no_aws,
                        dry_run=args.dry_run, max_retries=max(0, args.max_retries))
    try:
        outcome = adopt(opts)
    except ConfigError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return ExitStatus.USAGE
    except AdoptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    if args.json:
        json.dump({**outcome.to_json(), **target.to_json()}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_text(outcome))
    return ExitStatus.FAILED if outcome.conflicts else ExitStatus.OK
