"""The program's facts (components/facts.py) and the pack's copy (policies/pack_facts.py) are the same."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from components import facts as program

PACK_FACTS = Path(__file__).resolve().parents[1] / "policies" / "pack_facts.py"
SHARED = [
    "KNOWN_SPF_LOOKUPS",
    "SPF_MAX_LOOKUPS",
    "NON_PUBLIC_NETWORKS",
    "HSTS_MIN_MAX_AGE_PROD",
    "HSTS_PRELOAD_MIN_MAX_AGE",
    "PUBLIC_EMAIL_DOMAINS",
    "INTERNAL_LABELS",
]


def _pack() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pack_facts_under_test", PACK_FACTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", SHARED)
def test_the_pack_holds_the_same_fact_as_the_program(name: str) -> None:
    assert getattr(_pack(), name) == getattr(program, name)


@pytest.mark.parametrize(
    ("address", "expected"),
    [("100.64.0.1", True), ("10.1.2.3", True), ("::1", True), ("fd00::1", True), ("::ffff:10.0.0.1", True),
     ("203.0.114.1", False), ("2606:4700::1", False), ("not-an-ip", False)],
)
def test_both_sides_judge_addresses_alike(address: str, expected: bool) -> None:
    assert program.is_non_public_address(address) is expected
    assert _pack().is_non_public_address(address) is expected


def test_spf_include_cost_is_case_and_dot_insensitive_on_both_sides() -> None:
    for side in (program, _pack()):
        assert side.spf_include_lookups("_SPF.Salesforce.com.") == 2
        assert side.spf_include_lookups("unknown.example") == 1
