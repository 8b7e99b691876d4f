"""``translatio analyze``: the leverage report publishers price translation with.

For the current sources and each target locale, every segment occurrence is put in one band —
its first occurrence by its best memory match (101%, 100%, 95–99, 85–94, 75–84, no match), any
later occurrence of the same text in the project as a *repetition* (translated once, reused) —
and the band's words and segments are summed, as CAT tools' analysis reports do. Words are
counted in the source, as :func:`pipeline.stats.word_count` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Config
from ..extract import extract_project
from ..locales import normalize_locale
from ..stats import word_count
from .matching import MemoryQuery, context_digest, lookup
from .store import MemoryBackend
from .units import normalize

BANDS = ("101%", "100%", "95-99%", "85-94%", "75-84%", "no match", "repetitions")


def band_of(score: int | None) -> str:
    if score is None:
        return "no match"
    if score >= 101:
        return "101%"
    if score >= 100:
        return "100%"
    for low, name in ((95, "95-99%"), (85, "85-94%"), (75, "75-84%")):
        if score >= low:
            return name
    return "no match"


@dataclass(slots=True)
class BandFigures:
    segments: int = 0
    words: int = 0


@dataclass(slots=True)
class LocaleAnalysis:
    """The bands of one target locale."""

    locale: str
    bands: dict[str, BandFigures] = field(default_factory=lambda: {name: BandFigures() for name in BANDS})

    @property
    def total(self) -> BandFigures:
        return BandFigures(sum(b.segments for b in self.bands.values()), sum(b.words for b in self.bands.values()))

    def as_dict(self) -> dict[str, object]:
        return {
            "locale": self.locale,
            "bands": {name: {"segments": b.segments, "words": b.words} for name, b in self.bands.items()},
            "total": {"segments": self.total.segments, "words": self.total.words},
        }


def analyze(
    config: Config, memory: MemoryBackend, locales: list[str] | None = None, domains: list[str] | None = None
) -> list[LocaleAnalysis]:
    """Leverage of the memory for the project's current sources (or some domains), per locale."""
    codes = [normalize_locale(c) for c in locales] if locales else list(config.target_locales())
    extraction = extract_project(config)
    templates, finished = extraction.templates, extraction.catalogs
    occurrences: list[tuple[str, str, str, str]] = []  # (text, domain, reference, context)
    for template in templates:
        if domains and template.domain not in domains:
            continue
        active = finished[template.path].active
        for index, message in enumerate(active):
            before = active[index - 1].msgid if index else ""
            after = active[index + 1].msgid if index + 1 < len(active) else ""
            for reference in message.references or ("",):
                occurrences.append((message.msgid, template.domain, reference, context_digest(before, after)))
    results = []
    for code in codes:
        analysis = LocaleAnalysis(code)
        seen: set[str] = set()
        for text, domain, reference, context in occurrences:
            words = word_count(text)
            key = normalize(text)
            if key in seen:
                band = "repetitions"
            else:
                seen.add(key)
                matches = lookup(memory, MemoryQuery(text, code, domain, reference, context), 75, 1)
                band = band_of(matches[0].score if matches else None)
            figures = analysis.bands[band]
            figures.segments += 1
            figures.words += words
        results.append(analysis)
    return results
