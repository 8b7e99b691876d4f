"""extract, init and update on real projects: the seed, idempotency, merges, bad input."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from pipeline import update as update_module
from pipeline.catalogs import Message, format_po, read_po, write_po
from pipeline.cli import main
from pipeline.config import Config, load_config
from pipeline.memory.tmx import read_tmx
from pipeline.errors import CatalogError, LocaleError, SourceError
from pipeline.extract import extract_project, write_templates
from pipeline.update import init_locale, po_path, update_locales

from .conftest import edit_po, write

MSGFMT = shutil.which("msgfmt")
MSGCAT = shutil.which("msgcat")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def translate_all(path: Path, prefix: str = "DE ") -> None:
    def change(m: Message) -> Message:
        if m.obsolete:
            return m
        forms = tuple(prefix + (m.msgid_plural if i and m.msgid_plural else m.msgid) for i in range(len(m.msgstr)))
        return dataclasses.replace(m, msgstr=forms)

    edit_po(path, change)


def assert_gettext_clean(root: Path) -> None:
    for path in sorted((root / "locale").rglob("*.po*")):
        if MSGFMT:
            subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)
        if MSGCAT:
            out = subprocess.run([MSGCAT, str(path)], check=True, capture_output=True).stdout
            assert out == path.read_bytes(), f"{path} is not a fixed point of msgcat"


def test_seed_text_article_end_to_end(seed_project: Path) -> None:
    config = load_config(seed_project)
    write_templates(config, extract_project(config).texts)
    pot = read_po(seed_project / "locale" / "valium-article.pot")
    ids = [m.msgid for m in pot.messages]
    assert ids[0] == "Valium article"  # the seed has no title line: the file name gives one
    assert "What is Valium (Diazepam)?" in ids
    disclaimer = [m for m in pot.messages if m.extracted_comments == ("disclaimer: required",)]
    assert len(disclaimer) == 1 and disclaimer[0].msgid.endswith("regarding a medical condition.")
    assert all(r.startswith("source/valium-article.txt:") for m in pot.messages for r in m.references)

    init_locale(config, "de")
    po = po_path(config, "de", "valium-article")
    header = read_po(po).header_fields
    assert header["Language"] == "de" and header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in header["Content-Type"]
    translate_all(po)
    text = (seed_project / "source" / "valium-article.txt").read_text(encoding="utf-8")
    (seed_project / "source" / "valium-article.txt").write_text(
        text.replace("Valium is also a powerful muscle relaxant.", "Valium is also a strong muscle relaxant."), encoding="utf-8"
    )
    (result,) = [r for r in update_locales(config) if r.domain == "valium-article"]
    assert result.summary.changed == 1 and result.summary.new == 0
    changed = [m for m in read_po(po).messages if m.fuzzy]
    assert len(changed) == 1 and "powerful muscle relaxant" in (changed[0].previous_msgid or "")
    assert changed[0].msgstr[0].startswith("DE Valium is also a powerful")
    assert_gettext_clean(seed_project)


def test_extract_and_update_twice_change_no_byte(valium_project: Path) -> None:
    config = load_config(valium_project)
    init_locale(config, "fr")
    translate_all(po_path(config, "fr", "valium"))
    update_locales(config)
    first = snapshot(valium_project)
    update_locales(config)
    write_templates(config, extract_project(config).texts)
    assert snapshot(valium_project) == first
    assert_gettext_clean(valium_project)


def test_update_fuzzy_obsolete_and_revival(valium_project: Path) -> None:
    config = load_config(valium_project)
    init_locale(config, "de")
    po = po_path(config, "de", "valium")
    translate_all(po)
    article = valium_project / "source" / "valium.md"
    original = article.read_text(encoding="utf-8")
    removed = original.replace("### Drug Interactions\n\n", "")
    article.write_text(removed, encoding="utf-8")
    (result,) = [r for r in update_locales(config) if r.domain == "valium"]
    assert result.summary.obsolete == 1
    assert [m.msgid for m in read_po(po).obsolete] == ["Drug Interactions"]
    article.write_text(original, encoding="utf-8")
    (result,) = [r for r in update_locales(config) if r.domain == "valium"]
    assert result.summary.revived == 1
    revived = [m for m in read_po(po).active if m.msgid == "Drug Interactions"][0]
    assert revived.msgstr == ("DE Drug Interactions",) and not revived.fuzzy


def test_translator_comments_and_flags_survive(valium_project: Path) -> None:
    config = load_config(valium_project)
    init_locale(config, "de")
    po = po_path(config, "de", "valium")
    catalog = read_po(po)
    first = dataclasses.replace(catalog.messages[0], translator_comments=("Checked with the pharmacist.",), flags=("no-wrap",), msgstr=("Titel",))
    write_po(dataclasses.replace(catalog, messages=(first, *catalog.messages[1:])), po)
    update_locales(config)
    again = read_po(po).messages[0]
    assert again.translator_comments == ("Checked with the pharmacist.",)
    assert "no-wrap" in again.flags and again.msgstr == ("Titel",)


def test_new_article_gets_catalogues_in_existing_locales(valium_project: Path) -> None:
    config = load_config(valium_project)
    init_locale(config, "de")
    write(valium_project / "source" / "second.md", "# Second\n\nBody.\n\n::: disclaimer\nDisclaimer: short.\n:::\n")
    results = update_locales(config)
    created = [r for r in results if r.created]
    assert [(r.locale, r.domain) for r in created] == [("de", "second")]
    assert po_path(config, "de", "second").is_file()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('msgid "a\nmsgstr ""\n', 1, "unterminated"),
        ('msgid "a\\q"\nmsgstr ""\n', 1, "escape"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate"),
        ('msgid ""\nmsgstr "Content-Type: text/plain; charset=NOPE\\n"\n', 2, "charset"),
        ('msgid ""\nmsgstr "Plural-Forms: nplurals=x; plural=n;\\n"\n', 2, "Plural-Forms"),
        (
            'msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            'msgid "a"\nmsgid_plural "b"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n',
            8,
            "nplurals=2",
        ),
    ],
)
def test_malformed_po_stops_update_before_any_write(valium_project: Path, text: str, line: int, message: str) -> None:
    config = load_config(valium_project)
    init_locale(config, "de")
    po = po_path(config, "de", "valium")
    po.write_text(text, encoding="utf-8")
    (valium_project / "source" / "valium.md").write_text(
        (valium_project / "source" / "valium.md").read_text(encoding="utf-8").replace("Seizure Control", "Seizure Management"), encoding="utf-8"
    )
    before = snapshot(valium_project)
    with pytest.raises(CatalogError) as info:
        update_locales(config)
    assert str(info.value).startswith(f"{po}:{line}: ")
    assert message.lower() in str(info.value).lower()
    assert snapshot(valium_project) == before


def test_source_not_utf8_is_refused_with_its_line(valium_project: Path) -> None:
    config = load_config(valium_project)
    (valium_project / "source" / "bad.md").write_bytes(b"# Title\n\ncaf\xe9\n")
    with pytest.raises(SourceError, match=r"bad\.md:3: not valid UTF-8"):
        update_locales(config)
    assert not (valium_project / "locale").exists()


def test_article_without_disclaimer_is_an_error_unless_configured(project: Path) -> None:
    write(project / "source" / "plain.md", "# Plain\n\nNo disclaimer here.\n")
    with pytest.raises(SourceError, match="no disclaimer"):
        extract_project(load_config(project))
    write(project / "pyproject.toml", "[tool.translatio]\nrequire_disclaimer = false\n")
    assert [t.domain for t in extract_project(load_config(project)).templates] == ["plain", "ui"]


@pytest.mark.parametrize("code", ["../x", "de/../../etc", "", "xx"])
def test_hostile_locale_codes_write_nothing(valium_project: Path, code: str) -> None:
    with pytest.raises(LocaleError):
        init_locale(load_config(valium_project), code)
    assert not (valium_project / "locale").exists()
    assert not (valium_project.parent / "x").exists()


def test_init_normalizes_and_never_overwrites(valium_project: Path) -> None:
    config = load_config(valium_project)
    results = init_locale(config, "pt-BR")
    assert {r.path.parent.parent.name for r in results} == {"pt_BR"}
    po = po_path(config, "pt_BR", "valium")
    translate_all(po, "PT ")
    before = po.read_bytes()
    again = init_locale(config, "pt_BR")
    assert not any(r.created for r in again)
    assert po.read_bytes() == before


def test_update_of_unknown_locale_says_run_init(valium_project: Path) -> None:
    with pytest.raises(LocaleError, match="translatio init fr"):
        update_locales(load_config(valium_project), ["fr"])


def test_pot_creation_date_is_stable_until_the_messages_change(valium_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(valium_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_templates(config, extract_project(config).texts)
    pot = valium_project / "locale" / "valium.pot"
    assert read_po(pot).header_fields["POT-Creation-Date"] == "2023-11-14 22:13+0000"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    write_templates(config, extract_project(config).texts)
    assert read_po(pot).header_fields["POT-Creation-Date"] == "2023-11-14 22:13+0000"
    article = valium_project / "source" / "valium.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Seizure Control", "Seizure Management"), encoding="utf-8")
    import pipeline.extract as extract_module

    formatted: list[object] = []
    real_format = extract_module.format_po
    monkeypatch.setattr(extract_module, "format_po", lambda catalog: formatted.append(catalog) or real_format(catalog))
    extraction = extract_project(config)
    assert len(formatted) == len(extraction.texts)  # each template formatted once, the changed one too
    monkeypatch.setattr(extract_module, "format_po", real_format)
    write_templates(config, extraction.texts)
    assert read_po(pot).header_fields["POT-Creation-Date"] == "2027-01-15 08:00+0000"
    # the new date is written into the text made with the old one: the same bytes as formatting
    # the finished template anew, and the catalogue returned is that template
    assert extraction.texts[pot] == format_po(extraction.catalogs[pot])
    assert extraction.catalogs[pot].header_fields["POT-Creation-Date"] == "2027-01-15 08:00+0000"
    (valium_project / "locale" / "valium.pot").write_bytes(pot.read_bytes().replace(b"2027-01-15 08:00+0000", b"2027-01-15 8:00 UTC"))
    article.write_text(article.read_text(encoding="utf-8").replace("Seizure Management", "Seizure Control"), encoding="utf-8")
    extraction = extract_project(config)  # an old date in another form: formatted anew
    assert extraction.texts[pot] == format_po(extraction.catalogs[pot])
    assert extraction.catalogs[pot].header_fields["POT-Creation-Date"] == "2027-01-15 08:00+0000"


def test_identical_text_is_one_message_with_every_reference_and_kind(project: Path) -> None:
    write(
        project / "source" / "r.md",
        """
        ---
        title: Repeats
        ---

        ## Dosage

        Dosage

        - Dosage

        ```
        Dosage in code is not translated
        ```

        ::: disclaimer
        Disclaimer: short.
        :::
        """,
    )
    config = load_config(project)
    (pot,) = [c for p, c in extract_project(config).catalogs.items() if p.name == "r.pot"]
    (dosage,) = [m for m in pot.messages if m.msgid == "Dosage"]
    assert dosage.references == ("source/r.md:5", "source/r.md:7", "source/r.md:9")
    assert dosage.extracted_comments == ("heading level 2", "paragraph", "list item")
    assert not any("code" in m.msgid for m in pot.messages)


# --- a translator's save while update runs ----------------------------------------------------


def _saving_project(root: Path) -> tuple[Config, Path]:
    """A German locale, translated, up to date; then a source change, so update has work to do."""
    config = load_config(root)
    init_locale(config, "de")
    po = po_path(config, "de", "valium")
    translate_all(po)
    update_locales(config)
    article = root / "source" / "valium.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Seizure Control", "Seizure Management"), encoding="utf-8")
    return config, po


def _save_by_rename(po: Path, marker: str) -> None:
    """What Poedit, Emacs or vim usually do: write a new file, rename it over the old one."""
    text = po.read_text(encoding="utf-8").replace('msgstr "DE Anxiety Relief"', f'msgstr "{marker}"')
    temp = po.with_name(po.name + "~new")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, po)


def _save_in_place(po: Path, marker: str) -> None:
    """What a plain ``open(path, "w")`` does: the same file, truncated and rewritten."""
    text = po.read_text(encoding="utf-8").replace('msgstr "DE Anxiety Relief"', f'msgstr "{marker}"')
    with open(po, "r+", encoding="utf-8") as handle:
        handle.truncate(0)
        handle.write(text)


def content(root: Path) -> dict[str, bytes]:
    """Every file but the memory's index (a derived cache, not in git)."""
    return {name: data for name, data in snapshot(root).items() if ".tm-index" not in name}


def _memory_targets(root: Path, locale: str) -> set[str]:
    return {unit.target for unit in read_tmx(root / "locale" / "tm" / f"{locale}.tmx")}


@pytest.mark.parametrize("save", [_save_by_rename, _save_in_place], ids=["rename", "in-place"])
def test_a_save_during_update_is_merged_not_lost(valium_project: Path, monkeypatch: pytest.MonkeyPatch, save: Callable[[Path, str], None]) -> None:
    config, po = _saving_project(valium_project)
    real_plan = update_module.plan_update
    saves = []

    def plan_then_save(*args: Any, **kwargs: Any) -> Any:
        plan = real_plan(*args, **kwargs)
        if not saves:  # the translator saves after update has read and merged everything
            save(po, "Linderung der Angst (gespeichert)")
            saves.append(po.read_bytes())
        return plan

    monkeypatch.setattr(update_module, "plan_update", plan_then_save)
    (result,) = [r for r in update_locales(config) if r.locale == "de" and r.domain == "valium"]
    monkeypatch.undo()
    catalog = read_po(po)
    entries = {m.msgid: m for m in catalog.active}
    assert entries["Anxiety Relief"].msgstr == ("Linderung der Angst (gespeichert)",)  # the save survived
    assert entries["Seizure Management"].fuzzy  # and the update's merge is in too
    assert result.written and result.summary.changed == 1
    assert "Linderung der Angst (gespeichert)" in _memory_targets(valium_project, "de")  # harvested
    before = content(valium_project)
    update_locales(config)  # the memory and the catalogues agree: nothing left to do
    assert content(valium_project) == before


def test_a_catalogue_that_keeps_changing_is_left_as_saved_with_one_line(valium_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config, po = _saving_project(valium_project)
    real_read = update_module.read_catalogue_bytes
    count = [0]

    def read_then_save(path: Path) -> Any:
        found = real_read(path)
        if path == po:  # every time update reads it, the translator saves again
            count[0] += 1
            with open(po, "a", encoding="utf-8") as handle:
                handle.write(f"\n# save {count[0]}\n")
        return found

    monkeypatch.setattr(update_module, "read_catalogue_bytes", read_then_save)
    assert main(["-C", str(valium_project), "update"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"{po}: changed while update was running; nothing of it was overwritten — run 'translatio update' again\n"
    )
    assert count[0] == 1 + update_module.RETRIES
    assert po.read_text(encoding="utf-8").endswith(f"\n# save {count[0]}\n")  # the last save, untouched
    monkeypatch.undo()
    assert main(["-C", str(valium_project), "update"]) == 0
    assert main(["-C", str(valium_project), "check"]) in (0, 1)
    assert "freshness" not in capsys.readouterr().out


def test_a_catalogue_created_during_update_is_not_replaced(valium_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(valium_project)
    init_locale(config, "de")
    write(valium_project / "source" / "second.md", "# Second\n\nBody.\n\n::: disclaimer\nDisclaimer: short.\n:::\n")
    new = po_path(config, "de", "second")
    real_plan = update_module.plan_update

    def plan_then_create(*args: Any, **kwargs: Any) -> Any:
        plan = real_plan(*args, **kwargs)
        if not new.exists():
            new.write_text(
                'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\nmsgid "Body."\nmsgstr "Inhalt."\n',
                encoding="utf-8",
            )
        return plan

    monkeypatch.setattr(update_module, "plan_update", plan_then_create)
    update_locales(config)
    body = [m for m in read_po(new).active if m.msgid == "Body."]
    assert body[0].msgstr == ("Inhalt.",)  # merged from the file that appeared, not replaced by an empty one


SAVER = r"""
import os, sys, time
po, count, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lost = []
for i in range(1, count + 1):
    with open(po, encoding="utf-8") as handle:
        text = handle.read()
    if i > 1 and f'"SAVE {i - 1}"' not in text:
        lost.append(i - 1)
    old = f'"SAVE {i - 1}"' if i > 1 else '"DE Anxiety Relief"'
    new_text = text.replace("msgstr " + old, f'msgstr "SAVE {i}"')
    if i % 2:
        temp = po + ".saving"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(new_text)
        os.replace(temp, po)
    else:
        with open(po, "r+", encoding="utf-8") as handle:
            handle.seek(0)
            handle.write(new_text)
            handle.truncate()
    time.sleep(0.02 + (i % 7) * 0.01)
with open(log, "w") as handle:
    handle.write(" ".join(map(str, lost)))
"""


@pytest.mark.system
def test_saves_racing_real_updates_are_never_lost(valium_project: Path) -> None:
    """A translator's editor saving (by rename, then in place) again and again while real
    ``update`` processes run: every save is still in the file at the next save, and the memory
    ends with the last one."""
    config, po = _saving_project(valium_project)
    article = valium_project / "source" / "valium.md"
    original = article.read_text(encoding="utf-8")
    log = valium_project / "lost.txt"
    saves = 60
    saver = subprocess.Popen([sys.executable, "-c", SAVER, str(po), str(saves), str(log)])
    outcomes = []
    try:
        runs = 0
        while saver.poll() is None or runs < 3:
            # Each run has work: the source changes back and forth.
            changed = original if runs % 2 else original.replace("Muscle Spasm Relief", "Muscle Spasm Help")
            article.write_text(changed, encoding="utf-8")
            done = subprocess.run([sys.executable, "-m", "pipeline", "-C", str(valium_project), "update"], capture_output=True, text=True)
            outcomes.append((done.returncode, done.stderr))
            runs += 1
    finally:
        saver.wait(timeout=120)
    assert log.read_text() == "", f"saves lost: {log.read_text()}"
    assert all(code == 0 or (code == 2 and err.count("\n") == 1 and "valium.po" in err) for code, err in outcomes), outcomes
    assert sum(code == 0 for code, _ in outcomes) >= 1
    assert f'msgstr "SAVE {saves}"' in po.read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pipeline", "-C", str(valium_project), "update"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"SAVE {saves}" in _memory_targets(valium_project, "de")


# --- what stands where a file should be --------------------------------------------------------


@pytest.mark.parametrize("command", [["extract"], ["update"], ["check"], ["init", "de"]])
def test_a_template_that_is_a_folder_is_one_line(valium_project: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    (valium_project / "locale" / "valium.pot").mkdir(parents=True)
    assert main(["-C", str(valium_project), *command]) == 2
    assert capsys.readouterr().err == f"{valium_project / 'locale' / 'valium.pot'}: is a folder, where the template of 'valium' goes; move it away\n"


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_catalogue_that_is_not_a_file_is_one_line(valium_project: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    config = load_config(valium_project)
    init_locale(config, "de")
    po = po_path(config, "de", "valium")
    po.unlink()
    po.mkdir() if kind == "folder" else os.mkfifo(po)
    (valium_project / "locale" / "stray.pot").mkdir()  # not ours, not a file: left alone
    before = content(valium_project)
    assert main(["-C", str(valium_project), "update"]) == 2  # a FIFO does not hang it
    what = "is a folder, not a file" if kind == "folder" else "not a regular file"
    assert capsys.readouterr().err == f"{po}: {what}\n"
    assert content(valium_project) == before
