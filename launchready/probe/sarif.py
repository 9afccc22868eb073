"""`verify --sarif FILE`: the failing and warning checks as SARIF 2.1.0 results (launchready.common.sarif).

One rule per check id (its fix as the help text); a result per flagged check, located at the stack file
when there is one (what is live comes from what it declares), with the host or URL as logical location.
"""

from __future__ import annotations

from pathlib import Path

from launchready.common.sarif import SarifResult, SarifRule, build_sarif
from launchready.common.sarif import write_sarif as write_doc
from launchready.probe.model import Report, Status
from launchready.probe.redact import redact_report
from launchready.probe.risks import IMPACTS, LAUNCH_ORDER, fix_for

_LEVEL = {Status.fail: "error", Status.warn: "warning"}


def report_sarif(report: Report, *, tool: str, artifact: Path | None = None) -> dict[str, object]:
    report = redact_report(report)
    flagged = [c for c in report.checks if c.status is not Status.passed]
    rules = [
        SarifRule(c.id, f"{c.id}: {IMPACTS[LAUNCH_ORDER[c.id].impact] if c.id in LAUNCH_ORDER else 'a finding'}",
                  help=fix_for(c))
        for c in flagged
    ]
    uri = artifact.name if artifact is not None else None
    results = [
        SarifResult(
            c.id,
            _LEVEL[c.status],
            f"{c.target}: {c.summary} Fix: {fix_for(c)}",
            uri=uri,
            line=1 if uri else None,
            logical=c.target,
        )
        for c in flagged
    ]
    return build_sarif(tool=tool, rules=rules, results=results)


def write_sarif(report: Report, path: Path, *, tool: str, artifact: Path | None = None) -> None:
    write_doc(report_sarif(report, tool=tool, artifact=artifact), path)
