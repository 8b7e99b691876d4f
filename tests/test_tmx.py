"""TMX 1.4b reading and writing, and PO compendia, as sources and store of the memory."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import __version__
from pipeline.errors import MemoryFileError
from pipeline.memory.compendium import read_compendium
from pipeline.memory.tmx import format_tmx, parse_tmx, read_tmx, representable, tmx_date, write_tmx
from pipeline.memory.units import Origin, TranslationUnit, normalize

DATA = Path(__file__).parent / "data" / "tmx"
HEADER = (
    '  <header creationtool="translatio" creationtoolversion="{version}" segtype="paragraph" '
    'o-tmf="PO" adminlang="en" srclang="en" datatype="plaintext"/>'
)


def unit(source: str, target: str, target_locale: str = "de", *origins: Origin, first_seen: str = "") -> TranslationUnit:
    return TranslationUnit(source, target, "en", target_locale, tuple(origins), first_seen)


def tmx(body: str, header: str = '<header creationtool="t" creationtoolversion="1" segtype="sentence" '
        'o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>', version: str = "1.4") -> bytes:  # fmt: skip
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="{version}">\n{header}\n<body>\n'
            f"{textwrap.dedent(body).strip()}\n</body>\n</tmx>\n").encode()  # fmt: skip


# --- round trip and determinism ----------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_xml_char = st.characters(codec="utf-8").filter(lambda c: not _NOT_XML.match(c))
_pieces = st.one_of(
    st.text(_xml_char, max_size=8),
    st.sampled_from(["<b>", "</b>", "&", "&amp;", "&#10;", '"', "'", "<", ">", "]]>", "\n", "\r\n", "\r",
                     "\t", "  ", "服用してください", "لا تتناول الدواء", "Ω", "😀", "%", "|", "%7C", "\u0301"]),
)  # fmt: skip
texts = st.lists(_pieces, min_size=1, max_size=6).map("".join).filter(lambda t: normalize(t) != "")
fields = st.lists(_pieces, max_size=3).map("".join)
origins = st.lists(st.builds(Origin, fields, fields, fields), max_size=3).map(
    lambda os: tuple(sorted(set(os), key=lambda o: (o.domain, o.reference, o.context)))
)
pairs = st.sampled_from([("en", "de"), ("en", "pt_BR"), ("en", "zh_Hans"), ("en", "ar"), ("en", "en_GB"),
                         ("en_US", "ja"), ("en_US", "fr_CA")])  # fmt: skip
units = st.builds(
    # Superseded records never share a domain with an origin (current there wins): the reader says so too.
    lambda s, t, pair, o, d, r: TranslationUnit(s, t, pair[0], pair[1], o, d, tuple(x for x in r if x.domain not in {y.domain for y in o})),
    texts, texts, pairs, origins, st.sampled_from(["", "20240501T100000Z", "19991231T235959Z"]), origins,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(units, max_size=8))
def test_write_then_read_gives_the_same_units(tmp_path: Path, written: list[TranslationUnit]) -> None:
    path = tmp_path / "memory.tmx"
    path.unlink(missing_ok=True)
    write_tmx(written, path, "en")
    # Every unit comes back: the strategy makes writable ones (the property is stated over what
    # write_tmx writes, so a strategy that lets an empty text through does not make it flaky).
    assert Counter(read_tmx(path)) == Counter(u for u in written if representable(u))


@settings(max_examples=60)
@given(st.lists(units, max_size=8), st.randoms(use_true_random=False))
def test_the_same_units_in_any_order_give_the_same_bytes(written: list[TranslationUnit], rnd: random.Random) -> None:
    shuffled = [
        TranslationUnit(u.source, u.target, u.source_locale, u.target_locale, tuple(reversed(u.origins)), u.first_seen,
                        tuple(reversed(u.superseded)))
        for u in rnd.sample(written, len(written))
    ]
    assert format_tmx(shuffled, "en") == format_tmx(written, "en")


def test_the_file_layout_is_stable_escaped_and_bcp47(tmp_path: Path) -> None:
    memory = [
        unit("Take <b>one</b> & \"two\"\na day", "Nimm <b>eine</b> & „zwei“\nam Tag", "de",
             Origin("valium", "source/valium.md:12", "c0ffee"), Origin("ui", "", ""), first_seen="20240501T100000Z"),
        unit("Hello", "Olá", "pt_BR", Origin("a|b%", "x", "")),
    ]  # fmt: skip
    path = tmp_path / "memory.tmx"
    assert write_tmx(memory, path, "en") is True
    data = path.read_bytes()
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"</tmx>\n")
    assert data.decode("utf-8").split("\n") == [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        HEADER.format(version=__version__),
        "  <body>",
        "    <tu>",
        '      <prop type="x-translatio-origin">a%7Cb%25|x|</prop>',
        '      <tuv xml:lang="en"><seg>Hello</seg></tuv>',
        '      <tuv xml:lang="pt-BR"><seg>Olá</seg></tuv>',
        "    </tu>",
        '    <tu creationdate="20240501T100000Z">',
        '      <prop type="x-translatio-origin">ui||</prop>',
        '      <prop type="x-translatio-origin">valium|source/valium.md:12|c0ffee</prop>',
        '      <tuv xml:lang="en"><seg>Take &lt;b&gt;one&lt;/b&gt; &amp; "two"&#10;a day</seg></tuv>',
        '      <tuv xml:lang="de"><seg>Nimm &lt;b&gt;eine&lt;/b&gt; &amp; „zwei“&#10;am Tag</seg></tuv>',
        "    </tu>",
        "  </body>",
        "</tmx>",
        "",
    ]
    os.utime(path, (1, 1))
    assert write_tmx(list(reversed(memory)), path, "en") is False
    assert path.stat().st_mtime == 1


def test_units_xml_cannot_carry_or_without_text_are_not_written() -> None:
    bad = [unit("beep\x07", "Piep"), unit("ok", "\ufffe"), unit("x", "y", "de", Origin("\x00")), unit("  ", "leer")]
    good = unit("fine", "gut")
    assert [representable(u) for u in [*bad, good]] == [False, False, False, False, True]
    assert parse_tmx(format_tmx([*bad, good], "en").encode()) == [good]


def test_a_unit_from_another_source_language_names_it_in_its_tu() -> None:
    other = TranslationUnit("Colour", "Farbe", "en_GB", "de")
    text = format_tmx([other], "en")
    assert '<tu srclang="en-GB">' in text
    assert parse_tmx(text.encode()) == [other]


def test_dates_are_written_in_tmx_form() -> None:
    assert tmx_date("20240501T100000Z") == "20240501T100000Z"
    assert tmx_date("2024-05-01 12:00+0200") == "20240501T100000Z"
    assert tmx_date("YEAR-MO-DA HO:MI+ZONE") == ""
    po_dated = unit("a", "b", first_seen="2024-05-01 12:00+0200")
    assert 'creationdate="20240501T100000Z"' in format_tmx([po_dated], "en")
    with pytest.raises(ValueError):
        format_tmx([unit("a", "b", first_seen="yesterday")], "en")


# --- files other tools write -------------------------------------------------------------------


def test_dates_read_as_when_the_translation_was_made_and_superseded_records_as_written() -> None:
    [older_file, omegat_like] = parse_tmx(tmx("""
        <tu lastusagedate="20240901T000000Z">
          <prop type="x-translatio-origin">a|source/a.md:1|</prop>
          <prop type="x-translatio-superseded">a|source/a.md:1|</prop>
          <prop type="x-translatio-superseded">b|source/b.md:2|</prop>
          <tuv xml:lang="en"><seg>One.</seg></tuv><tuv xml:lang="de"><seg>Eins.</seg></tuv>
        </tu>
        <tu lastusagedate="20240901T000000Z" creationdate="20240101T000000Z" changedate="20240301T000000Z">
          <tuv xml:lang="en"><seg>Two.</seg></tuv><tuv xml:lang="de"><seg>Zwei.</seg></tuv>
        </tu>"""))  # fmt: skip
    # A file translatio wrote before it recorded first appearances: lastusagedate is all there is.
    assert older_file.first_seen == "20240901T000000Z"
    # Current in a wins over a contradicting superseded record there; b's record stays.
    assert older_file.origins == (Origin("a", "source/a.md:1"),) and older_file.superseded == (Origin("b", "source/b.md:2"),)
    assert omegat_like.first_seen == "20240301T000000Z"  # the translation as it stands dates from its last change


def test_a_hand_written_tmx_14b_file_is_imported() -> None:
    assert read_tmx(DATA / "omegat-like.tmx") == [
        TranslationUnit("Take <b>one tablet</b> a day.", "Nehmen Sie <b>eine Tablette</b> am Tag.",
                        "en_US", "de_DE", (), "20240315T101500Z"),
        TranslationUnit("Do not drive.", "Ne pas conduire.", "en_US", "fr_FR", (), "20230601T120000Z"),
        TranslationUnit("Do not drive.", "Nicht Auto fahren.", "en_US", "de_DE", (), "20230601T120000Z"),
        TranslationUnit('Consulte <a href="https://example.org">o seu médico</a>.', "Ask your doctor.",
                        "pt_BR", "en_US", (), ""),
        TranslationUnit("Keep out of reach of children.", "子供の手の届かない所に保管してください。",
                        "en_US", "ja_JP", (), "20240401T000000Z"),
    ]  # fmt: skip


def test_segment_whitespace_is_kept_and_a_bare_language_matches_a_region() -> None:
    data = tmx("""
        <tu>
          <tuv xml:lang="en-US"><seg>  two
          lines </seg></tuv>
          <tuv xml:lang="de"><seg>zwei Zeilen</seg></tuv>
        </tu>""")
    [only] = parse_tmx(data)
    assert (only.source, only.source_locale) == ("  two\n  lines ", "en_US")


_system_python = Path("/usr/bin/python3")
_has_translate_toolkit = _system_python.exists() and subprocess.run(
    [_system_python, "-c", "import translate.storage.tmx"], capture_output=True
).returncode == 0


@pytest.mark.skipif(not _has_translate_toolkit, reason="Translate Toolkit is not installed")
def test_translate_toolkit_reads_our_tmx(tmp_path: Path) -> None:
    path = tmp_path / "memory.tmx"
    here = Origin("valium", "source/valium.md:3", "c0ffee")
    superseded = TranslationUnit("Take <b>one</b>\na day & night", "Nimm <b>zwei</b>", "en", "de", (), "20240101T000000Z", (here,))
    write_tmx([unit("Take <b>one</b>\na day & night", "Nimm <b>eine</b>\npro Tag & Nacht", "de", here, first_seen="20240501T100000Z"),
               superseded], path, "en")  # fmt: skip
    assert 'creationdate="20240101T000000Z"' in path.read_text(encoding="utf-8") and "x-translatio-superseded" in path.read_text(encoding="utf-8")
    script = ("import sys; from translate.storage import tmx; f = tmx.tmxfile.parsefile(sys.argv[1]); "
              "print(repr([(u.source, u.target) for u in f.units]))")  # fmt: skip
    out = subprocess.run([_system_python, "-c", script, path], capture_output=True, text=True, check=True).stdout
    assert out.strip() == repr([("Take <b>one</b>\na day & night", "Nimm <b>eine</b>\npro Tag & Nacht"),
                                ("Take <b>one</b>\na day & night", "Nimm <b>zwei</b>")])  # fmt: skip


@pytest.mark.skipif(shutil.which("po2tmx") is None, reason="Translate Toolkit's po2tmx is not installed")
def test_we_read_translate_toolkit_po2tmx_output(tmp_path: Path) -> None:
    po = tmp_path / "de.po"
    po.write_text('msgid ""\nmsgstr "Language: de\\n"\n\nmsgid "A <b>&</b>"\nmsgstr "Ein <b>&</b>"\n', encoding="utf-8")
    subprocess.run(["po2tmx", "-l", "de", po, tmp_path / "out.tmx"], capture_output=True, check=True)
    assert read_tmx(tmp_path / "out.tmx") == [TranslationUnit("A <b>&</b>", "Ein <b>&</b>", "en", "de")]


# --- hostile and broken input ------------------------------------------------------------------


def refused(data: bytes, tmp_path: Path) -> MemoryFileError:
    path = tmp_path / "bad.tmx"
    path.write_bytes(data)
    with pytest.raises(MemoryFileError) as caught:
        read_tmx(path)
    assert "\n" not in str(caught.value)
    return caught.value


def test_an_external_entity_is_refused(tmp_path: Path) -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE tmx [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>&xxe;</seg></tuv><tuv xml:lang="de"><seg>x</seg></tuv></tu>
</body></tmx>
"""
    error = refused(data, tmp_path)
    assert str(error).startswith(f"{tmp_path / 'bad.tmx'}:3: refused: entity declaration 'xxe'")


def test_a_parameter_entity_is_refused(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY % p SYSTEM "file:///etc/passwd">\n%p;\n]>\n<tmx/>\n'
    assert refused(data, tmp_path).line == 3


def test_an_entity_bomb_is_refused(tmp_path: Path) -> None:
    lol = "".join(f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE tmx [\n  <!ENTITY lol0 "lol">\n{lol}]>\n'
            '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&lol9;</seg></tuv>'
            "</tu></body></tmx>\n").encode()  # fmt: skip
    error = refused(data, tmp_path)
    assert error.line == 3 and "entity declaration 'lol0'" in error.message


def test_an_external_dtd_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "evil.dtd").write_text('<!ENTITY secret "from the DTD">', encoding="utf-8")
    data = tmx("""
        <tu>
          <tuv xml:lang="en"><seg>&secret;</seg></tuv>
        </tu>""").replace(b"<tmx", f'<!DOCTYPE tmx SYSTEM "{(tmp_path / "evil.dtd").as_uri()}">\n<tmx'.encode(), 1)
    error = refused(data, tmp_path)
    assert (error.line, error.message) == (7, "undefined entity reference &secret;")


def test_xml_that_is_not_well_formed_is_refused_at_its_line(tmp_path: Path) -> None:
    data = tmx("""
        <tu>
          <tuv xml:lang="en"><seg>one</seg></tuv>
          <tuv xml:lang="de"><seg>eins</tuv>
        </tu>""")
    error = refused(data, tmp_path)
    assert error.line == 7 and error.message.startswith("not well-formed XML: mismatched tag")


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (tmx("", version="2.0"), 2, "unknown TMX version '2.0': expected 1.4 (TMX 1.4b)"),
        (tmx("", version="1.1"), 2, "unknown TMX version '1.1': expected 1.4 (TMX 1.4b)"),
        (b'<?xml version="1.0"?>\n<xliff version="1.2"/>\n', 2, "the root element is <xliff>, not <tmx>: not a TMX file"),
        (tmx("", header='<header srclang="xx-YY"/>'), 3, "srclang: unknown locale code 'xx-YY': unknown locale 'xx_YY'"),
        (tmx("""
            <tu>
              <tuv xml:lang="de"><seg>eins</seg></tuv>
              <tuv xml:lang="fr"><seg>un</seg></tuv>
            </tu>"""), 5, "a <tu> without a variant in the source language en"),
        (tmx("""
            <tu>
              <tuv xml:lang="en"><seg>one</seg></tuv>
              <tuv xml:lang="xx-YY"><seg>?</seg></tuv>
            </tu>"""), 7, "xml:lang: unknown locale code 'xx-YY': unknown locale 'xx_YY'"),
        (tmx("""
            <tu>
              <tuv xml:lang="en"><seg>one</seg></tuv>
              <tuv xml:lang="de">
                <note>no seg</note>
              </tuv>
            </tu>"""), 7, "a <tuv> without <seg>"),
        (tmx('<tu><tuv><seg>one</seg></tuv></tu>'), 5, "a <tuv> without xml:lang"),
        (tmx('<tuv xml:lang="en"><seg>one</seg></tuv>'), 5, "unexpected <tuv> in <body>"),
    ],
)  # fmt: skip
def test_broken_tmx_is_refused_with_path_and_line(tmp_path: Path, data: bytes, line: int, message: str) -> None:
    error = refused(data, tmp_path)
    assert str(error) == f"{tmp_path / 'bad.tmx'}:{line}: {message}"


def test_a_missing_file_is_a_memory_file_error(tmp_path: Path) -> None:
    with pytest.raises(MemoryFileError, match="cannot read"):
        read_tmx(tmp_path / "nope.tmx")


# --- PO compendia ------------------------------------------------------------------------------

COMPENDIUM = '''\
# A compendium as msgcat writes one.
msgid ""
msgstr ""
"Language: de\\n"
"PO-Revision-Date: 2024-05-01 12:00+0200\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#: source/valium.md:3 source/valium.md:9
msgid "Take one tablet."
msgstr "Nehmen Sie eine Tablette."

#: source/faq.md:4
msgctxt "faq"
msgid "Take one tablet."
msgstr "Nehmen Sie eine Tablette."

#, fuzzy
msgid "Do not drive."
msgstr "Nicht fahren."

msgid "Untranslated."
msgstr ""

#: source/valium.md:20
msgid "One tablet"
msgid_plural "%d tablets"
msgstr[0] "Eine Tablette"
msgstr[1] "%d Tabletten"

#~ msgid "Old text."
#~ msgstr "Alter Text."

#, fuzzy
#~ msgid "Old fuzzy."
#~ msgstr "Alt, unsicher."
'''


def test_a_compendium_gives_its_approved_singular_entries(tmp_path: Path) -> None:
    path = tmp_path / "de.compendium.po"
    path.write_text(COMPENDIUM, encoding="utf-8")
    origin = "de.compendium"
    assert read_compendium(path, "en") == [
        TranslationUnit("Take one tablet.", "Nehmen Sie eine Tablette.", "en", "de",
                        (Origin(origin, "source/faq.md:4"), Origin(origin, "source/valium.md:3")), "20240501T100000Z"),
        TranslationUnit("Old text.", "Alter Text.", "en", "de", (Origin(origin),), "20240501T100000Z"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ('"Content-Type: text/plain; charset=UTF-8\\n"', "the header has no Language: the target language is unknown"),
        ('"Language: xx_YY\\n"', "Language: unknown locale code 'xx_YY': unknown locale 'xx_YY'"),
        ('"Language: en\\n"', "Language 'en' is the source language"),
    ],
)
def test_a_compendium_needs_a_known_target_language(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "c.po"
    path.write_text(f'# comment\nmsgid ""\nmsgstr ""\n{header}\n\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(MemoryFileError) as caught:
        read_compendium(path, "en")
    assert str(caught.value) == f"{path}:1: {message}"


def test_a_broken_compendium_is_a_memory_file_error(tmp_path: Path) -> None:
    path = tmp_path / "c.po"
    path.write_text('msgid ""\nmsgstr "Language: de\\n"\n\nmsgid "a\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(MemoryFileError) as caught:
        read_compendium(path, "en")
    assert caught.value.line == 4
