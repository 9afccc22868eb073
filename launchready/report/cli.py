"""`launchready report --stack NAME [--date DAY] [--json|--markdown]`: the daily report of one UTC day.

Thin: parse arguments, read the stack config, collect (launchready.report.collect), render
(launchready.report.render).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from components.config import ConfigError
from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments
from launchready.common.project import ProjectError, announce, resolve_stack
from launchready.report.model import DEPLOY_DIMENSION, DEPLOY_METRIC, DEPLOY_NAMESPACE
from launchready.stackfile import read_stack_outputs

EPILOG = f"""\
what it reads (CloudWatch get_metric_data over the whole UTC day):
  p95 latency   Stat p95 of the metrics source's latency per route class (monitoring.routeClasses)
  errors        Sum of the 5xx metric(s) and of requests; the error rate is flagged above errorRatePercent
  deploys       Sum of {DEPLOY_NAMESPACE} {DEPLOY_METRIC} with {DEPLOY_DIMENSION}=<stack>, published by the rollout
  uptime        Average of AWS/Route53 HealthCheckStatus per health check (us-east-1) x 100
  alarms        state changes into ALARM (alarm history; falls back to the alarms' current state)
health check ids come from --outputs (the JSON of `pulumi stack output --json`), else from Route 53
(by the Name tag the program sets, else by host and path). AWS_ENDPOINT_URL is honoured.

exit codes:
  0  report produced, nothing flagged
  1  report produced, something flagged: p95 above its threshold, uptime below uptimeTargetPercent (or
     no data), error rate above errorRatePercent, an alarm fired, or a figure could not be read
  2  usage, stack config or AWS credentials problem (no report)
"""


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--date", type=_day, default=None, help="UTC day to report, YYYY-MM-DD (default: yesterday)")
    fmt = parser.add_mutually_exclusive_group()
    add_stack_arguments(parser, json_help="print the report as JSON", json_group=fmt)
    fmt.add_argument("--markdown", action="store_true", help="print the report as Markdown")
    parser.add_argument("--outputs", type=Path, default=None, metavar="FILE",
                        help="JSON of `pulumi stack output --json` (health check ids, alarm regions)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per AWS call (default 10)")


def run(args: argparse.Namespace) -> int:
    from launchready.report.aws import CredentialsProblem
    from launchready.report.collect import collect
    from launchready.report.render import render_json, render_markdown, render_text
    from launchready.stackfile import load_stack_config, read_stack_file

    today = dt.datetime.now(dt.UTC).date()
    day = args.date or today - dt.timedelta(days=1)
    if day > today:
        print(f"error: --date {day.isoformat()} is in the future", file=sys.stderr)
        return ExitStatus.USAGE
    if args.timeout <= 0:
        print("error: --timeout must be positive", file=sys.stderr)
        return ExitStatus.USAGE
    try:
        target = resolve_stack(args.stack, args.root)
        cfg = load_stack_config(target.stack, target.root)
        stack_file = read_stack_file(target.stack, target.root)
        outputs = read_stack_outputs(args.outputs) if args.outputs is not None else None
    except ConfigError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return ExitStatus.USAGE
    except (ProjectError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    announce(target, json_output=args.json)
    region = str(stack_file.values.get("aws:region") or "")
    if not region:
        print(f"error: {target.stack_file.name} sets no aws:region; add `aws:region: <your region>` under config:",
              file=sys.stderr)
        return ExitStatus.USAGE
    clients = make_clients(args.timeout)
    try:
        clients.check_credentials()
        if sys.stderr.isatty():
            print(f"reading CloudWatch for {target.stack} on {day.isoformat()}...", file=sys.stderr)
        report = collect(cfg, project=stack_file.project, stack=target.stack, region=region, day=day,
                         clients=clients, outputs=outputs)
    except CredentialsProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    if args.json:
        sys.stdout.write(render_json(report, extra=target.to_json()) + "\n")
    elif args.markdown:
        sys.stdout.write(render_markdown(report))
    else:
        sys.stdout.write(render_text(report))
    return ExitStatus.OK if report.ok else ExitStatus.FAILED


def make_clients(timeout: float) -> Any:
    """The AWS clients (a seam for tests, which substitute a stubbed percentile client)."""
    from launchready.report.aws import AwsClients

    return AwsClients(timeout=timeout)
