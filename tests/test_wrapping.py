"""Line breaking and wrapping, checked against the real thing: libunistring and GNU msgcat.

The writer's promise is that ``msgcat f.po`` reproduces every file we write, byte for byte.
These tests hold it to that with generated catalogues (prose in many scripts, Markdown, URLs,
escapes, CJK and bidi punctuation) and, one level down, compare our line-breaking functions
with libunistring's own through ctypes. Both kinds skip when the tool is not installed.

Set ``TRANSLATIO_MSGCAT_EXAMPLES`` to run the differential tests with more examples (we ran
them with tens of thousands while developing).

``python -m tests.test_wrapping --regenerate`` rewrites ``pipeline/catalogs/_unidata.py`` from
the installed libunistring.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs import Catalog, Message, format_po
from pipeline.catalogs import _unidata, wrapping
from pipeline.catalogs.wrapping import (
    MANDATORY,
    breaks_needed,
    POSSIBLE,
    PROHIBITED,
    char_width,
    line_break_class,
    possible_breaks,
    width_breaks,
)
from pipeline.catalogs.writer import directive_spans, wrap_string

MSGCAT = shutil.which("msgcat")
EXAMPLES = int(os.environ.get("TRANSLATIO_MSGCAT_EXAMPLES", "250"))
UNIDATA = Path(wrapping.__file__).with_name("_unidata.py")


# --------------------------------------------------------------------------- libunistring


def load_libunistring() -> ctypes.CDLL | None:
    """The libunistring gettext uses, if it is here and exports what we need."""
    for name in (ctypes.util.find_library("unistring"), "libunistring.so.2"):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.uc_width.restype = ctypes.c_int
            lib.uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
            lib.libunistring_unilbrkprop  # noqa: B018 - the table the generator reads
            return lib
        except (OSError, AttributeError):
            continue
    return None


LIB = load_libunistring()
needs_lib = pytest.mark.skipif(LIB is None, reason="libunistring (with its line-break table) is not installed")
needs_msgcat = pytest.mark.skipif(MSGCAT is None, reason="GNU msgcat is not installed")


def table_ranges(lib: ctypes.CDLL) -> list[tuple[int, int, int]]:
    """(first code point, line-break class, uc_width) of each run, read from the library."""

    class Table(ctypes.Structure):  # lbrkprop1.h of libunistring 1.0
        _fields_ = [
            ("level1", ctypes.c_int * 15),
            ("level2", ctypes.c_int * (4 << 9)),
            ("level3", ctypes.c_ubyte * (246 << 7)),
        ]

    table = Table.in_dll(lib, "libunistring_unilbrkprop")
    level1, level2, level3 = list(table.level1), list(table.level2), bytes(table.level3)
    uc_width = lib.uc_width
    ranges: list[tuple[int, int, int]] = []
    previous = (-1, -2)
    for code in range(0x110000):
        cls = 42  # LBP_XX
        if code >> 16 < 15 and level1[code >> 16] >= 0:
            second = level2[level1[code >> 16] + ((code >> 7) & 511)]
            if second >= 0:
                cls = level3[second + (code & 127)]
        value = (cls, uc_width(code, b"UTF-8"))
        if value != previous:
            ranges.append((code, *value))
            previous = value
    return ranges


def unidata_source(lib: ctypes.CDLL) -> str:
    """The text of ``_unidata.py`` for the installed library."""
    packed = bytearray()
    previous = 0
    for start, cls, width in table_ranges(lib):
        delta, previous = start - previous, start
        while delta >= 0x80:
            packed.append(delta & 0x7F | 0x80)
            delta >>= 7
        packed.append(delta)
        packed.append(cls << 2 | (width + 1))
    data = base64.b85encode(zlib.compress(bytes(packed), 9)).decode("ascii")
    body = "\n".join(f'    "{data[i : i + 88]}"' for i in range(0, len(data), 88))
    doc = (_unidata.__doc__ or "").strip("\n")
    return f'"""{doc}\n"""\n\nDATA = (\n{body}\n)\n'


@needs_lib
def test_shipped_table_is_the_installed_librarys() -> None:
    assert LIB is not None
    assert UNIDATA.read_text(encoding="utf-8") == unidata_source(LIB)


def lib_possible(text: str, encoding: bytes = b"UTF-8") -> list[int]:
    assert LIB is not None
    codes = (ctypes.c_uint32 * len(text))(*map(ord, text))
    out = ctypes.create_string_buffer(len(text))
    LIB.u32_possible_linebreaks(codes, len(text), encoding, out)
    return [{1: PROHIBITED, 2: POSSIBLE, 3: MANDATORY}[b] for b in out.raw]


def lib_width_breaks(text: str, width: int, start: int, prohibited: list[int], encoding: bytes) -> list[int]:
    assert LIB is not None
    codes = (ctypes.c_uint32 * len(text))(*map(ord, text))
    overrides = ctypes.create_string_buffer(len(text))  # zeros: UC_BREAK_UNDEFINED
    for index in prohibited:
        overrides[index] = b"\x01"  # UC_BREAK_PROHIBITED
    out = ctypes.create_string_buffer(len(text))
    LIB.u32_width_linebreaks(codes, len(text), width, start, 0, overrides, encoding, out)
    return [index for index, kind in enumerate(out.raw) if kind == 2]


# Characters that exercise every rule of the state machine: spaces, combining marks, ZWJ and
# ZW, regional indicators, Hebrew + hyphen, mandatory breaks, CJK punctuation, emoji.
TRICKY = (
    " \u00a0\u00ad\u200b\u200d\u200f\u2060\u2066\u2069\u0301\u064b\u2028\u0085\u3000"
    "“”‘’«»„—–…、。「」！？（）ー〜ぁ\U0001f1e6\U0001f1e9\U0001f466\U0001f3fb\u05d0\u05d1-\u2010"
    "\t()[]{}!?.,;:/\\\"'%$#*+=-_`~^|&@<>0123456789aZ"
)
random_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(TRICKY), st.characters(exclude_categories=["Cs"]), st.sampled_from(" " * 8)
    ),
    max_size=120,
)


@needs_lib
@settings(max_examples=400, deadline=None)
@given(text=random_text, cjk=st.booleans())
def test_break_opportunities_match_libunistring(text: str, cjk: bool) -> None:
    assert list(possible_breaks(text, cjk)) == lib_possible(text, b"EUC-JP" if cjk else b"UTF-8")


@needs_lib
@settings(max_examples=400, deadline=None)
@given(data=st.data(), text=random_text, cjk=st.booleans())
def test_width_breaks_match_libunistring(data: st.DataObject, text: str, cjk: bool) -> None:
    width = data.draw(st.integers(1, 80))
    start = data.draw(st.integers(0, width + 3))
    prohibited = data.draw(st.lists(st.integers(0, max(len(text) - 1, 0)), max_size=5)) if text else []
    expected = lib_width_breaks(text, width, start, prohibited, b"EUC-JP" if cjk else b"UTF-8")
    assert width_breaks(text, width, start, prohibited, cjk) == expected


@settings(max_examples=300, deadline=None)
@given(data=st.data(), text=random_text, cjk=st.booleans())
def test_fast_line_breaking_agrees_with_the_state_machine(data: st.DataObject, text: str, cjk: bool) -> None:
    """The lazy per-line search gives what the full state machine gives (no library needed)."""
    width = data.draw(st.integers(1, 80))
    start = data.draw(st.integers(0, width + 3))
    prohibited = data.draw(st.lists(st.integers(1, len(text) - 1), max_size=5)) if len(text) > 1 else []
    full = wrapping._width_breaks_full(text, width, start, prohibited, cjk)
    assert width_breaks(text, width, start, prohibited, cjk) == full
    assert breaks_needed(text, width, start, prohibited, cjk) == bool(full)


@needs_lib
def test_widths_match_uc_width_for_cjk_encodings() -> None:
    assert LIB is not None
    for char in "aé«—…漢ｱ\u0301\u200b\x01€￦":
        expected = max(LIB.uc_width(ord(char), b"EUC-JP"), 0)
        assert char_width(char, cjk=True) == expected, char


# ------------------------------------------------------------------ behaviour we rely on


def test_classes_and_widths_of_everyday_characters() -> None:
    assert line_break_class(" ") == wrapping.SP
    assert line_break_class("a") == line_break_class("ж") == line_break_class("ب") == wrapping.AL
    assert line_break_class("漢") == wrapping.ID1
    assert line_break_class("。") == line_break_class("」") == wrapping.CL
    assert line_break_class("「") == wrapping.OP2
    assert line_break_class("-") == wrapping.HY
    assert line_break_class("\u0301") == wrapping.CM
    assert [char_width(c) for c in "a漢\u0301\u200b\x01ｱ"] == [1, 2, 0, 0, 0, 1]


def test_breaks_go_after_spaces_and_hyphens_not_before_punctuation() -> None:
    breaks = possible_breaks("well-known text, (yes) ok !")
    allowed = [i for i, kind in enumerate(breaks) if kind == POSSIBLE]
    assert allowed == [5, 11, 17, 23]  # after "-", after each space but the one before "!"


def test_cjk_breaks_between_ideographs_but_not_before_closing_punctuation() -> None:
    text = "「不安」を治療。"
    allowed = [i for i, kind in enumerate(possible_breaks(text)) if kind == POSSIBLE]
    assert allowed == [2, 4, 5, 6]  # never after 「, never before 」 or 。


def test_greedy_fill_with_overlong_piece_alone() -> None:
    assert width_breaks("aaa bbb ccc", 8) == [8]
    assert width_breaks("x" * 20 + " yy zz", 10) == [21]
    assert width_breaks("aaa bbb", 4, start_column=2) == [4]
    assert width_breaks("short", 80) == []


def test_directive_spans_follow_gettext_parsers() -> None:
    assert directive_spans("10% of", "python") == [(2, 4)]  # "% o": space flag, octal
    assert directive_spans("%(name)s and %%", "python") == [(0, 7), (13, 14)]
    assert directive_spans("%s %q %d", "c") == [(0, 1)]  # stops at the invalid %q
    assert directive_spans("%1$s %<PRId64>", "c") == [(0, 3)]  # numbered then unnumbered: invalid
    assert directive_spans("100%", "python") == []
    assert directive_spans("{name}", "python-brace") == []


def test_wrap_string_layout() -> None:
    assert wrap_string("", "msgid", "short") == ['msgid "short"']
    assert wrap_string("", "msgid", "a\nb") == ['msgid ""', '"a\\n"', '"b"']
    long = "word " * 20
    lines = wrap_string("#~ ", "msgstr", long.strip())
    assert lines[0] == '#~ msgstr ""'
    assert all(len(line) <= 79 for line in lines) and all(line.startswith('#~ "') for line in lines[1:])
    # No break opportunity: the line stays too long, on the keyword's line...
    assert wrap_string("", "msgid", "tab\there", width=10) == ['msgid "tab\\there"']
    # ...unless the keyword itself leaves no room.
    assert wrap_string("", "msgid", "ab", width=5) == ['msgid ""', '"ab"']


# ------------------------------------------------------------------ msgcat differential

WORDS = (
    "the", "Valium", "diazepam", "anxiety", "muscle", "a", "of", "is", "benzodiazepine",
    "über", "Straße", "Größe", "café", "naïve", "médicament", "лекарство", "здоровье", "Валиум",
    "الدواء", "القلق", "ومع", "ذلك", "薬", "ジアゼパム", "不安", "治療", "してください", "です",
    "https://www.webmd.com/a-b/c?d=1", "https://www.mayoclinic.org/", "[WebMD](https://www.webmd.com/)",
    "[text](url)", "**bold**", "`code`", "_em_", "*em*", "x" * 85,
    "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2,
    "2026", "10", "1,000.50", "e.g.", "it’s", "“quoted”", "«guillemets»", "„German“", "(parenthesis)",
    "[bracket]", "and/or", "well-known", "—", "–", "…", "10%", "%s", "%(name)s", "% d", "%%",
)  # fmt: skip
PUNCTUATION = list(".,;:!?-/()[]\"'\\*_`#=&%") + ["، ", "؟", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200b", "「", "」", "。", "、", "！", "？", "’", "“", "”", "«", "»", "„", "\n", "\t", "\n\n"]  # fmt: skip
SEPARATORS = [" "] * 12 + ["", "  ", " \n", "\n"]

texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCTUATION), st.sampled_from(SEPARATORS)),
    max_size=50,
).map("".join)
short_texts = st.lists(st.sampled_from(WORDS + (" ",)), max_size=3).map("".join)
references = st.lists(
    st.builds(
        "{}:{}".format,
        st.sampled_from(["source/valium.md", "source/a-rather-long-article-name-for-wrapping.md", "статья.md"]),
        st.integers(1, 99999),
    ),
    max_size=14,
)
flags = st.lists(st.sampled_from(["fuzzy", "python-format", "c-format", "no-wrap", "range: 1..5"]), max_size=2)

HEADER = Message(
    "",
    msgstr=(
        "Project-Id-Version: test\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
    ),
)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    plural = draw(st.booleans()) and draw(st.booleans())
    previous = draw(st.none() | texts)
    return Message(
        msgid=draw(texts),
        msgstr=tuple(draw(texts) for _ in range(2 if plural else 1)),
        msgid_plural=draw(texts) if plural else None,
        msgctxt=draw(st.none() | short_texts),
        translator_comments=tuple(draw(st.lists(st.sampled_from(["", "Note", "Übersetzer: ok"]), max_size=2))),
        extracted_comments=tuple(draw(st.lists(st.sampled_from(["paragraph", "heading"]), max_size=1))),
        references=tuple(draw(references)),
        flags=tuple(draw(flags)),
        previous_msgctxt=draw(st.none() | short_texts) if previous is not None else None,
        previous_msgid=previous,
        previous_msgid_plural=draw(st.none() | texts) if previous is not None and plural else None,
        obsolete=draw(st.integers(0, 5)) == 0,
    )


def distinct(items: list[Message]) -> tuple[Message, ...]:
    """The messages with unique keys (msgcat rejects duplicates, obsolete ones included)."""
    seen: set[tuple[str | None, str]] = {(None, "")}
    result = []
    for number, message in enumerate(items):
        if message.key in seen:
            message = replace(message, msgid=f"{message.msgid} [{number}]")
        seen.add(message.key)
        result.append(message)
    return tuple(result)


def msgcat(text: str, directory: Path, width: int = 79) -> str:
    """What msgcat writes for our file (UTF-8)."""
    assert MSGCAT is not None
    source, target = directory / "ours.po", directory / "msgcat.po"
    source.write_bytes(text.encode("utf-8"))
    command = [MSGCAT, "--force-po", f"--width={width}", str(source), "-o", str(target)]
    done = subprocess.run(command, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return target.read_bytes().decode("utf-8")


@needs_msgcat
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(messages(), min_size=1, max_size=6), width=st.sampled_from([79, 79, 79, 79, 40, 100]))
def test_msgcat_reproduces_what_we_write(items: list[Message], width: int, tmp_path: Path) -> None:
    ours = format_po(Catalog(header=HEADER, messages=distinct(items)), width)
    assert msgcat(ours, tmp_path, width) == ours


PROSE = {
    "en": "Valium, known by its generic name Diazepam, is part of the benzodiazepine family, which "
    "has been extensively used to treat a variety of medical conditions. For more, see "
    "[WebMD](https://www.webmd.com/).",
    "de": "Valium, auch bekannt als Diazepam, gehört zur Familie der Benzodiazepine – es wirkt "
    "beruhigend; „Abhängigkeit“ ist möglich. Mehr unter [Mayo Clinic](https://www.mayoclinic.org/).",
    "fr": "Le Valium (diazépam) est « un médicament » de la famille des benzodiazépines ; il agit "
    "sur l’anxiété, les spasmes musculaires et les crises d’épilepsie… Consultez votre médecin !",
    "es": "¿Qué es el Valium? El diazepam se usa para tratar la ansiedad, los espasmos musculares y "
    "las convulsiones. **Importante:** no lo mezcle con alcohol.",
    "ru": "Валиум, также известный как диазепам, входит в семейство бензодиазепинов, которые "
    "широко используются для лечения различных заболеваний. Подробнее — на сайте "
    "[WebMD](https://www.webmd.com/).",
    "ar": "\u200fالفاليوم، المعروف باسمه العلمي ديازيبام، هو جزء من عائلة البنزوديازيبينات، التي "
    "استُخدمت على نطاق واسع لعلاج مجموعة متنوعة من الحالات الطبية؟ "
    "\u2066[WebMD](https://www.webmd.com/)\u2069.",
    "ja": "バリウム（ジアゼパム）は、ベンゾジアゼピン系に属する薬で、「不安」や筋肉のけいれんなど、"
    "さまざまな症状の治療に広く使われてきました。詳しくは[WebMD](https://www.webmd.com/)"
    "をご覧ください！",
}


def hand_picked() -> Catalog:
    """Every script above, plus escapes, tabs, plurals, long references, an obsolete entry."""
    items = [
        Message(text, msgstr=(text,), references=(f"source/valium.md:{n}",), extracted_comments=("paragraph",))
        for n, text in enumerate(PROSE.values())
    ]
    quoted = 'He said "stop"\tand\\or left.\nNext line is long enough to need wrapping here, yes it is.\n'
    quoted_de = "Er sagte „stopp“\tund\\oder ging.\nDie nächste Zeile ist lang genug, um umbrochen zu werden.\n"
    removed = "Old text that was removed from the article a while ago, kept for later."
    items += [
        Message(quoted, msgstr=(quoted_de,), translator_comments=("checked", ""), flags=("fuzzy",),
                previous_msgid="He said stop."),
        Message("%(count)s file", msgid_plural="%(count)s files", msgstr=("%(count)s Datei", "%(count)s Dateien"),
                flags=("python-format",),
                references=tuple(f"source/a-long-article-name/{n}.md:{n * 37}" for n in range(9))),
        Message("x" * 100, msgstr=("y" * 100,), msgctxt="context"),
        Message(removed, msgstr=("Alter Text, der vor einiger Zeit aus dem Artikel entfernt wurde.",),
                previous_msgid="Older " + removed[4:], flags=("fuzzy",), obsolete=True),
    ]  # fmt: skip
    return Catalog(header=HEADER, messages=tuple(items))


@needs_msgcat
def test_msgcat_reproduces_hand_picked_catalogue(tmp_path: Path) -> None:
    ours = format_po(hand_picked())
    assert msgcat(ours, tmp_path) == ours
    assert '"stop\\"\\tand\\\\or left.\\n"' in ours


@needs_msgcat
@pytest.mark.parametrize("charset", ["ISO-8859-1", "EUC-JP", "KOI8-R"])
def test_msgcat_reproduces_legacy_charsets(charset: str, tmp_path: Path) -> None:
    """Other charsets are written in that charset; EUC-JP makes ambiguous characters wide."""
    text = {
        "ISO-8859-1": "Größe café naïve élève «guillemets» ±×÷ ¿Qué? " * 4,
        "EUC-JP": "バリウム（ジアゼパム）は、不安の治療に使われます。±×÷ “引用” …" * 3,
        "KOI8-R": "Валиум, также известный как диазепам, помогает людям. " * 3,
    }[charset]
    header = Message("", msgstr=(f"Content-Type: text/plain; charset={charset}\n",))
    catalog = Catalog(header=header, messages=(Message("m " + text[:40], msgstr=(text,)), Message(text)))
    ours = format_po(catalog).encode(charset.lower().replace("-", "_"))
    (tmp_path / "ours.po").write_bytes(ours)
    assert MSGCAT is not None
    done = subprocess.run([MSGCAT, str(tmp_path / "ours.po")], capture_output=True, check=True)
    assert done.stdout == ours


if __name__ == "__main__" and "--regenerate" in sys.argv:
    library = load_libunistring()
    if library is None:
        raise SystemExit("libunistring not found")
    UNIDATA.write_text(unidata_source(library), encoding="utf-8")
