"""The pages as a real browser parses them (headless Chromium's DOM), when Chromium is installed."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.build import build_site
from pipeline.config import load_config


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


class Outline(HTMLParser):
    """The browser's DOM, reduced to what the guarantee is about."""

    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.in_article = 0
        self.article_children: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if self.in_article == 1:
            self.article_children.append(tag + ("[required]" if ("data-required", "disclaimer") in attrs else ""))
        if tag == "article" or self.in_article:
            self.in_article += 1

    def handle_endtag(self, tag: str) -> None:
        if self.in_article:
            self.in_article -= 1


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize("locale", ["ar", "ja", "de"])
def test_chromium_sees_lang_dir_and_the_disclaimer_last(tmp_path: Path, shipped_project: Path, locale: str) -> None:
    project = shipped_project
    build_site(load_config(project))
    page = project / "build" / locale / "valium.html"
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outline = Outline()
    outline.feed(done.stdout)
    assert outline.html_attrs == {"lang": locale, "dir": "rtl" if locale == "ar" else "ltr"}
    assert outline.article_children[-1] == "aside[required]"
    assert outline.article_children.count("aside[required]") == 1
    assert outline.scripts == 0
