"""Extraction: articles (and the page templates) → gettext templates, ``locale/<domain>.pot``.

Principles:

- One domain per article (its slug) plus ``ui`` for the templates' own words, so that a
  translator can finish one article at a time and a new article never disturbs the others.
- Identical text is one message: its references list every place, its ``#.`` comments every
  kind of place (a text that is both a heading and a list item says so).
- Messages keep document order (by first occurrence), as xgettext does, so a template reads
  like the article and diffs stay small.
- Same input, same output: ``POT-Creation-Date`` changes only when the messages change (or
  comes from ``SOURCE_DATE_EPOCH``), so running extract twice changes no byte.
- A project that needs a disclaimer gets an error, not a silent page, when an article lacks it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .catalogs import Catalog, Message, format_po, read_po
from .catalogs.model import FUZZY
from .config import Config
from .errors import CatalogError, OutputError, SourceError
from .files import write_atomic
from .lock import project_lock
from .segments import Segment, extract_segments
from .cache import project_cache
from .loading import ArticleHead, load_article_heads, load_articles
from .parallel import parallel_map
from .sources import Article
from .ui import ui_template

UI_DOMAIN = "ui"
_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.MULTILINE)
_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d\+0000")
"""A creation date as :func:`now_stamp` writes it."""
GENERATOR = "translatio"


@dataclass(frozen=True, slots=True)
class Template:
    """A domain's template as extracted, before it is written."""

    domain: str
    catalog: Catalog
    path: Path
    """``locale/<domain>.pot``."""
    source_key: str = ""
    """The cache key of the article it comes from (``""`` for the ``ui`` domain)."""


def read_articles(config: Config) -> list[Article]:
    """Every article of the project, checked: unique slugs, a disclaimer where one is required."""
    return checked_articles(config)[0]


def checked_articles(config: Config) -> tuple[list[Article], list[str]]:
    """:func:`read_articles` with each article's cache key (see :mod:`pipeline.loading`)."""
    articles, keys = load_articles(config)
    check_articles(config, [(a.path, a.slug, a.markup, bool(a.required_blocks)) for a in articles])
    return articles, keys


def checked_article_heads(config: Config) -> list[ArticleHead]:
    """What :func:`checked_articles` checks, on the articles' heads (what a build needs of an
    article whose pages it does not make again)."""
    heads = load_article_heads(config)
    check_articles(config, [(h.path, h.slug, h.markup, h.has_disclaimer) for h in heads])
    return heads


def check_articles(config: Config, articles: list[tuple[Path, str, str, bool]]) -> None:
    """Unique slugs, and a disclaimer where one is required: each article as (path, slug,
    markup, has a disclaimer); the first problem raises."""
    seen: dict[str, Path] = {}
    for path, slug, markup, has_disclaimer in articles:
        if slug in seen:
            other = config.relative(seen[slug])
            raise SourceError(path, 1, f"slug {slug!r} is already used by {other}")
        seen[slug] = path
        if config.require_disclaimer and not has_disclaimer:
            hint = "a paragraph starting with 'Disclaimer:'" if markup == "text" else "a '::: disclaimer' … ':::' block"
            raise SourceError(path, None, f"no disclaimer: add {hint}, or set require_disclaimer = false in [tool.translatio]")


def article_template(article: Article, config: Config) -> Catalog:
    """The template of one article: its segments as messages, identical texts merged."""
    reference = config.relative(article.path)
    return messages_to_catalog(extract_segments(article), reference)


def messages_to_catalog(segments: tuple[Segment, ...], reference: str) -> Catalog:
    """Segments as messages, identical texts merged in order of first occurrence.

    Each text's kinds and places are collected in lists and its message is built once at the
    end: rebuilding the message at every repeat copied its growing reference list each time,
    which made 160,000 repeated paragraphs take minutes (quadratic in the repeats).
    """
    places: dict[str, tuple[list[str], list[str]]] = {}
    for segment in segments:
        kinds, references = places.setdefault(segment.text, ([], []))
        if segment.kind not in kinds:  # a handful of kinds at most
            kinds.append(segment.kind)
        references.append(f"{reference}:{segment.line}")
    messages = (Message(text, extracted_comments=tuple(kinds), references=tuple(refs)) for text, (kinds, refs) in places.items())
    return Catalog(messages=tuple(messages))


def template_header(domain: str, config: Config, created: str) -> Message:
    fields = {
        "Project-Id-Version": f"{config.project_name} {domain}",
        "Report-Msgid-Bugs-To": config.bugs_address,
        "POT-Creation-Date": created,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    comments = (
        f"Translation template for the {domain!r} domain of {config.project_name}.",
        "Generated by 'translatio extract': edit the sources, not this file.",
    )
    return Catalog(header=Message("", translator_comments=comments, flags=(FUZZY,))).with_header_fields(fields).header


def extract_templates(config: Config) -> list[Template]:
    """Read every source and build the templates, without writing anything."""
    articles, keys = checked_articles(config)
    templates = [_template(config, article, key) for article, key in zip(articles, keys)]
    templates.append(Template(UI_DOMAIN, ui_template(config), config.locale_dir / f"{UI_DOMAIN}.pot"))
    return templates


def _template(config: Config, article: Article, key: str, catalog: Catalog | None = None) -> Template:
    catalog = catalog if catalog is not None else article_template(article, config)
    return Template(article.slug, catalog, config.locale_dir / f"{article.slug}.pot", key)


def now_stamp() -> str:
    """The creation date for a changed template: ``SOURCE_DATE_EPOCH`` if set, else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _current_bytes(path: Path, domain: str) -> bytes | None:
    """The template file as it is now (``None`` when there is none yet)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise OutputError(f"{path}: is a folder, where the template of {domain!r} goes; move it away") from exc
    except OSError as exc:
        raise OutputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def finish_template(template: Template, config: Config, current: bytes | None = None, created: str | None = None) -> tuple[Catalog, str]:
    """The template with its header, and its file text; the old creation date is kept when
    nothing else changed (``current``: the file's bytes, read by the caller, or read here;
    ``created``: the date of a changed template, one per run, else now)."""

    def dated(created: str) -> tuple[Catalog, str]:
        header = template_header(template.domain, config, created)
        catalog = replace(template.catalog, header=header, path=template.path)
        return catalog, format_po(catalog)

    if current is None:
        current = _current_bytes(template.path, template.domain)
    created = created or now_stamp()
    if current is None:
        return dated(created)
    found = _CREATION_DATE.search(current)
    if not found:
        return dated(created)
    old = found.group(1).decode("utf-8", "replace")  # read from the bytes: no need to parse the file
    kept = dated(old)
    if kept[1].encode("utf-8") == current:
        return kept
    if not _STAMP.fullmatch(old):
        return dated(created)
    # Only the date differs, and it has the same length: the header's line changes, no other byte
    # (formatting the whole template again would give the same text; a large site changes
    # hundreds of templates in one update).
    line = f'"POT-Creation-Date: {old}\\n"'
    if kept[1].count(line) != 1:
        return dated(created)
    catalog = replace(kept[0], header=template_header(template.domain, config, created))
    return catalog, kept[1].replace(line, f'"POT-Creation-Date: {created}\\n"')


@dataclass(frozen=True, slots=True)
class Extraction:
    """Every domain's template, finished (header, date) and formatted, not yet written."""

    templates: tuple[Template, ...]
    catalogs: dict[Path, Catalog]
    """The finished templates by path, ``locale/<domain>.pot``."""
    texts: dict[Path, str]
    """Their file contents."""


def extract_project(config: Config, read: tuple[list[Article], list[str]] | None = None) -> Extraction:
    """Extract every domain and finish its template; nothing is written yet (``read``: the
    articles and their keys, as :func:`checked_articles` gives them, when the caller has them).

    A template whose article and file are as when it was last finished (the cache) is neither
    built nor formatted again: formatting a thousand templates to find them unchanged was most
    of an ``update`` after a small edit."""
    articles, keys = read if read is not None else checked_articles(config)
    cache = project_cache(config.root)
    templates: list[Template] = []
    finished: dict[Path, tuple[Catalog, str]] = {}
    paths = [config.locale_dir / f"{article.slug}.pot" for article in articles]
    currents = [_current_bytes(path, article.slug) for path, article in zip(paths, articles)]
    lookups = [_template_key(config, source_key, current) if current is not None else "" for source_key, current in zip(keys, currents)]
    held = cache.get_many(k for k in lookups if k)
    created = now_stamp()  # one date for every template this run changes
    missing = [(article, source_key, current) for article, source_key, current, key in zip(articles, keys, currents, lookups) if held.get(key) is None]
    built = iter(parallel_map(partial(_build_template, config, created), missing))
    for article, source_key, path, current, key in zip(articles, keys, paths, currents, lookups):
        found = held.get(key) if key else None
        if found is None:
            template, found = next(built)
            if key and found[1].encode("utf-8") == current:
                cache.put(key, found)
        else:
            template = _template(config, article, source_key, found[0])
        templates.append(template)
        finished[path] = found
    ui = Template(UI_DOMAIN, ui_template(config), config.locale_dir / f"{UI_DOMAIN}.pot")
    templates.append(ui)
    finished[ui.path] = finish_template(ui, config, created=created)
    cache.flush()
    return Extraction(tuple(templates), {path: pair[0] for path, pair in finished.items()}, {path: pair[1] for path, pair in finished.items()})


def _build_template(config: Config, created: str, item: tuple[Article, str, bytes | None]) -> tuple[Template, tuple[Catalog, str]]:
    """An article's template, built and finished (in a worker when many changed)."""
    article, source_key, current = item
    template = _template(config, article, source_key)
    return template, finish_template(template, config, current, created)


def _template_key(config: Config, source_key: str, data: bytes) -> str:
    """The cache key of a finished template: its article's key, the settings and the file's bytes."""
    return project_cache(config.root).key("template", source_key, config.fingerprint(), data)


def remember_finished(config: Config, extraction: Extraction, written: list[Path]) -> None:
    """Note in the cache that the templates just written are finished as they are: the
    :func:`extract_project` that follows (a ``check`` or ``build`` after ``update``) takes them as
    they are instead of building and formatting each again to find it unchanged."""
    cache = project_cache(config.root)
    done = set(written)
    for template in extraction.templates:
        if template.source_key and template.path in done:
            text = extraction.texts[template.path]
            cache.put(_template_key(config, template.source_key, text.encode("utf-8")), (extraction.catalogs[template.path], text))


def write_templates(config: Config, texts: dict[Path, str]) -> list[Path]:
    """Write finished templates (only those whose bytes change); drop ours of vanished articles."""
    with project_lock(config):
        changed = [path for path, text in texts.items() if write_atomic(path, text)]
        for stale in stale_templates(config, texts):
            stale.unlink()
            changed.append(stale)
    return changed


def stale_templates(config: Config, texts: dict[Path, str]) -> list[Path]:
    """Our templates of articles that are gone (a stranger's ``.pot`` is left alone)."""
    return [path for path in sorted(config.locale_dir.glob("*.pot")) if path not in texts and _is_ours(path)]


def _is_ours(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    try:
        return read_po(path).header_fields.get("X-Generator") == GENERATOR
    except CatalogError:  # a broken stranger's file is not ours to delete
        return False
