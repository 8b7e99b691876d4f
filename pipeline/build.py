"""Building the site: every article in every locale, verified, then published.

Principles:

- Nothing half-written, nothing unverified: pages are rendered into a staging folder beside
  ``build/``, every page is read back by :mod:`pipeline.verify`, and only when all pass is
  anything published, by :mod:`pipeline.publish`, which replaces only a folder translatio
  built and never leaves the site missing. On any error the old ``build/`` stays as it was.
- Published whole the first time, in place after: a clean build swaps the staging folder in for
  ``build/`` in one step; when ``build/`` is exactly as the last build left it
  (:mod:`pipeline.sitestate`), only the pages whose inputs changed are rendered and only the
  files whose bytes differ are moved in, one rename each, the build record last
  (:func:`_publish_changes`). Either way the folder ends byte for byte the same (tests).
- All input is read and checked before rendering starts (sources, catalogues, templates), so
  bad input fails fast with ``path:line``; an input untouched since the last run is known by
  its digest without being read (:mod:`pipeline.filememo`).
- Same input, same output: no timestamps in pages or the build record, files in a fixed order, so two
  builds without a change are byte-identical.
- Each locale is built under its publish policy (``publish``, ``required_review``); the
  manifest records, per page and per segment, the state each was published in, where its
  translation came from and who reviewed it (:mod:`pipeline.provenance`).
- Work in proportion to the change: the HTML and text of an article in a locale are kept in the
  content-addressed cache (:mod:`pipeline.cache`), keyed on everything they are made from — the
  article's bytes, the bytes of its catalogue and of the ``ui`` catalogue, every template and
  the stylesheet, the settings, the list of locales and the code itself — so a page whose inputs
  did not change is not rendered again (a template's change changes every key: all are
  rendered). Every page published is first written to the staging folder and read back. The cache holds
  only pages that passed verification, under keys that cover everything the verdict depends on
  (the page's inputs, the templates and stylesheet, the settings, the code), so a page from the
  cache must read back byte for byte as the page that passed; a page rendered anew is verified
  in full. The published tree is byte-identical to a build without the cache (tests). Cached pages are fetched and
  stored one locale at a time and not kept in the process: a large site's pages are never all
  in memory.
- ``-l`` builds the source language and the given locales only; the switcher and the indexes
  then list just those.
- Beside the pages: the build record :data:`RECORD` (every file with its hash, the share
  translated, the disclaimer's state — not named ``manifest.json``, which is a web-app
  manifest's name), ``robots.txt`` and, with ``base_url``, ``sitemap.xml``
  (:mod:`pipeline.discovery`). ``status.html`` (completeness, the disclaimer per locale,
  findings of ``check``) and ``badges/<locale>.svg`` only when asked (``publish_status``):
  a published site is for readers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import partial
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment
from markupsafe import Markup

from .catalogs import Catalog
from .catalogs.reader import parse_po
from . import discovery, sitestate
from .checks import run_checks, write_status
from .checks.runner import CheckReport, Loaded
from .config import Config, PublishPolicy
from .errors import VerificationError
from .extract import UI_DOMAIN, checked_article_heads
from .files import write_new
from .locales import LocaleInfo, locale_info, normalize_locale
from .cache import digest, project_cache
from .errors import CatalogError, InputError
from .filememo import FileMemo
from .loading import ArticleHead, article_of, load_articles, load_catalogs, parse_catalogs
from .page import PageText
from .parallel import can_fork, usable_cpus, worker_pool
from .provenance import SegmentRecord
from .progress import report
from .publish import STAMP, Target, prepare_target, publish, publish_in_place, publish_lock, staging_folder
from .render import article_page, load_template, make_environment, reading_minutes, render_template
from .sources import Article
from .textpage import DISCLAIMER_NOTICE, render_article_text
from .ui import CatalogTranslations, templates_dir
from .update import po_path
from .verify import expected_disclaimer, expected_notice, verify_page
from .visibility import SiteStyles

TEMPLATES = ("article.html.j2", "index.html.j2", "languages.html.j2")
STYLESHEET = "style.css"
RECORD = "translatio-build.json"
"""The build record, at the build folder's root."""


@dataclass(frozen=True, slots=True)
class Output:
    """One published file, as the build record lists it."""

    path: str
    """Relative to the build folder, with ``/``."""
    locale: str
    article: str | None
    translated: float | None
    """Share of the article's segments shown translated."""
    disclaimer: str | None
    """``source`` (the source-language page), ``translated``, or ``fallback`` (the English text)."""
    sha256: str
    withheld: tuple[str, ...] = ()
    """Translations shown in English for a reason other than being missing or fuzzy, as
    ``source/a.md:12: why`` (a translation that would change the author's HTML tags)."""

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "path": self.path,
            "locale": self.locale,
            "article": self.article,
            "translated": self.translated,
            "disclaimer": self.disclaimer,
            "sha256": self.sha256,
        }
        if self.withheld:
            row["withheld"] = list(self.withheld)
        return row


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One article in one locale, as the build record's ``pages`` lists it: how each segment
    went out. Kept as its JSON line (:func:`page_row`), made once when the page is rendered and
    cached with it: a large site's record is written without reading its segments again."""

    locale: str
    article: str
    outputs: tuple[str, ...]
    """The page's files (HTML and text), relative to the build folder."""
    in_english: int
    """Segments shown in English (what the notice at the top of the page counts)."""
    row: str
    """The record's entry, as JSON."""

    def as_dict(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.row)
        return value


def page_row(locale: str, article: str, outputs: tuple[str, ...], in_english: int, segments: tuple[SegmentRecord, ...]) -> str:
    """The build record's entry for one article in one locale, as one line of JSON."""
    states = [s.state for s in segments if s.kind != "description"]
    row = {
        "locale": locale,
        "article": article,
        "outputs": list(outputs),
        "in_english": in_english,
        "reviewed": states.count("reviewed"),
        "translated": states.count("translated"),
        "segments": [s.as_dict() for s in segments],
    }
    return json.dumps(row, ensure_ascii=False)


def output_row(output: Output) -> bytes:
    """A published file's row of the build record, as one line of JSON."""
    return json.dumps(output.as_dict(), ensure_ascii=False).encode("utf-8")


def record_json(head: dict[str, Any], outputs: list[bytes], pages: list[bytes]) -> bytes:
    """The build record: its head indented, then one line per file (:func:`output_row`) and per
    page (:func:`page_row`), so that a review (or a ``git diff`` of two builds) reads page by
    page, a large site's record is written in one pass of the C JSON encoder, and a build in
    place takes the rows of what it did not publish again from the previous record as they are
    (:func:`pipeline.sitestate.record_rows`)."""
    lines = json.dumps(head, ensure_ascii=False, indent=2).rstrip("}").rstrip()
    parts = [(lines + ("," if head else "")).encode("utf-8")]
    for name, rows in ((b"outputs", outputs), (b"pages", pages)):
        body = b",\n    ".join(rows)
        parts.append(b'  "' + name + b'": [\n    ' + body + b"\n  ]" if rows else b'  "' + name + b'": []')
    return b"".join([parts[0], b"\n", parts[1], b",\n", parts[2], b"\n}\n"])


@dataclass(frozen=True, slots=True)
class BuildResult:
    folder: Path
    outputs: tuple[Output, ...]
    notes: tuple[str, ...] = ()
    """What the user should know about the site built (one line each), such as no ``base_url``."""
    changed: int | None = None
    """Files replaced, added or removed in place; ``None`` when the whole folder was replaced."""

    def in_place_note(self) -> str:
        """How the build was published, for the command's summary line ("" for a whole folder)."""
        if self.changed is None:
            return ""
        return f"; {self.changed} changed, published in place" if self.changed else "; nothing changed"


@dataclass(frozen=True, slots=True)
class _Alternate:
    locale: LocaleInfo
    href: str
    """Relative, for the language switcher."""
    current: bool
    url: str = ""
    """For ``<link rel="alternate">``: absolute with ``base_url``, else as ``href``."""
    og_locale: str = ""


def build_site(
    config: Config,
    locales: list[str] | None = None,
    out_dir: Path | None = None,
    workers: int | None = None,
    status: bool | None = None,
    clean: bool = False,
) -> BuildResult:
    """Render, verify and publish every page; raises before touching ``out_dir`` on any failure.

    ``out_dir`` (default: ``build_dir``) is replaced only if translatio built it (see
    :mod:`pipeline.publish`); that is checked first, before anything is read or rendered.
    Locales are rendered in parallel worker processes (``workers``, default: the usable CPUs,
    for sites big enough to gain from it); the pages are the same whatever the number.
    ``status`` (default: the ``publish_status`` setting) also publishes ``status.html`` and
    ``badges/``. Where the folder is as the last build left it, only what changed is published,
    in place (:func:`_publish_changes`); ``clean`` builds every page and swaps the whole tree.
    """
    for key in ("source_dir", "locale_dir"):
        config.folder(key)  # a misspelt folder must not publish an empty site over the full one
    templates = templates_dir(config)
    target = prepare_target(config, out_dir)
    out = target.given
    source = locale_info(config.source_locale)
    codes = [normalize_locale(c) for c in locales] if locales else list(config.target_locales())
    targets = [source, *(locale_info(c) for c in codes if c != source.code)]
    articles = checked_article_heads(config)
    article_keys = [a.key for a in articles]
    files = _catalog_files(config, [t.code for t in targets[1:]], articles)
    cache = project_cache(config.root)
    keys, shared = _page_keys(cache, config, targets, articles, article_keys, {k: sha for k, (_, sha, _) in files.items()}, templates)
    publish_status = config.publish_status if status is None else status
    cached = set() if publish_status else cache.present(keys.values())
    needed = [k for k in files if k[1] == UI_DOMAIN or keys.get(k) not in cached]
    catalogs = _parse_catalogs(config, files, needed)
    env = make_environment(templates)
    for name in TEMPLATES:
        load_template(env, name)  # a broken template fails now, before any rendering
    stylesheet = templates / STYLESHEET
    css = stylesheet.read_text(encoding="utf-8") if stylesheet.is_file() else None
    styles = SiteStyles(css, config.allow_scripts)
    policies = {t.code: config.policy_for(t.code) for t in targets}
    head = {
        "version": 1,
        "source_locale": source.code,
        "locales": [t.code for t in targets],
        "policies": {t.code: _policy_dict(policies[t.code]) for t in targets[1:]},
    }
    notes = () if config.base_url else (discovery.NO_BASE_URL,)

    with staging_folder(target) as staging:
        uncached = {slug for (_, slug), key in keys.items() if key not in cached}
        wanted = [h for h in articles if h.slug in uncached or publish_status]
        full = {h.slug: h.article for h in wanted if h.article is not None}  # parsed for their heads already
        full.update((a.slug, a) for a in load_articles(config, [h.source for h in wanted if h.article is None])[0])
        minutes = {slug: reading_minutes(a) for slug, a in full.items() if slug in uncached}
        sources = {a.slug: config.relative(a.path) for a in articles}
        unloaded = {k: path for k, (path, _, _) in files.items() if k not in catalogs}
        site = _Site(env, staging, tuple(targets), tuple(articles), catalogs, minutes, styles, sources, policies, config.base_url, keys, unloaded, full)

        def reused(code: str, slugs: list[str]) -> dict[str, Any]:
            """One locale's pages from the cache: one locale in memory at a time, not kept."""
            if not cache.enabled:
                return {}
            return cache.get_many([keys[code, slug] for slug in slugs], remember=False)

        def rendered(pages: dict[str, _RenderedPage]) -> None:
            for key, value in pages.items():
                cache.put(key, value, remember=False)
            cache.flush()

        if cache.enabled and not publish_status and not clean:
            with publish_lock(target):  # from reading the state to saving it: one build at a time
                state = sitestate.load(cache, target.folder, shared)
                plan = _plan(site, state, target.folder) if state is not None else None
                if plan is not None:
                    outputs, changed = _publish_changes(site, plan, target, workers, reused, rendered, stylesheet, head, cache)
                    return BuildResult(out, tuple(outputs), notes, changed)
        loaded = Loaded({c.path: c for c in catalogs.values() if c is not None and c.path is not None}, [full[a.slug] for a in articles] if publish_status else [], article_keys)

        def checked() -> CheckReport | None:
            if not publish_status:
                return None
            return run_checks(config, [t.code for t in targets[1:]], freshness=False, loaded=loaded)

        done = _render_locales(site, workers, checked, reused, rendered)
        _raise_failures(out, done.failures)
        outputs = done.outputs + _render_shared(site, stylesheet)
        if done.report is not None:
            write_status(done.report, staging / "status.html", staging / "badges", {t.code: f"{t.code}/index.html" for t in targets})
        write_new(staging / RECORD, record_json(head, [output_row(o) for o in outputs], [p.row.encode("utf-8") for p in done.pages]))
        remember = None
        sitestate.save(cache, target.folder, None)  # the state of the folder replaced is void from now on
        if cache.enabled and not publish_status:  # (a site with a status page is always built whole)
            state = sitestate.SiteState(shared, pages={k: (keys[k], t) for k, t in done.titles.items()})
            remember = partial(_remember, cache, target, state, outputs)
        publish(staging, target, then=remember)
    return BuildResult(out, tuple(outputs), notes)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a build in place publishes: the folder is as the last build left it, but for these."""

    state: sitestate.SiteState
    on_disk: dict[str, sitestate.Identity]
    pages: frozenset[tuple[str, str]]
    """(locale, slug) pages whose inputs changed, or whose files are not as published."""
    indexes: frozenset[str]
    """Locales whose list of articles changes (an article added or removed), or whose list is
    not as published; also made again where a page published has a new title."""
    record: bytes
    """The previous build record."""

    def intact(self, path: str) -> bool:
        """The file is on disk as the last build published it."""
        known = self.state.files.get(path)
        return known is not None and self.on_disk.get(path) == known[1]

    def holds(self, output: Output) -> bool:
        """The folder holds ``output`` already: the same bytes, as the last build published them."""
        known = self.state.files.get(output.path)
        return self.intact(output.path) and known is not None and known[0] is not None and known[0][5] == output.sha256


def _plan(site: _Site, state: sitestate.SiteState, folder: Path) -> _Plan | None:
    """What to publish in place, or ``None`` when the folder is not as ``state`` says (a file
    nobody published, the stamp or the build record changed): then a clean build replaces it."""
    on_disk = sitestate.identities(folder)
    if on_disk is None or not on_disk.keys() <= state.files.keys():
        return None
    if any(fixed not in state.files or on_disk.get(fixed) != state.files[fixed][1] for fixed in (STAMP, RECORD)):
        return None
    try:
        record = (folder / RECORD).read_bytes()
    except OSError:
        return None
    plan = _Plan(state, on_disk, frozenset(), frozenset(), record)
    source = site.targets[0].code
    wanted = {(t.code, a.slug) for t in site.targets for a in site.articles}
    pages = set()
    files, known_pages, keys = state.files, state.pages, site.keys
    for code, slug in wanted:
        before = known_pages.get((code, slug))
        html, text = files.get(f"{code}/{slug}.html"), files.get(f"{code}/{slug}.txt")
        if (
            before is None
            or before[0] != keys[code, slug]
            or html is None
            or text is None
            or on_disk.get(f"{code}/{slug}.html") != html[1]
            or on_disk.get(f"{code}/{slug}.txt") != text[1]
        ):
            pages.add((code, slug))
    gone = [key for key in state.pages if key not in wanted]
    added = {code for code, slug in pages if (code, slug) not in state.pages}
    indexes = added | {code for code, _ in gone} | {t.code for t in site.targets if not plan.intact(f"{t.code}/index.html")}
    return replace(plan, pages=frozenset(pages), indexes=frozenset(indexes))


def _publish_changes(
    site: _Site,
    plan: _Plan,
    target: Target,
    workers: int | None,
    reused: Callable[[str, list[str]], dict[str, Any]],
    rendered: Callable[[dict[str, _RenderedPage]], None],
    stylesheet: Path,
    head: dict[str, Any],
    cache: Any,
) -> tuple[list[Output], int]:
    """Publish in place what ``plan`` says changed: those pages rendered (or taken from the
    cache) and verified as in a clean build, the lists of articles, shared files and build record
    made again, and only the files whose bytes differ from the published ones moved into the
    folder, each in one rename, the build record last. The tree is the one a clean build
    publishes (tests). Runs under the publishing lock. Returns the outputs and how many files
    changed (the build record aside)."""
    state = plan.state
    site.only, site.indexes = plan.pages, plan.indexes
    site.titles = {key: title for key, (_, title) in state.pages.items()}
    done = _render_locales(site, workers, lambda: None, reused, rendered)
    _raise_failures(target.given, done.failures)
    fresh = {o.path: o for o in done.outputs + _render_shared(site, stylesheet)}
    staged = set(fresh)
    outputs: list[Output] = []
    for locale in site.targets:
        paths = [f"{locale.code}/{a.slug}{suffix}" for a in site.articles for suffix in (".html", ".txt")]
        for path in [*paths, f"{locale.code}/index.html"]:
            known = state.files[path][0] if path not in fresh else None
            outputs.append(fresh.pop(path) if known is None else Output(*known))
    outputs += fresh.values()  # the shared files, in the order a clean build lists them
    pages = [(t.code, a.slug) for t in site.targets[1:] for a in site.articles]
    record = sitestate.splice_record(
        plan.record,
        sitestate.Layout([p for p in state.files if p not in (STAMP, RECORD)], [k for k in state.pages if k[0] != site.targets[0].code]),
        sitestate.Layout([o.path for o in outputs], pages),
        {o.path: output_row(o) for o in outputs if o.path in staged},
        {(p.locale, p.article): p.row.encode("utf-8") for p in done.pages},
        partial(record_json, head),
    )
    if record is None:  # the record lacks a row it should have: no guess, a clean build
        raise VerificationError(f"{target.given / RECORD}: does not list what the last build published; build again with --clean")
    moving = [o.path for o in outputs if o.path in staged and not plan.holds(o)]
    if record != plan.record:
        write_new(site.staging / RECORD, record)
        moving.append(RECORD)
    published = {o.path for o in outputs} | {STAMP, RECORD}
    removed = [path for path in state.files if path not in published]  # an article gone, a sitemap part fewer
    changed = len([p for p in moving if p != RECORD]) + len(removed)
    if not moving and not removed:
        return outputs, 0
    sitestate.journal(cache, target.folder, [*moving, *removed])  # no longer vouched for, should we be killed
    state.drop(removed)
    publish_in_place(site.staging, target, moving, removed)
    identities = {path: identity for path, (_, identity) in state.files.items()}
    identities.update({path: sitestate.identity(target.folder / path) for path in moving})
    state.files = _published_files(outputs, identities)
    titles = {**site.titles, **done.titles}
    state.pages = {(t.code, a.slug): (site.keys[t.code, a.slug], titles[t.code, a.slug]) for t in site.targets for a in site.articles}
    sitestate.save(cache, target.folder, state)
    return outputs, changed


def _raise_failures(out: Path, failures: list[tuple[str, str]]) -> None:
    if failures:
        first = failures[0]
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise VerificationError(f"{out / first[0]}: {first[1]}; nothing was published{more}")


def _remember(cache: Any, target: Target, state: sitestate.SiteState, outputs: list[Output]) -> None:
    """Keep what a clean build published, read from the folder just published (under the
    publishing lock), for the next build to publish in place."""
    found = sitestate.identities(target.folder)
    if found is None or found.keys() != {o.path for o in outputs} | {STAMP, RECORD}:
        return
    state.files = _published_files(outputs, found)
    sitestate.save(cache, target.folder, state)


def _published_files(outputs: list[Output], identities: dict[str, sitestate.Identity]) -> dict[str, tuple[sitestate.OutputRow | None, sitestate.Identity]]:
    """The state's files: each output's record row and identity, in the record's order (so that
    the next build finds the same layout), then the stamp and the record, which it does not list."""
    files: dict[str, tuple[sitestate.OutputRow | None, sitestate.Identity]] = {
        o.path: ((o.path, o.locale, o.article, o.translated, o.disclaimer, o.sha256, o.withheld), identities[o.path]) for o in outputs
    }
    for fixed in (STAMP, RECORD):
        files[fixed] = (None, identities[fixed])
    return files


def _policy_dict(policy: PublishPolicy) -> dict[str, Any]:
    return {"publish": policy.publish, "required_review": policy.required_review}


def _catalog_files(config: Config, codes: list[str], articles: list[ArticleHead]) -> dict[tuple[str, str], tuple[str, str, bytes | None]]:
    """The path and digest of every catalogue the pages may need, by (locale, domain), with its
    bytes when they had to be read (a catalogue untouched since the last build is not read:
    :mod:`pipeline.filememo`); a locale without a catalogue yet has no entry. What the page keys
    are made of: nothing is parsed here (paths stay strings: a site has tens of thousands)."""
    memo = FileMemo(project_cache(config.root), "catalogues", config.root)
    domains = [*(a.slug for a in articles), UI_DOMAIN]
    found: dict[tuple[str, str], tuple[str, str, bytes | None]] = {}
    for code in codes:
        folder = str(po_path(config, code, UI_DOMAIN).parent)
        for domain in domains:
            name = f"{folder}/{domain}.po"
            try:
                sha, data = memo.digest(name)
            except FileNotFoundError:
                continue
            except OSError:
                load_catalogs(config, [Path(name)])  # the one-line error of the file that cannot be read
                raise
            found[code, domain] = (name, sha, data)
    memo.save()
    return found


def _bytes_of(file: tuple[str, str, bytes | None]) -> bytes:
    """A catalogue's bytes, read now if the memo knew its digest (a catalogue that cannot be read
    is its one-line error)."""
    name, _, data = file
    if data is None:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise CatalogError(Path(name), None, f"cannot read: {exc.strerror or exc}") from exc
    return data


def _parse_catalogs(
    config: Config, files: dict[tuple[str, str], tuple[str, str, bytes | None]], needed: list[tuple[str, str]]
) -> dict[tuple[str, str], Catalog | None]:
    """The catalogues that pages to render need, each parsed once per content
    (:mod:`pipeline.loading`); one that does not parse fails the build before anything is
    rendered. A catalogue whose pages all come from the cache is not parsed: those pages were
    made from these very bytes, which parsed then."""
    parsed = parse_catalogs(config, [(Path(files[key][0]), _bytes_of(files[key])) for key in needed])
    for value in parsed:
        if isinstance(value, InputError):
            raise value
    return {key: value for key, value in zip(needed, parsed) if isinstance(value, Catalog)}


@dataclass(frozen=True, slots=True)
class _RenderedPage:
    """An article's pages in one locale, as the cache keeps them."""

    html: str
    text: str
    title: PageText
    """For the locale's index (without its parsed tokens)."""
    translated: float
    disclaimer: str
    withheld: tuple[str, ...]
    in_english: int
    """Segments shown in English (the notice at the top of the page counts them)."""
    row: str
    """How each segment went out, for the build record's provenance (:func:`page_row`)."""


def _page_keys(
    cache: Any,
    config: Config,
    targets: list[LocaleInfo],
    articles: list[ArticleHead],
    article_keys: list[str],
    catalogs: dict[tuple[str, str], str],
    templates: Path,
) -> tuple[dict[tuple[str, str], str], str]:
    """The cache key of each article's pages in each locale: everything the pages are made of;
    and the digest of what every page is made of (settings, languages, templates)."""
    files = sorted(p for p in templates.iterdir() if p.is_file()) if templates.is_dir() else []
    shared = digest(
        config.fingerprint(),
        ",".join(t.code for t in targets),
        *[part for path in files for part in (path.name.encode("utf-8"), path.read_bytes())],
    )
    keys = {}
    for t in targets:
        locale = cache.keyer("page", shared, t.code, catalogs.get((t.code, UI_DOMAIN), ""))
        for a, key in zip(articles, article_keys):
            keys[t.code, a.slug] = locale(key, catalogs.get((t.code, a.slug), ""))
    return keys, shared


def _write(folder: Path, relative: str, content: str) -> str:
    data = content.encode("utf-8")
    write_new(folder / relative, data)
    return hashlib.sha256(data).hexdigest()


def _alternates(
    targets: list[LocaleInfo] | tuple[LocaleInfo, ...], current: LocaleInfo, page: str, root: str, base_url: str | None
) -> list[_Alternate]:
    return [
        _Alternate(t, f"{root}{t.code}/{page}", t.code == current.code, discovery.address(base_url, f"{t.code}/{page}", root), discovery.og_locale(t))
        for t in targets
    ]


def _head(base_url: str | None, path: str, x_default: str, root: str, locale: LocaleInfo) -> dict[str, Any]:
    """What ``base.html.j2`` puts in ``<head>`` for search engines (:mod:`pipeline.discovery`)."""
    return {
        "canonical": discovery.address(base_url, path, root) if base_url else None,
        "x_default": discovery.address(base_url, x_default, root),
        "og_locale": discovery.og_locale(locale),
    }


@dataclass(slots=True)
class _Site:
    """What every page of the build needs; worker processes get it by ``fork``, not by pickling."""

    env: Environment
    staging: Path
    targets: tuple[LocaleInfo, ...]
    """The source locale first, then the target locales."""
    articles: tuple[ArticleHead, ...]
    catalogs: dict[tuple[str, str], Catalog | None]
    minutes: dict[str, int]
    """Reading time of the articles whose pages are not in the cache, by slug (others: computed
    when needed)."""
    styles: SiteStyles
    """The stylesheet published with the pages and what pages may carry: verification checks
    that nothing hides the disclaimer."""
    sources: dict[str, str]
    """Each article's file as references name it (``source/valium.md``), by slug."""
    policies: dict[str, PublishPolicy]
    """Each target locale's publish policy."""
    base_url: str | None = None
    """The site's public address (``base_url``), for canonical links and alternates."""
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    """The cache key of each (locale, article slug)'s pages."""
    unloaded: dict[tuple[str, str], str] = field(default_factory=dict)
    """Catalogues on disk that were not parsed, their pages being in the cache (their paths)."""
    full: dict[str, Article] = field(default_factory=dict)
    """The articles whose pages are made anew, by slug (the others are known by their heads)."""
    only: frozenset[tuple[str, str]] | None = None
    """The (locale, slug) pages to publish, when not all (a build in place)."""
    indexes: frozenset[str] | None = None
    """The locales whose list of articles to publish, when not all (a build in place)."""
    titles: dict[tuple[str, str], sitestate.Title] = field(default_factory=dict)
    """Titles of the pages not published again, for the lists of articles."""

    def catalog(self, code: str, domain: str) -> Catalog | None:
        """The catalogue of ``domain`` in locale ``code`` (``None``: there is none yet), parsed
        here if it was left unparsed and a page needs it after all (a cached page that did not
        check out)."""
        key = (code, domain)
        found = self.catalogs.get(key)
        if found is None and key in self.unloaded:
            path = Path(self.unloaded.pop(key))
            found = self.catalogs[key] = parse_po(path.read_bytes(), path)
        return found

    def article(self, head: ArticleHead) -> Article:
        """The article itself, parsed here if its pages were to come from the cache but one did
        not check out (a worker process cannot use the cache): from the bytes its key was made
        of, or not at all."""
        found = self.full.get(head.slug)
        if found is None:
            found = self.full[head.slug] = article_of(head.source)
        return found

    def wanted(self, code: str) -> list[ArticleHead]:
        """The articles whose pages in locale ``code`` this build publishes."""
        if self.only is None:
            return list(self.articles)
        return [a for a in self.articles if (code, a.slug) in self.only]

    def pages(self) -> int:
        return len(self.targets) * len(self.articles) if self.only is None else len(self.only)


@dataclass(slots=True)
class _Rendered:
    """What rendering some locales gave, in locale order."""

    outputs: list[Output] = field(default_factory=list)
    pages: list[PageRecord] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    titles: dict[tuple[str, str], sitestate.Title] = field(default_factory=dict)
    report: CheckReport | None = None


_SITE: _Site | None = None
"""The build in progress, set before worker processes are forked."""
_MIN_PAGES_PER_WORKER = 50


def _render_locales(
    site: _Site,
    workers: int | None,
    meanwhile: Callable[[], CheckReport | None],
    reused: Callable[[str, list[str]], dict[str, Any]] = lambda code, slugs: {},
    rendered: Callable[[dict[str, _RenderedPage]], None] = lambda pages: None,
) -> _Rendered:
    """Render and verify every locale, in parallel where it pays (results in locale order), and
    run ``meanwhile`` in this process while the workers render. ``reused`` gives a locale's pages
    from the cache and ``rendered`` takes those rendered anew, in this process (workers never
    touch the cache), one locale at a time so that a large site's pages are never all in memory."""
    global _SITE
    count = workers if workers is not None else usable_cpus()
    if workers is None and site.pages() < 2 * _MIN_PAGES_PER_WORKER:
        count = 1  # forking costs more than a small site takes
    count = min(count, len(site.targets))
    results: dict[int, _Rendered] = {}

    def keep(index: int, result: tuple[_Rendered, dict[str, _RenderedPage]]) -> None:
        rendered(result[1])
        results[index] = result[0]
        report("building", len(results), len(site.targets))

    def cached(locale: LocaleInfo) -> dict[str, Any]:
        return reused(locale.code, [a.slug for a in site.wanted(locale.code)])

    _SITE = site
    try:
        if count <= 1 or not can_fork():
            for index, locale in enumerate(site.targets):
                keep(index, _render_locale(index, cached(locale)))
            other = meanwhile()
        else:
            with worker_pool(count) as pool:
                waiting = list(enumerate(site.targets))
                running: dict[Future[Any], int] = {}
                started = False
                other = None
                while waiting or running:
                    while waiting and len(running) < count:  # one locale's cached pages per worker at a time
                        index, locale = waiting.pop(0)
                        running[pool.submit(_render_locale, index, cached(locale))] = index
                    if not started:  # the workers are busy: this process's own work now
                        started, other = True, meanwhile()
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        keep(running.pop(future), future.result())
    finally:
        _SITE = None
    total = _Rendered(report=other)
    for index in sorted(results):
        part = results[index]
        total.outputs += part.outputs
        total.pages += part.pages
        total.failures += part.failures
        total.titles.update(part.titles)
    return total


def _render_locale(index: int, reused: dict[str, Any]) -> tuple[_Rendered, dict[str, _RenderedPage]]:
    """One locale: every article (of those to publish) as HTML and text, from the cache when its
    inputs are unchanged, and its list of articles, then every page written read back; and the
    pages rendered anew, by key."""
    site = _SITE
    assert site is not None
    source, locale = site.targets[0], site.targets[index]
    policy = site.policies.get(locale.code, PublishPolicy())
    ui = CatalogTranslations(site.catalog(locale.code, UI_DOMAIN), policy)
    result = _Rendered()
    fresh: dict[str, _RenderedPage] = {}
    english = locale is not source and not ui.translates(DISCLAIMER_NOTICE)
    notice = {"notice_lang": source.tag if english else None, "notice_dir": source.direction if english else None}
    verified: dict[str, str] = {}
    """Pages from the cache, which passed verification when they were built: path → SHA-256."""
    articles = site.wanted(locale.code)
    for article in articles:
        key = site.keys.get((locale.code, article.slug), "")
        done = reused.get(key) if key else None
        from_cache = isinstance(done, _RenderedPage)
        if not isinstance(done, _RenderedPage):
            done = _render_article(site, article, locale, ui, notice, policy)
            if key:
                fresh[key] = done
        result.titles[locale.code, article.slug] = (str(done.title.html), done.title.lang, done.title.dir)
        for suffix, content in ((".html", done.html), (".txt", done.text)):
            relative = f"{locale.code}/{article.slug}{suffix}"
            written = _write(site.staging, relative, content)
            if from_cache:
                verified[relative] = written
            result.outputs.append(Output(relative, locale.code, article.slug, done.translated, done.disclaimer, written, done.withheld))
        if locale is not source:
            files = (f"{locale.code}/{article.slug}.html", f"{locale.code}/{article.slug}.txt")
            result.pages.append(PageRecord(locale.code, article.slug, files, done.in_english, done.row))
    retitled = any(site.titles.get(key) != title for key, title in result.titles.items())
    if site.indexes is None or locale.code in site.indexes or retitled:
        titles = {**site.titles, **result.titles}
        entries = []
        for article in site.articles:
            html, lang, direction = titles[locale.code, article.slug]
            entries.append({"href": f"{article.slug}.html", "title": {"html": Markup(html), "lang": lang, "dir": direction}})
        index_context = {
            "locale": locale,
            "root": "../",
            "home": "index.html",
            "alternates": _alternates(site.targets, locale, "index.html", "../", site.base_url),
            **_head(site.base_url, f"{locale.code}/index.html", "index.html", "../", locale),
            "articles": entries,
        }
        relative = f"{locale.code}/index.html"
        written = _write(site.staging, relative, render_template(site.env, "index.html.j2", ui, index_context))
        result.outputs.append(Output(relative, locale.code, None, None, None, written))
    result.failures = _verify_locale(site, locale, articles, verified)
    return result, {} if result.failures else fresh  # the cache keeps verified pages only


def _render_article(
    site: _Site, head: ArticleHead, locale: LocaleInfo, ui: CatalogTranslations, notice: dict[str, Any], policy: PublishPolicy
) -> _RenderedPage:
    """One article's HTML and text page in one locale."""
    source = site.targets[0]
    article = site.article(head)
    catalog = None if locale is source else site.catalog(locale.code, article.slug) or Catalog()
    minutes = site.minutes.get(article.slug)
    if minutes is None:  # a page of the cache that did not check out
        minutes = site.minutes[article.slug] = reading_minutes(article)
    page = article_page(article, catalog, locale, source, minutes, ui, policy)
    context = {
        "locale": locale,
        "root": "../",
        "home": "index.html",
        "alternates": _alternates(site.targets, locale, f"{article.slug}.html", "../", site.base_url),
        **_head(site.base_url, f"{locale.code}/{article.slug}.html", f"{source.code}/{article.slug}.html", "../", locale),
        "article": page,
        **notice,
    }
    html = render_template(site.env, "article.html.j2", ui, context)
    text = render_article_text(page, ui)
    state = "source" if locale is source else "translated" if page.disclaimer_translated else "fallback"
    withheld = tuple(f"{site.sources[article.slug]}:{line}: {why}" for line, why in page.fallbacks)
    title = replace(page.title, tokens=None)
    files = (f"{locale.code}/{article.slug}.html", f"{locale.code}/{article.slug}.txt")
    row = page_row(locale.code, article.slug, files, page.in_english, page.segments)
    return _RenderedPage(html, text, title, round(page.translated_share, 4), state, withheld, page.in_english, row)


def _render_shared(site: _Site, stylesheet: Path) -> list[Output]:
    """The files of no one locale: the root index of languages, the stylesheet, ``robots.txt``
    and, with a ``base_url``, ``sitemap.xml``."""
    env, staging, targets, base_url = site.env, site.staging, site.targets, site.base_url
    source = targets[0]
    root_context = {
        "locale": source,
        "root": "",
        "home": "index.html",
        "alternates": _alternates(targets, source, "index.html", "", base_url),
        **_head(base_url, "index.html", "index.html", "", source),
    }
    root_html = render_template(env, "languages.html.j2", CatalogTranslations(None), root_context)
    outputs = [Output("index.html", source.code, None, None, None, _write(staging, "index.html", root_html))]
    if stylesheet.is_file():
        css = stylesheet.read_text(encoding="utf-8")
        outputs.append(Output(STYLESHEET, source.code, None, None, None, _write(staging, STYLESHEET, css)))
    if base_url:
        clusters = [discovery.cluster(targets, "index.html", "index.html")]
        clusters += [discovery.cluster(targets, f"{a.slug}.html", f"{source.code}/{a.slug}.html") for a in site.articles]
        for name, sitemap in discovery.sitemap_files(base_url, clusters):
            outputs.append(Output(name, source.code, None, None, None, _write(staging, name, sitemap)))
    robots = discovery.robots_txt(base_url)
    outputs.append(Output(discovery.ROBOTS, source.code, None, None, None, _write(staging, discovery.ROBOTS, robots)))
    return outputs


def _verify_locale(site: _Site, locale: LocaleInfo, articles: list[ArticleHead], verified: dict[str, str]) -> list[tuple[str, str]]:
    """Every page of one locale written, read back from disk: ``(relative path, why it fails)``. A page
    in ``verified`` (from the cache, which keeps only pages that passed) must read back byte for
    byte as the page that passed; every other page is verified in full."""
    source = site.targets[0]
    failures = []
    policy = site.policies.get(locale.code, PublishPolicy())
    notice = expected_notice(None if locale is source else site.catalog(locale.code, UI_DOMAIN) or Catalog(), policy)
    for article in articles:
        relatives = [f"{locale.code}/{article.slug}{suffix}" for suffix in (".html", ".txt")]
        for relative in relatives:
            if relative in verified and hashlib.sha256((site.staging / relative).read_bytes()).hexdigest() != verified[relative]:
                failures.append((relative, "the page read back differs from the page written"))
        unknown = [r for r in relatives if r not in verified]
        if not unknown:
            continue
        catalog = None if locale is source else site.catalog(locale.code, article.slug) or Catalog()
        expected = expected_disclaimer(site.article(article), catalog, source.tag, policy=policy, notice=notice)
        for relative in unknown:
            problem = verify_page(site.staging / relative, expected, locale is source, relative, site.styles)
            if problem is not None:
                failures.append((relative, problem))
    return failures
