"""`launchready load --stack NAME --scenario FILE`: the critical flows at a modest arrival rate, judged
against the stack's latency and error thresholds.

Exit codes: 0 every flow within its thresholds, 1 a flow breached one (named), 2 usage, scenario or config
error (named key), or prod without --yes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments

DEFAULT_NOTE = "default: the scenario's load: block"


def _positive(kind: type[float] | type[int]) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0 and kind is not float:
            raise argparse.ArgumentTypeError("must be at least 1")
        if value < 0:
            raise argparse.ArgumentTypeError("must not be negative")
        return value

    return parse


def configure_parser(parser: argparse.ArgumentParser) -> None:
    output = parser.add_mutually_exclusive_group()
    add_stack_arguments(parser, json_help="print the result as JSON (the contract in docs/load.md)",
                        json_group=output)
    output.add_argument("--markdown", action="store_true", help="print the result as Markdown")
    parser.add_argument("--scenario", type=Path, required=True, metavar="FILE",
                        help="scenario file (YAML, see docs/load.md and examples/load-scenario.yaml)")
    parser.add_argument("--base-url", metavar="URL", help="send every flow to this origin instead of the stack's "
                        "hostnames (e.g. a test server)")
    parser.add_argument("--rate", type=_positive(float), metavar="N",
                        help=f"flow iterations started per second after the ramp ({DEFAULT_NOTE})")
    parser.add_argument("--ramp", type=_positive(float), metavar="SECONDS", help=f"ramp length ({DEFAULT_NOTE})")
    parser.add_argument("--duration", type=_positive(float), metavar="SECONDS",
                        help=f"time held at the full rate ({DEFAULT_NOTE})")
    parser.add_argument("--max-in-flight", type=_positive(int), metavar="N",
                        help=f"requests in flight at most ({DEFAULT_NOTE})")
    parser.add_argument("--ca-bundle", metavar="FILE", help="PEM file of CA certificates to trust (e.g. a "
                        "staging server's private CA); default the system's")
    parser.add_argument("--yes", action="store_true", help="confirm a run against a prod stack")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return ExitStatus.USAGE


def run(args: argparse.Namespace) -> int:
    from components.config import ConfigError
    from launchready.common.project import stack_target
    from launchready.load.render import TerminalProgress, render_json, render_markdown, render_text
    from launchready.load.runner import run_load
    from launchready.load.scenario import ScenarioError, load_scenario
    from launchready.load.setup import (
        Overrides,
        SetupError,
        check_base_url,
        credential_values,
        effective_profile,
        flow_plans,
        warnings,
    )
    from launchready.probe.options import check_ca_bundle
    from launchready.probe.resolver import UsageError
    from launchready.stackfile import read_stack_file, validate

    target = stack_target(args)
    if target is None:
        return ExitStatus.USAGE
    try:
        sf = read_stack_file(target.stack, target.root)
        cfg = validate(sf, target.root)
        region = sf.values.get("aws:region")
        scenario = load_scenario(args.scenario, sorted(cfg.monitoring.route_classes))
        if cfg.is_prod and not args.yes:
            return _fail(f"stack {target.stack} is prod: a load test sends real traffic to production; "
                         "re-run with --yes to confirm (also needed with --base-url: it takes prod's thresholds)")
        base_url = check_base_url(args.base_url) if args.base_url else None
        profile = effective_profile(scenario, Overrides(args.rate, args.ramp, args.duration, args.max_in_flight))
        plans = flow_plans(scenario, cfg, base_url)
        notes = warnings(scenario, cfg, base_url)
        values = credential_values(scenario, region if isinstance(region, str) else None)
        ca_bundle = check_ca_bundle(args.ca_bundle)
    except UsageError as exc:
        return _fail(str(exc))
    except ConfigError as exc:
        return _fail(exc.render())
    except ScenarioError as exc:
        return _fail(exc.render())
    except SetupError as exc:
        return _fail(str(exc))
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    progress = TerminalProgress()
    try:
        result = run_load(target.stack, base_url, plans, profile, values,
                          progress if progress.enabled else None, ca_bundle=ca_bundle)
    finally:
        progress.finish()
    if args.json:
        print(render_json(result, target.to_json()))
    elif args.markdown:
        print(render_markdown(result), end="")
    else:
        print(render_text(result))
    if result.interrupted:
        print("load: interrupted", file=sys.stderr)
        return 130
    if not result.passed:
        failed = ", ".join(f.name for f in result.flows if not f.passed)
        print(f"load: threshold breached by {failed}", file=sys.stderr)
        return ExitStatus.FAILED
    return ExitStatus.OK
