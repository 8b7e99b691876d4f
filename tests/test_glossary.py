"""The glossary: reading its rows, and the rule each kind of row sets (kept name, term, link)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pytest

from pipeline.errors import InputError
from pipeline.glossary import GlossaryEntry, read_glossary, unmet

from .conftest import write

HEADER = "term,locale,translation,check,note\n"
ROWS = """\
# a comment
WebMD,de,keep,yes,brand
muscle spasm,de,Muskelspasmen,yes,not Muskelkrämpfe
healthcare provider,de,"Ihre Ärztin, Ihren Arzt oder Ihre Apotheke | Ihrer Ärztin, Ihres Arztes oder Ihrer Apotheke",yes,cases
https://www.webmd.com/,de,(englischsprachig),yes,the site is in English
"""


@pytest.fixture
def glossary(tmp_path: Path) -> dict[str, GlossaryEntry]:
    entries = read_glossary(write(tmp_path / "glossary.csv", HEADER + ROWS))
    return {e.term: e for e in entries}


def names(entries: Iterable[GlossaryEntry]) -> list[str]:
    return [e.term for e in entries]


def test_rows_are_read_with_their_kind_and_forms(glossary: dict[str, GlossaryEntry]) -> None:
    webmd, spasm, provider, link = glossary.values()
    assert (webmd.keep, webmd.link, webmd.forms, webmd.line) == (True, False, ("WebMD",), 3)
    assert (spasm.keep, spasm.link, spasm.forms) == (False, False, ("Muskelspasmen",))
    assert provider.forms == ("Ihre Ärztin, Ihren Arzt oder Ihre Apotheke", "Ihrer Ärztin, Ihres Arztes oder Ihrer Apotheke")
    assert (link.keep, link.link, link.forms, link.enforced) == (False, True, ("(englischsprachig)",), True)


SOURCE_LINK = "See this guide by [WebMD](https://www.webmd.com/)."


@pytest.mark.parametrize(
    "translation",
    [
        "Siehe den Ratgeber von [WebMD](https://www.webmd.com/) (englischsprachig).",
        "Siehe [WebMD](https://www.webmd.com/)(Englischsprachig) und [WebMD](https://www.webmd.com/)\u00a0(englischsprachig).",
    ],
)
def test_a_link_followed_by_its_note_meets_the_link_row(glossary: dict[str, GlossaryEntry], translation: str) -> None:
    assert names(unmet(glossary.values(), SOURCE_LINK, translation)) == []


@pytest.mark.parametrize(
    "translation",
    [
        "Siehe den Ratgeber von [WebMD](https://www.webmd.com/).",  # no note
        "Siehe den (englischsprachig) Ratgeber von [WebMD](https://www.webmd.com/).",  # note elsewhere
        "Siehe [WebMD](https://www.webmd.com/) (englischsprachig) und [WebMD](https://www.webmd.com/).",  # one link unmarked
        "Siehe WebMD (englischsprachig).",  # the link itself is gone
    ],
)
def test_a_link_without_its_note_does_not(glossary: dict[str, GlossaryEntry], translation: str) -> None:
    assert "https://www.webmd.com/" in names(unmet(glossary.values(), SOURCE_LINK, translation))


def test_a_link_row_applies_only_where_the_source_links_there(glossary: dict[str, GlossaryEntry]) -> None:
    source = "WebMD and [Mayo Clinic](https://www.mayoclinic.org/) say so; see https://www.webmd.com/ too."
    translation = "WebMD und die [Mayo Clinic](https://www.mayoclinic.org/) sagen es; siehe auch https://www.webmd.com/."
    assert names(unmet(glossary.values(), source, translation)) == []


def test_a_term_with_case_forms_is_met_by_any_of_them(glossary: dict[str, GlossaryEntry]) -> None:
    source = "Always follow your healthcare provider’s instructions."
    assert names(unmet(glossary.values(), source, "Befolgen Sie die Anweisungen Ihrer Ärztin, Ihres Arztes oder Ihrer Apotheke.")) == []
    assert names(unmet(glossary.values(), source, "Wenden Sie sich an Ihre Ärztin, Ihren Arzt oder Ihre Apotheke.")) == []
    narrowed = "Befolgen Sie die Anweisungen Ihrer Ärztin oder Ihres Arztes."
    assert names(unmet(glossary.values(), source, narrowed)) == ["healthcare provider"]


def test_terms_and_kept_names_ignore_case_and_link_targets(glossary: dict[str, GlossaryEntry]) -> None:
    source = "It relieves Muscle Spasms, says [the guide](https://example.org/muscle-spasm)."
    assert names(unmet(glossary.values(), source, "Es lindert muskelspasmen.")) == []
    assert names(unmet(glossary.values(), source, "Es lindert Muskelkrämpfe, [laut](https://example.org/Muskelspasmen).")) == ["muscle spasm"]
    assert names(unmet(glossary.values(), "Ask WebMD.", "Fragen Sie Web-MD.")) == ["WebMD"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("https://www.webmd.com/,de,keep,yes,", "its translation is the note that follows a link to it, not 'keep'"),
        ("healthcare provider,de,Ihre Ärztin | ,yes,", "has an empty form between '|'"),
        ("WebMD,de,keep,maybe,", "check must be 'yes' or 'no'"),
    ],
)
def test_a_bad_row_is_an_error_with_its_line(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path / "glossary.csv", HEADER + "WebMD,de,keep,yes,\n" + row + "\n")
    with pytest.raises(InputError) as caught:
        read_glossary(path)
    assert caught.value.line == 3 and message in caught.value.message
