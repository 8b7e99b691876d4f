"""The shipped content: six complete, careful translations that build without any English fallback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.approval import review_state
from pipeline.build import build_site
from pipeline.catalogs import read_po
from pipeline.config import load_config
from pipeline.glossary import GLOSSARY_FILE, GlossaryEntry, read_glossary, unmet
from pipeline.locales import locale_info
from pipeline.plurals.rules import standard_rule
from pipeline.required import link_targets, required_status, sentence_count

from .conftest import REPO

LOCALES = ("ar", "de", "es", "fr", "ja", "ru")
CATALOGUES = [(code, domain) for code in LOCALES for domain in ("valium", "ui")]


def catalogue(code: str, domain: str):
    return read_po(REPO / "locale" / code / "LC_MESSAGES" / f"{domain}.po")


def glossary() -> list[GlossaryEntry]:
    return read_glossary(REPO / "locale" / GLOSSARY_FILE)


def test_the_shipped_locales_are_the_configured_ones() -> None:
    assert load_config(REPO).target_locales() == LOCALES


@pytest.mark.parametrize(("code", "domain"), CATALOGUES)
def test_complete_no_fuzzy_headers_and_plurals(code: str, domain: str) -> None:
    catalog = catalogue(code, domain)
    info = locale_info(code)
    assert catalog.active, "empty catalogue"
    assert [m.msgid for m in catalog.active if not m.translated] == []
    assert [m.msgid for m in catalog.messages if m.fuzzy] == []
    assert not catalog.header.fuzzy
    header = catalog.header_fields
    assert header["Language"] == code
    rule = standard_rule(code, load_config(REPO).plural_rules_for(code)).rule  # the project's documented default
    assert header["Plural-Forms"] == rule.header
    assert header["Last-Translator"].startswith("translatio translation team")
    assert header["Language-Team"].startswith(info.english_name)
    assert "charset=UTF-8" in header["Content-Type"]
    for message in catalog.active:
        if message.msgid_plural is not None:
            assert len(message.msgstr) == rule.nplurals, message.msgid


REVIEW_TEAM = "translatio medical review team"


@pytest.mark.parametrize(("code", "domain"), CATALOGUES)
def test_every_entry_is_signed_by_the_review_team(code: str, domain: str) -> None:
    """The content review of every shipped translation, recorded in the catalogue: one approval by
    the project's medical review team, valid for the text as it is."""
    for message in catalogue(code, domain).active:
        state = review_state(message)
        assert [(a.reviewer, a.date) for a in state.valid] == [(REVIEW_TEAM, "2026-12-01")], message.msgid
        assert state.stale == () and state.malformed == (), message.msgid


def test_the_shipped_site_publishes_reviewed_translations_only() -> None:
    config = load_config(REPO)
    assert {config.policy_for(code).publish for code in LOCALES} == {"reviewed"}


@pytest.mark.parametrize("code", LOCALES)
def test_links_sentences_and_disclaimer(code: str) -> None:
    for message in catalogue(code, "valium").active:
        translation = message.msgstr[0]
        assert sorted(link_targets(translation)) == sorted(link_targets(message.msgid)), message.msgid
        if "disclaimer: required" in message.extracted_comments:
            assert required_status(message.msgid, message).usable
            assert sentence_count(translation) == sentence_count(message.msgid) == 3


ENGLISH_ONLY_NOTES = {"de": "(englischsprachig)", "es": "(en inglés)", "fr": "(en anglais)", "ja": "（英語）", "ru": "(на английском языке)"}


@pytest.mark.parametrize("code", LOCALES)
def test_glossary_terms_are_used(code: str) -> None:
    rows = [r for r in glossary() if r.locale == code and r.enforced]
    assert {r.term for r in rows} >= {"Valium", "Diazepam", "WebMD", "Mayo Clinic"}
    links = {r.term: r.translation for r in rows if r.link}
    if code in ENGLISH_ONLY_NOTES:  # the sites linked are in English, and the page says so
        assert links == dict.fromkeys(("https://www.webmd.com/", "https://www.mayoclinic.org/"), ENGLISH_ONLY_NOTES[code])
    for domain in ("valium", "ui"):
        for message in catalogue(code, domain).active:
            for index, translation in enumerate(message.msgstr):
                source = message.msgid_plural if index and message.msgid_plural else message.msgid
                assert [r.line for r in unmet(rows, source, translation)] == [], (domain, message.msgid)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
@pytest.mark.parametrize(("code", "domain"), CATALOGUES)
def test_msgfmt_check_passes(code: str, domain: str) -> None:
    path = REPO / "locale" / code / "LC_MESSAGES" / f"{domain}.po"
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "fuzzy" not in done.stderr and "untranslated" not in done.stderr


def test_the_shipped_site_builds_with_no_english_fallback(shipped_project: Path) -> None:
    project = shipped_project
    build_site(load_config(project))
    manifest = json.loads((project / "build" / "translatio-build.json").read_text(encoding="utf-8"))
    pages = [o for o in manifest["outputs"] if o["article"] and o["locale"] != "en"]
    assert {o["locale"] for o in pages} == set(LOCALES)
    assert all(o["translated"] == 1.0 and o["disclaimer"] == "translated" for o in pages)
    records = [s for page in manifest["pages"] for s in page["segments"]]
    assert {page["locale"] for page in manifest["pages"]} == set(LOCALES)
    assert {s["state"] for s in records} == {"reviewed"}
    assert {r["name"] for s in records for r in s["reviewers"]} == {REVIEW_TEAM}
    for code in LOCALES:
        html = (project / "build" / code / "valium.html").read_text(encoding="utf-8")
        direction = "rtl" if code == "ar" else "ltr"
        assert f'<html lang="{code}" dir="{direction}">' in html
        assert 'lang="en"' not in html.split("<main>", 1)[1]  # no English fallback in the article


GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*-valium.*")))
def test_pages_match_the_golden_files_reviewed_by_eye(shipped_project: Path, name: str) -> None:
    """Golden pages (German HTML and text, Japanese and Arabic text), reviewed by eye when they
    change: refresh with ``translatio build`` and copy ``build/<lang>/valium.*`` here."""
    project = shipped_project
    build_site(load_config(project))
    locale, page = name.split("-", 1)
    assert (project / "build" / locale / page).read_text(encoding="utf-8") == (GOLDEN / name).read_text(encoding="utf-8")


def test_ui_strings_are_translated_with_the_right_plural_forms(tmp_path: Path) -> None:
    from pipeline.ui import CatalogTranslations

    ru = CatalogTranslations(catalogue("ru", "ui"))
    forms = [ru.ngettext("%(count)s minute read", "%(count)s minutes read", n) % {"count": n} for n in (1, 3, 5, 21)]
    assert forms == ["1 минута чтения", "3 минуты чтения", "5 минут чтения", "21 минута чтения"]
    ar = CatalogTranslations(catalogue("ar", "ui"))
    forms = [ar.ngettext("%(count)s minute read", "%(count)s minutes read", n) % {"count": n} for n in (1, 2, 3, 11, 100)]
    assert forms == [  # the dual does not repeat the number; 3–10 take the plural, 11–99 and 100 the singular
        "مدة القراءة: دقيقة واحدة", "مدة القراءة: دقيقتان", "مدة القراءة: 3 دقائق", "مدة القراءة: 11 دقيقة", "مدة القراءة: 100 دقيقة",
    ]  # fmt: skip
    assert CatalogTranslations(catalogue("de", "ui")).gettext("Other languages") == "Weitere Sprachen"
    assert CatalogTranslations(catalogue("ja", "ui")).pgettext("byline", " · ") == "・"  # no Latin middle dot in Japanese


def test_shipped_content_passes_check_including_freshness(shipped_project: Path) -> None:
    """Editing a template or textpage.py moves the ui references: run `translatio update` then."""
    from pipeline.checks import run_checks

    project = shipped_project
    report = run_checks(load_config(project))
    assert [f"{f.check}: {report.relative(f.path)}: {f.message}" for f in report.findings] == []
