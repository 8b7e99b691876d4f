"""The cache of earlier work (pipeline/cache.py): never trusted, and never visible in results.

Every command gives the same bytes cold, warm, without the cache, with one worker and with
many; a damaged cache or one that cannot be written is simply not used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cache as cache_module
from pipeline import parallel
from pipeline.cache import Cache, cached_map, project_cache
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.sources import Block, read_article

from .conftest import REPO


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (but the memory's index, a database) with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".tm-index" not in path.name and path.name != ".translatio.lock"
    }


def _run(project: Path, *args: str) -> None:
    assert main(["-C", str(project), *args]) == 0, args


def _edit_source(project: Path) -> None:
    """A translator-visible change: one word of one paragraph and a new paragraph."""
    path = project / "source" / "valium.md"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("Valium", "Valium (diazepam)", 1)
    assert changed != text
    path.write_text(changed.replace("\n## ", "\nA new paragraph for the cache test.\n\n## ", 1), encoding="utf-8")


def _cycle(project: Path, *options: str) -> dict[str, bytes]:
    """update, check (may fail on the edit's new entries), build; the project's files after."""
    _run(project, *options, "update")
    main(["-C", str(project), *options, "check"])
    _run(project, *options, "build")
    return _tree(project)


@pytest.fixture(autouse=True)
def _fixed_creation_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs compared here must differ only by the cache: an edit changes the templates, whose
    creation date would otherwise be the minute each run ends in (CI once saw two runs straddle
    one)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of this test's own, empty at the start."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRANSLATIO_CACHE_DIR", str(folder))
    cache_module.close_all()
    yield folder
    cache_module.close_all()


def _copy(shipped: Path, name: str) -> Path:
    target = shipped.parent / name
    shutil.copytree(shipped, target)
    return target


def test_cold_warm_and_uncached_runs_write_the_same_bytes(shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached, uncached = _copy(shipped_project, "cached"), _copy(shipped_project, "uncached")
    first = _cycle(cached)
    assert any(cache_dir.iterdir()), "the cold run stored nothing"
    assert _cycle(uncached, "--no-cache") == first

    found: list[int] = []
    real = Cache.get_many

    def spying(self: Cache, keys, remember=True):  # type: ignore[no-untyped-def]
        result = real(self, keys, remember)
        found.append(len(result))
        return result

    monkeypatch.setattr(Cache, "get_many", spying)
    assert _cycle(cached) == first
    assert sum(found) > 0, "the warm run found nothing in the cache"

    for project in (cached, uncached):
        _edit_source(project)
    assert _cycle(cached) == _cycle(uncached, "--no-cache")


def test_a_warm_run_takes_parsed_files_from_the_cache(valium_project: Path, cache_dir: Path) -> None:
    _run(valium_project, "init", "de")
    _run(valium_project, "update")
    calls: list[Path] = []
    real = cache_module.cached_map

    def counting(cache: Cache, kind: str, items, parts, compute, keep=None):  # type: ignore[no-untyped-def]
        def counted(item):  # type: ignore[no-untyped-def]
            calls.append(item[0])
            return compute(item)

        return real(cache, kind, items, parts, counted, keep)

    import pipeline.loading as loading

    original = loading.cached_map
    loading.cached_map = counting
    try:
        _run(valium_project, "update")
        assert calls == [], f"parsed again although unchanged: {calls}"
        (valium_project / "source" / "valium.md").write_text(
            (valium_project / "source" / "valium.md").read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8"
        )
        _run(valium_project, "update")
        assert valium_project / "source" / "valium.md" in calls
    finally:
        loading.cached_map = original


def test_a_damaged_value_is_computed_again_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = Cache(path)
    key = cache.key("test", "input")
    cache.put(key, ["the right result"])
    cache.close()
    db = sqlite3.connect(path)
    stored = db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()[0]
    forged = pickle.dumps(["a planted result"])
    db.execute("UPDATE entries SET value = ? WHERE key = ?", (forged, key))
    db.commit()
    db.close()
    assert stored != forged
    cache = Cache(path)
    assert cache.get(key) is None
    results, _ = cached_map(cache, "test", ["input"], lambda item: (item,), lambda item: ["the right result"])
    assert results == [["the right result"]]
    cache.close()


def test_a_damaged_database_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = Cache(path)
    assert cache.enabled
    key = cache.key("test", "x")
    cache.put(key, 42)
    cache.close()
    assert Cache(path).get(key) == 42


def test_an_unwritable_cache_folder_only_turns_the_cache_off(valium_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n")
    monkeypatch.setenv("TRANSLATIO_CACHE_DIR", str(blocker / "cache"))
    cache_module.close_all()
    try:
        assert not project_cache(valium_project).enabled
        _run(valium_project, "init", "de")
        _run(valium_project, "update")
        assert (valium_project / "locale" / "de" / "LC_MESSAGES" / "valium.po").is_file()
    finally:
        cache_module.close_all()


def test_a_change_of_the_code_changes_every_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path / "c.sqlite")
    before = cache.key("article", "path", b"bytes")
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: hashlib.sha256(b"another version").hexdigest())
    assert cache.key("article", "path", b"bytes") != before
    cache.close()


def test_a_change_of_settings_is_not_answered_from_the_cache(valium_project: Path, cache_dir: Path) -> None:
    _run(valium_project, "init", "de")
    _run(valium_project, "update")
    uncached = _copy(valium_project, "uncached")
    for project in (valium_project, uncached):
        (project / "pyproject.toml").write_text('[tool.translatio]\nproject_name = "Health Library"\n', encoding="utf-8")
    _run(valium_project, "update")
    _run(uncached, "--no-cache", "update")
    assert "Project-Id-Version: Health Library" in (valium_project / "locale" / "valium.pot").read_text(encoding="utf-8")
    assert _tree(valium_project / "locale") == _tree(uncached / "locale")


def test_no_cache_is_for_one_command_only(valium_project: Path, cache_dir: Path) -> None:
    _run(valium_project, "--no-cache", "extract")
    assert not cache_module.cache_disabled()
    assert "TRANSLATIO_CACHE" not in os.environ


def test_environment_switches_the_cache_off(valium_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSLATIO_CACHE", "0")
    _run(valium_project, "extract")
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_serial_and_parallel_runs_write_the_same_bytes(shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial, spread = _copy(shipped_project, "serial"), _copy(shipped_project, "spread")
    for project in (serial, spread):
        _edit_source(project)
    expected = _cycle(serial, "--no-cache", "--jobs", "1")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)  # a pool even for the few files of this project
    assert _cycle(spread, "--no-cache", "--jobs", "2") == expected
    assert _cycle(spread, "--jobs", "2") == expected  # and from its cache


def test_jobs_must_be_a_positive_number(valium_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(valium_project), "--jobs", "0", "extract"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_block_survives_pickling_with_every_field() -> None:
    article = read_article(REPO / "source" / "valium.md")
    blocks = [block for top in article.blocks for block in top.walk()]
    assert blocks
    for block in blocks:
        again = pickle.loads(pickle.dumps(block))
        for field in dataclasses.fields(Block):
            assert getattr(again, field.name) == getattr(block, field.name), field.name


def test_the_settings_fingerprint_is_the_same_in_every_process(valium_project: Path) -> None:
    """Keys must not depend on string hashing, which Python randomizes per process."""
    (valium_project / "pyproject.toml").write_text(
        '[tool.translatio]\nlocales = ["de", "fr"]\nproject_name = "Health"\nfuzzy_threshold = 70\nmin_percent = 90\n'
        '[tool.translatio.locale.de]\nignore_checks = ["length-ratio"]\n',
        encoding="utf-8",
    )
    script = "import sys; from pathlib import Path; from pipeline.config import load_config; print(load_config(Path(sys.argv[1])).fingerprint())"
    seen = {
        subprocess.run(
            [sys.executable, "-c", script, str(valium_project)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    }  # fmt: skip
    assert len(seen) == 1, seen


def test_a_warm_check_checks_again_only_the_catalogue_that_changed(
    shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.checks import runner

    checked: list[Path] = []
    real = runner._check_unit

    def counting(config, min_percent, unit):  # type: ignore[no-untyped-def]
        checked.append(unit.path)
        return real(config, min_percent, unit)

    monkeypatch.setattr(runner, "_check_unit", counting)
    assert main(["-C", str(shipped_project), "check"]) == 0
    assert len(checked) > 10  # every catalogue and template, the first time
    checked.clear()
    assert main(["-C", str(shipped_project), "check"]) == 0
    assert checked == []
    german = shipped_project / "locale" / "de" / "LC_MESSAGES" / "ui.po"
    german.write_text(german.read_text(encoding="utf-8").replace("# German", "# The German", 1), encoding="utf-8")
    capsys.readouterr()
    first = main(["-C", str(shipped_project), "check", "--format", "json"]), capsys.readouterr().out
    assert checked == [german]
    checked.clear()
    uncached = main(["-C", str(shipped_project), "--no-cache", "check", "--format", "json"]), capsys.readouterr().out
    assert first == uncached and len(checked) > 10


def test_a_check_after_an_edit_checks_again_only_the_entries_whose_text_changed(
    shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Entry results are kept per locale across runs (by the entry's text): after one
    translation is edited, a new process runs the entry checks on that entry alone, and reports
    what an uncached check reports — its finding included."""
    from pipeline.checks import runner

    judged: list[str] = []
    real = runner._entry_problems

    def counting(message, *args):  # type: ignore[no-untyped-def]
        judged.append(message.msgid)
        return real(message, *args)

    monkeypatch.setattr(runner, "_entry_problems", counting)
    monkeypatch.setattr(runner, "_ENTRY_MEMOS", {})  # what earlier tests in this process left
    assert main(["-C", str(shipped_project), "check"]) == 0
    assert len(judged) > 50
    german = shipped_project / "locale" / "de" / "LC_MESSAGES" / "valium.po"
    text = german.read_text(encoding="utf-8")
    edited = text.replace('msgstr "Abhängigkeit"', 'msgstr "abhängigkeit  "', 1)
    assert edited != text
    german.write_text(edited, encoding="utf-8")
    runner._ENTRY_MEMOS.clear()  # as in a new process
    judged.clear()
    capsys.readouterr()
    warm = main(["-C", str(shipped_project), "check", "--format", "json"]), capsys.readouterr().out
    assert judged == ["Dependency"]
    runner._ENTRY_MEMOS.clear()
    cold = main(["-C", str(shipped_project), "--no-cache", "check", "--format", "json"]), capsys.readouterr().out
    assert warm == cold
    assert {"start-capital", "whitespace"} <= {f["check"] for f in json.loads(warm[1])["findings"]}


def test_an_update_after_an_update_reports_what_an_uncached_one_reports(
    shipped_project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An update records the files it writes as merging to themselves; the next update and the
    next check must agree with a real merge: summary, bytes and findings."""
    _edit_source(shipped_project)
    uncached = _copy(shipped_project, "uncached")
    _run(shipped_project, "update")
    _run(uncached, "--no-cache", "update")
    capsys.readouterr()
    _run(shipped_project, "update", "-v")
    warm = capsys.readouterr().out
    _run(uncached, "--no-cache", "update", "-v")
    assert warm == capsys.readouterr().out
    assert "0 new, 0 changed (fuzzy), 0 obsolete, 0 revived" in warm
    assert _tree(shipped_project / "locale") == _tree(uncached / "locale")
    outcomes = []
    for project, options in ((shipped_project, ()), (uncached, ("--no-cache",))):
        code = main(["-C", str(project), *options, "check", "--format", "json"])
        outcomes.append((code, capsys.readouterr().out.replace(str(project), "<project>")))
    assert outcomes[0] == outcomes[1]


def test_a_warm_build_renders_only_the_pages_whose_inputs_changed(shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Article × locale pages come from the cache unless their article, catalogue, ui catalogue,
    templates or settings changed; a page rendered anew is verified in full (one from the cache
    passed when it was built, and is read back); the tree is a clean build's."""
    from pipeline import build as build_module

    source = shipped_project / "source"
    text = (source / "valium.md").read_text(encoding="utf-8")
    (source / "second.md").write_text(text.replace("slug: valium", "slug: second", 1), encoding="utf-8")
    _run(shipped_project, "update")
    rendered: list[tuple[str, str]] = []
    verified: list[str] = []
    real_render, real_verify = build_module._render_article, build_module.verify_page

    def render(site, article, locale, ui, notice, policy):  # type: ignore[no-untyped-def]
        rendered.append((locale.code, article.slug))
        return real_render(site, article, locale, ui, notice, policy)

    def verify(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        verified.append(path.name)
        return real_verify(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "_render_article", render)
    monkeypatch.setattr(build_module, "verify_page", verify)
    locales = 1 + len(load_config(shipped_project).target_locales())

    def build() -> set[tuple[str, str]]:
        rendered.clear()
        verified.clear()
        _run(shipped_project, "-j", "1", "build")
        assert sorted(verified) == sorted(f"{slug}{suffix}" for _, slug in rendered for suffix in (".html", ".txt"))
        return set(rendered)

    assert len(build()) == 2 * locales  # cold: everything
    assert build() == set()  # nothing changed: nothing rendered
    po = shipped_project / "locale" / "de" / "LC_MESSAGES" / "second.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Valium", "Valium®", 1), encoding="utf-8")
    assert build() == {("de", "second")}  # one catalogue: one page pair
    ui = shipped_project / "locale" / "fr" / "LC_MESSAGES" / "ui.po"
    ui.write_text(ui.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build() == {("fr", "valium"), ("fr", "second")}  # the ui catalogue: that locale's pages
    warm = _tree(shipped_project / "build")
    cache_module.close_all()
    _run(shipped_project, "--no-cache", "build")
    assert _tree(shipped_project / "build") == warm  # byte-identical to a build without the cache
    from pipeline.build import build_site

    build_site(load_config(shipped_project), workers=2)  # forked workers, two locales at a time of seven
    assert _tree(shipped_project / "build") == warm
    templates = shipped_project / "templates"
    shutil.copytree(REPO / "pipeline" / "templates", templates)
    (shipped_project / "pyproject.toml").write_text(
        (shipped_project / "pyproject.toml").read_text(encoding="utf-8").replace("[tool.translatio]\n", '[tool.translatio]\ntemplates_dir = "templates"\n'),
        encoding="utf-8",
    )
    assert len(build()) == 2 * locales
    with (templates / "style.css").open("a", encoding="utf-8") as handle:
        handle.write("h2 { letter-spacing: .01em; }\n")
    assert len(build()) == 2 * locales  # a template's change renders every page again


def test_a_page_from_the_cache_must_read_back_as_the_page_that_passed(shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached page is not verified again, so what is on disk must be its bytes: a page that
    reads back otherwise (a disk, a filesystem, another process) fails the build, and nothing
    is published."""
    from pipeline import build as build_module

    _run(shipped_project, "build")
    before = _tree(shipped_project / "build")
    real_write = build_module._write

    def damaging(folder: Path, relative: str, content: str) -> str:
        written = real_write(folder, relative, content)
        if relative == "de/valium.html":
            (folder / relative).write_text(content.replace("</article>", "<p>x</p></article>"), encoding="utf-8")
        return written

    monkeypatch.setattr(build_module, "_write", damaging)
    assert main(["-C", str(shipped_project), "build", "--clean"]) == 1  # every page from the cache, the whole tree
    assert _tree(shipped_project / "build") == before
    os.utime(shipped_project / "build" / "de" / "valium.html")  # touched: published again, in place, from the cache
    assert main(["-C", str(shipped_project), "build"]) == 1
    assert _tree(shipped_project / "build") == before


def test_a_page_that_failed_verification_is_not_kept_in_the_cache(shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import build as build_module

    real_verify = build_module.verify_page
    monkeypatch.setattr(build_module, "verify_page", lambda path, *args, **kwargs: "refused" if path.name == "valium.html" and path.parent.name == "fr" else real_verify(path, *args, **kwargs))
    assert main(["-C", str(shipped_project), "-j", "1", "build"]) == 1
    checked: list[str] = []
    monkeypatch.setattr(build_module, "verify_page", lambda path, *args, **kwargs: checked.append(f"{path.parent.name}/{path.name}") or real_verify(path, *args, **kwargs))
    _run(shipped_project, "-j", "1", "build")
    assert "fr/valium.html" in checked  # rendered and verified again, not taken from the cache
    checked.clear()
    _run(shipped_project, "-j", "1", "build")
    assert checked == []  # now it passed: kept


def test_a_warm_build_parses_only_the_catalogues_of_pages_it_renders(shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page keys are made of catalogue bytes; a catalogue whose pages all come from the cache is
    not parsed. A cached page that does not check out is rendered after all, from its catalogue
    parsed then, and the site is the same as a clean build."""
    from pipeline import build as build_module
    from pipeline import loading

    _run(shipped_project, "build")
    clean = _tree(shipped_project / "build")
    parsed: list[str] = []
    real_parse = loading.parse_catalogs

    def counting(config, sources):  # type: ignore[no-untyped-def]
        parsed.extend(f"{path.parent.parent.name}/{path.name}" for path, _ in sources)
        return real_parse(config, sources)

    monkeypatch.setattr(build_module, "parse_catalogs", counting)
    po = shipped_project / "locale" / "de" / "LC_MESSAGES" / "valium.po"
    po.write_text(po.read_text(encoding="utf-8").replace("# German", "# The German", 1), encoding="utf-8")
    _run(shipped_project, "-j", "1", "build")
    codes = sorted(p.name for p in (shipped_project / "locale").iterdir() if (p / "LC_MESSAGES").is_dir())
    assert sorted(parsed) == sorted(["de/valium.po", *(f"{code}/ui.po" for code in codes)])

    cache_module.close_all()
    _run(shipped_project, "--no-cache", "build")
    uncached = _tree(shipped_project / "build")
    import sqlite3

    database = next(cache_dir.glob("*.sqlite"))
    with sqlite3.connect(database) as db:  # every cached value damaged: present, but does not check out
        db.execute("UPDATE entries SET checksum = zeroblob(32)")
    db.close()
    parsed.clear()
    _run(shipped_project, "-j", "1", "build")
    assert sorted(parsed) == sorted(f"{code}/ui.po" for code in codes)  # the pages were "present": only the ui catalogues up front
    assert _tree(shipped_project / "build") == uncached  # rendered from catalogues parsed when needed


def test_a_check_after_an_update_neither_parses_nor_formats_again_what_the_update_wrote(
    shipped_project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """update records the templates and catalogues it writes as finished (fixed points): the
    freshness test of the check that follows plans the update without parsing a catalogue or
    building a template again, and finds what an uncached check finds."""
    import pipeline.extract as extract
    import pipeline.update as update

    _edit_source(shipped_project)
    uncached = _copy(shipped_project, "uncached")
    _run(shipped_project, "update")
    _run(uncached, "--no-cache", "update")
    finished: list[Path] = []
    parsed: list[Path] = []
    real_finish, real_parse = extract.finish_template, update.parse_catalogs

    def finishing(template, config, current=None, created=None):  # type: ignore[no-untyped-def]
        finished.append(template.path)
        return real_finish(template, config, current, created)

    def parsing(config, sources, store=True):  # type: ignore[no-untyped-def]
        parsed.extend(path for path, _ in sources)
        return real_parse(config, sources, store)

    monkeypatch.setattr(extract, "finish_template", finishing)
    monkeypatch.setattr(update, "parse_catalogs", parsing)
    capsys.readouterr()
    code = main(["-C", str(shipped_project), "check", "--format", "json"])
    warm = code, capsys.readouterr().out.replace(str(shipped_project), "<project>")
    assert [path.name for path in finished] == ["ui.pot"]  # the UI's template is not cached: it is small
    assert parsed == []
    code = main(["-C", str(uncached), "--no-cache", "check", "--format", "json"])
    assert warm == (code, capsys.readouterr().out.replace(str(uncached), "<project>"))
    assert len(finished) > 2 and parsed


def test_a_check_reads_the_articles_once(shipped_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disclaimer gate and the freshness test share one reading of the articles (without the
    cache, each read parsed every article again)."""
    import pipeline.extract as extract

    calls: list[int] = []
    real = extract.load_articles

    def counting(config):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(config)

    monkeypatch.setattr(extract, "load_articles", counting)
    assert main(["-C", str(shipped_project), "--no-cache", "check"]) == 0
    assert len(calls) == 1


def test_a_keyer_gives_the_keys_of_its_prefix_and_parts(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache.sqlite")
    page = cache.keyer("page", "shared", b"de")
    assert page("article", "") == cache.key("page", "shared", b"de", "article", "")
    assert page("article", "x") != page("articlex", "")  # parts cannot run together


def test_update_keeps_the_parses_of_catalogues_it_leaves_and_not_of_those_it_replaces(shipped_project: Path, cache_dir: Path) -> None:
    """A catalogue ``update`` parsed and left as it is (here: a translator's edit, harvested) is
    parsed once, for every command after; the parse of a catalogue it replaces (a translator's
    edit of an article whose source changed too) would never be used again, and is not stored."""
    from pipeline.update import po_path

    _run(shipped_project, "update")
    config = load_config(shipped_project)
    ui, article = po_path(config, "de", "ui"), po_path(config, "de", "valium")
    ui.write_text(ui.read_text(encoding="utf-8").replace('msgstr "Veröffentlicht am %(date)s"', 'msgstr "Erschienen am %(date)s"'), encoding="utf-8")
    article.write_text(article.read_text(encoding="utf-8").replace("qualifizierter", "qualifizierten", 1), encoding="utf-8")
    _edit_source(shipped_project)
    replaced = article.read_bytes()  # edited, and replaced by the merge with the new source
    _run(shipped_project, "update")
    assert ui.read_bytes().decode("utf-8").count("Erschienen am") == 1 and article.read_bytes() != replaced

    def stored(path: Path, data: bytes) -> bool:
        cache_module.close_all()
        cache = project_cache(shipped_project)
        return bool(cache.get_many([cache.key("catalog", str(path), data)], remember=False))

    assert stored(ui, ui.read_bytes())
    assert not stored(article, replaced)
