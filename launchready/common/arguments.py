"""The arguments every command takes: `--stack`, `--root`, `--json`, written once."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT_HELP = ("project directory holding Pulumi.yaml (default: the current directory or the nearest one above "
             "it that holds Pulumi.yaml)")


def add_stack_arguments(
    parser: argparse.ArgumentParser,
    *,
    stack_required: bool = True,
    stack_help: str = "stack name: reads Pulumi.<stack>.yaml",
    json_help: str | None = "print the result as JSON",
    json_group: argparse._ActionsContainer | None = None,
) -> None:
    """Add `--stack NAME`, `--root DIR` and (unless json_help is None) `--json`, into json_group when given
    (e.g. a mutually exclusive group with --markdown)."""
    parser.add_argument("--stack", metavar="NAME", required=stack_required, default=None, help=stack_help)
    parser.add_argument("--root", type=Path, default=None, metavar="DIR", help=ROOT_HELP)
    if json_help is not None:
        (json_group or parser).add_argument("--json", action="store_true", help=json_help)
