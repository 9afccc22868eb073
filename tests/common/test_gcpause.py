"""The collector pause of plan and handover: off inside, restored after, even when the block raises."""

from __future__ import annotations

import gc

import pytest

from launchready.common.gcpause import gc_paused


def test_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_comes_back_after_an_exception() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the program failed")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freeze_moves_what_was_built_out_of_later_collections() -> None:
    before = gc.get_freeze_count()
    try:
        with gc_paused(freeze=True):
            built = [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= before + len(built)
    finally:
        gc.unfreeze()
