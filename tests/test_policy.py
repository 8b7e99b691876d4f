"""The publish rule and the locale policies: under ``publish = "reviewed"`` (or ``required_review``
for the disclaimer) an unreviewed translation is shown in English, marked, and counted by the
notice at the top of the page — the HTML page and the text page alike; ``check`` and the
manifest agree with what the page shows."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.approval import with_approval
from pipeline.build import build_site
from pipeline.catalogs import Message, read_po, write_po
from pipeline.checks import run_checks
from pipeline.cli import main
from pipeline.config import PublishPolicy, load_config
from pipeline.policy import FALLBACK, REVIEWED, TRANSLATED, verdict
from pipeline.review import approve, pending
from pipeline.update import init_locale, po_path

from .conftest import edit_po, write

REVIEWER = "Dr. Erika Muster"
DAY = date(2026, 12, 1)
ARTICLE = """
---
title: Dosing guide
slug: a
---

Take one tablet daily.

Drink plenty of water.

::: disclaimer
Disclaimer: Ask your doctor. Read the leaflet.
:::
"""
GERMAN = {
    "Dosing guide": "Dosierungsleitfaden",
    "Take one tablet daily.": "Nehmen Sie täglich eine Tablette.",
    "Drink plenty of water.": "Trinken Sie viel Wasser.",
    "Disclaimer: Ask your doctor. Read the leaflet.": "Haftungsausschluss: Fragen Sie Ihren Arzt. Lesen Sie die Packungsbeilage.",
}
NOTICE = (
    "%(num)s Abschnitt dieser Seite ist noch nicht übersetzt und wird auf Englisch angezeigt.",
    "%(num)s Abschnitte dieser Seite sind noch nicht übersetzt und werden auf Englisch angezeigt.",
)


def _german(message: Message) -> Message:
    if message.is_header or not message.msgid:
        return message
    if message.msgid in GERMAN:
        return dataclasses.replace(message, msgstr=(GERMAN[message.msgid],))
    if message.msgid.startswith("%(num)s part of this page"):
        return dataclasses.replace(message, msgstr=NOTICE)
    return dataclasses.replace(message, msgstr=tuple(f"DE {message.msgid_plural if i else message.msgid}" for i in range(len(message.msgstr))))


@pytest.fixture
def german(project: Path) -> Path:
    """A one-article project whose German catalogues (article and ui) are fully translated, and
    signed by nobody."""
    write(project / "source" / "a.md", ARTICLE)
    config = load_config(project)
    init_locale(config, "de")
    for domain in ("a", "ui"):
        path = po_path(config, "de", domain)
        catalog = read_po(path)
        write_po(dataclasses.replace(catalog, messages=tuple(_german(m) for m in catalog.messages)), path)
    return project


def sign(project: Path, *, leave: tuple[str, ...] = ()) -> None:
    """Sign every German entry waiting for review except those whose English is in ``leave``."""
    config = load_config(project)
    ids = [item.id for item in pending(config, "de") if item.message.msgid not in leave]
    approve(config, "de", ids, REVIEWER, DAY)


def set_policy(project: Path, table: str) -> None:
    write(project / "pyproject.toml", f"[tool.translatio]\n\n[tool.translatio.locale.de]\n{table}\n")


def page(project: Path, suffix: str) -> str:
    return (project / "build" / "de" / f"a{suffix}").read_text(encoding="utf-8")


def segments(project: Path) -> dict[str, dict[str, object]]:
    """The manifest's record of each German segment, by kind and line."""
    manifest = json.loads((project / "build" / "translatio-build.json").read_text(encoding="utf-8"))
    (record,) = [p for p in manifest["pages"] if p["locale"] == "de"]
    return {f"{s['kind']}:{s['line']}": s for s in record["segments"]}


# The rule itself.


def test_the_verdict_under_each_policy() -> None:
    source = "Take one tablet daily."
    translated = Message(source, msgstr=("Nehmen Sie täglich eine Tablette.",))
    signed = with_approval(translated, REVIEWER, DAY)
    stale = dataclasses.replace(signed, msgstr=("Nehmen Sie eine Tablette.",))
    reviewed, disclaimer_only = PublishPolicy("reviewed"), PublishPolicy(required_review=True)
    assert verdict(source, translated).state == TRANSLATED
    assert verdict(source, signed).state == REVIEWED  # reviewed is reported whatever the policy
    assert (verdict(source, translated, reviewed).state, verdict(source, translated, reviewed).reason) == (FALLBACK, "not reviewed")
    assert verdict(source, signed, reviewed).state == REVIEWED
    late = verdict(source, stale, reviewed)
    assert late.state == FALLBACK and f"the approval by {REVIEWER} on 2026-12-01 is stale" in late.reason
    assert verdict(source, translated, disclaimer_only).state == TRANSLATED  # only the disclaimer needs review
    assert verdict(source, translated.with_flag("fuzzy"), reviewed).reason == "the translation is fuzzy"
    assert verdict(source, None, reviewed).reason == "not in the catalogue"


# publish = "reviewed": the page.


def test_under_publish_reviewed_an_unreviewed_german_paragraph_is_shown_in_english_with_the_notice(german: Path) -> None:
    sign(german, leave=("Drink plenty of water.",))
    build_site(load_config(german))  # the default policy: every translation is published, no notice
    html, text = page(german, ".html"), page(german, ".txt")
    assert "<p>Trinken Sie viel Wasser.</p>" in html and "Trinken Sie viel Wasser." in text
    assert 'class="notice"' not in html and "Abschnitt" not in text

    set_policy(german, 'publish = "reviewed"')
    build_site(load_config(german))
    html, text = page(german, ".html"), page(german, ".txt")
    notice = "1 Abschnitt dieser Seite ist noch nicht übersetzt und wird auf Englisch angezeigt."
    body = html.split('<p class="byline">', 1)[1]
    assert body.index(f'<p class="notice">{notice}</p>') < body.index("<p>Nehmen Sie täglich eine Tablette.</p>")  # at the top
    assert '<p lang="en" dir="ltr">Drink plenty of water.</p>' in html
    assert "Trinken Sie" not in html and "Trinken Sie" not in text
    flowing = " ".join(text.split())  # the text page wraps at 72 columns
    assert flowing.index(notice) < flowing.index("Nehmen Sie täglich eine Tablette.") < flowing.index("Drink plenty of water.")
    assert "Haftungsausschluss: Fragen Sie Ihren Arzt." in html  # the signed disclaimer is published
    records = segments(german)
    assert records["paragraph:8"]["state"] == "fallback" and records["paragraph:8"]["reason"] == "not reviewed"
    assert records["paragraph:6"]["state"] == "reviewed" and records["paragraph:6"]["reviewers"] == [{"name": REVIEWER, "date": "2026-12-01"}]

    # Two sections in English: the page's own plural form says so.
    edit_po(po_path(load_config(german), "de", "a"), lambda m: dataclasses.replace(m, translator_comments=()) if m.msgid == "Dosing guide" else m)
    build_site(load_config(german))
    assert '<p class="notice">2 Abschnitte dieser Seite sind noch nicht übersetzt und werden auf Englisch angezeigt.</p>' in page(german, ".html")
    assert '<h1 lang="en" dir="ltr">Dosing guide</h1>' in page(german, ".html")


def test_required_review_shows_an_unreviewed_disclaimer_in_english_and_check_fails(german: Path) -> None:
    disclaimer = "Disclaimer: Ask your doctor. Read the leaflet."
    set_policy(german, "required_review = true")
    sign(german, leave=(disclaimer, "Drink plenty of water."))
    config = load_config(german)
    build_site(config)
    html, text = page(german, ".html"), page(german, ".txt")
    assert 'data-required="disclaimer" aria-label="DE Medical disclaimer" lang="en" dir="ltr"' in html
    assert "Haftungsausschluss" not in html and "Haftungsausschluss" not in text
    assert " ".join(text.split()).endswith("Disclaimer: Ask your doctor. Read the leaflet.")
    notice = "1 Abschnitt dieser Seite ist noch nicht übersetzt und wird auf Englisch angezeigt."
    assert f'<p class="notice">{notice}</p>' in html and notice in " ".join(text.split())
    assert "<p>Trinken Sie viel Wasser.</p>" in html  # an ordinary paragraph needs no review here
    assert segments(german)["disclaimer:11"]["reason"] == "not reviewed"

    report = run_checks(config, ["de"])
    (finding,) = [f for f in report.findings if f.check == "required"]
    assert "not reviewed" in finding.message
    assert [r.usable for r in report.required] == [False]

    sign(german)
    build_site(load_config(german))
    assert "Haftungsausschluss: Fragen Sie Ihren Arzt." in page(german, ".html")
    assert 'class="notice"' not in page(german, ".html") and "Abschnitt" not in page(german, ".txt")
    assert [(r.usable, r.state) for r in run_checks(load_config(german), ["de"]).required] == [(True, "reviewed")]


def test_under_publish_reviewed_check_measures_the_reviewed_share(german: Path) -> None:
    set_policy(german, 'publish = "reviewed"\nmin_percent = 100')
    sign(german, leave=("Drink plenty of water.",))
    (finding,) = [f for f in run_checks(load_config(german), ["de"]).findings if f.check == "completeness"]
    assert '75.0% reviewed (publish = "reviewed") (3 of 4 messages' in finding.message


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('publish = "approved"', "tool.translatio.locale.de.publish: expected one of 'translated', 'reviewed', got 'approved'"),
        ('required_review = "yes"', "tool.translatio.locale.de.required_review: expected true or false, got 'yes'"),
    ],
)
def test_a_bad_policy_is_one_line_naming_the_key(german: Path, capsys: pytest.CaptureFixture[str], table: str, message: str) -> None:
    set_policy(german, table)
    assert main(["-C", str(german), "build"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
