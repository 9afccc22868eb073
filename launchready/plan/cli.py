"""`launchready plan --stack NAME [--json]`: what `pulumi preview` would create, offline.

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 config or usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

import pulumi

from components.config import ConfigError
from launchready.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from launchready.stackfile import project_root


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--json", action="store_true", help="print the plan document as JSON")
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project directory (default: the current one if it holds Pulumi.yaml, else the installed project)",
    )
    parser.add_argument("--no-policies", action="store_true", help="skip the policy pack")
    parser.add_argument("--debug", action="store_true", help="show a traceback when the program itself fails")


def run(args: argparse.Namespace) -> int:
    from launchready.plan.document import build_plan
    from launchready.plan.render import render_text

    root = project_root(args.root)
    if not (root / "Pulumi.yaml").is_file():
        print(f"error: {root} holds no Pulumi.yaml; use --root", file=sys.stderr)
        return EXIT_USAGE
    if sys.stderr.isatty():
        print(f"planning stack {args.stack} offline (Pulumi mocks, no credentials)...", file=sys.stderr)
    try:
        plan = build_plan(args.stack, root, with_policies=not args.no_policies)
    except ConfigError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return EXIT_USAGE
    except pulumi.RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the program or the policy pack failed: say so, briefly
        if args.debug:
            traceback.print_exc()
        print(
            f"error: the plan failed: {type(exc).__name__}: {exc}"
            + ("" if args.debug else " (run with --debug for the traceback)"),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.json:
        json.dump(plan.to_json(), sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
    else:
        print(render_text(plan))
    return EXIT_FAILED if plan.mandatory_violations else EXIT_OK
