"""policies/pack_runtime.py: the pack stops computing when the client gave up (deadline passed or call
cancelled), as it runs under the CLI: a long AnalyzeStack whose deadline passes leaves the pack idle and
still answering."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import analyzer_pb2 as apb

from launchready.plan.policy import PolicyPackClient, _struct, stack_resource
from tests.policies.fixtures import PROJECT, STACK, ruleset

WORK = 4000


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _heavy_rule(i: int) -> dict[str, object]:
    """A rule that is cheap to send and costly to judge: many hosts, paths and a cookie to try."""
    hosts = " ".join(f'"{c}{i}.example.com"' for c in "abcd")
    paths = " or ".join(f'starts_with(http.request.uri.path, "/p{i}/{c}")' for c in "abcdefgh")
    return {"expression": f'(http.host in {{{hosts}}} or http.cookie contains "x") and ({paths})',
            "action": "set_cache_settings", "actionParameters": {"cache": True}}


def _heavy_request(count: int) -> apb.AnalyzeStackRequest:
    """A cache ruleset whose analysis takes many seconds of CPU and seconds to decode at most."""
    rules = [_heavy_rule(i) for i in range(count)]
    res = ruleset("heavy", "http_request_cache_settings", rules)
    return apb.AnalyzeStackRequest(resources=[stack_resource(res, _struct(res["inputs"]), None)])


def test_the_pack_stops_when_the_deadline_passes(repo_root: Path) -> None:
    with PolicyPackClient(repo_root / "policies", stack=STACK, project=PROJECT) as pack:
        pack.configure({})
        request = _heavy_request(WORK)
        start = _cpu_seconds(pack.proc.pid)
        with pytest.raises(grpc.RpcError) as err:
            pack.stub.AnalyzeStack(request, timeout=0.5)
        assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        deadline = time.monotonic() + 60
        quiet = False
        while time.monotonic() < deadline and not quiet:  # the pack finishes decoding, then it stops
            before = _cpu_seconds(pack.proc.pid)
            time.sleep(0.5)
            quiet = _cpu_seconds(pack.proc.pid) - before < 0.05
        used = _cpu_seconds(pack.proc.pid) - start
        # judging all WORK rules costs over 6 s of CPU (see test_a_heavy_request_is_heavy)
        assert quiet and used < 3.0, f"the pack kept computing after the client gave up ({used:.1f} s of CPU)"
        assert pack.info.name == "launchready" and pack.analyze([]) == []  # and it still answers


def test_a_heavy_request_is_heavy() -> None:
    """The request above is costly to judge: a tenth of it already takes over half a second in-process."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "policies"))
    try:
        import pack_cache as pc
        from pack_expr import parse
    finally:
        sys.path.pop(0)
    signals = pc.Signals(prefixes=pc.DEFAULT_AUTH_PREFIXES, cookies=pc.DEFAULT_SESSION_COOKIES,
                         internal_hosts={"admin.example.com"}, internal_labels=["admin"], public_hosts=[])
    rules = [pc.CacheRule(i, str(i), parse(str(_heavy_rule(i)["expression"])), True, True) for i in range(WORK // 10)]
    judge = pc.Judge(rules, pc.Universe(signals))
    started = time.process_time()
    for rule in rules:
        judge.sensitive_match(rule)
    assert time.process_time() - started > 0.6
