"""Property tests: the example stacks mutated the way people (and accidents) mutate them, through every command.

Each mutated file goes through plan, verify, smoke, report and handover in-process; every run must end within
its bound with exit 0, 1 or 2, print no traceback, and print none of the canary values planted in the file.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchready.stackyaml import load
from tests.badinput.conftest import Project, assert_well_behaved

COMMANDS = ("plan", "verify", "smoke", "report", "handover")
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_token = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=4, max_size=24)
CANARIES = st.one_of(
    _token.map(lambda t: f"sk_live_CANARY{t}"),
    _token.map(lambda t: f"https://hooks.slack.com/services/T0CANARY/B0CANARY/CANARY{t}"),  # pragma: allowlist secret
    _token.map(lambda t: f"postgres://app:CANARY{t}@db.internal:5432/app"),  # pragma: allowlist secret
    _token.map(lambda t: f"https://discord.com/api/webhooks/1234567890/CANARY{t}"),
)
PLANTED_KEYS = st.sampled_from(["stripeKey", "dbPass", "notes", "key", "Environment", "databaseURL", "token",
                                "purpose", "origin", "url", "owner"])
ODD_VALUES: st.SearchStrategy[Any] = st.sampled_from([
    1.3, "308", 308, 10**30, True, None, [], {}, "x" * 300, "fanloöm.io", "*", -1,
    "https://fanloom.io", "fanloom.io:8443", "2024-01-01", "", " ", "[secret]",
])


def _base(repo_root: Path, stack: str) -> dict[str, Any]:
    return load((repo_root / f"Pulumi.{stack}.yaml").read_bytes()).value


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path and list index below `node`."""
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((*prefix, i))
            out += _paths(v, (*prefix, i))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw: st.DrawFn, repo_root: Path) -> tuple[str, str, tuple[str, ...]]:
    """(stack, file text, canaries) for one to three mutations of an example stack."""
    stack = draw(st.sampled_from(["prod", "staging"]))
    doc = copy.deepcopy(_base(repo_root, stack))
    canaries: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc["config"], ("config",))
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        action = draw(st.sampled_from(["delete", "retype", "plant", "plant-leaf"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "retype":
            parent[path[-1]] = draw(ODD_VALUES)
        else:
            canary = draw(CANARIES)
            canaries.append(canary)
            if action == "plant-leaf" or not isinstance(parent, dict):
                parent[path[-1]] = canary
            else:
                parent[draw(PLANTED_KEYS)] = canary
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    if draw(st.booleans()):  # a key written twice, as text (a dict cannot hold it)
        lines = text.splitlines()
        index = draw(st.integers(0, len(lines) - 1))
        if ":" in lines[index] and not lines[index].lstrip().startswith("-"):
            lines.insert(index, lines[index])
        text = "\n".join(lines) + "\n"
    return stack, text, tuple(_distinctive(c) for c in canaries)


def _distinctive(canary: str) -> str:
    """The part of a canary that can only come from the file (the password of a URL, the token)."""
    return canary[canary.index("CANARY"):].split("@")[0]


@SETTINGS
@given(data=st.data())
def test_mutated_stacks_never_trace_back_hang_or_leak(project: Project, repo_root: Path, data: st.DataObject) -> None:
    stack, text, canaries = data.draw(mutated(repo_root))
    original = (repo_root / f"Pulumi.{stack}.yaml").read_text()
    project.write(stack, text)
    try:
        for command in COMMANDS:
            assert_well_behaved(project.run(command, stack), canaries)
    finally:
        project.write(stack, original)


YAML_BITS = st.sampled_from([
    "&a", "*a", "*b", "<<: *a", "!!binary", "!!set", "!custom", "!!python/name:os.system", "[", "]", "{", "}",
    ": ", "- ", "? ", "---", "...", "'", '"', "\\", "\t", "#", "%YAML 1.1", "|", ">", "\n", "  ", "0x1F",
    "1e999", "~", "yes", "2024-01-01", "\ufeff", "\x00", "é", "9" * 30,
])


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bits=st.lists(YAML_BITS, min_size=1, max_size=12), where=st.floats(0, 1))
def test_random_yaml_spliced_into_a_stack_file(project: Project, repo_root: Path, bits: list[str],
                                              where: float) -> None:
    original = (repo_root / "Pulumi.prod.yaml").read_text()
    cut = int(len(original) * where)
    project.write("prod", original[:cut] + "".join(bits) + original[cut:])
    try:
        for command in ("verify", "handover"):  # one network command, one that plans
            assert_well_behaved(project.run(command, "prod"))
    finally:
        project.write("prod", original)
