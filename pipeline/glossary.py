"""The project glossary, ``locale/glossary.csv``: how names and terms are rendered per locale.

One row per term and locale: ``term,locale,translation,check,note``. Lines starting with ``#``
are comments. Rows with ``check`` = ``yes`` are enforced by ``translatio check``; the others
document decisions for translators. Three kinds of row, told apart by their cells:

- **A kept name**: ``translation`` is ``keep`` (brand and proper names). Wherever the English
  text has the term, the translation must have it unchanged.
- **A term**: ``translation`` is the form used. Wherever the English text has the term, the
  translation must contain the form. Both comparisons ignore case and link targets, and a
  stem (``Benzodiazepin``) also matches inflected forms. Where a phrase has no common stem
  (German cases: ``Ihre Ärztin, Ihren Arzt oder Ihre Apotheke`` /
  ``Ihrer Ärztin, Ihres Arztes oder Ihrer Apotheke``), the forms are listed with ``|`` between
  them and one of them is enough.
- **A link**: ``term`` is a web address (``https://…``) and ``translation`` the note that must
  follow every link to it, such as ``(englischsprachig)`` for a site readers should know is in
  English. Wherever the English text links to that address, the translation must link to it
  too, each link followed by the note (spaces between them allowed, case ignored). It is a
  rule about where the note stands, which no term row can say: the link's target sits between
  its text and what follows it.

The matching lives here, not in the checks, so that ``check`` and the content tests apply the
same rule.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError, LocaleError
from .locales import normalize_locale
from .required import link_targets, links_with_ends, without_link_targets

GLOSSARY_FILE = "glossary.csv"
KEEP = "keep"
FIELDS = ("term", "locale", "translation", "check", "note")
LINK_SCHEMES = ("https://", "http://")
"""A term starting with one of these is a web address: the row is about links to it."""
ALTERNATIVE = "|"
"""Separates the forms of a term that has several (one is enough)."""


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    """The English term, or for a link row the web address."""
    locale: str
    translation: str
    """The form to use (or forms, ``|`` between them), ``keep``, or for a link row the note
    that follows the link."""
    enforced: bool
    note: str
    line: int

    @property
    def keep(self) -> bool:
        return self.translation == KEEP

    @property
    def link(self) -> bool:
        """A row about links to a web address rather than about words."""
        return self.term.startswith(LINK_SCHEMES)

    @property
    def forms(self) -> tuple[str, ...]:
        """The texts of which a translation must contain one (after a link, for a link row)."""
        if self.keep:
            return (self.term,)
        return tuple(form.strip() for form in self.translation.split(ALTERNATIVE))


def unmet(entries: Iterable[GlossaryEntry], source: str, translation: str) -> Iterator[GlossaryEntry]:
    """The entries the source calls for that the translation does not honour, in the given order."""
    # Link targets are not text: a URL containing a term neither needs nor provides it.
    source_text = without_link_targets(source).lower()
    translation_text = without_link_targets(translation).lower()
    for entry in entries:
        if entry.link:
            if entry.term in link_targets(source) and not _links_followed_by(translation, entry):
                yield entry
        elif entry.term.lower() in source_text and not any(f.lower() in translation_text for f in entry.forms):
            yield entry


def _links_followed_by(translation: str, entry: GlossaryEntry) -> bool:
    """Whether the translation links to the entry's address, each link followed by one of its forms."""
    ends = [end for url, end in links_with_ends(translation) if url == entry.term]
    notes = [form.lower() for form in entry.forms]
    return bool(ends) and all(translation[end:].lstrip().lower().startswith(tuple(notes)) for end in ends)


def read_glossary(path: Path) -> list[GlossaryEntry]:
    """Read a glossary; a missing file is an empty glossary, a bad row an error with its line."""
    if not path.is_file():
        return []
    entries = []
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not numbered:
        return []
    header_line, header = numbered[0]
    names = next(csv.reader([header]))
    if tuple(names[: len(FIELDS)]) != FIELDS:
        raise InputError(path, header_line, f"the header must be {','.join(FIELDS)}")
    for number, line in numbered[1:]:
        row = next(csv.reader([line]))
        if len(row) < 4:
            raise InputError(path, number, f"expected {len(FIELDS)} fields, found {len(row)}")
        term, code, translation, check = (value.strip() for value in row[:4])
        try:
            locale = normalize_locale(code)
        except LocaleError as exc:
            raise InputError(path, number, str(exc)) from exc
        if not term or not translation:
            raise InputError(path, number, "term and translation must not be empty")
        if check not in ("yes", "no"):
            raise InputError(path, number, f"check must be 'yes' or 'no', not {check!r}")
        note = row[4] if len(row) > 4 else ""
        entry = GlossaryEntry(term, locale, translation, check == "yes", note, number)
        if entry.link and entry.keep:
            raise InputError(path, number, f"{term} is a web address: its translation is the note that follows a link to it, not 'keep'")
        if not all(entry.forms):
            raise InputError(path, number, f"translation {translation!r} has an empty form between '{ALTERNATIVE}'")
        entries.append(entry)
    return entries
