"""Completeness figures per locale and domain: one code path for ``stats``, ``check`` and ``build``.

Counting follows gettext and Translate Toolkit's ``pocount``: a message is *translated* when every
form has a translation and it is not fuzzy, *fuzzy* when it carries the flag, *untranslated*
otherwise; obsolete entries are counted apart and never in the total. A translated message is
also *reviewed* when it carries a valid approval (:mod:`pipeline.approval`): reviewed is a part of
translated, counted beside it, not a fourth state. Words are counted in the
source text, the way translation is priced, with Markdown link targets left out (a URL is not
translated) and each CJK character counted as a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .approval import is_reviewed
from .catalogs import Catalog, Message, read_po
from .config import Config
from .locales import normalize_locale
from .required import without_link_targets

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


def word_count(text: str) -> int:
    """Words of a source text: link targets skipped, CJK characters one word each."""
    text = without_link_targets(text)
    cjk = len(_CJK.findall(text))
    return cjk + len(_WORD.findall(_CJK.sub(" ", text)))


@dataclass(frozen=True, slots=True)
class Counts:
    """A number of messages and the words of their source text."""

    messages: int = 0
    words: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.messages + other.messages, self.words + other.words)


@dataclass(frozen=True, slots=True)
class CatalogStats:
    """Completeness of one catalogue (one locale, one domain)."""

    locale: str
    domain: str
    path: Path
    translated: Counts = Counts()
    fuzzy: Counts = Counts()
    untranslated: Counts = Counts()
    obsolete: Counts = Counts()
    reviewed: Counts = Counts()
    """The translated messages that carry a valid approval (a part of ``translated``)."""

    @property
    def total(self) -> Counts:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        """Share of messages translated; an empty catalogue is complete."""
        return 100.0 * self.translated.messages / self.total.messages if self.total.messages else 100.0

    @property
    def word_percent(self) -> float:
        return 100.0 * self.translated.words / self.total.words if self.total.words else 100.0

    @property
    def reviewed_percent(self) -> float:
        """Share of messages translated and reviewed; an empty catalogue is complete."""
        return 100.0 * self.reviewed.messages / self.total.messages if self.total.messages else 100.0

    @property
    def reviewed_word_percent(self) -> float:
        return 100.0 * self.reviewed.words / self.total.words if self.total.words else 100.0

    def __add__(self, other: CatalogStats) -> CatalogStats:
        """Totals over several catalogues (the domain becomes ``*``)."""
        return CatalogStats(
            self.locale,
            "*",
            self.path,
            self.translated + other.translated,
            self.fuzzy + other.fuzzy,
            self.untranslated + other.untranslated,
            self.obsolete + other.obsolete,
            self.reviewed + other.reviewed,
        )

    def as_dict(self) -> dict[str, object]:
        def pair(counts: Counts) -> dict[str, int]:
            return {"messages": counts.messages, "words": counts.words}

        return {
            "locale": self.locale,
            "domain": self.domain,
            "translated": pair(self.translated),
            "fuzzy": pair(self.fuzzy),
            "untranslated": pair(self.untranslated),
            "obsolete": pair(self.obsolete),
            "total": pair(self.total),
            "percent": round(self.percent, 2),
            "word_percent": round(self.word_percent, 2),
            "reviewed": pair(self.reviewed),
            "reviewed_percent": round(self.reviewed_percent, 2),
            "reviewed_word_percent": round(self.reviewed_word_percent, 2),
        }


def message_state(message: Message) -> str:
    """``translated``, ``fuzzy``, ``untranslated`` or ``obsolete``."""
    if message.obsolete:
        return "obsolete"
    if message.fuzzy:
        return "fuzzy"
    return "translated" if message.translated else "untranslated"


def catalog_stats(catalog: Catalog, locale: str, domain: str) -> CatalogStats:
    counts = {"translated": Counts(), "fuzzy": Counts(), "untranslated": Counts(), "obsolete": Counts(), "reviewed": Counts()}
    for message in catalog.messages:
        state = message_state(message)
        words = Counts(1, word_count(message.msgid))
        counts[state] = counts[state] + words
        if state == "translated" and is_reviewed(message):
            counts["reviewed"] = counts["reviewed"] + words
    return CatalogStats(locale, domain, catalog.path or Path(), **counts)


def project_stats(config: Config, locales: list[str] | None = None) -> list[CatalogStats]:
    """Figures for every catalogue of the given (or all) locales, sorted by locale and domain."""
    config.folder("locale_dir")
    codes = [normalize_locale(c) for c in locales] if locales else list(config.target_locales())
    found = []
    for code in codes:
        folder = config.locale_dir / code / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")):
            found.append(catalog_stats(read_po(path), code, path.stem))
    return found
