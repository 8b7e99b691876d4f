"""The PO reader: every piece of an entry kept, every malformed file rejected at the right line."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalogs import Catalog, Message, format_po, parse_po, plural_forms, read_po
from pipeline.errors import CatalogError

HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)

FULL = (
    HEADER
    + """# Translator's note
#
#  indented note
#. paragraph
#.  two spaces
#: source/valium.md:12 source/valium.md:40
#: source/other.md
#, fuzzy, python-format
#| msgctxt "old context"
#| msgid "Old "
#| "text"
msgctxt "ctx"
msgid ""
"First line\\n"
"Second \\"line\\"\\t\\\\"
msgid_plural "Plural"
msgstr[0] "Eins"
msgstr[1] "Zwei"

#~ msgid "gone"
#~ msgstr "weg"

#, fuzzy
#~| msgid "older"
#~ msgid "old"
#~ msgstr ""
#~ "alt"
"""
)


def test_every_piece_of_an_entry_is_kept() -> None:
    catalog = parse_po(FULL, "de.po")
    assert catalog.path == Path("de.po")
    assert catalog.header.line == 1
    assert catalog.header_fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    message, gone, old = catalog.messages
    assert message == Message(
        msgid='First line\nSecond "line"\t\\',
        msgstr=("Eins", "Zwei"),
        msgid_plural="Plural",
        msgctxt="ctx",
        translator_comments=("Translator's note", "", " indented note"),
        extracted_comments=("paragraph", " two spaces"),
        references=("source/valium.md:12", "source/valium.md:40", "source/other.md"),
        flags=("fuzzy", "python-format"),
        previous_msgctxt="old context",
        previous_msgid="Old text",
        line=6,
    )
    assert gone == Message("gone", msgstr=("weg",), obsolete=True, line=25)
    assert old == Message("old", msgstr=("alt",), flags=("fuzzy",), previous_msgid="older", obsolete=True, line=28)


def test_flags_are_split_on_commas_and_stripped() -> None:
    catalog = parse_po(HEADER + '#,  fuzzy ,c-format,, range: 1..5\n#, x\nmsgid "a"\nmsgstr "b"\n')
    assert catalog.messages[0].flags == ("fuzzy", "c-format", "range: 1..5", "x")


# FULL as gettext writes it (what msgcat makes of FULL): one #: line, joined strings.
CANONICAL = (
    HEADER
    + """# Translator's note
#
#  indented note
#. paragraph
#.  two spaces
#: source/valium.md:12 source/valium.md:40 source/other.md
#, fuzzy, python-format
#| msgctxt "old context"
#| msgid "Old text"
msgctxt "ctx"
msgid ""
"First line\\n"
"Second \\"line\\"\\t\\\\"
msgid_plural "Plural"
msgstr[0] "Eins"
msgstr[1] "Zwei"

#~ msgid "gone"
#~ msgstr "weg"

#, fuzzy
#~| msgid "older"
#~ msgid "old"
#~ msgstr "alt"
"""
)


def test_a_file_is_read_as_gettext_reads_it() -> None:
    assert parse_po(CANONICAL).messages == tuple(
        replace(message, line=line) for message, line in zip(parse_po(FULL).messages, (6, 23, 26), strict=True)
    )


@pytest.mark.parametrize("text", [CANONICAL, 'msgid "only"\nmsgstr ""\n', ""])
def test_parse_then_format_is_identity_on_canonical_files(text: str) -> None:
    assert format_po(parse_po(text.encode("utf-8"))) == text


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU msgcat is not installed")
def test_parse_then_format_is_identity_on_msgcat_output(tmp_path: Path) -> None:
    source = tmp_path / "in.po"
    messages = "".join(
        f'#: source/valium.md:{n}\nmsgid "Paragraph {n}: {"benzodiazepine and anxiety " * (n % 5)}“quoted”"\n'
        f'msgstr "Absatz {n}: {"Angst und Muskelkrämpfe " * (n % 7)}"\n\n'
        for n in range(40)
    )
    source.write_text(HEADER + messages, encoding="utf-8")
    done = subprocess.run(["msgcat", str(source)], capture_output=True, check=True)
    assert format_po(parse_po(done.stdout)).encode("utf-8") == done.stdout


def test_line_numbers_point_at_each_entrys_first_line() -> None:
    text = HEADER + 'msgid "a"\nmsgstr ""\n\n\n# note\nmsgid "b"\nmsgstr ""\n'
    assert [m.line for m in parse_po(text).messages] == [6, 10]


MALFORMED = [
    ("unterminated string", HEADER + 'msgid "abc\nmsgstr ""\n', 6, "unterminated string"),
    ("bad escape", HEADER + 'msgid "a\\qb"\nmsgstr ""\n', 6, "invalid escape sequence \\q"),
    ("escape of byte 0", HEADER + 'msgid "a\\0"\nmsgstr ""\n', 6, "invalid escape"),
    ("garbage line", HEADER + 'msgid "a"\nmsgstr ""\nhello world\n', 8, "stray text"),
    ("unknown keyword", HEADER + 'msgid "a"\nmsgtxt "b"\n', 7, "unknown keyword"),
    ("text after a string", HEADER + 'msgid "a" x\nmsgstr ""\n', 6, "expected a quoted string"),
    ("keyword without string", HEADER + "msgid\nmsgstr \"\"\n", 6, "string missing"),
    ("string without keyword", '"abc"\n' + HEADER, 1, "string without a keyword"),
    ("msgstr missing", HEADER + 'msgid "a"\n\nmsgid "b"\nmsgstr ""\n', 6, "msgstr missing"),
    ("msgstr missing at the end", HEADER + '# c\nmsgid "a"\n', 7, "msgstr missing"),
    ("msgstr without msgid", 'msgstr "a"\n' + HEADER, 1, "without a msgid"),
    ("msgstr after a complete entry", HEADER + 'msgid "a"\nmsgstr ""\n\nmsgstr "b"\n', 9, "second msgstr"),
    ("msgstr[n] out of order", HEADER + 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] ""\nmsgstr[2] ""\n', 9,
     "msgstr[2] out of order"),
    ("msgstr[n] not from 0", HEADER + 'msgid "a"\nmsgid_plural "b"\nmsgstr[1] ""\n', 8, "expected msgstr[0]"),
    ("plural without msgstr[n]", HEADER + 'msgid "a"\nmsgid_plural "b"\nmsgstr ""\n', 8, "msgstr[0]"),
    ("msgstr[n] without plural", HEADER + 'msgid "a"\nmsgstr[0] ""\n', 7, "without a msgid_plural"),
    ("duplicate", HEADER + 'msgid "a"\nmsgstr ""\n\n#: x.md:1\nmsgid "a"\nmsgstr "b"\n', 9,
     "duplicate message definition (first defined at line 6)"),
    ("two msgstr", HEADER + 'msgid "a"\nmsgstr ""\nmsgstr "b"\n', 8, "second msgstr"),
    ("previous continuation alone", HEADER + '#| "abc"\nmsgid "a"\nmsgstr ""\n', 6, "#| string"),
    ("previous msgctxt alone", HEADER + '#| msgctxt "c"\nmsgid "a"\nmsgstr ""\n', 6, "without a #| msgid"),
    ("mixed obsolete", HEADER + '#~ msgid "a"\nmsgstr ""\n', 7, "obsolete and active"),
    ("unknown charset", 'msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"Content-Type: text/plain; charset=LATIN-9\\n"\n',
     4, "unknown charset 'LATIN-9'"),
    ("charset Python lacks", 'msgid ""\nmsgstr "Content-Type: text/plain; charset=VISCII\\n"\n', 2, "not supported"),
    ("Plural-Forms syntax", 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=n !=;\\n"\n', 3,
     "Plural-Forms does not parse"),
    ("Plural-Forms zero", 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=0; plural=0;\\n"\n', 3, "does not parse"),
    ("Plural-Forms without plural", 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2;\\n"\n', 3, "does not parse"),
    ("more forms than nplurals", HEADER + 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n',
     10, "nplurals=2"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), [case[1:] for case in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_input_is_rejected_at_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_po(text.encode("utf-8"), "bad.po")
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"bad.po:{line}: ")
    assert "\n" not in str(caught.value)


def test_same_msgid_in_other_context_or_obsolete_is_no_duplicate() -> None:
    text = HEADER + 'msgctxt "c"\nmsgid "a"\nmsgstr ""\n\nmsgid "a"\nmsgstr ""\n\n#~ msgid "a"\n#~ msgstr "x"\n'
    assert [m.key for m in parse_po(text).messages] == [("c", "a"), (None, "a"), (None, "a")]


def test_bytes_invalid_in_the_declared_charset_are_reported_with_their_line() -> None:
    data = HEADER.encode() + b'msgid "a"\nmsgstr "caf\xe9"\n'
    with pytest.raises(CatalogError) as caught:
        parse_po(data, "bad.po")
    assert caught.value.line == 7
    assert "not valid utf-8" in caught.value.message


def test_the_header_charset_decodes_the_file() -> None:
    data = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-15\\n"\n\nmsgid "€"\nmsgstr "é"\n'
    catalog = parse_po(data.encode("iso8859-15"))
    assert catalog.messages[0].msgid == "€" and catalog.messages[0].msgstr == ("é",)


def test_charset_placeholder_of_a_template_reads_as_utf8() -> None:
    data = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=CHARSET\\n"\n\nmsgid "Größe"\nmsgstr ""\n'
    assert parse_po(data.encode("utf-8")).messages[0].msgid == "Größe"


def test_bom_crlf_and_missing_final_newline_are_accepted() -> None:
    data = (
        b'\xef\xbb\xbfmsgid ""\r\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\r\n'
        b'\r\nmsgid "a"\r\nmsgstr "\xc3\xa9"'  # BOM, CRLF, no newline at the end
    )
    catalog = parse_po(data)
    assert catalog.messages == (Message("a", msgstr=("é",), line=4),)
    assert catalog.header.msgstr == ("Content-Type: text/plain; charset=UTF-8\n",)


def test_empty_file_is_an_empty_catalogue(tmp_path: Path) -> None:
    (tmp_path / "empty.po").write_bytes(b"")
    catalog = read_po(tmp_path / "empty.po")
    assert catalog == Catalog(path=tmp_path / "empty.po")


def test_octal_and_hex_escapes_are_bytes_in_the_file_charset() -> None:
    catalog = parse_po(HEADER + 'msgid "a"\nmsgstr "\\303\\251\\x41\\101"\n')
    assert catalog.messages[0].msgstr == ("éAA",)


def test_missing_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        read_po(tmp_path / "nope.po")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("nplurals=2; plural=(n != 1);", (2, "(n != 1)")),
        ("nplurals=1; plural=0;", (1, "0")),
        ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
         (3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)")),
        ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
         (6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5")),
        ("nplurals=2; plural=n > 1", (2, "n > 1")),
        ("nplurals=2; plural=(n != 1;", None),
        ("nplurals=2; plural=x;", None),
        ("nplurals=-1; plural=0;", None),
        ("plural=n != 1; nplurals=2;", None),
    ],
)  # fmt: skip
def test_plural_forms(field: str, expected: tuple[int, str] | None) -> None:
    catalog = Catalog(header=Message("", msgstr=(f"Plural-Forms: {field}\n",)))
    rule = plural_forms(catalog)
    assert (None if rule is None else (rule.nplurals, rule.expression)) == expected


def test_plural_forms_absent() -> None:
    assert plural_forms(Catalog()) is None


# Any text at all, control characters and escapes included, survives write → read.
reference = st.from_regex(r"[a-z][a-z/._-]{0,19}:[1-9][0-9]{0,4}", fullmatch=True)
any_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=60)
canonical_flags = st.lists(st.sampled_from(["fuzzy", "c-format", "python-format", "no-wrap"]), unique=True).map(
    lambda flags: tuple(sorted(flags, key=["fuzzy", "c-format", "python-format", "no-wrap"].index))
)


@st.composite
def catalogues(draw: st.DrawFn) -> Catalog:
    items = []
    for number in range(draw(st.integers(0, 5))):
        plural = draw(st.booleans())
        msgstr = tuple(draw(any_text) for _ in range(3 if plural else 1))
        items.append(
            Message(
                msgid=f"{number}:{draw(any_text)}",
                msgstr=msgstr,
                msgid_plural=draw(any_text) if plural else None,
                msgctxt=draw(st.none() | any_text),
                translator_comments=tuple(draw(st.lists(st.text("ab #.:,~|\t", max_size=8), max_size=2))),
                extracted_comments=tuple(draw(st.lists(st.text("ab #.:,~|", max_size=8), max_size=2))),
                references=tuple(draw(st.lists(reference, max_size=4, unique=True))),
                flags=draw(canonical_flags) if msgstr[0] else (),
                previous_msgid=draw(st.none() | any_text),
                obsolete=draw(st.integers(0, 4)) == 0 and bool(msgstr[0]),
            )
        )
    header = Message("", msgstr=("Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=3; plural=n%3;\n",))
    return Catalog(header=header, messages=tuple(sorted(items, key=lambda m: m.obsolete)))


@settings(max_examples=int(os.environ.get("TRANSLATIO_ROUND_TRIP_EXAMPLES", "300")), deadline=None)
@given(catalogue=catalogues())
def test_what_we_write_reads_back_unchanged(catalogue: Catalog) -> None:
    text = format_po(catalogue)
    again = parse_po(text.encode("utf-8"), "x.po")
    assert [replace(m, line=0) for m in again.messages] == list(catalogue.messages)
    assert again.header.msgstr == catalogue.header.msgstr
    assert format_po(again) == text
