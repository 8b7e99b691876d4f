"""Reading PO and POT files into :class:`Catalog` values, strictly.

Principles:

- Nothing a PO file says is lost: every comment kind, flags in file order, previous fields
  (``#|``), obsolete entries (``#~``, ``#~|``) in file order, and the line of each entry, so that
  later stages can point at it.
- A file that GNU gettext would reject, or that would make ``msgfmt`` build a wrong catalogue,
  is rejected with a one-line :class:`CatalogError` ``path:line: message`` — unterminated
  strings, bad escapes, stray text, a missing or misnumbered msgstr, duplicates, bytes invalid
  in the declared charset, an unknown charset, a Plural-Forms that does not parse, more plural
  forms than it declares. The line is where the problem is, not where parsing gave up.
- The bytes are decoded with the charset the header declares (UTF-8 when there is none, and
  for the ``CHARSET`` placeholder of a fresh template); a UTF-8 BOM, CRLF line ends and a
  missing final newline are accepted, an empty file is an empty catalogue.
- Comments are kept as gettext reads them: a translator comment is the text after ``# `` (or
  ``#``), an extracted one the text after ``#. `` (or ``#.``); references are split on
  whitespace, flags on commas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CatalogError
from ..plurals.expression import PluralExpressionError, PluralRule, parse_plural_forms
from .model import Catalog, Message, parse_header

# gettext's portable charset names (po-charset.c), canonical spelling → Python codec, or None
# where Python has no codec for it.
CHARSETS: dict[str, str | None] = {
    "ASCII": "ascii", "ANSI_X3.4-1968": "ascii", "US-ASCII": "ascii",
    **{f"ISO-8859-{n}": f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)},
    "KOI8-R": "koi8_r", "KOI8-U": "koi8_u", "KOI8-T": "koi8_t",
    **{f"CP{n}": f"cp{n}" for n in (850, 866, 874, 932, 949, 950, *range(1250, 1258))},
    "GB2312": "gb2312", "EUC-JP": "euc_jp", "EUC-KR": "euc_kr", "EUC-TW": None, "BIG5": "big5",
    "BIG5-HKSCS": "big5hkscs", "GBK": "gbk", "GB18030": "gb18030", "SHIFT_JIS": "shift_jis",
    "JOHAB": "johab", "TIS-620": "tis_620", "VISCII": None, "GEORGIAN-PS": None, "UTF-8": "utf-8",
}  # fmt: skip
_CANONICAL = {name.upper(): name for name in CHARSETS} | {
    f"ISO_8859-{n}": f"ISO-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)
}
CJK_CHARSETS = frozenset({"EUC-JP", "GB2312", "GBK", "EUC-TW", "BIG5", "EUC-KR", "CP949", "JOHAB"})
"""Encodings in which libunistring treats ambiguous characters as wide (``is_cjk_encoding``)."""

_CHARSET = re.compile(r"charset=([^ \t\n]*)")
_HEADER_START = re.compile(rb'^msgid[ \t]*""[ \t]*\r?\n[ \t\r\n]*msgstr[ \t]*"', re.MULTILINE)
_RAW_CHARSET = re.compile(rb'charset=([^ \t\r\n"\\]*)')
_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")
_STRING = re.compile(r'[ \t]*"([^"\\]*(?:\\.[^"\\]*)*)"')
_ONE_STRING = re.compile(r'[ \t]*"([^"\\]*(?:\\.[^"\\]*)*)"[ \t]*')
"""A line's rest that is exactly one string, the common case (:meth:`_Parser.strings`)."""
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")
_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "\\": "\\", '"': '"',
}  # fmt: skip
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[([0-9]+)\])?)(?=[ \t\"]|$)")


def canonical_charset(name: str) -> str | None:
    """gettext's spelling of a charset name, or None if gettext does not know it."""
    return _CANONICAL.get(name.upper())


def catalog_charset(catalog: Catalog) -> str:
    """The canonical charset the header declares; UTF-8 if none or the ``CHARSET`` placeholder."""
    match = _CHARSET.search(catalog.header.msgstr[0] if catalog.header.msgstr else "")
    if not match or match.group(1) == "CHARSET":
        return "UTF-8"
    return canonical_charset(match.group(1)) or "UTF-8"


def python_codec(catalog: Catalog) -> str:
    """The Python codec that reads and writes the catalogue's bytes."""
    return CHARSETS.get(catalog_charset(catalog)) or "utf-8"


def read_po(path: Path | str) -> Catalog:
    """Read and check a PO or POT file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    return parse_po(data, path)


def parse_po(data: str | bytes, path: Path | str = "<string>") -> Catalog:
    """Parse the text (or the bytes, decoded per the header's charset) of a PO file."""
    path = Path(path)
    if isinstance(data, str):
        return _Parser(data.removeprefix("\ufeff"), path, "utf-8").parse()
    data = data.removeprefix(b"\xef\xbb\xbf")
    codec = "utf-8"
    header = _HEADER_START.search(data)
    if header:
        blank = _BLANK_LINE.search(data, header.end())
        sniffed = _RAW_CHARSET.search(data, header.end(), blank.start() if blank else len(data))
        if sniffed and sniffed.group(1) not in (b"", b"CHARSET"):
            name = canonical_charset(sniffed.group(1).decode("ascii", "replace"))
            codec = CHARSETS.get(name or "") or codec
    parser = _Parser(_decode(data, codec, path), path, codec)
    catalog = parser.parse()
    if parser.declared != codec:  # the header sniffed from the bytes was not the real one
        catalog = _Parser(_decode(data, parser.declared, path), path, parser.declared).parse()
    return catalog


def _decode(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(path, line, f"bytes {data[exc.start:exc.end]!r} are not valid {codec}") from exc


def plural_forms(catalog: Catalog) -> PluralRule | None:
    """The header's Plural-Forms as a rule, or None if absent or invalid."""
    value = catalog.header_fields.get("Plural-Forms")
    if value is None:
        return None
    try:
        return parse_plural_forms(value)
    except PluralExpressionError:
        return None


@dataclass(slots=True)
class _Entry:
    """An entry being read: what the lines so far said."""

    line: int
    comments: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)
    msgstr: list[list[str]] = field(default_factory=list)
    msgstr_lines: list[int] = field(default_factory=list)
    keyword_line: int = 0
    obsolete: bool | None = None
    current: list[str] | None = None
    """The string list that a continuation line extends."""
    in_previous: bool = False
    """Whether ``current`` is a previous (``#|``) field, continued by ``#| "…"`` lines."""

    @property
    def complete(self) -> bool:
        return bool(self.msgstr)


class _Parser:
    """A line-by-line reader of one file; :meth:`parse` builds the catalogue or raises."""

    def __init__(self, text: str, path: Path, codec: str) -> None:
        self.lines = text.split("\n")
        self.path = path
        self.codec = codec
        self.entries: list[Message] = []
        self.entry: _Entry | None = None
        self.seen: dict[tuple[str | None, str], int] = {}
        self.declared = "utf-8"
        """The codec the header declares (UTF-8 when it declares none)."""
        self.form_lines: dict[int, list[int]] = {}
        """Line of each msgstr[n] of the plural messages, by ``id`` of the message."""

    def error(self, line: int, message: str) -> CatalogError:
        return CatalogError(self.path, line, message)

    def parse(self) -> Catalog:
        for number, raw in enumerate(self.lines, 1):
            if not raw:
                continue
            line = (raw[:-1] if raw[-1] == "\r" else raw).lstrip(" \t")
            if not line.strip():
                continue
            if line[0] == '"':  # a continuation line, most of a file: its common form inline
                entry = self.entry
                one = _ONE_STRING.fullmatch(line)
                if one is not None and entry is not None and entry.current is not None and not entry.in_previous and entry.obsolete is False:
                    text = one.group(1)
                    entry.current.append(self.unescape(number, text) if "\\" in text else text)
                else:
                    self.keyword_line(number, line.rstrip(" \t"), False)
            elif line.startswith("#~"):
                rest = line[2:]
                if not rest.strip():
                    continue
                if rest.startswith("|"):
                    self.previous_line(number, rest[1:], True)
                else:
                    self.keyword_line(number, rest.strip(" \t"), True)
            elif line.startswith("#"):
                self.comment_line(number, line)
            else:
                self.keyword_line(number, line.strip(" \t"), False)
        self.finish(len(self.lines))
        header: Message | None = None
        messages = []
        for message in self.entries:
            if header is None and message.is_header and not message.obsolete:
                header = message
            else:
                messages.append(message)
        catalog = Catalog(header=header or Message(""), messages=tuple(messages), path=self.path)
        if header is not None:
            self.check_header(catalog)
        return catalog

    def check_header(self, catalog: Catalog) -> None:
        """The charset must be one gettext knows; Plural-Forms must parse and hold every form."""
        header = catalog.header
        text = header.msgstr[0] if header.msgstr else ""
        match = _CHARSET.search(text)
        if match and match.group(1) != "CHARSET":
            name = canonical_charset(match.group(1))
            if name is None:
                raise self.error(self.field_line(header, "charset="), f"unknown charset {match.group(1)!r}")
            codec = CHARSETS[name]
            if codec is None:
                raise self.error(self.field_line(header, "charset="), f"charset {name} is not supported")
            self.declared = codec
        forms = parse_header(text).get("Plural-Forms") if "Plural-Forms" in text else None
        if forms is None:
            return
        try:
            nplurals = parse_plural_forms(forms).nplurals
        except PluralExpressionError as exc:
            line = self.field_line(header, "Plural-Forms")
            raise self.error(line, f"Plural-Forms does not parse ({exc}): {forms!r}") from None
        for message in catalog.messages:
            if message.msgid_plural is not None and len(message.msgstr) > nplurals:
                line = self.form_lines.get(id(message), [message.line] * (nplurals + 1))[nplurals]
                message_text = f"msgstr[{nplurals}] but the header's Plural-Forms says nplurals={nplurals}"
                raise self.error(line, message_text)

    def field_line(self, header: Message, needle: str) -> int:
        """The line of the header's msgstr that holds ``needle``."""
        for number in range(header.line, len(self.lines) + 1):
            line = self.lines[number - 1]
            if needle in line and not line.lstrip().startswith("#"):
                return number
            if number > header.line and not line.strip():
                break
        return header.line

    def open_entry(self, number: int) -> _Entry:
        """The entry a comment or previous line belongs to (a new one after a complete entry)."""
        if self.entry is not None and self.entry.fields:
            if not self.entry.complete:
                raise self.error(self.entry.keyword_line, "msgstr missing after this msgid")
            self.finish(number)
        if self.entry is None:
            self.entry = _Entry(number)
        return self.entry

    def comment_line(self, number: int, line: str) -> None:
        kind = line[1:2]
        if kind == "|":
            self.previous_line(number, line[2:], False)
            return
        entry = self.open_entry(number)
        entry.current = None
        if kind == ".":
            text = line[2:]
            entry.extracted.append(text[1:] if text.startswith(" ") else text)
        elif kind == ":":
            entry.references.extend(line[2:].split())
        elif kind == ",":
            entry.flags.extend(flag for flag in (part.strip() for part in line[2:].split(",")) if flag)
        else:
            text = line[1:]
            entry.comments.append(text[1:] if text.startswith(" ") else text)

    def previous_line(self, number: int, rest: str, obsolete: bool) -> None:
        entry = self.open_entry(number)
        rest = rest.strip(" \t")
        if rest.startswith('"'):
            if entry.current is None or not entry.in_previous:
                raise self.error(number, "#| string without a #| keyword before it")
            entry.current.extend(self.strings(number, rest))
            return
        match = _KEYWORD.match(rest)
        if not match or match.group(1) not in ("msgctxt", "msgid", "msgid_plural"):
            raise self.error(number, f"unknown keyword in previous field: {rest[:40]!r}")
        keyword = match.group(1)
        if keyword in entry.previous:
            raise self.error(number, f"duplicate previous {keyword}")
        entry.previous[keyword] = entry.current = self.strings(number, rest[match.end() :])
        entry.in_previous = True
        if obsolete and entry.obsolete is False:
            raise self.error(number, "obsolete previous field in an active entry")

    def keyword_line(self, number: int, line: str, obsolete: bool) -> None:
        if line.startswith('"'):
            entry = self.entry
            if entry is None or entry.current is None or entry.in_previous:
                raise self.error(number, "string without a keyword before it")
            if entry.obsolete is not None and entry.obsolete != obsolete:
                raise self.error(number, "obsolete and active lines mixed in one entry")
            entry.current.extend(self.strings(number, line))
            return
        match = _KEYWORD.match(line)
        if not match:
            raise self.error(number, f"unknown keyword or stray text: {line[:40]!r}")
        keyword, index = match.group(1), match.group(2)
        strings = self.strings(number, line[match.end() :])
        entry = self.entry
        if keyword in ("msgctxt", "msgid"):
            if entry is not None and entry.complete:
                self.finish(number)
                entry = None
            if entry is not None and "msgid" in entry.fields:
                raise self.error(entry.keyword_line, "msgstr missing after this msgid")
            if entry is not None and keyword in entry.fields:
                raise self.error(entry.keyword_line, "msgctxt without a msgid after it")
            if entry is None:
                entry = self.entry = _Entry(number)
            if entry.obsolete is not None and entry.obsolete != obsolete:
                raise self.error(number, "obsolete and active lines mixed in one entry")
            entry.obsolete = obsolete
            entry.keyword_line = number
            entry.fields[keyword] = entry.current = strings
            entry.in_previous = False
            return
        if entry is None or "msgid" not in entry.fields:
            raise self.error(number, f"{keyword} without a msgid before it")
        if entry.obsolete != obsolete:
            raise self.error(number, "obsolete and active lines mixed in one entry")
        plural = "msgid_plural" in entry.fields
        if keyword == "msgid_plural":
            if plural or entry.complete:
                raise self.error(number, "msgid_plural in the wrong place")
            entry.fields[keyword] = entry.current = strings
        elif index is None:
            if plural:
                raise self.error(number, "plural message needs msgstr[0], msgstr[1], …, not msgstr")
            if entry.complete:
                raise self.error(number, "second msgstr for one msgid")
            entry.msgstr.append(strings)
            entry.msgstr_lines.append(number)
            entry.current = strings
        else:
            if not plural:
                raise self.error(number, f"msgstr[{index}] without a msgid_plural")
            if int(index) != len(entry.msgstr):
                expected = len(entry.msgstr)
                raise self.error(number, f"msgstr[{index}] out of order: expected msgstr[{expected}]")
            entry.msgstr.append(strings)
            entry.msgstr_lines.append(number)
            entry.current = strings

    def strings(self, number: int, rest: str) -> list[str]:
        """The quoted strings on the rest of a line, unescaped; nothing else may follow."""
        one = _ONE_STRING.fullmatch(rest)
        if one is not None:
            text = one.group(1)
            return [self.unescape(number, text) if "\\" in text else text]
        found: list[str] = []
        position = 0
        while True:
            match = _STRING.match(rest, position)
            if not match:
                break
            found.append(self.unescape(number, match.group(1)))
            position = match.end()
        tail = rest[position:].strip(" \t")
        if tail.startswith('"'):
            raise self.error(number, "unterminated string")
        if tail or not found:
            problem = f"expected a quoted string, found {tail[:40]!r}" if tail else "string missing"
            raise self.error(number, problem)
        return found

    def unescape(self, number: int, text: str) -> str:
        if "\\" not in text:
            return text
        raw = False

        def replace_escape(match: re.Match[str]) -> str:
            nonlocal raw
            octal, hexadecimal, char = match.groups()
            if char is not None:
                if char not in _SIMPLE_ESCAPES:
                    raise self.error(number, f"invalid escape sequence \\{char}")
                return _SIMPLE_ESCAPES[char]
            value = int(octal, 8) if octal else int(hexadecimal, 16)
            if value == 0 or value > 0xFF:
                raise self.error(number, f"invalid escape sequence {match.group(0)} (byte 1…255 expected)")
            raw = raw or value >= 0x80
            return chr(0xDC00 + value) if value >= 0x80 else chr(value)

        result = _ESCAPE.sub(replace_escape, text)
        if raw:  # octal/hex escapes of bytes: decode them in the file's charset
            try:
                result = result.encode(self.codec, "surrogateescape").decode(self.codec)
            except UnicodeError as exc:
                raise self.error(number, f"escaped bytes are not valid {self.codec}") from exc
        return result

    def finish(self, number: int) -> None:
        """Turn the entry read so far into a Message (checked), and start afresh."""
        entry, self.entry = self.entry, None
        if entry is None or not entry.fields:
            return  # comments with no message after them: gettext drops them too
        if not entry.complete:
            raise self.error(entry.keyword_line, "msgstr missing after this msgid")
        if "msgid" not in entry.fields:
            raise self.error(entry.keyword_line, "msgctxt without a msgid")
        if entry.previous and "msgid" not in entry.previous:
            raise self.error(entry.line, "#| msgctxt or #| msgid_plural without a #| msgid")
        plural = entry.fields.get("msgid_plural")
        msgctxt = entry.fields.get("msgctxt")
        previous = {key: "".join(value) for key, value in entry.previous.items()} if entry.previous else {}
        message = Message(
            msgid="".join(entry.fields["msgid"]),
            msgstr=tuple("".join(form) for form in entry.msgstr),
            msgid_plural="".join(plural) if plural is not None else None,
            msgctxt="".join(msgctxt) if msgctxt is not None else None,
            translator_comments=tuple(entry.comments),
            extracted_comments=tuple(entry.extracted),
            references=tuple(entry.references),
            flags=tuple(entry.flags),
            previous_msgctxt=previous.get("msgctxt"),
            previous_msgid=previous.get("msgid"),
            previous_msgid_plural=previous.get("msgid_plural"),
            obsolete=bool(entry.obsolete),
            line=entry.line,
        )
        if not message.obsolete:
            first = self.seen.setdefault(message.key, entry.line)
            if first != entry.line:
                raise self.error(entry.line, f"duplicate message definition (first defined at line {first})")
        self.entries.append(message)
        if plural is not None:
            self.form_lines[id(message)] = entry.msgstr_lines
