"""Publishing in place (pipeline/sitestate.py, build._publish_changes): after a build, the next
one rewrites only the files whose bytes change, leaves every other file as it is (same inode),
and the folder is then byte for byte the one a clean build publishes. Anything unexpected in
the folder means a clean build, never a guess."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline import cache as cache_module
from pipeline.build import RECORD, build_site
from pipeline.cli import main
from pipeline.config import load_config

from .test_update import snapshot


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRANSLATIO_CACHE_DIR", str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    cache_module.close_all()
    yield folder
    cache_module.close_all()


@pytest.fixture
def project(shipped_project: Path) -> Path:
    """The shipped content with a second article, updated and built once."""
    source = shipped_project / "source"
    text = (source / "valium.md").read_text(encoding="utf-8")
    (source / "second.md").write_text(text.replace("slug: valium", "slug: second", 1), encoding="utf-8")
    assert main(["-C", str(shipped_project), "update"]) == 0
    for po in shipped_project.glob("locale/*/LC_MESSAGES/valium.po"):
        shutil.copy(po, po.with_name("second.po"))
    assert main(["-C", str(shipped_project), "build"]) == 0
    return shipped_project


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def clean_build(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a clean build of the project as it is now publishes."""
    out = tmp_path / "clean"
    shutil.rmtree(out, ignore_errors=True)
    assert main(["-C", str(project), "build", "--clean", "-o", str(out)]) == 0
    return snapshot(out)


def build(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 0
    return capsys.readouterr().out.splitlines()[0]


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def test_nothing_changed_nothing_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    before = inodes(out)
    mtimes = {p: (out / p).stat().st_mtime_ns for p in before}
    assert build(project, capsys).endswith("; nothing changed")
    assert inodes(out) == before
    assert {p: (out / p).stat().st_mtime_ns for p in before} == mtimes


def test_a_changed_translation_replaces_only_its_pages_and_the_record(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    before = inodes(out)
    po = project / "locale" / "de" / "LC_MESSAGES" / "second.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Valium', 'msgstr "Valium®', 1), encoding="utf-8")
    line = build(project, capsys)
    assert changed(before, inodes(out)) == {"de/second.html", "de/second.txt", "de/index.html", RECORD}  # the title is in the list
    assert line.endswith("; 3 changed, published in place")
    assert snapshot(out) == clean_build(project, tmp_path)


def test_articles_added_and_removed_in_place(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    source = project / "source"
    (source / "second.md").unlink()
    text = (source / "valium.md").read_text(encoding="utf-8")
    (source / "third.md").write_text(text.replace("slug: valium", "slug: third", 1), encoding="utf-8")
    before = inodes(out)
    build(project, capsys)
    after = inodes(out)
    assert not any("second" in p for p in after) and "ja/third.txt" in after
    assert {p for p in changed(before, after) if "valium" in p} == set()  # the other article's pages stay
    assert snapshot(out) == clean_build(project, tmp_path)
    manifest = json.loads((out / RECORD).read_text(encoding="utf-8"))
    assert {row["article"] for row in manifest["pages"]} == {"valium", "third"}


def test_a_page_edited_by_hand_is_published_again(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    page = out / "fr" / "valium.html"
    published = page.read_bytes()
    with page.open("ab") as handle:  # in place: same inode, so only its size and times tell
        handle.write(b"<p>defaced</p>")
    (out / "ru" / "valium.txt").unlink()
    assert build(project, capsys).endswith("; 2 changed, published in place")
    assert page.read_bytes() == published
    assert snapshot(out) == clean_build(project, tmp_path)


@pytest.mark.parametrize("stranger", ["notes.txt", "de/extra.html", "assets/logo.svg"])
def test_a_file_nobody_published_means_a_clean_build(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], stranger: str) -> None:
    out = project / "build"
    (out / stranger).parent.mkdir(exist_ok=True)
    (out / stranger).write_text("mine", encoding="utf-8")
    before = inodes(out)
    line = build(project, capsys)
    assert "in place" not in line and "nothing changed" not in line
    assert not (out / stranger).exists()
    assert not set(inodes(out).values()) & set(before.values())  # a whole new tree
    assert snapshot(out) == clean_build(project, tmp_path)
    assert build(project, capsys).endswith("; nothing changed")  # and in place again after it


def test_a_record_edited_by_hand_means_a_clean_build(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    record = out / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('"reviewed"', '"approved"'), encoding="utf-8")
    line = build(project, capsys)
    assert "in place" not in line and "nothing changed" not in line
    assert snapshot(out) == clean_build(project, tmp_path)


def test_a_template_change_or_other_locales_mean_a_clean_build(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    assert "in place" not in build_line(project, capsys, "-l", "de")
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["de", "en"]
    assert "in place" not in build_line(project, capsys)
    assert build(project, capsys).endswith("; nothing changed")


def build_line(project: Path, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    capsys.readouterr()
    assert main(["-C", str(project), "build", *options]) == 0
    return capsys.readouterr().out.splitlines()[0]


def test_without_the_cache_or_its_state_a_clean_build(project: Path, tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    cache_module.close_all()
    shutil.rmtree(cache_dir)
    line = build(project, capsys)
    assert "in place" not in line and "nothing changed" not in line  # no state: the whole tree
    assert "in place" not in build_line(project, capsys, "--clean")
    cache_module.close_all()
    os.environ["TRANSLATIO_CACHE"] = "0"
    try:
        assert "nothing changed" not in build_line(project, capsys)
    finally:
        del os.environ["TRANSLATIO_CACHE"]
    assert snapshot(out) == clean_build(project, tmp_path)


def test_in_place_builds_through_the_api_match_parallel_clean_ones(project: Path, tmp_path: Path) -> None:
    """Four workers or one, in place or clean: the same bytes."""
    po = project / "locale" / "ja" / "LC_MESSAGES" / "valium.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "', 'msgstr "「', 3), encoding="utf-8")
    result = build_site(load_config(project), workers=4)
    assert result.changed is not None and result.changed > 0
    in_place = snapshot(project / "build")
    assert build_site(load_config(project), workers=1, clean=True).changed is None
    assert snapshot(project / "build") == in_place


def test_the_record_is_spliced_in_place_without_reading_its_other_rows(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Same articles, same languages: the rows of what changed are put at their places (a
    10,000-article record is 200 MB); only a changed layout makes the rows be looked up by key."""
    from pipeline import sitestate

    def not_read(data: bytes) -> None:
        raise AssertionError("the record's rows were read one by one")

    monkeypatch.setattr(sitestate, "record_rows", not_read)
    po = project / "locale" / "ar" / "LC_MESSAGES" / "valium.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "', 'msgstr "‏', 2), encoding="utf-8")
    assert build(project, capsys).endswith("published in place")
    assert snapshot(project / "build") == clean_build(project, tmp_path)
