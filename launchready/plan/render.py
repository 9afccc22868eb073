"""Rendering a plan for people: a resource tree with key inputs, violations, notes and a summary."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from launchready.adopt.planview import adoption_lines
from launchready.plan.document import Plan, shown

#: Inputs worth showing in the tree, most telling first.
_KEY_INPUTS = (
    "name",
    "type",
    "content",
    "proxied",
    "settingId",
    "value",
    "phase",
    "domain",
    "emailIdentity",
    "mailFromDomain",
    "configurationSetName",
    "fqdn",
    "resourcePath",
    "metricName",
    "extendedStatistic",
    "threshold",
    "region",
    "recoveryWindowInDays",
    "kmsKeyId",
    "dashboardName",
    "protocol",
    "endpoint",
    "status",
    "decision",
    "retentionInDays",
)
_MAX_INPUT_WIDTH = 60


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= _MAX_INPUT_WIDTH else text[: _MAX_INPUT_WIDTH - 3] + "..."


def key_inputs(inputs: dict[str, Any], limit: int = 4) -> str:
    shown = []
    for key in _KEY_INPUTS:
        if key in inputs and inputs[key] not in (None, "", [], {}):
            shown.append(f"{key}={_short(inputs[key])}")
        if len(shown) == limit:
            break
    if "rules" in inputs and isinstance(inputs["rules"], list):
        shown.append(f"rules={len(inputs['rules'])}")
    return "  ".join(shown)


def policy_lines(rules: list[dict[str, Any]]) -> list[str]:
    """What each rule of the pack evaluated; the rules that had nothing to judge are named (not a pass)."""
    if not rules:
        return []
    judged = [r for r in rules if r["status"] in ("passed", "violated")]
    idle = [r["policy"] for r in rules if r["status"] == "nothing to judge"]
    lines = ["", f"Policy rules: {len(judged)} of {len(rules)} judged resources "
                 f"({sum(r['evaluated'] for r in judged)} evaluations):"]
    lines += [f"  {r['policy']}: {r['evaluated']} evaluated, {r['violations']} violation(s)" for r in judged]
    if idle:
        lines.append(f"  nothing to judge (not a pass): {', '.join(idle)}")
    return lines


def render_text(plan: Plan) -> str:
    doc = plan.to_json()
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for res in doc["resources"]:
        children[res["parent"]].append(res)
    lines = [
        f"Plan for {doc['project']}/{doc['stack']} (environment {doc['environment']}), "
        "as `pulumi preview` would create it:",
        "",
    ]

    def walk(parent: str, depth: int) -> None:
        for res in children.get(parent, []):
            pad = "    " * depth
            detail = key_inputs(shown(res["inputs"], res.get("unknownInputs") or [])) if res["custom"] else ""
            mark = "~" if res.get("importId") else "+"
            lines.append(f"{pad}{mark} {res['type']}  {res['name']}" + (f"\n{pad}      {detail}" if detail else ""))
            lines.extend(adoption_lines(res, pad))
            walk(res["urn"], depth + 1)

    walk(doc["stackUrn"], 0)
    roots = {r["urn"] for r in doc["resources"]} | {doc["stackUrn"]}
    orphans = [r for r in doc["resources"] if r["parent"] not in roots]
    for res in orphans:  # parented outside the captured tree (should not happen); never hide them
        lines.append(f"+ {res['type']}  {res['name']}")

    if doc["violations"]:
        lines += ["", "Policy violations:"]
        for v in doc["violations"]:
            where = v.get("urn") or "(stack)"
            first = str(v.get("message", "")).strip().splitlines()
            lines.append(f"  [{v.get('enforcement')}] {v.get('policy')}: {where}")
            lines += [f"      {line}" for line in first]
            if v.get("remediation"):
                lines.append(f"      fix: {v['remediation']}")
    lines += policy_lines(doc.get("policies") or [])
    if doc["notes"]:
        lines += ["", "To do outside this stack:"]
        lines += [f"  - {note}" for note in doc["notes"]]
    summary = doc["summary"]
    adopt = summary.get("adopt", 0)
    lines += [
        "",
        f"{summary['resources'] - adopt} resources to create"
        + (f", {adopt} to adopt (then update)" if adopt else "") + "; policy violations: "
        f"{summary['violations']['mandatory']} mandatory, {summary['violations']['advisory']} advisory.",
    ]
    return "\n".join(lines)
