"""Translation units: what the translation memory holds, as immutable values.

A unit is one approved pair of texts in one language pair, with where it came from. The same
pair seen in several places is one unit with several origins, so the memory does not grow with
repetitions, and its TMX file lists each origin once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")


def normalize(text: str) -> str:
    """The form texts are compared in: Unicode NFC, runs of whitespace as one space, trimmed."""
    if not text.isascii():  # ASCII is NFC already; the check is cheaper than normalizing
        text = unicodedata.normalize("NFC", text)
    if _ODD_SPACE.search(text):
        text = _SPACE.sub(" ", text)
    return text.strip()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a unit was seen: a catalogue's domain and the source reference of the segment."""

    domain: str
    """The catalogue (article slug, ``ui``), or the imported file's name."""
    reference: str = ""
    """``source/valium.md:12`` for harvested units; empty for imported ones."""
    context: str = ""
    """A digest of the neighbouring segments' source texts, for in-context (101%) matches."""


@dataclass(frozen=True, slots=True)
class TranslationUnit:
    """One approved translation."""

    source: str
    """Source text as written (inline Markdown kept)."""
    target: str
    source_locale: str
    target_locale: str
    origins: tuple[Origin, ...] = ()
    """Every place the pair was seen, sorted; empty for a unit imported without provenance."""
    last_seen: str = ""
    """When the pair was last seen approved: the catalogue's PO-Revision-Date, or the TMX
    ``changedate``/``creationdate`` of an imported unit (``YYYYMMDDTHHMMSSZ``)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity: one unit per target locale, normalized source and target."""
        return (self.target_locale, normalize(self.source), normalize(self.target))
