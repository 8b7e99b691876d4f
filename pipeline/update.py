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

from dataclasses import dataclass, field, replace
from pathlib import Path

from .catalogs import Catalog, Message, format_po, plural_forms, read_po
from .config import Config
from .errors import LocaleError
from .extract import GENERATOR, Extraction, extract_project, now_stamp, write_templates
from .files import write_atomic
from .locales import locale_info, normalize_locale
from .memory.project import file_signature, harvest_into, record_files, memory_lock, memory_suggester, open_memory, tmx_path
from .memory.store import SQLiteMemory
from .memory.tmx import format_tmx
from .merge import MergeSummary, merge_catalog
from .parallel import parallel_map
from .plurals.expression import PluralRule
from .plurals.rules import identify, standard_rule


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


def locale_header(config: Config, locale: str, domain: str, template: Catalog, rule: PluralRule | None = None) -> Message:
    """The header of a new catalogue: Language from Babel, the plural rule (by default the
    configured scheme's, from the project's own table), the team, UTF-8."""
    info = locale_info(locale)
    if rule is None:
        rule = standard_rule(locale, config.plural_rules_for(locale)).rule
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
        "Plural-Forms": rule.header,
        "X-Generator": GENERATOR,
    }
    comments = (f"{info.english_name} translation of the {domain!r} domain of {config.project_name}.",)
    return Catalog(header=Message("", translator_comments=comments)).with_header_fields(fields).header


def _address(team: str) -> str:
    start, end = team.find("<"), team.rfind(">")
    return team[start + 1 : end] if 0 <= start < end else team


def empty_catalog(config: Config, locale: str, domain: str, template: Catalog, rule: PluralRule | None = None) -> Catalog:
    """A new catalogue for ``locale`` before its first merge: just the header."""
    path = po_path(config, locale, domain)
    return Catalog(header=locale_header(config, locale, domain, template, rule), path=path)


def sibling_rule(catalogs: list[Catalog], locale: str) -> PluralRule | None:
    """The plural rule a locale's existing catalogues share, if they agree on a sound known one:
    a new article's catalogue follows its locale (after ``translatio plurals``, say), not the
    configured default."""
    rules = [rule for catalog in catalogs if (rule := plural_forms(catalog)) is not None]
    if not rules or any(not rule.equivalent(rules[0]) for rule in rules[1:]):
        return None
    known = identify(locale, rules[0])
    return rules[0] if known is not None and known.defect is None else None


def init_locale(config: Config, code: str) -> list[LocaleDomainResult]:
    """Create the catalogues of a new locale; existing ones are left alone."""
    locale = normalize_locale(code)
    if locale == config.source_locale:
        raise LocaleError(f"{locale!r} is the source language; its text is the sources themselves")
    extraction = extract_project(config)
    write_templates(config, extraction.texts)
    templates, finished = extraction.templates, extraction.catalogs
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

    extraction: Extraction
    """The finished templates, formatted."""
    catalogs: tuple[tuple[LocaleDomainResult, Catalog], ...]
    """Each locale's merged catalogue, with what the merge did."""
    texts: tuple[str, ...]
    """The merged catalogues' file contents, in the same order."""
    memory_files: dict[Path, str] = field(default_factory=dict)
    """TMX files of the locales whose memory gained or changed units in this update."""

    def outputs(self) -> list[tuple[Path, str]]:
        """Every file the plan writes, with its new content."""
        files = list(self.extraction.texts.items())
        files += [(result.path, text) for (result, _), text in zip(self.catalogs, self.texts)]
        return files + sorted(self.memory_files.items())


@dataclass(frozen=True, slots=True)
class UpdateInputs:
    """Everything ``update`` reads, read and checked: bad input fails here, before any write."""

    codes: tuple[str, ...]
    extraction: Extraction
    olds: dict[tuple[str, str], Catalog | None]
    """Each locale's current catalogue per domain (``None`` where it does not exist yet)."""


def read_inputs(config: Config, locales: list[str] | None = None) -> UpdateInputs:
    codes = [normalize_locale(code) for code in locales] if locales else list(config.target_locales())
    for code in codes:
        if not (config.locale_dir / code / "LC_MESSAGES").is_dir():
            raise LocaleError(f"locale {code!r} has no catalogues yet: run 'translatio init {code}' first")
    extraction = extract_project(config)
    wanted = [(code, t.domain, po_path(config, code, t.domain)) for code in codes for t in extraction.templates]
    present = [path for _, _, path in wanted if path.exists()]
    read = dict(zip(present, parallel_map(read_po, present)))
    olds = {(code, domain): read.get(path) for code, domain, path in wanted}
    return UpdateInputs(tuple(codes), extraction, olds)


def plan_update(
    config: Config, locales: list[str] | None = None, memory: SQLiteMemory | None = None, inputs: UpdateInputs | None = None
) -> UpdatePlan:
    """Merge everything ``update`` touches, in memory; raises on bad input before anything is written.

    With a ``memory`` (inside the caller's transaction): the current catalogues are harvested
    first, so that messages the old catalogue cannot fill are pre-filled from every approved
    translation; then the merged catalogues that differ from the files are harvested too, so
    that the memory ends as the catalogues do. A catalogue whose file is as the last update
    wrote it is not harvested again: its translations are in the memory already. The memory
    therefore ends the same whether its index was just rebuilt (a fresh clone, CI) or not.
    """
    if inputs is None:
        inputs = read_inputs(config, locales)
    codes, olds = inputs.codes, inputs.olds
    templates, finished = inputs.extraction.templates, inputs.extraction.catalogs

    touched: set[str] = set()
    if memory is not None:
        edited = [
            (old, code, domain)
            for (code, domain), old in olds.items()
            if old is not None and memory.harvested(config.relative(po_path(config, code, domain))) != file_signature(po_path(config, code, domain))
        ]
        touched |= harvest_into(memory, edited, config.source_locale)

    plans: list[tuple[LocaleDomainResult, Catalog]] = []
    for code in codes:
        for template in templates:
            suggest = memory_suggester(memory, code, template.domain, config.tm_threshold) if memory is not None else None
            path = po_path(config, code, template.domain)
            old = olds[code, template.domain]
            pot = finished[template.path]
            if old is None:
                siblings = [c for (c_code, _), c in olds.items() if c_code == code and c is not None]
                base = empty_catalog(config, code, template.domain, pot, sibling_rule(siblings, code))
            else:
                base = old
            merged, summary = merge_catalog(base, pot, config.fuzzy_threshold, suggest)
            plans.append((LocaleDomainResult(code, template.domain, path, summary, created=old is None), merged))
    texts = tuple(parallel_map(format_po, [catalog for _, catalog in plans]))

    memory_files: dict[Path, str] = {}
    if memory is not None:
        changed = [
            (catalog, result.locale, result.domain)
            for (result, catalog), text in zip(plans, texts)
            if not _same_file(result.path, text)
        ]
        touched |= harvest_into(memory, changed, config.source_locale)
        for code in sorted(touched):
            memory_files[tmx_path(config, code)] = format_tmx(memory.iterate(code), config.source_locale)
    return UpdatePlan(inputs.extraction, tuple(plans), texts, memory_files)


def _same_file(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except FileNotFoundError:
        return False


def update_locales(config: Config, locales: list[str] | None = None, use_memory: bool = True) -> list[LocaleDomainResult]:
    """Extract, harvest the memory, then merge every template into every catalogue."""
    with memory_lock(config):
        inputs = read_inputs(config, locales)  # bad input fails here: nothing written, not even the index
        if not use_memory:
            return _apply(config, plan_update(config, inputs=inputs))
        memory = open_memory(config)
        try:
            with memory.pending():
                plan = plan_update(config, memory=memory, inputs=inputs)
                results = _apply(config, plan, memory)
                if plan.memory_files:
                    record_files(memory, config)
                memory.commit()
        finally:
            memory.close()
    return results


def _apply(config: Config, plan: UpdatePlan, memory: SQLiteMemory | None = None) -> list[LocaleDomainResult]:
    write_templates(config, plan.extraction.texts)
    results = []
    for (result, _), text in zip(plan.catalogs, plan.texts):
        results.append(replace(result, written=write_atomic(result.path, text)))
        if memory is not None:  # everything approved in it is in the memory now
            memory.set_harvested(config.relative(result.path), file_signature(result.path))
    for path, content in plan.memory_files.items():
        write_atomic(path, content)
    return results
