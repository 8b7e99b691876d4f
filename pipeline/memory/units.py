"""Translation units: what the translation memory holds, as immutable values.

A unit is one approved pair of texts in one language pair, with where it came from. The same
pair seen in several places is one unit with several origins, so the memory does not grow with
repetitions, and its TMX file lists each origin once.

Principles:

- Nothing approved is ever dropped. A translation that a translator replaced in a catalogue
  entry stays in the memory, *superseded* there: its origin in that domain moves from
  ``origins`` to ``superseded``, so the record of where it was used is kept and the memory can
  say why it no longer offers it.
- A shared memory (a PostgreSQL server serving several projects) keeps each project's places
  apart: an origin names its ``project`` when it is another project's, and supersession happens
  per project and domain (:attr:`Origin.place`) — one project correcting a translation does not
  withdraw it from another. A project's own origins have no project name, so a memory kept
  beside one checkout (SQLite) and the project's TMX files never mention one.
- A unit's date is when the pair first appeared (the earliest PO-Revision-Date or TMX date it
  was seen with), not when it was last seen: it does not move when a catalogue is saved again,
  so "the most recent translation" means the one made last, and TMX files change only where
  the memory does.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from collections.abc import Iterable
from dataclasses import dataclass


CURRENT = "current"
"""Seen approved in a catalogue entry and not replaced there since."""
ARCHIVED = "archived"
"""Approved once, with no known place: imported without provenance, or from an obsolete entry."""
SUPERSEDED = "superseded"
"""Replaced by another translation in every catalogue entry it was seen in."""


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The form texts are compared in: Unicode NFC, runs of whitespace as one space, trimmed
    (cached: a site's sentences repeat across its catalogues, and every harvest and lookup
    normalizes them)."""
    if not text.isascii():  # ASCII is NFC already; the check is cheaper than normalizing
        text = unicodedata.normalize("NFC", text)
    # str.split() splits at exactly the characters ``\s`` matches (str.isspace): runs of
    # whitespace become one space, the ends are trimmed — a third of a regular expression's time.
    return " ".join(text.split())


def earliest(first: str, second: str) -> str:
    """The earlier of two TMX dates (``YYYYMMDDThhmmssZ`` sorts as text); an empty date is
    unknown, so the other one is taken."""
    if first and second:
        return min(first, second)
    return first or second


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a unit was seen: a catalogue's domain and the source reference of the segment."""

    domain: str
    """The catalogue (article slug, ``ui``), or the imported file's name."""
    reference: str = ""
    """``source/valium.md:12`` for harvested units; empty for imported ones."""
    context: str = ""
    """A digest of the neighbouring segments' source texts, for in-context (101%) matches."""
    project: str = ""
    """Another project sharing the memory (its ``project_name``); empty for this project's own."""

    @property
    def place(self) -> tuple[str, str]:
        """What supersession is about: one project's domain."""
        return (self.project, self.domain)

    def named(self) -> str:
        """``valium`` for this project's domain, ``other-site/valium`` for another project's."""
        return f"{self.project}/{self.domain}" if self.project else self.domain


def origin_key(origin: Origin) -> tuple[str, str, str, str]:
    return (origin.project, origin.domain, origin.reference, origin.context)


def sorted_origins(origins: Iterable[Origin]) -> tuple[Origin, ...]:
    """Origins deduplicated and in their one stable order."""
    if isinstance(origins, (tuple, list)) and len(origins) < 2:
        return tuple(origins)  # most units have one origin or none: nothing to sort
    return tuple(sorted(set(origins), key=origin_key))


@dataclass(frozen=True, slots=True)
class TranslationUnit:
    """One approved translation."""

    source: str
    """Source text as written (inline Markdown kept)."""
    target: str
    source_locale: str
    target_locale: str
    origins: tuple[Origin, ...] = ()
    """Every place the pair is current in, sorted; empty for a unit imported without provenance
    or one superseded everywhere it was seen."""
    first_seen: str = ""
    """When the pair first appeared approved: the earliest PO-Revision-Date of a catalogue it was
    harvested from, or the TMX date of an imported unit (``YYYYMMDDThhmmssZ``); empty if unknown,
    which ranks as older than any date."""
    superseded: tuple[Origin, ...] = ()
    """Places where another translation of the same source replaced this one, sorted; never in a
    domain the unit is current in."""

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity: one unit per target locale, normalized source and target."""
        return (self.target_locale, normalize(self.source), normalize(self.target))

    @property
    def status(self) -> str:
        """:data:`CURRENT`, :data:`SUPERSEDED` or :data:`ARCHIVED` (see each)."""
        if self.origins:
            return CURRENT
        return SUPERSEDED if self.superseded else ARCHIVED


@dataclass(frozen=True, slots=True)
class EntryState:
    """What one catalogue entry holds now, approved or awaiting review: the input of supersession.

    A harvested catalogue says, for each of its entries, which translation of the entry's source
    it holds in its domain; every *other* translation the memory knows in that domain is then
    superseded there.
    """

    target_locale: str
    domain: str
    source: str
    target: str
    project: str = ""
    """The project the catalogue belongs to, if not this one (see :attr:`Origin.place`)."""

    @property
    def place(self) -> tuple[str, str]:
        return (self.project, self.domain)
