"""Reading a project's inputs — articles and catalogues — through the cache.

Every stage reads the same files (``update``, ``check``, ``build``, ``stats``), and at a
thousand articles parsing them again is most of a run. Here a file is read as bytes (cheap),
and its parsed form is taken from :mod:`pipeline.cache` when those bytes at that path were
parsed before by this version of the code; only new or changed files are parsed, in worker
processes when there are many. A file that does not parse raises as it always did (or, for
``check``, comes back as its error so that the other files are still checked); an error is
never cached.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .cache import cached_map, project_cache
from .catalogs import Catalog, parse_po
from .config import Config
from .errors import CatalogError, InputError, SourceError
from .filememo import FileMemo
from .sources import Article, article_from_bytes, find_articles, read_source


def load_articles(config: Config) -> tuple[list[Article], list[str]]:
    """The project's articles in name order, with each one's cache key (later results that
    depend on an article, such as its template, are keyed on it). An article untouched since the
    last run is not even read (:mod:`pipeline.filememo`): its key is made of its digest."""
    paths = find_articles(config.folder("source_dir"), config.root)
    cache = project_cache(config.root)
    memo = FileMemo(cache, "articles", config.root)
    sources: list[tuple[Path, str, bytes | None]] = []
    for path in paths:
        try:
            sha, data = memo.digest(path)
        except OSError:
            data = read_source(path)  # the one-line error of a file that cannot be read
            sha = hashlib.sha256(data).hexdigest()
        sources.append((path, sha, data))
    articles, keys = cached_map(cache, "article", sources, _article_parts, _article)
    memo.save()
    cache.flush()
    return articles, keys


def load_catalogs(config: Config, paths: list[Path]) -> dict[Path, Catalog]:
    """The catalogues at ``paths`` (each must exist); the first that does not parse raises."""
    found = load_catalogs_or_errors(config, paths)
    for value in found.values():
        if isinstance(value, InputError):
            raise value
    return {path: value for path, value in found.items() if isinstance(value, Catalog)}


def load_catalogs_or_errors(config: Config, paths: list[Path]) -> dict[Path, Catalog | InputError]:
    """Like :func:`load_catalogs`, with the error of each file that cannot be read or parsed in
    its place (``check`` reports them all)."""
    sources: list[tuple[Path, bytes]] = []
    loaded: dict[Path, Catalog | InputError] = {}
    for path in paths:
        try:
            sources.append((path, path.read_bytes()))
        except IsADirectoryError:
            loaded[path] = CatalogError(path, None, "is a folder, where a catalogue was expected")
        except OSError as exc:
            loaded[path] = CatalogError(path, None, f"cannot read: {exc.strerror or exc}")
    loaded.update(zip((path for path, _ in sources), parse_catalogs(config, sources)))
    return {path: loaded[path] for path in paths}


def parse_catalogs(config: Config, sources: list[tuple[Path, bytes]]) -> list[Catalog | InputError]:
    """Catalogues from bytes already read (``update`` reads them with their file's identity),
    each parsed once per content; a file that does not parse gives its error."""
    cache = project_cache(config.root)
    results, _ = cached_map(cache, "catalog", sources, _parts, _catalog_or_error, keep=_is_catalog)
    cache.flush()
    return results


def _is_catalog(value: object) -> bool:
    return isinstance(value, Catalog)


def _catalog_or_error(source: tuple[Path, bytes]) -> Catalog | InputError:
    try:
        return parse_po(source[1], source[0])
    except InputError as exc:
        return exc


def _parts(source: tuple[Path, bytes]) -> tuple[bytes | str, ...]:
    return (str(source[0]), source[1])


def _article_parts(source: tuple[Path, str, bytes | None]) -> tuple[bytes | str, ...]:
    return (str(source[0]), source[1])


def _article(source: tuple[Path, str, bytes | None]) -> Article:
    path, sha, data = source
    if data is None:  # the memo knew its digest, the cache not its article: read it now
        data = read_source(path)
        if hashlib.sha256(data).hexdigest() != sha:
            raise SourceError(path, None, "changed while being read; run the command again")
    return article_from_bytes(path, data)
