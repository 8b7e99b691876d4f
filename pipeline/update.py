"""Keeping every locale's catalogues in step with the sources: ``init`` and ``update``.

Principles:

- Read and check everything first, write afterwards: a malformed ``.po`` anywhere stops the
  run before any file is touched, so bad input never leaves a project half-updated.
- Write everything to temporary files first, then swap them in: a full disk stops the run
  before any file (or the memory) has changed.
- A translator's save is never lost. Each catalogue's state is recorded with the bytes read
  (:class:`~pipeline.files.FileState`) and it is replaced only while it still holds them. A
  catalogue saved while ``update`` ran (an editor's rename or an in-place write) is read again
  and merged again, its translations harvested into the memory, up to :data:`RETRIES` times;
  then the run stops with one line naming it, that file untouched.
- The memory ends as the catalogues do: its units are committed before the files are swapped
  in (a unit of a file that then changed is still an approved translation someone had), and a
  catalogue merged again is harvested again, its locale's TMX file rewritten.
- A locale's catalogue for a new article is created on the next ``update``, with the same
  header ``init`` writes, so adding an article needs no per-locale step.
- ``init`` never overwrites: an existing catalogue is the translator's, and ``update`` is the
  command that changes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import partial
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Callable, Iterable

from .cache import Cache, project_cache
from .catalogs import Catalog, Message, format_po, parse_po, plural_forms
from .config import Config
from .errors import CatalogError, ChangedError, InputError, LocaleError, OutputError
from .extract import GENERATOR, Extraction, Template, extract_project, now_stamp, remember_finished, stale_templates, write_templates
from .sources import Article
from .files import FileState, Staged, read_with_state, stage_many, stat_state, sync_staged, write_atomic
from .loading import parse_catalogs, remember_catalog
from .locales import locale_info, normalize_locale
from .memory.project import Harvest, file_signature, files_state, harvest, harvest_into, memory_lock, memory_suggester, open_memory, store_harvests, tmx_files, tmx_path
from .memory.store import MemoryBackend
from .memory.tmx import format_tmx
from .merge import MergeSummary, merge_catalog
from .progress import report
from .parallel import parallel_map, pool_size, streamed_map
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


@dataclass(frozen=True, slots=True)
class LocaleSummary:
    """What ``update`` did to one locale, all catalogues together: at a thousand articles one
    line per catalogue is a thousand lines per locale, so this is what is printed by default."""

    locale: str
    catalogues: int
    written: int
    created: int
    totals: MergeSummary
    touched: tuple[str, ...]
    """The domains whose catalogue the merge changed (new, changed, obsolete, revived or filled
    from memory), in the order they were merged."""


def summarize(results: list[LocaleDomainResult]) -> list[LocaleSummary]:
    """One :class:`LocaleSummary` per locale, in the order the locales were updated."""
    by_locale: dict[str, list[LocaleDomainResult]] = {}
    for result in results:
        by_locale.setdefault(result.locale, []).append(result)
    summaries = []
    for code, group in by_locale.items():
        totals = MergeSummary(**{name: sum(getattr(r.summary, name) for r in group) for name in MergeSummary.__slots__})
        touched = tuple(r.domain for r in group if r.summary.touched or r.created)
        summaries.append(LocaleSummary(code, len(group), sum(r.written for r in group), sum(r.created for r in group), totals, touched))
    return summaries


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
    with memory_lock(config):
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
            written = _write_new(path, format_po(catalog), "init")
            results.append(LocaleDomainResult(locale, template.domain, path, summary, created=True, written=written))
    return results


def _write_new(path: Path, text: str, command: str) -> bool:
    try:
        return write_atomic(path, text, expect=FileState.absent())
    except ChangedError as exc:
        raise ChangedError(path, command) from exc


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """Everything ``update`` would write, computed without writing: ``check`` compares it to disk."""

    extraction: Extraction
    """The finished templates, formatted."""
    results: tuple[LocaleDomainResult, ...]
    """What the merge did to each locale's catalogue of each domain (a file whose merge is a
    known fixed point, see :func:`_fixed_point_key`, is not even parsed)."""
    texts: tuple[str, ...]
    """The merged catalogues' file contents, in the same order."""
    memory_files: dict[Path, str] = field(default_factory=dict)
    """TMX files of the locales whose memory gained or changed units in this update."""

    def outputs(self) -> list[tuple[Path, str]]:
        """Every file the plan writes, with its new content."""
        files = list(self.extraction.texts.items())
        files += [(result.path, text) for result, text in zip(self.results, self.texts)]
        return files + sorted(self.memory_files.items())


@dataclass(frozen=True, slots=True)
class UpdateInputs:
    """Everything ``update`` reads, read and checked: bad input fails here, before any write."""

    codes: tuple[str, ...]
    extraction: Extraction
    olds: dict[tuple[str, str], Catalog | None]
    """Each locale's current catalogue per domain (``None`` where it does not exist yet), parsed
    on demand (:meth:`parse`): a catalogue whose merge is known to give the file back need not be
    parsed at all."""
    states: dict[Path, FileState] = field(default_factory=dict)
    """What each catalogue file was when read (absent ones too): replaced only while it still is."""
    data: dict[Path, bytes] = field(default_factory=dict)
    """The bytes each catalogue was read as (and is parsed from)."""
    merge_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    """Each (locale, domain)'s merge key, once computed (:func:`_known_merges`)."""

    def parse(self, config: Config, wanted: Iterable[tuple[str, str]]) -> None:
        """Parse the catalogues of ``wanted`` (locale, domain) not parsed yet, in one batch (cached
        by content, in workers when many); the first that does not parse raises."""
        keys = [key for key in dict.fromkeys(wanted) if key not in self.olds]
        if not keys:  # all parsed already: no empty batch through the cache
            return
        sources = [(po_path(config, *key), self.data[po_path(config, *key)]) for key in keys]
        for key, catalog in zip(keys, parse_catalogs(config, sources, store=False)):
            if isinstance(catalog, InputError):
                raise catalog
            self.olds[key] = catalog

    def exists(self, config: Config, code: str, domain: str) -> bool:
        return po_path(config, code, domain) in self.data


def read_catalogue(path: Path) -> tuple[Catalog | None, FileState]:
    """A catalogue and the state of the very bytes it was parsed from (``None`` if absent)."""
    data, state = read_catalogue_bytes(path)
    return (None if data is None else parse_po(data, path)), state


def read_inputs(config: Config, locales: list[str] | None = None, articles: tuple[list[Article], list[str]] | None = None) -> UpdateInputs:
    """What an update reads: templates extracted from the articles (``articles``: read already
    by the caller, with their keys), and the catalogues' bytes, parsed where a merge needs them."""
    codes = [normalize_locale(code) for code in locales] if locales else list(config.target_locales())
    for code in codes:
        if not (config.locale_dir / code / "LC_MESSAGES").is_dir():
            raise LocaleError(f"locale {code!r} has no catalogues yet: run 'translatio init {code}' first")
    extraction = extract_project(config, articles)
    wanted = [(code, t.domain, po_path(config, code, t.domain)) for code in codes for t in extraction.templates]
    paths = [path for _, _, path in wanted]
    states: dict[Path, FileState] = {}
    sources: dict[Path, bytes] = {}
    for path in paths:
        data, states[path] = read_catalogue_bytes(path)
        if data is not None:
            sources[path] = data
    olds: dict[tuple[str, str], Catalog | None] = {(code, domain): None for code, domain, path in wanted if path not in sources}
    inputs = UpdateInputs(tuple(codes), extraction, olds, states, sources)
    keys, known = _known_merges(config, inputs)  # bad input fails here, before the memory is even opened
    inputs.parse(config, [pair for pair, key in keys.items() if key not in known])
    return inputs


def _known_merges(config: Config, inputs: UpdateInputs) -> tuple[dict[tuple[str, str], str], dict[str, MergeSummary]]:
    """Each (locale, domain)'s merge key (computed once: it hashes the template's text), and the
    merges known to give their file back: such a file parsed before (same bytes, same code) and
    need not be parsed again."""
    cache = project_cache(config.root)
    keys = inputs.merge_keys
    if not keys:
        keys.update(
            ((code, template.domain), _merge_key(cache, config, inputs, code, template))
            for code in inputs.codes
            for template in inputs.extraction.templates
        )
    return keys, cache.get_many(key for key in keys.values() if key)


def read_catalogue_bytes(path: Path) -> tuple[bytes | None, FileState]:
    """A catalogue file's bytes (``None`` if absent) and the state they were read in."""
    try:
        return read_with_state(path)
    except OutputError as exc:
        raise CatalogError(path, None, str(exc).removeprefix(f"{path}: ")) from exc


def plan_update(
    config: Config, locales: list[str] | None = None, memory: MemoryBackend | None = None, inputs: UpdateInputs | None = None
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
    codes = inputs.codes
    templates = inputs.extraction.templates
    cache = project_cache(config.root)
    pairs = [(code, template) for code in codes for template in templates]
    keys, known = _known_merges(config, inputs)

    # What is needed, parsed before anything else (read_inputs parsed what a merge needs).
    edited = []
    if memory is not None:
        edited = [
            (code, template.domain)
            for code, template in pairs
            if inputs.exists(config, code, template.domain)
            and memory.harvested(config.relative(po_path(config, code, template.domain))) != _signature(inputs, po_path(config, code, template.domain))
        ]
    merging = [(code, template.domain) for code, template in pairs if keys[code, template.domain] not in known]
    if any(not inputs.exists(config, *pair) for pair in merging):  # a new catalogue follows its siblings' plural rule
        merging = [(code, template.domain) for code, template in pairs if inputs.exists(config, code, template.domain)]
    needed = set(edited) | set(merging)
    inputs.parse(config, [(code, template.domain) for code, template in pairs if (code, template.domain) in needed])

    touched: set[str] = set()
    if memory is not None:
        olds = [(catalog, code, domain) for code, domain in edited if (catalog := inputs.olds[code, domain]) is not None]
        touched |= harvest_into(memory, olds, config.source_locale)

    fixed = [keys[code, t.domain] in known and inputs.exists(config, code, t.domain) for code, t in pairs]
    rules = {code: _sibling_rule(config, inputs, code) for code in codes if any(not inputs.exists(config, code, t.domain) for t in templates)}
    merged = _merge_all(_Merging(config, inputs, tuple(pairs), rules), [index for index, done in enumerate(fixed) if not done], memory)
    results: list[LocaleDomainResult] = []
    texts: list[str] = []
    for index, (code, template) in enumerate(pairs):
        path = po_path(config, code, template.domain)
        if fixed[index]:  # this template and this file merged to the file itself before
            results.append(LocaleDomainResult(code, template.domain, path, known[keys[code, template.domain]]))
            texts.append(inputs.data[path].decode("utf-8"))
        else:
            results.append(merged[index].result)
            texts.append(merged[index].text)
    for (code, template), result, text in zip(pairs, results, texts):
        data = text.encode("utf-8")
        same = data == inputs.data.get(result.path)
        if same and (parsed := inputs.olds.get((code, template.domain))) is not None:
            remember_catalog(config, result.path, data, parsed)  # the file stays: its parse is worth keeping
        if keys[code, template.domain] in known:
            continue
        if same:
            cache.put(keys[code, template.domain], result.summary)
        else:  # merging is idempotent: the file this merge writes will merge to itself
            again = MergeSummary(unchanged=len(inputs.extraction.catalogs[template.path].active))
            cache.put(_fixed_point_key(cache, config, inputs, template, hashlib.sha256(data).hexdigest()), again)
    cache.flush()

    memory_files: dict[Path, str] = {}
    if memory is not None:
        touched |= store_harvests(memory, [found.harvest for found in merged.values() if found.harvest is not None])
        for code in sorted(touched):
            memory_files[tmx_path(config, code)] = format_tmx(memory.iterate(code), config.source_locale)
    return UpdatePlan(inputs.extraction, tuple(results), tuple(texts), memory_files)


@dataclass(frozen=True, slots=True)
class _Merging:
    """What every merge of one update reads (shared with forked workers, never pickled)."""

    config: Config
    inputs: UpdateInputs
    pairs: tuple[tuple[str, Template], ...]
    rules: dict[str, PluralRule | None]
    """The plural rule of new catalogues, per locale that has any (:func:`_sibling_rule`)."""


@dataclass(frozen=True, slots=True)
class _Merged:
    """One catalogue merged and formatted: what ``update`` writes, and what it harvests."""

    result: LocaleDomainResult
    text: str
    harvest: Harvest | None
    """What the merged catalogue gives the memory, when it is not the file as it is (with a memory)."""


_MERGING: tuple[_Merging, Callable[[], MemoryBackend] | None] | None = None
"""The update whose merges the workers do, set before they are forked."""
_WORKER_MEMORY: MemoryBackend | None = None
"""A worker's own connection to the memory, opened at its first merge."""


def _merge_all(merging: _Merging, jobs: list[int], memory: MemoryBackend | None) -> dict[int, _Merged]:
    """The merges of ``jobs`` (indexes into ``merging.pairs``), each formatted and harvested.

    The merges ask the memory, so they run in forked workers, each with its own connection,
    only where that connection sees what this one does (:meth:`~.store.MemoryBackend.opener`:
    nothing harvested in this transaction yet, which is the rule after a change to the sources).
    Otherwise they run here, and the formatting and harvesting in workers meanwhile. The
    results are the same either way."""
    global _MERGING
    opener = memory.opener() if memory is not None else None
    if pool_size(len(jobs)) > 1 and (memory is None or opener is not None):
        _MERGING = (merging, opener)
        try:
            done = parallel_map(_merge_in_worker, jobs)
        finally:
            _MERGING = None
        report("merging", len(jobs), len(jobs))
        return dict(zip(jobs, done))
    with streamed_map(partial(_finished, merging, memory is not None), len(jobs)) as finishing:
        for count, index in enumerate(jobs, 1):
            finishing.add(_merge_job(merging, index, memory))
            report("merging", count, len(jobs))
        return dict(zip(jobs, finishing.results()))


def _merge_job(merging: _Merging, index: int, memory: MemoryBackend | None) -> tuple[LocaleDomainResult, Catalog]:
    """One of ``merging.pairs`` merged (every catalogue to merge was parsed before, in
    :func:`plan_update`: none is parsed here, in a worker or not)."""
    code, template = merging.pairs[index]
    return _merge(merging.config, merging.inputs, code, template, merging.inputs.olds.get((code, template.domain)), memory, merging.rules)


def _merge_in_worker(index: int) -> _Merged:
    """One merge in a worker process, asking the memory through the worker's own connection."""
    global _WORKER_MEMORY
    assert _MERGING is not None
    merging, opener = _MERGING
    if opener is not None and _WORKER_MEMORY is None:
        _WORKER_MEMORY = opener()
        Finalize(_WORKER_MEMORY, _WORKER_MEMORY.close, exitpriority=10)
    return _finished(merging, opener is not None, _merge_job(merging, index, _WORKER_MEMORY))


def _finished(merging: _Merging, with_memory: bool, merged: tuple[LocaleDomainResult, Catalog]) -> _Merged:
    """A merged catalogue formatted, and harvested if it differs from its file."""
    result, catalog = merged
    text = format_po(catalog)
    changed = with_memory and not _same_file(merging.inputs, result.path, text)
    found = harvest(catalog, result.locale, result.domain, merging.config.source_locale) if changed else None
    return _Merged(result, text, found)


def _sibling_rule(config: Config, inputs: UpdateInputs, code: str) -> PluralRule | None:
    """The plural rule for a new catalogue of ``code``: its siblings', where they agree."""
    inputs.parse(config, [(code, t.domain) for t in inputs.extraction.templates if inputs.exists(config, code, t.domain)])
    return sibling_rule([c for (c_code, _), c in inputs.olds.items() if c_code == code and c is not None], code)


def _merge_key(cache: Cache, config: Config, inputs: UpdateInputs, code: str, template: Template) -> str:
    """The key of a merge that changes nothing: the template's text, the catalogue's bytes and
    the settings decide it entirely (the memory is only asked for messages the catalogue lacks,
    and then the merge changes the file)."""
    state = inputs.states.get(po_path(config, code, template.domain))
    if state is None or not state.exists:
        return ""
    return _fixed_point_key(cache, config, inputs, template, state.sha256)


def _fixed_point_key(cache: Cache, config: Config, inputs: UpdateInputs, template: Template, sha256: str) -> str:
    """The key of "this template merged into the file with this SHA-256 gives the file back".

    Besides the two texts, only the settings shape a merge: the memory is asked only for a
    message the catalogue has no entry for, and then the merge adds one and the file changes.
    So a merge's own output is such a fixed point (merging it again carries every entry over
    unchanged — what ``check``'s freshness test relies on), and ``update`` records it for the
    files it writes: the ``check`` that follows does not merge them again."""
    return cache.key("merge", inputs.extraction.texts[template.path], sha256, config.fingerprint())


def _merge(
    config: Config,
    inputs: UpdateInputs,
    code: str,
    template: Template,
    old: Catalog | None,
    memory: MemoryBackend | None,
    rules: dict[str, PluralRule | None] | None = None,
) -> tuple[LocaleDomainResult, Catalog]:
    """One locale's catalogue of one domain, merged with its template (and the memory); a new
    one has its siblings' plural rule (from ``rules`` when known)."""
    suggest = memory_suggester(memory, code, template.domain, config.tm_threshold) if memory is not None else None
    path = po_path(config, code, template.domain)
    pot = inputs.extraction.catalogs[template.path]
    if old is None:
        rule = rules[code] if rules is not None and code in rules else _sibling_rule(config, inputs, code)
        base = empty_catalog(config, code, template.domain, pot, rule)
    else:
        base = old
    merged, summary = merge_catalog(base, pot, config.fuzzy_threshold, suggest)
    return LocaleDomainResult(code, template.domain, path, summary, created=old is None), merged


def _signature(inputs: UpdateInputs, path: Path) -> str:
    state = inputs.states.get(path)
    return state.signature if state is not None else file_signature(path)


def _same_file(inputs: UpdateInputs, path: Path, text: str) -> bool:
    """Whether the file, as read, holds ``text`` already."""
    state = inputs.states.get(path)
    if state is not None:
        return state.same_bytes(text.encode("utf-8"))
    try:
        return path.read_bytes() == text.encode("utf-8")
    except FileNotFoundError:
        return False


RETRIES = 3
"""How often a catalogue saved during ``update`` is read and merged again before giving up."""


def update_locales(config: Config, locales: list[str] | None = None, use_memory: bool = True) -> list[LocaleDomainResult]:
    """Extract, harvest the memory, then merge every template into every catalogue."""
    with memory_lock(config):
        inputs = read_inputs(config, locales)  # bad input fails here: nothing written, not even the index
        if not use_memory:
            writing = _Writing(config, inputs, plan_update(config, inputs=inputs), None, {})
            writing.stage()
            results = writing.run()
        else:
            memory = open_memory(config)
            try:
                tmx_states = {path: stat_state(path) for path in [*tmx_files(config), *(tmx_path(config, c) for c in inputs.codes)]}
                with memory.pending():
                    plan = plan_update(config, memory=memory, inputs=inputs)
                    writing = _Writing(config, inputs, plan, memory, tmx_states)
                    writing.stage()
                try:
                    results = writing.run()
                except BaseException:
                    writing.forget()
                    raise
                writing.record()
            finally:
                memory.close()
    if writing.gave_up:  # everything else is written; these files are as their translators saved them
        raise writing.gave_up[0]
    return results


@dataclass(slots=True)
class _Writing:
    """Putting an update plan on disk: stage every file, commit the memory, swap the files in,
    merge again what a translator saved meanwhile."""

    config: Config
    inputs: UpdateInputs
    plan: UpdatePlan
    memory: MemoryBackend | None
    tmx_states: dict[Path, FileState]
    staged: dict[Path, Staged | None] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    """Locales whose memory gained units from catalogues merged again."""
    harvested: dict[Path, str] = field(default_factory=dict)
    """Catalogues whose every translation is in the memory now, with their file's signature."""
    gave_up: list[ChangedError] = field(default_factory=list)
    """Catalogues still changing after :data:`RETRIES` merges: left as they are."""

    def stage(self) -> None:
        """Every file to a temporary file, then the memory committed (inside its transaction):
        a full disk fails here, with no file and no unit changed."""
        try:
            outputs = [(path, text.encode("utf-8")) for path, text in self.plan.outputs()]
            for (path, _), staged in zip(outputs, stage_many(outputs)):
                self.staged[path] = staged
            sync_staged([item for item in self.staged.values() if item is not None])
            if self.memory is not None:
                self.memory.commit()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        for staged in self.staged.values():
            if staged is not None:
                staged.discard()

    def run(self) -> list[LocaleDomainResult]:
        try:
            written = [path for path in self.plan.extraction.texts if self._swap(path) is not None]
            remember_finished(self.config, self.plan.extraction, written)
            for stale in stale_templates(self.config, self.plan.extraction.texts):
                stale.unlink()
            results = [self._catalogue(result, text) for result, text in zip(self.plan.results, self.plan.texts)]
            self._memory_files()
        finally:
            self.discard()
        return results

    def _swap(self, path: Path, expect: FileState | None = None) -> Staged | None:
        staged = self.staged.pop(path, None)
        if staged is not None:
            try:
                staged.swap(expect)
            except BaseException:
                staged.discard()
                raise
        return staged

    def _catalogue(self, result: LocaleDomainResult, text: str) -> LocaleDomainResult:
        state = self.inputs.states.get(result.path)
        try:
            staged = self._swap(result.path, state)
        except ChangedError:
            try:
                return self._merge_again(result)
            except ChangedError as exc:
                self.gave_up.append(exc)
                return result
        if staged is not None:
            self.harvested[result.path] = staged.signature
        elif state is not None and _same_file(self.inputs, result.path, text):
            self.harvested[result.path] = state.signature
        return replace(result, written=staged is not None)

    def _merge_again(self, result: LocaleDomainResult) -> LocaleDomainResult:
        """The catalogue was saved since it was read: read it again, harvest it, merge it again."""
        config, memory = self.config, self.memory
        template = next(t for t in self.plan.extraction.templates if t.domain == result.domain)
        for _ in range(RETRIES):
            old, state = read_catalogue(result.path)
            if memory is not None and old is not None:
                self.touched |= harvest_into(memory, [(old, result.locale, result.domain)], config.source_locale)
            fresh, merged = _merge(config, self.inputs, result.locale, template, old, memory)
            text = format_po(merged)
            if memory is not None and not state.same_bytes(text.encode("utf-8")):
                self.touched |= harvest_into(memory, [(merged, result.locale, result.domain)], config.source_locale)
            try:
                written = write_atomic(result.path, text, expect=state)
            except ChangedError:
                continue
            return replace(fresh, written=written)  # harvested, not noted: the next run looks again
        raise ChangedError(result.path)

    def _memory_files(self) -> None:
        """The TMX files, as staged, or formatted again where a catalogue merged again added units;
        each replaced only while it is as it was when the memory was opened."""
        if self.memory is None:
            return
        for code in sorted(self.touched):
            path = tmx_path(self.config, code)
            staged = self.staged.pop(path, None)
            if staged is not None:
                staged.discard()
            write_atomic(path, format_tmx(self.memory.iterate(code), self.config.source_locale), expect=self.tmx_states.get(path))
        for path in sorted(self.plan.memory_files):
            if path in self.staged:
                self._swap(path, self.tmx_states.get(path))

    def record(self) -> None:
        """Note in the index which catalogue files and TMX files it now mirrors. The index is a
        cache: if a full disk refuses this note, the next run harvests again (or rebuilds it)
        and ends the same."""
        if self.memory is None:
            return
        harvested = {self.config.relative(path): signature for path, signature in self.harvested.items()}
        self.memory.note(harvested, files_state(self.config) if self.plan.memory_files or self.touched else None)

    def forget(self) -> None:
        """Writing stopped half-way (an error no one expected): the index, committed already, may
        hold units its TMX files do not. Unrecord the files so the next run rebuilds it from them
        (and harvests the catalogues again)."""
        if self.memory is not None:
            self.memory.forget_files()
