"""Merge semantics, unit by unit and side by side with GNU msgmerge --previous."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs import Catalog, Message, parse_po
from pipeline.merge import merge_catalog

OLD = '''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

# keep me
#. old extracted
#: a.md:1
msgid "The cat sat on the mat today."
msgstr "Die Katze saß heute auf der Matte."

#: a.md:2
msgid "Untranslated sentence that will vanish."
msgstr ""

#: a.md:3
msgid "Translated sentence that will vanish."
msgstr "Übersetzter Satz, der verschwindet."

#: a.md:4
msgid "Unchanged."
msgstr "Unverändert."

#, fuzzy
#| msgid "Earlier text here."
msgid "Early text here."
msgstr "Früher Text hier."

#~ msgid "Revived sentence comes back."
#~ msgstr "Wiederbelebter Satz kommt zurück."

#~ msgid "An obsolete near match for the fuzzy test."
#~ msgstr "Ein obsoleter Beinahe-Treffer."
'''

NEW = '''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. new extracted
#: a.md:10
msgid "The cat sat on the mat yesterday."
msgstr ""

#: a.md:11
msgid "Unchanged."
msgstr ""

#: a.md:12
msgid "Revived sentence comes back."
msgstr ""

#: a.md:13
msgid "An obsolete near match for the fuzzy tests."
msgstr ""

#: a.md:14
msgid "Early text here."
msgstr ""

#: a.md:15
msgid "Early text here!"
msgstr ""

#: a.md:16
msgid "Something entirely different and new."
msgstr ""
'''


def merged() -> tuple[Catalog, object]:
    return merge_catalog(parse_po(OLD.lstrip()), parse_po(NEW.lstrip()))


def by_id(catalog: Catalog) -> dict[str, Message]:
    return {m.msgid: m for m in catalog.messages}


def test_unchanged_keeps_translation_and_comments_takes_new_references() -> None:
    result, _ = merged()
    m = by_id(result)["Unchanged."]
    assert (m.msgstr, m.fuzzy, m.references) == (("Unverändert.",), False, ("a.md:11",))


def test_changed_becomes_fuzzy_with_previous_msgid_and_translator_comments() -> None:
    result, _ = merged()
    m = by_id(result)["The cat sat on the mat yesterday."]
    assert m.fuzzy and m.previous_msgid == "The cat sat on the mat today."
    assert m.msgstr == ("Die Katze saß heute auf der Matte.",)
    assert m.translator_comments == ("keep me",)
    assert m.extracted_comments == ("new extracted",)


def test_removed_translated_becomes_obsolete_untranslated_is_dropped() -> None:
    result, summary = merged()
    ids = by_id(result)
    assert ids["Translated sentence that will vanish."].obsolete
    assert ids["Translated sentence that will vanish."].references == ()
    assert "Untranslated sentence that will vanish." not in ids
    assert summary.obsolete == 1


def test_obsolete_text_returning_is_revived_translated() -> None:
    result, summary = merged()
    m = by_id(result)["Revived sentence comes back."]
    assert not m.obsolete and not m.fuzzy and m.msgstr == ("Wiederbelebter Satz kommt zurück.",)
    assert summary.revived == 1


def test_fuzzy_candidate_passes_on_its_own_previous_msgid() -> None:
    result, _ = merged()
    assert by_id(result)["Early text here!"].previous_msgid == "Earlier text here."
    stays = by_id(result)["Early text here."]
    assert stays.fuzzy and stays.previous_msgid == "Earlier text here."


def test_summary_counts() -> None:
    _, summary = merged()
    assert summary.as_dict() == {"new": 1, "changed": 3, "obsolete": 1, "revived": 1, "unchanged": 2, "memory": 0}


def test_nothing_translated_is_ever_lost() -> None:
    old = parse_po(OLD.lstrip())
    result, _ = merged()
    kept = {m.msgstr for m in result.messages}
    for message in old.messages:
        if any(message.msgstr):
            assert message.msgstr in kept, message.msgid


def test_plural_entries_get_nplurals_forms() -> None:
    old = Catalog(header=Message("", msgstr=("Plural-Forms: nplurals=3; plural=(n%10==1 ? 0 : n%10>=2 ? 1 : 2);\n",)))
    template = Catalog(messages=(Message("%(n)s file", msgid_plural="%(n)s files", msgstr=("", "")),))
    result, _ = merge_catalog(old, template)
    assert result.messages[0].msgstr == ("", "", "")


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU msgmerge is not installed")
def test_same_result_as_gnu_msgmerge(tmp_path: Path) -> None:
    """Our merge and msgmerge --previous agree on every message's translation, state and previous text.

    Differences on purpose, not compared here: we keep the catalogue's header as it was (msgmerge
    reorders fields) and the order of obsolete entries.
    """
    (tmp_path / "old.po").write_text(OLD.lstrip(), encoding="utf-8")
    (tmp_path / "new.pot").write_text(NEW.lstrip(), encoding="utf-8")
    out = subprocess.run(
        ["msgmerge", "--previous", "--quiet", str(tmp_path / "old.po"), str(tmp_path / "new.pot")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    theirs = by_id(parse_po(out))
    ours = by_id(merged()[0])
    assert set(theirs) == set(ours)
    for msgid, mine in ours.items():
        other = theirs[msgid]
        assert (mine.msgstr, mine.fuzzy, mine.obsolete, mine.previous_msgid) == (
            other.msgstr,
            other.fuzzy,
            other.obsolete,
            other.previous_msgid,
        ), msgid
        assert mine.translator_comments == other.translator_comments, msgid
        if not mine.obsolete:
            assert mine.references == other.references


# --- a message the translation memory fills -------------------------------------------------

from pipeline.merge import Suggestion  # noqa: E402

REVERTED_OLD = '''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

# the translator's note
#. heading level 2
#: a.md:6
#, fuzzy, no-c-format, translatio-keep
#| msgid "Dependency"
msgid "Dependence"
msgstr "Abhängigkeit"

# a note on a message that stays
#: a.md:8
msgid "Stays the same."
msgstr "Bleibt gleich."
'''

REVERTED_NEW = '''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. heading level 2
#: a.md:6
msgid "Dependency"
msgstr ""

#: a.md:8
msgid "Stays the same."
msgstr ""

#: a.md:9
msgid "Stays the same!"
msgstr ""
'''


def memory_offering(translations: dict[str, str]):  # type: ignore[no-untyped-def]
    """A stand-in for the translation memory: exact matches for these texts."""

    def suggest(fresh: Message, before: str, after: str, to_beat: float) -> Suggestion | None:
        if fresh.msgid not in translations:
            return None
        comments = (*fresh.extracted_comments, "translation memory: exact match from a")
        return Suggestion(Message(fresh.msgid, msgstr=(translations[fresh.msgid],), extracted_comments=comments,
                                  references=fresh.references, flags=fresh.flags), 100)  # fmt: skip

    return suggest


def test_a_memory_match_keeps_the_translators_comments_and_flags_of_the_entry_it_replaces() -> None:
    """A heading made fuzzy by an edit, annotated by its translator, then reverted: the memory's
    exact match fills it, and the note and the translator's own flag stay on the live entry."""
    old, template = parse_po(REVERTED_OLD.lstrip()), parse_po(REVERTED_NEW.lstrip())
    result, summary = merge_catalog(old, template, suggest=memory_offering({"Dependency": "Abhängigkeit", "Stays the same!": "Bleibt gleich!"}))
    live = by_id(result)["Dependency"]
    assert (live.msgstr, live.fuzzy) == (("Abhängigkeit",), False)
    assert live.translator_comments == ("the translator's note",)
    assert live.flags == ("no-c-format", "translatio-keep")  # the template says nothing about C format: the translator's flag stays
    assert live.extracted_comments == ("heading level 2", "translation memory: exact match from a")
    assert "Dependence" not in by_id(result)  # the same translation lives on: no obsolete copy
    # A close entry that stays in the catalogue is not replaced: its note is not copied.
    assert by_id(result)["Stays the same!"].translator_comments == ()
    assert by_id(result)["Stays the same."].translator_comments == ("a note on a message that stays",)
    assert summary.memory == 2 and summary.obsolete == 0


def test_format_flags_come_from_the_template_where_it_states_the_format() -> None:
    """A translator's no-c-format survives a merge whose template says nothing about C format
    (msgmerge would drop it); where the template states a format, its flag wins."""
    old = parse_po('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, no-c-format, no-python-format\nmsgid "50% off"\nmsgstr "50 % Rabatt"\n')
    template = parse_po('msgid ""\nmsgstr ""\n\n#, python-format\nmsgid "50% off"\nmsgstr ""\n')
    result, _ = merge_catalog(old, template)
    assert by_id(result)["50% off"].flags == ("python-format", "no-c-format")


def test_an_entry_replaced_by_a_different_memory_translation_is_kept_obsolete() -> None:
    old, template = parse_po(REVERTED_OLD.lstrip()), parse_po(REVERTED_NEW.lstrip())
    result, _ = merge_catalog(old, template, suggest=memory_offering({"Dependency": "Abhängigkeit (Gedächtnis)"}))
    assert by_id(result)["Dependency"].translator_comments == ("the translator's note",)
    kept = by_id(result)["Dependence"]  # its own translation differs: nothing is lost
    assert kept.obsolete and kept.msgstr == ("Abhängigkeit",) and kept.translator_comments == ("the translator's note",)
