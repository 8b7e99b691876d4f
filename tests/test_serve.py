"""``translatio serve``: the preview loop, through a real process — build, serve on 127.0.0.1,
build again when a source, catalogue or template changes, keep the last good site when a build
fails, stop on Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO, Callable

import pytest

from pipeline.config import load_config
from pipeline.serve import snapshot

DEADLINE = 120.0
"""A safety net for a hung process, not a measurement: every wait below ends on an event."""


def _lines(stream: IO[str]) -> "queue.Queue[str | None]":
    found: "queue.Queue[str | None]" = queue.Queue()

    def pump() -> None:
        for line in stream:
            found.put(line.rstrip("\n"))
        found.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return found


def _wait_for(lines: "queue.Queue[str | None]", wanted: Callable[[str], bool], seen: list[str]) -> str:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            raise AssertionError("the server stopped: " + "\n".join(seen))
        seen.append(line)
        if wanted(line):
            return line
    raise AssertionError("nothing came: " + "\n".join(seen))


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["Content-Type"], response.read()


def test_serve_builds_serves_rebuilds_and_stops(shipped_project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "-C", str(shipped_project), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # as a shell starts a background job
    )  # fmt: skip
    seen: list[str] = []
    try:
        assert process.stdout is not None
        lines = _lines(process.stdout)
        serving = _wait_for(lines, lambda line: line.startswith("serving http://127.0.0.1:"), seen)
        base = serving.split()[1]
        kind, body = _get(base + "de/valium.html")
        assert kind == "text/html; charset=utf-8" and b'<html lang="de"' in body
        kind, body = _get(base + "ar/valium.txt")
        assert kind == "text/plain; charset=utf-8" and body.startswith(b"\xef\xbb\xbf")
        # An edit of the source: built again, served at once.
        source = shipped_project / "source" / "valium.md"
        source.write_text(source.read_text(encoding="utf-8").replace("Let’s delve into the details.", "Let’s look closer."), encoding="utf-8")
        _wait_for(lines, lambda line: "files in" in line, seen)
        assert b"Let\xe2\x80\x99s look closer." in _get(base + "en/valium.html")[1]
        # A template that breaks: one line, and the last good site is still served.
        templates = shipped_project / "templates"
        templates.mkdir()
        (templates / "article.html.j2").write_text("{% if %}\n", encoding="utf-8")
        for name in ("base.html.j2", "index.html.j2", "languages.html.j2", "style.css"):
            (templates / name).write_bytes((Path(__file__).resolve().parent.parent / "pipeline" / "templates" / name).read_bytes())
        pyproject = shipped_project / "pyproject.toml"
        pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("[tool.translatio]\n", '[tool.translatio]\ntemplates_dir = "templates"\n'), encoding="utf-8")
        failed = _wait_for(lines, lambda line: "still serving the last good build" in line, seen)
        assert "article.html.j2:1: template syntax error" in failed
        assert b"Let\xe2\x80\x99s look closer." in _get(base + "en/valium.html")[1]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=DEADLINE) == 0
        assert not any("Traceback" in line for line in seen), seen
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_what_is_watched_is_what_a_build_reads(shipped_project: Path) -> None:
    config = load_config(shipped_project)
    before = snapshot(config)
    assert str(shipped_project / "source" / "valium.md") in before
    assert str(shipped_project / "locale" / "de" / "LC_MESSAGES" / "ui.po") in before
    assert not [p for p in before if p.endswith(".tmx") or "/build/" in p]
    (shipped_project / "locale" / "tm" / "de.tmx").write_text("changed", encoding="utf-8")
    assert snapshot(config) == before  # the memory is not an input of the pages
    po = shipped_project / "locale" / "de" / "LC_MESSAGES" / "ui.po"
    po.write_bytes(po.read_bytes() + b"\n")
    assert snapshot(config) != before
