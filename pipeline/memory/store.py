"""The memory's lookup index: a SQLite database derived from the TMX files, behind a small interface.

Principles:

- The TMX files under ``locale/tm/`` are the memory; this database is a cache of them, kept out
  of git. It records a fingerprint of the files it was built from and is rebuilt when they
  change, when its schema is older, or when SQLite finds it damaged — never trusted blindly.
- Callers see :class:`MemoryBackend`, a ``Protocol`` of five operations (add, exact lookup, fuzzy
  top-k, iterate, stats), so another backend — a shared PostgreSQL server with ``pg_trgm`` for a
  team whose memory outgrows one machine — can be added without touching them.
- Fuzzy lookup never scans the memory. Candidates come from an inverted index of the source's
  words — one row per word and text length holding an array of unit ids — restricted to the
  lengths that can reach the minimum score (``ratio ≥ t`` bounds the length ratio to
  ``[t/(2-t), (2-t)/t]``), using the query's rarest words first, within a budget of postings;
  the units sharing most of them are scored with rapidfuzz's edit-distance ratio.
- Writes happen in a transaction: :meth:`SQLiteMemory.pending` lets ``update`` add harvested
  units, plan with them, and commit only once the TMX files are written (``check`` rolls back).
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from rapidfuzz import fuzz, process

from .units import Origin, TranslationUnit, normalize

SCHEMA_VERSION = "4"
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
class MemoryStats:
    units: dict[str, int]
    """Units per target locale."""
    path: str


class MemoryBackend(Protocol):
    """What the rest of translatio needs from a translation memory store."""

    def add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        """Store units (merging origins of known pairs); returns those new or changed."""
        ...

    def lookup_exact(self, text: str, target_locale: str) -> list[TranslationUnit]:
        """Units whose normalized source equals the normalized ``text``."""
        ...

    def lookup_fuzzy(self, text: str, target_locale: str, min_score: float, limit: int) -> list[Candidate]:
        """The ``limit`` most similar units scoring at least ``min_score``, best first."""
        ...

    def iterate(self, target_locale: str | None = None) -> Iterator[TranslationUnit]:
        """Every unit (of one target locale), in a stable order."""
        ...

    def stats(self) -> MemoryStats: ...


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
    last_seen TEXT NOT NULL,
    UNIQUE (locale, norm, norm_target)
);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE, df INTEGER NOT NULL, posted INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postings (
    token INTEGER NOT NULL, length INTEGER NOT NULL, units BLOB NOT NULL,
    PRIMARY KEY (token, length)
) WITHOUT ROWID;
"""
_UNIT_IDS = "I"
"""Postings are arrays of unit ids (``array('I')``), one row per word and text length: a few
thousand rows hold what would be millions of (word, unit) rows."""
_ID_SIZE = array(_UNIT_IDS).itemsize


def _encode_origins(origins: tuple[Origin, ...]) -> str:
    return json.dumps([[o.domain, o.reference, o.context] for o in origins], ensure_ascii=False)


def _decode_origins(text: str) -> tuple[Origin, ...]:
    return tuple(Origin(*item) for item in json.loads(text))


class SQLiteMemory:
    """The default backend: one SQLite file, WAL mode, an inverted word index for candidates."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self._next_token = (self.db.execute("SELECT COALESCE(MAX(id), 0) FROM tokens").fetchone()[0]) + 1

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
        """A quick structural check; a damaged file is rebuilt by the caller."""
        try:
            row = self.db.execute("PRAGMA quick_check").fetchone()
            return bool(row) and row[0] == "ok" and self.meta("schema") == SCHEMA_VERSION
        except sqlite3.DatabaseError:
            return False

    @contextmanager
    def pending(self) -> Iterator[SQLiteMemory]:
        """A transaction: rolled back unless :meth:`commit` is called inside it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        finally:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self._next_token = (self.db.execute("SELECT COALESCE(MAX(id), 0) FROM tokens").fetchone()[0]) + 1

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

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
            (n, u.target_locale, u.source_locale, k[1], k[2], len(k[1]), u.source, u.target, _encode_origins(u.origins), u.last_seen)
            for n, (k, u) in enumerate(sorted(merged.items()), start=1)
        ]
        with self._transaction():
            self.clear()
            self.db.executemany(
                "INSERT INTO units (id, locale, source_locale, norm, norm_target, length, source, target, origins, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._index([(r[0], r[1], r[5], r[3]) for r in rows], bulk=True)
        return len(rows)

    def add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        with self._transaction():
            if self.db.execute("SELECT 1 FROM units LIMIT 1").fetchone() is None:
                batch = combine(units)  # an empty memory (a first import): the fast path
                self.bulk_load(batch.values())
                return list(batch.values())
            return self._add(units)

    def _add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        batch = combine(units)
        known = self._known(list(batch))
        changed: list[TranslationUnit] = []
        inserts, updates = [], []
        for key, unit in batch.items():
            row = known.get(key)
            if row is None:
                locale, norm, norm_target = key
                inserts.append((locale, unit.source_locale, norm, norm_target, len(norm), unit.source, unit.target, _encode_origins(unit.origins), unit.last_seen))
                changed.append(unit)
                continue
            unit_id, encoded, last = row
            old = _decode_origins(encoded)
            merged, seen = merge_origins(old, unit.origins), max(last, unit.last_seen)
            if merged != old or seen != last:
                updates.append((_encode_origins(merged), seen, unit_id))
                changed.append(unit)
        self.db.executemany("UPDATE units SET origins = ?, last_seen = ? WHERE id = ?", updates)
        first = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM units").fetchone()[0] + 1
        self.db.executemany(
            "INSERT INTO units (id, locale, source_locale, norm, norm_target, length, source, target, origins, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + n, *row) for n, row in enumerate(inserts)],
        )
        self._index([(first + n, row[0], row[4], row[2]) for n, row in enumerate(inserts)])
        return changed

    def _known(self, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[int, str, str]]:
        """The stored rows for a batch of identities, in one join rather than a query each."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS batch (locale TEXT, norm TEXT, norm_target TEXT)")
        self.db.execute("DELETE FROM batch")
        self.db.executemany("INSERT INTO batch VALUES (?, ?, ?)", keys)
        rows = self.db.execute(
            "SELECT u.locale, u.norm, u.norm_target, u.id, u.origins, u.last_seen FROM batch b"
            " JOIN units u ON u.locale = b.locale AND u.norm = b.norm AND u.norm_target = b.norm_target"
        ).fetchall()
        return {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in rows}

    def _index(self, fresh: list[tuple[int, str, int, str]], bulk: bool = False) -> None:
        """Add the new units' words to the inverted index (document frequencies included).

        In a bulk load, words in more than 1/:data:`COMMON_SHARE` of the units are marked as not
        posted: their postings would be most of the index and never select a candidate. Words
        become token ids at once (an array per unit), so a million units cost arrays, not
        strings.
        """
        if not fresh:
            return
        vocabulary: dict[str, dict[str, int]] = {}
        posted: dict[int, bool] = {}
        for key, token, flag in self.db.execute("SELECT key, id, posted FROM tokens"):
            locale, word = key.split("\x1f", 1)
            vocabulary.setdefault(locale, {})[word] = token
            posted[token] = bool(flag)
        first_new = self._next_token
        counts: Counter[int] = Counter()
        unit_tokens: list[tuple[int, int, array[int]]] = []
        for unit_id, locale, length, norm in fresh:
            known = vocabulary.setdefault(locale, {})
            tokens = array(_UNIT_IDS)
            for word in words(norm):
                token = known.get(word)
                if token is None:
                    token = known[word] = self._next_token
                    self._next_token += 1
                tokens.append(token)
            counts.update(tokens)
            unit_tokens.append((unit_id, length, tokens))
        common = max(1000, len(fresh) // COMMON_SHARE) if bulk else None
        for token in range(first_new, self._next_token):
            posted[token] = common is None or counts[token] <= common
        names = {token: f"{locale}\x1f{word}" for locale, known in vocabulary.items() for word, token in known.items()}
        self.db.executemany(
            "INSERT INTO tokens (key, id, df, posted) VALUES (?, ?, ?, ?)",
            [(names[t], t, counts[t], int(posted[t])) for t in range(first_new, self._next_token)],
        )
        self.db.executemany(
            "UPDATE tokens SET df = df + ? WHERE id = ?", [(c, t) for t, c in counts.items() if t < first_new]
        )
        groups: dict[tuple[int, int], array[int]] = {}
        for unit_id, length, tokens in unit_tokens:
            short = len(tokens) <= SHORT_UNIT
            for token in tokens:
                if posted[token] or short:
                    group = groups.get((token, length))
                    if group is None:
                        group = groups[token, length] = array(_UNIT_IDS)
                    group.append(unit_id)
        if not bulk:  # append to the existing arrays (SQL's || would turn the bytes into text)
            for (token, length), group in groups.items():
                row = self.db.execute("SELECT units FROM postings WHERE token = ? AND length = ?", (token, length)).fetchone()
                if row is not None:
                    old = array(_UNIT_IDS)
                    old.frombytes(row[0])
                    groups[token, length] = old + group
        self.db.executemany(
            "INSERT OR REPLACE INTO postings (token, length, units) VALUES (?, ?, ?)",
            ((token, length, group.tobytes()) for (token, length), group in sorted(groups.items())),
        )

    def _unit(self, row: tuple[str, str, str, str, str, str]) -> TranslationUnit:
        locale, source_locale, source, target, origins, last_seen = row
        return TranslationUnit(source, target, source_locale, locale, _decode_origins(origins), last_seen)

    _COLUMNS = "locale, source_locale, source, target, origins, last_seen"

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
                f"SELECT id, df, posted FROM tokens WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
        posted = [(token, df) for token, df, flag in rows if flag]
        if len(posted) < 2:  # a short text of common words: only short units can match it
            posted = [(token, df) for token, df, _ in rows]
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
        ids = array(_UNIT_IDS)
        ids.frombytes(b"".join(blobs))
        hits = Counter(ids)  # counted in C, one pass over every posting fetched
        if not hits:
            return []
        # Ties keep first-seen order: units from the rarest word's postings come first.
        chosen = [unit for unit, _ in hits.most_common(CANDIDATES)]
        texts = dict(self.db.execute(f"SELECT id, norm FROM units WHERE id IN ({','.join('?' * len(chosen))})", chosen))
        best = process.extract(query, texts, scorer=fuzz.ratio, score_cutoff=min_score, limit=limit + 10)
        if not best:
            return []
        similarity = {key: score for _, score, key in best}
        found = self.db.execute(
            f"SELECT id, {self._COLUMNS} FROM units WHERE id IN ({','.join('?' * len(similarity))})", list(similarity)
        ).fetchall()
        scored = [Candidate(self._unit(row[1:]), similarity[row[0]]) for row in found]
        scored.sort(key=lambda c: (-c.similarity, normalize(c.unit.source), c.unit.target))
        return scored[:limit]

    def iterate(self, target_locale: str | None = None) -> Iterator[TranslationUnit]:
        if target_locale is None:
            rows = self.db.execute(f"SELECT {self._COLUMNS} FROM units ORDER BY locale, norm, norm_target")
        else:
            rows = self.db.execute(f"SELECT {self._COLUMNS} FROM units WHERE locale = ? ORDER BY norm, norm_target", (target_locale,))
        for row in rows:
            yield self._unit(row)

    def stats(self) -> MemoryStats:
        counts = dict(self.db.execute("SELECT locale, COUNT(*) FROM units GROUP BY locale ORDER BY locale").fetchall())
        return MemoryStats(counts, self.path)

    def clear(self) -> None:
        for table in ("units", "tokens", "postings", "harvested"):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
        self._next_token = 1


def combine(units: Iterable[TranslationUnit]) -> dict[tuple[str, str, str], TranslationUnit]:
    """One unit per identity, with every origin of the batch and the latest ``last_seen``
    (a sentence repeated across a site is harvested many times in one update)."""
    first: dict[tuple[str, str, str], TranslationUnit] = {}
    origins: dict[tuple[str, str, str], set[Origin]] = {}
    seen: dict[tuple[str, str, str], str] = {}
    for unit in units:
        key = unit.key
        if not key[1] or not key[2]:
            continue
        if key not in first:
            first[key], origins[key], seen[key] = unit, set(unit.origins), unit.last_seen
        else:
            origins[key].update(unit.origins)
            seen[key] = max(seen[key], unit.last_seen)
    return {
        key: TranslationUnit(unit.source, unit.target, unit.source_locale, unit.target_locale, _sorted(origins[key]), seen[key])
        for key, unit in first.items()
    }


def _sorted(origins: Iterable[Origin]) -> tuple[Origin, ...]:
    return tuple(sorted(origins, key=lambda o: (o.domain, o.reference, o.context)))


def merge_origins(known: tuple[Origin, ...], seen: tuple[Origin, ...]) -> tuple[Origin, ...]:
    """A pair seen again in a domain replaces that domain's old origins; other domains stay."""
    domains = {o.domain for o in seen}
    return _sorted({o for o in known if o.domain not in domains} | set(seen))
