"""The shared memory on a real PostgreSQL server: the backend contract, concurrency, two projects
sharing one server, push/pull/sync, a server that is down or goes away, the schema's versions.

Each test gets a fresh schema on a throw-away server the tests start themselves (conftest's
``pg_cluster``: ``initdb`` in a temporary folder, 127.0.0.1, a free port); they are skipped
where PostgreSQL is not installed, and CI (TRANSLATIO_REQUIRE_TOOLS=1) fails instead.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.catalogs import read_po
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.memory.project import tmx_path
from pipeline.memory.units import Origin
from pipeline.update import init_locale, po_path

from .conftest import merges_in_workers, translate_entries, write
from .test_memory import SENTENCES, MemoryBackendContract, unit
from .test_update import snapshot


class TestPostgresMemory(MemoryBackendContract):
    @pytest.fixture
    def backend(self, pg_url: str):  # type: ignore[no-untyped-def]
        from pipeline.memory.postgres import PostgresMemory

        memory = PostgresMemory(pg_url, "alpha")
        yield memory
        memory.close()

    def test_other_projects_units_are_offered_with_their_name_and_kept_apart(self, backend, pg_url: str) -> None:  # type: ignore[no-untyped-def]
        from pipeline.memory.matching import MemoryQuery, lookup
        from pipeline.memory.postgres import PostgresMemory
        from pipeline.memory.units import EntryState

        backend.add([unit(SENTENCES[0], "Alpha sagt.", origins=(Origin("intro", "source/intro.md:3"),))])
        beta = PostgresMemory(pg_url, "beta")
        try:
            (match,) = lookup(beta, MemoryQuery(SENTENCES[0], "de", "intro", "source/intro.md:3"))
            assert (match.unit.target, match.score) == ("Alpha sagt.", 100)  # the same reference in another project: not in context
            assert match.unit.origins == (Origin("intro", "source/intro.md:3", "", "alpha"),)
            assert "exact match from alpha/intro" in match.describe()
            assert list(beta.iterate("de")) == [] and beta.stats().units == {}  # beta's own record is empty
            beta.add([unit(SENTENCES[0], "Beta sagt.", origins=(Origin("intro", "source/intro.md:3"),))])
            beta.supersede([EntryState("de", "intro", SENTENCES[0], "Beta sagt.")])  # beta's correction is beta's
            (alpha_own,) = backend.iterate("de")
            assert alpha_own.status == "current" and alpha_own.origins == (Origin("intro", "source/intro.md:3"),)
            assert [m.unit.target for m in lookup(backend, MemoryQuery(SENTENCES[0], "de"))] == ["Alpha sagt.", "Beta sagt."]
            assert backend.stats().projects == {"alpha": 1, "beta": 1}
        finally:
            beta.close()


# --- projects sharing one server -------------------------------------------------------------

ARTICLE = """
---
title: {title}
slug: {slug}
---

Take one tablet twice a day with water.

Do not drive or operate machinery after taking this medicine.

::: disclaimer
Disclaimer: Ask your doctor. Read the leaflet.
:::
"""
DE = {
    "Take one tablet twice a day with water.": "Nehmen Sie zweimal täglich eine Tablette mit Wasser ein.",
    "Do not drive or operate machinery after taking this medicine.": "Fahren Sie nach der Einnahme nicht Auto und bedienen Sie keine Maschinen.",
    "Disclaimer: Ask your doctor. Read the leaflet.": "Hinweis: Fragen Sie Ihren Arzt. Lesen Sie die Packungsbeilage.",
}


def server_project(root: Path, name: str, url: str | None, slug: str = "") -> Path:
    """A project named ``name`` with one article, its memory on the server at ``url`` (or its own)."""
    setting = f'memory_url = "{url}"\n' if url else ""
    write(root / "pyproject.toml", f'[tool.translatio]\nproject_name = "{name}"\n{setting}')
    slug = slug or name
    write(root / "source" / f"{slug}.md", ARTICLE.format(title=slug.title(), slug=slug))
    init_locale(load_config(root), "de")
    return root


def run(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args])


def test_two_projects_share_one_server(tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    alpha = server_project(tmp_path / "alpha", "alpha", pg_url)
    beta = server_project(tmp_path / "beta", "beta", pg_url, slug="news")
    translate_entries(po_path(load_config(alpha), "de", "alpha"), DE)
    assert run(alpha, "update") == 0  # harvested into the server
    write(beta / "source" / "beta.md", ARTICLE.format(title="Beta", slug="beta"))  # a new article in the other project …
    assert run(beta, "update") == 0  # … is pre-filled from the server
    messages = {m.msgid: m for m in read_po(po_path(load_config(beta), "de", "beta")).active}
    for source, target in DE.items():
        assert messages[source].msgstr == (target,) and not messages[source].fuzzy  # the disclaimer too: an unambiguous exact match
        (comment,) = [c for c in messages[source].extracted_comments if c.startswith("translation memory:")]
        assert comment.endswith("exact match from alpha/alpha")  # in context (the same neighbours) or not
    # Each project's TMX file is its own record: beta's holds what beta uses, named as its own.
    beta_tmx = tmx_path(load_config(beta), "de").read_text(encoding="utf-8")
    assert '<prop type="x-translatio-origin">beta|source/beta.md:' in beta_tmx and "alpha" not in beta_tmx
    assert "beta" not in tmx_path(load_config(alpha), "de").read_text(encoding="utf-8")
    capsys.readouterr()
    assert run(beta, "tm", "search", SENTENCE, "-l", "de", "--format", "json") == 0
    (found,) = json.loads(capsys.readouterr().out)
    assert {(o["project"], o["domain"]) for o in found["origins"]} == {("alpha", "alpha"), ("", "beta")}
    assert run(beta, "tm", "stats", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["server"]["projects"] == {"alpha": 3, "beta": 3}


SENTENCE = "Take one tablet twice a day with water."


def test_the_tmx_files_are_the_same_with_or_without_a_server(tmp_path: Path, pg_url: str) -> None:
    own = server_project(tmp_path / "own", "site", None)
    shared = server_project(tmp_path / "shared", "site", pg_url)
    for root in (own, shared):
        translate_entries(po_path(load_config(root), "de", "site"), DE)
        assert run(root, "update") == 0
        assert run(root, "update") == 0
    assert tmx_path(load_config(shared), "de").read_bytes() == tmx_path(load_config(own), "de").read_bytes()
    assert po_path(load_config(shared), "de", "site").read_bytes() == po_path(load_config(own), "de", "site").read_bytes()


def test_push_pull_sync_are_idempotent(tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = server_project(tmp_path / "site", "site", None)  # a project that had its own memory …
    translate_entries(po_path(load_config(root), "de", "site"), DE)
    assert run(root, "update") == 0
    tmx = tmx_path(load_config(root), "de")
    record = tmx.read_bytes()
    assert run(root, "tm", "push") == 2  # no server configured: one line, nothing to do
    assert "memory_url: not set" in capsys.readouterr().err
    write(root / "pyproject.toml", f'[tool.translatio]\nproject_name = "site"\nmemory_url = "{pg_url}"\n')  # … joins a server
    assert run(root, "tm", "push") == 0
    assert capsys.readouterr().out.splitlines() == ["de: 3 units pushed, 0 new or updated on the server"]  # opening it pushed them
    assert run(root, "tm", "pull") == 0
    assert capsys.readouterr().out.splitlines() == ["de: 3 units pulled, locale/tm/de.tmx unchanged"]
    tmx.unlink()
    assert run(root, "tm", "pull") == 0  # the record comes back from the server, byte for byte
    assert tmx.read_bytes() == record
    capsys.readouterr()
    assert run(root, "tm", "sync") == 0
    assert capsys.readouterr().out.splitlines() == ["de: 3 units pushed, 0 new or updated on the server; 3 units pulled, locale/tm/de.tmx unchanged"]
    # A colleague's checkout (another folder of the same project) gets the units by pulling.
    other = server_project(tmp_path / "colleague", "site", pg_url, slug="site")
    assert run(other, "tm", "pull") == 0
    assert tmx_path(load_config(other), "de").read_bytes() == record


def test_a_server_that_is_down_is_one_line_without_the_password(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://translator:s3cret@127.0.0.1:{port}/tm?password=s3cret&connect_timeout=5"
    root = server_project(tmp_path / "site", "site", None)
    translate_entries(po_path(load_config(root), "de", "site"), DE)
    assert run(root, "update") == 0
    write(tmp_path / "import.tmx", TMX)
    before = snapshot(root)
    for args in (["update"], ["tm", "import", str(tmp_path / "import.tmx")], ["tm", "search", SENTENCE, "-l", "de"],
                 ["tm", "stats"], ["check"], ["tm", "sync"]):  # fmt: skip
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as env:
            env.setenv("TRANSLATIO_MEMORY_URL", url)
            assert run(root, *args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith(f"postgresql://translator@127.0.0.1:{port}/tm?connect_timeout=5: cannot connect: "), err
        assert len(err.strip().splitlines()) == 1 and "s3cret" not in err
        assert snapshot(root) == before


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" o-tmf="x" adminlang="en" creationtool="x" creationtoolversion="1"/>
<body><tu><tuv xml:lang="en"><seg>Keep out of the reach of children.</seg></tuv><tuv xml:lang="de"><seg>Für Kinder unzugänglich aufbewahren.</seg></tuv></tu></body></tmx>
"""


@pytest.mark.parametrize("when", ["add", "commit"])
@pytest.mark.parametrize("command", ["update", "import"])
def test_a_server_that_goes_away_mid_run_changes_no_file(tmp_path: Path, pg_cluster, pg_url: str, when: str, command: str,
                                                         capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from pipeline.memory.postgres import PostgresMemory

    root = server_project(tmp_path / "site", "site", pg_url)
    translate_entries(po_path(load_config(root), "de", "site"), DE)
    assert run(root, "update") == 0
    write(root / "source" / "site.md", ARTICLE.format(title="Site", slug="site").replace("twice a day", "three times a day"))
    write(tmp_path / "import.tmx", TMX)
    before = snapshot(root)
    when = "add_batches" if (command, when) == ("import", "add") else when  # tm import adds a file's units in batches
    original = getattr(PostgresMemory, when)

    def gone(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        pid = self.db.info.backend_pid
        with pg_cluster.admin() as admin:  # the server drops the connection, as a restart or a network failure would
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PostgresMemory, when, gone)
    capsys.readouterr()
    assert run(root, *(["update"] if command == "update" else ["tm", "import", str(tmp_path / "import.tmx")])) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(pg_url + ": ") and len(err.splitlines()) == 1, err
    assert snapshot(root) == before
    monkeypatch.undo()
    assert run(root, "update") == 0  # and the next run does the work


def test_the_schema_is_created_migrated_and_a_newer_one_refused(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import psycopg

    from pipeline.memory.postgres import MIGRATIONS, SCHEMA_VERSION

    from pipeline.memory.postgres import PostgresMemory, _digest, _encode

    root = server_project(tmp_path / "site", "site", pg_url)
    with psycopg.connect(pg_url, autocommit=True) as db:  # a server an older translatio prepared, with a unit
        db.execute("CREATE TABLE translatio_meta (key text PRIMARY KEY, value text NOT NULL)")
        db.execute(str(MIGRATIONS[0][1]))
        db.execute("INSERT INTO translatio_meta VALUES ('schema', '1')")
        norm, target = SENTENCE, DE[SENTENCE]
        (unit_id,) = db.execute(
            "INSERT INTO tm_units (locale, source_locale, norm, norm_target, source, target, length, source_key, pair_key)"
            " VALUES ('de', 'en', %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (norm, target, norm, target, len(norm), _digest(norm), _digest(norm, target)),
        ).fetchone()
        db.execute("INSERT INTO tm_places VALUES ('site', %s, %s, %s, '')", (unit_id, _encode((Origin("site", "source/site.md:7"),)), _encode(())))
    assert run(root, "tm", "init-server") == 0
    assert capsys.readouterr().out.strip() == f"{pg_url}: schema version {SCHEMA_VERSION} (migrated from version 1)"
    with psycopg.connect(pg_url, autocommit=True) as db:
        assert db.execute("SELECT to_regclass('tm_units_words') IS NOT NULL, to_regclass('tm_units_trigrams') IS NOT NULL").fetchone() == (True, True)
        assert dict(db.execute("SELECT word, units FROM tm_words WHERE locale = 'de'").fetchall()) == {
            w: 1 for w in ("take", "one", "tablet", "twice", "a", "day", "with", "water")}  # the unit already there is indexed
    memory = PostgresMemory(pg_url, "site")
    try:
        (found,) = memory.lookup_fuzzy("Take one tablet three times a day with water.", "de", 75, 5)
        assert found.unit.target == DE[SENTENCE] and found.unit.origins == (Origin("site", "source/site.md:7"),)
    finally:
        memory.close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("UPDATE translatio_meta SET value = '99' WHERE key = 'schema'")
    assert run(root, "update") == 2
    assert capsys.readouterr().err.strip() == (
        f"{pg_url}: the memory's schema is version 99, newer than this translatio understands ({SCHEMA_VERSION}): upgrade translatio")


def test_a_server_too_old_for_the_schema_is_one_line_exit_2(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema needs PostgreSQL 14 (``bit_count``); an older server is refused before any
    table is made. (This server is newer: the oldest accepted version is raised for the test.)"""
    import psycopg

    from pipeline.memory import postgres

    root = server_project(tmp_path / "site", "site", pg_url)
    monkeypatch.setattr(postgres, "MIN_SERVER_VERSION", 990000)
    assert run(root, "tm", "init-server") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{pg_url}: PostgreSQL 14 or later is needed; this server is 1"), err
    with psycopg.connect(pg_url, autocommit=True) as db:
        assert db.execute("SELECT to_regclass('translatio_meta') IS NULL").fetchone() == (True,)


def test_init_server_on_an_empty_database(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = server_project(tmp_path / "site", "site", pg_url)
    assert run(root, "tm", "init-server") == 0
    assert run(root, "tm", "init-server") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("(created)") and lines[1].endswith("(up to date)")


def test_memory_url_from_the_configuration_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", '[tool.translatio]\nproject_name = "site"\nmemory_url = "postgresql://tm@db.example/tm"\n')
    assert load_config(tmp_path).memory_url == "postgresql://tm@db.example/tm"
    monkeypatch.setenv("TRANSLATIO_MEMORY_URL", "postgresql://tm:pw@other.example/tm")
    assert load_config(tmp_path).memory_url == "postgresql://tm:pw@other.example/tm"  # the environment wins
    monkeypatch.setenv("TRANSLATIO_MEMORY_URL", "mysql://tm:pw@other.example/tm")
    with pytest.raises(ConfigError, match="^TRANSLATIO_MEMORY_URL: expected a URL such as postgresql://") as caught:
        load_config(tmp_path)
    assert "pw" not in str(caught.value)
    monkeypatch.delenv("TRANSLATIO_MEMORY_URL")
    write(tmp_path / "pyproject.toml", '[tool.translatio]\nmemory_url = "sqlite:///x"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.translatio.memory_url: expected a URL"):
        load_config(tmp_path)


def test_a_shared_memory_needs_the_projects_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each project's record on the server is kept under its name: an unnamed project would be
    the default "translatio", and two of them would write each other's units into their TMX files."""
    write(tmp_path / "pyproject.toml", '[tool.translatio]\nmemory_url = "postgresql://tm@db.example/tm"\n')
    assert run(tmp_path, "tm", "stats") == 2
    err = capsys.readouterr().err
    assert err.endswith("pyproject.toml: tool.translatio.project_name: a shared memory (memory_url) needs the project's name, "
                        "unique on the server: set project_name (or [project] name)\n") and len(err.splitlines()) == 1
    write(tmp_path / "pyproject.toml", '[project]\nname = "site"\n\n[tool.translatio]\nmemory_url = "postgresql://tm@db.example/tm"\n')
    assert load_config(tmp_path).project_name == "site"
    write(tmp_path / "pyproject.toml", '[tool.translatio]\n')
    assert load_config(tmp_path).memory_url == ""  # without a server, no name is needed


def test_redact_keeps_everything_but_the_password() -> None:
    from pipeline.memory.postgres import redact

    assert redact("postgresql://u:p%40ss@h:5432/db?sslmode=require&password=x") == "postgresql://u@h:5432/db?sslmode=require"
    assert redact("postgresql:///db") == "postgresql:///db"


# --- concurrency -----------------------------------------------------------------------------------


def _sentences(prefix: str, count: int) -> dict[str, str]:
    return {f"{prefix} sentence number {n} about the medicine.": f"{prefix} Satz Nummer {n} über das Arzneimittel." for n in range(count)}


@pytest.mark.system
def test_four_processes_on_two_projects_lose_nothing_and_duplicate_nothing(tmp_path: Path, pg_url: str) -> None:
    """Two projects, two checkouts each, one process per checkout importing TMX files and running
    update twice over, all at once against one server: every unit is there exactly once,
    each project's record holds exactly what its checkouts gave it."""
    import psycopg

    from pipeline.memory.tmx import write_tmx
    from pipeline.memory.units import TranslationUnit, normalize

    shared_catalogue = _sentences("Shared", 15)  # in both projects' articles
    shared_import = _sentences("Imported everywhere", 60)  # in every process's TMX file
    catalogues = {project: {**shared_catalogue, **_sentences(f"Own {project}", 15)} for project in ("alpha", "beta")}
    imports = {f"{project}-{n}": {**shared_import, **_sentences(f"Import {project} {n}", 40)} for project in ("alpha", "beta") for n in (1, 2)}
    folders = {}
    for checkout, pairs in imports.items():
        project = checkout.split("-")[0]
        root = tmp_path / checkout
        write(root / "pyproject.toml", f'[tool.translatio]\nproject_name = "{project}"\nmemory_url = "{pg_url}"\nrequire_disclaimer = false\n')
        body = "\n\n".join(catalogues[project])
        write(root / "source" / f"{project}.md", f"---\ntitle: {project}\nslug: {project}\n---\n\n{body}\n")
        init_locale(load_config(root), "de")
        translate_entries(po_path(load_config(root), "de", project), catalogues[project])
        write_tmx([TranslationUnit(s, t, "en", "de") for s, t in pairs.items()], tmp_path / f"{checkout}.tmx", "en")
        folders[checkout] = root
    python = f"{sys.executable} -m pipeline"
    loops = [
        subprocess.Popen(["sh", "-c", f'for i in 1 2; do {python} -C "$0" tm import "$1" >/dev/null && {python} -C "$0" update >/dev/null || exit 1; done',
                          str(root), str(tmp_path / f"{checkout}.tmx")], stderr=subprocess.PIPE, text=True)  # fmt: skip
        for checkout, root in folders.items()
    ]
    errors = [loop.communicate(timeout=600)[1] for loop in loops]
    assert [loop.returncode for loop in loops] == [0, 0, 0, 0], errors

    every_pair = {(normalize(s), normalize(t)) for pairs in [*catalogues.values(), *imports.values()] for s, t in pairs.items()}
    with psycopg.connect(pg_url) as db:
        units = db.execute("SELECT norm, norm_target FROM tm_units WHERE locale = 'de'").fetchall()
        assert len(units) == len(set(units)) == len(every_pair) and set(units) == every_pair  # nothing lost, nothing twice
        for project in ("alpha", "beta"):
            rows = db.execute(
                "SELECT u.norm, u.norm_target, p.origins FROM tm_places p JOIN tm_units u ON u.id = p.unit_id WHERE p.project = %s",
                (project,),
            ).fetchall()
            expected = {(normalize(s), normalize(t)) for pairs in (catalogues[project], imports[f"{project}-1"], imports[f"{project}-2"])
                        for s, t in pairs.items()}  # fmt: skip
            assert len(rows) == len({(n, t) for n, t, _ in rows}) and {(n, t) for n, t, _ in rows} == expected
            used = {(n, t) for n, t, origins in rows if json.loads(origins)}
            assert used == {(normalize(s), normalize(t)) for s, t in catalogues[project].items()}  # current where a catalogue uses it
            assert all(json.loads(origins)[0][0] == project for n, t, origins in rows if (n, t) in used)
    for checkout, root in folders.items():  # and each checkout's TMX file ends as its project's record
        assert run(root, "tm", "pull") == 0
    assert tmx_path(load_config(folders["alpha-1"]), "de").read_bytes() == tmx_path(load_config(folders["alpha-2"]), "de").read_bytes()
    beta_record = tmx_path(load_config(folders["beta-1"]), "de").read_text(encoding="utf-8")
    assert beta_record.count("<tu>") + beta_record.count("<tu ") == len(catalogues["beta"]) + 60 + 80


def test_merges_in_workers_ask_the_server_through_their_own_connections(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With enough catalogues to merge, ``update`` merges in worker processes; each opens its
    own connection to the server, and pre-fills as one process would."""
    import pipeline.parallel as parallel

    alpha = server_project(tmp_path / "alpha", "alpha", pg_url)
    translate_entries(po_path(load_config(alpha), "de", "alpha"), DE)
    assert run(alpha, "update") == 0
    beta = server_project(tmp_path / "beta", "beta", pg_url, slug="news")
    for slug in ("beta", "gamma"):
        write(beta / "source" / f"{slug}.md", ARTICLE.format(title=slug.title(), slug=slug))
    in_workers = merges_in_workers(monkeypatch)
    with parallel.limited_jobs(2):
        assert run(beta, "update") == 0
    assert any(in_workers)
    for slug in ("beta", "gamma"):
        messages = {m.msgid: m for m in read_po(po_path(load_config(beta), "de", slug)).active}
        assert all(messages[source].msgstr == (target,) and not messages[source].fuzzy for source, target in DE.items())
