"""The plural rules the project knows for each language, owned by the project.

Principles:

- The table is data in the package (``rules.json``, made by ``tools/plural_table.py``), never
  asked of the installed Babel: Babel 2.19 switched French, Spanish, Italian and Portuguese to
  CLDR's three forms and reordered Arabic's, and a library upgrade must not change what a
  translator's catalogue means or what ``init`` writes.
- Two *schemes* can be written: ``gettext`` (GNU gettext's conventional rules — what msginit,
  Poedit and most PO tooling write; the default) and ``cldr`` (CLDR's, as Babel 2.19 writes
  them). Where GNU gettext has no rule for a language, ``gettext`` falls back to CLDR's, as
  msginit does when CLDR data is installed.
- *Known* rules are the two standards plus every rule a supported Babel release wrote; a rule
  one of those releases got wrong (Babel's old Arabic rule, forms 4 and 5 swapped) is known as a
  defect, so that ``check`` can name it and the command that fixes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .expression import PluralRule

SCHEMES = ("gettext", "cldr")
"""The rule families a project can choose for new catalogues (``plural_rules``)."""
DEFAULT_SCHEME = "gettext"


@dataclass(frozen=True, slots=True)
class KnownRule:
    """A plural rule the project recognises for a language, with where it comes from."""

    rule: PluralRule
    scheme: str
    """``gettext``, ``cldr``, or ``babel`` for a rule only an earlier Babel release wrote."""
    source: str
    """Who writes this rule, for messages: ``GNU gettext 0.21``, ``CLDR (Babel 2.19.0)``…"""
    categories: tuple[str, ...] | None = None
    """CLDR's name of each form (``one``, ``many``, ``other``…), where known."""
    defect: str | None = None
    """Why this rule must not be kept (``None`` for a sound rule)."""

    def form_name(self, index: int) -> str:
        """``many`` where CLDR names the form, else ``form 2``."""
        return self.categories[index] if self.categories else f"form {index}"


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("rules.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _entry(code: str) -> tuple[str, dict[str, Any]] | None:
    """The table's entry for ``code``: the locale itself, else its parents (``pt_BR`` → ``pt``)."""
    rules = _table()["rules"]
    parts = code.split("_")
    while parts:
        key = "_".join(parts)
        if key in rules:
            return key, rules[key]
        parts.pop()
    return None


@lru_cache(maxsize=None)
def known_rules(code: str) -> tuple[KnownRule, ...]:
    """Every rule known for a locale, the standards first (gettext's, then CLDR's)."""
    found = _entry(code)
    if found is None:
        return ()
    _, entry = found
    table = _table()
    known: list[KnownRule] = []
    if "gettext" in entry:
        known.append(KnownRule(_rule(entry["gettext"]), "gettext", table["gettext"]))
    cldr = entry["cldr"]
    categories = tuple(cldr["categories"]) if "categories" in cldr else None
    known.append(KnownRule(_rule(cldr), "cldr", table["cldr"], categories))
    for other in entry.get("also", ()):
        known.append(KnownRule(_rule(other), "babel", other["source"]))
    for other in entry.get("defects", ()):
        known.append(KnownRule(_rule(other), "babel", other["source"], defect=other["problem"]))
    return tuple(_named(rule, known[:2]) for rule in known)


def _rule(entry: dict[str, Any]) -> PluralRule:
    return PluralRule(int(entry["nplurals"]), str(entry["plural"]))


def _named(known: KnownRule, standards: list[KnownRule]) -> KnownRule:
    """Give a rule CLDR's form names when it is equivalent to the CLDR rule (gettext's Russian)."""
    if known.categories is not None:
        return known
    for standard in standards:
        if standard.categories is not None and known.rule.equivalent(standard.rule):
            return KnownRule(known.rule, known.scheme, known.source, standard.categories, known.defect)
    return known


def standard_rule(code: str, scheme: str = DEFAULT_SCHEME) -> KnownRule:
    """The rule new catalogues of ``code`` get under ``scheme`` (gettext falls back to CLDR)."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown plural rule scheme {scheme!r}: expected one of {', '.join(SCHEMES)}")
    known = known_rules(code)
    for rule in known:
        if rule.scheme == scheme:
            return rule
    for rule in known:
        if rule.scheme == "cldr":
            return rule
    return KnownRule(PluralRule(2, "(n != 1)"), "gettext", "GNU gettext's default (the language is unknown to CLDR)")


def identify(code: str, rule: PluralRule) -> KnownRule | None:
    """The known rule ``rule`` is equivalent to (the first such), or None for an unknown rule."""
    for known in known_rules(code):
        if rule.equivalent(known.rule):
            return known
    return None


def describe(known: KnownRule) -> str:
    """``GNU gettext 0.21's 'nplurals=2; plural=(n > 1);'`` for messages."""
    return f"{known.source}'s {known.rule.header!r}"


def table_sources() -> dict[str, str]:
    """Where the table's standards come from, for ``--version``-like reports and the README."""
    table = _table()
    return {"gettext": table["gettext"], "cldr": table["cldr"], "babel_releases": ", ".join(table["babel_releases"])}
