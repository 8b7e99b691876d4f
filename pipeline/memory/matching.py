"""Matching a text against the memory: exact, in-context, fuzzy — and risk-aware.

Scores follow CAT-tool conventions:

- **101** — in-context exact: the same source (after NFC and whitespace normalization) seen with
  the same neighbouring segments, or in the same domain at the same reference;
- **100** — exact: the same source elsewhere;
- **fuzzy**, below 100 — rapidfuzz's edit-distance ratio on the normalized texts, inline
  Markdown included (a suggestion's links are visible and count), then *penalized* when the
  texts differ in a number or a negation ("not", "no", "never", "without"…): in medical text
  "take 5 mg" and "take 10 mg", or "do not take" and "do take", differ in what matters most,
  whatever the edit distance says. The match says what differs ("number: 5 → 10").

A unit whose target is empty, fuzzy or in another locale is never stored, so never offered.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from .store import MemoryBackend
from .units import TranslationUnit, normalize

RISK_PENALTY = 10
"""Points taken off a fuzzy score for each kind of risky difference (numbers, negation)."""
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATIONS = frozenset(
    "not no never without none nor neither cannot nothing nobody nowhere don't doesn't didn't "
    "isn't aren't wasn't weren't won't wouldn't shouldn't can't couldn't mustn't".split()
)
_TOKEN = re.compile(r"[\w’']+")


def context_digest(previous: str, following: str) -> str:
    """A short, stable digest of a segment's neighbours, for in-context matches."""
    data = f"{normalize(previous)}\x1f{normalize(following)}".encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class MemoryQuery:
    """A text to translate and what we know about where it stands."""

    text: str
    target_locale: str
    domain: str = ""
    reference: str = ""
    context: str = ""
    """:func:`context_digest` of the neighbours, or empty."""


@dataclass(frozen=True, slots=True)
class MemoryMatch:
    """A unit offered for a query, with its score and what a translator must look at."""

    unit: TranslationUnit
    score: int
    """101 in-context, 100 exact, otherwise the penalized fuzzy score (≤ 99)."""
    similarity: float
    """The plain edit-distance ratio, before penalties."""
    differences: tuple[str, ...] = ()
    """Risky differences between the query and the unit's source, e.g. ``number: 5 → 10``."""

    @property
    def exact(self) -> bool:
        return self.score >= 100

    def describe(self) -> str:
        """One line for a comment: ``translation memory: 87% match (number: 5 → 10) from valium``."""
        kind = "in-context exact match" if self.score == 101 else "exact match" if self.score == 100 else f"{self.score}% match"
        where = ", ".join(sorted({o.domain for o in self.unit.origins})) or "an imported memory"
        risk = f" ({'; '.join(self.differences)})" if self.differences else ""
        return f"translation memory: {kind}{risk} from {where}"


def risk_differences(query: str, source: str) -> tuple[str, ...]:
    """Numbers and negations that differ between two source texts, as short phrases."""
    found = []
    ours, theirs = Counter(_NUMBER.findall(query)), Counter(_NUMBER.findall(source))
    if ours != theirs:
        gone, new = sorted((theirs - ours).elements()), sorted((ours - theirs).elements())
        found.append(f"number: {', '.join(gone) or '—'} → {', '.join(new) or '—'}")
    negations = lambda text: Counter(t for t in _TOKEN.findall(text.lower().replace("’", "'")) if t in _NEGATIONS)  # noqa: E731
    ours_neg, theirs_neg = negations(query), negations(source)
    if ours_neg != theirs_neg:
        gone, new = sorted((theirs_neg - ours_neg).elements()), sorted((ours_neg - theirs_neg).elements())
        parts = [f"'{w}' only in the memory" for w in gone] + [f"'{w}' only in the new text" for w in new]
        found.append(f"negation: {', '.join(parts)}")
    return tuple(found)


def _in_context(unit: TranslationUnit, query: MemoryQuery) -> bool:
    for origin in unit.origins:
        if query.context and origin.context == query.context:
            return True
        if query.reference and origin.domain == query.domain and origin.reference == query.reference:
            return True
    return False


def lookup(memory: MemoryBackend, query: MemoryQuery, min_score: float = 75, limit: int = 5) -> list[MemoryMatch]:
    """The best matches for ``query``, best first: exact ones (101, 100), then penalized fuzzy ones."""
    matches: list[MemoryMatch] = []
    exact_sources = set()
    for unit in memory.lookup_exact(query.text, query.target_locale):
        exact_sources.add(normalize(unit.source))
        matches.append(MemoryMatch(unit, 101 if _in_context(unit, query) else 100, 100.0))
    if len(matches) < limit and min_score < 100:
        for candidate in memory.lookup_fuzzy(query.text, query.target_locale, min_score, limit + len(exact_sources) + 5):
            if normalize(candidate.unit.source) in exact_sources:
                continue
            differences = risk_differences(normalize(query.text), normalize(candidate.unit.source))
            score = min(99, int(candidate.similarity)) - RISK_PENALTY * len(differences)
            if score >= min_score:
                matches.append(MemoryMatch(candidate.unit, score, candidate.similarity, differences))
    matches.sort(key=lambda m: (-m.score, -m.similarity, normalize(m.unit.source), m.unit.target))
    return matches[:limit]
