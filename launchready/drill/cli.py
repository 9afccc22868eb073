"""`launchready drill --stack NAME`: set every alarm of the stack to ALARM, confirm its notification ran and
reaches a confirmed subscriber, set it back to OK. Reports the alarms that would reach nobody.

Exit codes: 0 every alarm reached someone and was restored, 1 an alarm failed the drill (named), 2 usage or
config error, AWS credentials/profile/endpoint unusable, or prod without --yes.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments


def _wait(text: str) -> float:
    from launchready.drill.engine import MAX_WAIT_SECONDS

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= MAX_WAIT_SECONDS:
        raise argparse.ArgumentTypeError(f"give 0 to {MAX_WAIT_SECONDS:g} seconds")
    return value


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser)
    parser.add_argument("--yes", action="store_true", help="confirm a drill of a prod stack (it pages the on-call)")
    parser.add_argument("--wait", type=_wait, default=30.0, metavar="SECONDS",
                        help="how long to wait for each alarm's action in its history (default 30, at most 300)")
    parser.add_argument("--profile", metavar="NAME", help="AWS profile (default: the usual AWS credential chain)")
    parser.add_argument("--endpoint-url", metavar="URL", help="send the AWS calls here (e.g. moto on loopback)")
    parser.add_argument("--alarm", action="append", default=[], metavar="NAME",
                        help="drill only this declared alarm (repeatable)")


def client_factory(profile: str | None, endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    config = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"})

    def make(region: str) -> tuple[Any, Any]:
        return (session.client("cloudwatch", region_name=region, endpoint_url=endpoint_url, config=config),
                session.client("sns", region_name=region, endpoint_url=endpoint_url, config=config))

    return make


def render_text(report: Any) -> str:
    lines = [f"alarm drill of stack {report.stack}: {len(report.alarms)} alarms", ""]
    for result in report.alarms:
        mark = "✓" if result.passed else "✗"
        subs = sum(t.confirmed for t in result.topics)
        state = ("restored to OK" if result.restored else "NOT restored" if result.set_to_alarm
                 else "state not changed")
        lines.append(f"  {mark} {result.alarm.name} ({result.alarm.region}, {result.alarm.kind}): "
                     f"{subs} confirmed subscriber(s), action {result.actions or 'not tried'}, {state}")
        lines += [f"      - {p}" for p in result.problems()]
    if report.unreachable:
        lines += ["", f"would reach nobody: {', '.join(report.unreachable)}"]
    lines.append("PASSED: every alarm reached someone and was set back to OK" if report.passed
                 else f"FAILED: {sum(not a.passed for a in report.alarms)} alarm(s) failed the drill")
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return ExitStatus.USAGE


def run(args: argparse.Namespace) -> int:
    from components.config import ConfigError
    from launchready.common.project import stack_target
    from launchready.drill.alarms import declared_alarms
    from launchready.drill.engine import DrillError, run_drill
    from launchready.stackfile import read_stack_file, validate

    target = stack_target(args)
    if target is None:
        return ExitStatus.USAGE
    try:
        sf = read_stack_file(target.stack, target.root)
        cfg = validate(sf, target.root)
    except ConfigError as exc:
        return _fail(exc.render())
    if cfg.is_prod and not args.yes:
        return _fail(f"stack {target.stack} is prod: the drill sets every alarm to ALARM, which pages the on-call; "
                     "tell them, then re-run with --yes")
    region = sf.values.get("aws:region")
    alarms = declared_alarms(cfg, sf.project, target.stack, region if isinstance(region, str) else "us-east-1")
    if args.alarm:
        unknown = sorted(set(args.alarm) - {a.name for a in alarms})
        if unknown:
            from launchready.load.setup import shown

            return _fail(f"--alarm {', '.join(map(shown, unknown))}: not an alarm of stack {target.stack} (declared: "
                         f"{', '.join(a.name for a in alarms)})")
        alarms = [a for a in alarms if a.name in args.alarm]
    try:
        report = run_drill(target.stack, alarms, client_factory(args.profile, args.endpoint_url),
                           wait_seconds=args.wait)
    except DrillError as exc:
        return _fail(str(exc))
    except Exception as exc:
        from launchready.drill.engine import fatal_error

        fatal = fatal_error(exc)
        if fatal is None:
            raise
        return _fail(str(fatal))
    print(json.dumps({**report.to_json(), **target.to_json()}, indent=2) if args.json else render_text(report))
    return ExitStatus.OK if report.passed else ExitStatus.FAILED
