"""Mermaid for the path model: one chain per group of hosts whose path is identical (so 30 hostnames stay
readable), and the mail and alert graphs. Marks of a diff are drawn as classes and written in the labels
("added:", "removed:", "changed:"), so the change reads without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from launchready.diagram.diff import ADDED, CHANGED, REMOVED, SAME, MarkedGraph, MarkedHost, MarkedStep, dns_text
from launchready.diagram.mermaid import Flowchart
from launchready.diagram.model import ACCESS_PHASE

#: Mermaid refuses to draw a diagram longer than this (its default maxTextSize is 50,000 characters).
MAX_TEXT = 45_000
_KIND_SHAPES = {"domain": "stadium", "ses": "subroutine", "record": "box", "reports": "stadium",
                "check": "hexagon", "alarm": "box", "topic": "subroutine", "subscriber": "stadium",
                "events": "hexagon", "note": "round"}


def _css(status: str) -> str | None:
    return None if status == SAME else status


def _mark(status: str) -> str:
    return "" if status == SAME else f"{status}: "


def group_key(host: MarkedHost) -> tuple[object, ...]:
    """Hosts with equal keys have the same path (and the same marks): one chain draws them all."""
    steps = tuple((m.step.phase, m.step.text, m.status, m.was) for m in host.steps)
    return (host.status, dns_text(host.path), host.dns_was, host.path.proxied, steps)


def groups(hosts: Sequence[MarkedHost]) -> list[list[MarkedHost]]:
    """Groups in the order their first host is declared."""
    order: dict[tuple[object, ...], list[MarkedHost]] = {}
    for host in hosts:
        order.setdefault(group_key(host), []).append(host)
    return list(order.values())


def _host_lines(group: list[MarkedHost]) -> list[str]:
    lines = [f"{len(group)} hosts, same path" if len(group) > 1 else "Host"]
    status = group[0].status
    return lines + [f"{_mark(status)}{h.path.host} — {h.path.purpose}" for h in group]


def _origin_lines(group: list[MarkedHost]) -> list[str]:
    origins = {h.path.origin for h in group}
    if len(origins) == 1 and not any(h.origin_was for h in group):
        return ["Origin", group[0].path.origin]
    return ["Origins"] + [f"{h.path.host} → {h.path.origin}" + (f" (was {h.origin_was})" if h.origin_was else "")
                          for h in group]


def _step_line(m: MarkedStep, compact: bool) -> str:
    text = m.step.text.split(": ", 1)[0] if compact and m.step.phase != ACCESS_PHASE else m.step.text
    return f"• {_mark(m.status)}{text}" + (" (all hosts)" if m.step.all_hosts else "")


def _phase_nodes(chart: Flowchart, steps: Sequence[MarkedStep], host_status: str,
                 key: str, compact: bool) -> list[tuple[str, str]]:
    """One node per phase, its rules one per line; returns (node id, phase status) in phase order."""
    nodes = []
    for phase, run in groupby(steps, key=lambda m: m.step.phase):
        items = list(run)
        statuses = {m.status for m in items}
        status = host_status if host_status in (ADDED, REMOVED) else (
            next(iter(statuses)) if len(statuses) == 1 and statuses <= {ADDED, REMOVED} else
            (SAME if statuses == {SAME} else CHANGED))
        lines = [items[0].step.title]
        for m in items:
            lines.append(_step_line(m, compact))
            if m.was and not compact:
                lines.append(f"  (was: {m.was})")
        nodes.append((chart.node("\n".join(lines), css=_css(status), key=f"{key}/{phase}"), status))
    return nodes


def _group(chart: Flowchart, group: list[MarkedHost], compact: bool) -> None:
    first = group[0]
    key = f"host:{first.path.host}"  # a group is named by its first host: ids stay put
    host_css = _css(first.status) if first.status in (ADDED, REMOVED) else None
    host = chart.node("\n".join(_host_lines(group)), shape="round", css=host_css, key=key)
    dns_lines = ["DNS", dns_text(first.path)] + ([f"(was: {first.dns_was})"] if first.dns_was else [])
    dns = chart.node("\n".join(dns_lines), css=host_css or ("changed" if first.dns_was else None),
                     key=f"{key}/dns")
    chart.edge(host, dns)
    origin_css = host_css or ("changed" if any(h.origin_was for h in group) else None)
    phases: list[tuple[str, str]] = []
    if first.steps:
        chart.open("Cloudflare, in phase order" if first.path.proxied else "Cloudflare (no longer on the path)",
                   key=f"{key}/cloudflare")
        phases = _phase_nodes(chart, first.steps, first.status, key, compact)
        chart.close()
    origin = chart.node("\n".join(_origin_lines(group)), shape="cylinder", css=origin_css, key=f"{key}/origin")
    if not first.path.proxied:
        chart.edge(dns, origin, text="DNS only: Cloudflare is skipped")
    previous = dns
    for node_id, _ in phases:
        chart.edge(previous, node_id, dotted=not first.path.proxied)
        previous = node_id
    if phases:
        chart.edge(previous, origin, dotted=not first.path.proxied)


def web_diagram(hosts: Sequence[MarkedHost], compact: bool = False) -> str:
    """The request paths; rules are named by their ref alone when the full text would pass the size
    GitHub renders (Mermaid's maxTextSize)."""
    chart = Flowchart("LR")
    for group in groups(hosts):
        _group(chart, group, compact)
    if not hosts:
        chart.node("No hostnames declared", shape="round")
    text = chart.render()
    return web_diagram(hosts, compact=True) if len(text) > MAX_TEXT and not compact else text


def graph_diagram(graph: MarkedGraph, direction: str = "LR") -> str:
    chart = Flowchart(direction)
    ids: dict[str, str] = {}
    for marked in graph.nodes:
        lines = marked.node.text.split("\n")
        if marked.status != SAME:
            lines[0] = _mark(marked.status) + lines[0]
        if marked.was:
            lines.append("(was: " + " / ".join(marked.was.split("\n")[1:] or marked.was.split("\n")) + ")")
        ids[marked.node.key] = chart.node("\n".join(lines), shape=_KIND_SHAPES.get(marked.node.kind, "box"),
                                          css=_css(marked.status), key=marked.node.key)
    for source, target, status in graph.edges:
        if source in ids and target in ids:
            chart.edge(ids[source], ids[target], dotted=status == REMOVED)
    return chart.render()


__all__ = ["ADDED", "CHANGED", "REMOVED", "graph_diagram", "groups", "web_diagram"]
