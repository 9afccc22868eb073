"""`launchready handover --stack NAME [--out FILE] [--outputs FILE]`: the Markdown handover document.

Generated from the stack config and the offline plan (launchready.handover_doc), so it cannot drift from
what the program declares. Exit codes: 0 written, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import Any

import pulumi

from components.config import ConfigError
from launchready.cli import EXIT_OK, EXIT_USAGE
from launchready.stackfile import SECRET_PLACEHOLDER, project_root, read_stack_outputs


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write the document here (default: standard output)")
    parser.add_argument("--outputs", type=Path, default=None, metavar="FILE",
                        help="JSON of `pulumi stack output --json`: fills in ids, DKIM tokens and the DS record")
    parser.add_argument("--root", type=Path, default=None, help="project directory (default: as for plan)")
    parser.add_argument("--debug", action="store_true", help="show a traceback when the program itself fails")


def redact(text: str, secret_values: list[str]) -> str:
    """Last line of defence: no secret value the stack file holds ever leaves in the document."""
    for value in sorted(secret_values, key=len, reverse=True):
        if value and value != SECRET_PLACEHOLDER and len(value) >= 4:
            text = text.replace(value, SECRET_PLACEHOLDER)
    return text


def build_document(inp: Any) -> str:
    """The handover Markdown for a gathered input (launchready.handover_doc.gather.HandoverInput)."""
    from launchready.handover_doc.sections import render

    sf = inp.stack_file
    secrets = [v for k, v in sf.values.items() if k in sf.secret_keys and isinstance(v, str)]
    return redact(render(inp), secrets)


def run(args: argparse.Namespace) -> int:
    from launchready.handover_doc.gather import gather

    root = project_root(args.root)
    if not (root / "Pulumi.yaml").is_file():
        print(f"error: {root} holds no Pulumi.yaml; use --root", file=sys.stderr)
        return EXIT_USAGE
    if sys.stderr.isatty():
        print(f"planning stack {args.stack} offline for the handover...", file=sys.stderr)
    try:
        deployed = read_stack_outputs(args.outputs) if args.outputs is not None else None
        inp = gather(args.stack, root, deployed)
    except ConfigError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, pulumi.RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the program failed under mocks: say so, briefly
        if args.debug:
            traceback.print_exc()
        print(f"error: the plan failed: {type(exc).__name__}: {exc}"
              + ("" if args.debug else " (run with --debug for the traceback)"), file=sys.stderr)
        return EXIT_USAGE
    for problem in inp.environment_problems:
        print(f"warning: environment matrix: {problem}", file=sys.stderr)
    text = build_document(inp)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK
