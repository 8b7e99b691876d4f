"""``translatio plurals``: a locale's catalogues moved to another plural rule, all or nothing.

Every catalogue of the locale is read and moved in memory first; a catalogue that does not
parse, or whose rule cannot be used (a form out of range), stops the run before any file is
written. Files are then written atomically, under the same lock ``update`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..catalogs import Catalog, format_po, plural_forms, read_po
from ..config import Config
from ..errors import CatalogError, LocaleError
from ..files import write_atomic
from ..locales import normalize_locale
from ..memory.project import memory_lock
from .expression import PluralRule
from .migrate import FormPlan, move_catalog, plan_forms
from .rules import KnownRule, identify, standard_rule

_GETTEXT_DEFAULT = PluralRule(2, "(n != 1)")
"""What msgfmt and libintl assume for a catalogue without Plural-Forms."""


@dataclass(frozen=True, slots=True)
class PluralMove:
    """What moving one catalogue did (or would do, in a dry run)."""

    path: Path
    domain: str
    old: KnownRule
    new: KnownRule
    plan: FormPlan
    entries: int
    """Plural entries re-indexed."""
    added: int
    """Forms the new rule adds, left empty for a translator."""
    fuzzy: int
    """Entries marked fuzzy because a form was added."""
    kept: int
    """Texts of forms the new rule merges away, kept in translator comments."""
    restored: int
    """Forms filled back from such comments."""
    changed: bool
    """The file's bytes differ from the moved catalogue's."""
    written: bool

    def as_dict(self, config: Config) -> dict[str, Any]:
        return {
            "path": config.relative(self.path),
            "domain": self.domain,
            "from": {"rule": self.old.rule.header, "source": self.old.source, "defect": self.old.defect},
            "to": {"rule": self.new.rule.header, "source": self.new.source},
            "forms": describe_plan(self.plan),
            "entries": self.entries,
            "added": self.added,
            "fuzzy": self.fuzzy,
            "kept": self.kept,
            "restored": self.restored,
            "changed": self.changed,
            "written": self.written,
        }


def describe_plan(plan: FormPlan) -> str:
    """``same forms``, ``4 ← 5, 5 ← 4``, ``many added (1000000, 2000000…)``."""
    if plan.identity:
        return "same forms"
    parts = []
    for target, source in enumerate(plan.sources):
        name = plan.new.form_name(target)
        if source is None:
            numbers = ", ".join(str(n) for n in plan.new.rule.numbers(target))
            parts.append(f"{name} added ({numbers}…)")
        elif source != target or plan.old.rule.nplurals != plan.new.rule.nplurals:
            parts.append(f"{name} ← {plan.old.form_name(source)}")
    for source, target in plan.merged:
        parts.append(f"{plan.old.form_name(source)} merged into {plan.new.form_name(target)}")
    return ", ".join(parts) or "same forms"


def move_locale(config: Config, code: str, scheme: str, dry_run: bool = False) -> list[PluralMove]:
    """Move every catalogue of ``code`` to the ``scheme`` rule (``gettext`` or ``cldr``)."""
    locale = normalize_locale(code)
    if locale == config.source_locale:
        raise LocaleError(f"{locale!r} is the source language; it has no catalogues")
    folder = config.folder("locale_dir") / locale / "LC_MESSAGES"
    if not folder.is_dir():
        raise LocaleError(f"locale {locale!r} has no catalogues yet: run 'translatio init {locale}' first")
    target = standard_rule(locale, scheme)
    with memory_lock(config, read_only=dry_run):  # a dry run only reads: a read-only locale/ is fine
        planned: list[tuple[PluralMove, str]] = []
        for path in sorted(folder.glob("*.po")):
            catalog = read_po(path)
            old = _current(catalog, path, locale)
            plan = plan_forms(old, target)
            moved = move_catalog(catalog, plan)
            text = format_po(moved.catalog)
            changed = path.read_bytes() != text.encode("utf-8")
            result = PluralMove(path, path.stem, old, target, plan, moved.entries, moved.added, moved.fuzzy, moved.kept, moved.restored, changed, False)
            planned.append((result, text))
        results = []
        for result, text in planned:
            written = False if dry_run or not result.changed else write_atomic(result.path, text)
            results.append(replace(result, written=written))
    return results


def _current(catalog: Catalog, path: Path, locale: str) -> KnownRule:
    """The catalogue's rule, as the table knows it (or as written, for a rule it does not know)."""
    declared = plural_forms(catalog)
    if declared is None:
        return KnownRule(_GETTEXT_DEFAULT, "gettext", "no Plural-Forms (msgfmt assumes English's rule)")
    problem = declared.problem()
    if problem is not None:
        raise CatalogError(path, catalog.header.line or 1, f"Plural-Forms {declared.header!r}: {problem}")
    known = identify(locale, declared)
    if known is None:
        return KnownRule(declared, "unknown", "the header (a rule not known for the language)")
    return KnownRule(declared, known.scheme, known.source, known.categories, known.defect)


def show_locale(config: Config, code: str) -> list[dict[str, Any]]:
    """The rule each catalogue of ``code`` uses, with example numbers per form."""
    locale = normalize_locale(code)
    folder = config.folder("locale_dir") / locale / "LC_MESSAGES"
    if not folder.is_dir():
        raise LocaleError(f"locale {locale!r} has no catalogues yet: run 'translatio init {locale}' first")
    rows = []
    for path in sorted(folder.glob("*.po")):
        known = _current(read_po(path), path, locale)
        forms = [
            {"index": index, "name": known.form_name(index), "numbers": list(known.rule.numbers(index, 6))}
            for index in range(known.rule.nplurals)
        ]
        rows.append({"path": config.relative(path), "rule": known.rule.header, "source": known.source, "defect": known.defect, "forms": forms})
    return rows
