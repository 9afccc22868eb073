"""What a change does to the path: two path models compared host by host and node by node.

Every item is marked `same`, `added`, `removed` or `changed` (with what it was). With no base, every item
is `same`, so one renderer draws both the plain diagram and the diff.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchready.diagram.model import Graph, GraphNode, HostPath, PathModel, Step, phase_rank

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"


@dataclass(frozen=True)
class MarkedStep:
    step: Step
    status: str = SAME
    was: str | None = None


@dataclass(frozen=True)
class MarkedHost:
    path: HostPath
    status: str = SAME
    steps: tuple[MarkedStep, ...] = ()
    dns_was: str | None = None
    origin_was: str | None = None


@dataclass(frozen=True)
class MarkedNode:
    node: GraphNode
    status: str = SAME
    was: str | None = None


@dataclass(frozen=True)
class MarkedGraph:
    nodes: tuple[MarkedNode, ...]
    edges: tuple[tuple[str, str, str], ...]  # source, target, status


def dns_text(path: HostPath) -> str:
    return f"{path.record} record, " + ("proxied through Cloudflare" if path.proxied else "DNS only")


def _rank(step: Step) -> int:
    return phase_rank(step.phase)


def _mark_steps(new: HostPath, old: HostPath) -> tuple[MarkedStep, ...]:
    before = {s.key: s for s in old.steps}
    after = {s.key for s in new.steps}
    marked = []
    for index, step in enumerate(new.steps):
        prior = before.get(step.key)
        if prior is None:
            marked.append((_rank(step), 0, index, MarkedStep(step, ADDED)))
        elif prior.text != step.text:
            marked.append((_rank(step), 0, index, MarkedStep(step, CHANGED, prior.text)))
        else:
            marked.append((_rank(step), 0, index, MarkedStep(step, SAME)))
    for index, step in enumerate(old.steps):
        if step.key not in after:
            marked.append((_rank(step), 1, index, MarkedStep(step, REMOVED)))
    return tuple(item for *_, item in sorted(marked, key=lambda m: m[:3]))


def mark_host(new: HostPath | None, old: HostPath | None) -> MarkedHost:
    if new is None and old is not None:
        return MarkedHost(old, REMOVED, tuple(MarkedStep(s) for s in old.steps))
    assert new is not None
    if old is None:
        return MarkedHost(new, ADDED, tuple(MarkedStep(s) for s in new.steps))
    steps = _mark_steps(new, old)
    dns_was = dns_text(old) if dns_text(old) != dns_text(new) else None
    origin_was = old.origin if old.origin != new.origin else None
    changed = dns_was or origin_was or old.purpose != new.purpose or any(s.status != SAME for s in steps)
    return MarkedHost(new, CHANGED if changed else SAME, steps, dns_was, origin_was)


def mark_hosts(new: list[HostPath], old: list[HostPath] | None) -> list[MarkedHost]:
    """Hosts of `new` in their order, then the hosts only `old` has. `old` None: nothing is marked."""
    if old is None:
        return [MarkedHost(h, SAME, tuple(MarkedStep(s) for s in h.steps)) for h in new]
    before = {h.host: h for h in old}
    marked = [mark_host(h, before.get(h.host)) for h in new]
    names = {h.host for h in new}
    return marked + [mark_host(None, h) for h in old if h.host not in names]


def mark_graph(new: Graph, old: Graph | None) -> MarkedGraph:
    if old is None:
        return MarkedGraph(tuple(MarkedNode(n) for n in new.nodes.values()),
                           tuple((s, t, SAME) for s, t in new.edges))
    nodes = []
    for key, node in new.nodes.items():
        prior = old.nodes.get(key)
        if prior is None:
            nodes.append(MarkedNode(node, ADDED))
        else:
            nodes.append(MarkedNode(node, CHANGED if prior.text != node.text else SAME,
                                    prior.text if prior.text != node.text else None))
    nodes += [MarkedNode(node, REMOVED) for key, node in old.nodes.items() if key not in new.nodes]
    edges = [(s, t, SAME if (s, t) in old.edges else ADDED) for s, t in new.edges]
    edges += [(s, t, REMOVED) for s, t in old.edges if (s, t) not in new.edges]
    return MarkedGraph(tuple(nodes), tuple(edges))


@dataclass(frozen=True)
class PathDiff:
    hosts: list[MarkedHost]
    mail: MarkedGraph
    alerts: MarkedGraph

    @property
    def changed(self) -> bool:
        return (any(h.status != SAME for h in self.hosts)
                or any(n.status != SAME for g in (self.mail, self.alerts) for n in g.nodes)
                or any(e[2] != SAME for g in (self.mail, self.alerts) for e in g.edges))


def diff_models(new: PathModel, old: PathModel | None) -> PathDiff:
    return PathDiff(mark_hosts(new.hosts, old.hosts if old else None),
                    mark_graph(new.mail, old.mail if old else None),
                    mark_graph(new.alerts, old.alerts if old else None))
