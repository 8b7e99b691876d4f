"""The memory's lookup index: a SQLite database derived from the TMX files, behind a small interface.

Principles:

- The TMX files under ``locale/tm/`` are the memory; this database is a cache of them, kept out
  of git. It records a fingerprint of the files it was built from and is rebuilt when they
  change, when its schema is older, or when SQLite finds it damaged — never trusted blindly.
  SQLite's own check does not notice a table emptied or cut short (the file is still sound), so
  every write also records how many rows each table holds, and :meth:`SQLiteMemory.check_integrity`
  compares: an index that lost rows would silently answer "no match", and is rebuilt instead.
- Nothing approved is dropped: :meth:`SQLiteMemory.supersede` moves a replaced translation's
  origin to its ``superseded`` record; deciding what to offer is :mod:`.matching`'s job.
- Callers see :class:`MemoryBackend`, a ``Protocol`` of five operations (add, exact lookup, fuzzy
  top-k, iterate, stats), so another backend — a shared PostgreSQL server with ``pg_trgm`` for a
  team whose memory outgrows one machine — can be added without touching them.
- Fuzzy lookup never scans the memory. Candidates come from an inverted index of the source's
  words — one row per word and text length holding an array of unit ids — restricted to the
  lengths that can reach the minimum score (``ratio ≥ t`` bounds the length ratio to
  ``[t/(2-t), (2-t)/t]``), using the query's rarest words first, within a budget of postings;
  the units sharing most of the query's words are scored with rapidfuzz's edit-distance ratio.
- "Most of the query's words" counts the common ones too. Words in more than a tenth of the
  units ("the", "your", "should") have no postings — they would be most of the index — so each
  unit keeps a 64-bit mask of which of the commonest words it has (:mod:`.masks`), and every
  unit in the length band counts its common words shared (a popcount) plus its rare words
  shared (from the postings); the best :data:`CANDIDATES` are scored. Without
  them, a sentence whose best match differs in its content words but shares its frame ("Tell
  your doctor if you have liver problems" for "…kidney problems") ranks among thousands that
  share one rare word, and is missed.
- Writes happen in a transaction: :meth:`SQLiteMemory.pending` lets ``update`` add harvested
  units, plan with them, and commit only once the TMX files are written (``check`` rolls back).
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from array import array
from collections import Counter, defaultdict
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

import numpy as np
from rapidfuzz import fuzz, process

from ..files import is_disk_full

from . import masks
from .concordance import SOURCE, ConcordanceQuery, ordered
from .units import ARCHIVED, CURRENT, SUPERSEDED, EntryState, Origin, TranslationUnit, earliest, normalize, sorted_origins

SCHEMA_VERSION = "7"
RAREST_WORDS = 12
"""At most this many of the query's words (the rarest in the memory) select candidates…"""
MIN_WORDS = 4
POSTINGS_BUDGET = 15_000
"""…at least :data:`MIN_WORDS`, and no more once their postings in the length band reach this
many units: the commoner words add much work and little recall."""
CANDIDATES = 800
"""How many best-sharing candidates are scored exactly (rapidfuzz scores them in about 1 ms)."""
COMMON_SHARE = 10
"""A word in more than 1/10 of a bulk-loaded memory ("the", "of") is too common to select
candidates: it gets postings only in short units, where it may be all there is."""
SHORT_UNIT = 6
"""Units with at most this many distinct words have every word posted."""
MASK_BITS = masks.BITS
"""How many of a locale's commonest words a unit's mask records (:mod:`.masks`); a word too
common for postings beyond these gets postings after all (a bulk-loaded memory has a few dozen)."""
_WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    """The distinct lower-cased words of a normalized text: the index's vocabulary."""
    return set(_WORD.findall(text.lower()))


def length_bounds(length: int, min_score: float) -> tuple[int, int]:
    """Lengths a text must have to reach ``min_score`` (0–100) against one of ``length``."""
    t = max(min(min_score / 100.0, 1.0), 0.01)
    return int(length * t / (2 - t)), int(length * (2 - t) / t) + 1


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored unit with its raw similarity to the query (0–100), before any risk penalty."""

    unit: TranslationUnit
    similarity: float


@dataclass(frozen=True, slots=True)
class LocaleFigures:
    """One target locale's units, by status (see :mod:`.units`)."""

    units: int
    current: int
    archived: int
    superseded: int
    ambiguous: int
    """Source texts with more than one current translation: the memory offers them as a choice."""

    def as_dict(self) -> dict[str, int]:
        return {"units": self.units, CURRENT: self.current, ARCHIVED: self.archived,
                SUPERSEDED: self.superseded, "ambiguous": self.ambiguous}  # fmt: skip


@dataclass(frozen=True, slots=True)
class MemoryStats:
    units: dict[str, int]
    """Units per target locale."""
    path: str
    locales: dict[str, LocaleFigures] = field(default_factory=dict)
    """The same locales in detail."""
    in_memory: bool = False
    """The index could not be written where it lives and was built in memory for this run."""
    projects: dict[str, int] = field(default_factory=dict)
    """A shared memory: how many units each project sharing it holds (this project's included)."""


class MemoryBackend(Protocol):
    """What the rest of translatio needs from a translation memory store.

    Lookups (exact, fuzzy, concordance) see every unit the store holds — with a shared server,
    other projects' too, their origins naming their project. :meth:`iterate` and :meth:`stats`
    are about this project's own record: what its TMX files hold.
    """

    location: str
    """Where the memory is, for messages: the index's path, or the server's URL without its password."""

    def add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        """Store units (merging origins of known pairs); returns those new or changed."""
        ...

    def add_batches(self, batches: Iterable[Iterable[TranslationUnit]]) -> Counter[str]:
        """Store units arriving in batches (a large import) exactly as one :meth:`add` of them
        all would, without holding them all: returns how many units of each target locale are
        new or changed."""
        ...

    def supersede(self, entries: Iterable[EntryState]) -> list[TranslationUnit]:
        """In each entry's domain, the other translations of its source are superseded: their
        origins in that domain move to their ``superseded`` record. Returns the units changed."""
        ...

    def lookup_exact(self, text: str, target_locale: str) -> list[TranslationUnit]:
        """Units whose normalized source equals the normalized ``text``."""
        ...

    def lookup_fuzzy(self, text: str, target_locale: str, min_score: float, limit: int) -> list[Candidate]:
        """The ``limit`` most similar units scoring at least ``min_score``, best first."""
        ...

    def concordance(self, query: ConcordanceQuery, target_locale: str, limit: int) -> list[TranslationUnit]:
        """Units whose source (or target) holds every term of ``query``, in :func:`.concordance.ordered`
        order, at most ``limit``."""
        ...

    def iterate(self, target_locale: str | None = None) -> Iterator[TranslationUnit]:
        """Every unit of this project's record (of one target locale), in a stable order."""
        ...

    def stats(self) -> MemoryStats: ...

    def pending(self) -> AbstractContextManager[object]:
        """A transaction, rolled back unless :meth:`commit` is called inside it."""
        ...

    def commit(self) -> None: ...

    def opener(self) -> Callable[[], MemoryBackend] | None:
        """How another process (a worker forked for ``update``'s merges) opens this memory as
        this connection sees it: ``None`` where it cannot — writes pending in this connection's
        transaction, which no other connection sees, or a memory held only in this process."""
        ...

    def harvested(self, path: str) -> str | None:
        """The signature a catalogue (by its project-relative path) had when its translations
        were last added."""
        ...

    def note(self, harvested: dict[str, str], files: tuple[str, str] | None) -> None:
        """Record, after the files are written, which catalogues are harvested (path →
        signature) and which TMX files (fingerprint, signature) the memory holds. Bookkeeping
        that only saves work: a full disk or a lost server here is not an error (the next run
        harvests again)."""
        ...

    def forget_files(self) -> None:
        """Writing stopped half-way: forget which TMX files the memory holds, so the next run
        brings it back in line with them. Never raises."""
        ...

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS harvested (path TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    locale TEXT NOT NULL,
    source_locale TEXT NOT NULL,
    norm TEXT NOT NULL,
    norm_target TEXT NOT NULL,
    length INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origins TEXT NOT NULL,
    superseded TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (locale, norm, norm_target)
);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE, df INTEGER NOT NULL, posted INTEGER NOT NULL,
    bit INTEGER NOT NULL DEFAULT -1
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS masks (chunk INTEGER PRIMARY KEY, bits BLOB NOT NULL, lengths BLOB NOT NULL, locales BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS postings (
    token INTEGER NOT NULL, length INTEGER NOT NULL, units BLOB NOT NULL,
    PRIMARY KEY (token, length)
) WITHOUT ROWID;
"""
_UNIT_IDS = "I"
"""Postings are arrays of unit ids (``array('I')``), one row per word and text length: a few
thousand rows hold what would be millions of (word, unit) rows."""
_ID_SIZE = array(_UNIT_IDS).itemsize
_ID_DTYPE = np.dtype(np.uintc)
"""The same ids as numpy sees them (``array('I')`` is a C ``unsigned int``)."""


def _encode_origins(origins: tuple[Origin, ...]) -> str:
    if not origins:
        return "[]"  # most superseded records: no JSON encoder needed
    return json.dumps([[o.domain, o.reference, o.context, *([o.project] if o.project else [])] for o in origins], ensure_ascii=False)


def _decode_origins(text: str) -> tuple[Origin, ...]:
    if text == "[]":
        return ()
    return tuple(Origin(*item) for item in json.loads(text))


class _Vocabulary(dict[str, int]):
    """One locale's words and their token ids; a word not seen yet takes the next id (looked up
    a million times in C, through ``map``, and only a new word costs a Python call)."""

    def __init__(self, ids: Iterator[int]) -> None:
        super().__init__()
        self._ids = ids

    def __missing__(self, word: str) -> int:
        token = self[word] = next(self._ids)
        return token


_NONE = _encode_origins(())
"""How an empty list of origins is stored, for SQL that counts by status."""
_ROWS = "rows"
"""The meta key recording how many rows each table holds after the last write."""
_CLEARED = "cleared"
"""The meta key counting how often the index was emptied: with the row counts it stamps what a
connection holds read from it (after a clear and an import of as many units, the same ids may
name other texts)."""
HELD_TEXTS = 200_000
"""At most this many candidates' normalized texts held between lookups (about 50 MB)."""


class SQLiteMemory:
    """The default backend: one SQLite file, WAL mode, an inverted word index for candidates."""

    def __init__(self, path: Path | str, db: sqlite3.Connection | None = None) -> None:
        """Open (or create) the index at ``path``; or use ``db``, an open connection to an index
        held in memory, ``path`` then naming the file it stands in for."""
        self.path = self.location = str(path)
        self.in_memory = db is not None
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        self.db = db
        self.db.executescript(_SCHEMA)
        self._changes_at_begin = 0
        self._masks: masks.UnitMasks | None = None
        self._masks_stamp: tuple[str | None, str | None] | None = None
        self._texts: dict[int, str] = {}
        """Candidates' normalized source texts by unit id, read once and held while the stamp
        holds: ``update`` looks up a thousand messages whose candidates are largely the same
        units, and reading 800 rows by id was a third of a lookup."""
        self._next_token = (self.db.execute("SELECT COALESCE(MAX(id), 0) FROM tokens").fetchone()[0]) + 1

    @classmethod
    def in_memory_copy(cls, path: Path | str, source: sqlite3.Connection | None = None) -> SQLiteMemory:
        """An index held in memory for one run, empty or copied from ``source`` (a sound index
        that cannot be written where it is); it stands in for ``path`` in reports."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        if source is not None:
            source.backup(db)
        return cls(path, db)

    def close(self) -> None:
        self.db.close()

    # --- metadata ------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def harvested(self, path: str) -> str | None:
        """The signature a catalogue (by its project-relative path) had when its translations
        were last added (see update)."""
        row = self.db.execute("SELECT signature FROM harvested WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def set_harvested(self, path: str, signature: str) -> None:
        if self.harvested(path) != signature:  # no write when nothing changed: the file stays as it is
            self.db.execute("INSERT OR REPLACE INTO harvested (path, signature) VALUES (?, ?)", (path, signature))

    def check_integrity(self) -> bool:
        """Whether the index is sound and whole; a damaged one is rebuilt by the caller.

        SQLite's quick check finds a damaged file, not a table emptied or cut short: so each
        table's row count must also be what the last write recorded (:meth:`_record_rows`).
        """
        try:
            row = self.db.execute("PRAGMA quick_check").fetchone()
            if not row or row[0] != "ok" or self.meta("schema") != SCHEMA_VERSION:
                return False
            recorded = self.meta(_ROWS)
            return recorded is not None and json.loads(recorded) == self._count_rows()
        except (sqlite3.DatabaseError, ValueError):
            return False

    def _count_rows(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
                for table in ("units", "tokens", "postings", "masks")}  # fmt: skip

    def _record_rows(self, new_postings: int) -> None:
        """Note the tables' sizes after a write, cheaply: unit and token ids are dense (1…n,
        never deleted one by one), so their counts are the largest ids; postings rows are
        counted as they are added; masks are one row per :data:`.masks.CHUNK` ids."""
        before = json.loads(self.meta(_ROWS) or "{}")
        units = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM units").fetchone()[0]
        rows = {"units": units, "tokens": self._next_token - 1, "postings": before.get("postings", 0) + new_postings,
                "masks": units // masks.CHUNK + 1 if units else 0}  # fmt: skip
        self.set_meta(_ROWS, json.dumps(rows, sort_keys=True))

    @contextmanager
    def pending(self) -> Iterator[SQLiteMemory]:
        """A transaction: rolled back unless :meth:`commit` is called inside it."""
        self.db.execute("BEGIN IMMEDIATE")
        self._changes_at_begin = self.db.total_changes
        try:
            yield self
        finally:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self._next_token = (self.db.execute("SELECT COALESCE(MAX(id), 0) FROM tokens").fetchone()[0]) + 1

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def opener(self) -> Callable[[], SQLiteMemory] | None:
        if self.in_memory or (self.db.in_transaction and self.db.total_changes != self._changes_at_begin):
            return None
        return partial(SQLiteMemory, self.path)

    def note(self, harvested: dict[str, str], files: tuple[str, str] | None) -> None:
        try:
            with self.pending():
                for path, signature in harvested.items():
                    self.set_harvested(path, signature)
                if files is not None:
                    self.set_meta("fingerprint", files[0])
                    self.set_meta("signature", files[1])
                self.commit()
        except sqlite3.OperationalError as exc:
            if not is_disk_full(exc):
                raise

    def forget_files(self) -> None:
        try:
            self.set_meta("signature", "")
            self.set_meta("fingerprint", "")
        except sqlite3.Error:
            pass  # then the next run's harvest restores what it can; nothing is lost from the catalogues

    # --- the interface -------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Group writes; inside :meth:`pending` the caller's transaction already does."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def bulk_load(self, units: Iterable[TranslationUnit]) -> int:
        """Fill an empty index fast (a rebuild from the TMX files): no per-unit lookups."""
        merged = combine(units)
        rows = [
            (n, u.target_locale, u.source_locale, k[1], k[2], len(k[1]), u.source, u.target,
             _encode_origins(u.origins), _encode_origins(u.superseded), u.first_seen)
            for n, (k, u) in enumerate(sorted(merged.items()), start=1)
        ]  # fmt: skip
        with self._transaction():
            self.clear()
            self.db.executemany(f"INSERT INTO units (id, {_UNIT_FIELDS}) VALUES (?, {_UNIT_VALUES})", rows)
            self._record_rows(self._index([(r[0], r[1], r[5], r[3]) for r in rows], bulk=True))
        return len(rows)

    def add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        with self._transaction():
            if self.db.execute("SELECT 1 FROM units LIMIT 1").fetchone() is None:
                batch = combine(units)  # an empty memory (a first import): the fast path
                self.bulk_load(batch.values())
                return list(batch.values())
            return self._add(units)

    def add_batches(self, batches: Iterable[Iterable[TranslationUnit]]) -> Counter[str]:
        """Store units arriving in batches (a large import) exactly as one :meth:`add` of them
        all would: each batch is combined (:func:`combine`), a pair this import already stored is
        combined with what it stored, and a pair the memory held before is merged once with
        everything the import brought for it (:func:`merge_unit`; what it held and what the
        import brought so far wait in a temporary table). The new units are indexed once, at the
        end. Held meanwhile: one batch, and a hash per pair seen. Returns the new or changed
        units per target locale."""
        with self._transaction():
            first = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM units").fetchone()[0] + 1
            empty = first == 1
            if empty:
                self.clear()  # as add() does for a first import: bookkeeping of an empty memory starts afresh
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS import_state (id INTEGER PRIMARY KEY, origins TEXT, superseded TEXT,"
                " first_seen TEXT, seen_origins TEXT, seen_superseded TEXT, seen_first_seen TEXT)"
            )
            self.db.execute("DELETE FROM import_state")
            counts: Counter[str] = Counter()
            seen: set[int] = set()  # hashes of the pairs stored so far, when the memory was empty
            touched: set[int] = set()  # units held before that the import merged into
            next_id, written = first, False
            for batch in batches:
                combined = combine(batch)
                if empty:  # only a pair seen in an earlier batch can be stored already
                    maybe = [key for key in combined if hash(key) in seen]
                    seen.update(hash(key) for key in combined)
                else:
                    maybe = list(combined)
                known = self._known(maybe) if maybe else {}
                inserts, updates, states = [], [], []
                for key, unit in combined.items():
                    row = known.get(key)
                    if row is None:
                        locale, norm, norm_target = key
                        inserts.append((next_id, locale, unit.source_locale, norm, norm_target, len(norm), unit.source, unit.target,
                                        _encode_origins(unit.origins), _encode_origins(unit.superseded), unit.first_seen))  # fmt: skip
                        next_id += 1
                        counts[locale] += 1
                        continue
                    unit_id, stored = row
                    if unit_id >= first:  # stored by this import: what it brought so far
                        merged = combine([stored, unit])[key]
                    else:
                        before, so_far = self._import_state(unit_id, stored) if unit_id in touched else (stored, None)
                        brought = unit if so_far is None else combine([so_far, unit])[key]
                        merged = merge_unit(before, brought)
                        touched.add(unit_id)
                        states.append((unit_id, _encode_origins(before.origins), _encode_origins(before.superseded), before.first_seen,
                                       _encode_origins(brought.origins), _encode_origins(brought.superseded), brought.first_seen))  # fmt: skip
                    if merged != stored:
                        updates.append((_encode_origins(merged.origins), _encode_origins(merged.superseded), merged.first_seen, unit_id))
                self.db.executemany(f"INSERT INTO units (id, {_UNIT_FIELDS}) VALUES (?, {_UNIT_VALUES})", inserts)
                self.db.executemany("UPDATE units SET origins = ?, superseded = ?, first_seen = ? WHERE id = ?", updates)
                self.db.executemany("INSERT OR REPLACE INTO import_state VALUES (?, ?, ?, ?, ?, ?, ?)", states)
                written = written or bool(inserts or updates)
            fresh = self.db.execute("SELECT id, locale, length, norm FROM units WHERE id >= ? ORDER BY id", (first,))
            new_postings = self._index(fresh, bulk=empty)
            counts.update(dict(self.db.execute(
                "SELECT u.locale, COUNT(*) FROM import_state s JOIN units u ON u.id = s.id"
                " WHERE u.origins != s.origins OR u.superseded != s.superseded OR u.first_seen != s.first_seen GROUP BY u.locale"
            ).fetchall()))  # fmt: skip
            self.db.execute("DELETE FROM import_state")
            if written:
                self._record_rows(new_postings)
        return counts

    def _import_state(self, unit_id: int, stored: TranslationUnit) -> tuple[TranslationUnit, TranslationUnit]:
        """A unit held before an import, as it was then, and what the import brought for it so far."""
        row = self.db.execute("SELECT * FROM import_state WHERE id = ?", (unit_id,)).fetchone()
        _, origins, superseded, first_seen, seen_origins, seen_superseded, seen_first_seen = row
        before = replace(stored, origins=_decode_origins(origins), superseded=_decode_origins(superseded), first_seen=first_seen)
        brought = replace(stored, origins=_decode_origins(seen_origins), superseded=_decode_origins(seen_superseded),
                          first_seen=seen_first_seen)  # fmt: skip
        return before, brought

    def _add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        batch = combine(units)
        known = self._known(list(batch))
        changed: list[TranslationUnit] = []
        inserts, updates = [], []
        for key, unit in batch.items():
            row = known.get(key)
            if row is None:
                locale, norm, norm_target = key
                inserts.append((locale, unit.source_locale, norm, norm_target, len(norm), unit.source, unit.target,
                                _encode_origins(unit.origins), _encode_origins(unit.superseded), unit.first_seen))  # fmt: skip
                changed.append(unit)
                continue
            unit_id, stored = row
            merged = merge_unit(stored, unit)
            if merged != stored:
                updates.append((_encode_origins(merged.origins), _encode_origins(merged.superseded), merged.first_seen, unit_id))
                changed.append(merged)
        self.db.executemany("UPDATE units SET origins = ?, superseded = ?, first_seen = ? WHERE id = ?", updates)
        first = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM units").fetchone()[0] + 1
        self.db.executemany(
            f"INSERT INTO units (id, {_UNIT_FIELDS}) VALUES (?, {_UNIT_VALUES})",
            [(first + n, *row) for n, row in enumerate(inserts)],
        )
        new_postings = self._index([(first + n, row[0], row[4], row[2]) for n, row in enumerate(inserts)])
        if updates or inserts:
            self._record_rows(new_postings)
        return changed

    def supersede(self, entries: Iterable[EntryState]) -> list[TranslationUnit]:
        """Apply what catalogue entries hold now: in an entry's domain, every *other* translation
        of its source that was current there is superseded there (its origins in that domain
        move to ``superseded``). Entries of one batch are one moment: translations that several
        entries of one domain hold (a compendium with contexts) are all current.

        Only translations differing from what some domain holds are fetched — a source with one
        translation, the usual case, costs nothing here.
        """
        held = held_translations(entries)
        if not held:
            return []
        with self._transaction():
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS held (locale TEXT, norm TEXT, domain TEXT, norm_target TEXT,"
                " PRIMARY KEY (locale, norm, domain, norm_target)) WITHOUT ROWID"
            )
            self.db.execute("DELETE FROM held")
            self.db.executemany(
                "INSERT INTO held VALUES (?, ?, ?, ?)",
                [(locale, norm, "\x1f".join(place), target) for (locale, norm), by in held.items() for place, targets in by.items() for target in targets],
            )
            rows = self.db.execute(
                f"SELECT DISTINCT u.id, u.norm, u.norm_target, {self._U_COLUMNS} FROM held h"
                " JOIN units u ON u.locale = h.locale AND u.norm = h.norm"
                " WHERE NOT EXISTS (SELECT 1 FROM held k WHERE k.locale = h.locale AND k.norm = h.norm"
                " AND k.domain = h.domain AND k.norm_target = u.norm_target)"
            ).fetchall()
            changed, updates = [], []
            for unit_id, norm, norm_target, *columns in rows:
                unit = self._unit(tuple(columns))
                replaced = supersede_unit(unit, norm_target, held[unit.target_locale, norm])
                if replaced is not None:
                    updates.append((_encode_origins(replaced.origins), _encode_origins(replaced.superseded), unit_id))
                    changed.append(replaced)
            self.db.executemany("UPDATE units SET origins = ?, superseded = ? WHERE id = ?", updates)
        return changed

    def _known(self, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[int, TranslationUnit]]:
        """The stored rows for a batch of identities, in one join rather than a query each."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS batch (locale TEXT, norm TEXT, norm_target TEXT)")
        self.db.execute("DELETE FROM batch")
        self.db.executemany("INSERT INTO batch VALUES (?, ?, ?)", keys)
        rows = self.db.execute(
            f"SELECT u.norm, u.norm_target, u.id, {self._U_COLUMNS} FROM batch b"
            " JOIN units u ON u.locale = b.locale AND u.norm = b.norm AND u.norm_target = b.norm_target"
        ).fetchall()
        return {(r[3], r[0], r[1]): (r[2], self._unit(r[3:])) for r in rows}

    def _index(self, fresh: Iterable[tuple[int, str, int, str]], bulk: bool = False) -> int:
        """Add the new units' words to the inverted index (document frequencies included) and
        their masks of common words.

        In a bulk load, words in more than 1/:data:`COMMON_SHARE` of the units are marked as not
        posted: their postings would be most of the index and never select a candidate; the
        :data:`MASK_BITS` commonest of them are recorded in each unit's mask instead. Words
        become token ids at once (an array per unit), so a million units cost arrays, not
        strings. Returns how many postings rows are new.
        """
        ids = itertools.count(self._next_token)
        vocabulary: dict[str, _Vocabulary] = {}
        posted: dict[int, bool] = {}
        bits: dict[int, int] = {}
        for key, token, flag, bit in self.db.execute("SELECT key, id, posted, bit FROM tokens"):
            locale, word = key.split("\x1f", 1)
            vocabulary.setdefault(locale, _Vocabulary(ids))[word] = token
            posted[token] = bool(flag)
            if bit >= 0:
                bits[token] = bit
        first_new = self._next_token
        counts: Counter[int] = Counter()
        unit_tokens: list[tuple[int, int, array[int], str]] = []
        for unit_id, locale, length, norm in fresh:
            known = vocabulary.get(locale)
            if known is None:
                known = vocabulary[locale] = _Vocabulary(ids)
            tokens = array(_UNIT_IDS, map(known.__getitem__, words(norm)))  # a new word takes the next id
            counts.update(tokens)
            unit_tokens.append((unit_id, length, tokens, locale))
        self._next_token = next(ids)
        if not unit_tokens:
            return 0
        names = {token: f"{locale}\x1f{word}" for locale, known in vocabulary.items() for word, token in known.items()}
        common = max(1000, len(unit_tokens) // COMMON_SHARE) if bulk else None
        for token in range(first_new, self._next_token):
            posted[token] = common is None or counts[token] <= common
        if common is not None:  # each locale's commonest get a bit of its units' masks (by name on ties: the same on every run)
            unposted = sorted((t for t in range(first_new, self._next_token) if not posted[t]), key=lambda t: (-counts[t], names[t]))
            for locale in vocabulary:
                prefix = f"{locale}\x1f"
                taken = {bit for token, bit in bits.items() if names[token].startswith(prefix)}
                mine = [t for t in unposted if names[t].startswith(prefix)]
                free = [bit for bit in range(MASK_BITS) if bit not in taken]
                bits.update(zip(mine, free))
                for token in mine[len(free):]:
                    posted[token] = True
        self.db.executemany(
            "INSERT INTO tokens (key, id, df, posted, bit) VALUES (?, ?, ?, ?, ?)",
            [(names[t], t, counts[t], int(posted[t]), bits.get(t, -1)) for t in range(first_new, self._next_token)],
        )
        self.db.executemany(
            "UPDATE tokens SET df = df + ? WHERE id = ?", [(c, t) for t, c in counts.items() if t < first_new]
        )
        unposted_tokens = {token for token, flag in posted.items() if not flag}
        groups: defaultdict[tuple[int, int], array[int]] = defaultdict(partial(array, _UNIT_IDS))
        rows: list[masks.Row] = []
        for unit_id, length, tokens, locale in unit_tokens:
            chosen = [t for t in tokens if t not in unposted_tokens] if unposted_tokens and len(tokens) > SHORT_UNIT else tokens
            for token in chosen:
                groups[token, length].append(unit_id)
            rows.append(masks.Row(unit_id, sum(1 << bits[t] for t in tokens if t in bits) if bits else 0, length, locale))
        new_rows = len(groups)
        if not bulk:  # append to the existing arrays (SQL's || would turn the bytes into text)
            for (token, length), group in groups.items():
                row = self.db.execute("SELECT units FROM postings WHERE token = ? AND length = ?", (token, length)).fetchone()
                if row is not None:
                    old = array(_UNIT_IDS)
                    old.frombytes(row[0])
                    groups[token, length] = old + group
                    new_rows -= 1
        self.db.executemany(
            "INSERT OR REPLACE INTO postings (token, length, units) VALUES (?, ?, ?)",
            ((token, length, groups[token, length].tobytes()) for token, length in sorted(groups)),  # keys alone sort fast
        )
        masks.write(self.db, rows, max(unit_id for unit_id, _, _, _ in unit_tokens))
        return new_rows

    def _unit_masks(self) -> masks.UnitMasks:
        """Every unit's mask of common words (:mod:`.masks`): read once, and again after any write
        (this connection's or another process's), which changes the recorded row counts."""
        stamp = (self.meta(_ROWS), self.meta(_CLEARED))
        if self._masks is None or stamp != self._masks_stamp:
            self._masks, self._masks_stamp = masks.UnitMasks.read(self.db), stamp
            self._texts.clear()
        return self._masks

    def _candidate_texts(self, ids: list[int]) -> list[str]:
        """The normalized source texts of ``ids``, in order (read after :meth:`_unit_masks`,
        which drops what is held when the index changed; a unit's text never changes under its
        id, and ids are never reused but by :meth:`clear`)."""
        held = self._texts
        try:
            return [held[unit] for unit in ids]
        except KeyError:
            pass
        missing = [unit for unit in ids if unit not in held]
        if len(held) + len(missing) > HELD_TEXTS:
            held.clear()
            missing = ids
        for chunk in range(0, len(missing), 500):
            part = missing[chunk : chunk + 500]
            held.update(self.db.execute(f"SELECT id, norm FROM units WHERE id IN ({','.join('?' * len(part))})", part))
        return [held.get(unit, "") for unit in ids]

    def _unit(self, row: tuple[str, ...]) -> TranslationUnit:
        locale, source_locale, source, target, origins, first_seen, superseded = row
        return TranslationUnit(source, target, source_locale, locale, _decode_origins(origins), first_seen,
                               _decode_origins(superseded))  # fmt: skip

    _COLUMNS = "locale, source_locale, source, target, origins, first_seen, superseded"
    _U_COLUMNS = ", ".join(f"u.{name}" for name in _COLUMNS.split(", "))

    def lookup_exact(self, text: str, target_locale: str) -> list[TranslationUnit]:
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM units WHERE locale = ? AND norm = ? ORDER BY norm_target",
            (target_locale, normalize(text)),
        ).fetchall()
        return [self._unit(r) for r in rows]

    def lookup_fuzzy(self, text: str, target_locale: str, min_score: float = 75, limit: int = 5) -> list[Candidate]:
        query = normalize(text)
        if not query:
            return []
        low, high = length_bounds(len(query), min_score)
        keys = [f"{target_locale}\x1f{w}" for w in words(query)]
        rows = []
        for chunk in range(0, len(keys), 500):
            part = keys[chunk : chunk + 500]
            rows += self.db.execute(
                f"SELECT id, df, posted, bit FROM tokens WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
        posted = [(token, df) for token, df, flag, _ in rows if flag]
        common = sum(1 << bit for _, _, flag, bit in rows if not flag and bit >= 0)
        if len(posted) < 2:  # a short text of common words: only short units can match it (all their words are posted)
            posted, common = [(token, df) for token, df, _, _ in rows], 0
        blobs: list[bytes] = []
        fetched, used = 0, 0
        for token, _ in sorted(posted, key=lambda r: r[1])[:RAREST_WORDS]:
            if used >= MIN_WORDS and fetched >= POSTINGS_BUDGET:
                break
            rows = self.db.execute(
                "SELECT units FROM postings WHERE token = ? AND length BETWEEN ? AND ?", (token, low, high)
            ).fetchall()
            blobs += [blob for (blob,) in rows]
            fetched += sum(len(blob) for (blob,) in rows) // _ID_SIZE
            used += 1
        pool = np.frombuffer(b"".join(blobs), _ID_DTYPE)
        chosen = self._unit_masks().best_sharing(pool, common, target_locale, low, high, CANDIDATES) if common or pool.size else []
        if not chosen:
            return []
        texts = self._candidate_texts(chosen)
        best = process.extract(query, texts, scorer=fuzz.ratio, score_cutoff=min_score, limit=limit + 10)
        if not best:
            return []
        similarity = {chosen[index]: score for _, score, index in best}
        norms = {chosen[index]: text for text, _, index in best}
        found = self.db.execute(
            f"SELECT id, {self._COLUMNS} FROM units WHERE id IN ({','.join('?' * len(similarity))})", list(similarity)
        ).fetchall()
        found.sort(key=lambda row: (-similarity[row[0]], norms[row[0]], row[4]))  # row[4]: the target
        return [Candidate(self._unit(row[1:]), similarity[row[0]]) for row in found[:limit]]

    def concordance(self, query: ConcordanceQuery, target_locale: str, limit: int = 50) -> list[TranslationUnit]:
        """Candidates from the word index when a term has a posted word (its postings list every
        unit that has it), else a ``LIKE`` scan of the locale; each checked by ``query``."""
        if not query.terms:
            return []
        column = "norm" if query.field == SOURCE else "norm_target"
        ids: set[int] | None = None
        if query.field == SOURCE:
            keys = sorted({f"{target_locale}\x1f{w}" for term in query.terms for w in words(term)})
            rows = self.db.execute(f"SELECT id, posted FROM tokens WHERE key IN ({','.join('?' * len(keys))})", keys).fetchall() if keys else []
            if len(rows) < len(keys):
                return []  # a word no unit of the locale has
            for token, posted in rows:
                if not posted:
                    continue
                found = array(_UNIT_IDS)
                found.frombytes(b"".join(blob for (blob,) in self.db.execute("SELECT units FROM postings WHERE token = ?", (token,))))
                ids = set(found) if ids is None else ids & set(found)
        if ids is not None:
            chosen = sorted(ids)
            found_rows = []
            for chunk in range(0, len(chosen), 500):
                part = chosen[chunk : chunk + 500]
                found_rows += self.db.execute(
                    f"SELECT {column}, {self._COLUMNS} FROM units WHERE id IN ({','.join('?' * len(part))})", part
                ).fetchall()
        else:
            likes = " AND ".join(f"{column} LIKE ? ESCAPE '\\'" for _ in query.terms)
            found_rows = self.db.execute(
                f"SELECT {column}, {self._COLUMNS} FROM units WHERE locale = ? AND {likes}", (target_locale, *query.like_patterns())
            ).fetchall()
        units = [self._unit(row[1:]) for row in found_rows if row[1] == target_locale and query.matches(row[0])]
        return ordered(units, query)[:limit]

    def iterate(self, target_locale: str | None = None) -> Iterator[TranslationUnit]:
        if target_locale is None:
            rows = self.db.execute(f"SELECT {self._COLUMNS} FROM units ORDER BY locale, norm, norm_target")
        else:
            rows = self.db.execute(f"SELECT {self._COLUMNS} FROM units WHERE locale = ? ORDER BY norm, norm_target", (target_locale,))
        for row in rows:
            yield self._unit(row)

    def stats(self) -> MemoryStats:
        rows = self.db.execute(
            f"SELECT locale, COUNT(*), SUM(origins != '{_NONE}'), SUM(origins = '{_NONE}' AND superseded != '{_NONE}')"
            " FROM units GROUP BY locale ORDER BY locale"
        ).fetchall()
        ambiguous = dict(self.db.execute(
            f"SELECT locale, COUNT(*) FROM (SELECT locale FROM units WHERE origins != '{_NONE}'"
            " GROUP BY locale, norm HAVING COUNT(*) > 1) GROUP BY locale"
        ).fetchall())  # fmt: skip
        locales = {
            locale: LocaleFigures(total, current, total - current - superseded, superseded, ambiguous.get(locale, 0))
            for locale, total, current, superseded in rows
        }
        return MemoryStats({locale: f.units for locale, f in locales.items()}, self.path, locales, self.in_memory)

    def clear(self) -> None:
        for table in ("units", "tokens", "postings", "masks", "harvested"):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
        self._next_token = 1
        self.set_meta(_ROWS, json.dumps({"units": 0, "tokens": 0, "postings": 0, "masks": 0}, sort_keys=True))
        self.set_meta(_CLEARED, str(int(self.meta(_CLEARED) or 0) + 1))


_UNIT_FIELDS = "locale, source_locale, norm, norm_target, length, source, target, origins, superseded, first_seen"
_UNIT_VALUES = ", ".join("?" * len(_UNIT_FIELDS.split(", ")))


def combine(units: Iterable[TranslationUnit]) -> dict[tuple[str, str, str], TranslationUnit]:
    """One unit per identity, with every origin and superseded record of the batch and the
    earliest date (a sentence repeated across a site is harvested many times in one update)."""
    combined: dict[tuple[str, str, str], TranslationUnit] = {}
    repeated: dict[tuple[str, str, str], list[TranslationUnit]] = {}
    for unit in units:
        key = unit.key
        if not key[1] or not key[2]:
            continue
        first = combined.get(key)
        if first is None:
            combined[key] = unit
        else:
            repeated.setdefault(key, [first]).append(unit)
    for key, unit in combined.items():
        group = repeated.get(key)
        if group is None and len(unit.origins) < 2 and not unit.superseded:
            continue  # seen once, nothing to sort or drop: the unit as it is (most units)
        combined[key] = _combined(group or [unit])
    return combined


def _combined(group: list[TranslationUnit]) -> TranslationUnit:
    """The units of one identity as one: every origin, the superseded records of places none of
    them is current in, the earliest date, the first one's texts."""
    origins: set[Origin] = set()
    superseded: set[Origin] = set()
    seen = ""
    for unit in group:
        origins.update(unit.origins)
        superseded.update(unit.superseded)
        seen = earliest(seen, unit.first_seen) if seen else unit.first_seen
    places = {o.place for o in origins}
    replaced = sorted_origins(o for o in superseded if o.place not in places)
    first = group[0]
    return TranslationUnit(first.source, first.target, first.source_locale, first.target_locale, sorted_origins(origins), seen, replaced)


def merge_origins(known: tuple[Origin, ...], seen: tuple[Origin, ...]) -> tuple[Origin, ...]:
    """A pair seen again in a domain replaces that domain's old origins; other domains stay."""
    places = {o.place for o in seen}
    return sorted_origins({o for o in known if o.place not in places} | set(seen))


def merge_unit(stored: TranslationUnit, seen: TranslationUnit) -> TranslationUnit:
    """A stored unit seen again: origins merged by domain, the earliest date kept (a catalogue
    saved again does not make its translations newer), superseded records merged — and a
    translation current again in a domain is no longer superseded there."""
    origins = merge_origins(stored.origins, seen.origins)
    places = {o.place for o in origins}
    superseded = tuple(o for o in merge_origins(stored.superseded, seen.superseded) if o.place not in places)
    return TranslationUnit(stored.source, stored.target, stored.source_locale, stored.target_locale, origins,
                           earliest(stored.first_seen, seen.first_seen), superseded)  # fmt: skip


def held_translations(entries: Iterable[EntryState]) -> dict[tuple[str, str], dict[tuple[str, str], set[str]]]:
    """What a batch of catalogue entries holds: (locale, normalized source) → place → normalized
    targets. Entries of one batch are one moment: all they hold is current."""
    held: dict[tuple[str, str], dict[tuple[str, str], set[str]]] = {}
    for entry in entries:
        norm, target = normalize(entry.source), normalize(entry.target)
        if norm and target:
            held.setdefault((entry.target_locale, norm), {}).setdefault(entry.place, set()).add(target)
    return held


def supersede_unit(unit: TranslationUnit, norm_target: str, held: dict[tuple[str, str], set[str]]) -> TranslationUnit | None:
    """``unit`` (of a source ``held`` is about) with its origins moved to ``superseded`` in every
    place that holds another translation now; ``None`` if nothing moves."""
    places = {place for place, targets in held.items() if norm_target not in targets}
    moved = tuple(o for o in unit.origins if o.place in places)
    if not moved:
        return None
    kept = tuple(o for o in unit.origins if o.place not in places)
    return TranslationUnit(unit.source, unit.target, unit.source_locale, unit.target_locale, kept, unit.first_seen,
                           merge_origins(unit.superseded, moved))  # fmt: skip
