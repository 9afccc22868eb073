"""`launchready report --stack NAME [--date DAY] [--json|--markdown]`: the daily report of one UTC day.

Thin: parse arguments, read the stack config, collect (launchready.report.collect), render
(launchready.report.render).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments
from launchready.common.aws import AwsSetupError, aws_session, check_region
from launchready.common.stack import LoadedStack, loaded_stack
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
    parser.add_argument("--timeout", type=_timeout, default=10.0, metavar="SECONDS",
                        help="seconds per AWS call (default 10, at most 300)")


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= 300:
        raise argparse.ArgumentTypeError("the timeout must be more than 0 and at most 300 seconds")
    return value


class UsageProblem(Exception):
    """Bad input for the report: printed as `error: ...`, exit 2."""


def _report_day(args: argparse.Namespace) -> dt.date:
    """The UTC day to report; UsageProblem for a day in the future."""
    today = dt.datetime.now(dt.UTC).date()
    day: dt.date = args.date or today - dt.timedelta(days=1)
    if day > today:
        raise UsageProblem(f"--date {day.isoformat()} is in the future")
    return day


def _region_and_outputs(args: argparse.Namespace, loaded: LoadedStack) -> tuple[str, dict[str, Any] | None]:
    """The stack's region (its alert regions checked too) and --outputs, or UsageProblem saying what is wrong."""
    from components.naming import alert_regions

    where = {"stack_file": loaded.target.stack_file.name, "stack": loaded.target.stack}
    try:
        outputs = read_stack_outputs(args.outputs) if args.outputs is not None else None
        region = check_region(loaded.stack_file.values.get("aws:region"), **where)
        for other in alert_regions(loaded.config, region):
            check_region(other, key="the alert region", **where)
    except (AwsSetupError, ValueError) as exc:
        raise UsageProblem(str(exc)) from None
    return region, outputs


def run(args: argparse.Namespace) -> int:
    from launchready.report.aws import CredentialsProblem
    from launchready.report.collect import collect
    from launchready.report.render import render_json, render_markdown, render_text

    try:
        day = _report_day(args)
        loaded = loaded_stack(args)
        if loaded is None:
            return ExitStatus.USAGE
        region, outputs = _region_and_outputs(args, loaded)
    except UsageProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    target, cfg, stack_file = loaded.target, loaded.config, loaded.stack_file
    try:
        clients = make_clients(args.timeout)
        clients.check_credentials()
        if sys.stderr.isatty():
            print(f"reading CloudWatch for {target.stack} on {day.isoformat()}...", file=sys.stderr)
        report = collect(cfg, project=stack_file.project, stack=target.stack, region=region, day=day,
                         clients=clients, outputs=outputs)
    except (CredentialsProblem, AwsSetupError) as exc:
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

    return AwsClients(timeout=timeout, session=aws_session())
