"""Pages search engines understand: canonical links, hreflang alternates with x-default,
og:locale, sitemap.xml and robots.txt with a base_url; a whole site with relative links without."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import defusedxml.ElementTree as ET
import pytest

from pipeline.build import RECORD, build_site
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.discovery import public_path
from pipeline.errors import ConfigError

BASE = "https://health.example.org/articles/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


class Head(HTMLParser):
    """The ``<link>`` and ``<meta>`` elements of a page's head."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.meta: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))
        elif tag == "meta":
            self.meta.append(dict(attrs))


def head(path: Path) -> Head:
    parsed = Head()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def with_base_url(project: Path, value: str = BASE.rstrip("/")) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("[tool.translatio]\n", f'[tool.translatio]\nbase_url = "{value}"\n'), encoding="utf-8")


def html_pages(build: Path) -> list[str]:
    record = json.loads((build / RECORD).read_text(encoding="utf-8"))
    return [row["path"] for row in record["outputs"] if row["path"].endswith(".html")]


def test_with_base_url_every_page_names_its_address_its_languages_and_x_default(shipped_project: Path) -> None:
    with_base_url(shipped_project)  # written without the slash: the folder's address all the same
    config = load_config(shipped_project)
    codes = [config.source_locale, *config.target_locales()]
    build = build_site(config).folder
    pages = html_pages(build)
    assert len(pages) == 1 + 2 * len(codes)
    for page in pages:
        parsed = head(build / page)
        canonical = [link["href"] for link in parsed.links if link.get("rel") == "canonical"]
        assert canonical == [BASE + public_path(page)], page
        alternates = {link["hreflang"]: link["href"] for link in parsed.links if link.get("rel") == "alternate"}
        name = page.rsplit("/", 1)[-1]
        assert {k: v for k, v in alternates.items() if k != "x-default"} == {c: BASE + public_path(f"{c}/{name}") for c in codes}
        assert alternates["x-default"] == (BASE if name == "index.html" else f"{BASE}en/{name}")
        properties = {m["property"]: m["content"] for m in parsed.meta if m.get("property") and m["property"] != "og:locale:alternate"}
        locale = page.split("/")[0] if "/" in page else "en"
        assert properties["og:locale"] == {"en": "en_US", "ar": "ar_EG", "de": "de_DE", "ja": "ja_JP"}.get(locale, properties["og:locale"])
        assert re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", properties["og:locale"])
        assert properties["og:url"] == canonical[0]
        others = [m["content"] for m in parsed.meta if m.get("property") == "og:locale:alternate"]
        assert len(others) == len(codes) - 1 and properties["og:locale"] not in others


def test_the_sitemap_lists_every_page_with_the_same_alternates_as_the_page(shipped_project: Path) -> None:
    with_base_url(shipped_project, BASE)
    build = build_site(load_config(shipped_project)).folder
    tree = ET.parse(build / "sitemap.xml")
    entries = {}
    for url in tree.getroot().findall("s:url", SITEMAP_NS):
        loc = url.find("s:loc", SITEMAP_NS).text
        entries[loc] = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)}
    pages = html_pages(build)
    assert sorted(entries) == sorted(BASE + public_path(p) for p in pages)
    for page in pages:
        alternates = {link["hreflang"]: link["href"] for link in head(build / page).links if link.get("rel") == "alternate"}
        assert entries[BASE + public_path(page)] == alternates, page
    robots = (build / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines() and "User-agent: *" in robots


def test_without_base_url_links_are_relative_and_resolve_no_sitemap_and_the_build_says_so(
    shipped_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-C", str(shipped_project), "build"]) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "no base_url" in notes[0] and "no sitemap.xml" in notes[0] and "pyproject.toml" in notes[0]
    build = shipped_project / "build"
    assert not (build / "sitemap.xml").exists()
    assert "Sitemap" not in (build / "robots.txt").read_text(encoding="utf-8")
    for page in html_pages(build):
        parsed = head(build / page)
        assert not [link for link in parsed.links if link.get("rel") == "canonical"]
        for link in parsed.links:
            if link.get("rel") == "alternate":
                href = link["href"]
                assert href and "://" not in href
                target = urljoin(f"http://x/{page}", href).removeprefix("http://x/")
                assert (build / target).is_file(), (page, href)
    assert main(["-C", str(shipped_project), "build"]) == 0
    with_base_url(shipped_project)
    assert main(["-C", str(shipped_project), "build"]) == 0
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")] == [notes[0]]  # the first build only


def test_every_index_page_has_a_description_in_its_language(shipped_project: Path) -> None:
    config = load_config(shipped_project)
    build = build_site(config).folder
    descriptions = {}
    for page in ["index.html", *(f"{c}/index.html" for c in [config.source_locale, *config.target_locales()])]:
        found = [m["content"] for m in head(build / page).meta if m.get("name") == "description"]
        assert len(found) == 1 and found[0], page
        descriptions[page] = found[0]
    assert len(set(descriptions.values())) == len(descriptions)  # each in its own language
    assert "Deutsch" in descriptions["de/index.html"] and "Deutsch" in descriptions["index.html"]


@pytest.mark.parametrize("value", ["example.org", "ftp://example.org/", "https://example.org/?page=1", "https://", "https://exa mple.org/"])
def test_a_base_url_that_is_not_an_address_is_refused(project: Path, value: str) -> None:
    (project / "pyproject.toml").write_text(f'[tool.translatio]\nbase_url = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.translatio.base_url: expected"):
        load_config(project)


def test_status_is_published_only_when_asked(shipped_project: Path) -> None:
    config = load_config(shipped_project)
    build = build_site(config).folder
    assert not (build / "status.html").exists() and not (build / "badges").exists()
    assert not (build / "manifest.json").exists() and (build / RECORD).is_file()
    build_site(config, status=True)
    assert (build / "status.html").is_file() and (build / "badges" / "de.svg").is_file()
    pyproject = shipped_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("[tool.translatio]\n", "[tool.translatio]\npublish_status = true\n"), encoding="utf-8")
    assert main(["-C", str(shipped_project), "build"]) == 0
    assert (build / "status.html").is_file()
    assert main(["-C", str(shipped_project), "build", "--no-status"]) == 0
    assert not (build / "status.html").exists()


def _urls(text: str) -> list[str]:
    return [url.find("s:loc", SITEMAP_NS).text for url in ET.fromstring(text.encode("utf-8")).findall("s:url", SITEMAP_NS)]


def test_a_site_beyond_the_protocol_s_limits_gets_a_sitemap_index() -> None:
    """50,000 addresses or 50 MB per file: beyond either, parts within both and an index."""
    from pipeline import discovery
    from pipeline.locales import locale_info

    locales = [locale_info(code) for code in ("en", "de", "ar", "ja")]
    clusters = [discovery.cluster(locales, "index.html", "index.html")]
    clusters += [discovery.cluster(locales, f"a-{n}.html", f"en/a-{n}.html") for n in range(40)]
    whole = discovery.sitemap_files(BASE, clusters)
    assert [name for name, _ in whole] == ["sitemap.xml"] and whole[0][1] == discovery.sitemap_xml(BASE, clusters)
    everything = _urls(whole[0][1])
    assert len(everything) == 1 + 4 + 40 * 4  # the root, each language's home, each article in each
    for limits in ({"max_urls": 50}, {"max_bytes": 20_000}):
        files = discovery.sitemap_files(BASE, clusters, **limits)
        index = ET.fromstring(files[0][1].encode("utf-8"))
        assert files[0][0] == "sitemap.xml" and index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
        assert [e.text for e in index.findall("s:sitemap/s:loc", SITEMAP_NS)] == [BASE + name for name, _ in files[1:]]
        assert [name for name, _ in files[1:]] == [f"sitemap-{n}.xml" for n in range(1, len(files))] and len(files) > 3
        parts = [_urls(text) for _, text in files[1:]]
        assert [url for part in parts for url in part] == everything  # every address once, in order
        assert all(len(part) <= limits.get("max_urls", 50_000) for part in parts)
        assert all(len(text.encode("utf-8")) <= limits.get("max_bytes", 1 << 30) for _, text in files[1:])


def test_a_large_site_publishes_its_sitemap_parts_in_place(shipped_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts are files of the site like any other: published, listed in the build record,
    and removed in place when the site shrinks."""
    from pipeline import cache as cache_module, discovery

    from .test_update import snapshot

    monkeypatch.setenv("TRANSLATIO_CACHE_DIR", str(tmp_path / "cache"))
    cache_module.close_all()
    monkeypatch.setattr(discovery, "MAX_URLS", 5)
    with_base_url(shipped_project)
    source = shipped_project / "source"
    text = (source / "valium.md").read_text(encoding="utf-8")
    (source / "second.md").write_text(text.replace("slug: valium", "slug: second", 1), encoding="utf-8")
    build = build_site(load_config(shipped_project)).folder
    parts = sorted(p.name for p in build.glob("sitemap-*.xml"))
    assert parts == [f"sitemap-{n}.xml" for n in range(1, 6)]  # 1 + 7 homes + 14 pages = 22 addresses
    assert {"sitemap.xml", *parts} <= set(_record_paths(build))
    (source / "second.md").unlink()
    result = build_site(load_config(shipped_project))
    assert result.changed is not None  # in place
    assert sorted(p.name for p in build.glob("sitemap-*.xml")) == [f"sitemap-{n}.xml" for n in range(1, 4)]  # 15 addresses
    assert main(["-C", str(shipped_project), "build", "--clean", "-o", str(tmp_path / "clean")]) == 0
    assert snapshot(build) == snapshot(tmp_path / "clean")
    cache_module.close_all()


def _record_paths(build: Path) -> list[str]:
    return [row["path"] for row in json.loads((build / RECORD).read_text(encoding="utf-8"))["outputs"]]
