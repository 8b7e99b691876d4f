"""The progress bar: on a terminal only, after a moment, erased before the summary; never in
logs, pipes or with -q (pipeline/progress.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from pipeline import progress
from pipeline.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_waits_a_moment_then_draws_in_place_and_is_erased() -> None:
    stream = Terminal()
    now = [0.0]
    bar = progress.TerminalBar(stream, delay=1.0, clock=lambda: now[0])
    bar("merging", 1, 10)
    assert stream.getvalue() == ""  # a quick run shows nothing
    now[0] = 1.5
    bar("merging", 5, 10)
    assert stream.getvalue() == "\rmerging    " + "█" * 12 + "░" * 12 + " 5/10\x1b[K"
    now[0] = 1.55
    bar("merging", 6, 10)  # too soon to redraw
    assert stream.getvalue().count("\r") == 1
    bar("merging", 10, 10)  # the last step is always drawn
    assert stream.getvalue().endswith(" 10/10\x1b[K")
    bar.erase()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_reports_go_nowhere_unless_a_terminal_watches() -> None:
    piped = io.StringIO()
    with progress.shown_on(piped, delay=0) as bar:
        assert bar is None
        progress.report("merging", 1, 2)
    assert piped.getvalue() == ""
    terminal = Terminal()
    with progress.shown_on(terminal, delay=0):
        progress.report("merging", 2, 2)
    assert "2/2" in terminal.getvalue() and terminal.getvalue().endswith("\r\x1b[K")
    progress.report("merging", 1, 1)  # the previous reporter is back: nowhere
    assert terminal.getvalue().endswith("\r\x1b[K")


@pytest.mark.parametrize("quiet", [False, True])
def test_update_and_build_show_the_bar_on_a_terminal_unless_quiet(
    valium_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], quiet: bool
) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    assert main(["-C", str(valium_project), "init", "de"]) == 0
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    options = ["-q"] if quiet else []
    assert main(["-C", str(valium_project), *options, "update"]) == 0
    assert main(["-C", str(valium_project), *options, "build"]) == 0
    shown = terminal.getvalue()
    if quiet:
        assert shown == ""
    else:
        assert "merging" in shown and "2/2" in shown and "building" in shown
        assert shown.endswith("\r\x1b[K")  # erased: the summary starts on a clean line
    assert "de: " in capsys.readouterr().out
