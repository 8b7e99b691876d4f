"""Approvals in the catalogue: the comment's form, the hash that binds it to the text, stale by
itself after any change, kept by merges and never re-validated for another text."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path

import pytest

from pipeline.approval import (
    Approval,
    awaits_review,
    clean_reviewer,
    entry_digest,
    is_reviewed,
    parse_approval,
    review_state,
    with_approval,
)
from pipeline.catalogs import Catalog, Message, format_po, parse_po, read_po
from pipeline.merge import merge_catalog

DAY = date(2026, 12, 1)
TEAM = "translatio translation team"


def entry(msgid: str = "Take one tablet.", msgstr: str = "Nehmen Sie eine Tablette.", **kwargs: object) -> Message:
    return Message(msgid, msgstr=(msgstr,), **kwargs)  # type: ignore[arg-type]


def test_the_digest_is_sha256_of_the_mo_key_and_value() -> None:
    """The documented bytes, so another tool can compute the same hash."""
    plain = entry()
    assert entry_digest(plain) == hashlib.sha256("Take one tablet.\0\0Nehmen Sie eine Tablette.".encode()).hexdigest()[:12]
    context = entry(msgctxt="dose")
    assert entry_digest(context) == hashlib.sha256("dose\x04Take one tablet.\0\0Nehmen Sie eine Tablette.".encode()).hexdigest()[:12]
    plural = Message("%(n)s tablet", msgid_plural="%(n)s tablets", msgstr=("%(n)s Tablette", "%(n)s Tabletten"))
    assert entry_digest(plural) == hashlib.sha256("%(n)s tablet\0%(n)s tablets\0\0%(n)s Tablette\0%(n)s Tabletten".encode()).hexdigest()[:12]


@pytest.mark.parametrize(
    "change",
    [
        {"msgid": "Take two tablets."},
        {"msgstr": ("Nehmen Sie zwei Tabletten.",)},
        {"msgctxt": "dose"},
        {"msgstr": ("Nehmen Sie eine Tablette!",)},
    ],
)
def test_any_change_of_context_source_or_translation_voids_the_approval(change: dict[str, object]) -> None:
    signed = with_approval(entry(), TEAM, DAY)
    assert is_reviewed(signed)
    changed = dataclasses.replace(signed, **change)  # type: ignore[arg-type]
    state = review_state(changed)
    assert state.valid == () and [a.reviewer for a in state.stale] == [TEAM]
    assert not is_reviewed(changed) and awaits_review(changed)


def test_the_comment_reads_back_and_is_what_the_readme_shows() -> None:
    signed = with_approval(entry(), TEAM, DAY)
    (comment,) = signed.translator_comments
    assert comment == f"translatio-approved: 2026-12-01 by {TEAM} [sha256:{entry_digest(entry())}]"
    assert parse_approval(comment) == Approval(TEAM, "2026-12-01", entry_digest(entry()))
    text = format_po(Catalog(messages=(signed,)))
    assert f"# translatio-approved: 2026-12-01 by {TEAM} [sha256:" in text
    (again,) = parse_po(text, Path("x.po")).messages
    assert is_reviewed(again)


def test_a_wrapped_approval_is_read_back_whole() -> None:
    """polib and Babel wrap long comments at 76-78 columns, at spaces."""
    signed = with_approval(entry(), "Dr. Jane Marie Doe-Smith <jane.doe-smith@example.org>", DAY)
    (comment,) = signed.translator_comments
    words = comment.split(" ")
    wrapped = (" ".join(words[:4]), " ".join(words[4:7]), " ".join(words[7:]))
    state = review_state(dataclasses.replace(signed, translator_comments=("keep it short", *wrapped, "a later note")))
    assert [a.reviewer for a in state.valid] == ["Dr. Jane Marie Doe-Smith <jane.doe-smith@example.org>"]
    assert state.lines == (1, 2, 3) and state.malformed == ()


@pytest.mark.parametrize(
    "comment",
    [
        "translatio-approved: yesterday by X [sha256:0123456789ab]",
        "translatio-approved: 2026-13-40 by X [sha256:0123456789ab]",
        "translatio-approved: 2026-12-01 by X [sha256:0123]",
        "translatio-approved: 2026-12-01 X [sha256:0123456789ab]",
        "translatio-approved: 2026-12-01 by X",
    ],
)
def test_an_unreadable_approval_counts_as_none(comment: str) -> None:
    state = review_state(entry(translator_comments=(comment, "the next comment")))
    assert state.valid == () and state.stale == () and state.malformed
    assert awaits_review(entry(translator_comments=(comment,)))


def test_signing_changes_only_translator_comments_and_keeps_the_translators_own() -> None:
    original = entry(translator_comments=("checked against the leaflet",), extracted_comments=("paragraph",), references=("source/a.md:3",), flags=("python-format",))
    signed = with_approval(original, TEAM, DAY)
    assert dataclasses.replace(signed, translator_comments=original.translator_comments) == original
    assert signed.translator_comments[0] == "checked against the leaflet"


def test_signing_again_keeps_the_date_replaces_stale_ones_and_adds_other_reviewers() -> None:
    first = with_approval(entry(), TEAM, DAY)
    assert with_approval(first, TEAM, date(2027, 1, 5)) == first  # still valid: the date does not move
    second = with_approval(first, "Jane Doe", date(2027, 1, 5))
    assert [a.reviewer for a in review_state(second).valid] == [TEAM, "Jane Doe"]
    edited = dataclasses.replace(second, msgstr=("Nehmen Sie genau eine Tablette.",))
    resigned = with_approval(edited, "Jane Doe", date(2027, 2, 1))
    state = review_state(resigned)
    assert [(a.reviewer, a.date) for a in state.valid] == [("Jane Doe", "2027-02-01")] and state.stale == ()


def test_only_translated_entries_can_be_signed_and_names_must_read_back() -> None:
    with pytest.raises(ValueError):
        with_approval(entry().with_flag("fuzzy"), TEAM, DAY)
    with pytest.raises(ValueError):
        with_approval(entry(msgstr=""), TEAM, DAY)
    with pytest.raises(ValueError):
        clean_reviewer("  ")
    with pytest.raises(ValueError):
        clean_reviewer("x [sha256:0123456789ab]")
    with pytest.raises(ValueError, match="Lokalize"):
        clean_reviewer("Doe, fuzzy logic team")  # Lokalize's unsetFuzzy would delete ", fuzzy" from the comment
    assert clean_reviewer(" Jane\n  Doe ") == "Jane Doe"


def test_a_fuzzy_entry_with_a_matching_approval_is_not_reviewed() -> None:
    signed = with_approval(entry(), TEAM, DAY)
    assert not is_reviewed(signed.with_flag("fuzzy"))
    assert not awaits_review(signed.with_flag("fuzzy"))  # a translator's turn first


# Merging: what update does with approvals.

TEMPLATE = Catalog(messages=(Message("Take one tablet."), Message("Drink water."), Message("Avoid alcohol.")))


def signed_catalogue() -> Catalog:
    old = Catalog(
        messages=(
            with_approval(entry(), TEAM, DAY),
            with_approval(entry("Drink water.", "Trinken Sie Wasser."), TEAM, DAY),
            with_approval(entry("Avoid alcohol.", "Meiden Sie Alkohol."), TEAM, DAY),
        )
    )
    return old


def test_update_keeps_approvals_on_unchanged_entries() -> None:
    merged, summary = merge_catalog(signed_catalogue(), TEMPLATE)
    assert summary.unchanged == 3
    assert all(is_reviewed(m) for m in merged.active)


def test_a_changed_english_leaves_a_stale_approval_that_signing_alone_can_renew() -> None:
    template = Catalog(messages=(Message("Take one tablet daily."), Message("Drink water."), Message("Avoid alcohol.")))
    merged, _ = merge_catalog(signed_catalogue(), template)
    changed = next(m for m in merged.active if m.msgid == "Take one tablet daily.")
    assert changed.fuzzy and changed.previous_msgid == "Take one tablet."
    assert [a.reviewer for a in review_state(changed).stale] == [TEAM]
    # A translator confirms the old translation without touching it (as Poedit does: flag and
    # previous msgid removed): the approval stays stale, it was for the other English.
    confirmed = dataclasses.replace(changed, previous_msgid=None).with_flag("fuzzy", False)
    assert awaits_review(confirmed) and not is_reviewed(confirmed)
    # A later update carries the stale approval as it is: nothing re-computes its hash.
    again, _ = merge_catalog(dataclasses.replace(merged, messages=tuple(confirmed if m is changed else m for m in merged.messages)), template)
    assert not is_reviewed(next(m for m in again.active if m.msgid == "Take one tablet daily."))
    assert sum(is_reviewed(m) for m in again.active) == 2


def test_the_exact_signed_text_coming_back_is_what_was_signed() -> None:
    """Decision: the approval binds to the text, not to an event; a reverted edit is the text the
    reviewer read, so it counts again (a different text never does)."""
    signed = with_approval(entry(), TEAM, DAY)
    edited = dataclasses.replace(signed, msgstr=("Nehmen Sie zwei Tabletten.",))
    assert not is_reviewed(edited)
    assert is_reviewed(dataclasses.replace(edited, msgstr=signed.msgstr))


def test_a_memory_translation_put_in_place_of_an_approved_entry_is_not_approved() -> None:
    """The memory fills an edited heading; the leaving entry's translator comments move to the
    filled message (merge.py), and its approval with them — stale: it signed another text."""
    from pipeline.merge import Suggestion

    old = Catalog(messages=(with_approval(entry("Dosage of Valium", "Dosierung von Valium"), TEAM, DAY),))
    template = Catalog(messages=(Message("Dosage of Valium tablets"),))

    def suggest(fresh: Message, before: str, after: str, score: float) -> Suggestion:
        return Suggestion(dataclasses.replace(fresh, msgstr=("Dosierung von Valium-Tabletten",)), 100)

    merged, _ = merge_catalog(old, template, suggest=suggest)
    (filled,) = merged.active
    assert filled.translated and review_state(filled).stale and not is_reviewed(filled)


def test_one_word_edited_in_a_signed_catalogue_voids_that_approval_and_no_other(tmp_path: Path) -> None:
    catalog = Catalog(messages=signed_catalogue().messages)
    path = tmp_path / "de.po"
    path.write_text(format_po(catalog), encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace('msgstr "Trinken Sie Wasser."', 'msgstr "Trinken Sie viel Wasser."')
    path.write_text(text, encoding="utf-8")
    states = {m.msgid: is_reviewed(m) for m in read_po(path).active}
    assert states == {"Take one tablet.": True, "Drink water.": False, "Avoid alcohol.": True}
