"""A progress bar for the runs that take more than a moment, shown only where a person watches.

The library reports what it is doing through :func:`report` and never prints: by default a
report goes nowhere. The command line installs a bar (:func:`shown_on`) when standard error is a
terminal and ``-q`` was not given, so logs, pipes and CI output stay exactly as they were. The bar
appears only after a second (a quick run shows nothing), redraws at most ten times a second, and
is erased when the command ends, before its summary is printed. Only the parent process reports:
worker processes never write to the terminal.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

Reporter = Callable[[str, int, int], None]
"""``(what, done, total)``: e.g. ``("merging", 512, 1001)``."""

DELAY = 1.0
"""Seconds before the bar appears: a run shorter than this shows nothing."""
_WIDTH = 24


def _nowhere(what: str, done: int, total: int) -> None:
    """The default: the library's reports are dropped."""


_REPORTER: Reporter = _nowhere


def report(what: str, done: int, total: int) -> None:
    """Say how far a long stage is (``done`` of ``total``); cheap when nothing listens."""
    _REPORTER(what, done, total)


def finished() -> None:
    """Erase the bar (the command is about to print its summary on the same terminal)."""
    if isinstance(_REPORTER, TerminalBar):
        _REPORTER.erase()


class TerminalBar:
    """One line on a terminal, redrawn in place with a carriage return."""

    def __init__(self, stream: TextIO, delay: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.delay = DELAY if delay is None else delay
        self.last = float("-inf")
        self.drawn = False

    def __call__(self, what: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.start < self.delay or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        share = done / total if total else 1.0
        filled = round(share * _WIDTH)
        bar = "█" * filled + "░" * (_WIDTH - filled)
        self.stream.write(f"\r{what:<10} {bar} {done}/{total}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def erase(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


@contextmanager
def shown_on(stream: TextIO, delay: float | None = None) -> Iterator[TerminalBar | None]:
    """Inside the block, reports draw a bar on ``stream`` if it is a terminal (else nothing);
    the bar is erased and the previous reporter restored when the block ends."""
    global _REPORTER
    isatty = getattr(stream, "isatty", None)
    if not (callable(isatty) and isatty()):
        yield None
        return
    bar = TerminalBar(stream, delay)
    previous, _REPORTER = _REPORTER, bar
    try:
        yield bar
    finally:
        bar.erase()
        _REPORTER = previous
