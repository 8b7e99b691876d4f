"""Which common words each unit has, and the fuzzy candidates ranked by every word they share.

Why: the word index has no postings for words in more than a tenth of the units ("the",
"your", "doctor" in a medical memory) — they would be most of the index — so the query's rarer
words alone select candidates. A stored sentence that shares the query's frame but not its
content words ("Tell your doctor if you have kidney problems…" for "…liver problems…") shares
few of those; ranked by them it drowns among thousands of units that share one rare word.
Each unit therefore keeps a 64-bit mask of which of its locale's commonest words it has, with
its length and locale, in arrays by unit id (one SQLite row per :data:`CHUNK` ids). A lookup
counts, for every unit of the locale in the length band (a slice: the arrays are kept in order
of length, per locale), the common words it shares with the query (a popcount, in C), adds the
rare words it shares (from the postings), and hands the best to rapidfuzz.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

BITS = 64
"""How many of a locale's commonest words a mask records."""
CHUNK = 1 << 16
"""Ids per stored row: a million units are 16 rows."""
_MASK = np.dtype("<u8")
_LENGTH = np.dtype("<u4")
_LOCALE = np.dtype("<u2")
LOCALES_KEY = "mask_locales"
"""The meta key listing the locales in the order their numbers in the arrays refer to."""


@dataclass(frozen=True, slots=True)
class Row:
    """What one new unit contributes."""

    unit_id: int
    mask: int
    length: int
    locale: str


def locale_numbers(db: sqlite3.Connection) -> list[str]:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (LOCALES_KEY,)).fetchone()
    return list(json.loads(row[0])) if row else []


def write(db: sqlite3.Connection, rows: list[Row], last_id: int) -> None:
    """Store new units' rows, every chunk up to ``last_id`` full-sized (ids are dense; an id with
    no row — a gap — is a unit of no locale, never a candidate)."""
    names = locale_numbers(db)
    for locale in sorted({row.locale for row in rows} - set(names)):
        names.append(locale)
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (LOCALES_KEY, json.dumps(names)))
    number = {locale: n + 1 for n, locale in enumerate(names)}  # 0: no unit
    by_chunk: defaultdict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_chunk[row.unit_id // CHUNK].append(row)
    stored = dict(db.execute("SELECT chunk, length(bits) FROM masks").fetchall())
    updates = []
    for chunk in range(last_id // CHUNK + 1):
        size = min(CHUNK, last_id - chunk * CHUNK + 1)
        if chunk not in by_chunk and stored.get(chunk, 0) >= size * _MASK.itemsize:
            continue
        masks, lengths, locales = np.zeros(size, _MASK), np.zeros(size, _LENGTH), np.zeros(size, _LOCALE)
        old = db.execute("SELECT bits, lengths, locales FROM masks WHERE chunk = ?", (chunk,)).fetchone() if chunk in stored else None
        if old is not None:
            columns: tuple[np.ndarray, np.ndarray, np.ndarray] = (masks, lengths, locales)
            for values, blob in zip(columns, old):
                kept = np.frombuffer(blob, values.dtype)[:size]
                values[: len(kept)] = kept
        for row in by_chunk.get(chunk, ()):
            slot = row.unit_id % CHUNK
            masks[slot], lengths[slot], locales[slot] = row.mask, min(row.length, 0xFFFFFFFF), number[row.locale]
        updates.append((chunk, masks.tobytes(), lengths.tobytes(), locales.tobytes()))
    db.executemany("INSERT OR REPLACE INTO masks (chunk, bits, lengths, locales) VALUES (?, ?, ?, ?)", updates)


@dataclass
class _Band:
    """One locale's units in order of length (ties by id), for slicing a length band."""

    ids: np.ndarray
    lengths: np.ndarray
    masks: np.ndarray
    position: np.ndarray
    """By unit id: where the unit stands in ``ids`` (-1: another locale's)."""


@dataclass
class UnitMasks:
    """Every unit's mask, length and locale number, by unit id, as last read."""

    masks: np.ndarray
    lengths: np.ndarray
    locales: np.ndarray
    names: list[str]
    _bands: dict[str, _Band] = field(default_factory=dict)

    @classmethod
    def read(cls, db: sqlite3.Connection) -> UnitMasks:
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [
            (np.frombuffer(bits, _MASK), np.frombuffer(lengths, _LENGTH), np.frombuffer(locales, _LOCALE))
            for bits, lengths, locales in db.execute("SELECT bits, lengths, locales FROM masks ORDER BY chunk")
        ]
        if not parts:
            return cls(np.zeros(0, _MASK), np.zeros(0, _LENGTH), np.zeros(0, _LOCALE), [])
        masks, lengths, locales = (np.concatenate(column) for column in zip(*parts))
        return cls(masks, lengths, locales, locale_numbers(db))

    def _band(self, locale: str) -> _Band | None:
        band = self._bands.get(locale)
        if band is None and locale in self.names:
            ids = np.flatnonzero(self.locales == self.names.index(locale) + 1)
            ids = ids[np.argsort(self.lengths[ids], kind="stable")]
            position = np.full(len(self.masks), -1, np.int64)
            position[ids] = np.arange(len(ids))
            band = self._bands[locale] = _Band(ids, self.lengths[ids], self.masks[ids], position)
        return band

    def best_sharing(self, pool: np.ndarray, common: int, locale: str, low: int, high: int, k: int) -> list[int]:
        """The ``k`` units of ``locale`` with a length in ``[low, high]`` sharing most words with
        the query, by id: ``pool`` holds a unit once per rare word it shares (the postings
        fetched), ``common`` is the query's mask. A unit sharing no word is never chosen; ties
        at the cut go to the lower id, so the choice is the same on every machine and numpy."""
        units, shared = np.unique(pool, return_counts=True)
        band = self._band(locale) if common else None
        if band is None:  # nothing common to count: the rare words decide
            return _top(units, shared.astype(np.int64), k)
        start, stop = np.searchsorted(band.lengths, [low, high + 1])
        scores = np.bitwise_count(band.masks[start:stop] & np.uint64(common))  # uint8: at most 64 + the rare words
        known = units < len(band.position)  # a unit another process added since the masks were read: rare words only
        where = band.position[units[known]] - start
        inside = (where >= 0) & (where < len(scores))
        scores[where[inside]] += shared[known][inside].astype(scores.dtype)
        chosen = _top(band.ids[start:stop], scores, k)
        late = units[~known]
        return sorted(chosen + [int(u) for u in late]) if len(late) else chosen


def _top(ids: np.ndarray, scores: np.ndarray, k: int) -> list[int]:
    """The ids of the ``k`` highest positive scores, the lower id first among equals (scores are
    small non-negative integers: the cut comes from their histogram, one pass over them)."""
    if np.count_nonzero(scores) <= k:
        return np.sort(ids[scores > 0]).tolist()
    at_least = np.cumsum(np.bincount(scores)[::-1])[::-1]  # at_least[s]: how many score s or more
    cut = int(np.flatnonzero(at_least >= k)[-1])  # ≥ 1: more than k are positive
    picked = np.flatnonzero(scores >= cut)
    ids, scores = ids[picked], scores[picked]
    above, tied = ids[scores > cut], ids[scores == cut]
    need = k - len(above)  # > 0: fewer than k score above the cut
    if need < len(tied):
        tied = np.partition(tied, need - 1)[:need]
    return np.sort(np.concatenate((above, tied))).tolist()
