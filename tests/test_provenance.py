"""Provenance in ``build/translatio-build.json``: per page and segment, the state it was published in, why
the English was shown, where the translation came from (translator, memory exact, memory fuzzy
then edited) and who reviewed it; the status page shows review coverage per locale."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline.build import build_site
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.provenance import MEMORY_EXACT, MEMORY_FUZZY_EDITED, TRANSLATOR
from pipeline.update import po_path

from .conftest import edit_po, write
from .test_policy import REVIEWER, german, sign  # noqa: F401  (german is a fixture)

SECOND = """
---
title: Water and tablets
slug: b
---

Take one tablet daily.

Drink plenty of water after meals.

::: disclaimer
Disclaimer: Ask your doctor. Read the leaflet.
:::
"""


def pages(project: Path) -> dict[tuple[str, str], dict[str, object]]:
    manifest = json.loads((project / "build" / "translatio-build.json").read_text(encoding="utf-8"))
    return {(p["locale"], p["article"]): p for p in manifest["pages"]}


def test_the_manifest_says_where_each_published_translation_came_from(german: Path) -> None:
    sign(german)
    assert main(["-C", str(german), "update"]) == 0  # the memory harvests article a
    write(german / "source" / "b.md", SECOND)
    assert main(["-C", str(german), "update"]) == 0  # b: exact and fuzzy matches from the memory
    path = po_path(load_config(german), "de", "b")

    def translate(m):  # type: ignore[no-untyped-def]
        if m.msgid == "Water and tablets":
            return dataclasses.replace(m, msgstr=("Wasser und Tabletten",))
        if m.fuzzy and m.msgid.startswith("Drink"):  # the memory's 'Trinken Sie viel Wasser.', edited
            return dataclasses.replace(m, msgstr=("Trinken Sie nach dem Essen viel Wasser.",)).with_flag("fuzzy", False)
        return m

    edit_po(path, translate)
    build_site(load_config(german))
    page = pages(german)[("de", "b")]
    assert page["outputs"] == ["de/b.html", "de/b.txt"] and page["in_english"] == 0
    segments = {s["kind"] + ":" + str(s["line"]): s for s in page["segments"]}  # type: ignore[attr-defined]
    assert segments["title:2"]["origin"] == TRANSLATOR
    assert segments["paragraph:6"]["origin"] == MEMORY_EXACT
    assert segments["paragraph:8"]["origin"] == MEMORY_FUZZY_EDITED
    assert segments["title:2"]["state"] == "translated" and "reviewers" not in segments["title:2"]
    # the memory's exact match carries no approval: it is another entry; the disclaimer was filled
    # exactly too, and the reviewer signed it in a, not in b
    assert (segments["disclaimer:11"]["state"], segments["disclaimer:11"]["origin"], segments["disclaimer:11"]["required"]) == ("translated", MEMORY_EXACT, True)
    signed = pages(german)[("de", "a")]
    assert {s["state"] for s in signed["segments"]} == {"reviewed"}  # type: ignore[attr-defined]
    assert (signed["reviewed"], signed["translated"]) == (4, 0)


def test_the_status_page_shows_review_coverage_per_locale(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sign(german, leave=("Drink plenty of water.", "Tip"))
    status = german / "status.html"
    main(["-C", str(german), "check", "-l", "de", "--html", str(status)])
    html = status.read_text(encoding="utf-8")
    coverage = html.split("<h2>Review coverage</h2>", 1)[1].split("</table>", 1)[0]
    assert "<td>de</td><td>translated</td>" in coverage
    assert "<td>17/19</td>" in coverage and " 89.5%</td>" in coverage and 'style="width: 89.5%"' in coverage
