"""The "How traffic reaches the app" section: the web, mail and alert diagrams as Mermaid blocks (GitHub
renders them in files and pull requests) and, against a base revision, the change in words.

`section_blocks` returns Markdown blocks (headings, paragraphs, fenced diagrams) for a caller's document;
every label inside a diagram is escaped by `mermaid.label`, and no backtick survives in one, so no text
can close the fence.

Contract (extend, never rename): the section is titled "How traffic reaches the app"; with a base it opens
with "What this change does to the path" (one `- ` line per change, hosts that share a change named on one
line); then "Web requests" (a ```mermaid block, then the same as a folded table), "Mail" and "Alerts"
(one ```mermaid block each). Marks in diagrams: the classes `added`, `removed`, `changed`, and the same
words as label prefixes.
"""

from __future__ import annotations

from typing import Any

from components.config import StackConfig
from launchready.diagram.base import Base
from launchready.diagram.build import build_model
from launchready.diagram.changes import change_lines
from launchready.diagram.diff import SAME, MarkedHost, diff_models, dns_text
from launchready.diagram.model import ACCESS_PHASE, PathModel
from launchready.diagram.render import graph_diagram, web_diagram

TITLE = "How traffic reaches the app"
LEGEND = ("Marks: **added** (green), **removed** (red, dashed), **changed** (yellow, with what it was); "
          "each mark is also written in the label.")


def fenced(diagram: str) -> str:
    return f"```mermaid\n{diagram}\n```"


def _inline(text: str) -> str:
    """Text for a Markdown list item: one line, and nothing read as Markdown or HTML."""
    out = " ".join(text.split())
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _steps_cell(host: MarkedHost) -> str:
    phases: dict[str, list[str]] = {}
    for m in host.steps:
        ref = m.step.text.split(": ", 1)[0] if m.step.phase != ACCESS_PHASE else "sign-in"
        phases.setdefault(m.step.title, []).append(ref + ("" if m.status == SAME else f" ({m.status})"))
    return " → ".join(f"{title}: {', '.join(refs)}" for title, refs in phases.items()) or "none (DNS only)"


def host_table(hosts: list[MarkedHost]) -> str:
    """The web diagram as a table, one row per host, for readers without Mermaid (mail, terminals)."""
    rows = ["| Host | DNS | Cloudflare steps, in order | Origin |", "|---|---|---|---|"]
    for h in hosts:
        mark = "" if h.status == SAME else f" ({h.status})"
        dns = dns_text(h.path) + (f" (was: {h.dns_was})" if h.dns_was else "")
        origin = h.path.origin + (f" (was {h.origin_was})" if h.origin_was else "")
        rows.append("| " + " | ".join(_inline(c) for c in (h.path.host + mark, dns, _steps_cell(h), origin)) + " |")
    return "<details><summary>The same as a table</summary>\n\n" + "\n".join(rows) + "\n\n</details>"


def change_blocks(base: Base, model: PathModel, level: int) -> list[str]:
    diff = diff_models(model, base.model)
    blocks = [f"{'#' * level} What this change does to the path"]
    source = f"the stack file at `{_inline(base.ref)}`, planned with this revision's program" if base.existed else (
        f"`{_inline(base.ref)}`, where this stack file did not exist yet (everything is added)")
    lines = change_lines(diff)
    blocks.append(f"Compared with {source}: " + (f"{len(lines)} change(s)." if lines else "no change on the path."))
    if lines:
        blocks.append("\n".join(f"- {_inline(line)}" for line in lines))
        blocks.append(LEGEND)
    return blocks


def section_blocks(model: PathModel, base: Base | None = None, level: int = 3) -> list[str]:
    """The section's body; `level` is the heading level of its sub-sections."""
    diff = diff_models(model, base.model if base else None)
    hashes = "#" * level
    blocks = [
        "Generated from the stack config and the plan, never drawn by hand. A request to a proxied host "
        "passes Cloudflare's steps in phase order (single redirects, custom WAF rules, rate limits, managed "
        "WAF, cache rules, Access), then reaches the origin; a DNS-only host goes straight to its origin. "
        "Hosts whose path is identical share one chain; \"(all hosts)\" marks a rule that does not look at "
        "the host.",
    ]
    if base is not None:
        blocks += change_blocks(base, model, level)
    blocks += [f"{hashes} Web requests", fenced(web_diagram(diff.hosts)), host_table(diff.hosts)]
    blocks += [f"{hashes} Mail", "Sending domain → Amazon SES → the records receivers check → where DMARC "
               "reports go. DKIM tokens are chosen by SES at deploy and are not shown.",
               fenced(graph_diagram(diff.mail))]
    blocks += [f"{hashes} Alerts", "Health checks and alarms → SNS topics → subscribers (webhooks by name "
               "only: their URLs may hold a token).", fenced(graph_diagram(diff.alerts))]
    return blocks


def section(model: PathModel, base: Base | None = None, level: int = 2) -> str:
    """The whole section as Markdown, its title at `level`."""
    return "\n\n".join([f"{'#' * level} {TITLE}", *section_blocks(model, base, level + 1)]) + "\n"


def write_section(doc: Any, cfg: StackConfig, plan: dict[str, Any], base: Base | None = None) -> None:
    """Append the section's body to a document with a `para(text)` method (the handover's Document)."""
    for block in section_blocks(build_model(cfg, plan), base):
        doc.para(block)
