"""What the last build published in a build folder, so that the next build rewrites only what
changed (publishing in place) instead of writing, reading back and swapping the whole tree.

Principles:

- The state lists every file the build published — its build-record row (path, hash, share
  translated, disclaimer state) and its identity on disk (inode, size, modification and change
  time) — and, per article and locale, the key its pages were made under and its title for
  the locale's list of articles. It is kept in the project's cache (:mod:`pipeline.cache`),
  never in the published folder, under a key made of the folder's real path and the code: a
  new version of translatio, or a cache that is off, missing or damaged, means a clean build.
- Trusted only while the folder is exactly as the state says: the same settings, templates
  and languages (anything else changes every page: a clean build); every file listed there
  with the same identity, the build record included; nothing else in the folder. A page whose
  file was edited or removed by hand is published again; anything else unexpected, such as a
  stranger's file, means a clean build, which replaces the folder whole.
- A journal: before files are replaced in place, the state is saved without them (and without
  the build record), so a build killed while replacing them leaves a state that vouches only
  for what is certainly there; the next build publishes the rest again.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .cache import Cache

Identity = tuple[int, int, int, int]
"""A file as the filesystem sees it: inode, size, modification and change time (nanoseconds).
A file written, replaced or touched since has another."""
OutputRow = tuple[str, str, "str | None", "float | None", "str | None", str, tuple[str, ...]]
"""A published file's build-record row: path, locale, article, translated, disclaimer, SHA-256,
withheld (the fields of :class:`pipeline.build.Output`, as a tuple: pickled by the hundred thousand)."""
Title = tuple[str, "str | None", "str | None"]
"""An article's title in a locale's list of articles: its HTML, and ``lang`` and ``dir`` when it
is shown in the source language."""


@dataclass(slots=True)
class SiteState:
    """The published folder as the last build left it."""

    head: str
    """The digest of what every page is made of (settings, languages, templates, stylesheet)."""
    files: dict[str, tuple[OutputRow | None, Identity]] = field(default_factory=dict)
    """Every published file by relative path: its record row (``None`` for the stamp and the
    build record, which the record does not list) and its identity."""
    pages: dict[tuple[str, str], tuple[str, Title]] = field(default_factory=dict)
    """(locale, article slug) → the key its pages were made under, and its title."""

    def drop(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.files.pop(path, None)


def _state_key(cache: Cache, folder: Path) -> str:
    return cache.key("published-site", str(folder))


def load(cache: Cache, folder: Path, head: str) -> SiteState | None:
    """The state of the last build published in ``folder`` (its real path), if it was made with
    the same settings, languages and templates; ``None`` otherwise."""
    if not cache.enabled:
        return None
    found = cache.get_many([_state_key(cache, folder)], remember=False)
    state = next(iter(found.values()), None)
    if not isinstance(state, SiteState) or state.head != head:
        return None
    return state


def save(cache: Cache, folder: Path, state: SiteState | None) -> None:
    """Keep ``state`` as the state of ``folder`` (``None``: forget it), written at once: the
    journal must be on disk before the first file is replaced."""
    if not cache.enabled:
        return
    cache.put(_state_key(cache, folder), state if state is not None else "forgotten", remember=False)
    cache.flush()


def identities(folder: Path) -> dict[str, Identity] | None:
    """Every regular file under ``folder`` by relative path (with ``/``), with its identity;
    ``None`` when there is anything else (a link, a special file) or it cannot be read."""
    found: dict[str, Identity] = {}
    pending = [("", folder)]
    try:
        while pending:
            prefix, current = pending.pop()
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((f"{prefix}{entry.name}/", Path(entry.path)))
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        return None
                    info = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    except OSError:
        return None
    return found


def identity(path: Path) -> Identity:
    info = os.stat(path, follow_symlinks=False)
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


_PAGE_ROW = re.compile(r'    \{"locale": ("(?:[^"\\]|\\.)*"), "article": ("(?:[^"\\]|\\.)*"), ')


def record_page_rows(data: bytes) -> dict[tuple[str, str], str] | None:
    """The ``pages`` rows of a build record as :func:`pipeline.build.record_json` writes it, by
    (locale, article): one line each, taken as they are. ``None`` when the record is not in that
    shape (then nothing can be spliced from it)."""
    text = data.decode("utf-8", errors="strict")
    start = text.find('\n  "pages": [\n')
    if start < 0:
        return {} if '\n  "pages": []' in text else None
    rows: dict[tuple[str, str], str] = {}
    for line in text[start + len('\n  "pages": [\n') :].split("\n"):
        if line.startswith("  ]"):
            return rows
        match = _PAGE_ROW.match(line)
        if match is None:
            return None
        locale: Any = json.loads(match.group(1))
        article: Any = json.loads(match.group(2))
        rows[(locale, article)] = line[4:].removesuffix(",")
    return None
