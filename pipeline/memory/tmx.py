"""TMX 1.4b: the durable, reviewable store of the translation memory, and an import format.

Principles:

- Reading is hardened. The XML goes through expat with ``defusedxml``'s guards (its refusals,
  set as expat's handlers directly, without the SAX layer's cost per event): entity
  declarations (the billion-laughs bomb, external entities/XXE, parameter entities) are refused,
  nothing external is ever fetched — a ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` line, which OmegaT
  writes, is accepted but its DTD is not read — and an entity reference the file does not define
  is an error, not silently dropped text. Every refusal is one :class:`MemoryFileError`
  ``path:line: message`` with the line of the offending element, and no unit is returned.
- Reading streams: :func:`iter_tmx` feeds the file to expat a chunk at a time and hands over
  units a batch at a time, so a million-unit file costs a batch of memory. Writing a memory's
  own file streams too (:func:`stage_tmx`): its units come from the memory already in the
  file's order and go to disk a chunk at a time, byte for byte what :func:`format_tmx` gives.
- Reading is faithful to the spec and tolerant of other tools: ``version`` 1.4 (or 1.4b); the
  source variant is the ``tuv`` in the ``tu``'s ``srclang``, else the header's (``*all*``: the
  first ``tuv``; a bare language such as ``en`` also matches ``en-US``); ``xml:lang`` (or TMX
  1.1's ``lang``) codes are normalized by Babel (``EN-US`` → ``en_US``). A ``tu`` with *n*
  target variants gives *n* units. A segment's text is its character data, inline elements
  included (``ph``/``bpt``/``ept``/``it``/``ut`` hold native codes, kept as text; ``hi``/``sub``
  their inner text), whitespace as in the file. ``first_seen`` — when the translation as it
  stands was made — is the first well-formed ``changedate``, ``creationdate``, ``lastusagedate``
  (the last only in files translatio wrote before it recorded first appearances), the target
  ``tuv``'s (where OmegaT puts them) before the ``tu``'s; a malformed date is ignored. Origins
  come from our props (below). A unit whose source or target is empty is skipped: a memory
  never offers an empty translation.
- Writing is deterministic: the same units give the same bytes in any order — units sorted by
  normalized source, target locale, normalized target (then the raw fields), origins sorted and
  deduplicated, two-space indentation, UTF-8, ``\\n`` line ends, no timestamp but each unit's own
  ``first_seen`` (as ``creationdate``: it never moves once written). One ``tu`` per unit, each
  ``tuv`` on one line; line breaks inside a text are written ``&#10;`` (and CR ``&#13;``), so a
  line is an element and a diff shows exactly the changed units. Locale codes are written as
  BCP 47 tags (``pt-BR``).
- Provenance is a user-defined property, as TMX 1.4b §3 recommends (``x-`` prefix): one
  ``<prop type="x-translatio-origin">domain|reference|context</prop>`` per origin (a fourth
  field names another project sharing the memory; a project's own units have none), in which
  ``%`` and ``|`` inside a field are written ``%25`` and ``%7C``. Files without such props
  (OmegaT, Translate Toolkit) give units with no origins. A translation replaced in a catalogue
  entry keeps its record of that place as ``<prop type="x-translatio-superseded">``, same
  encoding: the unit is kept (nothing approved is dropped) and visibly not current. Other tools
  read it as an ordinary unit (props are informative in TMX); translatio never offers it again.
- XML 1.0 cannot carry some characters at all (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
  U+FFFE, U+FFFF, lone surrogates; not even as ``&#1;``). A unit containing one is not written:
  :func:`representable` tells which, so a caller can report them; no such text is a useful match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from .. import __version__
from ..errors import LocaleError, MemoryFileError
from ..files import Staged, stage_chunks, write_atomic
from ..locales import locale_info, normalize_locale
from .units import Origin, TranslationUnit, normalize, origin_key, sorted_origins

ORIGIN_PROP = "x-translatio-origin"
"""The ``prop`` type holding one :class:`Origin` as ``domain|reference|context``."""
SUPERSEDED_PROP = "x-translatio-superseded"
"""The ``prop`` type holding one place where the unit was replaced, encoded as an origin."""
VERSIONS = frozenset({"1.4", "1.4b"})
ALL = "*all*"
DATE_ATTRIBUTES = ("changedate", "creationdate", "lastusagedate")
"""Read in this order: the date the translation as it stands was made comes first."""

_TMX_DATE = re.compile(r"\d{8}T\d{6}Z")
_PO_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\s*(?:([+-])(\d\d):?(\d\d)|Z)?")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_FIELD_ESCAPES = str.maketrans({"%": "%25", "|": "%7C"})
_FIELD_ESCAPE = re.compile("%(25|7C)", re.IGNORECASE)


# --- dates -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def tmx_date(value: str) -> str:
    """``value`` as a TMX date (``YYYYMMDDThhmmssZ``, UTC), or ``""`` if it is no date.

    Accepts a TMX date as it is, and a PO date (``2024-05-01 12:00+0200``, as in
    ``PO-Revision-Date``), converted to UTC; the ``YEAR-MO-DA`` placeholder gives ``""``.
    """
    value = value.strip()
    if _TMX_DATE.fullmatch(value):
        return value
    match = _PO_DATE.fullmatch(value)
    if not match:
        return ""
    year, month, day, hour, minute, second, sign, zh, zm = match.groups()
    offset = timedelta(hours=int(zh or 0), minutes=int(zm or 0)) * (-1 if sign == "-" else 1)
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                          tzinfo=timezone(offset))  # fmt: skip
    except ValueError:
        return ""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# --- reading -----------------------------------------------------------------------------------

BATCH = 20_000
"""Units :func:`iter_tmx` hands over at a time: a large file is never held whole."""
CHUNK = 1 << 20
"""Bytes of the file given to the parser at a time."""


def read_tmx(path: Path | str) -> list[TranslationUnit]:
    """Read a TMX file into units (one per target variant); raises :class:`MemoryFileError`."""
    return [unit for batch in iter_tmx(path) for unit in batch]


def iter_tmx(path: Path | str, batch: int | None = None) -> Iterator[list[TranslationUnit]]:
    """The units of a TMX file in file order, about ``batch`` at a time, read incrementally: a
    file of a million units costs a batch of memory, not the file. An error raises
    :class:`MemoryFileError` where it is met — batches already given may have been used, so a
    caller that must be all-or-nothing works in a transaction it rolls back."""
    path, batch = Path(path), batch or BATCH
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise MemoryFileError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    with handle:
        reader = _Reader(path)
        while True:
            try:
                data = handle.read(CHUNK)
            except OSError as exc:
                raise MemoryFileError(path, None, f"cannot read: {exc.strerror or exc}") from exc
            reader.feed(data, final=not data)
            if len(reader.units) >= batch or not data:
                units, reader.units = reader.units, []
                if units:
                    yield units
            if not data:
                return


def parse_tmx(data: bytes, path: Path | str = "<string>") -> list[TranslationUnit]:
    """Parse the bytes of a TMX document; ``path`` is only used in error messages."""
    reader = _Reader(Path(path))
    reader.feed(data, final=True)
    return reader.units


def _refusal(exc: DefusedXmlException) -> str:
    name = getattr(exc, "name", None)
    if isinstance(exc, ExternalReferenceForbidden):
        return f"refused: external reference to {exc.sysid!r} (XXE); nothing external is read"
    return f"refused: entity declaration {name!r} (entity expansion and XXE are not allowed in TMX)"


@dataclass(slots=True)
class _Variant:
    locale: str
    line: int
    dates: dict[str, str]
    text: str | None = None


@dataclass(slots=True)
class _Unit:
    line: int
    srclang: str | None
    dates: dict[str, str]
    origins: list[Origin] = field(default_factory=list)
    superseded: list[Origin] = field(default_factory=list)
    variants: list[_Variant] = field(default_factory=list)


class _Reader:
    """Builds units from expat's events, checking the TMX structure as it goes.

    expat directly (``pyexpat``, fed a chunk at a time), hardened as ``defusedxml`` hardens it —
    its own handlers refuse entity declarations and external references — without the SAX
    layer's cost per event: a million units are some ten million events.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.units: list[TranslationUnit] = []
        parser = self._parser = expat.ParserCreate()
        parser.buffer_text = True  # one call per text run, not per line or entity
        parser.buffer_size = 1 << 16
        parser.StartElementHandler = self.startElement
        parser.EndElementHandler = self.endElement
        # Text matters only in a <seg> or one of our <prop>s: the handler is set there to the
        # list that gathers it (a call in C), and unset elsewhere (indentation costs nothing).
        parser.SkippedEntityHandler = self.skippedEntity
        parser.EntityDeclHandler = _entity_declared
        parser.UnparsedEntityDeclHandler = _unparsed_entity_declared
        parser.ExternalEntityRefHandler = _external_reference
        # A DOCTYPE naming an external DTD is acknowledged (the handler above returns 1 for it)
        # but never read; entities the file uses and does not define are then "skipped": an error.
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE)
        self._stack: list[str] = []
        self._skip = 0  # depth inside an element whose content we ignore (header, note, …)
        self._srclang: str | None = None
        self._body = False
        self._tu: _Unit | None = None
        self._tuv: _Variant | None = None
        self._seg: list[str] | None = None
        self._seg_depth = 0
        self._prop: list[str] | None = None
        self._prop_type = ""
        self._prop_line = 0
        self._locales: dict[str, str] = {}

    def feed(self, data: bytes, final: bool = False) -> None:
        """Parse the next bytes of the file; every failure is one :class:`MemoryFileError`."""
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise MemoryFileError(self.path, exc.lineno, f"not well-formed XML: {expat.ErrorString(exc.code)}") from exc
        except DefusedXmlException as exc:
            raise MemoryFileError(self.path, self.line, _refusal(exc)) from exc

    @property
    def line(self) -> int | None:
        return self._parser.CurrentLineNumber

    def error(self, message: str, line: int | None = None) -> MemoryFileError:
        return MemoryFileError(self.path, line or self.line, message)

    def skippedEntity(self, name: str, is_parameter: bool) -> None:
        raise self.error(f"undefined entity reference &{name};")

    def startElement(self, name: str, attrs: dict[str, str]) -> None:
        stack = self._stack
        parent = stack[-1] if stack else None
        stack.append(name)
        # The (parent, element) pairs are exclusive: the usual ones in a body come first.
        if self._seg_depth:
            self._seg_depth += 1  # an inline element: its text is part of the segment
        elif self._skip:
            self._skip += 1
        elif name == "seg" and parent == "tuv":
            assert self._tuv is not None
            if self._tuv.text is not None:
                raise self.error("a <tuv> has more than one <seg>")
            self._seg, self._seg_depth = [], 1
            self._parser.CharacterDataHandler = self._seg.append
        elif name == "tuv" and parent == "tu":
            self._start_tuv(attrs)
        elif name == "prop" and parent == "tu" and attrs.get("type") in (ORIGIN_PROP, SUPERSEDED_PROP):
            self._prop, self._prop_type, self._prop_line = [], attrs["type"], self.line or 0
            self._parser.CharacterDataHandler = self._prop.append
        elif name == "tu" and parent == "body":
            self._start_tu(attrs)
        elif parent is None:
            self._start_tmx(name, attrs)
        elif parent == "tmx" and name == "header":
            self._start_header(attrs)
        elif parent == "tmx" and name == "body":
            if self._srclang is None:
                raise self.error("<body> before <header>: a TMX file starts with its header")
            self._body = True
        elif parent in ("tu", "tuv") and name in ("note", "prop"):
            self._skip = 1
        else:
            raise self.error(f"unexpected <{name}> in <{parent}>")

    def endElement(self, name: str) -> None:
        self._stack.pop()
        if self._seg_depth:
            self._seg_depth -= 1
            if not self._seg_depth:
                assert self._tuv is not None and self._seg is not None
                self._tuv.text, self._seg = "".join(self._seg), None
                self._parser.CharacterDataHandler = None
        elif self._skip:
            self._skip -= 1
        elif name == "prop" and self._prop is not None:
            assert self._tu is not None
            kept = self._tu.origins if self._prop_type == ORIGIN_PROP else self._tu.superseded
            kept.append(self._origin("".join(self._prop)))
            self._prop = None
            self._parser.CharacterDataHandler = None
        elif name == "tuv":
            assert self._tu is not None and self._tuv is not None
            if self._tuv.text is None:
                raise self.error("a <tuv> without <seg>", self._tuv.line)
            self._tu.variants.append(self._tuv)
            self._tuv = None
        elif name == "tu":
            assert self._tu is not None
            self.units.extend(self._units(self._tu))
            self._tu = None
        elif name == "tmx" and not self._body:
            raise self.error("no <body>: not a TMX file")

    def _start_tmx(self, name: str, attrs: dict[str, str]) -> None:
        if name != "tmx":
            raise self.error(f"the root element is <{name}>, not <tmx>: not a TMX file")
        version = attrs.get("version")
        if version is None:
            raise self.error("the <tmx> element has no version")
        if version not in VERSIONS:
            raise self.error(f"unknown TMX version {version!r}: expected 1.4 (TMX 1.4b)")

    def _start_header(self, attrs: dict[str, str]) -> None:
        srclang = attrs.get("srclang")
        if not srclang:
            raise self.error("the <header> has no srclang")
        self._srclang = srclang if srclang == ALL else self._locale(srclang, "srclang")
        self._skip = 1

    def _start_tu(self, attrs: dict[str, str]) -> None:
        srclang = attrs.get("srclang")
        if srclang and srclang != ALL:
            srclang = self._locale(srclang, "srclang")
        self._tu = _Unit(self._parser.CurrentLineNumber, srclang or self._srclang, _dates(attrs))

    def _start_tuv(self, attrs: dict[str, str]) -> None:
        code = attrs.get("xml:lang") or attrs.get("lang")
        if not code:
            raise self.error("a <tuv> without xml:lang")
        self._tuv = _Variant(self._locale(code, "xml:lang"), self._parser.CurrentLineNumber, _dates(attrs) if len(attrs) > 1 else {})

    def _locale(self, code: str, attribute: str) -> str:
        known = self._locales.get(code)
        if known is not None:
            return known
        try:
            known = self._locales[code] = normalize_locale(code)
        except LocaleError as exc:
            raise self.error(f"{attribute}: {exc}") from exc
        return known

    def _origin(self, text: str) -> Origin:
        fields = text.split("|")
        if "%" in text:
            fields = [_FIELD_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), f) for f in fields]
        if len(fields) > 4:
            raise self.error(f"a {self._prop_type} prop has {len(fields)} fields, at most 4", self._prop_line)
        return Origin(*fields)

    def _units(self, tu: _Unit) -> Iterator[TranslationUnit]:
        source = _source_variant(tu)
        if source is None:
            raise self.error(f"a <tu> without a variant in the source language {tu.srclang}", tu.line)
        origins = sorted_origins(tu.origins)
        places = {o.place for o in origins}  # current in a domain wins over superseded there
        superseded = sorted_origins(o for o in tu.superseded if o.place not in places)
        for target in tu.variants:
            if target.locale == source.locale:
                continue
            assert source.text is not None and target.text is not None
            if source.text.strip() and target.text.strip():  # normalize() gives "" for whitespace alone
                first_seen = _first_date(target.dates, tu.dates)
                yield TranslationUnit(source.text, target.text, source.locale, target.locale, origins, first_seen, superseded)


def _entity_declared(name: str, is_parameter: bool, value: str | None, base: str | None, sysid: str | None,
                     pubid: str | None, notation: str | None) -> None:  # fmt: skip
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _unparsed_entity_declared(name: str, base: str | None, sysid: str | None, pubid: str | None, notation: str | None) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _external_reference(context: str | None, base: str | None, sysid: str | None, pubid: str | None) -> int:
    """expat asks for the external DTD subset with no context: acknowledged, never loaded;
    any other external entity is refused (XXE)."""
    if context is None:
        return 1
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _first_date(variant: dict[str, str], unit: dict[str, str]) -> str:
    """The first date of :data:`DATE_ATTRIBUTES` given, the target variant's before the unit's."""
    if variant or unit:
        for attribute in DATE_ATTRIBUTES:
            date = variant.get(attribute) or unit.get(attribute)
            if date:
                return date
    return ""


def _dates(attrs: dict[str, str]) -> dict[str, str]:
    """The well-formed TMX dates among an element's attributes; a malformed one is ignored."""
    return {a: value for a in DATE_ATTRIBUTES if (value := attrs.get(a)) and _TMX_DATE.fullmatch(value)}


def _source_variant(tu: _Unit) -> _Variant | None:
    """The source ``tuv``: in srclang exactly, else its language alone (``en`` for ``en_US``)."""
    if not tu.variants or tu.srclang is None:
        return None
    if tu.srclang == ALL:
        return tu.variants[0]
    exact = [v for v in tu.variants if v.locale == tu.srclang]
    same_language = [v for v in tu.variants if v.locale.split("_")[0] == tu.srclang.split("_")[0]]
    candidates = exact or same_language
    return candidates[0] if candidates else None


# --- writing -----------------------------------------------------------------------------------


def representable(unit: TranslationUnit) -> bool:
    """Whether :func:`write_tmx` writes the unit: texts not empty, every character XML 1.0 allows."""
    # A text normalizes to "" exactly when it is all whitespace (no character NFC changes into
    # whitespace); a printable text has no character XML forbids (controls, surrogates and
    # U+FFFE/U+FFFF are not printable): both cheaper than asking normalize and the pattern.
    if not (unit.source.strip() and unit.target.strip()):
        return False
    places = (*unit.origins, *unit.superseded)
    texts = (unit.source, unit.target, unit.first_seen, *(f for o in places for f in origin_key(o)))
    return not any(not t.isprintable() and _NOT_XML.search(t) for t in texts)


def generate_tmx(units: Iterable[TranslationUnit], source_locale: str) -> Iterator[str]:
    """The lines of the TMX document, each without its ``\\n``; raises LocaleError, ValueError."""
    return _lines(sorted((u for u in units if representable(u)), key=_unit_key), source_locale)


def _lines(ordered: Iterable[TranslationUnit], source_locale: str) -> Iterator[str]:
    """The document's lines for units already in the file's order and writable."""
    source = locale_info(source_locale)
    header = {
        "creationtool": "translatio", "creationtoolversion": __version__, "segtype": "paragraph",
        "o-tmf": "PO", "adminlang": "en", "srclang": source.tag, "datatype": "plaintext",
    }  # fmt: skip
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    yield '<tmx version="1.4">'
    yield f"  <header{_attributes(header)}/>"
    yield "  <body>"
    for unit in ordered:
        yield from _tu(unit, source.code)
    yield "  </body>"
    yield "</tmx>"


def format_tmx(units: Iterable[TranslationUnit], source_locale: str) -> str:
    """The whole document as text: every line of :func:`generate_tmx` ended by ``\\n``."""
    return "".join([line + "\n" for line in generate_tmx(units, source_locale)])


def stream_tmx(ordered: Iterable[TranslationUnit], source_locale: str, lines: int = 20_000) -> Iterator[bytes]:
    """The bytes :func:`format_tmx` gives, as UTF-8 chunks of about ``lines`` lines, for units of
    one target locale already in the file's order — a memory's ``iterate(locale)``, ordered by
    normalized source and target as :func:`generate_tmx` sorts them — so a million units are
    written without being held, nor sorted, at once."""
    buffer: list[str] = []
    for line in _lines((u for u in ordered if representable(u)), source_locale):
        buffer.append(line)
        if len(buffer) >= lines:
            buffer.append("")
            yield "\n".join(buffer).encode("utf-8")
            buffer = []
    buffer.append("")
    yield "\n".join(buffer).encode("utf-8")


def stage_tmx(ordered: Iterable[TranslationUnit], path: Path, source_locale: str) -> Staged | None:
    """Stage the TMX file of one locale's units in the file's order (see :func:`stream_tmx`):
    ``None`` when the file already holds exactly these bytes."""
    return stage_chunks(path, stream_tmx(ordered, source_locale))


def write_tmx(units: Iterable[TranslationUnit], path: Path | str, source_locale: str) -> bool:
    """Write the memory atomically as UTF-8; an unchanged file is not touched. Return whether it
    changed."""
    return write_atomic(Path(path), format_tmx(units, source_locale))


def _tu(unit: TranslationUnit, header_source: str) -> Iterator[str]:
    source = locale_info(unit.source_locale)
    attributes: dict[str, str] = {}
    if source.code != header_source:
        attributes["srclang"] = source.tag
    if unit.first_seen:
        date = tmx_date(unit.first_seen)
        if not date:
            raise ValueError(f"first_seen {unit.first_seen!r} is not a TMX or PO date")
        attributes["creationdate"] = date
    yield f"    <tu{_attributes(attributes)}>"
    for kind, places in ((ORIGIN_PROP, unit.origins), (SUPERSEDED_PROP, unit.superseded)):
        for origin in sorted_origins(places):
            encoded = "|".join([_escape_field(f) for f in _prop_fields(origin)])
            yield f'      <prop type="{kind}">{_escape_text(encoded)}</prop>'
    for code, text in ((source.tag, unit.source), (locale_info(unit.target_locale).tag, unit.target)):
        yield f'      <tuv xml:lang="{code}"><seg>{_escape_text(text)}</seg></tuv>'
    yield "    </tu>"


def _escape_text(text: str) -> str:
    """``text.translate(_TEXT_ESCAPES)``, several times faster for text with nothing to escape
    (each ``in`` and ``replace`` is a scan in C; ``&`` first, as its escape adds ampersands)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _escape_field(text: str) -> str:
    """``text.translate(_FIELD_ESCAPES)``, faster where there is nothing to escape."""
    if "%" in text:
        text = text.replace("%", "%25")
    if "|" in text:
        text = text.replace("|", "%7C")
    return text


def _prop_fields(origin: Origin) -> tuple[str, ...]:
    """``domain|reference|context``, and ``|project`` only for another project's origin (a
    project's own TMX files never name one)."""
    own = (origin.domain, origin.reference, origin.context)
    return (*own, origin.project) if origin.project else own


def _attributes(values: dict[str, str]) -> str:
    return "".join(f' {name}="{value.translate(_ATTR_ESCAPES)}"' for name, value in values.items())


def _unit_key(unit: TranslationUnit) -> tuple[Any, ...]:
    origins = sorted({origin_key(o) for o in unit.origins})
    superseded = sorted({origin_key(o) for o in unit.superseded})
    return (normalize(unit.source), unit.target_locale, normalize(unit.target), unit.source,
            unit.target, unit.source_locale, origins, superseded, unit.first_seen)  # fmt: skip
