"""A content-addressed cache of work already done: parsed articles and catalogues, finished
templates, merges that change nothing, check results — so that a run does work in proportion
to what changed.

Principles:

- Content-addressed: a key is a hash of what the result depends on — the input's bytes and
  path, the settings that shape it, and the code itself (a fingerprint of the package's
  sources, so a new version or a local edit of translatio never reuses an old result). A
  changed input is simply a different key; nothing is ever "invalidated" in place.
- Never trusted: each value is stored with its SHA-256 and checked before it is unpickled; a
  value that does not check out, a database that does not open, a cache folder that cannot be
  written are all a miss, and the work is done again. Results are byte-identical with and
  without the cache (tests).
- Private: the database lives in the user's cache folder (``$TRANSLATIO_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/translatio``, else ``~/.cache/translatio``; mode 0700), one file per
  project, never in the project — a file committed to a repository could otherwise plant
  results (and pickles) on a translator's machine. ``TRANSLATIO_CACHE=0`` (or ``--no-cache``)
  switches it off.
- Bounded: entries not used for :data:`KEEP_DAYS` days are dropped, once a day.
- Only the parent process touches the database; worker processes compute what was missing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

KEEP_DAYS = 30
_SCHEMA = 1
_DAY = 86400


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of translatio's own source files: any change to the code changes every key."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(str(_SCHEMA).encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".j2", ".css") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def digest(*parts: bytes | str) -> str:
    """A key part for several inputs (each length-prefixed, so that parts cannot run together)."""
    hashed = hashlib.sha256()
    _feed(hashed, parts)
    return hashed.hexdigest()


def _feed(hashed: Any, parts: Iterable[bytes | str]) -> None:
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "little") + data)


class Cache:
    """Get and put pickled values by key; a disabled cache misses every time."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = _open(path) if path is not None else None
        self.written: dict[str, tuple[bytes, bytes]] = {}
        """Values put since the last flush: ``(checksum, pickled value)``."""
        self.used: set[str] = set()
        self.memo: dict[str, Any] = {}
        """Values already unpickled in this process (values are immutable: shared, not copied)."""
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.db is not None

    def key(self, kind: str, *parts: bytes | str) -> str:
        """The key of a result of ``kind`` computed from ``parts`` by this version of the code."""
        return digest(kind, code_fingerprint(), *parts)

    def keyer(self, kind: str, *prefix: bytes | str) -> Callable[..., str]:
        """``lambda *parts: self.key(kind, *prefix, *parts)``, the prefix hashed once: a site's
        tens of thousands of page keys share all but their last parts."""
        start = hashlib.sha256()
        _feed(start, (kind, code_fingerprint(), *prefix))

        def key(*parts: bytes | str) -> str:
            hashed = start.copy()
            _feed(hashed, parts)
            return hashed.hexdigest()

        return key

    def get(self, key: str) -> Any | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[str], remember: bool = True) -> dict[str, Any]:
        """The values found for ``keys``, checked and unpickled (fetched in batches); large
        values used once (a build's pages) are not kept in the process (``remember=False``)."""
        wanted = list(dict.fromkeys(keys))
        if self.db is None:
            return {}
        found: dict[str, Any] = {k: self.memo[k] for k in wanted if k in self.memo}
        self.hits += len(found)
        wanted = [k for k in wanted if k not in found]
        rows: dict[str, tuple[bytes, bytes]] = {k: self.written[k] for k in wanted if k in self.written}
        stored = self._select("key, checksum, value", [k for k in wanted if k not in rows])
        rows.update((key, (bytes(checksum), bytes(value))) for key, checksum, value in stored)
        for key in wanted:
            value = _load(rows.get(key))
            if value is None:
                self.misses += 1
                continue
            self.hits += 1
            self.used.add(key)
            found[key] = value
            if remember:
                self.memo[key] = value
        return found

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` the cache holds, without fetching them (a value found here may
        still fail its checksum when fetched: then it is a miss)."""
        wanted = list(dict.fromkeys(keys))
        if self.db is None:
            return set()
        found = {k for k in wanted if k in self.memo or k in self.written}
        found.update(key for (key,) in self._select("key", [k for k in wanted if k not in found]))
        return found

    def _select(self, columns: str, keys: list[str]) -> list[tuple[Any, ...]]:
        """Rows of the entries with these keys, asked 500 at a time; a damaged database gives
        none (every key a miss)."""
        rows: list[tuple[Any, ...]] = []
        if self.db is None:
            return rows
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            try:
                rows.extend(self.db.execute(f"SELECT {columns} FROM entries WHERE key IN ({','.join('?' * len(batch))})", batch))
            except sqlite3.DatabaseError:
                pass
        return rows

    def put(self, key: str, value: Any, remember: bool = True) -> None:
        if self.db is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.written[key] = (hashlib.sha256(data).digest(), data)
        if remember:
            self.memo[key] = value

    def flush(self) -> None:
        """Write what was put and note what was used; errors (a full disk) only lose the cache."""
        if self.db is None:
            return
        today = int(time.time()) // _DAY
        rows = [(key, checksum, value, today) for key, (checksum, value) in self.written.items()]
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries (key, checksum, value, used) VALUES (?, ?, ?, ?)", rows)
                self.db.executemany("UPDATE entries SET used = ? WHERE key = ? AND used < ?", [(today, key, today) for key in self.used])
        except sqlite3.DatabaseError:
            pass
        self.written.clear()
        self.used.clear()

    def close(self) -> None:
        self.flush()
        if self.db is not None:
            self.db.close()
            self.db = None
        self.memo.clear()


def _load(row: tuple[bytes, bytes] | None) -> Any | None:
    """A stored value, or None when it is absent or does not check out."""
    if row is None:
        return None
    checksum, value = row
    if hashlib.sha256(value).digest() != checksum:
        return None
    try:
        return pickle.loads(value)
    except Exception:  # a damaged value is a miss, whatever unpickling raised
        return None


def _open(path: Path) -> sqlite3.Connection | None:
    """The database, created if needed; a damaged one is replaced, an unwritable one is none."""
    for attempt in range(2):
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, checksum BLOB NOT NULL, value BLOB NOT NULL, used INTEGER NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.isolation_level = "DEFERRED"
            _prune(db)
            return db
        except (sqlite3.DatabaseError, OSError):
            if attempt == 0:
                for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                    try:
                        stale.unlink()
                    except OSError:
                        pass
    return None


def _prune(db: sqlite3.Connection) -> None:
    today = int(time.time()) // _DAY
    row = db.execute("SELECT value FROM meta WHERE name = 'pruned'").fetchone()
    if row is not None and int(row[0]) >= today:
        return
    with db:
        db.execute("DELETE FROM entries WHERE used < ?", (today - KEEP_DAYS,))
        db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('pruned', ?)", (str(today),))


def cache_folder() -> Path:
    explicit = os.environ.get("TRANSLATIO_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "translatio"


_SWITCHED_OFF = False


def cache_disabled() -> bool:
    return _SWITCHED_OFF or os.environ.get("TRANSLATIO_CACHE", "1").strip().lower() in ("0", "off", "no", "false")


@contextmanager
def switched_off() -> Iterator[None]:
    """No cache inside the block (``--no-cache``); the process's state is restored after it, so
    that one in-process command does not change the next."""
    global _SWITCHED_OFF
    close_all()
    previous, _SWITCHED_OFF = _SWITCHED_OFF, True
    try:
        yield
    finally:
        close_all()
        _SWITCHED_OFF = previous


_OPEN: dict[Path, Cache] = {}


def project_cache(root: Path) -> Cache:
    """The cache of the project at ``root`` for this process (disabled when switched off or when
    the cache folder cannot be used)."""
    resolved = root.resolve()
    cache = _OPEN.get(resolved)
    if cache is None:
        path = None if cache_disabled() else cache_folder() / f"{digest(str(resolved))[:24]}.sqlite"
        cache = Cache(path)
        _OPEN[resolved] = cache
    return cache


def close_all() -> None:
    """Flush and close every cache this process opened (the CLI calls it at the end)."""
    for cache in _OPEN.values():
        cache.close()
    _OPEN.clear()


def cached_map(
    cache: Cache,
    kind: str,
    items: Sequence[Item],
    parts: Callable[[Item], tuple[bytes | str, ...]],
    compute: Callable[[Item], Result],
    keep: Callable[[Result], bool] | None = None,
    workers: int | None = None,
) -> tuple[list[Result], list[str]]:
    """``[compute(item) for item in items]``, taking what the cache holds and computing only the
    rest (in worker processes when there are many, see :func:`pipeline.parallel.parallel_map`);
    returns the results and each item's key. An error in ``compute`` propagates, and a result
    ``keep`` refuses (an error returned as a value) is not stored: bad input is never cached."""
    from .parallel import parallel_map

    keys = [cache.key(kind, *parts(item)) for item in items]
    found = cache.get_many(keys) if cache.enabled else {}
    missing = [index for index, key in enumerate(keys) if key not in found]
    computed = parallel_map(compute, [items[index] for index in missing], workers)
    results: dict[int, Result] = {index: found[key] for index, key in enumerate(keys) if key in found}
    for index, result in zip(missing, computed):
        results[index] = result
        if keep is None or keep(result):
            cache.put(keys[index], result)
    return [results[index] for index in range(len(items))], keys
