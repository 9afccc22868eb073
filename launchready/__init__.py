"""Launch Ready operator tools: plan, verify, smoke, report, handover, scan."""

from pathlib import Path

#: The repository root: where Pulumi.yaml and the stack files live.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
