"""Pages search engines understand: addresses, language alternates, ``sitemap.xml``, ``robots.txt``.

Principles:

- One address per page. With ``base_url`` set, every page names its canonical address, each of
  its versions in the other languages (``hreflang``, absolute) with an ``x-default`` (for an
  article the source language's page, for a language's home the root list of languages), and
  its ``og:locale`` with the others as ``og:locale:alternate``. A folder's ``index.html`` is
  addressed as the folder (``https://example.org/de/``), as web servers serve it; the links
  between pages stay relative, so the site also works from a disk.
- Without ``base_url`` the site is whole all the same: alternates are relative, there is no
  canonical link (a relative one would name a different address on every mirror) and no
  sitemap (the protocol wants absolute addresses); the build says so in one line.
- Same input, same bytes: no ``lastmod`` (a date that moves with every build would tell crawlers
  every page changed, and break byte-identical rebuilds); pages in the build's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping
from xml.sax.saxutils import quoteattr, escape

from babel.core import get_global

from .locales import LocaleInfo

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NO_BASE_URL = "no base_url is set: links between languages are relative, and there is no canonical link and no sitemap.xml"
"""What ``build`` says when a site has no ``base_url`` (one line; the CLI adds where to set it)."""


@dataclass(frozen=True, slots=True)
class Version:
    """One language's version of a page, as ``<link rel="alternate">`` and the sitemap name it."""

    locale: LocaleInfo
    path: str
    """Relative to the build folder (``de/valium.html``)."""
    og_locale: str
    """``de_DE``: Open Graph's language_TERRITORY form."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A page in every language, and the one shown to readers whose language is not among them."""

    versions: tuple[Version, ...]
    x_default: str
    """The path of the ``x-default`` page."""


def public_path(path: str) -> str:
    """The path readers and crawlers use: ``de/index.html`` → ``de/``, ``index.html`` → ``""``."""
    if path == "index.html" or path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def address(base_url: str | None, path: str, relative_root: str) -> str:
    """The address of ``path`` as a page links to it in its ``<head>``: absolute with a base,
    else relative to the page (``relative_root`` is ``../`` from a locale's folder)."""
    if base_url:
        return base_url + public_path(path)
    return relative_root + path


@lru_cache(maxsize=None)
def og_locale(locale: LocaleInfo) -> str:
    """Open Graph wants ``language_TERRITORY``; a code without a territory takes CLDR's likely
    one (``de`` → ``de_DE``, ``ar`` → ``ar_EG``, ``ja`` → ``ja_JP``)."""
    parts = locale.code.split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 and p.isupper()), None)
    if territory is None:
        likely: Mapping[str, str] = get_global("likely_subtags")
        guess = likely.get(parts[0], "").split("_")
        territory = next((p for p in guess[1:] if len(p) == 2 and p.isupper()), None)
    return f"{parts[0]}_{territory}" if territory else parts[0]


def cluster(locales: tuple[LocaleInfo, ...] | list[LocaleInfo], page: str, x_default: str) -> Cluster:
    """``page`` (``valium.html``, ``index.html``) in every locale's folder."""
    return Cluster(tuple(Version(t, f"{t.code}/{page}", og_locale(t)) for t in locales), x_default)


MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
"""The sitemap protocol's limits for one file (uncompressed): beyond them, a sitemap index."""
_URLSET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
_URLSET_TAIL = "</urlset>\n"


def sitemap_xml(base_url: str, clusters: list[Cluster]) -> str:
    """Every page with its alternates (Google's ``xhtml:link`` form) in one file; the
    ``x-default`` page is listed too when it is not itself one of the versions (the root list of
    languages). :func:`sitemap_files` splits a site too large for one."""
    return _urlset(_url_entries(base_url, clusters))


def _urlset(entries: list[str]) -> str:
    return _URLSET_HEAD + "".join(entries) + _URLSET_TAIL


def sitemap_files(base_url: str, clusters: list[Cluster], max_urls: int | None = None, max_bytes: int | None = None) -> list[tuple[str, str]]:
    """The sitemap as files, by name: ``sitemap.xml`` alone while the site fits the protocol's
    limits (:data:`MAX_URLS` addresses, :data:`MAX_BYTES`); beyond, ``sitemap-1.xml``,
    ``sitemap-2.xml``… each within them, and ``sitemap.xml`` the index of those (what
    ``robots.txt`` names either way)."""
    max_urls = MAX_URLS if max_urls is None else max_urls
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    entries = _url_entries(base_url, clusters)
    frame = len((_URLSET_HEAD + _URLSET_TAIL).encode("utf-8"))
    parts: list[list[str]] = [[]]
    size = frame
    for entry in entries:
        length = len(entry.encode("utf-8"))
        if parts[-1] and (len(parts[-1]) >= max_urls or size + length > max_bytes):
            parts.append([])
            size = frame
        parts[-1].append(entry)
        size += length
    if len(parts) == 1:
        return [(SITEMAP, _urlset(parts[0]))]
    files = [(f"sitemap-{number}.xml", _urlset(part)) for number, part in enumerate(parts, 1)]
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(f"  <sitemap><loc>{escape(base_url + name)}</loc></sitemap>" for name, _ in files),
        "</sitemapindex>",
    ]
    return [(SITEMAP, "\n".join(index) + "\n"), *files]


def _url_entries(base_url: str, clusters: list[Cluster]) -> list[str]:
    """One ``<url>`` element per page (with its line breaks), in the build's order."""
    entries: list[str] = []
    seen: set[str] = set()
    for group in clusters:
        links = [(v.locale.tag, base_url + public_path(v.path)) for v in group.versions]
        links.append(("x-default", base_url + public_path(group.x_default)))
        alternates = "".join(f'    <xhtml:link rel="alternate" hreflang={quoteattr(tag)} href={quoteattr(url)}/>\n' for tag, url in links)
        pages = [v.path for v in group.versions]
        if group.x_default not in pages:
            pages.append(group.x_default)
        for path in pages:
            if path in seen:
                continue
            seen.add(path)
            entries.append(f"  <url>\n    <loc>{escape(base_url + public_path(path))}</loc>\n{alternates}  </url>\n")
    return entries


def robots_txt(base_url: str | None) -> str:
    """Everything may be crawled; the sitemap is named where there is one (robots.txt is read at
    a host's root: a site under a path prefix has its own served there by the host)."""
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines += ["", f"Sitemap: {base_url}{SITEMAP}"]
    return "\n".join(lines) + "\n"
