"""Which hosts a ruleset rule applies to, read from its expression.

The expression is parsed with the policy pack's parser (`policies/pack_expr.py`, one parser for the
Rules language in this repository) and evaluated once per declared host with three-valued logic: the
host is known, every other field (path, cookies, headers, method...) is unknown. A rule applies to a host
unless its expression is certainly false for that host, so `http.host eq "www.example.com"` applies to
www only, `lower(http.host) in {...}` to the hosts listed, `not (http.host in {...})` to the others, and
an expression that never mentions the host applies to all hosts. An expression the parser cannot read
is taken to apply everywhere (the diagram then errs towards showing a step, never hiding one).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from launchready import PROJECT_ROOT

#: Fields that carry the request's host; `raw.` variants read the same before any rewrite.
HOST_FIELDS = frozenset({"http.host", "raw.http.host"})
#: Fields that hold the host among other things: a rule on them may look at the host (never "all hosts"),
#: but their value is unknown here.
WITH_HOST_FIELDS = frozenset({"http.request.full_uri", "raw.http.request.full_uri"})
_MODULE = "_launchready_diagram_pack_expr"


@cache
def _parser() -> ModuleType:
    path = PROJECT_ROOT / "policies" / "pack_expr.py"
    spec = importlib.util.spec_from_file_location(_MODULE, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ImportError(f"the diagrams read rule expressions with the policy pack's parser, {path}, which is "
                          "missing: run launchready from a checkout of the project (pip install -e .)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE] = module  # dataclasses look their module up while the classes are built
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class HostScope:
    """Where a rule applies: `all_hosts` when its expression does not look at the host."""

    all_hosts: bool
    tree: Any  # the parsed expression with non-host fields replaced by "unknown"; None when unreadable

    def applies_to(self, host: str) -> bool:
        if self.tree is None:
            return True
        pe = _parser()
        return pe.evaluate_node(self.tree, pe.Probe(host=host, path="/")) is not False


def _mentions(node: Any, fields: frozenset[str]) -> bool:
    if getattr(node, "kind", None) == "field" and node.value in fields:
        return True
    return any(_mentions(arg, fields) for arg in getattr(node, "args", []) or [])


def _mentions_host(node: Any) -> bool:
    return _mentions(node, HOST_FIELDS)


def _host_only(node: Any, pe: ModuleType) -> Any:
    """A copy of the tree in which every field but the host is unknown."""
    if node.kind == "field" and node.value not in HOST_FIELDS:
        return pe.Node("lit", value=pe.UNKNOWN)
    if node.kind == "index" and not _mentions_host(node):
        return pe.Node("lit", value=pe.UNKNOWN)
    args = [_host_only(a, pe) if isinstance(a, pe.Node) else a for a in node.args]
    return pe.Node(node.kind, args, node.value)


def host_scope(expression: str) -> HostScope:
    pe = _parser()
    try:
        tree = pe.parse(expression)
    except (pe.ExpressionError, RecursionError):
        return HostScope(all_hosts="http.host" not in expression, tree=None)
    if not _mentions_host(tree):
        return HostScope(all_hosts=not _mentions(tree, WITH_HOST_FIELDS), tree=None)
    return HostScope(all_hosts=False, tree=_host_only(tree, pe))
