"""The `launchready` command: one sub-command per operator task.

Each sub-command lives in its own module, which exposes two functions:
`configure_parser(parser)` adds its arguments and `run(args) -> int` does the work and returns the
exit code (0 all good, 1 checks failed or policy violations, 2 usage or config error).
Modules are imported only when their command runs, so `launchready plan` never pays for the
verifier's imports and a broken optional module cannot break the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from enum import IntEnum

#: command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("launchready.plan.cli", "run the Pulumi program offline under mocks and the policy pack"),
    "verify": ("launchready.verify.cli", "check live DNS, redirects, TLS, email and web security; ranked risks"),
    "smoke": ("launchready.smoke.cli", "deploy-day smoke tests of homepage, login and API health"),
    "report": ("launchready.report.cli", "daily report of latency, errors, deploys and uptime"),
    "handover": ("launchready.handover.cli", "generate the Markdown handover document"),
    "scan": ("launchready.scan.cli", "scan the working tree, git history and stack files for secrets"),
    "init": ("launchready.init.cli", "write Pulumi.yaml and the staging/prod stack files for a new product"),
    "adopt": ("launchready.adopt.cli", "take over an existing zone and SES identity: stack config + import file"),
    "load": ("launchready.load.cli", "load test of the critical flows against the stack's latency thresholds"),
    "drill": ("launchready.drill.cli", "set every alarm to ALARM, confirm it reaches someone, set it back to OK"),
    "ratelimit": ("launchready.ratelimit.cli", "opt-in probe: each declared rate limit answers 429 or a challenge"),
}


class ExitStatus(IntEnum):
    """The exit status of every command."""

    OK = 0  #: all good
    FAILED = 1  #: checks failed or policy violations
    USAGE = 2  #: usage or config error


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="launchready",
        description="Launch Ready: plan, verify and operate a small team's production stack.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        cmd_parser = sub.add_parser(name, help=help_text, description=help_text)
        # Only the module of the command being run is imported; the others just show in --help.
        if name == wanted:
            module = importlib.import_module(module_name)
            module.configure_parser(cmd_parser)
            cmd_parser.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return ExitStatus.OK


if __name__ == "__main__":
    raise SystemExit(main())
