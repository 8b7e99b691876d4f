"""Using every core for the stages that handle thousands of independent files.

Reading, merging-free formatting and rendering are per file and pure, so they map over a pool
of worker processes started with ``fork`` (the parent's loaded modules and data are shared, not
pickled). Small jobs stay in this process, where forking would cost more than it saves; where
``fork`` is not available, everything runs here. Results come back in input order, so output
never depends on the number of workers. A worker dies with the process that started it (on
Linux), so a build killed with ``kill -9`` leaves no orphan still writing into its staging folder.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 400
"""Below this many items a pool costs more than it saves."""


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool initializer: ask the kernel to kill this worker when its parent ends (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def worker_pool(count: int) -> ProcessPoolExecutor:
    """``count`` worker processes started with ``fork``, each ending when this process does."""
    return ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
    )


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None) -> list[Result]:
    """``[function(item) for item in items]``, spread over worker processes when it pays."""
    count = min(workers if workers is not None else usable_cpus(), max(1, len(items) // (MIN_ITEMS // 2)))
    if count <= 1 or len(items) < MIN_ITEMS or not can_fork():
        return [function(item) for item in items]
    chunk = max(1, len(items) // (count * 8))
    with worker_pool(count) as pool:
        return list(pool.map(function, items, chunksize=chunk))
