"""Candidate stages for fuzzy lookup, side by side: what recall each reaches against brute force.

Why this exists: the memory's fuzzy lookup never scores every unit; a candidate stage picks a
few hundred and rapidfuzz scores those. Its recall — how often brute force's best match
(``fuzz.ratio`` over every stored source, score ≥ 75) is among the candidates — is what a
translator loses or keeps. ``bench/memory.py`` measures the shipped index end to end; this
script measures the *designs*, in memory, on the same synthetic sentences and queries (half
edited copies of stored sentences, half unseen sentences), so that a choice between them rests
on figures:

- ``rare words``: the query's rarest words (at most 12, a budget of 15,000 postings), units
  ranked by how many of those words they share — the index before 2026-12-02;
- ``rare words + bigrams``: the same with adjacent word pairs as features too;
- ``rare words, ranked by all words``: the same pool, ranked by every word shared, the common
  words through a 64-bit mask per unit — what the PostgreSQL backend does (by a signature);
- ``all words in the band``: every unit in the length band ranked by the words it shares (the
  common ones by mask, the rare ones from the pool) — a dense scan of the masks, what the SQLite
  index does;
- ``signature scan``: every unit in the band ranked by a 256-bit signature of all its words;
- ``word-level rapidfuzz``: every unit in the band ranked by ``fuzz.ratio`` over word ids.

Each stage hands its best ``--candidates`` units to rapidfuzz, as the index does. Times are
this script's (Python and numpy, not tuned), for comparing stages with one another only.

Run::

    python bench/candidates.py --units 100000        # a few minutes
    python bench/candidates.py --units 1000000       # half an hour, ~6 GB
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from memory import MIN_SCORE, SEED, SentenceGenerator, brute_force, make_queries  # noqa: E402

from pipeline.memory.store import COMMON_SHARE, MASK_BITS, POSTINGS_BUDGET, RAREST_WORDS, SHORT_UNIT, length_bounds  # noqa: E402
from pipeline.memory.units import normalize  # noqa: E402

_WORD = re.compile(r"\w+")
Stage = Callable[[str, int, int], np.ndarray]
"""(normalized query, low length, high length) → the candidate unit numbers."""


class Corpus:
    """The stored sources and the structures every stage draws on, built once."""

    def __init__(self, sources: Sequence[str], candidates: int) -> None:
        self.norm = [normalize(s) for s in sources]
        self.k = candidates
        self.words = [frozenset(_WORD.findall(t.lower())) for t in self.norm]
        self.lengths = np.array([len(t) for t in self.norm], dtype=np.int64)
        self.df = Counter(w for ws in self.words for w in ws)
        common = max(1000, len(self.norm) // COMMON_SHARE)
        self.bit = {w: 1 << i for i, (w, n) in enumerate(self.df.most_common(MASK_BITS)) if n > common}
        self.masks = np.array([sum(self.bit.get(w, 0) for w in ws) for ws in self.words], dtype=np.uint64)
        self.postings: defaultdict[str, defaultdict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for n, ws in enumerate(self.words):
            for w in ws:
                if w not in self.bit or len(ws) <= SHORT_UNIT:
                    self.postings[w][int(self.lengths[n])].append(n)
        self._bigrams: dict[str, list[int]] | None = None

    def rare_pool(self, query: str, low: int, high: int, features: Callable[[str], set[str]] | None = None) -> np.ndarray:
        """Unit numbers, once per rare feature shared (the index's postings walk)."""
        postings, df = (self.postings, self.df) if features is None else self._feature_index(features)
        chosen = sorted((f for f in (features or _words)(query) if f in df and f not in self.bit), key=df.__getitem__)
        ids: list[int] = []
        for used, feature in enumerate(chosen[:RAREST_WORDS]):
            if used >= 4 and len(ids) >= POSTINGS_BUDGET:
                break
            for length, units in postings[feature].items():
                if low <= length <= high:
                    ids += units
        return np.array(ids, dtype=np.int64)

    def _feature_index(self, features: Callable[[str], set[str]]) -> tuple[defaultdict[str, defaultdict[int, list[int]]], Counter[str]]:
        if self._bigrams is None:
            index: defaultdict[str, defaultdict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
            df: Counter[str] = Counter()
            for n, text in enumerate(self.norm):
                for f in features(text):
                    if f not in self.bit:
                        index[f][int(self.lengths[n])].append(n)
                        df[f] += 1
            self._bigrams = (index, df)  # type: ignore[assignment]
        return self._bigrams  # type: ignore[return-value]

    def top(self, units: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if len(units) <= self.k:
            return units
        return units[np.argpartition(scores, len(scores) - self.k)[len(scores) - self.k :]]


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _words_and_bigrams(text: str) -> set[str]:
    ws = _WORD.findall(text.lower())
    return set(ws) | {f"{a} {b}" for a, b in zip(ws, ws[1:])}


def _query_mask(corpus: Corpus, query: str) -> np.uint64:
    return np.uint64(sum(corpus.bit.get(w, 0) for w in _words(query)))


def stages(corpus: Corpus) -> dict[str, Stage]:
    band = lambda low, high: np.flatnonzero((corpus.lengths >= low) & (corpus.lengths <= high))  # noqa: E731

    def rare_words(query: str, low: int, high: int) -> np.ndarray:
        units, shared = np.unique(corpus.rare_pool(query, low, high), return_counts=True)
        return corpus.top(units, shared)

    def rare_and_bigrams(query: str, low: int, high: int) -> np.ndarray:
        units, shared = np.unique(corpus.rare_pool(query, low, high, _words_and_bigrams), return_counts=True)
        return corpus.top(units, shared)

    def ranked_by_all_words(query: str, low: int, high: int) -> np.ndarray:
        units, shared = np.unique(corpus.rare_pool(query, low, high), return_counts=True)
        return corpus.top(units, shared + np.bitwise_count(corpus.masks[units] & _query_mask(corpus, query)))

    def all_words_in_band(query: str, low: int, high: int) -> np.ndarray:
        units = band(low, high)
        scores = np.bitwise_count(corpus.masks[units] & _query_mask(corpus, query)).astype(np.int64)
        pooled, shared = np.unique(corpus.rare_pool(query, low, high), return_counts=True)
        scores[np.searchsorted(units, pooled)] += shared
        return corpus.top(units, scores)

    signatures = np.zeros((len(corpus.norm), 4), dtype=np.uint64)
    for n, ws in enumerate(corpus.words):
        for w in ws:
            h = zlib.crc32(w.encode()) % 256
            signatures[n, h // 64] |= np.uint64(1) << np.uint64(h % 64)

    def signature_scan(query: str, low: int, high: int) -> np.ndarray:
        units = band(low, high)
        q = np.zeros(4, dtype=np.uint64)
        for w in _words(query):
            h = zlib.crc32(w.encode()) % 256
            q[h // 64] |= np.uint64(1) << np.uint64(h % 64)
        return corpus.top(units, np.bitwise_count(signatures[units] & q).sum(axis=1))

    def code(text: str) -> str:  # a word → one character: texts become strings of word ids
        return "".join(chr(0x10000 + zlib.crc32(w.encode()) % 0xF0000) for w in _WORD.findall(text.lower()))

    coded = [code(t) for t in corpus.norm]

    def word_level_rapidfuzz(query: str, low: int, high: int) -> np.ndarray:
        units = band(low, high)
        found = process.extract(code(query), [coded[u] for u in units], scorer=fuzz.ratio, limit=corpus.k)
        return units[[index for _, _, index in found]]

    return {
        "rare words (the index before 2026-12-02)": rare_words,
        "rare words + bigrams": rare_and_bigrams,
        "rare words, ranked by all words (PostgreSQL now)": ranked_by_all_words,
        "all words in the band (dense mask scan: SQLite now)": all_words_in_band,
        "signature scan (256 bits, all words, the band)": signature_scan,
        "word-level rapidfuzz over the band": word_level_rapidfuzz,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000, help="memory size (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=600, help="queries, half edited, half unseen (default: %(default)s)")
    parser.add_argument("--candidates", type=int, default=800, help="units each stage hands to rapidfuzz (default: %(default)s)")
    parser.add_argument("--only", default="", help="comma-separated words; run the stages whose name contains one")
    args = parser.parse_args(argv)

    generator = SentenceGenerator(SEED)
    sources = generator.sentences(args.units)
    queries = make_queries(sources, generator, args.queries, SEED)
    start = time.perf_counter()
    brute = brute_force(sources, queries, float("inf"), len(queries))
    print(f"{args.units:,} units, {len(queries)} queries; brute force {statistics.median(brute.ms):.0f} ms a query "
          f"(p50), {time.perf_counter() - start:.0f} s in all")  # fmt: skip
    corpus = Corpus(sources, args.candidates)
    chosen = stages(corpus)
    print(f"| stage ({args.candidates} candidates) | recall: edited | unseen | all | stage time p50 / p95 |")
    print("|---|---|---|---|---|")
    for name, stage in chosen.items():
        if args.only and not any(word in name for word in args.only.split(",")):
            continue
        hits: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        times: list[float] = []
        for (kind, text), best in zip(queries, brute.best):
            if best is None:
                continue
            query = normalize(text)
            low, high = length_bounds(len(query), MIN_SCORE)
            began = time.perf_counter()
            units = stage(query, low, high)
            times.append((time.perf_counter() - began) * 1000)
            found = process.extractOne(query, {int(u): corpus.norm[u] for u in units}, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
            totals[kind] += 1
            hits[kind] += found is not None and (found[0] == best[0] or abs(found[1] - best[1]) < 1e-9)
        times.sort()
        share = lambda kind: f"{hits[kind] / totals[kind]:.1%} ({hits[kind]}/{totals[kind]})"  # noqa: E731
        both = sum(hits.values()) / max(1, sum(totals.values()))
        print(f"| {name} | {share('edited')} | {share('unseen')} | {both:.1%} | "
              f"{times[len(times) // 2]:.1f} / {times[int(len(times) * 0.95)]:.1f} ms |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
