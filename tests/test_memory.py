"""The translation memory: backend contract, matching, harvest and pre-fill, files, analysis."""

from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from pipeline.catalogs import read_po
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.memory.analyze import analyze, band_of
from pipeline.memory.matching import MemoryQuery, context_digest, lookup, risk_differences
from pipeline.memory.project import INDEX_FILE, read_memory, tmx_path
from pipeline.memory.store import SQLiteMemory, length_bounds
from pipeline.memory.units import Origin, TranslationUnit
from pipeline.update import init_locale, po_path, update_locales

from .conftest import translate_entries, write
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


class MemoryBackendContract:
    """What every backend must do; a PostgreSQL backend would subclass this with its own fixture."""

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


class TestSQLiteMemory(MemoryBackendContract):
    @pytest.fixture
    def backend(self, tmp_path: Path):
        memory = SQLiteMemory(tmp_path / "index.sqlite")
        yield memory
        memory.close()

    def test_pending_rolls_back_unless_committed(self, backend) -> None:
        with backend.pending():
            backend.add([unit(SENTENCES[0], "DE")])
            assert backend.lookup_exact(SENTENCES[0], "de")
        assert backend.lookup_exact(SENTENCES[0], "de") == []


def test_length_bounds_are_exact_for_the_ratio() -> None:
    from rapidfuzz import fuzz

    for length, score in ((100, 75), (37, 80), (250, 60)):
        low, high = length_bounds(length, score)
        reachable = [n for n in range(1, 3 * length) if fuzz.ratio("a" * length, "a" * n) >= score]
        assert low <= min(reachable) and max(reachable) <= high  # no candidate is ever cut off
        assert min(reachable) - low <= 1 and high - max(reachable) <= 2  # and the bounds are tight


def test_in_context_exact_is_101(tmp_path: Path) -> None:
    memory = SQLiteMemory(tmp_path / "i.sqlite")
    context = context_digest("Before.", "After.")
    memory.add([unit("Shake well.", "Gut schütteln.", origins=(Origin("a", "source/a.md:3", context),))])
    assert lookup(memory, MemoryQuery("Shake well.", "de", "b", "source/b.md:1", context_digest("x", "y")))[0].score == 100
    assert lookup(memory, MemoryQuery("Shake well.", "de", "b", "source/b.md:1", context))[0].score == 101
    assert lookup(memory, MemoryQuery("Shake well.", "de", "a", "source/a.md:3"))[0].score == 101


def test_numbers_and_negations_are_penalized_and_explained(tmp_path: Path) -> None:
    memory = SQLiteMemory(tmp_path / "r.sqlite")
    memory.add([unit("Take 5 mg of the medicine every morning.", "Nehmen Sie jeden Morgen 5 mg.")])
    memory.add([unit("You should take this medicine with food.", "Mit dem Essen einnehmen.")])
    (number,) = lookup(memory, MemoryQuery("Take 10 mg of the medicine every morning.", "de"), 60)
    assert number.differences == ("number: 5 → 10",)
    assert number.score == int(number.similarity) - 10
    (negation,) = lookup(memory, MemoryQuery("You should not take this medicine with food.", "de"), 60)
    assert negation.differences == ("negation: 'not' only in the new text",)
    assert "translation memory: " in negation.describe() and "negation" in negation.describe()
    assert risk_differences("no change here", "no change here") == ()
    assert lookup(memory, MemoryQuery("Take 10 mg of the medicine every morning.", "de"), 95) == []


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
    assert "de: 4 units" in out and "fr: 1 units" in out


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
