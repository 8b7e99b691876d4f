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
- A journal: before files are replaced in place, their paths (the build record's among them)
  are saved apart — a few lines, not the whole state again — so a build killed while replacing
  them leaves a state that no longer vouches for them: the next build finds the record not
  vouched for and builds clean, or publishes those files again.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .cache import Cache
from .filememo import Identity, identity_of

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


def _keys(cache: Cache, folder: Path) -> tuple[str, str]:
    """The cache keys of a folder's state and of its journal."""
    return cache.key("published-site", str(folder)), cache.key("published-site-journal", str(folder))


def load(cache: Cache, folder: Path, head: str) -> SiteState | None:
    """The state of the last build published in ``folder`` (its real path), if it was made with
    the same settings, languages and templates, without the files a killed build was moving
    (its journal); ``None`` otherwise."""
    if not cache.enabled:
        return None
    state_key, journal_key = _keys(cache, folder)
    found = cache.get_many([state_key, journal_key], remember=False)
    state, journal = found.get(state_key), found.get(journal_key)
    if not isinstance(state, SiteState) or state.head != head:
        return None
    if isinstance(journal, list):
        state.drop(journal)
    return state


def save(cache: Cache, folder: Path, state: SiteState | None) -> None:
    """Keep ``state`` as the state of ``folder`` (``None``: forget it), its journal emptied, in
    one transaction."""
    if not cache.enabled:
        return
    state_key, journal_key = _keys(cache, folder)
    cache.put(state_key, state if state is not None else "forgotten", remember=False)
    cache.put(journal_key, [], remember=False)
    cache.flush()


def journal(cache: Cache, folder: Path, paths: list[str]) -> None:
    """Note, before they are replaced or removed, the files the state must no longer vouch for
    should the build be killed half-way (written at once: it must be on disk first)."""
    cache.put(_keys(cache, folder)[1], paths, remember=False)
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
                    found[prefix + entry.name] = identity_of(entry.stat(follow_symlinks=False))
    except OSError:
        return None
    return found


def identity(path: Path) -> Identity:
    return identity_of(os.stat(path, follow_symlinks=False))


_OUTPUT_ROW = re.compile(rb'    \{"path": ("(?:[^"\\]|\\.)*"), ')
_PAGE_ROW = re.compile(rb'    \{"locale": ("(?:[^"\\]|\\.)*"), "article": ("(?:[^"\\]|\\.)*"), ')


@dataclass(frozen=True, slots=True)
class RecordRows:
    """The rows of a build record as :func:`pipeline.build.record_json` writes it, one line
    each, taken as they are (a build in place writes again only the rows of what it published)."""

    outputs: dict[str, bytes]
    """By path."""
    pages: dict[tuple[str, str], bytes]
    """By (locale, article)."""


def record_rows(data: bytes) -> RecordRows | None:
    """The rows of a build record, or ``None`` when it is not in the shape we write."""
    outputs: dict[str, bytes] = {}
    pages: dict[tuple[str, str], bytes] = {}
    lines = data.split(b"\n")
    try:
        first = lines.index(b'  "outputs": [')
        middle = lines.index(b'  ],', first)
        if lines[middle + 1] == b'  "pages": []':
            last = middle + 1
        else:
            if lines[middle + 1] != b'  "pages": [':
                return None
            last = lines.index(b"  ]", middle + 2)
    except (ValueError, IndexError):
        return None
    for line in lines[first + 1 : middle]:
        match = _OUTPUT_ROW.match(line)
        if match is None:
            return None
        outputs[_string(match.group(1))] = line[4:].removesuffix(b",")
    for line in lines[middle + 2 : last]:
        match = _PAGE_ROW.match(line)
        if match is None:
            return None
        pages[_string(match.group(1)), _string(match.group(2))] = line[4:].removesuffix(b",")
    return RecordRows(outputs, pages)


def _string(quoted: bytes) -> str:
    """A JSON string as the record writes it (most need no unescaping)."""
    if b"\\" not in quoted:
        return quoted[1:-1].decode("utf-8")
    value: Any = json.loads(quoted)
    return str(value)


@dataclass(frozen=True, slots=True)
class Layout:
    """What a build record lists, in its order: the files' paths, the pages' (locale, article)."""

    outputs: list[str]
    pages: list[tuple[str, str]]


def splice_record(
    previous: bytes,
    before: Layout,
    after: Layout,
    outputs: dict[str, bytes],
    pages: dict[tuple[str, str], bytes],
    write: Callable[[list[bytes], list[bytes]], bytes],
) -> bytes | None:
    """The build record ``previous`` (which listed ``before``) made to list ``after``, with the
    rows given (new files and pages) in place of theirs and every other row taken as it is.
    Where the layout is the same, rows are replaced at their places without reading the others
    (at 10,000 articles the record is 200 MB); otherwise each row is found by its key and the
    record written again by ``write`` (output rows, page rows → the record). ``None`` when a row
    to keep is not there."""
    lines = previous.split(b"\n")
    if before == after:
        try:
            start = lines.index(b'  "outputs": [') + 1
        except ValueError:
            return None
        middle = start + len(after.outputs)
        end = middle + 2 + len(after.pages)
        if lines[middle : middle + 2] != [b"  ],", b'  "pages": ['] or lines[end : end + 1] != [b"  ]"]:
            return None
        _replace(lines, start, [outputs.get(path) for path in after.outputs])
        _replace(lines, middle + 2, [pages.get(key) for key in after.pages])
        return b"\n".join(lines)
    old = record_rows(previous)
    if old is None:
        return None
    output_rows = [outputs.get(path) or old.outputs.get(path) for path in after.outputs]
    page_rows = [pages.get(key) or old.pages.get(key) for key in after.pages]
    kept_outputs = [row for row in output_rows if row is not None]
    kept_pages = [row for row in page_rows if row is not None]
    if len(kept_outputs) < len(output_rows) or len(kept_pages) < len(page_rows):
        return None
    return write(kept_outputs, kept_pages)


def _replace(lines: list[bytes], start: int, rows: list[bytes | None]) -> None:
    """Put each row given at its line (the last of a list has no comma)."""
    last = len(rows) - 1
    for index, row in enumerate(rows):
        if row is not None:
            lines[start + index] = b"    " + row + (b"," if index < last else b"")
