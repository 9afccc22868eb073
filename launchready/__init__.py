"""Launch Ready operator tools: `cli.py` holds the command table and the one ExitStatus; `common/` what every
command shares (project root and stack file, the --stack/--root/--json arguments, AWS set-up, signals);
then one package per command (plan, verify, smoke, report, handover, scan, ...), each with `cli.py`
(arguments, exit codes) and library modules that return data."""

from pathlib import Path

#: The repository root: where Pulumi.yaml and the stack files live.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
