"""PO compendia as a source of the translation memory.

A compendium (what ``msgcat`` makes of many catalogues) or any PO catalogue holds approved
translations into one language, the one its header's ``Language`` names. Principles:

- Only approved work enters the memory: translated, non-fuzzy entries. Obsolete ones count —
  they were approved before their text left the sources, which is what a memory is for. Fuzzy
  entries (msgcat marks its conflicting merges fuzzy too) and untranslated ones do not.
- Plural entries are skipped: a memory unit pairs one source text with one target text, and a
  plural entry pairs two source forms with *n* target forms chosen by a number, which no single
  pair represents faithfully (``msgstr[0]`` is not "the" translation of ``msgid`` in Arabic).
- The target locale comes from the header alone (``Language``, checked by Babel); a file
  without one is an error at the header's line rather than a guess from its name.
- Provenance: the domain is the file's stem, the reference an entry's first ``#:`` reference.
  The same pair in several entries (different ``msgctxt``) is one unit with several origins.
  ``last_seen`` is the header's ``PO-Revision-Date`` as a TMX date, when it has one.
- Every problem with the file, a PO syntax error included, is a :class:`MemoryFileError`.
"""

from __future__ import annotations

from pathlib import Path

from ..catalogs import Catalog, read_po
from ..errors import CatalogError, LocaleError, MemoryFileError
from ..locales import normalize_locale
from .tmx import tmx_date
from .units import Origin, TranslationUnit, normalize


def read_compendium(path: Path | str, source_locale: str) -> list[TranslationUnit]:
    """The approved singular translations of a PO file, as units from ``source_locale``."""
    path = Path(path)
    try:
        catalog = read_po(path)
    except CatalogError as exc:
        raise MemoryFileError(exc.path, exc.line, exc.message, exc.source_line) from exc
    return compendium_units(catalog, path, normalize_locale(source_locale))


def compendium_units(catalog: Catalog, path: Path, source_locale: str) -> list[TranslationUnit]:
    """The units of a catalogue already read; ``source_locale`` in Babel's form."""
    fields = catalog.header_fields
    header_line = catalog.header.line or None
    language = fields.get("Language", "").strip()
    if not language:
        raise MemoryFileError(path, header_line, "the header has no Language: the target language is unknown")
    try:
        target_locale = normalize_locale(language)
    except LocaleError as exc:
        raise MemoryFileError(path, header_line, f"Language: {exc}") from exc
    if target_locale == source_locale:
        raise MemoryFileError(path, header_line, f"Language {language!r} is the source language")
    last_seen = tmx_date(fields.get("PO-Revision-Date", ""))
    units: dict[tuple[str, str, str], TranslationUnit] = {}
    for message in catalog.messages:
        if message.msgid_plural is not None or not message.translated:
            continue
        source, target = message.msgid, message.msgstr[0]
        if not normalize(source) or not normalize(target):
            continue
        origin = Origin(path.stem, message.references[0] if message.references else "")
        unit = TranslationUnit(source, target, source_locale, target_locale, (origin,), last_seen)
        known = units.get(unit.key)
        if known is not None:
            origins = tuple(sorted(set(known.origins) | {origin}, key=lambda o: (o.domain, o.reference, o.context)))
            unit = TranslationUnit(known.source, known.target, source_locale, target_locale, origins, last_seen)
        units[unit.key] = unit
    return list(units.values())
