"""Plural rules the project owns: the evaluator, the table, check, init, and moving catalogues."""

from __future__ import annotations

import dataclasses
import gettext
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs import Catalog, Message, format_po, read_po, write_po
from pipeline.checks import run_checks
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.plurals.expression import SAMPLES, PluralExpressionError, PluralRule, compile_expression, parse_plural_forms
from pipeline.plurals.migrate import NOTE, move_catalog, plan_forms
from pipeline.plurals.project import move_locale
from pipeline.plurals.rules import _table, identify, known_rules, standard_rule
from pipeline.ui import CatalogTranslations
from pipeline.update import init_locale, po_path, update_locales

from .conftest import write

ARTICLE = """
---
title: Reading time
slug: a
---

Short text.

::: disclaimer
Disclaimer: Ask your doctor.
:::
"""

OLD_BABEL_ARABIC = "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);"
BABEL_219_FRENCH = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"


# --- the evaluator ---------------------------------------------------------------------------


def _all_table_expressions() -> list[str]:
    expressions = set()
    for entry in _table()["rules"].values():
        for kind in ("gettext", "cldr"):
            if kind in entry:
                expressions.add(entry[kind]["plural"])
        for other in (*entry.get("also", ()), *entry.get("defects", ())):
            expressions.add(other["plural"])
    return sorted(expressions)


@pytest.mark.parametrize("expression", _all_table_expressions())
def test_the_evaluator_agrees_with_the_standard_library(expression: str) -> None:
    """Python's gettext.c2py is an independent implementation of the same C grammar."""
    ours, theirs = compile_expression(expression), gettext.c2py(expression)
    assert [ours(n) for n in range(0, 2001)] == [theirs(n) for n in range(0, 2001)]
    assert [ours(n) for n in (10**6, 2 * 10**6, 10**9 + 11)] == [theirs(n) for n in (10**6, 2 * 10**6, 10**9 + 11)]


@pytest.mark.parametrize(
    "expression",
    ["", "n +", "(n", "n)", "x", "__import__('os')", "n ? 1", "n ** 2", "1; 2", "n = 1", "(" * 200 + "n" + ")" * 200, "n..1"],
)
def test_hostile_or_broken_expressions_are_refused(expression: str) -> None:
    with pytest.raises(PluralExpressionError):
        compile_expression(expression)


def test_c_semantics_unsigned_wrap_and_division_by_zero() -> None:
    assert compile_expression("n - 1 > 5")(0) == 1  # unsigned long: 0 - 1 wraps to 2**64 - 1
    assert compile_expression("!n")(0) == 1 and compile_expression("!n")(3) == 0
    assert compile_expression("n == 1 ? 0 : n == 2 ? 1 : 2")(2) == 1  # ?: is right-associative
    assert compile_expression("10 - 3 - 2")(0) == 5  # binary operators are left-associative
    with pytest.raises(PluralExpressionError, match="division by zero"):
        compile_expression("n % (n - n)")(5)
    assert PluralRule(2, "n % (n - n)").problem() == "division by zero"
    assert PluralRule(2, "n % 3").problem() == "the expression gives form 2 while nplurals is 2"
    assert PluralRule(3, "n % 3").problem() is None


def test_header_values_parse_with_their_reasons() -> None:
    assert parse_plural_forms("nplurals=2; plural=(n != 1);") == PluralRule(2, "(n != 1)")
    with pytest.raises(PluralExpressionError, match="nplurals must be at least 1"):
        parse_plural_forms("nplurals=0; plural=0;")
    with pytest.raises(PluralExpressionError):
        parse_plural_forms("plural=n != 1; nplurals=2;")


def test_example_numbers_reach_the_large_round_ones() -> None:
    cldr_french = standard_rule("fr", "cldr")
    assert cldr_french.categories == ("one", "many", "other")
    assert cldr_french.rule.numbers(1) == (1000000, 2000000, 3000000, 5000000)
    assert 10**6 in SAMPLES and 10000 in SAMPLES


# --- the table --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "gettext_rule", "cldr_forms"),
    [("fr", "nplurals=2; plural=(n > 1);", 3), ("es", "nplurals=2; plural=(n != 1);", 3), ("pt_BR", "nplurals=2; plural=(n > 1);", 3),
     ("de", "nplurals=2; plural=(n != 1);", 2), ("ja", "nplurals=1; plural=0;", 1), ("ru", None, 3), ("ar", None, 6)],
)  # fmt: skip
def test_standard_rules(code: str, gettext_rule: str | None, cldr_forms: int) -> None:
    gettext_known, cldr_known = standard_rule(code, "gettext"), standard_rule(code, "cldr")
    assert gettext_known.scheme == "gettext" and cldr_known.scheme == "cldr"
    if gettext_rule is not None:
        assert gettext_known.rule.header == gettext_rule
    assert cldr_known.rule.nplurals == cldr_forms


def test_gettext_falls_back_to_cldr_where_gnu_gettext_has_no_rule() -> None:
    welsh = standard_rule("cy", "gettext")
    assert welsh.scheme == "cldr" and welsh.rule.nplurals == 6


def test_russian_and_arabic_standards_agree_and_name_their_forms() -> None:
    for code in ("ru", "ar"):
        gettext_known, cldr_known = standard_rule(code, "gettext"), standard_rule(code, "cldr")
        assert gettext_known.rule.equivalent(cldr_known.rule)
        assert gettext_known.categories == cldr_known.categories  # named after CLDR's equivalent rule


def test_every_rule_a_supported_babel_wrote_is_known() -> None:
    """Babel 2.12–2.18 wrote Russian with n%100<10 || n%100>=20, 2.19 with n%100<12 || n%100>14."""
    russian_babel_219 = "n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2"
    assert identify("ru", PluralRule(3, russian_babel_219)) is not None
    assert identify("fr", parse_plural_forms(BABEL_219_FRENCH)).scheme == "cldr"
    old_welsh = identify("cy", PluralRule(5, "(n==1 ? 1 : n==2 ? 2 : n==3 ? 3 : n==6 ? 4 : 0)"))
    assert old_welsh is not None and old_welsh.scheme == "babel" and old_welsh.defect is None


def test_babels_old_arabic_rule_is_a_known_defect() -> None:
    known = identify("ar", parse_plural_forms(OLD_BABEL_ARABIC))
    assert known is not None and known.defect is not None and known.source.startswith("Babel 2.12")
    old, new = parse_plural_forms(OLD_BABEL_ARABIC), standard_rule("ar").rule
    assert (old.select(11), old.select(100)) == (5, 4) and (new.select(11), new.select(100)) == (4, 5)


def test_the_table_does_not_come_from_the_installed_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    import babel.messages.plurals

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("translatio asked the installed Babel for a plural rule")

    monkeypatch.setattr(babel.messages.plurals, "get_plural", refuse)
    known_rules.cache_clear()
    assert standard_rule("fr").rule.header == "nplurals=2; plural=(n > 1);"


@pytest.mark.skipif(shutil.which("msginit") is None, reason="msginit (GNU gettext) is not installed")
@pytest.mark.parametrize("code", ["fr", "pt_BR", "es", "de", "ru", "pl", "cs", "lt", "lv", "ro", "sl", "ga", "ja", "uk"])
def test_the_gettext_rules_are_what_msginit_writes(tmp_path: Path, code: str) -> None:
    pot = write(tmp_path / "t.pot", 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    done = subprocess.run(["msginit", "--no-translator", "-l", code, "-i", str(pot), "-o", str(tmp_path / "x.po")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    value = read_po(tmp_path / "x.po").header_fields["Plural-Forms"]
    assert parse_plural_forms(value).equivalent(standard_rule(code, "gettext").rule)


# --- init, update, configuration --------------------------------------------------------------


@pytest.fixture
def site(project: Path) -> Path:
    write(project / "source" / "a.md", ARTICLE)
    return project


def _plural_rule_of(path: Path) -> str:
    return read_po(path).header_fields["Plural-Forms"]


def test_init_writes_the_configured_scheme_whatever_babel_says(site: Path) -> None:
    init_locale(load_config(site), "fr")
    assert _plural_rule_of(po_path(load_config(site), "fr", "ui")) == "nplurals=2; plural=(n > 1);"
    write(site / "pyproject.toml", '[tool.translatio]\nplural_rules = "cldr"\n[tool.translatio.locale.es]\nplural_rules = "gettext"\n')
    config = load_config(site)
    init_locale(config, "pt_BR")
    init_locale(config, "es")
    assert parse_plural_forms(_plural_rule_of(po_path(config, "pt_BR", "a"))).nplurals == 3
    assert _plural_rule_of(po_path(config, "es", "a")) == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize("table", ['plural_rules = "babel"', "plural_rules = 2", '[tool.translatio.locale.fr]\nplural_rules = "CLDR"'])
def test_a_bad_plural_rules_value_names_the_key(site: Path, table: str) -> None:
    write(site / "pyproject.toml", f"[tool.translatio]\n{table}\n")
    with pytest.raises(ConfigError, match=r"tool\.translatio\.(locale\.fr\.)?plural_rules: expected one of 'gettext', 'cldr'"):
        load_config(site)


def test_a_new_article_follows_its_locales_rule(site: Path) -> None:
    config = load_config(site)
    init_locale(config, "fr")
    move_locale(config, "fr", "cldr")
    write(site / "source" / "b.md", ARTICLE.replace("slug: a", "slug: b"))
    update_locales(config)
    assert parse_plural_forms(_plural_rule_of(po_path(config, "fr", "b"))).nplurals == 3


# --- check --------------------------------------------------------------------------------------


MINUTES_PLURAL = "%(count)s minutes read"


def _fill_minutes(path: Path, forms: tuple[str, ...]) -> None:
    """Translate the reading-time message (the ui catalogue's other plural messages stay as they are)."""
    catalog = read_po(path)
    messages = tuple(dataclasses.replace(m, msgstr=forms) if m.msgid_plural == MINUTES_PLURAL else m for m in catalog.messages)
    write_po(dataclasses.replace(catalog, messages=messages), path)


def _set_plural_forms(path: Path, value: str) -> None:
    catalog = read_po(path)
    fields = catalog.header_fields
    fields["Plural-Forms"] = value
    write_po(catalog.with_header_fields(fields), path)


def plural_findings(root: Path) -> list[str]:
    return [f.message for f in run_checks(load_config(root), ["fr"], min_percent=0).findings if f.check == "plural-forms"]


def test_old_and_new_babel_catalogues_both_pass_check_and_build_the_same(site: Path) -> None:
    """A 2-form catalogue (Babel ≤ 2.18, GNU gettext) and a 3-form one (Babel 2.19, CLDR) of the
    same translation: both pass, and the page shows the same text for the same numbers."""
    config = load_config(site)
    init_locale(config, "fr")
    path = po_path(config, "fr", "ui")
    _fill_minutes(path, ("%(count)s minute de lecture", "%(count)s minutes de lecture"))
    assert plural_findings(site) == []
    two = CatalogTranslations(read_po(path))
    _set_plural_forms(path, BABEL_219_FRENCH)
    _fill_minutes(path, ("%(count)s minute de lecture", "%(count)s minutes de lecture", "%(count)s minutes de lecture"))
    assert plural_findings(site) == []
    three = CatalogTranslations(read_po(path))
    for n in (0, 1, 2, 5, 1000000):
        assert two.ngettext("%(count)s minute read", "%(count)s minutes read", n) == three.ngettext("%(count)s minute read", "%(count)s minutes read", n)


def test_check_names_an_unknown_rule_and_the_known_ones(site: Path) -> None:
    config = load_config(site)
    init_locale(config, "fr")
    _set_plural_forms(po_path(config, "fr", "ui"), "nplurals=2; plural=(n != 1);")  # English's rule, not French
    [message] = plural_findings(site)
    assert message == (
        "Plural-Forms 'nplurals=2; plural=(n != 1);' is not a rule known for French: expected "
        "GNU gettext 0.21's 'nplurals=2; plural=(n > 1);' or " + f"{standard_rule('fr', 'cldr').source}'s {standard_rule('fr', 'cldr').rule.header!r}"
    )


def test_check_names_the_arabic_defect_and_the_command_that_fixes_it(project: Path) -> None:
    write(project / "source" / "a.md", ARTICLE)
    config = load_config(project)
    init_locale(config, "ar")
    _set_plural_forms(po_path(config, "ar", "ui"), OLD_BABEL_ARABIC)
    report = run_checks(config, ["ar"], min_percent=0)
    [message] = [f.message for f in report.findings if f.check == "plural-forms"]
    assert "a known defect" in message and "Babel 2.12" in message
    assert "'translatio plurals ar --to gettext'" in message


def test_check_uses_the_headers_nplurals_for_entries_and_range(site: Path) -> None:
    config = load_config(site)
    init_locale(config, "fr")
    path = po_path(config, "fr", "ui")
    _set_plural_forms(path, BABEL_219_FRENCH)
    _fill_minutes(path, ("a", "b"))
    assert plural_findings(site) == ["2 plural forms, the header's Plural-Forms has 3"]
    _set_plural_forms(path, "nplurals=2; plural=n%3;")
    assert any("gives form 2 while nplurals is 2" in m for m in plural_findings(site))


# --- moving catalogues -------------------------------------------------------------------------


def _plural_catalog(rule: PluralRule, forms: tuple[str, ...], **changes: object) -> Catalog:
    header = Message("", msgstr=(f"Language: x\nPlural-Forms: {rule.header}\n",))
    message = dataclasses.replace(Message("%(count)s day", msgstr=forms, msgid_plural="%(count)s days", flags=("python-format",)), **changes)
    return Catalog(header=header, messages=(Message("Hello", msgstr=("Salut",)), message))


def _pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for code in sorted(_table()["rules"]):
        known = [k for k in known_rules(code) if k.scheme in ("gettext", "cldr", "babel")]
        for old in known:
            for new in known[:2]:
                if old.rule.header != new.rule.header:
                    pairs.append((code, old.rule.header, new.rule.header))
    return pairs


@pytest.mark.parametrize(("code", "old_value", "new_value"), _pairs())
def test_a_move_keeps_the_text_of_every_number_and_undoes_exactly(code: str, old_value: str, new_value: str) -> None:
    """For every language and every pair of known rules: after the move each number shows the
    text it showed before wherever the new rule keeps it with the same numbers (not where it
    joins numbers of another old form, nor in a form the new rule adds, left empty for a
    translator), no text disappears, and moving back gives back the same file, byte for byte."""
    old = next(k for k in known_rules(code) if k.rule.header == old_value)
    new = next(k for k in known_rules(code) if k.rule.header == new_value)
    forms = tuple(f"text {i}" for i in range(old.rule.nplurals))
    before = _plural_catalog(old.rule, forms)
    plan = plan_forms(old, new)
    moved = move_catalog(before, plan)
    after = moved.catalog.messages[1]
    old_forms_of: dict[int, set[int]] = {}
    for old_form, new_form in zip(old.rule.signature(), new.rule.signature()):
        old_forms_of.setdefault(new_form, set()).add(old_form)
    for old_form, new_form in zip(old.rule.signature(), new.rule.signature()):
        if new_form not in plan.added and old_forms_of[new_form] == {old_form}:
            assert after.msgstr[new_form] == forms[old_form]
    for text in forms:  # nothing lost: every text is a form or a kept comment
        assert text in after.msgstr or any(c.endswith(f"was: {text}") for c in after.translator_comments)
    assert after.fuzzy == bool(plan.added)
    back = move_catalog(moved.catalog, plan_forms(new, old))
    assert format_po(back.catalog) == format_po(before)


@pytest.mark.parametrize("code", ["fr", "pt_BR", "ar", "ru"])
def test_gettext_to_cldr_and_back_gives_the_same_bytes(site: Path, code: str) -> None:
    config = load_config(site)
    init_locale(config, code)
    path = po_path(config, code, "ui")
    nplurals = standard_rule(code).rule.nplurals
    _fill_minutes(path, tuple(f"{code} form {i} %(count)s" for i in range(nplurals)))
    original = {p: p.read_bytes() for p in path.parent.glob("*.po")}
    move_locale(config, code, "cldr")
    move_locale(config, code, "gettext")
    assert {p: p.read_bytes() for p in path.parent.glob("*.po")} == original


def test_french_to_cldr_leaves_many_empty_fuzzy_with_its_numbers(site: Path) -> None:
    config = load_config(site)
    init_locale(config, "fr")
    path = po_path(config, "fr", "ui")
    _fill_minutes(path, ("%(count)s minute de lecture", "%(count)s minutes de lecture"))
    plural_entries = sum(m.msgid_plural is not None for m in read_po(path).active)  # the notice's too, untranslated
    [ui, article] = sorted(move_locale(config, "fr", "cldr"), key=lambda m: m.domain != "ui")
    assert (ui.entries, ui.added, ui.fuzzy, ui.written) == (plural_entries, 1, 1, True)
    assert (article.entries, article.added, article.written) == (0, 0, True)  # its header moves too
    [entry] = [m for m in read_po(path).active if m.msgid_plural == MINUTES_PLURAL]
    assert entry.msgstr == ("%(count)s minute de lecture", "", "%(count)s minutes de lecture") and entry.fuzzy
    assert entry.translator_comments == (f"{NOTE} fill many (1000000, 2000000, 3000000, 5000000…) — marked fuzzy",)
    assert "python-format" in entry.flags


def test_a_translated_many_form_survives_a_move_to_gettext_and_back(site: Path) -> None:
    config = load_config(site)
    init_locale(config, "fr")
    move_locale(config, "fr", "cldr")
    path = po_path(config, "fr", "ui")
    _fill_minutes(path, ("%(count)s minute", "%(count)s de minutes", "%(count)s minutes"))
    edited = path.read_bytes()
    [ui] = [m for m in move_locale(config, "fr", "gettext") if m.domain == "ui"]
    assert ui.kept == 1
    [entry] = [m for m in read_po(path).active if m.msgid_plural == MINUTES_PLURAL]
    assert entry.msgstr == ("%(count)s minute", "%(count)s minutes")
    assert entry.translator_comments == (f"{NOTE} many (1000000, 2000000, 3000000, 5000000…) was: %(count)s de minutes",)
    [ui] = [m for m in move_locale(config, "fr", "cldr") if m.domain == "ui"]
    assert ui.restored == 1 and ui.added == 0
    assert path.read_bytes() == edited


def test_a_fuzzy_entry_is_not_marked_twice_and_keeps_its_flag() -> None:
    old, new = standard_rule("fr", "gettext"), standard_rule("fr", "cldr")
    before = _plural_catalog(old.rule, ("a", "b"), flags=("fuzzy", "python-format"))
    moved = move_catalog(before, plan_forms(old, new))
    entry = moved.catalog.messages[1]
    assert entry.fuzzy and moved.fuzzy == 0 and not entry.translator_comments[0].endswith("marked fuzzy")
    back = move_catalog(moved.catalog, plan_forms(new, old))
    assert format_po(back.catalog) == format_po(before)


def test_an_untranslated_entry_gets_no_note_and_obsolete_ones_move_too() -> None:
    old, new = standard_rule("fr", "gettext"), standard_rule("fr", "cldr")
    empty = _plural_catalog(old.rule, ("", ""))
    entry = move_catalog(empty, plan_forms(old, new)).catalog.messages[1]
    assert entry.msgstr == ("", "", "") and not entry.fuzzy and not entry.translator_comments
    obsolete = _plural_catalog(old.rule, ("a", "b"), obsolete=True)
    entry = move_catalog(obsolete, plan_forms(old, new)).catalog.messages[1]
    assert entry.msgstr == ("a", "", "b") and not entry.fuzzy


def test_a_dry_run_writes_nothing_and_a_broken_catalogue_stops_everything(site: Path) -> None:
    config = load_config(site)
    init_locale(config, "fr")
    before = {p: p.read_bytes() for p in (site / "locale" / "fr" / "LC_MESSAGES").glob("*.po")}
    assert all(m.changed and not m.written for m in move_locale(config, "fr", "cldr", dry_run=True))
    assert {p: p.read_bytes() for p in before} == before
    po_path(config, "fr", "zz").write_text('msgid "broken\n', encoding="utf-8")
    assert main(["-C", str(site), "plurals", "fr", "--to", "cldr"]) == 2
    assert {p: p.read_bytes() for p in before} == before


def test_the_command_reports_as_text_and_json(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(site)
    init_locale(config, "ar")
    _set_plural_forms(po_path(config, "ar", "ui"), OLD_BABEL_ARABIC)
    assert main(["-C", str(site), "plurals", "ar"]) == 0
    shown = capsys.readouterr().out
    assert "known defect" in shown and "100, 101, 102" in shown
    assert main(["-C", str(site), "plurals", "ar", "--to", "gettext", "--dry-run", "--format", "json"]) == 0
    report = {row["domain"]: row for row in json.loads(capsys.readouterr().out)}
    assert report["ui"]["from"]["defect"] and report["ui"]["forms"] == "many ← form 5, other ← form 4"
    assert report["ui"]["changed"] and not report["ui"]["written"]
    assert report["a"]["from"]["defect"] is None and report["a"]["forms"] == "same forms" and not report["a"]["changed"]
    assert main(["-C", str(site), "plurals", "ar", "--to", "gettext"]) == 0
    assert "plural-forms" not in {f.check for f in run_checks(config, ["ar"], min_percent=0).findings}
