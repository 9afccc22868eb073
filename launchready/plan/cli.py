"""`launchready plan --stack NAME [--json | --markdown [--base REF]] [--sarif FILE]`: what `pulumi preview` would
create, offline; `--sarif` also writes the policy violations as SARIF 2.1.0.

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 config or usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments
from launchready.common.failures import run_or_explain
from launchready.common.gcpause import gc_paused
from launchready.common.project import StackTarget, stack_target
from launchready.common.signals import exit_cleanly_on_signals


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, json_help="print the plan document as JSON")
    parser.add_argument("--no-policies", action="store_true", help="skip the policy pack")
    parser.add_argument("--markdown", action="store_true",
                        help="print the plan summary as Markdown with the request-path diagrams (for a pull request)")
    parser.add_argument("--base", metavar="REF", default=None,
                        help="with --markdown: mark what the change does to the path, compared with the stack "
                             "file at git revision REF (e.g. origin/main)")
    parser.add_argument("--debug", action="store_true", help="show a traceback when the program itself fails")
    parser.add_argument("--sarif", metavar="FILE", default=None,
                        help="also write the policy violations as SARIF 2.1.0 to FILE (for code scanning)")


def build_or_explain(target: StackTarget, *, with_policies: bool, debug: bool) -> Any:
    """The plan of `target`, or None after printing why it could not be built (config, program or pack)."""
    from launchready.plan.document import build_plan

    return run_or_explain(lambda: build_plan(target.stack, target.root, with_policies=with_policies), debug=debug)


def write_plan_sarif(plan: Any, target: StackTarget, path: str) -> bool:
    """Write the plan's policy results as SARIF to `path`; False after saying why it could not."""
    from pathlib import Path

    from launchready.common.sarif import write_sarif
    from launchready.plan.policy import PolicyRun, sarif_document

    stack_file = Path(target.stack_file)
    try:
        shown = str(stack_file.resolve().relative_to(Path(target.root).resolve()))
    except ValueError:
        shown = stack_file.name
    try:
        write_sarif(sarif_document(PolicyRun(plan.violations, plan.policy_rules), stack_file=shown), Path(path))
    except OSError as exc:
        print(f"error: cannot write the SARIF file {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def run(args: argparse.Namespace) -> int:
    if (args.base is not None and not args.markdown) or (args.markdown and args.json):
        print("error: --base needs --markdown, and --markdown and --json exclude each other", file=sys.stderr)
        return ExitStatus.USAGE
    target = stack_target(args)
    if target is None:
        return ExitStatus.USAGE
    if sys.stderr.isatty():
        print(f"planning stack {target.stack} offline (Pulumi mocks, no credentials)...", file=sys.stderr)
    with exit_cleanly_on_signals(), gc_paused(freeze=True):  # SIGTERM still stops the policy pack
        plan = build_or_explain(target, with_policies=not args.no_policies, debug=args.debug)
    if plan is None:
        return ExitStatus.USAGE
    if args.sarif and not write_plan_sarif(plan, target, args.sarif):
        return ExitStatus.USAGE
    if args.markdown:
        from launchready.plan.markdown import markdown_or_explain

        text = markdown_or_explain(plan, target.root, args.base)
        if text is None:
            return ExitStatus.USAGE
        sys.stdout.write(text)
    elif args.json:
        from launchready.diagram.build import build_model

        doc = plan.to_json()
        # paths: the request, mail and alert paths of launchready.diagram (its model.py has the shape)
        paths = {"paths": build_model(plan.config, doc).to_json()}
        json.dump({**doc, **target.to_json(), **paths}, sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
    else:
        from launchready.plan.render import render_text

        print(render_text(plan))
    return ExitStatus.FAILED if plan.mandatory_violations else ExitStatus.OK
