"""`launchready init --domain example.com --host @=web.example.net ...`: a new product's project and stacks.

Writes Pulumi.yaml (the project's own name, the runtime settings kept), Pulumi.staging.yaml and
Pulumi.prod.yaml, and, into a directory without the program, a copy of the whole project (copyproject.py).
The stacks validate and plan offline; every value still to supply is marked TODO(init). Exit codes:
0 written, 2 bad flags, files in the way (without --force) or a result that does not validate.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from launchready.adopt.stackedit import dump
from launchready.cli import ExitStatus
from launchready.init.copyproject import CopyPlan
from launchready.init.files import (
    InitFileError,
    Planned,
    check_targets,
    program_plan,
    project_document,
    write_all,
)
from launchready.init.gather import gather
from launchready.init.options import PLANS, InitOptions, OptionError
from launchready.init.stackgen import Placeholder, secret_commands, stack_document


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--root", type=Path, default=None, metavar="DIR", help="directory to write into (default: the current one)")
    add("--project", help="Pulumi project name (default: the domain's first label)")
    add("--domain", help="the product's apex domain (prod), e.g. example.com")
    add("--staging-domain", metavar="DOMAIN", help="staging on a domain of its own, e.g. example-staging.com")
    add("--staging-subdomain", default="staging", metavar="LABEL",
        help="staging on a subdomain of --domain (default: staging)")
    add("--host", action="append", metavar="LABEL=ORIGIN",
        help="a public hostname and its origin (IP or host name, no scheme); '@' is the apex; repeatable")
    add("--internal", action="append", metavar="LABEL=ORIGIN",
        help="an internal hostname, reachable only through Cloudflare Access; repeatable")
    add("--staging-host", action="append", metavar="LABEL=ORIGIN",
        help="the staging origin of a hostname (default: the prod origin, marked TODO)")
    add("--canonical", choices=("apex", "www"), default="apex", help="the host visitors end up on")
    add("--no-www", action="store_true", help="no www hostname (with --canonical apex)")
    add("--plan", default="pro", metavar="PLAN", help=f"Cloudflare plan: {', '.join(PLANS)} (default: pro)")
    add("--staging-plan", metavar="PLAN", help="Cloudflare plan of the staging zone (default: --plan)")
    add("--ses-region", default="eu-west-1", metavar="REGION", help="AWS region of the SES identity")
    add("--aws-region", metavar="REGION", help="default AWS region of the stack (default: --ses-region)")
    add("--no-email", action="store_true", help="the product sends no email (no SES identity)")
    add("--alert-email", action="append", metavar="ADDRESS", help="who alarms notify; repeatable")
    add("--access-email", action="append", metavar="ADDRESS", help="who may reach internal hostnames; repeatable")
    add("--access-domain", action="append", metavar="DOMAIN", help="email domain allowed through Access")
    add("--session-cookie", action="append", metavar="NAME", help="a login-session cookie name; repeatable")
    add("--secret", action="append", metavar="NAME",
        help="an app secret set with pulumi config set --secret (default: database-url); repeatable")
    add("--zone-id", metavar="ID", help="Cloudflare zone id of --domain (default: a marked placeholder)")
    add("--staging-zone-id", metavar="ID", help="Cloudflare zone id of the staging domain")
    add("--account-id", metavar="ID", help="Cloudflare account id (default: a marked placeholder)")
    add("--force", action="store_true", help="overwrite existing Pulumi.yaml and stack files")
    add("--json", action="store_true", help="print what was written as JSON")


def _planned(root: Path, opts: InitOptions) -> tuple[list[Planned], list[Placeholder]]:
    existing = root / "Pulumi.yaml"
    planned = [Planned(existing, dump(project_document(opts.project, existing)))]
    placeholders: list[Placeholder] = []
    for env in ("staging", "prod"):
        doc, todo = stack_document(env, opts)
        planned.append(Planned(root / f"Pulumi.{env}.yaml", dump(doc)))
        placeholders += todo
    return planned, placeholders


def validate(planned: list[Planned]) -> list[str]:
    """Read the generated files back through the one stack loader and the schema: the problems, if any."""
    from components.config import ConfigError
    from launchready.stackfile import load_stack_config

    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for item in planned:
            (Path(tmp) / item.path.name).write_text(item.text, encoding="utf-8")
        for env in ("staging", "prod"):
            try:
                load_stack_config(env, Path(tmp))
            except ConfigError as exc:
                problems.append(exc.render())
    return problems


def _report(root: Path, opts: InitOptions, program: CopyPlan, placeholders: list[Placeholder]) -> dict[str, Any]:
    warnings = []
    if opts.staging_is_subdomain:
        warnings.append(f"staging ({opts.staging_domain}) is a subdomain of {opts.domain}: zone settings and "
                        "entry-point rulesets are per Cloudflare zone, so both stacks would own the same ones "
                        "unless staging has its own zone (--staging-zone-id) or domain (--staging-domain)")
    return {
        "root": str(root),
        "project": opts.project,
        "files": ["Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"],
        "programCopied": program.top_level(),
        "copiedFiles": len(program.files),
        "leftOut": [{"path": path, "reason": why} for path, why in program.left_out],
        "kept": program.kept,
        "placeholders": [p.to_json() for p in placeholders],
        "secretCommands": [c.command for c in secret_commands(opts)],
        "warnings": warnings,
        "next": [f"launchready plan --stack staging --root {root}"],
    }


def _print_text(doc: dict[str, Any]) -> None:
    print(f"wrote {', '.join(doc['files'])} for project {doc['project']} into {doc['root']}")
    if doc["programCopied"]:
        print(f"copied the project ({doc['copiedFiles']} files): {', '.join(doc['programCopied'])}")
        for item in doc["leftOut"]:
            print(f"  left out {item['path']}: {item['reason']}")
        if doc["kept"]:
            print(f"  kept what {doc['root']} already had: {', '.join(doc['kept'])}")
    for warning in doc["warnings"]:
        print(f"warning: {warning}")
    if doc["placeholders"]:
        print("\nStill to supply (marked TODO(init) in the files):")
        for p in doc["placeholders"]:
            print(f"  - Pulumi.{p['stack']}.yaml {p['key']}: {p['what']}")
    if doc["secretCommands"]:
        print("\nSet the secrets (each replaces a placeholder):")
        for command in doc["secretCommands"]:
            print(f"  {command}")
    print("\nThen check it offline:\n  " + "\n  ".join(doc["next"]))


def run(args: argparse.Namespace) -> int:
    root = (args.root or Path.cwd()).expanduser().resolve()
    try:
        opts = gather(args)
        planned, placeholders = _planned(root, opts)
        check_targets(planned, args.force)
    except (OptionError, InitFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    problems = validate(planned)
    if problems:
        print("error: the generated stacks do not validate; nothing was written:", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        return ExitStatus.USAGE
    try:
        program = program_plan(root, opts.project)
        write_all(root, planned, program)
    except OSError as exc:
        print(f"error: cannot read the project to copy: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return ExitStatus.USAGE
    except InitFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    doc = _report(root, opts, program, placeholders)
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(doc)
    return ExitStatus.OK
