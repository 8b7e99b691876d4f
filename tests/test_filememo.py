"""File digests by identity (pipeline/filememo.py): a file untouched since the last run is not
read again, and any change — even one that keeps the size and the modification time — is seen."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from pipeline import cache as cache_module
from pipeline.cache import Cache
from pipeline.filememo import RACY_SECONDS, FileMemo


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache.sqlite")


def settled(path: Path, data: bytes) -> Path:
    """A file written long enough ago not to be racy."""
    path.write_bytes(data)
    old = time.time() - 10 * RACY_SECONDS
    os.utime(path, (old, old))
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remembered(cache: Cache, root: Path, path: Path, kind: str = "catalogues") -> None:
    """A run that saw ``path``: the memo of ``kind`` for the project at ``root`` now knows it."""
    memo = FileMemo(cache, kind, root)
    memo.digest(path)
    memo.save()


def test_an_untouched_file_is_not_read_again(cache: Cache, tmp_path: Path) -> None:
    path = settled(tmp_path / "a.po", b"msgid one")
    memo = FileMemo(cache, "catalogues", tmp_path)
    assert memo.digest(path) == (sha(b"msgid one"), b"msgid one")
    memo.save()
    cache.flush()
    again = FileMemo(cache, "catalogues", tmp_path)
    assert again.digest(path) == (sha(b"msgid one"), None)  # known: not read


def test_a_change_keeping_size_and_modification_time_is_seen(cache: Cache, tmp_path: Path) -> None:
    path = settled(tmp_path / "a.po", b"msgid one")
    remembered(cache, tmp_path, path)
    before = path.stat()
    with path.open("r+b") as handle:  # in place: same inode, same size
        handle.write(b"MSGID")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old modification time
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert FileMemo(cache, "catalogues", tmp_path).digest(path) == (sha(b"MSGID one"), b"MSGID one")


def test_a_file_replaced_by_rename_is_seen(cache: Cache, tmp_path: Path) -> None:
    path = settled(tmp_path / "a.po", b"msgid one")
    remembered(cache, tmp_path, path)
    other = settled(tmp_path / "b.po", b"msgid two")
    os.utime(other, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    os.replace(other, path)  # same size, same times, another inode
    assert FileMemo(cache, "catalogues", tmp_path).digest(path) == (sha(b"msgid two"), b"msgid two")


def test_a_racy_file_is_read_every_time_until_it_settles(cache: Cache, tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(b"msgid one")  # written just now: a write in the same tick could follow unseen
    for _ in range(2):
        memo = FileMemo(cache, "catalogues", tmp_path)
        assert memo.digest(path) == (sha(b"msgid one"), b"msgid one")
        memo.save()
    settled(path, b"msgid one")
    remembered(cache, tmp_path, path)
    assert FileMemo(cache, "catalogues", tmp_path).digest(path)[1] is None


def test_memos_are_per_kind_and_project_and_a_damaged_one_is_ignored(cache: Cache, tmp_path: Path) -> None:
    path = settled(tmp_path / "a.md", b"# Title")
    remembered(cache, tmp_path, path, "articles")
    assert FileMemo(cache, "catalogues", tmp_path).digest(path)[1] is not None
    assert FileMemo(cache, "articles", tmp_path / "other").digest(path)[1] is not None
    cache.put(FileMemo(cache, "articles", tmp_path).key, "not a memo")
    assert FileMemo(cache, "articles", tmp_path).digest(path) == (sha(b"# Title"), b"# Title")


def test_a_missing_file_raises_as_reading_it_would(cache: Cache, tmp_path: Path) -> None:
    path = settled(tmp_path / "a.po", b"x")
    remembered(cache, tmp_path, path)
    path.unlink()
    with pytest.raises(FileNotFoundError):
        FileMemo(cache, "catalogues", tmp_path).digest(path)


def test_a_build_sees_a_catalogue_changed_within_the_same_size_and_time(shipped_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: the memo never makes a build publish a stale translation."""
    from pipeline.cli import main

    monkeypatch.setenv("TRANSLATIO_CACHE_DIR", str(tmp_path / "cache"))
    cache_module.close_all()
    old = time.time() - 10 * RACY_SECONDS
    for path in shipped_project.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    assert main(["-C", str(shipped_project), "build"]) == 0
    page = shipped_project / "build" / "de" / "valium.html"
    published = page.read_bytes()
    po = shipped_project / "locale" / "de" / "LC_MESSAGES" / "valium.po"
    before = po.stat()
    text = po.read_bytes()
    assert b"Risiken" in text
    po.write_bytes(text.replace(b"Risiken", b"RISIKEN", 1))
    os.utime(po, ns=(before.st_atime_ns, before.st_mtime_ns))
    cache_module.close_all()
    assert main(["-C", str(shipped_project), "build"]) == 0
    assert page.read_bytes() != published  # (the reviewer's approval no longer matches: shown in English)
    assert main(["-C", str(shipped_project), "--no-cache", "build", "-o", str(tmp_path / "clean")]) == 0
    assert page.read_bytes() == (tmp_path / "clean" / "de" / "valium.html").read_bytes()
    cache_module.close_all()
