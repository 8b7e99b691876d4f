"""``translatio check``: every gate CI needs, over every catalogue, in one report.

Order of work, so that one broken file never hides the others:

1. every ``.po``/``.pot`` is parsed on its own; a file that does not parse is a ``syntax``
   finding with its line, and the run goes on with the rest;
2. headers are checked (what ``msgfmt --check`` checks, in our words); each catalogue's own
   Plural-Forms must be sound and a rule the project knows for the language (GNU gettext's,
   CLDR's, or one a supported Babel release wrote), never "whatever the installed Babel says";
   figures come from :mod:`pipeline.stats`, the same code ``stats`` uses (under ``publish =
   "reviewed"`` the completeness gate measures the reviewed share: what the pages show);
3. each approved entry goes through the quality checks of :mod:`.quality`, each catalogue
   through the catalogue checks registered with a function (:mod:`.review`: stale approvals);
4. the disclaimer of every article is judged by :func:`pipeline.policy.verdict` with the
   locale's policy, the rule the build applies, so CI rejects exactly what the build would
   fall back on;
5. freshness: ``update`` is planned in memory and compared byte for byte with the files.

A check is switched off for a locale with ``ignore_checks`` in ``[tool.translatio.locale.<code>]``,
for one entry with a translator comment ``# translatio-ignore: length-ratio, numbers``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

from ..cache import cached_map, digest, project_cache
from ..catalogs import Catalog, Message, parse_po
from ..config import Config, PublishPolicy
from ..errors import InputError, PipelineError
from ..extract import UI_DOMAIN, checked_articles
from ..glossary import GLOSSARY_FILE, GlossaryEntry, read_glossary
from ..locales import LocaleInfo, locale_info, normalize_locale
from ..plurals.expression import PluralExpressionError, PluralRule, parse_plural_forms
from ..plurals.rules import KnownRule, describe, identify, known_rules, standard_rule
from ..policy import verdict
from ..segments import extract_segments
from ..sources import Article
from ..stats import CatalogStats, catalog_stats
from ..memory.project import memory_lock, open_memory
from ..update import plan_update, po_path, read_inputs
from . import prose, quality, review  # noqa: F401  (register the entry and catalogue checks)
from .findings import Finding, Severity
from .registry import CatalogueContext, CheckInfo, EntryContext, catalogue_check, catalogue_functions, entry_checks

catalogue_check("syntax", Severity.ERROR, "The file parses as a PO file (strings, escapes, keywords, charset, duplicates).")
catalogue_check("header", Severity.ERROR, "Header fields are present, filled in and agree with the catalogue's locale.")
catalogue_check("plural-forms", Severity.ERROR, "Plural-Forms is a sound rule known for the language (GNU gettext's or CLDR's); each plural entry has nplurals forms.")
catalogue_check("newline", Severity.ERROR, "A translation begins and ends with a newline exactly when its source does (as msgfmt --check).")
catalogue_check("freshness", Severity.ERROR, "The catalogues are up to date with the sources and templates.")
catalogue_check("completeness", Severity.ERROR, "The share of translated messages reaches the locale's minimum.")
catalogue_check("required", Severity.ERROR, "The disclaimer is translated, not fuzzy and complete (and reviewed where the locale requires it), so it is published translated.")

IGNORE_MARK = "translatio-ignore:"
_CHECK_ID = re.compile(r"[a-z][a-z0-9-]*")
_PLACEHOLDER_VALUES = {
    "Project-Id-Version": "PACKAGE VERSION",
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "Content-Transfer-Encoding": "ENCODING",
}
_REQUIRED_FIELDS = (
    "Project-Id-Version",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)


@dataclass(frozen=True, slots=True)
class RequiredResult:
    """The disclaimer of one article in one locale."""

    locale: str
    article: str
    path: Path
    line: int | None
    usable: bool
    reason: str
    state: str = ""
    """``reviewed``, ``translated`` or ``fallback`` (:func:`pipeline.policy.verdict`)."""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything ``check`` found; formats in :mod:`.formats` turn it into text, JSON, JUnit…"""

    root: Path
    locales: tuple[str, ...]
    stats: tuple[CatalogStats, ...]
    thresholds: dict[str, float]
    required: tuple[RequiredResult, ...]
    findings: tuple[Finding, ...]
    ignored: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Checks switched off per locale by the configuration."""
    policies: dict[str, PublishPolicy] = field(default_factory=dict)
    """Each locale's publish policy, which the completeness and disclaimer gates applied."""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def passed(self, strict: bool = False) -> bool:
        return not (self.findings if strict else self.errors)

    def relative(self, path: Path) -> str:
        return _relative(self.root, path)


@lru_cache(maxsize=4096)
def _relative(root: Path, path: Path) -> str:
    """A finding's path as the report shows it (resolved once per file: a site of a thousand
    catalogues can have tens of thousands of findings, and resolving is a system call per part)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def entry_ignores(message: Message) -> set[str]:
    """Checks a translator switched off for this entry (comment or flag ``translatio-ignore:``)."""
    found: set[str] = set()
    for text in (*message.translator_comments, *message.flags):
        text = text.strip()
        if text.startswith(IGNORE_MARK):
            for part in re.split(r"[,\s]+", text[len(IGNORE_MARK) :].strip()):
                if not _CHECK_ID.fullmatch(part):
                    break  # the rest is the translator's explanation
                found.add(part)
    return found


class _Findings:
    """Where checks put what they find; the per-catalogue work (:func:`_check_unit`) has its own."""

    def __init__(self, config: Config, min_percent: float | None) -> None:
        self.config = config
        self.min_percent = min_percent
        self.findings: list[Finding] = []

    def add(self, check: str, path: Path, line: int | None, message: str, locale: str | None = None, domain: str | None = None, msgid: str | None = None) -> None:
        severity = _severity(check)
        self.findings.append(Finding(check, severity, path, line, message, locale, domain, msgid))


class _Run(_Findings):
    def __init__(self, config: Config, codes: list[str], min_percent: float | None, loaded: Loaded | None) -> None:
        super().__init__(config, min_percent)
        self.loaded = loaded
        self.codes = codes
        self.stats: list[CatalogStats] = []
        self.required: list[RequiredResult] = []
        self.broken: set[Path] = set()
        self.read: tuple[list[Article], list[str]] | None = None
        """The articles and their keys, once read (the freshness test extracts from them)."""


def _severity(check: str) -> Severity:
    from .registry import REGISTRY

    return REGISTRY[check].severity


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a caller has read already (the build): catalogues by path, the articles and their
    cache keys (:func:`pipeline.extract.checked_articles`)."""

    catalogs: dict[Path, Catalog]
    articles: list[Article]
    article_keys: list[str]


@dataclass(frozen=True, slots=True)
class _Unit:
    """One catalogue (or template) to check, with everything its checks depend on besides the
    settings: checked in a worker process, and its result cached by these contents."""

    path: Path
    data: bytes
    locale: str | None
    """``None`` for a template, which is only parsed."""
    glossary: tuple[GlossaryEntry, ...] = ()
    required: tuple[str, ...] | None = None
    """The disclaimer texts of the article this catalogue translates (``None``: not an article's)."""
    catalog: Catalog | None = None
    """Parsed already by the caller (the build), else parsed here from :attr:`data`."""
    glossary_key: str = ""
    """A digest of :attr:`glossary`, computed once per locale rather than once per catalogue."""

    def key_parts(self) -> tuple[bytes | str, ...]:
        required = "\0".join(self.required) if self.required is not None else "-"
        return (str(self.path), self.data, self.locale or "", self.glossary_key or repr(self.glossary), required)

    def memo_id(self, checks: dict[str, CheckInfo]) -> _MemoId:
        """Which memo of entry results this catalogue's entries are judged with."""
        return (self.locale or "", _markup_of(self.path.stem), self.glossary_key or digest(repr(self.glossary)), _signature(checks))


@dataclass(frozen=True, slots=True)
class _Checked:
    """What checking one catalogue found."""

    findings: tuple[Finding, ...]
    stats: CatalogStats | None
    required: tuple[tuple[RequiredResult, Finding | None], ...]
    broken: bool
    entries: tuple[tuple[bytes, tuple[tuple[str, str], ...]], ...] = ()
    """What the entry checks found in each translated entry, by the entry's digest
    (:func:`_entry_key`): kept per locale across runs, so that a check after an edit checks only
    the entries whose text changed."""


def run_checks(
    config: Config,
    locales: list[str] | None = None,
    min_percent: float | None = None,
    freshness: bool = True,
    loaded: Loaded | None = None,
) -> CheckReport:
    """Check every catalogue of the given (or all) locales; raises only for bad usage.

    ``freshness=False`` skips planning an update, and ``loaded`` reuses what was read: the
    build's status page does both, as it reports on the catalogues it has just published.
    """
    config.folder("locale_dir")
    codes = [normalize_locale(c) for c in locales] if locales else list(config.target_locales())
    run = _Run(config, codes, min_percent, loaded)
    glossary = _glossary(run)
    articles, unreadable = _required_texts(run)
    units = [_read_unit(run, pot, None) for pot in sorted(config.locale_dir.glob("*.pot"))]
    for code in codes:
        folder = config.locale_dir / code / "LC_MESSAGES"
        entries = tuple(g for g in glossary if g.locale == code and g.enforced)
        entries_key = digest(repr(entries))
        required = articles[1] if articles is not None else {}
        for path in sorted(folder.glob("*.po")):
            units.append(_read_unit(run, path, code, entries, required.get(path.stem) if articles is not None else None, entries_key))
    readable = [unit for unit in units if unit is not None]
    memos = _load_entry_memos(run, readable)
    checked = _check_units(run, readable)
    _store_entry_memos(run, memos, checked)
    results: dict[tuple[str, str], _Checked] = {}
    for unit, result in checked:
        run.findings.extend(result.findings)
        if result.broken:
            run.broken.add(unit.path)
        if unit.locale is not None and result.stats is not None:
            run.stats.append(result.stats)
            results[unit.locale, unit.path.stem] = result
    if articles is not None:
        _check_required(run, *articles, results)
    else:  # the articles do not read: that is reported, and no disclaimer can be judged
        run.findings.extend(unreadable)
    if freshness:
        _check_freshness(run)
    ignored = {code: config.settings_for(code).ignore_checks for code in codes if config.settings_for(code).ignore_checks}
    findings = [f for f in run.findings if f.check not in ignored.get(f.locale or "", ())]
    thresholds = {code: _threshold(run, code) for code in codes}
    policies = {code: config.policy_for(code) for code in codes}
    return CheckReport(config.root, tuple(codes), tuple(run.stats), thresholds, tuple(run.required), tuple(findings), ignored, policies)


def _threshold(run: _Findings, code: str) -> float:
    return run.min_percent if run.min_percent is not None else run.config.min_percent_for(code)


def _required_texts(run: _Run) -> tuple[tuple[list[Article], dict[str, tuple[str, ...]]] | None, list[Finding]]:
    """The articles and each one's disclaimer texts (cached per article); or ``None`` and the
    finding to report when the articles do not read. The articles read are kept for the
    freshness test (:attr:`_Run.read`)."""
    try:
        if run.loaded is not None:
            articles, keys = run.loaded.articles, run.loaded.article_keys
        else:
            articles, keys = checked_articles(run.config)
    except InputError as exc:
        return None, [Finding("syntax", _severity("syntax"), exc.path, exc.line, exc.message)]
    run.read = (articles, keys)
    texts, _ = cached_map(project_cache(run.config.root), "required-texts", list(zip(keys, articles)), _key_only, _disclaimers)
    return (articles, {article.slug: found for article, found in zip(articles, texts)}), []


def _key_only(item: tuple[str, Article]) -> tuple[str]:
    return (item[0],)


def _disclaimers(item: tuple[str, Article]) -> tuple[str, ...]:
    return tuple(s.text for s in extract_segments(item[1]) if s.required)


def _read_unit(
    run: _Run,
    path: Path,
    locale: str | None,
    glossary: tuple[GlossaryEntry, ...] = (),
    required: tuple[str, ...] | None = None,
    glossary_key: str = "",
) -> _Unit | None:
    """The unit for one file, or ``None`` with a finding when it cannot be read."""
    known = run.loaded.catalogs.get(path) if run.loaded is not None else None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = "is a folder, where a catalogue was expected" if isinstance(exc, IsADirectoryError) else f"cannot read: {exc.strerror or exc}"
        run.broken.add(path)
        run.add("syntax", path, None, problem, locale, path.stem)
        return None
    return _Unit(path, data, locale, glossary, required, known, glossary_key)


def _check_units(run: _Run, units: list[_Unit]) -> list[tuple[_Unit, _Checked]]:
    """Check each unit, taking what an earlier run found for the same contents and settings
    from the cache; only new or changed catalogues are checked again."""
    settings = (run.config.fingerprint(), repr(run.min_percent))
    check = partial(_check_unit, run.config, run.min_percent)
    workers = 1 if run.loaded is not None else None  # the build's workers are rendering meanwhile
    results, _ = cached_map(project_cache(run.config.root), "check", units, lambda unit: (*settings, *unit.key_parts()), check, workers=workers)
    return list(zip(units, results))


def _check_unit(config: Config, min_percent: float | None, unit: _Unit) -> _Checked:
    """Every check of one catalogue: parse, header and plural rule, figures, entries, and the
    disclaimer's verdict."""
    out = _Findings(config, min_percent)
    path, code = unit.path, unit.locale
    catalog = unit.catalog
    if catalog is None:
        try:
            catalog = parse_po(unit.data, path)
        except InputError as exc:
            out.add("syntax", path, exc.line, exc.message, code, path.stem)
            return _Checked(tuple(out.findings), None, (), True)
    if code is None:
        return _Checked(tuple(out.findings), None, (), False)
    info = locale_info(code)
    _check_header(out, catalog, path, info)
    figures = catalog_stats(catalog, code, path.stem)
    _check_completeness(out, figures, path)
    entries = _check_entries(out, catalog, path, info, unit)
    _check_catalogue(out, catalog, path, info)
    required = _required_for(out, code, path, catalog, unit.required) if unit.required is not None else ()
    return _Checked(tuple(out.findings), figures, required, False, entries)


def _glossary(run: _Run) -> list[GlossaryEntry]:
    path = run.config.locale_dir / GLOSSARY_FILE
    try:
        return read_glossary(path)
    except InputError as exc:
        run.add("syntax", path, exc.line, exc.message)
        return []


def _check_header(run: _Findings, catalog: Catalog, path: Path, info: LocaleInfo) -> None:
    fields = catalog.header_fields
    line = catalog.header.line or 1
    code, domain = info.code, path.stem
    if catalog.header.fuzzy:
        run.add("header", path, line, "the header is marked fuzzy: msgfmt ignores it (and its Plural-Forms)", code, domain)
    for name in _REQUIRED_FIELDS:
        value = fields.get(name)
        if value is None:
            run.add("header", path, line, f"header field {name} is missing", code, domain)
        elif not value or value == _PLACEHOLDER_VALUES.get(name):
            run.add("header", path, line, f"header field {name} still has its template value {value!r}", code, domain)
    language = fields.get("Language")
    if language:
        try:
            same = normalize_locale(language) == code
        except PipelineError:
            same = False
        if not same:
            run.add("header", path, line, f"Language is {language!r} but the catalogue is in the {code!r} folder", code, domain)
    charset = fields.get("Content-Type", "")
    if "charset=" in charset and "charset=utf-8" not in charset.lower().replace(" ", ""):
        run.add("header", path, line, f"Content-Type {charset!r}: catalogues should be UTF-8", code, domain)
    _check_plural_rule(run, catalog, path, info)


def _check_plural_rule(run: _Findings, catalog: Catalog, path: Path, info: LocaleInfo) -> None:
    """The header's own rule is the authority (as for libintl); it must be sound and one the
    project knows for the language, and every plural entry must have its number of forms."""
    code, domain, line = info.code, path.stem, catalog.header.line or 1
    declared, problem, known = _judge_rule(code, catalog.header_fields.get("Plural-Forms"))
    if declared is None:
        if any(m.msgid_plural is not None for m in catalog.active):
            run.add("plural-forms", path, line, "plural entries but no Plural-Forms in the header: msgfmt will use English's rule", code, domain)
        return
    value = declared.header
    if problem is not None:
        run.add("plural-forms", path, line, f"Plural-Forms {value!r}: {problem}", code, domain)
        return
    if known is None:
        choices = " or ".join(describe(k) for k in known_rules(code) if k.defect is None and k.scheme != "babel")
        run.add("plural-forms", path, line, f"Plural-Forms {value!r} is not a rule known for {info.english_name}: expected {choices or 'a rule from CLDR'}", code, domain)
    elif known.defect is not None:
        target = standard_rule(code, run.config.plural_rules_for(code))
        run.add(
            "plural-forms", path, line,
            f"Plural-Forms {value!r} is {known.source}'s rule for {info.english_name}, a known defect ({known.defect}); "
            f"'translatio plurals {code} --to {target.scheme}' moves the catalogues to {describe(target)} without losing a form",
            code, domain,
        )  # fmt: skip
    for message in catalog.active:
        if message.msgid_plural is not None and any(message.msgstr) and len(message.msgstr) != declared.nplurals:
            run.add("plural-forms", path, message.line, f"{len(message.msgstr)} plural forms, the header's Plural-Forms has {declared.nplurals}", code, domain, message.msgid)


@lru_cache(maxsize=256)
def _judge_rule(code: str, value: str | None) -> tuple[PluralRule | None, str | None, KnownRule | None]:
    """A header's Plural-Forms as a rule, what is wrong with it, and the known rule it is (judged
    once per locale and header: a locale's thousand catalogues share one)."""
    if value is None:
        return None, None, None
    try:
        declared = parse_plural_forms(value)
    except PluralExpressionError:
        return None, None, None
    problem = declared.problem()
    return declared, problem, identify(code, declared) if problem is None else None


def _check_completeness(run: _Findings, figures: CatalogStats, path: Path) -> None:
    minimum = _threshold(run, figures.locale)
    if run.config.policy_for(figures.locale).publish == "reviewed":  # what the pages show
        share, done, what = figures.reviewed_percent, figures.reviewed.messages, 'reviewed (publish = "reviewed")'
    else:
        share, done, what = figures.percent, figures.translated.messages, "translated"
    if share < minimum:
        run.add(
            "completeness",
            path,
            None,
            f"{share:.1f}% {what} ({done} of {figures.total.messages} messages, "
            f"{figures.fuzzy.messages} fuzzy), below the minimum of {minimum:g}%",
            figures.locale,
            figures.domain,
        )


def _markup_of(domain: str) -> str:
    return "format" if domain == UI_DOMAIN else "markdown"


def _check_entries(run: _Findings, catalog: Catalog, path: Path, info: LocaleInfo, unit: _Unit) -> tuple[tuple[bytes, tuple[tuple[str, str], ...]], ...]:
    """Run the entry checks on each translated entry (once per distinct entry text) and report
    what they find at the entry's line; returns each entry's digest with its problems."""
    markup, glossary = _markup_of(path.stem), unit.glossary
    checks = entry_checks()
    memo = _entry_memo(unit.memo_id(checks))
    seen: list[tuple[bytes, tuple[tuple[str, str], ...]]] = []
    for message in catalog.active:
        if not message.translated:
            continue
        key = _entry_key(message)
        problems = memo.get(key)
        if problems is None:
            problems = memo[key] = _entry_problems(message, info, markup, glossary, checks)
        seen.append((key, problems))
        for check_id, problem in problems:
            run.add(check_id, path, message.line, problem, info.code, path.stem, message.msgid)
    return tuple(seen)


_MEMO_LIMIT = 200_000
_MemoId = tuple[str, str, str, tuple[tuple[str, object], ...]]
"""Locale, markup, glossary digest and the entry checks (id and function)."""
_ENTRY_MEMOS: dict[_MemoId, dict[bytes, tuple[tuple[str, str], ...]]] = {}
"""What the entry checks found per entry text, per locale, markup and glossary: the same segment
recurs across a site's catalogues (a thousand articles have some 25,000 entries but 8,000
distinct texts), and a check's result depends on the entry's text alone. Filled from the cache
before the workers fork (:func:`_load_entry_memos`), so they start with the last run's results;
the code's fingerprint is in every cache key, so a change of any check starts afresh."""


def _entry_memo(memo_id: _MemoId) -> dict[bytes, tuple[tuple[str, str], ...]]:
    if sum(len(memo) for memo in _ENTRY_MEMOS.values()) > _MEMO_LIMIT:
        _ENTRY_MEMOS.clear()
    return _ENTRY_MEMOS.setdefault(memo_id, {})


def _signature(checks: dict[str, CheckInfo]) -> tuple[tuple[str, object], ...]:
    return tuple((k, v.function) for k, v in checks.items())


def _entry_key(message: Message) -> bytes:
    """A digest of what an entry check sees of an entry (:func:`_as_checked`)."""
    seen = (
        message.msgid, message.msgstr, message.msgid_plural, message.msgctxt, message.translator_comments,
        message.flags, message.previous_msgctxt, message.previous_msgid, message.previous_msgid_plural,
    )  # fmt: skip
    return hashlib.blake2b(repr(seen).encode("utf-8", "surrogatepass"), digest_size=16).digest()


_Stored = dict[_MemoId, tuple[str, frozenset[bytes]]]
"""Each memo's cache key, and the entries the cache held for it."""


def _load_entry_memos(run: _Run, units: list[_Unit]) -> _Stored:
    """Put the entry results the last run stored for these catalogues' locales into the
    process's memos (before workers fork: they inherit them)."""
    cache = project_cache(run.config.root)
    if not cache.enabled:
        return {}
    checks = entry_checks()
    names = repr([(k, f"{getattr(f, '__module__', '')}.{getattr(f, '__qualname__', '')}") for k, f in _signature(checks)])
    keys: dict[_MemoId, str] = {}
    for memo_id in dict.fromkeys(unit.memo_id(checks) for unit in units if unit.locale is not None):
        keys[memo_id] = cache.key("entry-checks", run.config.fingerprint(), *memo_id[:3], names)
    stored = cache.get_many(keys.values(), remember=False)
    held: _Stored = {}
    for memo_id, key in keys.items():
        value = stored.get(key)
        entries = value if isinstance(value, dict) else {}
        _entry_memo(memo_id).update(entries)
        held[memo_id] = (key, frozenset(entries))
    return held


def _store_entry_memos(run: _Run, held: _Stored, checked: list[tuple[_Unit, _Checked]]) -> None:
    """Store, per locale and markup, what the entry checks found in this run's entries (exactly
    those: the stored memo never grows beyond the site's current entries)."""
    cache = project_cache(run.config.root)
    checks = entry_checks()
    found: dict[_MemoId, dict[bytes, tuple[tuple[str, str], ...]]] = {}
    for unit, result in checked:
        if unit.locale is not None and result.entries:
            found.setdefault(unit.memo_id(checks), {}).update(result.entries)
    for memo_id, entries in found.items():
        if memo_id in held and held[memo_id][1] != entries.keys():
            cache.put(held[memo_id][0], entries, remember=False)


def _as_checked(message: Message) -> Message:
    """The entry without its place in the file (line, references) and without the extract's
    comments (what the segment is, where the memory's translation came from): checks judge the
    text, so that what they find holds wherever the same text recurs."""
    return Message(
        message.msgid, message.msgstr, message.msgid_plural, message.msgctxt, message.translator_comments, (), (),
        message.flags, message.previous_msgctxt, message.previous_msgid, message.previous_msgid_plural, message.obsolete, 0,
    )  # fmt: skip


def _entry_problems(
    message: Message, info: LocaleInfo, markup: str, glossary: tuple[GlossaryEntry, ...], checks: dict[str, CheckInfo]
) -> tuple[tuple[str, str], ...]:
    """``(check, problem)`` for every problem the entry checks find in one translated entry."""
    found: list[tuple[str, str]] = []
    message = _as_checked(message)
    skip = entry_ignores(message)
    for index, translation in enumerate(message.msgstr):
        source = message.msgid_plural if index and message.msgid_plural else message.msgid
        if "newline" not in skip:
            for edge, test in (("begin", str.startswith), ("end", str.endswith)):
                if test(source, "\n") != test(translation, "\n"):
                    found.append(("newline", f"the source and translation do not both {edge} with a newline"))
        context = EntryContext(message, source, translation, info, markup, glossary)
        for check_id, info_ in checks.items():
            if check_id in skip or info_.function is None:
                continue
            found.extend((check_id, problem) for problem in info_.function(context))
    return tuple(dict.fromkeys(found))  # a problem of several plural forms is said once


def _check_catalogue(run: _Findings, catalog: Catalog, path: Path, info: LocaleInfo) -> None:
    """The catalogue checks registered with a function (stale approvals…), per entry they name;
    a translator's ``translatio-ignore`` comment on the entry switches one off there."""
    context = CatalogueContext(catalog, info)
    for check_id, function in catalogue_functions().items():
        for message, problem in function(context):
            if check_id not in entry_ignores(message):
                run.add(check_id, path, message.line, problem, info.code, path.stem, message.msgid)


def _check_required(run: _Run, articles: list[Article], texts: dict[str, tuple[str, ...]], checked: dict[tuple[str, str], _Checked]) -> None:
    """Every article's disclaimer in every locale, in that order: as its catalogue's check found
    it, or missing where the catalogue does not exist (a broken one is reported already)."""
    for article in articles:
        for code in run.codes:
            path = po_path(run.config, code, article.slug)
            result = checked.get((code, article.slug))
            if result is not None:
                verdicts = result.required
            elif path in run.broken:
                continue
            else:
                verdicts = _required_for(run, code, path, None, texts[article.slug])
            for found, finding in verdicts:
                run.required.append(found)
                if finding is not None:
                    run.findings.append(finding)


def _required_for(
    out: _Findings, code: str, path: Path, catalog: Catalog | None, texts: tuple[str, ...]
) -> tuple[tuple[RequiredResult, Finding | None], ...]:
    """The disclaimer's verdict in one catalogue, and its finding when it would fall back."""
    messages = {m.msgid: m for m in catalog.active if m.msgctxt is None} if catalog is not None else {}
    policy = out.config.policy_for(code)
    slug = path.stem
    verdicts: list[tuple[RequiredResult, Finding | None]] = []
    for text in texts:
        message = messages.get(text)
        status = verdict(text, message, policy, required=True)
        line = message.line if message is not None else None
        finding = None
        if not status.usable and "required" not in (entry_ignores(message) if message else set()):
            message_text = f"the disclaimer of {slug!r} is {status.reason}: the English text would be published"
            finding = Finding("required", _severity("required"), path, line, message_text, code, slug, text)
        verdicts.append((RequiredResult(code, slug, path, line, status.usable, status.reason, status.state), finding))
    return tuple(verdicts)


def _check_freshness(run: _Run) -> None:
    """Plan an update with the memory, as ``update`` would, and roll the memory back."""
    try:
        with memory_lock(run.config, read_only=True):
            inputs = read_inputs(run.config, run.codes, run.read)
            memory = open_memory(run.config, for_writing=False)  # check only reads: a read-only locale/ is fine
            try:
                with memory.pending():
                    plan = plan_update(run.config, memory=memory, inputs=inputs)
            finally:
                memory.close()
    except InputError as exc:
        if exc.path not in run.broken:
            run.add("syntax", exc.path, exc.line, exc.message)
        return
    for path, content in plan.outputs():
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current != content.encode("utf-8"):
            state = "missing" if current is None else "out of date with the sources"
            run.add("freshness", path, None, f"{state}: run 'translatio update'", _locale_of(run, path), path.stem)


def _locale_of(run: _Run, path: Path) -> str | None:
    parts = path.relative_to(run.config.locale_dir).parts if path.is_relative_to(run.config.locale_dir) else ()
    return parts[0] if len(parts) == 3 else None
