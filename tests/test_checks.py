"""translatio check: each check tripped and not tripped, thresholds, ignores, every report format."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from pipeline.catalogs import Message, read_po, write_po
from pipeline.checks import FORMATS, REGISTRY, run_checks
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.update import init_locale, po_path, update_locales

from .conftest import edit_po, write

ARTICLE = """
---
title: Dosing guide
slug: a
---

Take *5 mg* of [Valium](https://example.org/valium) with `water` daily.

Is this safe?

::: disclaimer
Disclaimer: Ask your doctor. Read the leaflet.
:::
"""

GOOD = {
    "Dosing guide": "Dosierungsleitfaden",
    "Take *5 mg*": "Nehmen Sie täglich *5 mg* [Valium](https://example.org/valium) mit `water` ein.",
    "Is this safe?": "Ist das sicher?",
    "Disclaimer:": "Haftungsausschluss: Fragen Sie Ihren Arzt. Lesen Sie die Packungsbeilage.",
}


def set_entry(path: Path, prefix: str, *forms: str, comments: tuple[str, ...] = (), fuzzy: bool = False) -> None:
    def change(m: Message) -> Message:
        if not m.msgid.startswith(prefix):
            return m
        return dataclasses.replace(m, msgstr=tuple(forms), translator_comments=comments).with_flag("fuzzy", fuzzy)

    edit_po(path, change)


@pytest.fixture
def good(project: Path) -> Path:
    """A project whose German catalogues pass every check."""
    write(project / "source" / "a.md", ARTICLE)
    write(project / "locale" / "glossary.csv", "term,locale,translation,check,note\nValium,de,keep,yes,brand\nguide,de,Leitfaden,yes,\n")
    config = load_config(project)
    init_locale(config, "de")
    for prefix, text in GOOD.items():
        set_entry(po_path(config, "de", "a"), prefix, text)
    ui = po_path(config, "de", "ui")
    for m in read_po(ui).active:
        if not any(c.isalpha() for c in m.msgid):  # the byline's separator: the same in German
            set_entry(ui, m.msgid, m.msgid)
            continue
        set_entry(ui, m.msgid, *(f"DE {m.msgid_plural if i else m.msgid}" for i in range(len(m.msgstr))))
    update_locales(config)  # harvests the translations into the memory: the project is fresh
    return project


def ids(project: Path, **kwargs: object) -> set[str]:
    return {f.check for f in run_checks(load_config(project), **kwargs).findings}  # type: ignore[arg-type]


def test_the_good_project_passes_with_no_finding(good: Path) -> None:
    report = run_checks(load_config(good))
    assert report.findings == ()
    assert report.passed(strict=True)
    assert [r.usable for r in report.required] == [True]


ENTRY_CASES = [
    ("markup-mismatch", "Take *5 mg*", "Nehmen Sie täglich 5 mg [Valium](https://evil.example/) mit `water` ein."),
    ("raw-html", "Is this safe?", "Ist das <b>sicher</b>?"),
    ("raw-html", "Is this safe?", "Ist das sicher? [x](javascript:alert(1))"),
    ("bidi-control", "Is this safe?", "Ist das \u202esicher?"),
    ("invisible-character", "Is this safe?", "Ist das\u200b sicher?"),
    ("numbers", "Take *5 mg*", "Nehmen Sie täglich *50 mg* [Valium](https://example.org/valium) mit `water` ein."),
    ("whitespace", "Is this safe?", "Ist das sicher? "),
    ("doubled-spaces", "Is this safe?", "Ist  das sicher?"),
    ("untranslated-looking", "Is this safe?", "Is this safe?"),
    ("sentence-count", "Is this safe?", "Ist das sicher? Ja."),
    ("length-ratio", "Take *5 mg*", "Nehmen."),
    ("end-punctuation", "Is this safe?", "Ist das sicher"),
    ("glossary", "Take *5 mg*", "Nehmen Sie täglich *5 mg* [Valyum](https://example.org/valium) mit `water` ein."),
    ("glossary-term", "Dosing guide", "Dosierungsanleitung"),
    ("newline", "Is this safe?", "Ist das sicher?\n"),
]


@pytest.mark.parametrize(("check", "prefix", "translation"), ENTRY_CASES)
def test_entry_check_trips_on_a_bad_translation(good: Path, check: str, prefix: str, translation: str) -> None:
    path = po_path(load_config(good), "de", "a")
    set_entry(path, prefix, translation)
    report = run_checks(load_config(good))
    found = [f for f in report.findings if f.check == check]
    assert found, [f"{f.check}: {f.message}" for f in report.findings]
    line = [m.line for m in read_po(path).active if m.msgid.startswith(prefix)][0]
    assert found[0].line == line and found[0].path == path and found[0].locale == "de"
    assert found[0].severity is REGISTRY[check].severity
    assert "\n" not in found[0].message


@pytest.mark.parametrize(("check", "prefix", "translation"), ENTRY_CASES)
def test_a_translator_comment_switches_a_check_off_for_one_entry(good: Path, check: str, prefix: str, translation: str) -> None:
    set_entry(po_path(load_config(good), "de", "a"), prefix, translation, comments=(f"translatio-ignore: {check} (reviewed)",))
    assert check not in ids(good)


def test_a_glossary_link_row_wants_its_note_after_every_link_to_the_address(good: Path) -> None:
    rows = "term,locale,translation,check,note\nValium,de,keep,yes,brand\nhttps://example.org/valium,de,(englischsprachig),yes,in English\n"
    write(good / "locale" / "glossary.csv", rows)
    path = po_path(load_config(good), "de", "a")
    (finding,) = [f for f in run_checks(load_config(good)).findings if f.check == "glossary-term"]
    assert finding.message == "glossary: the link to https://example.org/valium should be followed by '(englischsprachig)' (glossary line 3)"
    assert finding.line == [m.line for m in read_po(path).active if m.msgid.startswith("Take")][0]
    marked = "Nehmen Sie täglich *5 mg* [Valium](https://example.org/valium) (englischsprachig) mit `water` ein."
    set_entry(path, "Take *5 mg*", marked)
    assert "glossary-term" not in ids(good)


def test_a_locale_can_switch_a_check_off(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "Ist  das sicher?")
    write(good / "pyproject.toml", '[tool.translatio]\n[tool.translatio.locale.de]\nignore_checks = ["doubled-spaces"]\n')
    report = run_checks(load_config(good))
    assert "doubled-spaces" not in {f.check for f in report.findings}
    assert report.ignored == {"de": ("doubled-spaces",)}


def test_placeholders_in_ui_strings(good: Path) -> None:
    ui = po_path(load_config(good), "de", "ui")
    set_entry(ui, "Published on", "Veröffentlicht am %(datum)s")
    assert "placeholders" in ids(good)
    set_entry(ui, "%(count)s minute read", "eine Minute Lesezeit", "%(count)s Minuten Lesezeit")  # "one": number left out
    set_entry(ui, "Published on", "Veröffentlicht am %(date)s")
    assert "placeholders" not in ids(good)


def test_disclaimer_rule_fuzzy_and_incomplete(good: Path) -> None:
    path = po_path(load_config(good), "de", "a")
    set_entry(path, "Disclaimer:", GOOD["Disclaimer:"], fuzzy=True)
    (finding,) = [f for f in run_checks(load_config(good)).findings if f.check == "required"]
    assert "fuzzy" in finding.message and "English text would be published" in finding.message and finding.locale == "de"
    set_entry(path, "Disclaimer:", "Haftungsausschluss: Fragen Sie Ihren Arzt.")
    (finding,) = [f for f in run_checks(load_config(good)).findings if f.check == "required"]
    assert "1 sentence, the English has 2" in finding.message


def test_completeness_thresholds(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "")
    report = run_checks(load_config(good))
    (finding,) = [f for f in report.findings if f.check == "completeness"]
    assert "75.0% translated (3 of 4 messages" in finding.message and "minimum of 100%" in finding.message
    assert "completeness" not in ids(good, min_percent=70)
    write(good / "pyproject.toml", "[tool.translatio]\nmin_percent = 90\n[tool.translatio.locale.de]\nmin_percent = 75\n")
    assert "completeness" not in ids(good)


def test_header_and_plural_forms(good: Path) -> None:
    path = po_path(load_config(good), "de", "ui")
    catalog = read_po(path)
    fields = catalog.header_fields
    del fields["Language"]
    fields["Last-Translator"] = "FULL NAME <EMAIL@ADDRESS>"
    fields["Plural-Forms"] = "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);"
    write_po(catalog.with_header_fields(fields), path)
    report = run_checks(load_config(good))
    messages = {f.message for f in report.findings if f.check in ("header", "plural-forms")}
    assert "header field Language is missing" in messages
    assert "header field Last-Translator still has its template value 'FULL NAME <EMAIL@ADDRESS>'" in messages
    assert any(m.startswith("Plural-Forms 'nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);' is not a rule known for German: expected GNU gettext") for m in messages)
    assert any(m.startswith("2 plural forms, German has") for m in messages) is False  # German has 2: entries agree


def test_an_equivalent_plural_expression_is_accepted(good: Path) -> None:
    path = po_path(load_config(good), "de", "ui")
    catalog = read_po(path)
    fields = catalog.header_fields
    fields["Plural-Forms"] = "nplurals=2; plural=n!=1;"
    write_po(catalog.with_header_fields(fields), path)
    assert "plural-forms" not in ids(good)


def test_a_broken_catalogue_is_a_finding_and_the_others_are_still_checked(good: Path) -> None:
    config = load_config(good)
    po_path(config, "de", "a").write_text('msgid "unterminated\nmsgstr ""\n', encoding="utf-8")
    set_entry(po_path(config, "de", "ui"), "Articles", "Artikel  ")
    report = run_checks(config)
    syntax = [f for f in report.findings if f.check == "syntax"]
    assert len(syntax) == 1 and syntax[0].line == 1 and syntax[0].path == po_path(config, "de", "a")
    assert {"whitespace", "doubled-spaces"} <= {f.check for f in report.findings if f.domain == "ui"}
    assert not report.passed()


def test_freshness(good: Path) -> None:
    article = good / "source" / "a.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Is this safe?", "Is it safe?"), encoding="utf-8")
    fresh = [f for f in run_checks(load_config(good)).findings if f.check == "freshness"]
    assert {f.path.name for f in fresh} == {"a.pot", "a.po", "de.tmx"}  # the memory records where units stand
    assert all("run 'translatio update'" in f.message for f in fresh)


def test_a_translation_not_yet_harvested_makes_the_memory_stale(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "Ist es sicher?")
    fresh = [f for f in run_checks(load_config(good)).findings if f.check == "freshness"]
    assert [f.path.relative_to(good).as_posix() for f in fresh] == ["locale/tm/de.tmx"]
    update_locales(load_config(good))
    assert "freshness" not in ids(good)


def test_json_report_matches_its_schema(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "Ist  das sicher?")
    report = run_checks(load_config(good))
    data = json.loads(FORMATS["json"](report))
    schema = json.loads((Path(__file__).resolve().parent.parent / "pipeline" / "checks" / "schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["passed"] is True and data["warnings"] == 1
    assert data["findings"][0]["path"] == "locale/de/LC_MESSAGES/a.po"
    assert data["locales"][0]["total"]["percent"] == 100


def test_junit_report_has_a_case_per_locale_and_check(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "Ist das <b>sicher</b>?")
    update_locales(load_config(good))
    root = ET.fromstring(FORMATS["junit"](run_checks(load_config(good))))
    suite = root.find("testsuite[@name='translatio.de']")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == set(REGISTRY)
    assert cases["raw-html"].find("failure") is not None
    assert cases["length-ratio"].find("failure") is None
    assert suite.get("failures") == "1" and root.get("failures") == "1"


def test_github_annotations(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "Ist das sicher")
    lines = FORMATS["github"](run_checks(load_config(good))).splitlines()
    pattern = re.compile(r"::(error|warning) file=([^,]+)(?:,line=(\d+))?,title=translatio ([a-z-]+)::(.+)")
    matches = [pattern.fullmatch(line) for line in lines[:-1]]
    assert all(matches) and matches
    assert ("warning", "locale/de/LC_MESSAGES/a.po", "end-punctuation") in {(m.group(1), m.group(2), m.group(4)) for m in matches if m}


def test_sarif_report(good: Path) -> None:
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "Ist das \u202esicher?")
    update_locales(load_config(good))
    sarif = json.loads(FORMATS["sarif"](run_checks(load_config(good))))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    (result,) = run["results"]
    assert result["ruleId"] == "bidi-control" and rules[result["ruleIndex"]] == "bidi-control"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "locale/de/LC_MESSAGES/a.po"


def test_cli_exit_codes_and_html_page(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(good), "check", "--html", str(good / "status" / "index.html")]) == 0
    assert "check passed: 0 errors, 0 warnings" in capsys.readouterr().out
    page = (good / "status" / "index.html").read_text(encoding="utf-8")
    assert "Translation status" in page and 'src="badges/de.svg"' in page
    assert "de: 100%" in (good / "status" / "badges" / "de.svg").read_text(encoding="utf-8")
    set_entry(po_path(load_config(good), "de", "a"), "Is this safe?", "<script>alert(1)</script>?")
    assert main(["-C", str(good), "check", "--html", str(good / "status" / "index.html")]) == 1
    out = capsys.readouterr().out
    assert "error: [raw-html]" in out and "check FAILED" in out
    page = (good / "status" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert main(["-C", str(good), "check", "--min-percent", "120"]) == 2
    assert main(["-C", str(good), "check", "--strict", "-l", "de"]) == 1


def test_an_entry_text_found_in_several_catalogues_is_checked_once_and_reported_at_each_place(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner checks each entry text once per locale and puts what it found at every place
    the text recurs (its own line and catalogue); a translator's ignore comment is part of the
    text, so it still switches the check off for its entry only."""
    from pipeline.checks.registry import CheckInfo
    from pipeline.checks.findings import Severity

    write(good / "source" / "b.md", ARTICLE.replace("slug: a", "slug: b").replace("title: Dosing guide", "title: Second guide").replace("Is this safe?", "Intro.\n\nIs this safe?"))
    config = load_config(good)
    update_locales(config)
    b = po_path(config, "de", "b")
    for prefix, text in GOOD.items():
        set_entry(b, prefix, text)
    set_entry(b, "Second guide", "Zweiter Leitfaden")
    set_entry(b, "Intro.", "Einleitung.")
    for path in (po_path(config, "de", "a"), b):
        set_entry(path, "Is this safe?", "Ist das  sicher?")
    calls: list[str] = []

    def counting(ctx):  # type: ignore[no-untyped-def]
        calls.append(ctx.translation)
        return ["seen"] if "sicher" in ctx.translation else []

    monkeypatch.setitem(REGISTRY, "counting", CheckInfo("counting", Severity.WARNING, "Counts its calls.", counting))
    report = run_checks(load_config(good), locales=["de"], freshness=False)
    places = {(f.path, f.line) for f in report.findings if f.check == "doubled-spaces"}
    expected = {(path, m.line) for path in (po_path(config, "de", "a"), b) for m in read_po(path).active if m.msgid == "Is this safe?"}
    assert places == expected and len(places) == 2
    assert {(f.path, f.line) for f in report.findings if f.check == "counting"} == expected
    assert calls.count("Ist das  sicher?") == 1
    assert len(calls) == len(set(calls))

    set_entry(b, "Is this safe?", "Ist das  sicher?", comments=("translatio-ignore: doubled-spaces",))
    report = run_checks(load_config(good), locales=["de"], freshness=False)
    assert {f.path for f in report.findings if f.check == "doubled-spaces"} == {po_path(config, "de", "a")}
