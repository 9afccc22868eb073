"""The change on the path in words, for the pull request: one line per distinct change, naming every
host it concerns ("admin.example.com: loses Access (Zero Trust)", "cache rule x now applies to: a, b").
"""

from __future__ import annotations

from launchready.diagram.diff import ADDED, CHANGED, REMOVED, MarkedGraph, MarkedHost, PathDiff, dns_text


def _host_changes(host: MarkedHost) -> list[str]:
    """What changed for one host, each line without the host's name."""
    path = host.path
    if host.status == ADDED:
        return [f"new host ({dns_text(path)}, {len(path.steps)} Cloudflare steps)"]
    if host.status == REMOVED:
        return ["host removed: no longer declared"]
    found = []
    steps = list(host.steps)
    if host.dns_was:
        flipped = [m for m in steps if m.status == (ADDED if path.proxied else REMOVED)]
        if path.proxied:
            found.append(f"DNS changes from {host.dns_was} to {dns_text(path)}: "
                         f"{len(flipped)} Cloudflare steps now apply")
        else:
            found.append(f"DNS changes from {host.dns_was} to {dns_text(path)}: Cloudflare is skipped "
                         f"({len(flipped)} steps no longer apply)")
        steps = [m for m in steps if m not in flipped]
    if host.origin_was:
        found.append(f"origin changes from {host.origin_was} to {path.origin}")
    for m in steps:
        if m.status == ADDED:
            found.append(f"gains {m.step.title}: {m.step.text}")
        elif m.status == REMOVED:
            found.append(f"loses {m.step.title}: {m.step.text}")
        elif m.status == CHANGED:
            found.append(f"{m.step.title} changes: {m.was} → {m.step.text}")
    return found


def host_change_lines(hosts: list[MarkedHost]) -> list[str]:
    """Changes shared by several hosts are written once, with every host they concern."""
    by_change: dict[str, list[str]] = {}
    for host in hosts:
        for change in _host_changes(host):
            by_change.setdefault(change, []).append(host.path.host)
    return [f"{', '.join(names)}: {change}" for change, names in by_change.items()]


def graph_change_lines(area: str, graph: MarkedGraph) -> list[str]:
    lines = []
    for m in graph.nodes:
        text = m.node.text.replace("\n", " / ")
        if m.status == ADDED:
            lines.append(f"{area}: added {text}")
        elif m.status == REMOVED:
            lines.append(f"{area}: removed {text}")
        elif m.status == CHANGED:
            title, *rest = m.node.text.split("\n")
            old_title, *old_rest = (m.was or "").split("\n")
            if title == old_title:
                lines.append(f"{area}: {title} changes: {' / '.join(old_rest)} → {' / '.join(rest)}")
            else:
                lines.append(f"{area}: {(m.was or '').replace(chr(10), ' / ')} → {text}")
    return lines


def change_lines(diff: PathDiff) -> list[str]:
    return (host_change_lines(diff.hosts) + graph_change_lines("mail", diff.mail)
            + graph_change_lines("alerts", diff.alerts))
