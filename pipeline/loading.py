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
from dataclasses import dataclass, field
from pathlib import Path

from .cache import cached_map, project_cache
from .catalogs import Catalog, parse_po
from .config import Config
from .errors import CatalogError, InputError, SourceError
from .filememo import FileMemo
from .sources import Article, article_from_bytes, find_articles, read_source


Source = tuple[Path, str, "bytes | None"]
"""An article file: its path, its SHA-256 and its bytes when they were read."""


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """What a build needs to know of every article, even of one whose pages are all published
    already: a site's articles are unpickled whole only where a page is made anew."""

    path: Path
    slug: str
    markup: str
    has_disclaimer: bool
    source: Source
    key: str
    """The article's cache key (see :func:`load_articles`)."""
    article: Article | None = field(default=None, compare=False, repr=False)
    """The article itself when it had to be parsed to know its head (not in the cache): a
    build that makes its pages then does not parse it a second time."""


def _sources(config: Config) -> list[Source]:
    """The project's article files in name order, each with its digest; an article untouched
    since the last run is not even read (:mod:`pipeline.filememo`)."""
    paths = find_articles(config.folder("source_dir"), config.root)
    memo = FileMemo(project_cache(config.root), "articles", config.root)
    sources: list[Source] = []
    for path in paths:
        try:
            sha, data = memo.digest(path)
        except OSError:
            data = read_source(path)  # the one-line error of a file that cannot be read
            sha = hashlib.sha256(data).hexdigest()
        sources.append((path, sha, data))
    memo.save()
    return sources


def load_articles(config: Config, sources: list[Source] | None = None) -> tuple[list[Article], list[str]]:
    """The project's articles in name order (or those of ``sources``), with each one's cache key
    (later results that depend on an article, such as its template, are keyed on it): made of
    its path and digest."""
    cache = project_cache(config.root)
    articles, keys = cached_map(cache, "article", _sources(config) if sources is None else sources, _parts, article_of)
    cache.flush()
    return articles, keys


def load_article_heads(config: Config) -> list[ArticleHead]:
    """The head of every article in name order, from the cache where the article was seen
    before (the article itself is parsed or unpickled only where it was not)."""
    cache = project_cache(config.root)
    sources = _sources(config)
    keys = [cache.key("article", *_parts(source)) for source in sources]
    head_keys = [cache.key("article-head", key) for key in keys]
    found = cache.get_many(head_keys, remember=False) if cache.enabled else {}
    heads: list[ArticleHead | None] = []
    for source, key, head_key in zip(sources, keys, head_keys):
        head = found.get(head_key)
        if isinstance(head, tuple) and len(head) == 3:
            slug, markup, has_disclaimer = head
            heads.append(ArticleHead(source[0], slug, markup, has_disclaimer, source, key))
        else:
            heads.append(None)
    missing = [index for index, head in enumerate(heads) if head is None]
    if missing:
        articles, _ = load_articles(config, [sources[index] for index in missing])
        for index, article in zip(missing, articles):
            has_disclaimer = bool(article.required_blocks)
            cache.put(head_keys[index], (article.slug, article.markup, has_disclaimer), remember=False)
            heads[index] = ArticleHead(article.path, article.slug, article.markup, has_disclaimer, sources[index], keys[index], article)
        cache.flush()
    return [head for head in heads if head is not None]


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


def parse_catalogs(config: Config, sources: list[tuple[Path, bytes]], store: bool = True) -> list[Catalog | InputError]:
    """Catalogues from bytes already read (``update`` reads them with their file's identity),
    each parsed once per content; a file that does not parse gives its error. ``store=False``:
    what is parsed now is not kept (``update`` keeps only the parses of files it leaves as they
    are, :func:`remember_catalog`: the others are about to be replaced)."""
    cache = project_cache(config.root)
    results, _ = cached_map(cache, "catalog", sources, _parts, _catalog_or_error, keep=_is_catalog if store else _never)
    cache.flush()
    return results


def remember_catalog(config: Config, path: Path, data: bytes, catalog: Catalog) -> None:
    """Keep ``catalog`` as the parse of ``data`` (read from ``path``), as :func:`parse_catalogs`
    would have (the caller flushes the cache)."""
    cache = project_cache(config.root)
    cache.put(cache.key("catalog", *_parts((path, data))), catalog)


def _never(value: object) -> bool:
    return False


def _is_catalog(value: object) -> bool:
    return isinstance(value, Catalog)


def _catalog_or_error(source: tuple[Path, bytes]) -> Catalog | InputError:
    try:
        return parse_po(source[1], source[0])
    except InputError as exc:
        return exc


def _parts(source: tuple[Path, bytes] | Source) -> tuple[bytes | str, ...]:
    """A file's key parts: its path, and its bytes (catalogues) or their digest (articles)."""
    return (str(source[0]), source[1])


def article_of(source: Source) -> Article:
    """The article of a file known by its digest, read now if its bytes were not: from the
    bytes its key was made of, or not at all (its cache key would name another text)."""
    path, sha, data = source
    if data is None:
        data = read_source(path)
        if hashlib.sha256(data).hexdigest() != sha:
            raise SourceError(path, None, "changed while being read; run the command again")
    return article_from_bytes(path, data)
