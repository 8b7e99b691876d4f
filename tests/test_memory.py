"""The translation memory: backend contract, matching, harvest and pre-fill, files, analysis."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from pipeline.catalogs import read_po
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.memory.analyze import analyze, band_of
from pipeline.memory.concordance import TARGET, concordance_query
from pipeline.memory.matching import MemoryQuery, context_digest, lookup, risk_differences
from pipeline.memory.project import INDEX_FILE, read_memory, tmx_path
from pipeline.memory.store import SQLiteMemory, length_bounds
from pipeline.memory.tmx import read_tmx
from pipeline.memory.units import EntryState, Origin, TranslationUnit
from pipeline.update import init_locale, po_path, update_locales

from .confine import read_only_prefix
from .conftest import merges_in_workers, translate_entries, write
from .test_update import snapshot


def unit(source: str, target: str, locale: str = "de", origins: tuple[Origin, ...] = (), seen: str = "20260101T000000Z") -> TranslationUnit:
    return TranslationUnit(source, target, "en", locale, origins, seen)


SENTENCES = [
    "Take one tablet twice a day with water.",
    "Do not drive or operate machinery after taking this medicine.",
    "Store the tablets below 25 degrees, away from light and moisture.",
    "Ask your pharmacist how to dispose of medicines you no longer use.",
    "Valium can interact with other drugs, leading to enhanced sedative effects.",
]


FRAME_QUERY = "Tell your doctor if you have liver problems before you take this medicine."
FRAME_MATCH = "Tell your doctor if you have kidney problems before you take this tablet."


def framed_memory(seed: int = 7) -> list[TranslationUnit]:
    """A bulk-sized memory (12,900 units) where :data:`FRAME_MATCH` is the best match for
    :data:`FRAME_QUERY` but shares only common words and "problems" with it, while 900 decoys
    share two rarer words ("liver", "problems") and little else: ranked by rare words alone,
    the match is one of 901 candidates with fewer of them."""
    import random

    rng = random.Random(seed)
    pseudo = lambda: "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))  # noqa: E731
    texts = {FRAME_MATCH}
    while len(texts) < 6_000:  # the frame's words become common: in half the units
        texts.add(f"Tell your doctor if you have {pseudo()} {pseudo()} before you take this {pseudo()}.")
    while len(texts) < 11_000:
        texts.add(f"The {pseudo()} of your {pseudo()} may {pseudo()} in {pseudo()} cases.")
    while len(texts) < 11_900:
        texts.add(f"{pseudo().title()} liver {pseudo()} problems {pseudo()} {pseudo()} {pseudo()} {pseudo()}.")
    while len(texts) < 12_900:
        texts.add(" ".join(pseudo() for _ in range(8)).capitalize() + ".")
    return [unit(text, f"DE {n}") for n, text in enumerate(sorted(texts))]


class MemoryBackendContract:
    """What every backend must do: SQLite here, PostgreSQL in test_memory_postgres.py, each with
    its own ``backend`` fixture. The offer rules (superseded never offered, several current
    translations a choice) are checked through ``lookup`` on each."""

    @pytest.fixture
    def backend(self, tmp_path: Path):  # pragma: no cover - overridden
        raise NotImplementedError

    def test_exact_lookup_normalizes_unicode_and_whitespace(self, backend) -> None:
        backend.add([unit("Cafe\u0301  au lait", "Milchkaffee")])
        (found,) = backend.lookup_exact("Café au lait ", "de")
        assert found.target == "Milchkaffee"
        assert backend.lookup_exact("Café au lait", "fr") == []

    def test_fuzzy_top_k_best_first(self, backend) -> None:
        backend.add([unit(s, f"DE {i}") for i, s in enumerate(SENTENCES)])
        found = backend.lookup_fuzzy("Take one tablet three times a day with water.", "de", 60, 3)
        assert found and found[0].unit.target == "DE 0"
        assert [c.similarity for c in found] == sorted((c.similarity for c in found), reverse=True)
        assert all(c.similarity >= 60 for c in found)

    def test_other_locales_and_empty_targets_are_never_offered(self, backend) -> None:
        backend.add([unit(SENTENCES[0], "FR", "fr"), unit(SENTENCES[1], "")])
        assert backend.lookup_fuzzy(SENTENCES[0], "de", 50, 5) == []
        assert backend.lookup_exact(SENTENCES[1], "de") == []

    def test_add_reports_new_and_changed_units_only(self, backend) -> None:
        first = unit(SENTENCES[0], "DE", origins=(Origin("a", "source/a.md:1"),))
        assert backend.add([first]) == [first]
        assert backend.add([first]) == []
        moved = dataclasses.replace(first, origins=(Origin("a", "source/a.md:9"),))
        assert backend.add([moved]) == [moved]
        (stored,) = list(backend.iterate("de"))
        assert stored.origins == (Origin("a", "source/a.md:9"),)  # the domain's origin replaced

    def test_iterate_is_stable_and_stats_count(self, backend) -> None:
        backend.add([unit(s, "x", "de") for s in reversed(SENTENCES)] + [unit(SENTENCES[0], "y", "fr")])
        assert [u.source for u in backend.iterate("de")] == sorted(SENTENCES)
        assert backend.stats().units == {"de": 5, "fr": 1}

    def test_supersede_moves_a_replaced_translation_and_a_revert_restores_it(self, backend) -> None:
        here, there = Origin("a", "source/a.md:1"), Origin("b", "source/b.md:2")
        backend.add([unit(SENTENCES[0], "ALT", origins=(here, there)), unit(SENTENCES[0], "NEU", origins=(here,))])
        targets = lambda: {u.target: (u.origins, u.superseded, u.status) for u in backend.iterate("de")}  # noqa: E731
        assert [u.target for u in backend.supersede([EntryState("de", "a", SENTENCES[0], "NEU")])] == ["ALT"]
        assert targets()["ALT"] == ((there,), (here,), "current")  # replaced in a, still used in b
        backend.supersede([EntryState("de", "b", SENTENCES[0], "NEU")])
        assert targets()["ALT"] == ((), (here, there), "superseded")
        assert backend.supersede([EntryState("de", "b", SENTENCES[0], "NEU")]) == []  # nothing more to do
        backend.add([unit(SENTENCES[0], "ALT", origins=(here,))])  # a revert: approved again in a
        backend.supersede([EntryState("de", "a", SENTENCES[0], "ALT")])
        assert targets() == {"ALT": ((here,), (there,), "current"), "NEU": ((), (here,), "superseded")}
        assert backend.stats().locales["de"].as_dict() == {"units": 2, "current": 1, "archived": 0, "superseded": 1, "ambiguous": 0}

    def test_what_one_moment_holds_is_all_current(self, backend) -> None:
        """Two entries of one domain holding two translations (a compendium with contexts)."""
        backend.add([unit(SENTENCES[0], "X", origins=(Origin("c", "1"),)), unit(SENTENCES[0], "Y", origins=(Origin("c", "2"),))])
        assert backend.supersede([EntryState("de", "c", SENTENCES[0], "X"), EntryState("de", "c", SENTENCES[0], "Y")]) == []
        assert backend.stats().locales["de"].ambiguous == 1

    def test_a_pair_keeps_the_date_it_first_appeared(self, backend) -> None:
        for seen in ("20260301T000000Z", "20260101T000000Z", "20260601T000000Z", ""):
            backend.add([unit(SENTENCES[0], "DE", seen=seen)])
        (stored,) = backend.iterate("de")
        assert stored.first_seen == "20260101T000000Z"


    def test_pending_rolls_back_unless_committed(self, backend) -> None:
        with backend.pending():
            backend.add([unit(SENTENCES[0], "DE")])
            assert backend.lookup_exact(SENTENCES[0], "de")
        assert backend.lookup_exact(SENTENCES[0], "de") == []

    def test_in_context_exact_is_101(self, backend) -> None:
        context = context_digest("Before.", "After.")
        backend.add([unit("Shake well.", "Gut schütteln.", origins=(Origin("a", "source/a.md:3", context),))])
        assert lookup(backend, MemoryQuery("Shake well.", "de", "b", "source/b.md:1", context_digest("x", "y")))[0].score == 100
        assert lookup(backend, MemoryQuery("Shake well.", "de", "b", "source/b.md:1", context))[0].score == 101
        assert lookup(backend, MemoryQuery("Shake well.", "de", "a", "source/a.md:3"))[0].score == 101

    def test_numbers_and_negations_are_penalized_and_explained(self, backend) -> None:
        backend.add([unit("Take 5 mg of the medicine every morning.", "Nehmen Sie jeden Morgen 5 mg.")])
        backend.add([unit("You should take this medicine with food.", "Mit dem Essen einnehmen.")])
        (number,) = lookup(backend, MemoryQuery("Take 10 mg of the medicine every morning.", "de"), 60)
        assert number.differences == ("number: 5 → 10",)
        assert number.score == int(number.similarity) - 10
        (negation,) = lookup(backend, MemoryQuery("You should not take this medicine with food.", "de"), 60)
        assert negation.differences == ("negation: 'not' only in the new text",)
        assert "translation memory: " in negation.describe() and "negation" in negation.describe()
        assert risk_differences("no change here", "no change here") == ()
        assert lookup(backend, MemoryQuery("Take 10 mg of the medicine every morning.", "de"), 95) == []

    def test_offer_rules_between_current_archived_and_superseded(self, backend) -> None:
        here = Origin("a", "source/a.md:1")
        backend.add([
            unit("One.", "Eins (Projekt).", origins=(here,), seen="20260101T000000Z"),
            unit("One.", "Eins (Import, neuer).", seen="20260601T000000Z"),  # archived: no place in the project
            unit("Two.", "Zwei (alt).", seen="20250101T000000Z"),
            unit("Two.", "Zwei (neu).", seen="20260101T000000Z"),
            unit("Three.", "Drei B.", seen=""),
            unit("Three.", "Drei A.", seen=""),
            unit("Four.", "Vier (undatiert).", origins=(Origin("b", "source/b.md:4"),), seen=""),
            unit("Four.", "Vier (datiert).", origins=(Origin("c"),), seen="20200101T000000Z"),
        ])  # fmt: skip
        best = lambda text, **kw: lookup(backend, MemoryQuery(text, "de", **kw), 75, 5)  # noqa: E731
        (one,) = best("One.")  # the project's current translation outranks a newer archived one
        assert (one.unit.target, one.score, one.withheld) == ("Eins (Projekt).", 100, 1)
        assert [m.unit.target for m in lookup(backend, MemoryQuery("One.", "de"), withheld=True)] == ["Eins (Projekt).", "Eins (Import, neuer)."]
        two = best("Two.")  # only archived ones: a choice, the most recent first
        assert [(m.unit.target, m.score) for m in two] == [("Zwei (neu).", 99), ("Zwei (alt).", 99)]
        three = best("Three.")  # undated ties: by text, the same on every machine
        assert [m.unit.target for m in three] == ["Drei A.", "Drei B."]
        four = best("Four.")  # undated counts as older than any date …
        assert [m.unit.target for m in four] == ["Vier (datiert).", "Vier (undatiert)."]
        four_in_b = best("Four.", domain="b", reference="source/b.md:4")  # … but the translation in context comes first
        assert [(m.unit.target, m.score) for m in four_in_b] == [("Vier (undatiert).", 99), ("Vier (datiert).", 99)]

    def test_concordance_finds_every_unit_with_the_phrase(self, backend) -> None:
        backend.add([
            unit("Valium is habit-forming and can cause dependence.", "Valium kann abhängig machen."),
            unit("Benzodiazepines are Habit-Forming.", "Benzodiazepine machen abhängig."),
            unit("Forming a habit takes time.", "Gewohnheiten brauchen Zeit."),  # the words, not the phrase
            unit("A habit-former is something else.", "Etwas anderes."),  # not a whole word
            unit("Valium is habit-forming.", "Valium macht abhängig.", "fr"),  # another locale
        ])  # fmt: skip
        found = backend.concordance(concordance_query("habit-forming"), "de", 50)
        assert [u.target for u in found] == ["Benzodiazepine machen abhängig.", "Valium kann abhängig machen."]  # shorter first
        words = backend.concordance(concordance_query("forming habit", words=True), "de", 50)
        assert {u.target for u in words} == {"Valium kann abhängig machen.", "Benzodiazepine machen abhängig.", "Gewohnheiten brauchen Zeit."}
        assert [u.source for u in backend.concordance(concordance_query("ABHÄNGIG machen", TARGET), "de", 50)] == [
            "Valium is habit-forming and can cause dependence."]
        assert len(backend.concordance(concordance_query("habit-forming"), "de", 1)) == 1
        assert backend.concordance(concordance_query("never said"), "de", 50) == []
        query = concordance_query("habit-forming")
        assert query.spans("Benzodiazepines are Habit-Forming.") == [(20, 33)]

    def test_two_current_translations_are_a_choice_not_an_exact_match(self, backend) -> None:
        backend.add([unit(SENTENCES[0], "Eins.", origins=(Origin("a", "1"),), seen="20260101T000000Z"),
                     unit(SENTENCES[0], "Zwei.", origins=(Origin("b", "1"),), seen="20260201T000000Z")])  # fmt: skip
        matches = lookup(backend, MemoryQuery(SENTENCES[0], "de"))
        assert [(m.unit.target, m.score, m.exact) for m in matches] == [("Zwei.", 99, False), ("Eins.", 99, False)]
        backend.supersede([EntryState("de", "a", SENTENCES[0], "Zwei.")])
        backend.supersede([EntryState("de", "b", SENTENCES[0], "Zwei.")])
        (only,) = lookup(backend, MemoryQuery(SENTENCES[0], "de"))
        assert (only.unit.target, only.score, only.withheld) == ("Zwei.", 100, 1)  # the superseded one is never offered
        assert [c.unit.target for c in backend.lookup_fuzzy(SENTENCES[0] + " Now.", "de", 75, 5)] == ["Eins.", "Zwei."]
        assert [m.unit.target for m in lookup(backend, MemoryQuery(SENTENCES[0] + " Now.", "de"))] == ["Zwei."]


    def test_a_match_sharing_only_the_frame_of_a_sentence_is_found(self, backend) -> None:
        """Brute force's best is found although the rarer words the query shares select 900
        other units first: candidates are ranked by every word they share, common ones included."""
        from rapidfuzz import fuzz, process

        units = framed_memory()
        best = process.extractOne(FRAME_QUERY, [u.source for u in units], scorer=fuzz.ratio)
        assert best is not None and best[0] == FRAME_MATCH  # the fixture is what it says
        backend.add(units)
        (top, *_) = backend.lookup_fuzzy(FRAME_QUERY, "de", 75, 3)
        assert top.unit.source == FRAME_MATCH and top.similarity == pytest.approx(best[1])
        # Units added later, one by one, are ranked by their common words too: a second frame
        # match, closer still, that shares only the decoys' rare words and the frame.
        closer = "Tell your doctor if you have liver problems before you take this tablet."
        backend.add([unit(closer, "DE closer")])
        (top, *_) = backend.lookup_fuzzy(FRAME_QUERY, "de", 75, 3)
        assert top.unit.source == closer


class TestSQLiteMemory(MemoryBackendContract):
    @pytest.fixture
    def backend(self, tmp_path: Path):
        memory = SQLiteMemory(tmp_path / "index.sqlite")
        yield memory
        memory.close()

def test_a_match_sharing_no_rare_word_at_all_is_found(tmp_path: Path) -> None:
    """Every unit in the length band competes by its common words, not only the units the
    query's rare words bring: here those bring 900 decoys, and the best match, which shares the
    two frames of the query and none of its rarer words, would never be among them."""
    from rapidfuzz import fuzz, process

    mixed = "Tell your doctor if you have the bamuko sitepa of your rodeka before you take this dorani in fekilo cases."
    query = "Tell your doctor if you have the liver problems of your mukeba before you take this lonari in pevita cases."
    units = [*framed_memory(), unit(mixed, "DE mixed")]
    best = process.extractOne(query, [u.source for u in units], scorer=fuzz.ratio)
    assert best is not None and best[0] == mixed  # the fixture is what it says
    memory = SQLiteMemory(tmp_path / "index.sqlite")
    try:
        memory.add(units)
        (top, *_) = memory.lookup_fuzzy(query, "de", 75, 3)
        assert top.unit.source == mixed and top.similarity == pytest.approx(best[1])
    finally:
        memory.close()


def test_candidates_are_the_best_sharing_and_the_lower_id_among_equals() -> None:
    """The cut is exact and the same on every machine: all units above it, then the lowest ids
    of those on it; a unit sharing nothing is never a candidate."""
    import numpy as np

    from pipeline.memory.masks import _top

    ids = np.array([10, 11, 12, 13, 14, 15, 16], dtype=np.int64)
    scores = np.array([3, 1, 3, 2, 0, 2, 2], dtype=np.int64)
    assert _top(ids, scores, 2) == [10, 12]
    assert _top(ids, scores, 3) == [10, 12, 13]  # of the three on 2, the lowest id
    assert _top(ids, scores, 4) == [10, 12, 13, 15]
    assert _top(ids, scores, 6) == [10, 11, 12, 13, 15, 16]
    assert _top(ids, scores, 9) == [10, 11, 12, 13, 15, 16]  # 14 shares nothing
    shuffled = np.random.default_rng(1).permutation(len(ids))
    assert _top(ids[shuffled], scores[shuffled], 3) == [10, 12, 13]


def test_each_locale_has_its_own_mask_of_common_words(tmp_path: Path) -> None:
    """The 64 bits are per locale (a query is compared with its own locale's units only), so a
    memory of six languages does not share them out, ten words each."""
    memory = SQLiteMemory(tmp_path / "index.sqlite")
    try:
        memory.add([*framed_memory(), *(dataclasses.replace(u, target_locale="fr") for u in framed_memory())])
        bits: dict[str, set[int]] = {}
        for key, bit in memory.db.execute("SELECT key, bit FROM tokens WHERE bit >= 0"):
            bits.setdefault(key.split("\x1f")[0], set()).add(bit)
        assert set(bits) == {"de", "fr"} and bits["de"] == bits["fr"] == set(range(len(bits["de"])))
        for locale in ("de", "fr"):
            assert memory.lookup_fuzzy(FRAME_QUERY, locale, 75, 1)[0].unit.source == FRAME_MATCH
    finally:
        memory.close()


def test_another_connection_s_new_units_are_ranked_by_their_common_words(tmp_path: Path) -> None:
    """A long-lived memory re-reads the masks after another process wrote (the recorded row
    counts changed), so the units that process added compete with their common words too."""
    reader, writer = SQLiteMemory(tmp_path / "index.sqlite"), None
    try:
        reader.add(framed_memory())
        assert reader.lookup_fuzzy(FRAME_QUERY, "de", 75, 1)[0].unit.source == FRAME_MATCH  # masks read now
        writer = SQLiteMemory(tmp_path / "index.sqlite")
        other = "Tell your doctor if you have liver problems before you take this tablet."  # rare words: as the decoys'
        writer.add([unit(other, "DE other")])
        assert reader.lookup_fuzzy(FRAME_QUERY, "de", 75, 1)[0].unit.source == other
    finally:
        reader.close()
        if writer is not None:
            writer.close()


def test_texts_held_between_lookups_are_dropped_when_the_index_is_emptied_and_refilled(tmp_path: Path) -> None:
    """A connection holds the candidates' texts it has read, by unit id. After another
    connection empties the index and imports as many other units, the same ids name other texts
    and the row counts are as before: the clearing is part of the stamp, so nothing read before
    is offered."""
    first = [unit(f"The {word} tablet is taken with water every morning.", f"DE {word}") for word in ("blue", "round", "small")]
    second = [unit(f"Keep the {word} bottle away from children and pets.", f"DE {word}") for word in ("blue", "round", "small")]
    reader, writer = SQLiteMemory(tmp_path / "index.sqlite"), None
    try:
        reader.add(first)
        assert reader.lookup_fuzzy("The blue tablet is taken with water every evening.", "de", 75, 1)[0].unit.target == "DE blue"
        writer = SQLiteMemory(tmp_path / "index.sqlite")
        writer.clear()
        writer.add(second)
        assert writer.db.execute("SELECT MAX(id) FROM units").fetchone()[0] == 3  # the same ids as before
        (match,) = reader.lookup_fuzzy("Keep the blue bottle away from children and cats.", "de", 75, 1)
        assert match.unit.source == "Keep the blue bottle away from children and pets."
        assert reader.lookup_fuzzy("The blue tablet is taken with water every evening.", "de", 75, 1) == []
    finally:
        reader.close()
        if writer is not None:
            writer.close()


def test_length_bounds_are_exact_for_the_ratio() -> None:
    from rapidfuzz import fuzz

    for length, score in ((100, 75), (37, 80), (250, 60)):
        low, high = length_bounds(length, score)
        reachable = [n for n in range(1, 3 * length) if fuzz.ratio("a" * length, "a" * n) >= score]
        assert low <= min(reachable) and max(reachable) <= high  # no candidate is ever cut off
        assert min(reachable) - low <= 1 and high - max(reachable) <= 2  # and the bounds are tight


@pytest.mark.parametrize(("score", "band"), [(101, "101%"), (100, "100%"), (99, "95-99%"), (95, "95-99%"), (94, "85-94%"), (85, "85-94%"), (84, "75-84%"), (75, "75-84%"), (74, "no match"), (None, "no match")])
def test_bands(score: int | None, band: str) -> None:
    assert band_of(score) == band


# --- the project's memory: harvest, pre-fill, files ------------------------------------------

ARTICLE_A = """
---
title: Alpha
slug: alpha
---

Take one tablet twice a day with water.

Do not drive or operate machinery after taking this medicine.

::: disclaimer
Disclaimer: Ask your doctor. Read the leaflet.
:::
"""


DE = {
    "Alpha": "Alpha",
    "Take one tablet twice a day with water.": "Nehmen Sie zweimal täglich eine Tablette mit Wasser ein.",
    "Do not drive or operate machinery after taking this medicine.": "Fahren Sie nach der Einnahme nicht Auto und bedienen Sie keine Maschinen.",
    "Disclaimer: Ask your doctor. Read the leaflet.": "Hinweis: Fragen Sie Ihren Arzt. Lesen Sie die Packungsbeilage.",
}


@pytest.fixture
def tm_project(project: Path) -> Path:
    write(project / "source" / "alpha.md", ARTICLE_A)
    config = load_config(project)
    init_locale(config, "de")
    translate_entries(po_path(config, "de", "alpha"), DE)
    update_locales(config)
    return project


def test_update_harvests_into_a_deterministic_tmx(tm_project: Path) -> None:
    config = load_config(tm_project)
    tmx = tmx_path(config, "de")
    text = tmx.read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in text and "Nehmen Sie zweimal täglich" in text
    assert "Alpha" in text
    before = snapshot(tm_project / "locale")
    update_locales(config)
    update_locales(config)
    after = snapshot(tm_project / "locale")
    assert {k: v for k, v in after.items() if INDEX_FILE not in k and ".tm.lock" not in k} == {
        k: v for k, v in before.items() if INDEX_FILE not in k and ".tm.lock" not in k
    }


def test_a_new_article_is_prefilled_exact_and_fuzzy(tm_project: Path) -> None:
    write(
        tm_project / "source" / "beta.md",
        """
        ---
        title: Beta
        slug: beta
        ---

        Take one tablet twice a day with water.

        Do not drive or operate machinery after taking this medication.

        Take 2 tablets twice a day with water.

        A sentence nobody has ever translated before.

        ::: disclaimer
        Disclaimer: Ask your doctor. Read the leaflet.
        :::
        """,
    )
    config = load_config(tm_project)
    (result,) = [r for r in update_locales(config) if r.domain == "beta"]
    assert result.summary.memory == 4 and result.summary.new == 2  # title and the unseen sentence
    messages = {m.msgid: m for m in read_po(po_path(config, "de", "beta")).active}
    exact = messages["Take one tablet twice a day with water."]
    assert exact.translated and exact.msgstr == (DE[exact.msgid],)
    assert any(c.startswith("translation memory: exact match from alpha") for c in exact.extracted_comments)
    fuzzy = messages["Do not drive or operate machinery after taking this medication."]
    assert fuzzy.fuzzy and fuzzy.previous_msgid == "Do not drive or operate machinery after taking this medicine."
    assert any("% match" in c for c in fuzzy.extracted_comments)
    risky = messages["Take 2 tablets twice a day with water."]
    assert not risky.translated
    # The disclaimer: the same required text, an exact match: filled and publishable.
    assert messages["Disclaimer: Ask your doctor. Read the leaflet."].translated
    # The provenance comment survives the next update, and nothing changes.
    first = po_path(config, "de", "beta").read_bytes()
    update_locales(config)
    assert po_path(config, "de", "beta").read_bytes() == first


BETA = """
---
title: Beta
slug: beta
---

Take one tablet twice a day with water.

Do not drive or operate machinery after taking this medication.

A sentence nobody has ever translated before.

::: disclaimer
Disclaimer: Ask your doctor. Read the leaflet.
:::
"""


@pytest.mark.parametrize("translator_edit", [False, True], ids=["sources-changed", "a-catalogue-edited-too"])
def test_merges_in_workers_give_what_merges_here_give(
    tm_project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, translator_edit: bool
) -> None:
    """The merges run in worker processes, each asking the memory through its own connection,
    only when that connection sees what this process's does; after a translator's edit the
    harvest is pending in this process's transaction, so they run here. Either way the files are
    those of a run in one process."""
    import shutil

    import pipeline.parallel as parallel

    write(tm_project / "source" / "beta.md", BETA)
    write(tm_project / "source" / "gamma.md", BETA.replace("slug: beta", "slug: gamma").replace("Beta", "Gamma"))
    if translator_edit:
        alpha = po_path(load_config(tm_project), "de", "alpha")
        alpha.write_text(alpha.read_text(encoding="utf-8").replace("Nehmen Sie", "Nehmen Sie bitte", 1), encoding="utf-8")
    serial = tmp_path_factory.mktemp("serial") / "project"
    shutil.copytree(tm_project, serial)
    with parallel.limited_jobs(1):
        update_locales(load_config(serial))

    in_workers = merges_in_workers(monkeypatch)
    with parallel.limited_jobs(2):
        (result,) = [r for r in update_locales(load_config(tm_project)) if r.domain == "beta"]
    assert any(in_workers) is not translator_edit
    assert result.summary.memory == 3  # the exact, the fuzzy and the disclaimer, from the memory
    files = lambda root: {k: v for k, v in snapshot(root / "locale").items() if INDEX_FILE not in k and ".tm.lock" not in k}  # noqa: E731
    assert files(tm_project) == files(serial)


def test_another_connection_sees_what_this_one_does_unless_this_one_wrote(tmp_path: Path) -> None:
    memory = SQLiteMemory(tmp_path / "index.sqlite")
    try:
        memory.add(framed_memory())
        with memory.pending():
            opener = memory.opener()
            assert opener is not None
            other = opener()
            try:
                assert other.lookup_fuzzy(FRAME_QUERY, "de", 75, 1) == memory.lookup_fuzzy(FRAME_QUERY, "de", 75, 1)
            finally:
                other.close()
            memory.add([unit("A sentence only this transaction has.", "DE")])
            assert memory.opener() is None
        assert memory.opener() is not None  # rolled back: nothing pending
        assert SQLiteMemory.in_memory_copy(tmp_path / "index.sqlite", memory.db).opener() is None
    finally:
        memory.close()


def test_prefill_never_overwrites_a_translation(tm_project: Path) -> None:
    config = load_config(tm_project)
    write(tm_project / "source" / "gamma.md", "---\ntitle: Gamma\nslug: gamma\n---\n\nTake one tablet twice a day with water.\n\n::: disclaimer\nDisclaimer: x.\n:::\n")
    init_locale(config, "de")
    own = "Täglich zwei Tabletten mit Wasser (eigene Übersetzung)."
    translate_entries(po_path(config, "de", "gamma"), {"Take one tablet twice a day with water.": own})
    update_locales(config)
    (message,) = [m for m in read_po(po_path(config, "de", "gamma")).active if m.msgid.startswith("Take one")]
    assert message.msgstr == (own,) and not message.fuzzy


def test_a_fuzzy_disclaimer_suggestion_is_never_published(tm_project: Path) -> None:
    from pipeline.build import build_site

    write(tm_project / "source" / "delta.md", "---\ntitle: Delta\nslug: delta\n---\n\nBody.\n\n::: disclaimer\nDisclaimer: Ask your doctor. Read the leaflets.\n:::\n")
    config = load_config(tm_project)
    update_locales(config)
    (disclaimer,) = [m for m in read_po(po_path(config, "de", "delta")).active if m.msgid.startswith("Disclaimer")]
    assert disclaimer.fuzzy and disclaimer.msgstr[0].startswith("Hinweis:")
    build_site(config)
    html = (tm_project / "build" / "de" / "delta.html").read_text(encoding="utf-8")
    assert "Hinweis:" not in html and "Read the leaflets." in html


def test_a_deleted_or_corrupt_index_is_rebuilt(tm_project: Path) -> None:
    config = load_config(tm_project)
    index = config.locale_dir / INDEX_FILE
    index.unlink()
    with read_memory(config) as memory:
        assert memory.lookup_exact("Take one tablet twice a day with water.", "de")
    index.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        index.with_name(index.name + suffix).unlink(missing_ok=True)
    with read_memory(config) as memory:
        assert memory.stats().units == {"de": 4}
    # A TMX changed behind the index's back (a git pull) is noticed by its fingerprint.
    tmx = tmx_path(config, "de")
    tmx.write_text(tmx.read_text(encoding="utf-8").replace("Packungsbeilage", "Beilage"), encoding="utf-8")
    with read_memory(config) as memory:
        (found,) = memory.lookup_exact("Disclaimer: Ask your doctor. Read the leaflet.", "de")
    assert found.target.endswith("Beilage.")


def test_export_import_round_trip(tm_project: Path, tmp_path: Path) -> None:
    config = load_config(tm_project)
    out = tmp_path / "export.tmx"
    assert main(["-C", str(tm_project), "tm", "export", "-l", "de", str(out)]) == 0
    with read_memory(config) as memory:
        before = list(memory.iterate("de"))
    fresh = tmp_path / "other"
    write(fresh / "pyproject.toml", "[tool.translatio]\n")
    assert main(["-C", str(fresh), "tm", "import", str(out)]) == 0
    with read_memory(load_config(fresh)) as memory:
        assert list(memory.iterate("de")) == before


def test_hostile_tmx_imports_nothing(tm_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="plaintext"/>'
        '<body><tu><tuv xml:lang="en"><seg>&b;</seg></tuv><tuv xml:lang="de"><seg>x</seg></tuv></tu></body></tmx>\n',
        encoding="utf-8",
    )
    good = tmp_path / "good.tmx"
    good.write_text(
        '<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="plaintext"/>'
        '<body><tu><tuv xml:lang="en"><seg>New sentence.</seg></tuv><tuv xml:lang="de"><seg>Neuer Satz.</seg></tuv></tu></body></tmx>\n',
        encoding="utf-8",
    )
    before = snapshot(tm_project / "locale" / "tm")
    assert main(["-C", str(tm_project), "tm", "import", str(good), str(bomb)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(str(bomb) + ":") and "Traceback" not in err
    assert snapshot(tm_project / "locale" / "tm") == before
    with read_memory(load_config(tm_project)) as memory:
        assert memory.lookup_exact("New sentence.", "de") == []


def test_po_compendium_import_and_search(tm_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compendium = write(
        tmp_path / "compendium.po",
        """
        msgid ""
        msgstr ""
        "Language: fr\\n"
        "Content-Type: text/plain; charset=UTF-8\\n"

        msgid "Take one tablet twice a day with water."
        msgstr "Prenez un comprimé deux fois par jour avec de l’eau."

        #, fuzzy
        msgid "Fuzzy one."
        msgstr "Flou."

        msgid "Untranslated."
        msgstr ""
        """,
    )
    assert main(["-C", str(tm_project), "tm", "import", str(compendium)]) == 0
    assert "fr: 1 units read, 1 new or updated" in capsys.readouterr().out
    assert main(["-C", str(tm_project), "tm", "search", "Take one tablet three times a day with water.", "-l", "fr", "--format", "json"]) == 0
    import json

    (match,) = json.loads(capsys.readouterr().out)
    assert match["target"].startswith("Prenez") and 75 <= match["score"] < 100
    assert main(["-C", str(tm_project), "tm", "stats"]) == 0
    out = capsys.readouterr().out
    assert "de: 4 units: 4 current, 0 archived, 0 superseded" in out and "fr: 1 unit: 1 current, 0 archived, 0 superseded" in out


def test_analyze_bands_on_a_crafted_corpus(tm_project: Path) -> None:
    write(
        tm_project / "source" / "beta.md",
        """
        ---
        title: Alpha
        slug: beta
        ---

        Take one tablet twice a day with water.

        Do not drive or operate machinery after taking this medication.

        Completely new words here.

        Completely new words here.

        ::: disclaimer
        Disclaimer: Ask your doctor. Read the leaflet.
        :::
        """,
    )
    config = load_config(tm_project)
    with read_memory(config) as memory:
        (result,) = analyze(config, memory, ["de"], ["alpha", "beta"])
    bands = {name: (b.segments, b.words) for name, b in result.bands.items()}
    # alpha (the project's own, translated) is all in-context; beta: title, the first sentence
    # and the disclaimer are exact, the changed sentence fuzzy, the new one no match then a repetition.
    assert bands["101%"][0] == 4
    assert bands["100%"][0] == 0 and bands["repetitions"][0] == 4  # beta's title, sentence, disclaimer + the repeated new one
    assert bands["85-94%"][0] + bands["95-99%"][0] == 1
    assert bands["no match"] == (1, 4)
    assert result.total.segments == 10


def _update_in_process(root: str) -> None:
    update_locales(load_config(root))


@pytest.mark.system
def test_concurrent_updates_do_not_corrupt_the_store(tm_project: Path) -> None:
    write(tm_project / "source" / "beta.md", ARTICLE_A.replace("slug: alpha", "slug: beta").replace("Alpha", "Beta"))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_update_in_process, args=(str(tm_project),)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    config = load_config(tm_project)
    with read_memory(config) as memory:
        assert memory.stats().units == {"de": 4}
    db = sqlite3.connect(config.locale_dir / INDEX_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert read_po(po_path(config, "de", "beta")).active


def test_the_memory_ends_the_same_with_or_without_its_index(tm_project: Path) -> None:
    """A translator's machine (index kept) and CI (index rebuilt) must agree on every file."""
    from pipeline.checks import run_checks

    config = load_config(tm_project)
    article = tm_project / "source" / "alpha.md"
    article.write_text(article.read_text(encoding="utf-8").replace("twice a day", "three times a day"), encoding="utf-8")
    update_locales(config)  # with the index of the previous runs
    for index in config.locale_dir.glob(INDEX_FILE + "*"):
        index.unlink()
    assert [f for f in run_checks(config).findings if f.check == "freshness"] == []  # planned with a rebuilt index
    before = snapshot(tm_project / "locale" / "tm")
    update_locales(config)
    assert snapshot(tm_project / "locale" / "tm") == before


# --- which translation is offered: recency, superseded, a choice ------------------------------

SENTENCE = "Take one tablet twice a day with water."
WRONG = "Nehmen Sie zweimal täglich drei Tabletten mit Wasser ein."
"""A mistranslation ("three tablets", sorting before the right one) that a translator corrects to DE[SENTENCE]."""
DISCLAIMER = "Disclaimer: Ask your doctor. Read the leaflet."


def article(project: Path, slug: str, *paragraphs: str) -> None:
    body = "\n\n".join(paragraphs or (SENTENCE,))
    write(project / "source" / f"{slug}.md", f"---\ntitle: {slug.title()}\nslug: {slug}\n---\n\n{body}\n\n::: disclaimer\n{DISCLAIMER}\n:::\n")


def revise(path: Path, date: str, mapping: dict[str, str] | None = None, fuzzy: tuple[str, ...] = ()) -> None:
    """A translator's save in a PO editor: translations changed, PO-Revision-Date set."""
    from pipeline.catalogs import write_po

    if mapping:
        translate_entries(path, mapping, fuzzy)
    catalog = read_po(path)
    fields = catalog.header_fields
    fields["PO-Revision-Date"] = date
    write_po(catalog.with_header_fields(fields), path)


def entry(config, domain: str, msgid: str):  # type: ignore[no-untyped-def]
    (found,) = [m for m in read_po(po_path(config, "de", domain)).active if m.msgid == msgid]
    return found


def search(project: Path, text: str, capsys: pytest.CaptureFixture[str], *options: str) -> list[dict]:  # type: ignore[type-arg]
    import json

    capsys.readouterr()
    assert main(["-C", str(project), "tm", "search", text, "-l", "de", "--format", "json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_corrected_mistranslation_never_comes_back(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Translate wrongly, correct, reuse in a new article: the correction is filled in as exact,
    the mistranslation is kept in the TMX marked superseded and never offered again."""
    article(project, "alpha")
    config = load_config(project)
    init_locale(config, "de")
    alpha = po_path(config, "de", "alpha")
    revise(alpha, "2026-01-10 10:00+0100", {**DE, SENTENCE: WRONG})
    update_locales(config)
    revise(alpha, "2026-03-01 10:00+0100", {SENTENCE: DE[SENTENCE]})  # the correction
    update_locales(config)
    article(project, "beta", SENTENCE, "Another sentence entirely.")
    update_locales(config)

    reused = entry(config, "beta", SENTENCE)
    assert reused.msgstr == (DE[SENTENCE],) and not reused.fuzzy
    assert any(c.startswith("translation memory: exact match from alpha; 1 other translation withheld") for c in reused.extracted_comments)

    # The TMX keeps both, each with the date it first appeared; the mistranslation is superseded in alpha.
    units = {u.target: u for u in read_tmx(tmx_path(config, "de")) if u.source == SENTENCE}
    assert units[DE[SENTENCE]].status == "current" and units[DE[SENTENCE]].first_seen == "20260301T090000Z"
    assert {o.domain for o in units[DE[SENTENCE]].origins} == {"alpha", "beta"}
    assert units[WRONG].status == "superseded" and units[WRONG].origins == ()
    assert [o.domain for o in units[WRONG].superseded] == ["alpha"] and units[WRONG].first_seen == "20260110T090000Z"
    assert '<prop type="x-translatio-superseded">alpha|source/alpha.md:' in tmx_path(config, "de").read_text(encoding="utf-8")

    # tm search shows which is current and which superseded, and says so in text too.
    found = search(project, SENTENCE, capsys)
    assert [(m["target"], m["status"], m["score"]) for m in found[:2]] == [(DE[SENTENCE], "current", 100), (WRONG, "superseded", 100)]
    assert found[1]["superseded_in"][0]["domain"] == "alpha" and found[0]["withheld"] == 1
    assert main(["-C", str(project), "tm", "search", SENTENCE, "-l", "de"]) == 0
    assert "superseded in alpha: never offered again" in capsys.readouterr().out
    # Not even as a fuzzy suggestion for a similar text.
    with read_memory(config) as memory:
        similar = lookup(memory, MemoryQuery("Take one tablet twice a day with milk.", "de"), 60, 10)
    assert similar and WRONG not in {m.unit.target for m in similar}


def test_a_correction_awaiting_review_withdraws_the_old_translation(project: Path) -> None:
    """A translator replaces a translation but leaves it fuzzy (not yet approved): the old one is
    no longer approved in that entry, so it is not offered as exact elsewhere either."""
    article(project, "alpha")
    config = load_config(project)
    init_locale(config, "de")
    alpha = po_path(config, "de", "alpha")
    revise(alpha, "2026-01-10 10:00+0000", {**DE, SENTENCE: WRONG})
    update_locales(config)
    revise(alpha, "2026-03-01 10:00+0000", {SENTENCE: DE[SENTENCE]}, fuzzy=(SENTENCE,))
    update_locales(config)
    article(project, "beta")
    update_locales(config)
    assert WRONG not in entry(config, "beta", SENTENCE).msgstr
    with read_memory(config) as memory:
        (old,) = memory.lookup_exact(SENTENCE, "de")
    assert old.target == WRONG and old.status == "superseded"  # kept, not offered


def test_a_units_date_is_when_it_first_appeared(project: Path) -> None:
    """Saving a catalogue again (a new PO-Revision-Date) does not re-date its translations: the
    TMX does not change, and "most recent" keeps meaning "made last"."""
    article(project, "alpha")
    config = load_config(project)
    init_locale(config, "de")
    alpha = po_path(config, "de", "alpha")
    revise(alpha, "2026-01-10 10:00+0000", DE)
    update_locales(config)
    tmx = tmx_path(config, "de").read_bytes()
    assert b'creationdate="20260110T100000Z"' in tmx and b"lastusagedate" not in tmx
    revise(alpha, "2026-05-01 10:00+0000")
    update_locales(config)
    assert tmx_path(config, "de").read_bytes() == tmx
    revise(alpha, "2026-06-01 10:00+0000", {"Alpha": "Alpha (neu)"})
    update_locales(config)
    dates = {u.target: u.first_seen for u in read_tmx(tmx_path(config, "de"))}
    assert dates["Alpha (neu)"] == "20260601T100000Z" and dates[DE[SENTENCE]] == "20260110T100000Z"


def test_two_current_translations_are_a_choice_never_an_exact_match(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two articles translate the same sentence (and the disclaimer) differently, both current: a
    third article gets the most recent as a fuzzy suggestion naming the other, and its disclaimer
    is not published translated."""
    from pipeline.build import build_site
    from pipeline.checks import run_checks

    article(project, "alpha")
    config = load_config(project)
    init_locale(config, "de")
    revise(po_path(config, "de", "alpha"), "2026-01-10 10:00+0000", DE)
    update_locales(config)
    article(project, "beta")
    update_locales(config)  # beta is pre-filled from alpha, then its translator chooses other words
    other, other_disclaimer = "Zweimal am Tag eine Tablette mit Wasser.", "Hinweis: Fragen Sie Ihre Ärztin. Lesen Sie den Beipackzettel."
    revise(po_path(config, "de", "beta"), "2026-02-01 10:00+0000", {"Beta": "Beta", SENTENCE: other, DISCLAIMER: other_disclaimer})
    update_locales(config)
    article(project, "gamma")
    update_locales(config)

    offered = entry(config, "gamma", SENTENCE)
    assert offered.fuzzy and offered.msgstr == (other,) and offered.previous_msgid is None  # the most recent
    comments = [c for c in offered.extracted_comments if c.startswith("translation memory:")]
    assert comments == [
        "translation memory: 2 current translations of this exact text; the one from beta (2026-02-01) is filled in, fuzzy: choose one",
        f"translation memory: alternative from alpha (2026-01-10): {DE[SENTENCE]}",
    ]
    disclaimer = entry(config, "gamma", DISCLAIMER)
    assert disclaimer.fuzzy  # the required segment is filled only by an unambiguous exact match
    assert any(f.check == "required" and "gamma" in str(f.path) for f in run_checks(config, ["de"]).findings)
    build_site(config, ["de"])
    page = (project / "build" / "de" / "gamma.html").read_text(encoding="utf-8")
    assert DISCLAIMER.split(": ", 1)[1] in page and other_disclaimer not in page and DE[DISCLAIMER] not in page

    found = search(project, SENTENCE, capsys)
    assert [(m["target"], m["status"], m["score"]) for m in found[:2]] == [(other, "current", 99), (DE[SENTENCE], "current", 99)]
    assert found[0]["alternatives"][0]["target"] == DE[SENTENCE]
    with read_memory(config) as memory:
        (result,) = analyze(config, memory, ["de"], ["gamma"])
    assert result.bands["95-99%"].segments == 2  # the sentence and the disclaimer: a choice is not a 100% match
    capsys.readouterr()
    assert main(["-C", str(project), "tm", "stats", "--format", "json"]) == 0
    import json

    figures = json.loads(capsys.readouterr().out)["locales"]["de"]
    assert figures["ambiguous"] == 2 and figures["superseded"] == 0 and figures["units"] == figures["current"]


# --- the index is validated, not trusted -----------------------------------------------------


@pytest.mark.parametrize("damage", ["DELETE FROM units", "DELETE FROM postings", "DELETE FROM tokens", "DELETE FROM masks",
                                    "DELETE FROM units WHERE id = 2"])
def test_an_index_that_lost_rows_is_noticed_and_rebuilt(tm_project: Path, damage: str) -> None:
    """SQLite's own check passes on an emptied table; the recorded row counts do not."""
    config = load_config(tm_project)
    index = config.locale_dir / INDEX_FILE
    db = sqlite3.connect(index)
    db.execute(damage)
    db.commit()
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    db.close()
    with read_memory(config) as memory:
        assert memory.stats().units == {"de": 4}
        assert memory.lookup_exact(SENTENCE, "de")
        (fuzzy,) = lookup(memory, MemoryQuery("Take one tablet three times a day with water.", "de"), 75, 1)
    assert fuzzy.unit.source == SENTENCE


def _one_line_exit_2(project: Path, args: list[str], where: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["-C", str(project), *args]) == 2, args
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{where}:") and "Traceback" not in err, (args, err)
    return err


COMMANDS = [["tm", "stats"], ["tm", "search", SENTENCE, "-l", "de"], ["analyze"], ["check"], ["update"], ["tm", "export", "out.tmx"]]


def test_a_folder_where_the_index_belongs_is_one_line_exit_2(tm_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(tm_project)
    index = config.locale_dir / INDEX_FILE
    for stale in config.locale_dir.glob(INDEX_FILE + "*"):
        stale.unlink()
    index.mkdir()
    for args in COMMANDS:
        assert "translation memory's index" in _one_line_exit_2(tm_project, args, index, capsys)
    assert index.is_dir() and not list(index.iterdir())  # left as it was


def test_a_file_where_the_memory_folder_belongs_is_one_line_exit_2(tm_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    config = load_config(tm_project)
    folder = config.locale_dir / "tm"
    shutil.rmtree(folder)
    folder.write_text("not a folder\n", encoding="utf-8")
    for args in COMMANDS:
        assert "is a file" in _one_line_exit_2(tm_project, args, folder, capsys)
    folder.unlink()
    (folder / "de.tmx").mkdir(parents=True)  # and a folder named like a TMX file: a bad memory file
    for args in COMMANDS:
        if args != ["check"]:
            _one_line_exit_2(tm_project, args, folder / "de.tmx", capsys)
    assert main(["-C", str(tm_project), "check"]) == 1  # check reports a bad memory file as a finding
    assert "locale/tm/de.tmx: error: [syntax] is not a file" in capsys.readouterr().out


# --- a read-only locale/ -----------------------------------------------------------------------
# Real confinement, as root: a read-only bind mount in a private mount namespace (the file system
# says EROFS), or the command run as "nobody" over root's files, which it cannot write (EACCES);
# "nobody" keeps CAP_DAC_READ_SEARCH only, so it can read pytest's private temporary folders.


def _confined(how: str, locale: Path) -> list[str] | None:
    """The command prefix that runs a process with ``locale`` read-only, or None if this machine
    cannot confine one that way."""
    import os
    import shutil
    import subprocess

    if how == "mount":
        return read_only_prefix(locale)
    else:
        if shutil.which("setpriv") is None or os.geteuid() != 0:
            return None
        prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                  "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]  # fmt: skip
    probe = subprocess.run([*prefix, "sh", "-c", f'test -r "{locale}" && ! touch "{locale}/.probe"'], capture_output=True)
    (locale / ".probe").unlink(missing_ok=True)
    return prefix if probe.returncode == 0 else None


@pytest.mark.system
@pytest.mark.parametrize(("how", "index"), [("mount", "sound"), ("mount", "absent"), ("mount", "stale"), ("nobody", "sound")])
def test_a_read_only_locale_folder(tm_project: Path, tmp_path: Path, how: str, index: str) -> None:
    """Reading commands work without write access (the index is held in memory for the run) and
    answer as with it; writing commands say which path is read-only, one line, exit 2."""
    import subprocess
    import sys

    config = load_config(tm_project)
    locale = config.locale_dir
    # The answers with write access, to compare with.
    search_args = ["tm", "search", "Take one tablet three times a day with water.", "-l", "de", "--format", "json"]
    reading = {
        "check": ["check", "--format", "json"],
        "search": search_args,
        "exact": ["tm", "search", DISCLAIMER, "-l", "de", "--format", "json"],
        "stats": ["tm", "stats", "--format", "json"],
        "analyze": ["analyze", "--format", "json"],
    }
    # Run from the project with relative paths: click checks them with access(2), which would not
    # let "nobody" through pytest's private folders (the capability is honoured by real reads only).
    run = lambda prefix, args: subprocess.run([*prefix, sys.executable, "-m", "pipeline", "-C", ".", *args],  # noqa: E731
                                              capture_output=True, text=True, timeout=300, cwd=tm_project)  # fmt: skip
    expected = {name: run([], args) for name, args in reading.items()}
    if index == "absent":  # a fresh read-only checkout
        for stale in locale.glob(INDEX_FILE + "*"):
            stale.unlink()
    elif index == "stale":  # a TMX changed since the index was built (a pull): the index is not used
        old_index = (locale / INDEX_FILE).read_bytes()
        tmx = tmx_path(config, "de")
        tmx.write_text(tmx.read_text(encoding="utf-8").replace("Packungsbeilage", "Beilage"), encoding="utf-8")
        expected = {name: run([], args) for name, args in reading.items()}
        assert "Beilage" in expected["exact"].stdout and "Packungsbeilage" not in expected["exact"].stdout
        (locale / INDEX_FILE).write_bytes(old_index)
    tm_project.chmod(0o755)  # pytest makes it private
    prefix = _confined(how, locale)
    if prefix is None:
        pytest.skip(f"this machine cannot make a folder read-only by {how}")
    before = snapshot(locale)
    import json

    for name, args in reading.items():
        got = run(prefix, args)
        assert got.returncode == expected[name].returncode, (name, got.stderr)
        if name == "stats":  # the same figures; the index is said to be held in memory
            ours, theirs = json.loads(got.stdout), json.loads(expected[name].stdout)
            assert ours["locales"] == theirs["locales"] and ours["locales"]["de"]["units"] == 4
            assert (ours["index"]["in_memory"], theirs["index"]["in_memory"]) == (True, False)
        else:
            assert got.stdout == expected[name].stdout, name
    reason = "read-only file system" if how == "mount" else "no write permission"
    for args in (["update"], ["tm", "import", "locale/tm/de.tmx"]):
        got = run(prefix, args)
        assert got.returncode == 2 and got.stderr.count("\n") == 1 and "Traceback" not in got.stderr, (args, got.stderr)
        assert got.stderr.startswith(f"locale: read-only ({reason}): "), got.stderr
    assert snapshot(locale) == before  # nothing written, not even the index


def test_a_sound_index_is_copied_into_memory_when_it_cannot_be_written(tm_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheap way first: a sound index that mirrors the TMX files is copied, not rebuilt; a
    writer is refused before anything changes."""
    from pipeline.errors import OutputError
    from pipeline.memory import project

    config = load_config(tm_project)
    monkeypatch.setattr(project, "read_only_reason", lambda path: f"{path.parent}: read-only (test)")
    monkeypatch.setattr(project, "iter_tmx", lambda path: pytest.fail("the TMX files were parsed"))
    with read_memory(config) as memory:
        assert memory.in_memory and memory.stats().units == {"de": 4}
        with memory.pending():  # what check does: plan with additions, roll back
            memory.add([unit("New.", "Neu.")])
            assert memory.lookup_exact("New.", "de")
    with pytest.raises(OutputError, match="read-only"):
        project.open_memory(config)


def test_a_reverted_heading_keeps_its_translators_note_through_update(project: Path) -> None:
    """End to end: a heading edited (fuzzy), annotated by the translator, reverted: the memory
    fills it exactly and the note and custom flag stay on the live entry."""
    from pipeline.catalogs import write_po

    write(project / "source" / "alpha.md", "---\ntitle: Alpha\nslug: alpha\n---\n\n## Dependency\n\nBody text here.\n\n::: disclaimer\nDisclaimer: x.\n:::\n")
    config = load_config(project)
    init_locale(config, "de")
    path = po_path(config, "de", "alpha")
    translate_entries(path, {"Alpha": "Alpha", "Dependency": "Abhängigkeit", "Body text here.": "Text.", "Disclaimer: x.": "Hinweis: x."})
    update_locales(config)
    source = project / "source" / "alpha.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## Dependency", "## Dependence"), encoding="utf-8")
    update_locales(config)
    catalog = read_po(path)
    write_po(dataclasses.replace(catalog, messages=tuple(
        dataclasses.replace(m, translator_comments=("check with the glossary",), flags=(*m.flags, "translatio-keep"))
        if m.msgid == "Dependence" else m for m in catalog.messages)), path)  # fmt: skip
    source.write_text(source.read_text(encoding="utf-8").replace("## Dependence", "## Dependency"), encoding="utf-8")
    update_locales(config)
    catalog = read_po(path)
    (heading,) = [m for m in catalog.messages if m.msgid == "Dependency"]
    assert (heading.msgstr, heading.fuzzy, heading.obsolete) == (("Abhängigkeit",), False, False)
    assert heading.translator_comments == ("check with the glossary",) and "translatio-keep" in heading.flags
    assert not catalog.obsolete  # no stray copy of the note


def test_concordance_search_on_the_command_line(tm_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A phrase in any case finds the unit that has it; ``--target`` searches the translations
    and JSON gives where the phrase is; ``--words`` without ``--concordance`` is a usage error."""
    source, target = "Do not drive or operate machinery after taking this medicine.", DE["Do not drive or operate machinery after taking this medicine."]
    (stored,) = [u for u in read_tmx(tmx_path(load_config(tm_project), "de")) if u.source == source]
    seen = f"{stored.first_seen[:4]}-{stored.first_seen[4:6]}-{stored.first_seen[6:8]}"
    capsys.readouterr()
    assert main(["-C", str(tm_project), "tm", "search", "--concordance", "operate MACHINERY", "-l", "de"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [source, f"      {target}", f"      (current in alpha since {seen})"]
    assert out.err == "1 unit\n"
    tablet = "Take one tablet twice a day with water."
    assert main(["-C", str(tm_project), "tm", "search", "--concordance", "--target", "TABLETTE", "-l", "de", "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)
    at = DE[tablet].index("Tablette")
    assert found["source"] == tablet and found["matches"] == [[at, at + len("Tablette")]]
    assert main(["-C", str(tm_project), "tm", "search", "--concordance", "tablet", "-l", "de"]) == 0  # the source side by default
    assert capsys.readouterr().out.splitlines()[0] == tablet
    assert main(["-C", str(tm_project), "tm", "search", "--words", "tablet", "-l", "de"]) == 2  # --words needs --concordance


def test_a_match_used_in_many_articles_names_three_and_counts_the_rest() -> None:
    """A provenance comment stays one readable line however many articles share the sentence
    (at 10,000 articles a common sentence came from hundreds: a comment of 6,000 characters)."""
    from pipeline.memory.matching import MemoryMatch

    def match(domains: list[str]) -> str:
        origins = tuple(Origin(domain, f"source/{domain}.md:3") for domain in domains)
        return MemoryMatch(TranslationUnit("Take it with water.", "Mit Wasser.", "en", "de", origins), 100, 100.0).describe()

    assert match(["gamma", "alpha", "beta"]) == "translation memory: exact match from alpha, beta, gamma"
    many = match([f"article-{n:04d}" for n in range(480, 0, -1)])
    assert many == "translation memory: exact match from article-0001, article-0002, article-0003 and 477 more"
