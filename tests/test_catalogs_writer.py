"""The PO writer: gettext's layout, flags and references as msgcat writes them, atomic files.

The exact wrapping is checked against msgcat in ``test_wrapping.py``; here the expected text is
spelled out, so these tests hold even where gettext is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po as babel_read_po

from pipeline.catalogs import Catalog, Message, format_po, generate_po, parse_po, read_po, write_po
from pipeline.catalogs.writer import canonical_flags, canonical_references
from pipeline.errors import OutputError

HEADER = Message(
    "",
    msgstr=(
        "Project-Id-Version: translatio valium\n"
        "Language: de\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "Plural-Forms: nplurals=2; plural=(n != 1);\n",
    ),
    translator_comments=("German translation of the Valium article.",),
)

PARAGRAPH = (
    "Valium, known by its generic name Diazepam, is part of the benzodiazepine family, "
    "which has been extensively used to treat a variety of medical conditions."
)
PARAGRAPH_DE = (
    "Valium, bekannt unter seinem Wirkstoffnamen Diazepam, gehört zur Familie der "
    "Benzodiazepine, die seit Langem zur Behandlung verschiedenster Erkrankungen eingesetzt werden."
)


def sample() -> Catalog:
    return Catalog(
        header=HEADER,
        messages=(
            Message(
                PARAGRAPH,
                msgstr=(PARAGRAPH_DE,),
                extracted_comments=("paragraph",),
                references=("source/valium.md:12",),
            ),
            Message(
                "Removed long ago",
                msgstr=("Vor langer Zeit entfernt",),
                obsolete=True,
                translator_comments=("kept for later",),
            ),
            Message("Removed, never translated", obsolete=True),
            Message(
                "What is Valium (Diazepam)?",
                msgstr=("Was ist Valium (Diazepam)?",),
                flags=("translatio-checked", "fuzzy"),
                previous_msgid="What is Valium?",
                extracted_comments=("heading",),
                references=("source/valium.md:10",),
            ),
            Message("%(n)s tablet", msgid_plural="%(n)s tablets", msgstr=("%(n)s Tablette", "%(n)s Tabletten"),
                    flags=("python-format",)),  # fmt: skip
            Message("Line one\nLine two with a \"quote\" and a\ttab", msgctxt="menu", msgstr=("",), flags=("fuzzy",)),
        ),
    )


EXPECTED = r"""# German translation of the Valium article.
msgid ""
msgstr ""
"Project-Id-Version: translatio valium\n"
"Language: de\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#. paragraph
#: source/valium.md:12
msgid ""
"Valium, known by its generic name Diazepam, is part of the benzodiazepine "
"family, which has been extensively used to treat a variety of medical "
"conditions."
msgstr ""
"Valium, bekannt unter seinem Wirkstoffnamen Diazepam, gehört zur Familie der "
"Benzodiazepine, die seit Langem zur Behandlung verschiedenster Erkrankungen "
"eingesetzt werden."

#. heading
#: source/valium.md:10
#, fuzzy, translatio-checked
#| msgid "What is Valium?"
msgid "What is Valium (Diazepam)?"
msgstr "Was ist Valium (Diazepam)?"

#, python-format
msgid "%(n)s tablet"
msgid_plural "%(n)s tablets"
msgstr[0] "%(n)s Tablette"
msgstr[1] "%(n)s Tabletten"

msgctxt "menu"
msgid ""
"Line one\n"
"Line two with a \"quote\" and a\ttab"
msgstr ""

# kept for later
#~ msgid "Removed long ago"
#~ msgstr "Vor langer Zeit entfernt"
"""


def test_layout_is_gettexts() -> None:
    """Header first, obsolete last (untranslated ones dropped), flags in gettext's order."""
    assert format_po(sample()) == EXPECTED


def test_generate_po_yields_lines_without_newlines() -> None:
    lines = list(generate_po(sample()))
    assert all("\n" not in line for line in lines)
    assert "\n".join(lines) + "\n" == EXPECTED
    assert lines[lines.index("#. heading") - 1] == ""  # entries are separated by one blank line


def test_round_trip_through_the_reader_is_identity() -> None:
    again = parse_po(EXPECTED.encode("utf-8"), "de.po")
    assert format_po(again) == EXPECTED
    assert again.messages[1].flags == ("fuzzy", "translatio-checked")


def test_an_empty_default_header_is_not_written() -> None:
    assert format_po(Catalog(messages=(Message("a", msgstr=("b",)),))) == 'msgid "a"\nmsgstr "b"\n'
    assert format_po(Catalog()) == ""


def test_flags_are_put_in_gettext_order_and_spelling() -> None:
    message = Message(
        "x",
        msgstr=("y",),
        flags=("no-wrap", "python-format", "my-flag", "possible-c-format", "fuzzy", "wrap", "no-wrap",
               "impossible-sh-format", "range: 01..5", "my-flag", "no-java-format"),
    )  # fmt: skip
    assert canonical_flags(message) == [
        "fuzzy", "c-format", "python-format", "no-java-format", "range: 1..5", "no-wrap", "my-flag",
    ]  # fmt: skip


def test_fuzzy_is_dropped_on_untranslated_messages_as_gettext_does() -> None:
    assert canonical_flags(Message("x", flags=("fuzzy", "c-format"))) == ["c-format"]
    assert canonical_flags(Message("x", msgid_plural="xs", msgstr=("", "ys"), flags=("fuzzy",))) == []
    assert canonical_flags(Message("x", msgstr=("y",), flags=("fuzzy", "range: 1..3"), obsolete=True)) == ["fuzzy"]


def test_references_are_normalized_and_wrapped_at_79_bytes() -> None:
    assert canonical_references(("./a.md:007", "a.md:7", "b.md", "c.md:x", ":12", "d.md:", "5")) == [
        "a.md:7", "b.md", "c.md:x:12", "d.md:5",
    ]  # fmt: skip
    refs = tuple(f"source/статья-{n}.md:{n}" for n in range(6))
    lines = list(generate_po(Catalog(messages=(Message("m", references=refs),))))
    reference_lines = [line for line in lines if line.startswith("#:")]
    assert len(reference_lines) == 3
    assert all(len(line.encode("utf-8")) <= 79 for line in reference_lines)
    assert " ".join(line[3:] for line in reference_lines).split() == list(refs)


def test_comments_keep_their_text_and_newlines_become_lines() -> None:
    message = Message("m", translator_comments=("", "  indented", "two\nlines"), extracted_comments=("a\nb", ""))
    assert list(generate_po(Catalog(messages=(message,))))[:7] == [
        "#", "#   indented", "# two", "# lines", "#. a", "#. b", "#.",
    ]  # fmt: skip


def test_no_wrap_flag_keeps_long_lines() -> None:
    long = "word " * 30
    text = format_po(Catalog(messages=(Message(long, flags=("no-wrap",)),)))
    assert f'msgid "{long}"' in text


def test_breaks_never_go_inside_a_python_directive() -> None:
    text = "a" * 73 + " 5% of x"  # "% o" is a directive: the line must not end after "5% "
    with_flag = format_po(Catalog(messages=(Message(text, flags=("python-format",)),)))
    without = format_po(Catalog(messages=(Message(text),)))
    assert '"5% of x"' in with_flag
    assert '"of x"' in without


def test_write_po_is_atomic_and_skips_identical_files(tmp_path: Path) -> None:
    path = tmp_path / "locale" / "de.po"
    assert write_po(sample(), path) is True
    assert path.read_text(encoding="utf-8") == EXPECTED
    os.utime(path, (1_000_000, 1_000_000))
    assert write_po(sample(), path) is False
    assert path.stat().st_mtime == 1_000_000
    assert sorted(p.name for p in path.parent.iterdir()) == ["de.po"]


def test_write_po_leaves_no_temporary_file_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "de.po"
    path.write_text("old", encoding="utf-8")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_po(sample(), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.po"]
    assert path.read_text(encoding="utf-8") == "old"


def test_write_po_uses_the_header_charset(tmp_path: Path) -> None:
    header = Message("", msgstr=("Content-Type: text/plain; charset=ISO-8859-1\n",))
    catalog = Catalog(header=header, messages=(Message("Größe", msgstr=("taille",)),))
    write_po(catalog, tmp_path / "fr.po")
    assert (tmp_path / "fr.po").read_bytes().endswith(b'msgid "Gr\xf6\xdfe"\nmsgstr "taille"\n')
    assert read_po(tmp_path / "fr.po").messages == (Message("Größe", msgstr=("taille",), line=4),)
    with pytest.raises(OutputError, match=r"fr2\.po:4: 'Ω' cannot be written"):
        write_po(Catalog(header=header, messages=(Message("Ω"),)), tmp_path / "fr2.po")


def test_other_tools_read_what_we_write(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    write_po(sample(), path)
    entries = {entry.msgid: entry for entry in polib.pofile(str(path))}
    assert entries[PARAGRAPH].msgstr == PARAGRAPH_DE
    assert entries["What is Valium (Diazepam)?"].previous_msgid == "What is Valium?"
    assert "fuzzy" in entries["What is Valium (Diazepam)?"].flags
    assert entries["%(n)s tablet"].msgstr_plural == {0: "%(n)s Tablette", 1: "%(n)s Tabletten"}
    with path.open("rb") as handle:
        babel = babel_read_po(handle)
    assert babel[PARAGRAPH].string == PARAGRAPH_DE
    assert babel.get("Line one\nLine two with a \"quote\" and a\ttab", context="menu") is not None


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt is not installed")
def test_msgfmt_check_accepts_a_complete_catalogue(tmp_path: Path) -> None:
    complete = Catalog(
        header=HEADER,
        messages=tuple(m for m in sample().messages if m.translated or m.obsolete),
    )
    path = tmp_path / "de.po"
    write_po(complete, path)
    done = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
