"""`plan --markdown [--base REF]`: the plan summary for a pull request, with the request-path diagrams.

The summary is what the text plan says (resources by type, policy violations, things to do by hand) as
Markdown, followed by the "How traffic reaches the app" section (launchready.diagram). With a base
revision, the section also says, and marks in the diagrams, what the change does to the path compared
with the stack file at that revision.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from launchready.diagram.base import Base, BaseRefError, base_model
from launchready.diagram.build import build_model
from launchready.diagram.markdown import section_blocks
from launchready.handover.markdown import Document, cell, code, code_cell


def _violations(doc: Document, plan_doc: dict[str, Any]) -> None:
    rows = [[cell(v.get("enforcement")), code_cell(v.get("policy")), code_cell(v.get("urn") or "(stack)"),
             cell(v.get("message"))] for v in plan_doc["violations"]]
    doc.table(["Level", "Policy", "Resource", "Message"], rows, empty="No policy violations.")


def render_markdown(plan: Any, base: Base | None = None) -> str:
    """The Markdown summary of a `launchready.plan.document.Plan`."""
    plan_doc = plan.to_json()
    summary = plan_doc["summary"]
    doc = Document()
    doc.heading(2, f"Plan for {code(plan_doc['project'] + '/' + plan_doc['stack'])} "
                   f"(environment {code(plan_doc['environment'])})")
    doc.para(f"{summary['resources']} resources, as `pulumi preview` would create them (offline, Pulumi mocks); "
             f"policy violations: {summary['violations']['mandatory']} mandatory, "
             f"{summary['violations']['advisory']} advisory.")
    doc.heading(3, "Policy violations")
    _violations(doc, plan_doc)
    doc.para(f"<details><summary>Resources by type ({len(summary['byType'])} types)</summary>")
    doc.table(["Type", "Count"], [[code_cell(t), cell(n)] for t, n in summary["byType"].items()])
    doc.para("</details>")
    if plan_doc["notes"]:
        doc.heading(3, "To do outside this stack")
        doc.bullets(cell(note) for note in plan_doc["notes"])
    doc.heading(2, "How traffic reaches the app")
    for block in section_blocks(build_model(plan.config, plan_doc), base, level=3):
        doc.para(block)
    return doc.render()


def markdown_or_explain(plan: Any, root: Path, base_ref: str | None) -> str | None:
    """The Markdown, or None after printing why the base revision could not be planned."""
    base = None
    if base_ref is not None:
        try:
            base = base_model(base_ref, plan.stack_file.stack, root)
        except BaseRefError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return None
        except Exception as exc:  # the program failed on the base stack file: say so, briefly
            print(f"error: --base {base_ref}: the plan of the stack file there failed: {type(exc).__name__}: "
                  f"{exc}", file=sys.stderr)
            return None
    return render_markdown(plan, base)
