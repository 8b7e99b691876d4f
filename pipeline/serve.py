"""The preview loop: build, serve the site on 127.0.0.1, build again when an input changes.

Principles:

- What is served is what ``build`` publishes: each rebuild is a full, verified build, swapped in
  atomically by :mod:`pipeline.publish`, so a reader of the preview never sees half a site, and
  a build that fails (bad input, a page whose disclaimer would not show) leaves the last good
  site served and says why in one line.
- Inputs are what the build reads: the articles, the catalogues, the templates (the package's or
  the publisher's) and ``pyproject.toml``. They are watched by polling size and modification
  time (no extra dependency, works on every filesystem, network mounts included); a change is
  built once the files have been still for one poll, so an editor's save-in-steps builds once.
- Served as a real server would: only on 127.0.0.1 (a preview is not a publication), HTML and
  text with ``charset=utf-8``, no caching by the browser (a reload shows the rebuilt page).
- The library never prints: what happens is passed to ``report`` as one line; the CLI prints it.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

from .config import Config
from .errors import PipelineError, OutputError
from .ui import templates_dir

POLL_SECONDS = 0.5
HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Preview:
    """A running preview server."""

    url: str
    """``http://127.0.0.1:<port>/``."""
    folder: Path


def input_files(config: Config) -> Iterator[Path]:
    """Every file a build reads (sources, catalogues, templates, settings); the translation
    memory and the cache are not among them."""
    yield config.root / "pyproject.toml"
    for folder, pattern in ((config.source_dir, "*"), (config.locale_dir, "*.po"), (templates_dir(config), "*")):
        if folder.is_dir():
            for path in sorted(folder.rglob(pattern)):
                if path.is_file() and not path.name.startswith("."):
                    yield path


def snapshot(config: Config) -> dict[str, tuple[int, int]]:
    """Size and modification time of every input: what a change of inputs changes."""
    state: dict[str, tuple[int, int]] = {}
    for path in input_files(config):
        try:
            info = path.stat()
        except OSError:
            continue  # removed while we looked: the next poll sees it gone
        state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".svg": "image/svg+xml",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the preview's output is about builds, not requests


def start_server(folder: Path, port: int) -> tuple[ThreadingHTTPServer, Preview]:
    """Serve ``folder`` on 127.0.0.1:``port`` (0: a free port) in a background thread."""
    try:
        server = ThreadingHTTPServer((HOST, port), functools.partial(_Handler, directory=str(folder)))
    except OSError as exc:
        raise OutputError(f"{HOST}:{port}: cannot serve there: {exc.strerror or exc}") from exc
    threading.Thread(target=server.serve_forever, name="translatio-serve", daemon=True).start()
    return server, Preview(f"http://{HOST}:{server.server_address[1]}/", folder)


def serve(
    config: Config,
    build: Callable[[], str],
    report: Callable[[str], None],
    port: int = 8000,
    stop: threading.Event | None = None,
    poll: float = POLL_SECONDS,
) -> None:
    """Build, serve, and build again on every change of the inputs until ``stop`` is set.

    ``build`` publishes the site and returns a one-line summary; a :class:`PipelineError` from it
    is reported as its one line and the last good site stays served. The first build must
    succeed: there is nothing to serve otherwise.
    """
    stop = stop or threading.Event()
    seen = snapshot(config)
    report(build())
    server, preview = start_server(config.build_dir, port)
    report(f"serving {preview.url} (the site in {config.relative(config.build_dir)}; Ctrl-C to stop)")
    report(f"watching {', '.join(_watched(config))} for changes")
    try:
        while not stop.wait(poll):
            now = snapshot(config)
            if now == seen:
                continue
            if stop.wait(poll) or snapshot(config) != now:
                continue  # still being written: build when it is still
            seen = now
            try:
                report(build())
            except PipelineError as exc:
                report(f"{exc} (still serving the last good build)")
    finally:
        server.shutdown()
        server.server_close()


def _watched(config: Config) -> list[str]:
    folders = [config.source_dir, config.locale_dir]
    names = [config.relative(f) + "/" for f in folders]
    templates = templates_dir(config)
    names.append(config.relative(templates) + "/" if config.templates_dir is not None else "the shipped templates")
    names.append("pyproject.toml")
    return names
