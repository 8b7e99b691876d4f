"""Concordance search: every unit whose text contains a phrase or words, whatever its similarity.

A translator asking how "habit-forming" was translated before wants every unit that has it,
not the units most similar overall. Principles:

- A term matches whole words, case-insensitively, in the normalized text (NFC, single spaces):
  "form" does not find "forming", "Habit-Forming" finds "habit-forming". By default the text
  is one phrase (its words in that order); with ``words`` each word is a term of its own and
  every one must occur, in any order.
- Backends only select candidates (their indexes cannot see word boundaries or Unicode case);
  :meth:`ConcordanceQuery.matches` decides, so every backend answers alike.
- Results are in one stable order: shorter texts first (the most telling contexts), then by text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .units import TranslationUnit, normalize

SOURCE = "source"
TARGET = "target"


@dataclass(frozen=True, slots=True)
class ConcordanceQuery:
    """What to look for: terms that must all occur as whole words."""

    terms: tuple[str, ...]
    """Normalized, lower-cased phrases (one for a phrase search, one per word otherwise)."""
    field: str = SOURCE
    """Search the unit's source text (:data:`SOURCE`) or its translation (:data:`TARGET`)."""

    def patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, term.split(" "))) + r"(?!\w)", re.IGNORECASE) for term in self.terms]

    def text_of(self, unit: TranslationUnit) -> str:
        return normalize(unit.target if self.field == TARGET else unit.source)

    def matches(self, text: str) -> bool:
        """Whether a normalized text holds every term."""
        return all(pattern.search(text) for pattern in self.patterns())

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the terms occur in ``text``, sorted and merged: what a terminal highlights."""
        found = sorted(m.span() for pattern in self.patterns() for m in pattern.finditer(text))
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def like_patterns(self) -> list[str]:
        """One SQL ``LIKE … ESCAPE '\\'`` pattern per term that selects a superset of the matches:
        ``%``, ``_`` and ``\\`` escaped, every non-ASCII character a ``_`` wildcard (SQL's case
        folding is ASCII-only in SQLite and under the C collation)."""
        out = []
        for term in self.terms:
            escaped = "".join(("\\" + c) if c in "%_\\" else c if c.isascii() else "_" for c in term)
            out.append(f"%{escaped}%")
        return out


def concordance_query(text: str, field: str = SOURCE, words: bool = False) -> ConcordanceQuery:
    """The query for ``text``: one phrase, or (``words``) each of its words."""
    phrase = normalize(text).lower()
    terms = tuple(dict.fromkeys(phrase.split(" "))) if words else (phrase,)
    return ConcordanceQuery(tuple(t for t in terms if t), field)


def ordered(units: list[TranslationUnit], query: ConcordanceQuery) -> list[TranslationUnit]:
    """Shorter texts first, then by text: the same order from every backend."""
    return sorted(units, key=lambda u: (len(query.text_of(u)), query.text_of(u), normalize(u.target), u.target_locale))
