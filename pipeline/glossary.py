"""The project glossary, ``locale/glossary.csv``: how names and terms are rendered per locale.

One row per term and locale: ``term,locale,translation,check,note``. ``translation`` is the form
used, or ``keep`` when the English term stays as it is (brand and proper names). Rows with
``check`` = ``yes`` are enforced by ``translatio check``: wherever the English text has the term
(ignoring case), the translation must contain the form (ignoring case; a stem such as
``Benzodiazepin`` also matches inflected forms). Other rows document decisions for translators.
Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, LocaleError
from .locales import normalize_locale

GLOSSARY_FILE = "glossary.csv"
KEEP = "keep"
FIELDS = ("term", "locale", "translation", "check", "note")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    locale: str
    translation: str
    """The form to use, or ``keep``."""
    enforced: bool
    note: str
    line: int

    @property
    def form(self) -> str:
        """The text a translation must contain."""
        return self.term if self.translation == KEEP else self.translation

    @property
    def keep(self) -> bool:
        return self.translation == KEEP


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
        entries.append(GlossaryEntry(term, locale, translation, check == "yes", note, number))
    return entries
