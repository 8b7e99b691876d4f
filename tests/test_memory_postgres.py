"""The shared memory on a real PostgreSQL server: the backend contract, concurrency, two projects
sharing one server, push/pull/sync, a server that is down or goes away, the schema's versions.

Each test gets a fresh database on a throw-away server the tests start themselves (conftest's
``pg_cluster``: ``initdb`` in a temporary folder, 127.0.0.1, a free port); they are skipped
where PostgreSQL is not installed, and CI (TRANSLATIO_REQUIRE_TOOLS=1) fails instead.
"""

from __future__ import annotations

import pytest

from pipeline.memory.units import Origin

from .test_memory import MemoryBackendContract, SENTENCES, unit


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
