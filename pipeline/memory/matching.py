"""Matching a text against the memory: exact, in-context, fuzzy — and risk-aware.

Scores follow CAT-tool conventions:

- **101** — in-context exact: the same source (after NFC and whitespace normalization) seen with
  the same neighbouring segments, or in the same domain at the same reference (of this project:
  in a shared memory another project's ``source/intro.md:3`` is another place);
- **100** — exact: the same source elsewhere;
- **fuzzy**, below 100 — rapidfuzz's edit-distance ratio on the normalized texts, inline
  Markdown included (a suggestion's links are visible and count), then *penalized* when the
  texts differ in a number or a negation ("not", "no", "never", "without"…): in medical text
  "take 5 mg" and "take 10 mg", or "do not take" and "do take", differ in what matters most,
  whatever the edit distance says. The match says what differs ("number: 5 → 10").

A unit whose target is empty, fuzzy or in another locale is never stored, so never offered.

A match names where it comes from: this project's domains by name (``valium``), another
project's in a shared memory with its project (``other-site/valium``).

Which translation of an exact source is offered, and how (the memory keeps them all):

- A **superseded** translation — replaced by another in every catalogue entry it was used in —
  is never offered, exact or fuzzy: a corrected mistranslation does not come back.
- **Current** translations (used in a catalogue entry and not replaced there) come first;
  **archived** ones (imported without provenance, or from obsolete entries) are offered only
  when no current one exists: the project's own usage outranks its archive.
- Exactly one translation offered: an exact match (101 in context, 100). Several: none of them
  is an exact match — the memory cannot know which is right — so each scores
  :data:`AMBIGUOUS_SCORE` (as CAT tools' "multiple translations" penalty does) and the first,
  in order of preference, is offered as a fuzzy suggestion naming the others. Preference: in
  context first, then the most recent (``first_seen``; an undated one counts as older than any
  date), then the normalized target text, so the choice is the same on every machine.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from .store import MemoryBackend
from .units import ARCHIVED, CURRENT, SUPERSEDED, TranslationUnit, normalize

RISK_PENALTY = 10
"""Points taken off a fuzzy score for each kind of risky difference (numbers, negation)."""
AMBIGUOUS_SCORE = 99
"""The score of an exact source that has several translations on offer: a choice, not a match."""
_STATUS_RANK = {CURRENT: 0, ARCHIVED: 1, SUPERSEDED: 2}
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
    alternatives: tuple[TranslationUnit, ...] = ()
    """For an exact source with several translations on offer: the others, in order of preference."""
    withheld: int = 0
    """How many other translations of the exact source are known but not offered (superseded,
    or archived while a current one exists)."""

    @property
    def exact(self) -> bool:
        return self.score >= 100

    def describe(self) -> str:
        """One line for a comment: ``translation memory: 87% match (number: 5 → 10) from valium``."""
        if self.alternatives:
            count = len(self.alternatives) + 1
            return (f"translation memory: {count} {self.unit.status} translations of this exact text; "
                    f"the one from {_where(self.unit)} ({_date(self.unit)}) is filled in, fuzzy: choose one")  # fmt: skip
        kind = "in-context exact match" if self.score == 101 else "exact match" if self.score == 100 else f"{self.score}% match"
        risk = f" ({'; '.join(self.differences)})" if self.differences else ""
        withheld = f"; {self.withheld} other translation{'s' if self.withheld > 1 else ''} withheld (superseded or archived)" if self.withheld else ""
        return f"translation memory: {kind}{risk} from {_where(self.unit)}{withheld}"

    def comments(self) -> tuple[str, ...]:
        """The comment lines a pre-filled entry gets: :meth:`describe`, then one per alternative."""
        others = tuple(
            f"translation memory: alternative from {_where(u)} ({_date(u)}): {normalize(u.target)}" for u in self.alternatives
        )
        return (self.describe(), *others)


NAMED_PLACES = 3
"""At most this many places named where a comment says where a match came from: a sentence used
in a thousand articles would otherwise put a line of thousands of characters in every
catalogue it fills (``tm search --format json`` lists every origin)."""


def _where(unit: TranslationUnit) -> str:
    names = sorted({o.named() for o in unit.origins})
    if len(names) > NAMED_PLACES:
        return f"{', '.join(names[:NAMED_PLACES])} and {len(names) - NAMED_PLACES} more"
    return ", ".join(names) or "an imported memory"


def _date(unit: TranslationUnit) -> str:
    """``2026-05-02`` from a TMX date, or ``undated``."""
    d = unit.first_seen
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}" if len(d) >= 8 else "undated"


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
        if query.reference and not origin.project and origin.domain == query.domain and origin.reference == query.reference:
            return True
    return False


def preferred(units: list[TranslationUnit], query: MemoryQuery) -> list[TranslationUnit]:
    """Translations in order of preference: in context, most recent (undated last), target text."""
    ordered = sorted(units, key=lambda u: (normalize(u.target), u.target))
    ordered.sort(key=lambda u: u.first_seen, reverse=True)  # stable: ties keep the text order
    ordered.sort(key=lambda u: not _in_context(u, query))
    return ordered


def lookup(
    memory: MemoryBackend, query: MemoryQuery, min_score: float = 75, limit: int = 5, *, withheld: bool = False
) -> list[MemoryMatch]:
    """The best matches for ``query``, best first: exact ones (101, 100, or 99 each when there
    is a choice), then penalized fuzzy ones.

    With ``withheld`` (``tm search``), the translations the memory knows but does not offer —
    superseded ones, archived ones where a current one exists — are listed too, after the
    offered exact ones, and superseded fuzzy ones among the fuzzy; each says its status.
    """
    exact = memory.lookup_exact(query.text, query.target_locale)
    exact_sources = {normalize(unit.source) for unit in exact}
    offer = [u for u in exact if u.status == CURRENT] or [u for u in exact if u.status == ARCHIVED]
    kept_back = [u for u in exact if u not in offer]
    matches: list[MemoryMatch] = []
    ordered = preferred(offer, query)
    for unit in ordered:
        if len(ordered) == 1:
            matches.append(MemoryMatch(unit, 101 if _in_context(unit, query) else 100, 100.0, withheld=len(kept_back)))
        else:
            others = tuple(u for u in ordered if u is not unit)
            matches.append(MemoryMatch(unit, AMBIGUOUS_SCORE, 100.0, alternatives=others, withheld=len(kept_back)))
    if withheld:
        for unit in sorted(preferred(kept_back, query), key=lambda u: _STATUS_RANK[u.status]):
            matches.append(MemoryMatch(unit, 101 if _in_context(unit, query) else 100, 100.0))
    if len(matches) < limit and min_score < 100:
        fuzzy: list[MemoryMatch] = []
        for candidate in memory.lookup_fuzzy(query.text, query.target_locale, min_score, limit + len(exact) + 10):
            unit = candidate.unit
            if normalize(unit.source) in exact_sources or (unit.status == SUPERSEDED and not withheld):
                continue
            differences = risk_differences(normalize(query.text), normalize(unit.source))
            score = min(99, int(candidate.similarity)) - RISK_PENALTY * len(differences)
            if score >= min_score:
                fuzzy.append(MemoryMatch(unit, score, candidate.similarity, differences))
        fuzzy.sort(key=lambda m: m.unit.target)
        fuzzy.sort(key=lambda m: m.unit.first_seen, reverse=True)  # most recent first among equals
        fuzzy.sort(key=lambda m: (-m.score, -m.similarity, _STATUS_RANK[m.unit.status], normalize(m.unit.source)))
        matches += fuzzy
    return matches[:limit]
