"""`launchready handover --stack NAME [--out FILE] [--outputs FILE]`: the Markdown handover document.

Generated from the stack config and the offline plan (launchready.handover.document), so it cannot drift from
what the program declares. Exit codes: 0 written, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments
from launchready.common.failures import run_or_explain
from launchready.common.files import write_atomically
from launchready.common.gcpause import gc_paused
from launchready.common.project import ProjectError, announce, resolve_stack
from launchready.common.signals import exit_cleanly_on_signals
from launchready.handover.deployed import read_deployed
from launchready.stackfile import read_stack_outputs


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, json_help=None)
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write the document here (default: standard output)")
    parser.add_argument("--outputs", type=Path, default=None, metavar="FILE",
                        help="JSON of `pulumi stack output --json`: fills in ids, DKIM tokens and the DS record")
    parser.add_argument("--debug", action="store_true", help="show a traceback when the program itself fails")


def run(args: argparse.Namespace) -> int:
    from launchready.handover.document import build_document
    from launchready.handover.gather import gather

    try:
        target = resolve_stack(args.stack, args.root)
        deployed = read_stack_outputs(args.outputs) if args.outputs is not None else None
        read_deployed(deployed, str(args.outputs))  # a wrong shape stops here, before the plan runs
    except (ProjectError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    announce(target)
    if sys.stderr.isatty():
        print(f"planning stack {target.stack} offline for the handover...", file=sys.stderr)
    with exit_cleanly_on_signals(), gc_paused(freeze=True):
        inp = run_or_explain(lambda: gather(target.stack, target.root, deployed), debug=args.debug,
                             plain=(ValueError,))
    if inp is None:
        return ExitStatus.USAGE
    for problem in inp.environment_problems:
        print(f"warning: environment matrix: {problem}", file=sys.stderr)
    text = build_document(inp)
    if args.out is None:
        sys.stdout.write(text)
        return ExitStatus.OK
    try:
        write_atomically(args.out, text)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return ExitStatus.USAGE
    print(f"wrote {args.out}", file=sys.stderr)
    return ExitStatus.OK
