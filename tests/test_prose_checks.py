"""The prose checks (pipeline/checks/prose.py and the text checks of quality.py): each trips on
the defect it names and stays quiet on what a good translation legitimately does — pofilter's
common false alarms (French spacing, an added explanation in parentheses, Spanish ¿, another
language's quotation marks, scripts without case) among them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.catalogs import Message
from pipeline.checks import REGISTRY
from pipeline.checks.registry import EntryContext
from pipeline.cli import main
from pipeline.glossary import GlossaryEntry
from pipeline.locales import locale_info


def problems(check: str, source: str, translation: str, locale: str = "de", markup: str = "markdown", glossary: tuple[GlossaryEntry, ...] = ()) -> list[str]:
    function = REGISTRY[check].function
    assert function is not None
    context = EntryContext(Message(source, (translation,)), source, translation, locale_info(locale), markup, glossary)
    return list(function(context))


TRIPS = [
    ("blank", "Ask your doctor.", "  ", "de"),
    ("tabs", "Ask your doctor.", "Fragen Sie\tIhren Arzt.", "de"),
    ("merge-conflict", "Ask your doctor.", "#-#-#-#-#  a.po  #-#-#-#-#\nFragen Sie Ihren Arzt.\n#-#-#-#-#  b.po  #-#-#-#-#\nFragen Sie.", "de"),
    ("email", "Write to help@example.org.", "Schreiben Sie an hilfe@example.org.", "de"),
    ("email", "Ask your doctor.", "Fragen Sie uns: spam@evil.example.", "de"),
    ("url", "See www.nhs.uk for more.", "Mehr unter www.nhs.example.", "de"),
    ("url", "Ask your doctor.", "Fragen Sie https://evil.example/buy ihren Arzt.", "de"),
    ("acronym", "The FDA approved it.", "Die Behörde hat es zugelassen.", "de"),
    ("acronym", "NOTE: the FDA approved it.", "HINWEIS: Die Behörde hat es zugelassen.", "de"),
    ("brackets", "Valium (diazepam) helps.", "Valium (Diazepam hilft.", "de"),
    ("brackets", "Valium (diazepam) helps.", "Valium hilft.", "de"),
    ("quotes", "It is called “the calm pill”.", "Man nennt es die Ruhepille.", "de"),
    ("quotes", "Ask your doctor.", "Fragen Sie „Ihren Arzt.", "de"),
    ("start-punctuation", "Ask your doctor.", "— Fragen Sie Ihren Arzt.", "de"),
    ("start-capital", "Ask your doctor.", "fragen Sie Ihren Arzt.", "de"),
    ("punctuation-spacing", "Rest, then drink water.", "Ruhen Sie sich aus,dann trinken Sie Wasser.", "de"),
    ("pure-punctuation", " · ", " und ", "de"),
    ("doubled-word", "Ask your doctor.", "Fragen Sie Ihren Ihren Arzt.", "de"),
    ("escapes", "Doses marked \\* are for adults.", "Mit * markierte Dosen gelten für Erwachsene.", "de"),
]


@pytest.mark.parametrize(("check", "source", "translation", "locale"), TRIPS)
def test_a_prose_check_trips_on_its_defect(check: str, source: str, translation: str, locale: str) -> None:
    found = problems(check, source, translation, locale)
    assert found and all("\n" not in problem for problem in found), found


QUIET = [
    # French typography: a space before : ? ! and the translator's own parentheses are fine
    ("punctuation-spacing", "What is Valium (Diazepam)?", "Qu’est-ce que le Valium (diazépam) ?", "fr"),
    ("brackets", "What Valium is and how it works.", "Ce qu’est le Valium (diazépam) et comment il agit.", "fr"),
    # each language's quotation marks are quotations
    ("quotes", "It is called “the calm pill”.", "Man nennt es „die Ruhepille“.", "de"),
    ("quotes", "It is called “the calm pill”.", "On l’appelle « la pilule du calme ».", "fr"),
    ("quotes", "It is called “the calm pill”.", "「落ち着きの薬」と呼ばれます。", "ja"),
    # Spanish opens a question with ¿; Arabic and Japanese have no capitals
    ("start-punctuation", "Is this safe?", "¿Es seguro?", "es"),
    ("start-capital", "Is this safe?", "هل هذا آمن؟", "ar"),
    ("start-capital", "Published on %(date)s", "%(date)s 公開", "ja"),
    ("start-punctuation", "%(num)s parts are in English.", "%(num)s個の部分は英語です。", "ja"),
    # a placeholder's parentheses are not the text's
    ("brackets", "%(count)s minute read", "مدة القراءة: دقيقة واحدة", "ar"),
    # no spaces between words in Japanese; a number's comma and a link's target are not text
    ("punctuation-spacing", "Rest, then drink.", "休んで、水を飲みます。", "ja"),
    ("punctuation-spacing", "See [the guide](https://example.org/a,b).", "Siehe [den Leitfaden](https://example.org/a,b).", "de"),
    ("punctuation-spacing", "Take 2.5 mg.", "Nehmen Sie 2,5 mg.", "de"),
    # a link target, or a URL the source has, unchanged
    ("url", "See [NHS](https://www.nhs.uk/) and www.nhs.uk today.", "Siehe [NHS](https://www.nhs.uk/) und www.nhs.uk heute.", "de"),
    ("email", "Write to help@example.org.", "Écrivez à help@example.org.", "fr"),
    # an acronym in another script, or one the glossary translates
    ("acronym", "The WHO says so.", "ВОЗ так говорит.", "ru"),
    ("acronym", "Ask about NSAIDs.", "Fragen Sie nach NSAID.", "de"),
    # shouted words and labels are words, translated
    ("acronym", "DO NOT take it with alcohol.", "Nehmen Sie es NICHT mit Alkohol ein.", "de"),
    ("acronym", "NOTE: ask your doctor.", "HINWEIS: Fragen Sie Ihren Arzt.", "de"),
    # grammar that repeats a word, and a repetition the source has
    ("doubled-word", "We met.", "Nous nous sommes rencontrés.", "fr"),
    ("doubled-word", "It is very very rare.", "Es ist sehr sehr selten.", "de"),
    ("start-capital", "Ask your doctor.", "Fragen Sie Ihren Arzt.", "de"),
    ("pure-punctuation", " · ", "・", "ja"),
    ("blank", "", "", "de"),
    ("escapes", "Doses marked \\* are for adults.", "Mit \\* markierte Dosen gelten für Erwachsene.", "de"),
]


@pytest.mark.parametrize(("check", "source", "translation", "locale"), QUIET)
def test_a_prose_check_is_quiet_on_what_a_good_translation_does(check: str, source: str, translation: str, locale: str) -> None:
    assert problems(check, source, translation, locale) == []


def test_an_acronym_the_glossary_translates_is_left_to_the_glossary_check() -> None:
    entry = GlossaryEntry("HIV", "fr", "VIH", True, "", 2)
    assert problems("acronym", "HIV is a virus.", "Le VIH est un virus.", "fr")
    assert problems("acronym", "HIV is a virus.", "Le VIH est un virus.", "fr", glossary=(entry,)) == []


def test_a_name_the_glossary_keeps_may_begin_with_a_small_letter() -> None:
    keep = GlossaryEntry("iPhone", "de", "keep", True, "", 2)
    assert problems("start-capital", "Apps help.", "iPhone-Apps helfen.", "de")
    assert problems("start-capital", "Apps help.", "iPhone-Apps helfen.", "de", glossary=(keep,)) == []


def test_every_check_has_a_title_and_the_set_covers_pofilters_text_tests() -> None:
    """The checks that stand for pofilter's default tests on article and interface text
    (README, "Checks compared with pofilter") are all registered."""
    counterparts = {
        "brackets", "quotes", "punctuation-spacing", "start-punctuation", "start-capital", "pure-punctuation", "doubled-word",
        "email", "url", "acronym", "blank", "tabs", "merge-conflict", "whitespace", "doubled-spaces", "end-punctuation",
        "escapes", "sentence-count", "length-ratio", "numbers", "placeholders", "markup-mismatch", "html-mismatch",
        "untranslated-looking", "glossary", "glossary-term", "newline", "plural-forms", "completeness",
    }  # fmt: skip
    assert counterparts <= set(REGISTRY)
    assert all(info.title and "\n" not in info.title for info in REGISTRY.values())


def test_check_list_names_every_check_without_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(tmp_path), "check", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(REGISTRY)
    assert main(["-C", str(tmp_path), "check", "--list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["id"]: row["severity"] for row in rows} == {k: v.severity.value for k, v in REGISTRY.items()}


HOSTILE = {
    "many unclosed comments": "<!--" * 25_000,
    "many unclosed links": "[a](" * 25_000,
    "many link titles never closed": '](a "' * 20_000,
    "an address that never comes": "a" * 100_000 + "@",
    "many footnote openings": "[^" * 50_000,
    "many placeholder openings": "%(" * 50_000,
    "many parentheses": "(" * 100_000,
    "a shouted run that ends in a word": "A " * 50_000 + "b",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_entry_check_reads_a_hostile_translation_in_one_pass(text: str) -> None:
    """A catalogue is untrusted input: a 100 KB translation built to make patterns backtrack
    (each of these took from seconds to minutes before the patterns were bounded or anchored)
    is judged like any other text, and what is wrong with it is found."""
    found = {check: problems(check, "Ask your doctor before you take it.", text) for check, info in REGISTRY.items() if info.function is not None}
    assert found["length-ratio"] and found["end-punctuation"]
    if text.startswith("("):
        assert found["brackets"] == ["the parentheses do not balance: one is left open or closes nothing"]
    assert found["email"] == []  # no address is in it


PIECES = ["<", ">", "!", "-", "--", "<!--", "-->", "?", "<?", "?>", "]]>", "<![CDATA[", "a", " ", "=", "'", '"', "/", "</a>", "<b>", "<!DOCTYPE"]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_raw_html_is_found_exactly_where_markdown_it_finds_it(text: str) -> None:
    """The tags of a segment are found in one pass (an unclosed ``<!--``, ``<?`` or ``<![CDATA[``
    is not scanned to the end from each opening) and are exactly markdown-it's inline HTML."""
    from markdown_it.common.html_re import HTML_TAG_RE

    from pipeline.rawhtml import _tag_matches, has_html

    pattern = re.compile(HTML_TAG_RE.pattern.lstrip("^"))
    assert [m.group(0) for m in _tag_matches(text)] == [m.group(0) for m in pattern.finditer(text)]
    assert has_html(text) == ("<" in text and pattern.search(text) is not None)


def test_html_checks_read_a_hostile_translation_in_one_pass() -> None:
    """html-mismatch compares a translation's tags with the source's; 25,000 unclosed comments
    (100 KB) took 13 s to read before."""
    assert problems("html-mismatch", "Press <kbd>Enter</kbd>.", "<!--" * 25_000)
