"""Keeping every locale's catalogues in step with the sources: ``init`` and ``update``.

Principles:

- Read and check everything first, write afterwards: a malformed ``.po`` anywhere stops the
  run before any file is touched, so bad input never leaves a project half-updated.
- A locale's catalogue for a new article is created on the next ``update``, with the same
  header ``init`` writes, so adding an article needs no per-locale step.
- ``init`` never overwrites: an existing catalogue is the translator's, and ``update`` is the
  command that changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .catalogs import Catalog, Message, format_po, read_po
from .config import Config
from .errors import LocaleError
from .extract import GENERATOR, extract_project, now_stamp, write_templates
from .files import write_atomic
from .locales import locale_info, normalize_locale
from .merge import MergeSummary, Suggest, merge_catalog


@dataclass(frozen=True, slots=True)
class LocaleDomainResult:
    """What ``init`` or ``update`` did to one catalogue."""

    locale: str
    domain: str
    path: Path
    summary: MergeSummary
    created: bool = False
    """The catalogue did not exist before this run."""
    written: bool = False
    """Its bytes changed on disk."""


def po_path(config: Config, locale: str, domain: str) -> Path:
    return config.locale_dir / locale / "LC_MESSAGES" / f"{domain}.po"


def locale_header(config: Config, locale: str, domain: str, template: Catalog) -> Message:
    """The header of a new catalogue: Language and Plural-Forms from Babel, the team, UTF-8."""
    info = locale_info(locale)
    fields = {
        "Project-Id-Version": f"{config.project_name} {domain}",
        "Report-Msgid-Bugs-To": config.bugs_address,
        "POT-Creation-Date": template.header_fields.get("POT-Creation-Date", now_stamp()),
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": config.team,
        "Language-Team": f"{info.english_name} <{_address(config.team)}>",
        "Language": info.code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": info.plural_forms,
        "X-Generator": GENERATOR,
    }
    comments = (f"{info.english_name} translation of the {domain!r} domain of {config.project_name}.",)
    return Catalog(header=Message("", translator_comments=comments)).with_header_fields(fields).header


def _address(team: str) -> str:
    start, end = team.find("<"), team.rfind(">")
    return team[start + 1 : end] if 0 <= start < end else team


def empty_catalog(config: Config, locale: str, domain: str, template: Catalog) -> Catalog:
    """A new catalogue for ``locale`` before its first merge: just the header."""
    path = po_path(config, locale, domain)
    return Catalog(header=locale_header(config, locale, domain, template), path=path)


def init_locale(config: Config, code: str) -> list[LocaleDomainResult]:
    """Create the catalogues of a new locale; existing ones are left alone."""
    locale = normalize_locale(code)
    if locale == config.source_locale:
        raise LocaleError(f"{locale!r} is the source language; its text is the sources themselves")
    templates, finished = extract_project(config)
    write_templates(config, finished)
    results = []
    for template in templates:
        path = po_path(config, locale, template.domain)
        if path.exists():
            results.append(LocaleDomainResult(locale, template.domain, path, MergeSummary()))
            continue
        pot = finished[template.path]
        catalog, summary = merge_catalog(empty_catalog(config, locale, template.domain, pot), pot)
        written = write_atomic(path, format_po(catalog))
        results.append(LocaleDomainResult(locale, template.domain, path, summary, created=True, written=written))
    return results


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """Everything ``update`` would write, computed without writing: ``check`` compares it to disk."""

    templates: dict[Path, Catalog]
    """The finished templates by path (``locale/<domain>.pot``)."""
    catalogs: tuple[tuple[LocaleDomainResult, Catalog], ...]
    """Each locale's merged catalogue, with what the merge did."""

    def outputs(self) -> list[tuple[Path, str]]:
        """Every file the plan writes, with its new content."""
        files = [(path, format_po(catalog)) for path, catalog in self.templates.items()]
        return files + [(result.path, format_po(catalog)) for result, catalog in self.catalogs]


def plan_update(
    config: Config,
    locales: list[str] | None = None,
    suggest_for: dict[str, Suggest] | None = None,
) -> UpdatePlan:
    """Read and merge everything ``update`` touches; raises on bad input before anything is written.

    ``suggest_for`` maps a locale to a source of suggestions (the translation memory) for
    messages the old catalogue cannot fill.
    """
    codes = [normalize_locale(code) for code in locales] if locales else list(config.target_locales())
    for code in codes:
        if not (config.locale_dir / code / "LC_MESSAGES").is_dir():
            raise LocaleError(f"locale {code!r} has no catalogues yet: run 'translatio init {code}' first")
    templates, finished = extract_project(config)
    olds: dict[tuple[str, str], Catalog | None] = {}
    for code in codes:
        for template in templates:
            path = po_path(config, code, template.domain)
            olds[code, template.domain] = read_po(path) if path.exists() else None

    plans: list[tuple[LocaleDomainResult, Catalog]] = []
    for code in codes:
        suggest = (suggest_for or {}).get(code)
        for template in templates:
            path = po_path(config, code, template.domain)
            old = olds[code, template.domain]
            pot = finished[template.path]
            base = old if old is not None else empty_catalog(config, code, template.domain, pot)
            merged, summary = merge_catalog(base, pot, config.fuzzy_threshold, suggest)
            plans.append((LocaleDomainResult(code, template.domain, path, summary, created=old is None), merged))
    return UpdatePlan(finished, tuple(plans))


def update_locales(
    config: Config,
    locales: list[str] | None = None,
    suggest_for: dict[str, Suggest] | None = None,
) -> list[LocaleDomainResult]:
    """Extract, then merge every template into every catalogue of the given (or all) locales."""
    plan = plan_update(config, locales, suggest_for)
    write_templates(config, plan.templates)
    results = []
    for result, catalog in plan.catalogs:
        written = write_atomic(result.path, format_po(catalog))
        results.append(replace(result, written=written))
    return results
