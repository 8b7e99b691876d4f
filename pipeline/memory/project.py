"""A project's translation memory: TMX files in git, a derived SQLite index, harvest and pre-fill.

Principles:

- The durable memory is one TMX 1.4b file per target locale, ``locale/tm/<locale>.tmx``:
  plain, reviewable, identical on every machine, written deterministically so an update makes a
  small diff. A fresh clone and CI therefore pre-fill exactly as a translator's machine does.
- The lookup index, ``locale/.tm-index.sqlite``, is derived from those files and ignored by git;
  it remembers a fingerprint of the files and is rebuilt when they change or when it is damaged.
- Every approved translation the project has had is kept: each ``update`` harvests the
  catalogues (translated, not fuzzy, obsolete ones included) before merging. A unit's
  ``last_seen`` is its catalogue's PO-Revision-Date, not the clock, so an update without a
  change writes nothing.
- Concurrent runs are serialized by the project's lock (``locale/.translatio.lock``,
  :mod:`pipeline.lock`), and the index is written in SQLite transactions (WAL), so two
  ``update`` runs cannot corrupt it.
"""

from __future__ import annotations

import math
import hashlib
import sqlite3
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ..catalogs import Catalog, Message
from ..catalogs.model import FUZZY
from ..config import Config
from ..errors import MemoryFileError
from ..files import Staged, disk_errors, is_disk_full, stage
from ..lock import project_lock
from ..locales import normalize_locale
from ..merge import Suggest, Suggestion
from .matching import MemoryQuery, context_digest, lookup
from .store import SCHEMA_VERSION, SQLiteMemory
from .compendium import read_compendium
from .tmx import format_tmx, read_tmx, tmx_date, write_tmx
from .units import Origin, TranslationUnit

TM_FOLDER = "tm"
INDEX_FILE = ".tm-index.sqlite"


def tmx_path(config: Config, locale: str) -> Path:
    return config.locale_dir / TM_FOLDER / f"{locale}.tmx"


def tmx_files(config: Config) -> list[Path]:
    folder = config.locale_dir / TM_FOLDER
    return sorted(folder.glob("*.tmx")) if folder.is_dir() else []


def fingerprint(config: Config) -> str:
    """What the index was built from: the TMX files' names and contents."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in tmx_files(config):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def file_signature(path: Path) -> str:
    """Size and modification time: what changes when anyone writes the file."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def signature(config: Config) -> str:
    """The TMX files' names, sizes and modification times: when these are as recorded, the
    contents are too, and hashing hundreds of megabytes can be skipped."""
    return "|".join(f"{path.name}:{file_signature(path)}" for path in tmx_files(config))


def record_files(memory: SQLiteMemory, config: Config) -> None:
    """Note in the index which TMX files it now mirrors."""
    memory.set_meta("fingerprint", fingerprint(config))
    memory.set_meta("signature", signature(config))


def note_files(memory: SQLiteMemory, config: Config) -> None:
    """:func:`record_files` in a transaction of its own, after the TMX files are written. The
    index is a cache: if a full disk refuses the note, the next run finds the files changed and
    rebuilds it from them, so the memory still ends the same."""
    try:
        with memory.pending():
            record_files(memory, config)
            memory.commit()
    except sqlite3.OperationalError as exc:
        if not is_disk_full(exc):
            raise


@contextmanager
def memory_lock(config: Config, read_only: bool = False) -> Iterator[None]:
    """One writer at a time for the memory and the catalogues ``update`` writes with it: the
    project's lock (:func:`pipeline.lock.project_lock`; ``read_only`` for commands that only
    look), and a full disk met while the index is in use reported as one line naming it."""
    with project_lock(config, read_only), disk_errors(config.locale_dir / INDEX_FILE):
        yield


def open_memory(config: Config) -> SQLiteMemory:
    """The index, checked against the TMX files and rebuilt from them when it does not match."""
    path = config.locale_dir / INDEX_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        memory = SQLiteMemory(path)
        if memory.check_integrity():
            if memory.meta("signature") == signature(config):
                return memory
            if memory.meta("fingerprint") == fingerprint(config):  # touched, not changed (a checkout)
                memory.set_meta("signature", signature(config))
                return memory
        memory.close()
    except sqlite3.DatabaseError:
        pass
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    memory = SQLiteMemory(path)
    units = [unit for tmx in tmx_files(config) for unit in read_tmx(tmx)]
    memory.bulk_load(units)
    memory.set_meta("schema", SCHEMA_VERSION)
    record_files(memory, config)
    return memory


def harvest(catalog: Catalog, locale: str, domain: str, source_locale: str) -> list[TranslationUnit]:
    """The approved translations of one catalogue as units (plural entries are left out: a unit
    pairs one source with one target)."""
    seen = tmx_date(catalog.header_fields.get("PO-Revision-Date", ""))
    active = [m for m in catalog.active if m.msgctxt is None]
    units = []
    for index, message in enumerate(active):
        if not message.translated or message.msgid_plural is not None or message.is_header:
            continue
        before = active[index - 1].msgid if index else ""
        after = active[index + 1].msgid if index + 1 < len(active) else ""
        reference = message.references[0] if message.references else ""
        origin = Origin(domain, reference, context_digest(before, after))
        units.append(TranslationUnit(message.msgid, message.msgstr[0], source_locale, locale, (origin,), seen))
    for message in catalog.obsolete:
        if message.translated and message.msgid_plural is None and message.msgid:
            # Obsolete entries were approved once; where they stood is no longer known.
            units.append(TranslationUnit(message.msgid, message.msgstr[0], source_locale, locale, (), seen))
    return units


def memory_suggester(memory: SQLiteMemory, locale: str, domain: str, threshold: int) -> Suggest:
    """Pre-fill for ``update``: exact matches as translations, fuzzy ones as suggestions."""

    def suggest(fresh: Message, before: str, after: str, to_beat: float) -> Suggestion | None:
        if fresh.msgid_plural is not None or fresh.msgctxt is not None:
            return None
        reference = fresh.references[0] if fresh.references else ""
        query = MemoryQuery(fresh.msgid, locale, domain, reference, context_digest(before, after))
        # Exact matches are always looked for; a fuzzy one only if it could beat the catalogue's.
        matches = lookup(memory, query, max(threshold, math.floor(to_beat) + 1 if to_beat else 0), 1)
        if not matches:
            return None
        best = matches[0]
        comments = fresh.extracted_comments + (best.describe(),)
        filled = replace(fresh, msgstr=(best.unit.target,), extracted_comments=comments, line=0)
        if not best.exact:
            filled = replace(filled, flags=(FUZZY, *fresh.flags), previous_msgid=best.unit.source)
        return Suggestion(filled, best.score)

    return suggest


@contextmanager
def read_memory(config: Config) -> Iterator[SQLiteMemory]:
    """The project's memory for lookups (the index is rebuilt first if it is stale)."""
    with memory_lock(config, read_only=True):
        memory = open_memory(config)
    try:
        yield memory
    finally:
        memory.close()


def _read_units(path: Path, config: Config) -> list[TranslationUnit]:
    """Units of a TMX file or a PO compendium, checked against the project's source language."""
    if not path.is_file():
        raise MemoryFileError(path, None, "file not found")
    units = read_compendium(path, config.source_locale) if path.suffix in (".po", ".pot") else read_tmx(path)
    language = config.source_locale.split("_")[0]
    for unit in units:
        if unit.source_locale.split("_")[0] != language:
            raise MemoryFileError(path, None, f"source language {unit.source_locale!r} is not the project's {config.source_locale!r}")
    # Stored under the project's source locale, so that en_US and en units are one memory.
    return [replace(u, source_locale=config.source_locale) for u in units if u.target_locale != config.source_locale]


def import_files(config: Config, paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Import every file or none: all are read and checked before the memory changes."""
    units = [unit for path in paths for unit in _read_units(path, config)]
    read: dict[str, int] = {}
    for unit in units:
        read[unit.target_locale] = read.get(unit.target_locale, 0) + 1
    with memory_lock(config):
        memory = open_memory(config)
        try:
            staged: list[Staged] = []
            try:
                with memory.pending():
                    changed = Counter(u.target_locale for u in memory.add(units))
                    del units  # a large import: the units are in the index now, the TMX is written from it
                    for code in sorted(changed):
                        text = format_tmx(memory.iterate(code), config.source_locale)
                        staged += [s for s in [stage(tmx_path(config, code), text.encode("utf-8"))] if s is not None]
                    memory.commit()  # a full disk stops the import here, before any file has changed
                while staged:
                    staged[0].swap()
                    staged.pop(0)
            finally:
                for leftover in staged:
                    leftover.discard()
            note_files(memory, config)
        finally:
            memory.close()
    return {code: (read[code], changed[code]) for code in read}


def export_file(config: Config, path: Path, locales: list[str] | None = None) -> int:
    """Write the memory, or some locales of it, to one TMX file."""
    codes = {normalize_locale(c) for c in locales} if locales else None
    with read_memory(config) as memory:
        units = [u for u in memory.iterate() if codes is None or u.target_locale in codes]
    write_tmx(units, path, config.source_locale)
    return len(units)
