"""Writing PO files byte for byte as GNU ``msgcat`` 0.21 writes them.

Translators' editors, ``msgmerge`` and ``msgcat`` all rewrite PO files; if our layout differed
from theirs by one line break, every round trip would show up in diffs. So the writer follows
``write-po.c`` exactly, and ``msgcat f.po`` reproduces every file we write (a fixed point):

- Entries: the header first, then the active messages in order, then the obsolete ones (``#~``)
  — gettext moves obsolete entries to the end. An obsolete entry whose first msgstr is empty is
  not written, and a default (empty) header is not written at all.
- Comments in gettext's order: translator ``#``, extracted ``#.``, references ``#:`` (several to
  a line, a new ``#:`` line when the next one would pass the page width), flags ``#,``, previous
  ``#|`` (``#~|`` when obsolete).
- Flags are put in gettext's order and spelling: ``fuzzy`` (dropped when the first msgstr is
  empty, as gettext does), the ``*-format`` flags in gettext's language order, ``range:``,
  ``no-wrap``; ``possible-x-format`` is written ``x-format``, ``wrap`` and ``impossible-x-format``
  are dropped. Flags gettext does not know (``translatio-…``) are *kept*, after the known ones,
  in the given order — ``msgcat`` would drop them, so a catalogue with such flags is not a fixed
  point; obsolete entries keep only fuzzy, format and no-wrap flags, as gettext does.
- References are written as gettext re-reads them: a leading ``./`` removed, line numbers
  without leading zeros, duplicates dropped.
- Strings are cut into portions after each ``\\n``, escaped (``\\\\ \\" \\a \\b \\f \\n \\r \\t
  \\v``), and each portion is wrapped by :mod:`.wrapping` in a line of ``width - 1`` columns (room
  for the closing quote) minus the line prefix; a string that needs more than one line starts
  with ``msgid ""``. The ``no-wrap`` flag turns wrapping off.

Lines are generated without their ``\\n``; :func:`format_po` adds one to every line and
returns text; :func:`write_po` encodes it in the header's charset (UTF-8 when the header has
none or the ``CHARSET`` placeholder), as gettext keeps a file's charset.

Known differences from msgcat, all outside what the pipeline writes: flags gettext does not
know are kept (see above); breaks inside format directives are prevented for c, objc and python
formats only (below); a translator comment that looks like a Solaris reference
(``# File: x, line: 1``) is re-read by gettext as a reference; ``#|`` fields are written as
given even when gettext would reject them (a ``#| msgctxt`` without ``#| msgid``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError
from ..files import write_atomic
from .model import FUZZY, Catalog, Message
from .reader import CJK_CHARSETS, catalog_charset, python_codec
from .wrapping import breaks_needed, width_breaks

PAGE_WIDTH = 79
"""gettext's default ``--width``."""

NO_WRAP_WIDTH = 2**31 - 1
"""gettext's INT_MAX: with ``no-wrap`` a line is never too long."""

FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip
"""gettext 0.21's ``format_language[]``: the order ``#,`` lists ``*-format`` flags in."""

_FORMAT_RANK = {language: rank for rank, language in enumerate(FORMAT_LANGUAGES)}
_FORMAT_FLAG = re.compile(r"(no-|possible-|impossible-)?(.+)-format")
_RANGE_FLAG = re.compile(r"range:[ \t]+([0-9]+)\.\.([0-9]+)")
_INT_MAX = 2**31 - 1

_ESCAPES = {0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v", 0x0C: "\\f",
            0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}  # fmt: skip
_NEEDS_ESCAPE = re.compile(r'[\x07-\x0d"\\]')
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")
_DIGITS = re.compile(r"[0-9]+(?=[ \t\n]|$)")
_TRAILING_NUMBER = re.compile(r":([0-9]+)$")
_C99_MACRO = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")
_C_CONVERSIONS = frozenset("cCsSiduoxXeEfFgGaApn")
_PYTHON_CONVERSIONS = frozenset("csriduoxXeEfgG%")
_DIGIT_RUN = re.compile(r"[0-9]+")


def generate_po(catalog: Catalog, width: int = PAGE_WIDTH) -> Iterator[str]:
    """The lines of the PO file, each without its ``\\n``; blank lines separate entries."""
    cjk = catalog_charset(catalog) in CJK_CHARSETS
    encoding = python_codec(catalog)
    first = True
    header = catalog.header
    if header != Message("", line=header.line):
        yield from _entry(header, width, cjk, encoding)
        first = False
    for message in catalog.messages:
        if not message.obsolete:
            if not first:
                yield ""
            yield from _entry(message, width, cjk, encoding)
            first = False
    for message in catalog.messages:
        if message.obsolete and message.msgstr and message.msgstr[0]:
            if not first:
                yield ""
            yield from _entry(message, width, cjk, encoding)
            first = False


def format_po(catalog: Catalog, width: int = PAGE_WIDTH) -> str:
    """The whole file as text: every line of :func:`generate_po` ended by ``\\n``."""
    return "".join([line + "\n" for line in generate_po(catalog, width)])


def write_po(catalog: Catalog, path: Path | str, width: int = PAGE_WIDTH) -> bool:
    """Write the catalogue atomically in its header's charset; return whether the file changed.

    The bytes go to a temporary file in the same folder, are synced and renamed over ``path``;
    an identical file is left untouched, and the temporary file never survives an error.
    """
    path = Path(path)
    encoding = python_codec(catalog)
    text = format_po(catalog, width)
    try:
        payload = text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        problem = f"{text[exc.start]!r} cannot be written in charset {encoding}"
        raise OutputError(f"{path}:{line}: {problem}") from exc
    return write_atomic(path, payload)


def _entry(message: Message, width: int, cjk: bool, encoding: str) -> Iterator[str]:
    """One entry, comments and strings, as ``message_print`` / ``message_print_obsolete`` do."""
    for comment in message.translator_comments:
        rest = comment
        while True:
            cut = rest.find("\n")
            mark = "# " if rest else "#"
            if cut < 0:
                yield mark + rest
                break
            yield mark + rest[:cut]
            rest = rest[cut + 1 :]
    for comment in message.extracted_comments:
        for part in comment.split("\n"):
            yield "#. " + part if part else "#."
    if message.references:
        yield from _references(message.references, width, encoding)
    flags = canonical_flags(message)
    if flags:
        yield "#, " + ", ".join(flags)
    room = width if "no-wrap" not in flags else NO_WRAP_WIDTH
    language = _directive_language(flags)
    previous = "#~| " if message.obsolete else "#| "
    if message.previous_msgctxt is not None:
        yield from _wrapped(previous, "msgctxt", message.previous_msgctxt, room, cjk, language)
    if message.previous_msgid is not None:
        yield from _wrapped(previous, "msgid", message.previous_msgid, room, cjk, language)
    if message.previous_msgid_plural is not None:
        yield from _wrapped(previous, "msgid_plural", message.previous_msgid_plural, room, cjk, language)
    prefix = "#~ " if message.obsolete else ""
    if message.msgctxt is not None:
        yield from _wrapped(prefix, "msgctxt", message.msgctxt, room, cjk, language)
    yield from _wrapped(prefix, "msgid", message.msgid, room, cjk, language)
    msgstr = message.msgstr or ("",)
    if message.msgid_plural is None:
        yield from _wrapped(prefix, "msgstr", msgstr[0], room, cjk, language)
    else:
        yield from _wrapped(prefix, "msgid_plural", message.msgid_plural, room, cjk, language)
        for index, form in enumerate(msgstr):
            yield from _wrapped(prefix, f"msgstr[{index}]", form, room, cjk, language)


def _directive_language(flags: list[str]) -> str | None:
    """The format language whose directives gettext keeps unbroken: the first flagged one."""
    for flag in flags:
        match = _FORMAT_FLAG.fullmatch(flag)
        if match and match.group(2) in _FORMAT_RANK and match.group(1) is None:
            return match.group(2)
    return None


def canonical_flags(message: Message) -> list[str]:
    """The ``#,`` flags as gettext writes them back, then the flags gettext does not know."""
    fuzzy = False
    formats: dict[str, str] = {}
    value_range: str | None = None
    wrap: bool | None = None
    unknown: list[str] = []
    for flag in message.flags:
        if flag == FUZZY:
            fuzzy = True
        elif flag == "no-wrap" or flag == "wrap":
            wrap = flag == "wrap"
        elif (match := _FORMAT_FLAG.fullmatch(flag)) and match.group(2) in _FORMAT_RANK:
            formats[match.group(2)] = match.group(1) or ""
        elif match := _RANGE_FLAG.fullmatch(flag):
            low, high = (min(int(bound), _INT_MAX) for bound in match.groups())
            if low <= high:
                value_range = f"range: {low}..{high}"
        elif flag not in unknown:
            unknown.append(flag)
    translated = bool(message.msgstr and message.msgstr[0])
    flags = [FUZZY] if fuzzy and (translated or message.obsolete) else []
    for language in sorted(formats, key=_FORMAT_RANK.__getitem__):
        kind = formats[language]
        if kind != "impossible-":
            flags.append(f"no-{language}-format" if kind == "no-" else f"{language}-format")
    if value_range and not message.obsolete:
        flags.append(value_range)
    if wrap is False:
        flags.append("no-wrap")
    return flags + unknown


def canonical_references(references: tuple[str, ...]) -> list[str]:
    """References as gettext re-reads and writes them: ``./`` stripped, numbers normalized, once.

    gettext parses a ``#:`` line as ``FILE:LINE`` or ``FILE`` items, also ``FILE : LINE`` and
    ``FILE: LINE`` with spaces; we parse the references joined the same way.
    """
    seen: dict[str, None] = {}
    for name, number in _parse_references(" ".join(references)):
        while name.startswith("./"):
            name = name[2:]
        seen.setdefault(f"{name}:{number}" if number is not None else name)
    return list(seen)


def _parse_references(text: str) -> Iterator[tuple[str, int | None]]:
    """gettext's ``po_parse_comment_filepos``: the ``(file, line or None)`` items of a ``#:`` line."""
    end = len(text)
    position = 0
    while position < end:
        while position < end and text[position] in " \t\n":
            position += 1
        if position >= end:
            break
        start = position
        while position < end and text[position] not in " \t\n":
            position += 1
        after = position
        while after < end and text[after] in " \t\n":
            after += 1
        if text.startswith(":", after):  # "FILE : LINE", "FILE :LINE"
            digits = after + 1
            while digits < end and text[digits] in " \t\n":
                digits += 1
            number = _DIGITS.match(text, digits)
            if number:
                yield text[start:position], int(number.group())
                position = number.end()
                continue
        if text[position - 1] == ":":  # "FILE: LINE"
            number = _DIGITS.match(text, after)
            if number:
                yield text[start : position - 1], int(number.group())
                position = number.end()
                continue
        token = text[start:position]
        suffix = _TRAILING_NUMBER.search(token)  # "FILE:LINE"
        if suffix and suffix.start() > 0:
            yield token[: suffix.start()], int(suffix.group(1))
        else:
            yield token, None


def _references(references: tuple[str, ...], width: int, encoding: str) -> Iterator[str]:
    """``#:`` lines: as many references as fit in ``width`` bytes, at least one per line."""
    items = canonical_references(references)
    if not items:
        return
    line = "#:"
    column = 2
    for reference in items:
        size = (len(reference) if reference.isascii() else len(reference.encode(encoding, "replace"))) + 1
        if column > 2 and column + size > width:
            yield line
            line, column = "#:", 2
        line += " " + reference
        column += size
    yield line


def escape(portion: str) -> tuple[str, list[int]]:
    """The portion as written between quotes, and where a break would split an escape sequence."""
    if not _NEEDS_ESCAPE.search(portion):
        return portion, []
    prohibited = [
        match.start() + count + 1 for count, match in enumerate(_NEEDS_ESCAPE.finditer(portion))
    ]
    return portion.translate(_ESCAPES), prohibited


def wrap_string(
    prefix: str,
    keyword: str,
    value: str,
    width: int = PAGE_WIDTH,
    cjk: bool = False,
    language: str | None = None,
) -> list[str]:
    """The lines of one ``keyword "value"`` field, as write-po.c's ``wrap()`` cuts them.

    ``prefix`` is ``""``, ``"#~ "``, ``"#| "`` or ``"#~| "``; ``width`` the page width
    (gettext's ``--width``); ``cjk`` whether the file's charset is a legacy CJK one; and
    ``language`` the message's format language (``c``, ``python``…): no break goes inside one
    of its directives.
    """
    return list(_wrapped(prefix, keyword, value, width, cjk, language))


@lru_cache(maxsize=1 << 17)
def _wrapped(prefix: str, keyword: str, value: str, width: int, cjk: bool, language: str | None) -> tuple[str, ...]:
    """:func:`wrap_string`, remembered: one text is wrapped many times in a run — a template's
    msgid again in every locale's catalogue, a changed template twice (with its old creation
    date, then with the new one)."""
    return tuple(_wrap(prefix, keyword, value, width, cjk, language))


def _wrap(prefix: str, keyword: str, value: str, width: int, cjk: bool, language: str | None) -> list[str]:
    """The work of :func:`wrap_string`."""
    after_break = len(prefix) + 1
    room = width - 1 - after_break
    portions = [value] if "\n" not in value else _PORTION.findall(value)
    spans = directive_spans(value, language, keyword.startswith("msgstr")) if language else []
    lines: list[str] = []
    first = True
    last = len(portions) - 1
    offset = 0
    for number, portion in enumerate(portions):
        text, prohibited = escape(portion)
        if spans:
            prohibited += _inside_directives(spans, offset, portion, prohibited)
        offset += len(portion)
        if portion.endswith("\n"):
            prohibited.append(len(text) - 2)  # never break just before the final \n
        if first and text:
            # gettext starts with an empty string when the value takes more than one line.
            column = len(keyword) + 1
            if number < last or column > room or breaks_needed(text, room, column, prohibited, cjk):
                lines.append(f'{prefix}{keyword} ""')
                first = False
        breaks = [] if first else width_breaks(text, room, 0, prohibited, cjk)
        start = 0
        for cut in (*breaks, len(text)):
            if first:
                lines.append(f'{prefix}{keyword} "{text[start:cut]}"')
                first = False
            else:
                lines.append(f'{prefix}"{text[start:cut]}"')
            start = cut
    return lines


def _inside_directives(
    spans: list[tuple[int, int]], offset: int, portion: str, escapes: list[int]
) -> list[int]:
    """Escaped positions of the portion's characters that continue a directive (not start it)."""
    # escapes[k] is the escaped index of the k-th escape's second character, so that escape is
    # at original index escapes[k] - k - 1.
    originals = [position - count - 1 for count, position in enumerate(escapes)]
    inside = []
    for first, last in spans:
        for index in range(max(first + 1, offset), min(last + 1, offset + len(portion))):
            local = index - offset
            inside.append(local + bisect_right(originals, local - 1))
    return inside


# Format directives. gettext forbids breaks inside the printf directives of a message flagged
# c-format (objc-format) or python-format: "10% of" in a python-format string holds the
# directive "% o". The parsers below mark the same directives gettext's format-c.c and
# format-python.c mark, and stop where those stop (at the first invalid directive). Other
# languages' directives are not parsed: that only matters when one holds a break opportunity
# (a space, "{0:>5}") right where a line must end.


def directive_spans(text: str, language: str, translated: bool = False) -> list[tuple[int, int]]:
    """``(first, last)`` indices of each valid directive of ``text`` in ``language``'s syntax.

    Only ``c``, ``objc`` and ``python`` are parsed; other languages yield no spans.
    """
    if "%" not in text:
        return []
    if language == "python":
        return _python_spans(text)
    if language in ("c", "objc"):
        return _c_spans(text, translated, language == "objc")
    return []


def _number_then_dollar(text: str, index: int) -> tuple[int, int]:
    """An ``N$`` argument number at ``index``: ``(N, index after it)``, or ``(-1, index)``."""
    match = _DIGIT_RUN.match(text, index)
    if match and text.startswith("$", match.end()):
        return int(match.group()), match.end() + 1
    return -1, index


def _c_spans(text: str, translated: bool, objc: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    numbered = unnumbered = 0
    end = len(text)
    index = text.find("%")
    while index >= 0:
        start = index
        number, index = _number_then_dollar(text, index + 1)
        if number == 0:
            return spans
        while index < end and (text[index] in " +-#0'" or (translated and text[index] == "I")):
            index += 1
        for part in ("width", "precision"):
            if part == "precision":
                if not text.startswith(".", index):
                    break
                index += 1
            if text.startswith("*", index):
                argument, index = _number_then_dollar(text, index + 1)
                if argument == 0 or (numbered if argument < 0 else unnumbered):
                    return spans
                if argument > 0:
                    numbered += 1
                else:
                    unnumbered += 1
            elif match := _DIGIT_RUN.match(text, index):
                index = match.end()
        if text.startswith("<", index):
            macro = _C99_MACRO.match(text, index)
            if not macro:
                return spans
            index = macro.end() - 1
            takes_argument = True
        else:
            while index < end and text[index] in "hlLqjzZt":
                index += 1
            if index >= end:
                return spans
            conversion = text[index]
            takes_argument = conversion not in "%m"
            if takes_argument and conversion not in _C_CONVERSIONS and not (objc and conversion == "@"):
                return spans
        if takes_argument:
            if (unnumbered if number > 0 else numbered) > 0:
                return spans
            if number > 0:
                numbered += 1
            else:
                unnumbered += 1
        spans.append((start, index))
        index = text.find("%", index + 1)
    return spans


def _python_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    named = unnamed = 0
    end = len(text)
    index = text.find("%")
    while index >= 0:
        start = index
        index += 1
        has_name = text.startswith("(", index)
        if has_name:
            depth = 0
            index += 1
            while index < end and not (text[index] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(text[index], 0)
                index += 1
            if index >= end:
                return spans
            index += 1
        while index < end and text[index] in "-+ #0":
            index += 1
        for part in ("width", "precision"):
            if part == "precision":
                if not text.startswith(".", index):
                    break
                index += 1
            if text.startswith("*", index):
                if named:
                    return spans
                unnamed += 1
                index += 1
            elif match := _DIGIT_RUN.match(text, index):
                index = match.end()
        if index < end and text[index] in "hlL":
            index += 1
        if index >= end or text[index] not in _PYTHON_CONVERSIONS:
            return spans
        if has_name:
            if unnamed:
                return spans
            named += 1
        elif text[index] != "%":
            if named:
                return spans
            unnamed += 1
        spans.append((start, index))
        index = text.find("%", index + 1)
    return spans
