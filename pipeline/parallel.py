"""Using every core for the stages that handle thousands of independent files.

Reading, merging-free formatting and rendering are per file and pure, so they map over a pool
of worker processes started with ``fork`` (the parent's loaded modules and data are shared, not
pickled). Small jobs stay in this process, where forking would cost more than it saves; where
``fork`` is not available, everything runs here. Results come back in input order, so output
never depends on the number of workers.

Workers die with their parent (:func:`worker_pool`): a command killed by ``kill -9`` or
``SIGTERM`` leaves no orphan behind still reading, writing into a build's staging folder or
holding files open. (The project's lock is a record lock that forked workers do not inherit,
see :mod:`pipeline.lock`.)
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Generic, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 400
"""Below this many items a pool costs more than it saves."""
_PR_SET_PDEATHSIG = 1


_JOBS: int | None = None
"""A limit set by ``--jobs`` (see :func:`limited_jobs`)."""


def usable_cpus() -> int:
    """How many worker processes to use: ``--jobs``, else one per core this process may use."""
    if _JOBS is not None:
        return _JOBS
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def limited_jobs(count: int) -> Iterator[None]:
    """At most ``count`` workers inside the block (1: everything in this process)."""
    global _JOBS
    previous, _JOBS = _JOBS, count
    try:
        yield
    finally:
        _JOBS = previous


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worker_pool(count: int) -> ProcessPoolExecutor:
    """A pool of ``count`` forked workers that die with this process, however it dies.

    Create it in the main thread: Linux sends the parent-death signal when the *thread* that
    forked a worker ends.
    """
    return ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),)
    )


def die_with_parent(parent: int) -> None:
    """First thing in a worker: ask the kernel for SIGKILL when the parent dies (Linux), or
    watch for it (elsewhere); and if the parent has died already, before the request took
    effect, go now."""
    if not _request_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="translatio-parent-watch").start()
    if os.getppid() != parent:
        os._exit(1)


def _request_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def pool_size(items: int, workers: int | None = None) -> int:
    """How many workers a job of ``items`` gets (1: it runs in this process)."""
    count = min(workers if workers is not None else usable_cpus(), max(1, items // (MIN_ITEMS // 2)))
    return 1 if count <= 1 or items < MIN_ITEMS or not can_fork() else count


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None) -> list[Result]:
    """``[function(item) for item in items]``, spread over worker processes when it pays."""
    count = pool_size(len(items), workers)
    if count <= 1:
        return [function(item) for item in items]
    chunk = max(1, len(items) // (count * 8))
    with worker_pool(count) as pool:
        return list(pool.map(function, items, chunksize=chunk))


def _apply_all(function: Callable[[Item], Result], items: list[Item]) -> list[Result]:
    return [function(item) for item in items]


class Stream(Generic[Item, Result]):
    """Items for :func:`streamed_map`, handed to the workers a chunk at a time as they come."""

    def __init__(self, function: Callable[[Item], Result], pool: ProcessPoolExecutor | None, chunk: int) -> None:
        self._function, self._pool, self._chunk = function, pool, chunk
        self._buffer: list[Item] = []
        self._futures: list[Future[list[Result]]] = []

    def add(self, item: Item) -> None:
        self._buffer.append(item)
        if self._pool is not None and len(self._buffer) >= self._chunk:
            self._futures.append(self._pool.submit(_apply_all, self._function, self._buffer))
            self._buffer = []

    def results(self) -> list[Result]:
        """Every item's result, in the order the items were added (an error in ``function``
        propagates)."""
        done = [result for future in self._futures for result in future.result()]
        return done + [self._function(item) for item in self._buffer]


@contextmanager
def streamed_map(function: Callable[[Item], Result], expected: int, workers: int | None = None) -> Iterator[Stream[Item, Result]]:
    """:func:`parallel_map` for items made one at a time by a stage that stays in this process
    (``update``'s merges, which ask the memory): the workers work on the first chunks while the
    rest are being made. ``expected``: about how many items will come, which decides whether a
    pool pays, as in :func:`parallel_map`."""
    count = pool_size(expected, workers)
    if count <= 1:
        yield Stream(function, None, 0)
        return
    with worker_pool(count) as pool:
        yield Stream(function, pool, max(1, expected // (count * 8)))
