"""A project's translation memory: TMX files in git, a derived index or a shared server, harvest and pre-fill.

Principles:

- The durable memory is one TMX 1.4b file per target locale, ``locale/tm/<locale>.tmx``:
  plain, reviewable, identical on every machine, written deterministically so an update makes a
  small diff. A fresh clone and CI therefore pre-fill exactly as a translator's machine does.
- The lookup index, ``locale/.tm-index.sqlite``, is derived from those files and ignored by git;
  it remembers a fingerprint of the files and the size of its tables, and is rebuilt when the
  files change, when it is damaged or when a table lost rows. Something else at its path (a
  folder), or a file at ``locale/tm``, is an error naming the path, never a silent empty memory.
- The index is a convenience, never a reason a reading command fails: where ``locale/`` cannot
  be written (a read-only checkout or mount, another user's files), ``check``, ``tm search``,
  ``tm stats``, ``analyze`` and ``tm export`` use an index held in memory for the run — copied
  from the index on disk when that one is sound and matches the TMX files, else built from
  them. A command that must write the memory (``update``, ``tm import``) says which path is
  read-only before it changes anything.
- Every approved translation the project has had is kept: each ``update`` harvests the
  catalogues (translated, not fuzzy, obsolete ones included) before merging. A unit's
  ``first_seen`` is the PO-Revision-Date of the first catalogue it was harvested from, not the
  clock, and saving the catalogue again does not move it: an update without a change writes
  nothing, and "the most recent translation" means the one made last.
- What each harvested entry holds now is applied to the memory (:meth:`MemoryBackend.supersede`):
  a translation a translator replaced in an entry — by another approved one, or by a new text
  still awaiting review — is superseded in that entry's domain and never offered again, though
  kept.
- With ``memory_url`` the memory is a shared server (:mod:`.postgres`) instead of the index:
  which engine opens is looked up by the URL's scheme (:data:`OPENERS`), so no caller knows
  which one it has. The TMX files stay the project's record: the server is given whatever
  they hold that it has not seen (as the index is rebuilt from them), ``update`` writes them
  from the server's record of the project, and ``tm push``/``tm pull`` move units explicitly.
- Concurrent runs are serialized by the project's lock (``locale/.translatio.lock``,
  :mod:`pipeline.lock`), and the index is written in SQLite transactions (WAL), so two
  ``update`` runs cannot corrupt it.
"""

from __future__ import annotations

import gc
import math
import hashlib
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from ..catalogs import Catalog, Message
from ..catalogs.model import FUZZY
from ..config import MEMORY_URL_ENV, Config
from ..errors import ConfigError, MemoryFileError, OutputError
from ..files import disk_errors, is_disk_full, stage, staged_together
from ..lock import project_lock
from ..locales import normalize_locale
from ..merge import Suggest, Suggestion
from .ahead import read_ahead
from .matching import MemoryQuery, context_digest, lookup
from .store import SCHEMA_VERSION, MemoryBackend, SQLiteMemory
from .compendium import read_compendium
from .tmx import format_tmx, iter_tmx, stage_tmx, tmx_date, write_tmx
from .units import EntryState, Origin, TranslationUnit, normalize

TM_FOLDER = "tm"
INDEX_FILE = ".tm-index.sqlite"


def tmx_path(config: Config, locale: str) -> Path:
    return config.locale_dir / TM_FOLDER / f"{locale}.tmx"


def tmx_files(config: Config) -> list[Path]:
    """The memory's TMX files; a folder or unreadable entry where one should be is an error,
    never a silently smaller memory."""
    folder = config.locale_dir / TM_FOLDER
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not the translation memory's folder of TMX files; move it away")
    try:
        paths = sorted(entry for entry in folder.iterdir() if entry.suffix == ".tmx")
    except OSError as exc:
        raise OutputError(f"{folder}: cannot read: {exc.strerror or exc}") from exc
    for path in paths:
        if not path.is_file():
            raise MemoryFileError(path, None, "is not a file: the translation memory's TMX files are files")
    return paths


def fingerprint(config: Config) -> str:
    """What the index was built from: the TMX files' names and contents."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in tmx_files(config):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MemoryFileError(path, None, f"cannot read: {exc.strerror or exc}") from exc
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def file_signature(path: Path) -> str:
    """Size and modification time: what changes when anyone writes the file."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def signature(config: Config) -> str:
    """The TMX files' names, sizes and modification times: when these are as recorded, the
    contents are too, and hashing hundreds of megabytes can be skipped."""
    return "|".join(f"{path.name}:{file_signature(path)}" for path in tmx_files(config))


def files_state(config: Config) -> tuple[str, str]:
    """The TMX files as they are now: (fingerprint, signature)."""
    return fingerprint(config), signature(config)


def record_files(memory: SQLiteMemory, config: Config) -> None:
    """Note in the index which TMX files it now mirrors."""
    memory.set_meta("fingerprint", fingerprint(config))
    memory.set_meta("signature", signature(config))


def note_files(memory: MemoryBackend, config: Config, harvested: dict[str, str] | None = None) -> None:
    """After the TMX files are written: note that the memory holds them (and which catalogues
    are harvested). Bookkeeping only: if a full disk or a lost server refuses it, the next run
    finds the files changed and brings the memory in line again, so the memory ends the same."""
    memory.note(harvested or {}, files_state(config))


@contextmanager
def memory_lock(config: Config, read_only: bool = False) -> Iterator[None]:
    """One writer at a time for the memory and the catalogues ``update`` writes with it: the
    project's lock (:func:`pipeline.lock.project_lock`; ``read_only`` for commands that only
    look), and a full disk met while the index is in use reported as one line naming it."""
    with project_lock(config, read_only), disk_errors(config.locale_dir / INDEX_FILE):
        yield


def index_path(config: Config) -> Path:
    return config.locale_dir / INDEX_FILE


def _index_files(path: Path) -> tuple[Path, Path, Path]:
    return (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def read_only_reason(path: Path) -> str | None:
    """Why the index at ``path`` cannot be written (with what is read-only), or ``None``.

    Asked of the file system, without writing: the index and its WAL files need a writable
    folder, and a writable file where one exists. Read-only mounts, permissions and immutable
    files all answer here (``access(2)``), for root too.
    """
    folder = path.parent
    while not folder.exists() and folder != folder.parent:  # the folder is created on first use
        folder = folder.parent
    effective = os.access in os.supports_effective_ids  # this process's rights, capabilities included
    blocked = next((f for f in (folder, *(f for f in _index_files(path) if f.exists()))
                    if not os.access(f, os.W_OK | (os.X_OK if f.is_dir() else 0), effective_ids=effective)), None)  # fmt: skip
    if blocked is None:
        return None
    try:
        read_only_fs = bool(os.statvfs(blocked).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_fs = False
    return f"{blocked}: read-only ({'read-only file system' if read_only_fs else 'no write permission'})"


def _check_layout(config: Config, path: Path) -> None:
    """Something else where the memory's files belong is an error naming it, not a traceback
    or a silently empty memory."""
    if config.locale_dir.exists() and not config.locale_dir.is_dir():
        raise OutputError(f"{config.locale_dir}: is a file, not the locale folder")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: is not a file: the translation memory's index (a SQLite file) belongs here; move it away")
    tmx_files(config)  # raises for a file at locale/tm or a folder named *.tmx


def open_memory(config: Config, for_writing: bool = True) -> MemoryBackend:
    """The project's memory: its own index (no ``memory_url``), or the shared server it names.

    ``for_writing=False`` is for callers that only read the memory (or change it in a
    transaction they roll back, as ``check`` does). Either way the memory holds what the TMX
    files hold when it is returned.
    """
    scheme = config.memory_url.split("://", 1)[0].lower() if config.memory_url else ""
    return OPENERS[scheme](config, for_writing)


def open_index(config: Config, for_writing: bool = True) -> SQLiteMemory:
    """The index, checked against the TMX files and rebuilt from them when it does not match.

    ``for_writing=False`` is for callers that only read the memory (or change it in a
    transaction they roll back, as ``check`` does): where the index cannot be written, they get
    one held in memory. A caller that writes gets an :class:`OutputError` naming the read-only
    path, before anything is changed.
    """
    path = index_path(config)
    _check_layout(config, path)
    reason = read_only_reason(path)
    if reason is not None:
        if for_writing:
            raise OutputError(f"{reason}: the translation memory cannot be updated")
        return _memory_copy(config, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            memory = SQLiteMemory(path)
            if _matches_files(memory, config):
                return memory
            memory.close()
        except sqlite3.DatabaseError:
            pass
        for stale in _index_files(path):
            stale.unlink(missing_ok=True)
        return _rebuild(SQLiteMemory(path), config)
    except (sqlite3.Error, OSError) as exc:
        if is_disk_full(exc):
            raise OutputError(f"{path}: no space left on device") from exc
        raise OutputError(f"{path}: cannot open the translation memory's index: {exc}") from exc


def open_server(config: Config, for_writing: bool = True) -> MemoryBackend:
    """The shared memory on a PostgreSQL server, as this project (``project_name``) sees it,
    holding what the project's TMX files hold: files the server has not seen in this state (a
    ``git pull``, a colleague without the server, a first connection) are pushed first — the
    server's analogue of rebuilding an index. A command that writes checks first that it can
    write ``locale/`` (it writes the TMX files)."""
    from .postgres import PostgresMemory

    _check_layout(config, index_path(config))
    if for_writing:
        reason = read_only_reason(index_path(config))
        if reason is not None:
            raise OutputError(f"{reason}: the translation memory cannot be updated")
    memory = PostgresMemory(config.memory_url, config.project_name)
    try:
        files = signature(config)
        if not memory.knows_files(files):
            prints = fingerprint(config)
            if not memory.knows_files(prints):
                _push(memory, config)
            memory.note({}, (prints, files))
    except BaseException:
        memory.close()
        raise
    return memory


OPENERS = {"": open_index, "postgresql": open_server, "postgres": open_server}
"""How each kind of ``memory_url`` is opened (by its scheme; empty: the project's own index)."""


def _push(memory: MemoryBackend, config: Config) -> dict[str, tuple[int, int]]:
    """Add every unit of the project's TMX files to the memory (one transaction): per locale,
    units read and units new or changed."""
    read: Counter[str] = Counter()
    with memory.pending():
        changed = memory.add_batches(_counted(_tmx_batches(config), read))
        memory.commit()
    return {code: (read[code], changed[code]) for code in sorted(read)}


def _tmx_batches(config: Config) -> Iterator[list[TranslationUnit]]:
    """The units of the project's TMX files, a batch at a time."""
    for path in tmx_files(config):
        yield from iter_tmx(path)


def _counted(batches: Iterable[list[TranslationUnit]], read: Counter[str]) -> Iterator[list[TranslationUnit]]:
    """The batches as they are, their units counted per target locale into ``read``."""
    for batch in batches:
        read.update(u.target_locale for u in batch)
        yield batch


def _matches_files(memory: SQLiteMemory, config: Config) -> bool:
    """Whether a sound, whole index mirrors the TMX files as they are (noting a mere touch)."""
    if not memory.check_integrity():
        return False
    if memory.meta("signature") == signature(config):
        return True
    if memory.meta("fingerprint") == fingerprint(config):  # touched, not changed (a checkout)
        memory.set_meta("signature", signature(config))
        return True
    return False


def _rebuild(memory: SQLiteMemory, config: Config) -> SQLiteMemory:
    """Fill an empty index from the TMX files."""
    try:
        memory.add_batches(_tmx_batches(config))  # an empty index: as bulk_load, a batch at a time
        memory.set_meta("schema", SCHEMA_VERSION)
        record_files(memory, config)
    except BaseException:
        memory.close()
        raise
    return memory


def _memory_copy(config: Config, path: Path) -> SQLiteMemory:
    """An index in memory for a run that cannot write ``path``: a copy of the index on disk when
    it is sound and mirrors the TMX files (cheap: pages are copied, nothing is parsed), else one
    built from the TMX files. The disk index is opened ``immutable`` — the only way SQLite reads
    a WAL database in a read-only folder; a WAL left behind is ignored, which is safe because
    what is read must still match the TMX files' fingerprint and the recorded table sizes."""
    if path.is_file():
        try:
            disk = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                copy = SQLiteMemory.in_memory_copy(path, disk)
            finally:
                disk.close()
            if _matches_files(copy, config):
                return copy
            copy.close()
        except sqlite3.DatabaseError:
            pass
    return _rebuild(SQLiteMemory.in_memory_copy(path), config)


@dataclass(frozen=True, slots=True)
class Harvest:
    """What one catalogue gives the memory."""

    units: tuple[TranslationUnit, ...]
    """Its approved translations (active entries with their origin, obsolete ones without)."""
    entries: tuple[EntryState, ...]
    """What each active singular entry holds now — its approved translation, or a new text of
    its own awaiting review — which supersedes the other translations used in that entry."""


def harvest(catalog: Catalog, locale: str, domain: str, source_locale: str) -> Harvest:
    """The approved translations of one catalogue as units, and what its entries hold (plural
    entries are left out: a unit pairs one source with one target).

    A fuzzy entry counts as holding a translation of its own source only when it was made for
    that text (no ``#| msgid``, or the same text): a suggestion ``update`` made from a similar
    source says nothing about this source's translations. An empty entry holds nothing.
    """
    seen = tmx_date(catalog.header_fields.get("PO-Revision-Date", ""))
    active = [m for m in catalog.active if m.msgctxt is None]
    units, entries = [], []
    for index, message in enumerate(active):
        if message.msgid_plural is not None or message.is_header or not message.msgstr or not message.msgstr[0]:
            continue
        if message.fuzzy:
            made_for = message.previous_msgid
            if made_for is None or normalize(made_for) == normalize(message.msgid):
                entries.append(EntryState(locale, domain, message.msgid, message.msgstr[0]))
            continue
        before = active[index - 1].msgid if index else ""
        after = active[index + 1].msgid if index + 1 < len(active) else ""
        reference = message.references[0] if message.references else ""
        origin = Origin(domain, reference, context_digest(before, after))
        units.append(TranslationUnit(message.msgid, message.msgstr[0], source_locale, locale, (origin,), seen))
        entries.append(EntryState(locale, domain, message.msgid, message.msgstr[0]))
    for message in catalog.obsolete:
        if message.translated and message.msgid_plural is None and message.msgid:
            # Obsolete entries were approved once; where they stood is no longer known.
            units.append(TranslationUnit(message.msgid, message.msgstr[0], source_locale, locale, (), seen))
    return Harvest(tuple(units), tuple(entries))


def harvest_into(memory: MemoryBackend, catalogs: Iterable[tuple[Catalog, str, str]], source_locale: str) -> set[str]:
    """Harvest catalogues (each with its locale and domain) into the memory, as one moment: their
    approved translations are added, then what their entries hold supersedes what they replaced.
    Returns the target locales whose memory changed."""
    return store_harvests(memory, [harvest(catalog, locale, domain, source_locale) for catalog, locale, domain in catalogs])


def store_harvests(memory: MemoryBackend, harvests: Iterable[Harvest]) -> set[str]:
    """:func:`harvest_into` for catalogues harvested already (in ``update``'s workers); with
    nothing to store the memory is not touched (no write is pending after it)."""
    units: list[TranslationUnit] = []
    entries: list[EntryState] = []
    for found in harvests:
        units += found.units
        entries += found.entries
    if not units and not entries:
        return set()
    changed = memory.add(units) + memory.supersede(entries)
    return {unit.target_locale for unit in changed}


def memory_suggester(memory: MemoryBackend, locale: str, domain: str, threshold: int) -> Suggest:
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
        comments = fresh.extracted_comments + best.comments()
        filled = replace(fresh, msgstr=(best.unit.target,), extracted_comments=comments, line=0)
        if not best.exact:  # a fuzzy match, or a choice between several translations of this text
            made_for = best.unit.source if normalize(best.unit.source) != normalize(fresh.msgid) else None
            filled = replace(filled, flags=(FUZZY, *fresh.flags), previous_msgid=made_for)
        return Suggestion(filled, best.score)

    return suggest


@contextmanager
def read_memory(config: Config) -> Iterator[MemoryBackend]:
    """The project's memory for lookups (the index is rebuilt first if it is stale; held in
    memory for this run if it cannot be written)."""
    with memory_lock(config, read_only=True):
        memory = open_memory(config, for_writing=False)
    try:
        yield memory
    finally:
        memory.close()


def _read_batches(path: Path, config: Config) -> Iterator[list[TranslationUnit]]:
    """Units of a TMX file (a batch at a time) or a PO compendium, checked against the project's
    source language and stored under the project's source locale, so that en_US and en units
    are one memory."""
    batches = iter_tmx(path) if path.suffix not in (".po", ".pot") else iter([read_compendium(path, config.source_locale)])
    project, language = config.source_locale, config.source_locale.split("_")[0]
    checked: set[str] = set()
    for batch in batches:
        for code in {u.source_locale for u in batch} - checked:
            if code.split("_")[0] != language:
                raise MemoryFileError(path, None, f"source language {code!r} is not the project's {config.source_locale!r}")
            checked.add(code)
        yield [u if u.source_locale == project else TranslationUnit(u.source, u.target, project, u.target_locale, u.origins, u.first_seen, u.superseded)
               for u in batch if u.target_locale != project]  # fmt: skip


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a large import: it creates millions of objects none
    of which is ever part of a cycle, and every full collection would walk them all (a tenth
    of the import's time at 100,000 units). Reference counting frees them as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_files(config: Config, paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Import every file or none, streaming: the files are read a batch at a time into one
    transaction (:meth:`MemoryBackend.add_batches`, which merges them as one batch), the TMX
    files are staged from the memory, and the memory is committed only then — a bad unit late
    in the last file, or a full disk, rolls everything back and replaces no file."""
    for path in paths:
        if not path.is_file():
            raise MemoryFileError(path, None, "file not found")
    read: Counter[str] = Counter()
    batches = read_ahead(_counted((batch for path in paths for batch in _read_batches(path, config)), read))
    with memory_lock(config), gc_paused():
        memory = open_memory(config)
        try:
            with staged_together() as staged, memory.pending():
                changed = memory.add_batches(batches)
                for code in sorted(changed):  # iterate() gives the file's order: written as it comes
                    done = stage_tmx(memory.iterate(code), tmx_path(config, code), config.source_locale)
                    staged += [done] if done is not None else []
                memory.commit()  # a full disk stops the import here, before any file has changed
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


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What ``tm push`` / ``tm pull`` / ``tm sync`` did for one target locale."""

    locale: str
    read: int = 0
    """Units read from the TMX file and pushed."""
    pushed: int = 0
    """Of those, units the server did not hold as they are (new, or new places)."""
    units: int = 0
    """Units of the project's record on the server, written to the TMX file (pull)."""
    written: bool = False
    """The TMX file changed."""


def sync_files(config: Config, push: bool = True, pull: bool = True) -> list[SyncReport]:
    """Move units between the project's TMX files and its shared memory, idempotently: ``push``
    adds every unit of the TMX files to the server; ``pull`` writes each TMX file from the
    server's record of the project (the files are staged and swapped only once all are
    written, after the push is committed). Opening the memory pushes TMX files the server has
    not seen, so a pull never drops a unit the files hold."""
    if not config.memory_url:
        raise ConfigError(
            f"{config.config_file}: tool.translatio.memory_url: not set (nor {MEMORY_URL_ENV}): "
            "without a shared memory the project's memory is its TMX files; nothing to push or pull"
        )
    reports: dict[str, SyncReport] = {}
    with memory_lock(config):
        memory = open_memory(config)
        try:
            if push:
                for code, (read, changed) in _push(memory, config).items():
                    reports[code] = SyncReport(code, read, changed)
            if pull:
                codes = sorted(set(memory.stats().units) | {path.stem for path in tmx_files(config)})
                with staged_together() as staged:
                    for code in codes:
                        units = list(memory.iterate(code))
                        payload = format_tmx(units, config.source_locale).encode("utf-8")
                        done = stage(tmx_path(config, code), payload)
                        staged += [done] if done is not None else []
                        reports[code] = replace(reports.get(code, SyncReport(code)), units=len(units), written=done is not None)
            note_files(memory, config)
        finally:
            memory.close()
    return [reports[code] for code in sorted(reports)]


def init_server(config: Config) -> tuple[str, int, int]:
    """Create or migrate the shared memory's schema: (where, version found, version now)."""
    if not config.memory_url:
        raise ConfigError(f"{config.config_file}: tool.translatio.memory_url: not set (nor {MEMORY_URL_ENV}): no server to prepare")
    from .postgres import PostgresMemory

    memory = PostgresMemory(config.memory_url, config.project_name)
    try:
        return memory.location, memory.found_schema, memory.schema
    finally:
        memory.close()
