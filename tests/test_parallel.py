"""Worker pools: results in input order whatever the number of workers, errors propagated."""

from __future__ import annotations

import os

import pytest

from pipeline.parallel import MIN_ITEMS, can_fork, streamed_map


def _tagged(item: int) -> tuple[int, int]:
    """The item doubled, and which process computed it."""
    return os.getpid(), item * 2


def _fails_on_seven(item: int) -> int:
    if item == 7:
        raise ValueError("seven")
    return item


@pytest.mark.skipif(not can_fork(), reason="worker pools need fork")
def test_streamed_items_are_computed_in_workers_while_added_and_come_back_in_order() -> None:
    items = list(range(MIN_ITEMS * 2))
    with streamed_map(_tagged, len(items), workers=2) as stream:
        for item in items:
            stream.add(item)
        results = stream.results()
    assert [doubled for _, doubled in results] == [item * 2 for item in items]
    assert {pid for pid, _ in results} - {os.getpid()}, "no worker computed anything"


def test_a_small_stream_stays_in_this_process() -> None:
    with streamed_map(_tagged, 10, workers=2) as stream:
        for item in range(10):
            stream.add(item)
        results = stream.results()
    assert results == [(os.getpid(), item * 2) for item in range(10)]


@pytest.mark.skipif(not can_fork(), reason="worker pools need fork")
def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="seven"):
        with streamed_map(_fails_on_seven, MIN_ITEMS, workers=2) as stream:
            for item in range(MIN_ITEMS):
                stream.add(item)
            stream.results()
