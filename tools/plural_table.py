"""Regenerate ``pipeline/plurals/rules.json``: the plural rules translatio knows, per language.

A maintainer's tool, run when a new Babel (CLDR) release or GNU gettext release should be known
to the project; translatio itself never asks the installed Babel for a plural rule, so a new
Babel cannot change what a catalogue means. What it collects:

- **gettext**: the rule GNU ``msginit`` writes for the language (its built-in table, run here
  for every language), plus the rules the GNU gettext manual lists for languages that table
  lacks (``MANUAL`` below; Arabic).
- **cldr**: the rule Babel ``CLDR_BABEL`` writes (``babel.messages.plurals.get_plural``), with
  the CLDR category (zero, one, two, few, many, other) of each form.
- **also**: every other rule a Babel release the project supports (``BABEL_RELEASES``) wrote,
  so that a catalogue made under any of them is recognised; one that orders the same forms
  differently from both standards is recorded as a *defect* instead (Babel's old Arabic rule).

Usage: ``python tools/plural_table.py`` (needs network for ``pip download`` of the Babel
releases, and GNU gettext's ``msginit``); review the diff of ``rules.json`` before committing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.plurals.expression import PluralRule  # noqa: E402

OUTPUT = ROOT / "pipeline" / "plurals" / "rules.json"
BABEL_RELEASES = ("2.12.0", "2.13.1", "2.14.0", "2.15.0", "2.16.0", "2.17.0", "2.18.0", "2.19.0")
CLDR_BABEL = "2.19.0"
MANUAL = {  # GNU gettext manual, "Plural forms" (languages msginit's table does not have)
    "ar": PluralRule(6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5"),
}

_DUMP = r"""
import json, sys
import babel
from babel import Locale
from babel.localedata import locale_identifiers
from babel.messages.plurals import get_plural
from babel.plural import PluralRule
from babel.core import get_global
try:
    cldr = get_global("cldr")["version"]
except Exception:
    cldr = None
out = {"version": babel.__version__, "cldr": cldr, "rules": {}}
for ident in sorted(locale_identifiers()):
    try:
        locale = Locale.parse(ident)
        plural = get_plural(locale)
    except Exception:
        continue
    try:
        rule = PluralRule.parse(locale.plural_form)
        categories = [rule(n) for n in range(0, 1001)] + [rule(n) for n in (10**6, 2 * 10**6, 10**7)]
    except Exception:
        categories = None
    out["rules"][ident] = [plural.num_plurals, plural.plural_expr, categories]
json.dump(out, sys.stdout)
"""
CLDR_VERSIONS: dict[str, str] = {}
_CATEGORY_SAMPLES = (*range(0, 1001), 10**6, 2 * 10**6, 10**7)


def babel_rules(version: str, cache: Path) -> dict[str, tuple[PluralRule, list[str] | None]]:
    target = cache / f"babel-{version}"
    if not target.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), f"babel=={version}"],
            check=True,
        )
    dumped = subprocess.run(
        [sys.executable, "-c", _DUMP], env={"PYTHONPATH": str(target)}, check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(dumped)
    CLDR_VERSIONS[version] = data["cldr"]
    return {ident: (PluralRule(n, expr), categories) for ident, (n, expr, categories) in data["rules"].items()}


def msginit_rule(code: str) -> PluralRule | None:
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "t.pot"
        pot.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
        result = subprocess.run(
            ["msginit", "--no-translator", "-l", code, "-i", str(pot), "-o", "-"], capture_output=True, text=True
        )
    text = "".join(line.strip().strip('"') for line in result.stdout.splitlines() if line.startswith('"'))
    for field in text.split("\\n"):
        if field.startswith("Plural-Forms:"):
            value = field.removeprefix("Plural-Forms:").strip()
            nplurals, plural = value.split(";", 1)
            return PluralRule(int(nplurals.split("=")[1]), plural.strip().removeprefix("plural=").rstrip(";").strip())
    return None


def _labels(rule: PluralRule, categories: list[str] | None) -> list[str] | None:
    """The CLDR category of each form, when every sample of a form has the same category."""
    if categories is None:
        return None
    labels: list[str | None] = [None] * rule.nplurals
    for n, category in zip(_CATEGORY_SAMPLES, categories):
        index = rule.select(n)
        if labels[index] not in (None, category):
            return None
        labels[index] = category
    return None if None in labels else [str(label) for label in labels]


def _entry(rule: PluralRule, **extra: object) -> dict[str, object]:
    return {"nplurals": rule.nplurals, "plural": rule.expression, **extra}


def _permutation(rule: PluralRule, standard: PluralRule) -> bool:
    """Same partition of the numbers into forms, in another order."""
    if rule.nplurals != standard.nplurals or rule.equivalent(standard):
        return False
    pairs = set(zip(rule.signature(), standard.signature()))
    return len(pairs) == rule.nplurals


def main() -> None:
    version_line = subprocess.run(["msginit", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    gettext_version = f"GNU gettext {version_line.split()[-1]}"
    with tempfile.TemporaryDirectory() as cache_name:
        cache = Path(cache_name)
        releases = {version: babel_rules(version, cache) for version in BABEL_RELEASES}
    newest = releases[CLDR_BABEL]
    languages = sorted({ident.split("_")[0] for ident in newest})
    gettext = {code: rule for code in [*languages, "pt_BR"] if (rule := msginit_rule(code)) is not None}
    gettext.update(MANUAL)

    table: dict[str, dict[str, object]] = {}
    for ident in sorted(newest):
        language = ident.split("_")[0]
        cldr, categories = newest[ident]
        own_gettext = gettext.get(ident) or gettext.get(language)
        entry: dict[str, object] = {}
        if own_gettext is not None:
            entry["gettext"] = _entry(own_gettext)
        labels = _labels(cldr, categories)
        entry["cldr"] = _entry(cldr, **({"categories": labels} if labels else {}))
        standards = [rule for rule in (own_gettext, cldr) if rule is not None]
        variants: list[tuple[PluralRule, list[str]]] = []
        for version, rules in releases.items():
            if ident not in rules:
                continue
            rule = rules[ident][0]
            if any(rule.equivalent(known) for known in standards):
                continue
            for known, versions in variants:
                if rule.equivalent(known):
                    versions.append(version)
                    break
            else:
                variants.append((rule, [version]))
        also: list[dict[str, object]] = []
        defects: list[dict[str, object]] = []
        for rule, versions in variants:
            source = f"Babel {versions[0]}" + (f" to {versions[-1]}" if len(versions) > 1 else "")
            if all(_permutation(rule, standard) for standard in standards):
                defects.append(_entry(rule, source=source, problem="the standard forms in another order"))
            else:
                also.append(_entry(rule, source=source))
        if also:
            entry["also"] = also
        if defects:
            entry["defects"] = defects
        if ident != language and table.get(language) == entry:
            continue  # a regional locale with its language's rules: looked up by language
        table[ident] = entry

    data = {
        "about": "Plural rules per locale: GNU gettext's conventional rule, CLDR's, and others "
        "earlier Babel releases wrote. Generated by tools/plural_table.py; do not edit by hand.",
        "gettext": gettext_version,
        "cldr": f"CLDR {CLDR_VERSIONS[CLDR_BABEL]} (Babel {CLDR_BABEL})",
        "babel_releases": list(BABEL_RELEASES),
        "rules": table,
    }
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(table)} locales, {len(gettext)} with a gettext rule")


if __name__ == "__main__":
    main()
