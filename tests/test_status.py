"""The status page a project lead reads in five seconds: the verdict first (with the source
revision), one row per language, findings grouped by language, links that work where the page
is, badges at WCAG AA."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from pipeline.build import build_site
from pipeline.checks import run_checks, write_status
from pipeline.checks.status import BADGE_FILLS, badge_svg
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.update import po_path

from .conftest import translate_entries
from .test_style import contrast


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.rows: list[list[str]] = []
        self.texts: list[str] = []
        self._row: list[str] | None = None
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "img" and found.get("src"):
            self.images.append(str(found["src"]))
        if tag == "tr":
            self._row = []
        if tag == "td" and self._row is not None:
            self._row.append("")
            self._cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row:
            self.rows.append(self._row)
        if tag == "td":
            self._cell = False

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell and self._row:
            self._row[-1] += data


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org", *args], check=True, capture_output=True)


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed")
def test_the_verdict_comes_first_with_the_source_revision(shipped_project: Path) -> None:
    git(shipped_project, "init", "-q")
    git(shipped_project, "add", "-A")
    git(shipped_project, "commit", "-q", "-m", "content")
    head = subprocess.run(["git", "-C", str(shipped_project), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip()
    build = build_site(load_config(shipped_project), status=True).folder
    html = (build / "status.html").read_text(encoding="utf-8")
    verdict = re.search(r'<p class="verdict passed"><strong>Passed</strong>: 0 errors, 0 warnings · source revision <code>(\w+)</code> of ([\d-]+ [\d:]+ UTC)\.', html)
    assert verdict is not None and verdict.group(1) == head
    assert html.index('class="verdict') < html.index("<h2>")
    again = build_site(load_config(shipped_project), status=True).folder
    assert (again / "status.html").read_text(encoding="utf-8") == html  # the same input, the same bytes
    po = po_path(load_config(shipped_project), "de", "valium")
    translate_entries(po, {"Disclaimer:": "Hinweis: nur zur Information."}, fuzzy=("Disclaimer:",), prefix=True)
    page = (build_site(load_config(shipped_project), status=True).folder / "status.html").read_text(encoding="utf-8")
    assert '<p class="verdict failed"><strong>Failed</strong>' in page and "with uncommitted changes" in page


def test_one_row_per_language_findings_by_language_and_links_that_resolve_in_the_site(shipped_project: Path) -> None:
    config = load_config(shipped_project)
    translate_entries(po_path(config, "de", "valium"), {"Disclaimer:": "Hinweis: nur zur Information."}, fuzzy=("Disclaimer:",), prefix=True)
    build = build_site(config, status=True).folder
    page = parsed(build / "status.html")
    rows = {row[0].split()[-1]: row for row in page.rows if len(row) == 10}  # language, translated, reviewed, fuzzy…
    assert sorted(rows) == sorted(config.target_locales())
    assert rows["de"][5] == "English in 1 of 1 articles" and rows["fr"][5] == "translated in the article"
    assert rows["de"][3] == "1" and rows["fr"][1] == "100.0%" and rows["fr"][2] == "100.0%" and rows["de"][6] != "0"
    for href in [*page.links, *page.images]:
        target = urljoin("http://site/status.html", href)
        assert target.startswith("http://site/"), href  # nothing outside the published site
        assert (build / target.removeprefix("http://site/")).is_file(), href
    assert {f"{code}/index.html" for code in config.target_locales()} <= set(page.links)
    html = (build / "status.html").read_text(encoding="utf-8")
    groups = re.findall(r'<h3 id="findings-(\w+)">', html)
    assert groups[0] == "de" and len(groups) == len(set(groups))
    assert "locale/de/LC_MESSAGES/valium.po" in html and 'href="../locale' not in html


def test_check_html_outside_the_site_links_the_catalogues(shipped_project: Path) -> None:
    config = load_config(shipped_project)
    translate_entries(po_path(config, "de", "valium"), {"Disclaimer:": "Hinweis: nur zur Information."}, fuzzy=("Disclaimer:",), prefix=True)
    page = shipped_project / "reports" / "status.html"
    assert main(["-C", str(shipped_project), "check", "--html", str(page)]) == 1
    links = parsed(page).links
    assert "../locale/de/LC_MESSAGES/valium.po" in links
    assert all((page.parent / link).resolve().is_file() for link in links)
    assert (page.parent / "badges" / "all.svg").is_file()


def test_badges_meet_aa_and_one_badge_covers_every_locale(shipped_project: Path) -> None:
    for floor, _ in BADGE_FILLS:
        svg = badge_svg("de", floor)
        fills = re.findall(r'fill="(#[0-9a-f]{6})"', svg)
        label, value, text = fills
        assert contrast(text, label) >= 4.5 and contrast(text, value) >= 4.5, (floor, fills)
    report = run_checks(load_config(shipped_project))
    written = write_status(report, shipped_project / "out" / "status.html", shipped_project / "out" / "badges")
    assert sorted(p.name for p in written if p.suffix == ".svg") == sorted([f"{c}.svg" for c in report.locales] + ["all.svg"])
    assert "translated: 100%" in (shipped_project / "out" / "badges" / "all.svg").read_text(encoding="utf-8")
