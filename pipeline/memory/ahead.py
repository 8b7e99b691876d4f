"""Reading ahead: the next batches of a file are parsed while the memory stores this one.

A large import alternates two kinds of work — parsing TMX (Python, holding the interpreter) and
storing units (SQLite's C code or a PostgreSQL server, which do not) — so parsing in a thread
of its own overlaps them: the import takes about as long as the slower of the two rather than
their sum. At most ``depth`` batches wait, so memory stays bounded. The batches, and any error
the reading raises (a ``path:line:`` refusal), come out in the consumer's thread exactly as
they would without the thread; a consumer that stops early stops the reader. With one usable
core (``--jobs 1``) there is nothing to overlap, and nothing is started.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

from ..parallel import usable_cpus

Item = TypeVar("Item")
_DONE = object()


def read_ahead(items: Iterable[Item], depth: int = 2) -> Iterator[Item]:
    """The items of ``items``, produced in a thread up to ``depth`` ahead of their use."""
    if usable_cpus() < 2:
        yield from items
        return
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    source = iter(items)

    def offer(value: object) -> bool:
        """Hand ``value`` to the consumer; ``False`` once the consumer has stopped."""
        while not stop.is_set():
            try:
                waiting.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not offer(item):
                    return
            outcome: object = _DONE
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            outcome = exc
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # a generator reading a file closes it now, not when collected
        offer(outcome)

    reader = threading.Thread(target=produce, name="translatio-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()
