"""A team's translation memory on a PostgreSQL server: one memory for every project and translator.

Principles:

- Each project's TMX files stay the reviewable record of its own units; the server holds the
  union of every project's. A unit is a pair of texts (``tm_units``, one row per target locale,
  normalized source and normalized target: the unique key ``(locale, pair_key)``, a digest of
  the two normalized texts, as a B-tree cannot index long paragraphs whole); where each project
  uses it is a row of its own (``tm_places``: the project's origins, superseded places and first
  date, exactly what its TMX file says of the unit). Lookups see every project's places, the
  others' origins naming their project; :meth:`PostgresMemory.iterate` and ``stats`` are the
  project's own record, so ``update`` writes the same TMX files it would write alone.
- Concurrency loses nothing and duplicates nothing. A unit's row is created by a short statement
  of its own on a second connection (``INSERT … ON CONFLICT DO NOTHING`` in key order, so two
  importers never wait on each other in a cycle), never inside a long transaction; a unit row no
  project uses is invisible (every lookup joins the places). A project's places are changed
  only under a transaction-scoped advisory lock on the project, taken before they are read, so
  two runs of one project (two checkouts) are serialized and never overwrite each other's
  merge; runs of different projects touch different rows and run side by side.
- Everything a run changes is one transaction (:meth:`PostgresMemory.pending`): a server that is
  down or goes away rolls it back, and the caller — which commits the memory before it replaces
  any file — leaves every catalogue and TMX file as it was. Every driver error becomes one
  :class:`~pipeline.errors.MemoryServerError` line naming the server's URL without its
  password and what was being done.
- The schema is the tool's: created on first use, migrated step by step, its version recorded
  in ``translatio_meta``; a server whose schema is newer than this translatio is refused.
- Fuzzy candidates come from the units' words, as in the SQLite index: each unit row keeps its
  distinct lower-cased words (``words``, a GIN index), ``tm_words`` how many units of a locale
  have each word; a lookup asks for units in the lengths that can reach the minimum score that
  share the query's rarest words, the ones sharing most words with it first — common words
  included, counted in C by the server: each row keeps a 256-bit signature of its words
  (``sig``, one bit per word's hash; a popcount of the signatures' intersection counts the
  words shared, give or take a collision) — and rescores them with rapidfuzz exactly as the
  SQLite index's candidates are. Measured first was ``pg_trgm``'s GiST index in
  k-nearest-neighbour order (schema version 2): it finds every match brute force finds, but
  costs 60–130 ms a lookup at 20,000 units and grows with the memory (``bench/memory.py``); a
  trigram GIN index with ``%`` was slower still. ``pg_trgm`` serves concordance search (a
  trigram GIN index answers ``ILIKE '%phrase%'``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from rapidfuzz import fuzz, process

from ..errors import ConfigError, MemoryServerError
from .concordance import SOURCE, ConcordanceQuery, ordered
from .store import (CANDIDATES, RAREST_WORDS, Candidate, LocaleFigures, MemoryStats, combine, held_translations,
                    length_bounds, merge_unit, supersede_unit, words)
from .units import EntryState, Origin, TranslationUnit, earliest, normalize, sorted_origins

try:  # the optional extra: pip install 'translatio[postgresql]'
    import psycopg
except ImportError:  # pragma: no cover - depends on the installation
    psycopg = None  # type: ignore[assignment]

SCHEMES = ("postgresql", "postgres")
SCHEMA_VERSION = 4
"""The schema this translatio writes; :data:`MIGRATIONS` lead any older one here."""
CANDIDATE_BUDGET = 15_000
"""The query's rarest words select candidates (at least :data:`MIN_CANDIDATE_WORDS` of them, at
most :data:`~.store.RAREST_WORDS`) until the units having them reach this many (the SQLite index's
budget); the server ranks them by the words they share and returns the best
:data:`~.store.CANDIDATES`, which are rescored with rapidfuzz (about 1 ms a thousand)."""
SIGNATURE_BITS = 256
MIN_SERVER_VERSION = 140000
"""PostgreSQL 14: ``bit_count`` counts the bits two signatures share."""
MIN_CANDIDATE_WORDS = 3
BATCH = 20_000
"""Units written per round trip when a large file is imported."""
_SCHEMA_LOCK = 0x7472616E736C6174
"""The advisory lock serializing schema creation and migration between clients."""

MIGRATIONS: list[tuple[int, str | Callable[[Any], None]]] = [
    (1, """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE TABLE tm_units (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            locale text NOT NULL,
            source_locale text NOT NULL,
            norm text NOT NULL,
            norm_target text NOT NULL,
            source text NOT NULL,
            target text NOT NULL,
            length integer NOT NULL,
            source_key bytea NOT NULL,
            pair_key bytea NOT NULL,
            UNIQUE (locale, pair_key)
        );
        CREATE INDEX tm_units_source ON tm_units (locale, source_key);
        CREATE TABLE tm_places (
            project text NOT NULL,
            unit_id bigint NOT NULL REFERENCES tm_units (id),
            origins text NOT NULL,
            superseded text NOT NULL,
            first_seen text NOT NULL,
            PRIMARY KEY (project, unit_id)
        );
        CREATE INDEX tm_places_unit ON tm_places (unit_id);
        CREATE TABLE tm_harvested (project text NOT NULL, path text NOT NULL, signature text NOT NULL,
                                   PRIMARY KEY (project, path));
        CREATE TABLE tm_files (project text NOT NULL, state text NOT NULL, PRIMARY KEY (project, state));
    """),
    (2, """
        CREATE INDEX tm_units_trigrams ON tm_units USING gist (norm gist_trgm_ops(siglen=256));
    """),
    (3, lambda db: _add_words(db)),
    (4, lambda db: _add_signatures(db)),
]
"""Each step brings the schema from the version before it to its own, in one transaction."""


def _add_words(db: Any) -> None:
    """Schema version 3: the word index for fuzzy candidates (filled in for the units already
    there, with the same :func:`.store.words` new units get), and a trigram GIN index in place of
    the GiST one for concordance search."""
    db.execute("ALTER TABLE tm_units ADD COLUMN words text[] NOT NULL DEFAULT '{}'")
    db.execute("CREATE TABLE tm_words (locale text NOT NULL, word text NOT NULL, units bigint NOT NULL, PRIMARY KEY (locale, word))")
    rows = db.execute("SELECT id, norm FROM tm_units").fetchall()
    if rows:
        db.execute("CREATE TEMP TABLE tm_unit_words (id bigint, words text[]) ON COMMIT DROP")
        with db.cursor().copy("COPY tm_unit_words (id, words) FROM STDIN") as copy:
            for unit_id, norm in rows:
                copy.write_row((unit_id, sorted(words(norm))))
        db.execute("UPDATE tm_units u SET words = w.words FROM tm_unit_words w WHERE u.id = w.id")
        db.execute(
            "INSERT INTO tm_words (locale, word, units) SELECT locale, w, COUNT(*) FROM tm_units, unnest(words) AS w GROUP BY locale, w"
        )
    db.execute("CREATE INDEX tm_units_words ON tm_units USING gin (words)")
    db.execute("DROP INDEX tm_units_trigrams")
    db.execute("CREATE INDEX tm_units_trigrams ON tm_units USING gin (norm gin_trgm_ops)")


def signature(text_words: Iterable[str]) -> str:
    """A text's words (:func:`.store.words`) as a bit string of :data:`SIGNATURE_BITS` (one bit
    per word, by a CRC of the word: the same on every machine), for counting the words two texts
    share in SQL."""
    bits = 0
    for word in text_words:
        bits |= 1 << (zlib.crc32(word.encode("utf-8")) % SIGNATURE_BITS)
    return format(bits, f"0{SIGNATURE_BITS}b")


def _add_signatures(db: Any) -> None:
    """Schema version 4: each unit's word signature, for ranking candidates by the words they
    share (filled in for the units already there)."""
    db.execute(f"ALTER TABLE tm_units ADD COLUMN sig bit({SIGNATURE_BITS})")
    rows = db.execute("SELECT id, norm FROM tm_units").fetchall()
    if rows:
        db.execute(f"CREATE TEMP TABLE tm_unit_sigs (id bigint, sig bit({SIGNATURE_BITS})) ON COMMIT DROP")
        with db.cursor().copy("COPY tm_unit_sigs (id, sig) FROM STDIN") as copy:
            for unit_id, norm in rows:
                copy.write_row((unit_id, signature(words(norm))))
        db.execute("UPDATE tm_units u SET sig = s.sig FROM tm_unit_sigs s WHERE u.id = s.id")
    db.execute("ALTER TABLE tm_units ALTER COLUMN sig SET NOT NULL")


def redact(url: str) -> str:
    """The URL as messages show it: no password, in the user part or as a parameter."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the memory server"
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "password"])
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip().removeprefix("FATAL:  ").removeprefix("ERROR:  ") if text else type(exc).__name__


def _digest(*texts: str) -> bytes:
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).digest()[:16]


def _encode(origins: tuple[Origin, ...]) -> str:
    if not origins:
        return "[]"
    return json.dumps([[o.domain, o.reference, o.context, *([o.project] if o.project else [])] for o in origins], ensure_ascii=False)


def _decode(text: str, project: str = "") -> tuple[Origin, ...]:
    """Origins as stored for a project; ``project`` names it when it is another one."""
    if text == "[]":
        return ()
    return tuple(Origin(*item) if len(item) > 3 or not project else Origin(item[0], item[1], item[2], project) for item in json.loads(text))


_NONE = _encode(())


class PostgresMemory:
    """The shared backend: a PostgreSQL database with ``pg_trgm``, seen as one project's memory."""

    def __init__(self, url: str, project: str, connect_timeout: int = 10) -> None:
        """Connect to ``url`` as ``project`` (its ``project_name``), creating or migrating the schema."""
        if psycopg is None:
            raise ConfigError("memory_url: a PostgreSQL memory needs the psycopg driver: pip install 'translatio[postgresql]'")
        self.url = url
        self.location = redact(url)
        self.project = project
        self.in_memory = False
        self._connect_timeout = connect_timeout
        with self._errors("cannot connect"):
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout, application_name="translatio")
        self._side: Any = None
        self._in_transaction = False
        self._locked = False
        self._wrote = False
        """Whether this transaction wrote (other connections do not see it yet)."""
        self.found_schema = 0
        """The schema version the server had before this connection (0: none yet)."""
        self.schema = self._migrate()

    # --- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Every driver error as one line naming the server (never its password)."""
        try:
            yield
        except MemoryServerError:
            raise
        except Exception as exc:
            if psycopg is None or not isinstance(exc, psycopg.Error):
                raise
            raise MemoryServerError(self.location, f"{doing}: {_first_line(exc)}") from exc

    def _migrate(self) -> int:
        """Create or migrate the schema (under a lock, so clients starting together agree)."""
        with self._errors("preparing the memory's schema"):
            found = self.found_schema = self._version()
            if found == SCHEMA_VERSION:
                return found
            if found > SCHEMA_VERSION:
                raise MemoryServerError(
                    self.location,
                    f"the memory's schema is version {found}, newer than this translatio understands ({SCHEMA_VERSION}): upgrade translatio",
                )
            if self.db.info.server_version < MIN_SERVER_VERSION:  # bit_count() on bit strings came in 14
                shown = f"{self.db.info.server_version // 10000}.{self.db.info.server_version % 10000}"
                raise MemoryServerError(self.location, f"PostgreSQL 14 or later is needed; this server is {shown}")
            with self.db.transaction():
                self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                self.db.execute("CREATE TABLE IF NOT EXISTS translatio_meta (key text PRIMARY KEY, value text NOT NULL)")
                found = self._version()
                for version, step in MIGRATIONS:
                    if version > found:
                        if callable(step):
                            step(self.db)
                        else:
                            self.db.execute(step)
                        self.db.execute(
                            "INSERT INTO translatio_meta (key, value) VALUES ('schema', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                            (str(version),),
                        )
            return self._version()

    def _version(self) -> int:
        exists = self.db.execute("SELECT to_regclass('translatio_meta') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.db.execute("SELECT value FROM translatio_meta WHERE key = 'schema'").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        for connection in (self._side, self.db):
            if connection is not None:
                try:
                    connection.close()
                except Exception:  # noqa: BLE001 - closing a connection the server dropped
                    pass

    @contextmanager
    def pending(self) -> Iterator[PostgresMemory]:
        """A transaction: rolled back unless :meth:`commit` is called inside it."""
        with self._errors("starting a transaction"):
            self.db.execute("BEGIN")
        self._in_transaction, self._locked, self._wrote = True, False, False
        try:
            yield self
        finally:
            if self._in_transaction:
                self._in_transaction = False
                try:
                    self.db.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - the server is gone: it rolled back by itself
                    pass

    def commit(self) -> None:
        if self._in_transaction:
            with self._errors("committing the memory"):
                self.db.execute("COMMIT")
            self._in_transaction = False

    def opener(self) -> Callable[[], PostgresMemory] | None:
        if self._in_transaction and self._wrote:
            return None
        return partial(PostgresMemory, self.url, self.project, self._connect_timeout)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Group writes; inside :meth:`pending` the caller's transaction already does."""
        if self._in_transaction:
            self._wrote = True
            yield
            return
        with self.pending():
            yield
            self.commit()

    def _lock_project(self) -> None:
        """This project's places are ours until the transaction ends (see the module's principles)."""
        if not self._locked:
            self.db.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"translatio:{self.project}",))
            self._locked = True

    def _side_connection(self) -> Any:
        """Where unit rows are created: autocommit, outside any long transaction."""
        if self._side is None:
            assert psycopg is not None
            self._side = psycopg.connect(self.url, autocommit=True, connect_timeout=self._connect_timeout, application_name="translatio")
            self._side.execute(
                "CREATE TEMP TABLE tm_new (locale text, source_locale text, norm text, norm_target text, source text,"
                f" target text, length integer, source_key bytea, pair_key bytea, words text[], sig bit({SIGNATURE_BITS}))"
            )
        return self._side

    # --- writing -------------------------------------------------------------------------

    def _identities(self, batch: dict[tuple[str, str, str], TranslationUnit]) -> dict[tuple[str, str, str], int]:
        """The id of each pair's row, created where missing, in key order; the words of the rows
        created are counted in ``tm_words`` by the same statement (in word order: concurrent
        importers take those rows' locks in one order, so they never wait on each other in a cycle)."""
        side = self._side_connection()
        keyed = sorted((locale, _digest(norm, target), (locale, norm, target)) for locale, norm, target in batch)
        ids: dict[tuple[str, str, str], int] = {}
        for start in range(0, len(keyed), BATCH):
            part = keyed[start : start + BATCH]
            side.execute("TRUNCATE tm_new")
            with side.cursor().copy(
                "COPY tm_new (locale, source_locale, norm, norm_target, source, target, length, source_key, pair_key, words, sig) FROM STDIN"
            ) as copy:
                for locale, pair, key in part:
                    unit, unit_words = batch[key], words(key[1])
                    copy.write_row((locale, unit.source_locale, key[1], key[2], unit.source, unit.target, len(key[1]), _digest(key[1]), pair,
                                    sorted(unit_words), signature(unit_words)))  # fmt: skip
            side.execute(
                "WITH created AS ("
                " INSERT INTO tm_units (locale, source_locale, norm, norm_target, source, target, length, source_key, pair_key, words, sig)"
                " SELECT locale, source_locale, norm, norm_target, source, target, length, source_key, pair_key, words, sig FROM tm_new"
                " ORDER BY locale, pair_key ON CONFLICT (locale, pair_key) DO NOTHING RETURNING locale, words)"
                " INSERT INTO tm_words (locale, word, units)"
                " SELECT locale, word, COUNT(*) FROM created, unnest(words) AS word GROUP BY locale, word ORDER BY locale, word"
                " ON CONFLICT (locale, word) DO UPDATE SET units = tm_words.units + EXCLUDED.units"
            )
            found = {
                (locale, bytes(pair)): unit_id
                for unit_id, locale, pair in side.execute(
                    "SELECT u.id, n.locale, n.pair_key FROM tm_new n JOIN tm_units u ON u.locale = n.locale AND u.pair_key = n.pair_key"
                )
            }
            for locale, pair, key in part:
                ids[key] = found[locale, pair]
        return ids

    def _own_rows(self, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        """This project's places of some units: id → (origins, superseded, first_seen).

        The ids are joined as a table (``unnest``), not tested with ``= ANY(array)``: inside an
        import's one transaction ``tm_places`` grows without new statistics, and the planner
        came to scan it for every batch — the server's time grew with the number of batches
        (10 batches of 4,000 units took 2.6× the server time of one batch of 40,000)."""
        rows: dict[int, tuple[str, str, str]] = {}
        for start in range(0, len(ids), BATCH):
            for unit_id, origins, superseded, first_seen in self.db.execute(
                "SELECT p.unit_id, p.origins, p.superseded, p.first_seen FROM unnest(%s::bigint[]) AS k (unit_id)"
                " JOIN tm_places p ON p.project = %s AND p.unit_id = k.unit_id",
                (ids[start : start + BATCH], self.project),
            ):
                rows[unit_id] = (origins, superseded, first_seen)
        return rows

    def _write_places(self, rows: list[tuple[int, str, str, str]]) -> None:
        if not rows:
            return
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tm_place_rows (unit_id bigint, origins text, superseded text, first_seen text) ON COMMIT DELETE ROWS"
        )
        self.db.execute("TRUNCATE tm_place_rows")
        with self.db.cursor().copy("COPY tm_place_rows (unit_id, origins, superseded, first_seen) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.db.execute(
            "INSERT INTO tm_places (project, unit_id, origins, superseded, first_seen)"
            " SELECT %s, unit_id, origins, superseded, first_seen FROM tm_place_rows ORDER BY unit_id"
            " ON CONFLICT (project, unit_id) DO UPDATE SET origins = EXCLUDED.origins, superseded = EXCLUDED.superseded,"
            " first_seen = EXCLUDED.first_seen",
            (self.project,),
        )

    def add(self, units: Iterable[TranslationUnit]) -> list[TranslationUnit]:
        batch = combine(units)
        if not batch:
            return []
        with self._errors("adding units"), self._transaction():
            ids = self._identities(batch)
            self._lock_project()
            own = self._own_rows(sorted(set(ids.values())))
            changed: list[TranslationUnit] = []
            rows: list[tuple[int, str, str, str]] = []
            for key, unit in batch.items():
                unit_id = ids[key]
                stored = own.get(unit_id)
                if stored is not None:
                    before = TranslationUnit(unit.source, unit.target, unit.source_locale, unit.target_locale,
                                             _decode(stored[0]), stored[2], _decode(stored[1]))  # fmt: skip
                    unit = merge_unit(before, unit)
                    if unit == before:
                        continue
                    unit = TranslationUnit(before.source, before.target, before.source_locale, before.target_locale,
                                           unit.origins, unit.first_seen, unit.superseded)  # fmt: skip
                rows.append((unit_id, _encode(unit.origins), _encode(unit.superseded), unit.first_seen))
                changed.append(unit)
            self._write_places(rows)
        return changed

    def add_batches(self, batches: Iterable[Iterable[TranslationUnit]]) -> Counter[str]:
        """Store units arriving in batches (a large import) exactly as one :meth:`add` of them
        all would: a pair whose place this import created is combined with it (:func:`combine`);
        a place the project had before is merged once with everything the import brought for it
        (:func:`merge_unit`; what it was and what came so far wait in a temporary table).
        Returns the new or changed units per target locale."""
        counts: Counter[str] = Counter()
        with self._errors("adding units"), self._transaction():
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS tm_import_state (unit_id bigint PRIMARY KEY, locale text, origins text, superseded text,"
                " first_seen text, seen_origins text, seen_superseded text, seen_first_seen text) ON COMMIT DROP"
            )
            self.db.execute("DELETE FROM tm_import_state")
            created: set[int] = set()  # units whose place this import created
            touched: set[int] = set()  # places the project had before, merged into
            for units in batches:
                batch = combine(units)
                if not batch:
                    continue
                ids = self._identities(batch)
                self._lock_project()
                own = self._own_rows(sorted(set(ids.values())))
                earlier = self._import_states(sorted(touched.intersection(ids.values())))
                rows: list[tuple[int, str, str, str]] = []
                states: list[tuple[Any, ...]] = []
                for key, unit in batch.items():
                    unit_id = ids[key]
                    stored = own.get(unit_id)
                    if stored is None:
                        rows.append((unit_id, _encode(unit.origins), _encode(unit.superseded), unit.first_seen))
                        created.add(unit_id)
                        counts[unit.target_locale] += 1
                        continue
                    now = replace(unit, origins=_decode(stored[0]), superseded=_decode(stored[1]), first_seen=stored[2])
                    if unit_id in created:
                        merged = combine([now, unit])[key]
                    else:
                        before, so_far = earlier.get(unit_id, (stored, None))
                        was = replace(unit, origins=_decode(before[0]), superseded=_decode(before[1]), first_seen=before[2])
                        brought = unit if so_far is None else combine([replace(unit, origins=_decode(so_far[0]), superseded=_decode(so_far[1]),
                                                                               first_seen=so_far[2]), unit])[key]  # fmt: skip
                        merged = merge_unit(was, brought)
                        touched.add(unit_id)
                        states.append((unit_id, unit.target_locale, *before, _encode(brought.origins), _encode(brought.superseded), brought.first_seen))
                    if merged != now:
                        rows.append((unit_id, _encode(merged.origins), _encode(merged.superseded), merged.first_seen))
                self._write_places(rows)
                if states:
                    with self.db.cursor().copy("COPY tm_import_state FROM STDIN") as copy:
                        for state in states:
                            copy.write_row(state)
            changed = self.db.execute(
                "SELECT s.locale, COUNT(*) FROM tm_import_state s JOIN tm_places p ON p.project = %s AND p.unit_id = s.unit_id"
                " WHERE p.origins <> s.origins OR p.superseded <> s.superseded OR p.first_seen <> s.first_seen GROUP BY s.locale",
                (self.project,),
            ).fetchall()
            counts.update(dict(changed))
        return counts

    def _import_states(self, ids: list[int]) -> dict[int, tuple[tuple[str, str, str], tuple[str, str, str]]]:
        """Places merged into earlier in this import: as they were before it, and what it brought."""
        if not ids:
            return {}
        rows = self.db.execute(
            "DELETE FROM tm_import_state s USING unnest(%s::bigint[]) AS k (unit_id) WHERE s.unit_id = k.unit_id"
            " RETURNING s.unit_id, s.origins, s.superseded, s.first_seen, s.seen_origins, s.seen_superseded, s.seen_first_seen",
            (ids,),
        ).fetchall()
        return {row[0]: ((row[1], row[2], row[3]), (row[4], row[5], row[6])) for row in rows}

    def supersede(self, entries: Iterable[EntryState]) -> list[TranslationUnit]:
        held = held_translations(entries)
        if not held:
            return []
        with self._errors("superseding replaced translations"), self._transaction():
            self._lock_project()
            keys = sorted({(locale, _digest(norm)) for locale, norm in held})
            rows = self.db.execute(
                "SELECT u.id, u.locale, u.source_locale, u.norm, u.norm_target, u.source, u.target, p.origins, p.superseded, p.first_seen"
                " FROM unnest(%s::text[], %s::bytea[]) AS k (locale, source_key)"
                " JOIN tm_units u ON u.locale = k.locale AND u.source_key = k.source_key"
                " JOIN tm_places p ON p.unit_id = u.id AND p.project = %s",
                ([k[0] for k in keys], [k[1] for k in keys], self.project),
            ).fetchall()
            changed, updates = [], []
            for unit_id, locale, source_locale, norm, norm_target, source, target, origins, superseded, first_seen in rows:
                by_place = held.get((locale, norm))
                if by_place is None:
                    continue
                unit = TranslationUnit(source, target, source_locale, locale, _decode(origins), first_seen, _decode(superseded))
                replaced = supersede_unit(unit, norm_target, by_place)
                if replaced is not None:
                    updates.append((unit_id, _encode(replaced.origins), _encode(replaced.superseded), replaced.first_seen))
                    changed.append(replaced)
            self._write_places(updates)
        return changed

    # --- reading -------------------------------------------------------------------------

    def _units(self, ids: list[int]) -> dict[int, TranslationUnit]:
        """Units as every project sees them: all places merged, other projects' origins named."""
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT u.id, u.locale, u.source_locale, u.source, u.target, p.project, p.origins, p.superseded, p.first_seen"
            " FROM tm_units u JOIN tm_places p ON p.unit_id = u.id WHERE u.id = ANY(%s) ORDER BY u.id, p.project",
            (ids,),
        ).fetchall()
        grouped: dict[int, list[tuple[Any, ...]]] = {}
        for row in rows:
            grouped.setdefault(row[0], []).append(row)
        return {unit_id: self._merged(places) for unit_id, places in grouped.items()}

    def _merged(self, places: list[tuple[Any, ...]]) -> TranslationUnit:
        _, locale, source_locale, source, target = places[0][:5]
        origins: list[Origin] = []
        superseded: list[Origin] = []
        first_seen = ""
        for *_, project, own_origins, own_superseded, seen in places:
            name = "" if project == self.project else project
            origins += _decode(own_origins, name)
            superseded += _decode(own_superseded, name)
            first_seen = earliest(first_seen, seen)
        return TranslationUnit(source, target, source_locale, locale, sorted_origins(origins), first_seen, sorted_origins(superseded))

    def lookup_exact(self, text: str, target_locale: str) -> list[TranslationUnit]:
        norm = normalize(text)
        with self._errors("looking up a text"):
            ids = [row[0] for row in self.db.execute(
                "SELECT id FROM tm_units WHERE locale = %s AND source_key = %s AND norm = %s",
                (target_locale, _digest(norm), norm),
            )]  # fmt: skip
            units = self._units(ids)
        return sorted(units.values(), key=lambda u: normalize(u.target))

    def lookup_fuzzy(self, text: str, target_locale: str, min_score: float = 75, limit: int = 5) -> list[Candidate]:
        query = normalize(text)
        if not query:
            return []
        low, high = length_bounds(len(query), min_score)
        query_words = words(query)
        with self._errors("looking up similar texts"):
            counts = self.db.execute(
                "SELECT word, units FROM tm_words WHERE locale = %s AND word = ANY(%s)", (target_locale, sorted(query_words))
            ).fetchall()
            chosen: list[str] = []
            fetched = 0
            for word, units in sorted(counts, key=lambda row: (row[1], row[0]))[:RAREST_WORDS]:
                if len(chosen) >= MIN_CANDIDATE_WORDS and fetched + units > CANDIDATE_BUDGET:
                    break
                chosen.append(word)
                fetched += units
            if not chosen:
                return []  # no word in common with any unit
            rows = self.db.execute(
                "SELECT id, norm FROM tm_units WHERE locale = %s AND length BETWEEN %s AND %s AND words && %s::text[]"
                f" ORDER BY bit_count(sig & %s::bit({SIGNATURE_BITS})) DESC, id LIMIT %s",
                (target_locale, low, high, chosen, signature(query_words), CANDIDATES),
            ).fetchall()
            best: list[tuple[str, float, int]] = process.extract(query, dict(rows), scorer=fuzz.ratio, score_cutoff=min_score, limit=limit + 10)
            units = self._units([key for _, _, key in best])
        scored = [Candidate(units[key], score) for _, score, key in best if key in units]
        scored.sort(key=lambda c: (-c.similarity, normalize(c.unit.source), c.unit.target))
        return scored[:limit]

    def concordance(self, query: ConcordanceQuery, target_locale: str, limit: int = 50) -> list[TranslationUnit]:
        """Candidates by ``ILIKE`` (the trigram index serves it for sources), checked by ``query``."""
        if not query.terms:
            return []
        column = "norm" if query.field == SOURCE else "norm_target"
        likes = " AND ".join(f"{column} ILIKE %s" for _ in query.terms)
        with self._errors("searching the memory"):
            rows = self.db.execute(
                f"SELECT id, {column} FROM tm_units WHERE locale = %s AND {likes}",  # noqa: S608 (fixed names)
                (target_locale, *query.like_patterns()),
            ).fetchall()
            ids = [unit_id for unit_id, text in rows if query.matches(text)]
            units = list(self._units(ids).values())
        return ordered(units, query)[:limit]

    def iterate(self, target_locale: str | None = None) -> Iterator[TranslationUnit]:
        """This project's record, streamed from a server-side cursor, in the TMX files' order."""
        where = "p.project = %s" + (" AND u.locale = %s" if target_locale is not None else "")
        params = (self.project, target_locale) if target_locale is not None else (self.project,)
        with self._errors("reading the project's units"):
            with self.db.cursor(name="translatio_iterate", withhold=not self._in_transaction) as cursor:
                cursor.itersize = 5000
                cursor.execute(
                    "SELECT u.locale, u.source_locale, u.source, u.target, p.origins, p.first_seen, p.superseded"
                    f" FROM tm_places p JOIN tm_units u ON u.id = p.unit_id WHERE {where}"  # noqa: S608 (fixed text)
                    ' ORDER BY u.locale COLLATE "C", u.norm COLLATE "C", u.norm_target COLLATE "C"',
                    params,
                )
                for locale, source_locale, source, target, origins, first_seen, superseded in cursor:
                    yield TranslationUnit(source, target, source_locale, locale, _decode(origins), first_seen, _decode(superseded))

    def stats(self) -> MemoryStats:
        with self._errors("counting units"):
            rows = self.db.execute(
                "SELECT u.locale, COUNT(*), COUNT(*) FILTER (WHERE p.origins <> %s),"
                " COUNT(*) FILTER (WHERE p.origins = %s AND p.superseded <> %s)"
                " FROM tm_places p JOIN tm_units u ON u.id = p.unit_id WHERE p.project = %s GROUP BY u.locale ORDER BY u.locale",
                (_NONE, _NONE, _NONE, self.project),
            ).fetchall()
            ambiguous: dict[str, int] = dict(self.db.execute(
                "SELECT locale, COUNT(*) FROM (SELECT u.locale FROM tm_places p JOIN tm_units u ON u.id = p.unit_id"
                " WHERE p.project = %s AND p.origins <> %s GROUP BY u.locale, u.norm HAVING COUNT(*) > 1) AS texts GROUP BY locale",
                (self.project, _NONE),
            ).fetchall())  # fmt: skip
            projects: dict[str, int] = dict(self.db.execute("SELECT project, COUNT(*) FROM tm_places GROUP BY project ORDER BY project").fetchall())
        locales = {
            locale: LocaleFigures(total, current, total - current - superseded, superseded, ambiguous.get(locale, 0))
            for locale, total, current, superseded in rows
        }
        return MemoryStats({locale: f.units for locale, f in locales.items()}, self.location, locales, False, projects)

    # --- bookkeeping ---------------------------------------------------------------------

    def harvested(self, path: str) -> str | None:
        with self._errors("reading the harvest record"):
            row = self.db.execute("SELECT signature FROM tm_harvested WHERE project = %s AND path = %s", (self.project, path)).fetchone()
        return row[0] if row else None

    def knows_files(self, state: str) -> bool:
        """Whether the project's TMX files in this state (a fingerprint or a signature) are held."""
        with self._errors("reading the record of TMX files"):
            return self.db.execute("SELECT 1 FROM tm_files WHERE project = %s AND state = %s", (self.project, state)).fetchone() is not None

    def note(self, harvested: dict[str, str], files: tuple[str, str] | None) -> None:
        try:
            with self._errors("noting harvested catalogues"), self._transaction():
                for path, signature in sorted(harvested.items()):
                    self.db.execute(
                        "INSERT INTO tm_harvested (project, path, signature) VALUES (%s, %s, %s)"
                        " ON CONFLICT (project, path) DO UPDATE SET signature = EXCLUDED.signature",
                        (self.project, path, signature),
                    )
                for state in files or ():
                    self.db.execute("INSERT INTO tm_files (project, state) VALUES (%s, %s) ON CONFLICT DO NOTHING", (self.project, state))
                self.commit()
        except MemoryServerError:
            pass  # bookkeeping only: the next run harvests again

    def forget_files(self) -> None:
        try:
            with self._errors("forgetting the record of TMX files"):
                self.db.execute("DELETE FROM tm_files WHERE project = %s", (self.project,))
        except MemoryServerError:
            pass

