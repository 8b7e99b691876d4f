"""Shared fixtures: a throw-away project folder with the shipped article, or the seed text."""

from __future__ import annotations

import dataclasses
import os
import shutil
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import settings

# No timing in tests: a loaded CI machine must not turn a slow example into a failure.
settings.register_profile("translatio", deadline=None, print_blob=True)
settings.load_profile("translatio")

from pipeline.catalogs import Message, read_po, write_po
from pipeline.config import Config, load_config

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests' cache of parsed files lives in their own temporary folder, never the user's."""
    os.environ["TRANSLATIO_CACHE_DIR"] = str(tmp_path_factory.mktemp("translatio-cache"))
REQUIRE_TOOLS = os.environ.get("TRANSLATIO_REQUIRE_TOOLS") == "1"
"""Set by CI, which installs every peer tool: a test skipped because a tool is missing fails."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_TOOLS and report.skipped and isinstance(report.longrepr, tuple) and "not installed" in report.longrepr[2]:
        report.outcome = "failed"
        report.longrepr = f"TRANSLATIO_REQUIRE_TOOLS=1 but the test was skipped: {report.longrepr[2]}"
SEED = REPO.parent / "shared" / "seed" / "valium-article.txt"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project: pyproject.toml with an empty [tool.translatio] table and source/."""
    write(tmp_path / "pyproject.toml", "[tool.translatio]\n")
    (tmp_path / "source").mkdir()
    return tmp_path


@pytest.fixture
def valium_project(project: Path) -> Path:
    """A project holding the shipped Markdown article."""
    shutil.copy(REPO / "source" / "valium.md", project / "source" / "valium.md")
    return project


@pytest.fixture
def seed_project(project: Path) -> Path:
    """A project holding the seed plain-text article exactly as it was delivered."""
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    shutil.copy(SEED, project / "source" / SEED.name)
    return project


def config_of(root: Path) -> Config:
    return load_config(root)


def edit_po(path: Path, change: Callable[[Message], Message]) -> None:
    """Rewrite a catalogue with ``change`` applied to every entry, as a translator's editor would."""
    catalog = read_po(path)
    write_po(dataclasses.replace(catalog, messages=tuple(change(m) for m in catalog.messages)), path)


def translate_entries(path: Path, mapping: dict[str, str], fuzzy: tuple[str, ...] = (), prefix: bool = False) -> None:
    """Give the entries whose msgid is (or, with ``prefix``, starts with) a key of ``mapping`` its
    translation; those listed in ``fuzzy`` are marked fuzzy."""

    def change(m: Message) -> Message:
        for source, target in mapping.items():
            if m.msgid == source or (prefix and m.msgid.startswith(source)):
                return dataclasses.replace(m, msgstr=(target,)).with_flag("fuzzy", source in fuzzy)
        return m

    edit_po(path, change)


@pytest.fixture
def shipped_project(tmp_path: Path) -> Path:
    """A copy of the repository's own content (sources, catalogues, memory, configuration)."""
    project = tmp_path / "site"
    for part in ("source", "locale"):
        shutil.copytree(REPO / part, project / part, ignore=shutil.ignore_patterns(".tm-index*"))
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    return project


@pytest.fixture(autouse=True)
def _no_memory_server_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's TRANSLATIO_MEMORY_URL must not send every test to their team's server:
    the tests that use a server say so (``pg_url``)."""
    monkeypatch.delenv("TRANSLATIO_MEMORY_URL", raising=False)


@pytest.fixture(scope="session")
def pg_cluster():  # type: ignore[no-untyped-def]
    """One throw-away PostgreSQL server for this test process (see tests/pgserver.py); skipped,
    saying how to install it, where the machine has none (CI installs it: there it must run)."""
    from .pgserver import INSTALL_HINT, start_cluster

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]' (or '.[postgresql]')")
    try:
        cluster = start_cluster()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    except RuntimeError as exc:
        pytest.skip(f"a PostgreSQL server could not be started here ({exc}); where PostgreSQL is not installed: {INSTALL_HINT}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:  # type: ignore[no-untyped-def]
    """The URL of a fresh, empty memory on the test server: a schema of its own (pg_trgm created)."""
    return pg_cluster.schema()


def merges_in_workers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Make ``update`` use a pool even for a few catalogues, and record for each pool it starts
    whether it ran the merges (rather than only the formatting): the list the caller asserts on."""
    import pipeline.parallel as parallel
    import pipeline.update as update

    pooled: list[bool] = []
    real = update.parallel_map

    def spying(function, items, workers=None):  # type: ignore[no-untyped-def]
        pooled.append(function is update._merge_in_worker)
        return real(function, items, workers)

    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(update, "parallel_map", spying)
    return pooled
