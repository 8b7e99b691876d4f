"""The registry of quality checks: one function per check, registered by id with a severity.

A check receives one translated entry (:class:`EntryContext`) and yields one message per problem;
a catalogue check with a function receives a whole catalogue (:class:`CatalogueContext`) and
yields ``(entry, message)`` pairs — for what an entry check cannot see, such as an approval
that no longer matches a fuzzy entry.
Its title is the first paragraph of its docstring (shown in reports and SARIF rules), like Translate
Toolkit's check decorators. The registry is a plain dict that a run copies and filters per
locale and per entry, so switching a check off never changes the registry itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..catalogs import Catalog, Message
from ..glossary import GlossaryEntry
from ..locales import LocaleInfo
from .findings import Severity


@dataclass(frozen=True, slots=True)
class EntryContext:
    """One translated entry as a quality check sees it.

    ``message`` is the entry as its text: its line, references and extracted comments are left
    out, so that what a check finds holds wherever the same text recurs — the runner checks an
    entry text once per locale and reports what it found at each of its places."""

    message: Message
    source: str
    """The source text this translation form is for (msgid, or msgid_plural for plural forms)."""
    translation: str
    locale: LocaleInfo
    markup: str
    """``markdown`` for article catalogues, ``format`` for the templates' strings (``ui``)."""
    glossary: tuple[GlossaryEntry, ...]
    """The enforced glossary entries of this locale."""


EntryCheck = Callable[[EntryContext], Iterable[str]]


@dataclass(frozen=True, slots=True)
class CatalogueContext:
    """One catalogue of one locale, as a catalogue check sees it."""

    catalog: Catalog
    locale: LocaleInfo


CatalogueCheck = Callable[[CatalogueContext], Iterable[tuple[Message, str]]]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    id: str
    severity: Severity
    title: str
    """What the check looks for, in a sentence (its docstring's first line)."""
    function: EntryCheck | None
    """``None`` for the checks of whole catalogues (freshness, syntax…), run by the runner."""
    catalogue: CatalogueCheck | None = None
    """For a catalogue check the runner does not perform itself: its function."""


REGISTRY: dict[str, CheckInfo] = {}


def check(id: str, severity: Severity) -> Callable[[EntryCheck], EntryCheck]:
    """Register an entry check under ``id``."""

    def register(function: EntryCheck) -> EntryCheck:
        title = " ".join((function.__doc__ or id).strip().split("\n\n")[0].split())
        REGISTRY[id] = CheckInfo(id, severity, title, function)
        return function

    return register


def catalogue_check(id: str, severity: Severity, title: str, function: CatalogueCheck | None = None) -> None:
    """Register a check of whole catalogues, so reports can describe it; with ``function``, the
    runner calls it on every catalogue (without, the runner performs the check itself)."""
    REGISTRY[id] = CheckInfo(id, severity, title, None, function)


def catalogue_functions() -> dict[str, CatalogueCheck]:
    """The catalogue checks that come with a function, by id."""
    return {k: v.catalogue for k, v in REGISTRY.items() if v.catalogue is not None}


def entry_checks(ignored: Iterable[str] = ()) -> dict[str, CheckInfo]:
    """A copy of the entry checks without the ``ignored`` ones."""
    skip = set(ignored)
    return {k: v for k, v in REGISTRY.items() if v.function is not None and k not in skip}
