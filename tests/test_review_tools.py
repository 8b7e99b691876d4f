"""An approved catalogue goes through the tools translators and platforms use, and the approvals
survive: GNU gettext (msgcat, msgmerge, msgattrib, msguniq — and Poedit, which saves through
msgcat), polib, Babel, Translate Toolkit (Weblate's PO storage, pot2po). The README lists what
was verified how; what could not be run here (Poedit's and Lokalize's own code) was read.

Each tool's output is read back with our reader and judged by the approval's hash: an entry the
tool left as it was is still reviewed; one whose text changed carries a stale approval."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from datetime import date
from pathlib import Path

import pytest

from pipeline.approval import is_reviewed, review_state, with_approval
from pipeline.catalogs import Catalog, Message, format_po, read_po

TEAM = "translatio translation team <i18n@translatio.example>"
DAY = date(2026, 12, 1)
HEADER = Message(
    "",
    msgstr=(
        "Project-Id-Version: x\nLanguage: de\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
    ),
)
ENTRIES = (
    Message("Take one tablet a day with water.", msgstr=("Nehmen Sie täglich eine Tablette mit Wasser ein.",), extracted_comments=("paragraph",), references=("source/a.md:3",), translator_comments=("checked against the leaflet",)),
    Message("Dosage", msgstr=("Dosierung",), references=("source/a.md:5",)),
    Message("Note", msgstr=("Hinweis",), msgctxt="admonition"),
    Message("%(count)s minute read", msgid_plural="%(count)s minutes read", msgstr=("%(count)s Minute Lesezeit", "%(count)s Minuten Lesezeit"), flags=("python-format",)),
)
TEMPLATE = """\
msgid ""
msgstr ""
"Project-Id-Version: x\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

#. paragraph
#: source/a.md:3
msgid "Take one tablet a day with water."
msgstr ""

#: source/a.md:5
msgid "Dosages"
msgstr ""

msgctxt "admonition"
msgid "Note"
msgstr ""

#, python-format
msgid "%(count)s minute read"
msgid_plural "%(count)s minutes read"
msgstr[0] ""
msgstr[1] ""
"""


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    """A German catalogue whose every entry is signed (the team's name makes the approval longer
    than the 76-78 columns polib and Babel wrap comments at)."""
    path = tmp_path / "de.po"
    catalog = Catalog(header=HEADER, messages=tuple(with_approval(m, TEAM, DAY) for m in ENTRIES))
    path.write_text(format_po(catalog), encoding="utf-8")
    assert max(len(line) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# translatio")) > 80
    return path


def reviewed(path: Path) -> dict[str, bool]:
    return {m.msgid: is_reviewed(m) for m in read_po(path).active}


ALL_REVIEWED = {m.msgid: True for m in ENTRIES}


def wrapped_approvals(path: Path) -> bool:
    """Whether a tool split approvals over several comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return any(line.startswith("# ") and "[sha256:" in line and "translatio-approved" not in line for line in lines)


def gettext_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        pytest.skip(f"{name} (GNU gettext) is not installed")
    return tool


def run(*command: str | Path) -> None:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["msgcat"],
        ["msgcat", "--force-po", "--width=40"],  # Poedit saves through msgcat with the file's wrapping width
        ["msgcat", "--force-po", "--width=79"],  # …79 columns by default (src/catalog_po.cpp)
        ["msgcat", "--no-wrap"],
        ["msguniq"],
        ["msgattrib", "--no-obsolete"],
        ["msgconv", "--to-code=UTF-8"],
    ],
)
def test_gnu_tools_that_rewrite_a_catalogue_keep_every_approval(signed: Path, tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "out.po"
    run(gettext_tool(command[0]), *command[1:], "-o", out, signed)
    assert reviewed(out) == ALL_REVIEWED


def test_msgattrib_fuzzy_round_trip_keeps_the_approvals(signed: Path, tmp_path: Path) -> None:
    """Marking fuzzy, then clearing it (what a translator's 'needs work' and 'done' do)."""
    fuzzy, cleared = tmp_path / "fuzzy.po", tmp_path / "cleared.po"
    run(gettext_tool("msgattrib"), "--set-fuzzy", "-o", fuzzy, signed)
    assert not any(reviewed(fuzzy).values())  # fuzzy is never reviewed…
    assert all(review_state(m).valid for m in read_po(fuzzy).active)  # …but the approvals are there
    run(gettext_tool("msgattrib"), "--clear-fuzzy", "-o", cleared, fuzzy)
    assert reviewed(cleared) == ALL_REVIEWED


def test_msgmerge_keeps_approvals_of_unchanged_entries_and_a_changed_one_becomes_stale(signed: Path, tmp_path: Path) -> None:
    pot, out = tmp_path / "de.pot", tmp_path / "out.po"
    pot.write_text(TEMPLATE, encoding="utf-8")
    run(gettext_tool("msgmerge"), "--previous", "-q", "-o", out, signed, pot)
    states = {m.msgid: review_state(m) for m in read_po(out).active}
    assert {k for k, s in states.items() if s.valid} == {m.msgid for m in ENTRIES if m.msgid != "Dosage"}
    changed = next(m for m in read_po(out).active if m.msgid == "Dosages")
    assert changed.fuzzy and changed.previous_msgid == "Dosage"
    assert [a.reviewer for a in review_state(changed).stale] == [TEAM]  # carried by msgmerge, void by its hash


def test_gnu_tools_drop_an_unknown_flag(tmp_path: Path) -> None:
    """Why the approval is not a '#,' flag: msgcat and msgmerge drop flags they do not know."""
    path, pot, out = tmp_path / "flag.po", tmp_path / "flag.pot", tmp_path / "out.po"
    path.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, translatio-approved\nmsgid "Dosage"\nmsgstr "Dosierung"\n', encoding="utf-8")
    pot.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Dosage"\nmsgstr ""\n', encoding="utf-8")
    run(gettext_tool("msgcat"), "-o", out, path)
    assert "translatio-approved" not in out.read_text(encoding="utf-8")
    run(gettext_tool("msgmerge"), "-q", "-o", out, path, pot)
    assert "translatio-approved" not in out.read_text(encoding="utf-8")


def test_a_polib_save_keeps_the_approvals_even_wrapped(signed: Path, tmp_path: Path) -> None:
    polib = pytest.importorskip("polib")
    po = polib.pofile(str(signed))
    po.save(str(tmp_path / "out.po"))
    assert wrapped_approvals(tmp_path / "out.po")  # polib wraps comments at 78 columns
    assert reviewed(tmp_path / "out.po") == ALL_REVIEWED
    # An edit in polib voids exactly the edited entry's approval.
    next(e for e in po if e.msgid == "Dosage").msgstr = "Dosis"
    po.save(str(tmp_path / "edited.po"))
    assert reviewed(tmp_path / "edited.po") == {**ALL_REVIEWED, "Dosage": False}


def test_a_babel_save_and_update_keep_the_approvals(signed: Path, tmp_path: Path) -> None:
    from babel.messages.pofile import read_po as babel_read, write_po as babel_write

    with signed.open("rb") as handle:
        catalog = babel_read(handle)
    with (tmp_path / "out.po").open("wb") as handle:
        babel_write(handle, catalog)
    assert wrapped_approvals(tmp_path / "out.po")  # Babel wraps comments at 76 columns
    assert reviewed(tmp_path / "out.po") == ALL_REVIEWED
    # pybabel update: the same merge, from Babel's template.
    template = tmp_path / "de.pot"
    template.write_text(TEMPLATE, encoding="utf-8")
    with template.open("rb") as handle:
        pot = babel_read(handle)
    catalog.update(pot)
    with (tmp_path / "updated.po").open("wb") as handle:
        babel_write(handle, catalog, ignore_obsolete=True)
    states = {m.msgid: review_state(m) for m in read_po(tmp_path / "updated.po").active}
    assert {k for k, s in states.items() if s.valid} == {m.msgid for m in ENTRIES if m.msgid != "Dosage"}
    assert states["Dosages"].stale and not states["Dosages"].valid


TRANSLATE_TOOLKIT = "/usr/bin/python3"
WEBLATE_EDIT = textwrap.dedent(
    """
    import sys
    from translate.storage.po import pofile  # what Weblate's PoFormat loads (weblate/formats/ttkit.py)
    store = pofile.parsefile(sys.argv[1])
    for unit in store.units:
        if unit.source == "Dosage":
            unit.target = "Dosis"            # TTKitUnit.set_target
            unit.markfuzzy(False)            # PoUnit.set_state(STATE_TRANSLATED)...
            unit.prev_msgid = []             # ...which also clears the previous msgid
            unit.prev_msgid_plural = []
            unit.prev_msgctxt = []
    with open(sys.argv[2], "wb") as handle:
        store.serialize(handle)               # TTKitFormat.save_content
    """
)


def translate_toolkit() -> str:
    done = subprocess.run([TRANSLATE_TOOLKIT, "-c", "import translate.storage.po"], capture_output=True)
    if done.returncode != 0:
        pytest.skip("Translate Toolkit (apt-get install translate-toolkit) is not installed")
    return TRANSLATE_TOOLKIT


def test_weblate_saves_through_translate_toolkit_and_keeps_the_approvals(signed: Path, tmp_path: Path) -> None:
    python = translate_toolkit()
    out = tmp_path / "out.po"
    run(python, "-c", WEBLATE_EDIT, signed, out)
    assert reviewed(out) == {**ALL_REVIEWED, "Dosage": False}  # the edited entry only
    (edited,) = [m for m in read_po(out).active if m.msgid == "Dosage"]
    assert [a.reviewer for a in review_state(edited).stale] == [TEAM]


def test_translate_toolkit_pot2po_keeps_the_approvals_of_unchanged_entries(signed: Path, tmp_path: Path) -> None:
    translate_toolkit()
    pot2po = shutil.which("pot2po")
    if pot2po is None:
        pytest.skip("pot2po (Translate Toolkit) is not installed")
    pot, out = tmp_path / "de.pot", tmp_path / "out.po"
    pot.write_text(TEMPLATE, encoding="utf-8")
    run(pot2po, "--progress=none", "-t", signed, pot, out)
    states = {m.msgid: review_state(m) for m in read_po(out).active}
    assert {k for k, s in states.items() if s.valid} == {m.msgid for m in ENTRIES if m.msgid != "Dosage"}
    assert not states["Dosages"].valid


def test_translate_toolkit_pomerge_brings_the_approvals_into_a_template(signed: Path, tmp_path: Path) -> None:
    """pomerge (how a reviewed file from a vendor or a Weblate export is merged back): the input's
    translator comments come with its translations."""
    translate_toolkit()
    pomerge = shutil.which("pomerge")
    if pomerge is None:
        pytest.skip("pomerge (Translate Toolkit) is not installed")
    template, out = tmp_path / "template.po", tmp_path / "out.po"
    template.write_text(TEMPLATE.replace("Dosages", "Dosage"), encoding="utf-8")
    run(pomerge, "--progress=none", "-t", template, "-i", signed, "-o", out)
    assert reviewed(out) == ALL_REVIEWED


def test_our_own_update_keeps_them_after_every_tool(signed: Path, tmp_path: Path) -> None:
    """A file saved by polib (wrapped approvals) and merged by our merge: still reviewed."""
    polib = pytest.importorskip("polib")
    from pipeline.catalogs import parse_po
    from pipeline.merge import merge_catalog

    po = polib.pofile(str(signed))
    po.save(str(tmp_path / "polib.po"))
    template = parse_po(TEMPLATE.replace("Dosages", "Dosage"), tmp_path / "de.pot")
    merged, _ = merge_catalog(read_po(tmp_path / "polib.po"), template)
    assert {m.msgid: is_reviewed(m) for m in merged.active} == ALL_REVIEWED
    assert {m.msgid: is_reviewed(m) for m in parse_po(format_po(merged), tmp_path / "x.po").active} == ALL_REVIEWED
