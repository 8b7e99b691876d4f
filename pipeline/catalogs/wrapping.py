"""Line breaking of PO strings exactly as GNU gettext 0.21 does it (libunistring 1.0).

``msgcat`` wraps a string with libunistring's ``ulc_width_linebreaks``: the Unicode line-breaking
algorithm (UAX #14, in the pair-table form libunistring 1.0 implements) finds the places where a
line *may* end, and a greedy pass ends a line at the last such place that keeps it within the
width. To be a fixed point of ``msgcat`` we do the same, rule for rule:

- Classes come from ``_unidata`` — libunistring's own table (Unicode 14.0), extracted from the
  library, not re-derived from ``unicodedata``, because its choices for punctuation, quotes, CJK
  and ambiguous characters are what decide the breaks. Ambiguous (AI), unknown (XX) and complex
  South-East-Asian (SA) characters count as alphabetic, contingent (CB) ones as ideographs,
  except in the legacy CJK encodings, where AI counts as ideographic.
- Widths are libunistring's ``uc_width``: 2 for East Asian wide and fullwidth characters, 0 for
  combining and zero-width ones, and control characters are ignored.
- Breaking is computed on the text *as written in the file* (escape sequences included); the
  caller passes the positions where a break is forbidden (inside an escape sequence).
- A line is measured with its trailing spaces: the break comes after the spaces, as in gettext.
- The caller also forbids breaks inside format directives (see :mod:`.writer`).

The hot path is the writer's: strings that fit are detected before any per-character work;
for the others only the few characters around each line end are classified
(:func:`_opportunity`), with class lookups that are plain ``dict`` hits cached per character.
The full state machine (:func:`possible_breaks`) is the reference the tests compare with.
"""

from __future__ import annotations

import base64
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from . import _unidata

# Line-break classes, numbered as libunistring's LBP_* so that the pair table reads the same.
WJ, GL, B2, BA, BB, HY, CL, CP1, CP2, EX, IN, NS, OP1, OP2, QU, IS, NU, PO, PR, SY = range(20)
AL, H2, H3, ID1, ID2, JL, JV, JT, HL, RI, ZWJ, EB, EM = range(20, 33)
BK, CR, LF, CM, ZW, SP, CB, AI, SA, XX = range(33, 43)
JOINER = 43
"""ZWJ as resolved: it behaves as a combining mark, so it is kept out of the pair table's range."""
HL_BA = 100
"""Not a class: the state "a Hebrew letter then a hyphen or break-after" (rule LB21a)."""

PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2
"""Values of :func:`possible_breaks`: a break before character *i* is forbidden, allowed, forced."""

# The pair table (UAX #14 table 7.3 as libunistring 1.0 has it): row = class before the break
# opportunity, column = class after. D: direct break; I: break only if spaces come between;
# P: no break. Verified against the installed library by tests/test_wrapping.py.
_PAIRS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  # WJ
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  # GL
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # B2
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # BA
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  # BB
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",  # HY
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD",  # CL
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD",  # CP1
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD",  # CP2
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # EX
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # IN
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP1
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP2
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII",  # QU
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",  # IS
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # NU
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD",  # PO
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII",  # PR
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD",  # SY
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # AL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",  # H2
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",  # H3
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",  # ID1
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",  # ID2
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD",  # JL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",  # JV
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",  # JT
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # HL
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # RI
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII",  # ZWJ
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",  # EB
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",  # EM
)
_DIRECT = tuple(tuple(cell == "D" for cell in row) for row in _PAIRS)
_INDIRECT = tuple(tuple(cell != "P" for cell in row) for row in _PAIRS)


def _load_ranges() -> tuple[list[int], bytes]:
    """Decode ``_unidata.DATA`` into range starts and their packed (class, width) values."""
    raw = zlib.decompress(base64.b85decode("".join(_unidata.DATA)))
    starts: list[int] = []
    values = bytearray()
    position = start = 0
    while position < len(raw):
        delta = shift = 0
        while True:
            byte = raw[position]
            position += 1
            delta |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        start += delta
        starts.append(start)
        values.append(raw[position])
        position += 1
    return starts, bytes(values)


_STARTS, _VALUES = _load_ranges()


def _raw_properties(code: int) -> tuple[int, int]:
    """(class as in the table, ``uc_width``) of a code point."""
    value = _VALUES[bisect_right(_STARTS, code) - 1]
    return value >> 2, (value & 3) - 1


def _resolve(cls: int, cjk: bool) -> int:
    """What libunistring does with the classes UAX #14 leaves to the implementation."""
    if cls == AI:
        return ID1 if cjk else AL
    if cls == CB:
        return ID1
    if cls in (SA, XX):
        return AL
    if cls == ZWJ:
        return JOINER
    return cls


class _Properties(dict[str, int]):
    """Per-character cache of a resolved class or a width; filled on first use."""

    __slots__ = ("cjk", "want_width")

    def __init__(self, cjk: bool, want_width: bool) -> None:
        super().__init__()
        self.cjk = cjk
        self.want_width = want_width

    def __missing__(self, char: str) -> int:
        code = ord(char)
        cls, width = _raw_properties(code)
        if self.want_width:
            # Legacy CJK encodings make most non-ASCII characters double-width (uc_width).
            if self.cjk and width == 1 and 0xA1 <= code < 0xFF61 and code != 0x20A9:
                width = 2
            value = max(width, 0)  # control characters are ignored, i.e. width 0
        else:
            value = _resolve(cls, self.cjk)
        self[char] = value
        return value


_CLASSES = {False: _Properties(False, False), True: _Properties(True, False)}
_WIDTHS = {False: _Properties(False, True), True: _Properties(True, True)}


def _not_single_width() -> re.Pattern[str]:
    """A character class of the BMP characters whose width is not 1, and of all astral ones.

    (Astral ranges would make the class a slow list; astral characters are rare enough to
    take the slow path.)
    """
    ranges = []
    for number, start in enumerate(_STARTS):
        if (_VALUES[number] & 3) - 1 != 1 and start < 0x10000:
            end = min(_STARTS[number + 1] - 1, 0xFFFF)
            ranges.append(f"\\u{start:04x}-\\u{end:04x}")
    return re.compile(f"[{''.join(ranges)}\\U00010000-\\U0010ffff]")


_NOT_SINGLE_WIDTH = _not_single_width()
_MANDATORY = re.compile("[\n\x0b\x0c\r\x85\u2028\u2029]")
"""Characters of the classes BK, CR and LF: they force a break (and restart the column)."""


def line_break_class(char: str, cjk: bool = False) -> int:
    """The resolved line-break class of one character (an ``LBP_*`` number)."""
    return _CLASSES[cjk][char]


def char_width(char: str, cjk: bool = False) -> int:
    """Columns the character takes, as gettext counts them (control characters: 0)."""
    return _WIDTHS[cjk][char]


def text_width(text: str, cjk: bool = False) -> int:
    """Columns the text takes on one line."""
    cumulative = _columns(text, cjk)
    return cumulative[-1] if cumulative else len(text)


_last_measured: tuple[str, bool, list[int]] = ("", False, [])


def single_width(text: str, cjk: bool = False) -> bool:
    """Every character of ``text`` takes one column (so does every piece of it): ``len`` measures it."""
    return (text.isascii() and text.isprintable()) or not (cjk or _NOT_SINGLE_WIDTH.search(text))


def _columns(text: str, cjk: bool) -> list[int]:
    """Column after each prefix of ``text`` — or ``[]`` when every character is one column wide.

    The writer asks twice about the same string (does it fit, where does it break), so the
    last answer is kept.
    """
    global _last_measured
    if single_width(text, cjk):
        return []
    last_text, last_cjk, last_columns = _last_measured
    if last_text is text and last_cjk == cjk:
        return last_columns
    widths = _WIDTHS[cjk]
    columns = list(accumulate([widths[char] for char in text], initial=0))
    _last_measured = (text, cjk, columns)
    return columns


def breaks_needed(
    text: str, width: int, start_column: int = 0, prohibited: Iterable[int] = (), cjk: bool = False
) -> bool:
    """Whether :func:`width_breaks` would cut ``text`` at all, found without cutting it.

    Without mandatory breaks, a text that does not fit is cut as soon as it has one break
    opportunity: its last piece ends past the width.
    """
    if _MANDATORY.search(text):
        return bool(_width_breaks_full(text, width, start_column, prohibited, cjk))
    if start_column + text_width(text, cjk) <= width:
        return False
    classes = _CLASSES[cjk]
    blocked = set(prohibited)
    return any(index not in blocked and _opportunity(text, index, classes) for index in range(1, len(text)))


def possible_breaks(text: str, cjk: bool = False) -> bytearray:
    """For each character, whether a line may end just before it (libunistring's state machine).

    This is ``u8_possible_linebreaks``: spaces never start a line, combining marks stay with
    their base, a zero-width space allows a break after it, regional indicators pair up, and
    everything else is decided by the pair table from the last non-space class before the
    position and whether spaces came between.
    """
    result = bytearray(len(text))
    classes = _CLASSES[cjk]
    direct, indirect = _DIRECT, _INDIRECT
    previous = last = BK
    spaces = False
    regional = 0
    for index, char in enumerate(text):
        cls = classes[char]
        if cls < BK:
            if last == BK:
                pass
            elif last == ZW:
                result[index] = POSSIBLE
            elif previous == JOINER or previous == HL_BA:
                pass
            elif last == RI and cls == RI:
                if spaces or regional % 2 == 0:
                    result[index] = POSSIBLE
            elif (indirect if spaces else direct)[last][cls]:
                result[index] = POSSIBLE
            last = cls
            spaces = False
        elif cls == SP:
            spaces = True
        elif cls == CM or cls == JOINER:
            if last == BK:
                last = AL
                spaces = False
            elif last == ZW or spaces:
                result[index] = POSSIBLE
                last = AL
                spaces = False
        elif cls == ZW:
            last = ZW
            spaces = False
        else:  # BK, CR, LF: a mandatory break
            result[index] = MANDATORY
            previous = last = BK
            spaces = False
            regional = 0
            continue
        previous = HL_BA if previous == HL and (cls == HY or cls == BA) else cls
        regional = regional + 1 if cls == RI else 0
    return result


def width_breaks(
    text: str,
    width: int,
    start_column: int = 0,
    prohibited: Iterable[int] = (),
    cjk: bool = False,
) -> list[int]:
    """Indices where ``ulc_width_linebreaks`` ends a line of ``text`` (break before ``text[i]``).

    ``width`` is the room on a line, ``start_column`` the column the text starts at, and
    ``prohibited`` the indices before which no break may go (escape sequences). A line takes
    whole pieces between break opportunities while they fit; a piece wider than a whole line
    stands alone.

    Rather than classify every character, each line looks for the first column that does not
    fit and walks back to the last break opportunity, deciding it from the few characters
    before it (:func:`_opportunity`) — the same answer as the state machine, at a fraction of
    the cost on prose.
    """
    size = len(text)
    if not text.isprintable() and _MANDATORY.search(text):
        return _width_breaks_full(text, width, start_column, prohibited, cjk)
    cumulative = _columns(text, cjk)
    if start_column + (cumulative[-1] if cumulative else size) <= width:
        return []
    classes = _CLASSES[cjk]
    blocked = set(prohibited)
    result: list[int] = []
    line, column = 0, start_column
    while True:
        room = width - column
        if cumulative:
            overflow = bisect_right(cumulative, cumulative[line] + room, line + 1) if room >= 0 else line + 1
        else:
            overflow = line + room + 1 if room >= 0 else line + 1
        if overflow > size:
            return result
        cut = overflow - 1
        while cut > line and (cut in blocked or not _opportunity(text, cut, classes)):
            cut -= 1
        if cut <= line:  # one piece wider than the line: it stands alone
            cut = overflow
            while cut < size and (cut in blocked or not _opportunity(text, cut, classes)):
                cut += 1
            if cut >= size:
                return result
        result.append(cut)
        line, column = cut, 0


def _opportunity(text: str, index: int, classes: dict[str, int]) -> bool:
    """Whether :func:`possible_breaks` allows a break before ``text[index]`` (``index`` ≥ 1).

    The state machine's state at ``index`` depends only on the characters just before it: the
    last non-space class (a combining mark takes its base's), whether spaces intervene, the
    previous character, and the run of regional indicators. Texts with mandatory breaks go to
    the full state machine instead.
    """
    cls = classes[text[index]]
    if cls == SP or cls == ZW:
        return False
    before = index - 1
    previous = last = classes[text[before]]
    spaces = False
    while last == SP:
        before -= 1
        if before < 0:
            return False  # only spaces since the start of the text
        last = classes[text[before]]
        spaces = True
    if last == CM or last == JOINER:
        before -= 1
        while before >= 0 and classes[text[before]] in (CM, JOINER):
            before -= 1
        base = classes[text[before]] if before >= 0 else SP
        last = AL if base == SP or base == ZW else base  # a mark with no base counts as AL
    if cls == CM or cls == JOINER:
        return last == ZW or spaces
    if last == ZW:
        return True
    if previous == JOINER:
        return False
    if last == RI and cls == RI:
        if spaces:
            return True
        count = 0
        while index - count - 1 >= 0 and classes[text[index - count - 1]] == RI:
            count += 1
        return count % 2 == 0
    if (previous == HY or previous == BA) and index >= 2 and classes[text[index - 2]] == HL:
        return False
    return (_INDIRECT if spaces else _DIRECT)[last][cls]


def _width_breaks_full(
    text: str, width: int, start_column: int, prohibited: Iterable[int], cjk: bool
) -> list[int]:
    """:func:`width_breaks` the long way, for texts with mandatory breaks (U+2028 and the like)."""
    breaks = possible_breaks(text, cjk)
    for index in prohibited:
        breaks[index] = PROHIBITED
    widths = _WIDTHS[cjk]
    result: list[int] = []
    piece_start = -1
    column = start_column
    piece = 0
    for index, char in enumerate(text):
        kind = breaks[index]
        if kind:
            if piece_start >= 0 and column + piece > width:
                result.append(piece_start)
                column = 0
            if kind == MANDATORY:  # restart at column 0, without a line break of ours
                piece_start = -1
                column = piece = 0
                continue
            piece_start = index
            column += piece
            piece = 0
        piece += widths[char]
    if piece_start >= 0 and column + piece > width:
        result.append(piece_start)
    return result

